/// The formats that other tools read findings in: code scanning, reviewdog, GitLab, GitHub
/// Actions and anything that reads Checkstyle.
package enum FindingFormat: String, CaseIterable, Sendable {
  /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
  case sarif
  /// reviewdog's Diagnostic Result JSON, with suggestions.
  case rdjson
  /// GitLab's code quality report.
  case gitlab
  /// GitHub Actions workflow commands, which become annotations on the pull request.
  case github
  /// Checkstyle XML 4.3.
  case checkstyle
}

/// Writes findings in one of the ``FindingFormat``s.
///
/// Input: the findings in the order they should appear, and every file that was checked. Output:
/// the bytes of the report. The same input always gives the same bytes: JSON keys are sorted,
/// nothing depends on the clock, the machine or the working folder, and paths are written as the
/// findings give them (relative).
///
/// Levels per format:
///
/// | `Finding.Level` | SARIF   | rdjson  | GitLab  | GitHub  | Checkstyle |
/// |-----------------|---------|---------|---------|---------|------------|
/// | note            | note    | INFO    | info    | notice  | info       |
/// | warning         | warning | WARNING | minor   | warning | warning    |
/// | error           | error   | ERROR   | major   | error   | error      |
package enum FindingRenderer {
  /// `files`: every file that was checked (in order), so formats that list files (checkstyle)
  /// include clean ones.
  package static func render(
    _ findings: [Finding], files: [String], format: FindingFormat, toolVersion: String
  ) -> [UInt8] {
    switch format {
    case .sarif: Sarif.render(findings, toolVersion: toolVersion)
    case .rdjson: Rdjson.render(findings)
    case .gitlab: GitLabCodeQuality.render(findings)
    case .github: GitHubAnnotations.render(findings)
    case .checkstyle: Checkstyle.render(findings, files: files)
    }
  }

  /// The tool's home page, the one address every format links to.
  static let homepage = "https://github.com/planner-dev/planner"

  /// Where a rule is explained: its row in the README's rule table.
  static func documentation(ofRule id: String) -> String {
    "\(homepage)#\(id.lowercased())"
  }

  /// The range with every line and column at least 1 and the end not before the start, so that
  /// no format receives a position its readers reject.
  static func normalized(_ range: SourceRange) -> SourceRange {
    let start = SourcePosition(line: max(range.start.line, 1), column: max(range.start.column, 1))
    var end = SourcePosition(line: max(range.end.line, 1), column: max(range.end.column, 1))
    if end < start { end = start }
    return SourceRange(start: start, end: end)
  }

  /// The first and last line a range touches, for formats that only show lines. The end is
  /// exclusive, so a range that ends at column 1 of a later line stops on the line before.
  static func lines(of range: SourceRange) -> (first: Int, last: Int) {
    let range = normalized(range)
    let touchesEndLine = range.end.column > 1 || range.end.line == range.start.line
    return (range.start.line, touchesEndLine ? range.end.line : range.end.line - 1)
  }

  /// The rebuild seconds as every JSON report writes them, or nil when there is no finite value.
  static func seconds(_ finding: Finding) -> Double? {
    guard let seconds = finding.seconds, seconds.isFinite else { return nil }
    return SimulationReport.rounded(seconds)
  }
}
