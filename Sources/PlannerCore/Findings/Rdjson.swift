/// Findings as reviewdog's Diagnostic Result JSON (`rdjson`), which `reviewdog -f=rdjson` reads
/// to comment on a pull request, with fixes as suggestions.
///
/// reviewdog's ranges, like `Finding`'s, end at the position after the last character and
/// count columns in UTF-8 bytes, so coordinates are copied unchanged. A suggestion can only edit
/// the diagnostic's own file: a fix to another file (a `.dockerignore`) is left out.
enum Rdjson {
  static func render(_ findings: [Finding]) -> [UInt8] {
    JSONOutput.encode(
      Result(
        source: Source(name: "planner", url: FindingRenderer.homepage),
        diagnostics: findings.map(Diagnostic.init)))
  }

  static func severity(_ level: Finding.Level) -> String {
    switch level {
    case .note: "INFO"
    case .warning: "WARNING"
    case .error: "ERROR"
    }
  }

  struct Result: Encodable {
    var source: Source
    var diagnostics: [Diagnostic]
  }

  struct Source: Encodable {
    var name: String
    var url: String
  }

  struct Position: Encodable {
    var line: Int
    var column: Int
  }

  struct Range: Encodable {
    var start: Position
    var end: Position

    init(_ range: SourceRange) {
      let range = FindingRenderer.normalized(range)
      start = Position(line: range.start.line, column: range.start.column)
      end = Position(line: range.end.line, column: range.end.column)
    }
  }

  struct Location: Encodable {
    var path: String
    var range: Range
  }

  struct Code: Encodable {
    var value: String
    var url: String
  }

  struct Suggestion: Encodable {
    var range: Range
    var text: String
  }

  struct Diagnostic: Encodable {
    var message: String
    var location: Location
    var severity: String
    var code: Code
    var suggestions: [Suggestion]?

    init(_ finding: Finding) {
      message = finding.message
      location = Location(path: finding.file, range: Range(finding.range))
      severity = Rdjson.severity(finding.level)
      code = Code(value: finding.rule, url: FindingRenderer.documentation(ofRule: finding.rule))
      if let fix = finding.fix, fix.file == finding.file, !fix.replacements.isEmpty {
        suggestions = fix.replacements.map { Suggestion(range: Range($0.range), text: $0.text) }
      }
    }
  }
}
