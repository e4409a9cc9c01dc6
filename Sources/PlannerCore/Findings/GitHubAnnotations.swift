/// Findings as GitHub Actions workflow commands, one line each, which the runner turns into
/// annotations on the pull request's files:
///
/// ```
/// ::warning file=Dockerfile,line=3,endLine=5,title=PL101 reorder-steps::move 'COPY …' above …
/// ```
///
/// Values are escaped the way GitHub's toolkit (`@actions/core`) escapes them. A note becomes a
/// `notice`. `col` is only given for a single-line finding, as the toolkit requires; a range that
/// ends at column 1 of a later line stops on the line before.
enum GitHubAnnotations {
  static func render(_ findings: [Finding]) -> [UInt8] {
    Array(findings.map(command).joined().utf8)
  }

  /// One workflow command, ending with a newline.
  static func command(_ finding: Finding) -> String {
    let range = FindingRenderer.normalized(finding.range)
    let lines = FindingRenderer.lines(of: range)
    var properties = [
      ("file", finding.file), ("line", "\(lines.first)"), ("endLine", "\(lines.last)"),
    ]
    if lines.first == lines.last {
      properties.append(("col", "\(range.start.column)"))
    }
    let name = RuleCatalog.rule(finding.rule)?.name
    properties.append(("title", name.map { "\(finding.rule) \($0)" } ?? finding.rule))
    let list = properties.map { "\($0)=\(escapeProperty($1))" }.joined(separator: ",")
    return "::\(command(for: finding.level)) \(list)::\(escapeData(finding.message))\n"
  }

  static func command(for level: Finding.Level) -> String {
    switch level {
    case .note: "notice"
    case .warning: "warning"
    case .error: "error"
    }
  }

  /// The message: `%`, carriage return and line feed percent-encoded, as `escapeData` does in
  /// the toolkit.
  static func escapeData(_ text: String) -> String {
    text.replacingAll("%", with: "%25")
      .replacingAll("\r", with: "%0D")
      .replacingAll("\n", with: "%0A")
  }

  /// A property value: the message's escapes plus `:` and `,`, which separate properties.
  static func escapeProperty(_ text: String) -> String {
    escapeData(text)
      .replacingAll(":", with: "%3A")
      .replacingAll(",", with: "%2C")
  }
}
