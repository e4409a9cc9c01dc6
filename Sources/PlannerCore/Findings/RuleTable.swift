extension RuleCatalog {
  package enum TableFormat: String, CaseIterable, Sendable {
    case text, json, markdown
  }

  /// Every rule, as `planner rules` prints it; the Markdown form is the README's rule table,
  /// whose anchors (`#pl101`) are the rules' help links in SARIF and rdjson.
  package static func table(_ format: TableFormat) -> [UInt8] {
    switch format {
    case .text:
      var out = ""
      for rule in all {
        out += "\(rule.id)  \(rule.name) (\(rule.category.rawValue), \(rule.level.rawValue))\n"
        out += "       \(rule.summary)\n"
      }
      return Array(out.utf8)
    case .markdown:
      var out = "| id | name | kind | level | finds | what to do |\n"
      out += "| --- | --- | --- | --- | --- | --- |\n"
      for rule in all {
        out +=
          "| <a id=\"\(rule.id.lowercased())\"></a>\(rule.id) | `\(rule.name)` | \(rule.category.rawValue) | \(rule.level.rawValue) | \(SimulationReport.markdownCell(rule.summary)) | \(SimulationReport.markdownCell(rule.help)) |\n"
      }
      return Array(out.utf8)
    case .json:
      struct Entry: Encodable {
        var id, name, category, level, summary, help: String
      }
      return JSONOutput.encode(
        all.map {
          Entry(
            id: $0.id, name: $0.name, category: $0.category.rawValue, level: $0.level.rawValue,
            summary: $0.summary, help: $0.help)
        })
    }
  }
}
