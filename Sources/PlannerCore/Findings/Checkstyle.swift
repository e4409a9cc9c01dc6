/// Findings as Checkstyle XML 4.3, which Jenkins, reviewdog (`-f=checkstyle`) and many CI
/// dashboards read:
///
/// ```
/// <?xml version="1.0" encoding="UTF-8"?>
/// <checkstyle version="4.3">
///   <file name="Dockerfile">
///     <error line="3" column="1" severity="warning" message="…" source="planner.PL101"/>
///   </file>
/// </checkstyle>
/// ```
///
/// Every checked file gets a `<file>` element in the order given, clean ones included, so that
/// a dashboard can tell a clean file from an unchecked one; a finding in a file that is not in
/// the list gets its own element after them. A note's severity is `info`.
enum Checkstyle {
  static func render(_ findings: [Finding], files: [String]) -> [UInt8] {
    var order: [String] = []
    var byFile: [String: [Finding]] = [:]
    for file in files where byFile[file] == nil {
      order.append(file)
      byFile[file] = []
    }
    for finding in findings {
      if byFile[finding.file] == nil { order.append(finding.file) }
      byFile[finding.file, default: []].append(finding)
    }

    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
    for file in order {
      out += "  <file name=\"\(escape(file))\">\n"
      for finding in byFile[file, default: []] {
        let start = FindingRenderer.normalized(finding.range).start
        out += "    <error line=\"\(start.line)\" column=\"\(start.column)\""
        out += " severity=\"\(severity(finding.level))\" message=\"\(escape(finding.message))\""
        out += " source=\"planner.\(escape(finding.rule))\"/>\n"
      }
      out += "  </file>\n"
    }
    out += "</checkstyle>\n"
    return Array(out.utf8)
  }

  static func severity(_ level: Finding.Level) -> String {
    switch level {
    case .note: "info"
    case .warning: "warning"
    case .error: "error"
    }
  }

  /// Text for a double-quoted attribute value. Markup characters become entities; tab, line
  /// feed and carriage return become character references so that the parser does not fold them
  /// into spaces. Characters that XML 1.0 forbids even as references (other control characters,
  /// U+FFFE, U+FFFF) become U+FFFD.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t": out += "&#9;"
      case "\n": out += "&#10;"
      case "\r": out += "&#13;"
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
