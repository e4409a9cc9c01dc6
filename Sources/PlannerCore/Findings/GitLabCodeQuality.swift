/// Findings as a GitLab code quality report (the `artifacts:reports:codequality` file): a JSON
/// array with one issue per finding.
///
/// GitLab shows only one issue per fingerprint, so every fingerprint in a report is unique: the
/// first finding with a given ``Finding/fingerprint`` keeps it, and each later one hashes it
/// with its occurrence number. Severities: note is `info`, warning is `minor` (a slower build,
/// not a defect) and error is `major`; `critical` and `blocker` are left for security and
/// correctness problems, which planner does not report.
enum GitLabCodeQuality {
  static func render(_ findings: [Finding]) -> [UInt8] {
    JSONOutput.encode(
      zip(findings, fingerprints(findings)).map { Issue($0, fingerprint: $1) })
  }

  /// One fingerprint per finding, in order, no two alike.
  static func fingerprints(_ findings: [Finding]) -> [String] {
    var used: Set<String> = []
    var occurrences: [String: Int] = [:]
    return findings.map { finding in
      let base = finding.fingerprint
      var candidate = base
      while used.contains(candidate) {
        let occurrence = occurrences[base, default: 0] + 1
        occurrences[base] = occurrence
        candidate = Finding.fnv1a("\(base)\u{0}\(occurrence)")
      }
      used.insert(candidate)
      return candidate
    }
  }

  static func severity(_ level: Finding.Level) -> String {
    switch level {
    case .note: "info"
    case .warning: "minor"
    case .error: "major"
    }
  }

  struct Issue: Encodable {
    struct Location: Encodable {
      var path: String
      var lines: Lines
    }
    struct Lines: Encodable {
      var begin: Int
      var end: Int
    }

    var description: String
    var checkName: String
    var fingerprint: String
    var severity: String
    var location: Location

    enum CodingKeys: String, CodingKey {
      case description, fingerprint, severity, location
      case checkName = "check_name"
    }

    init(_ finding: Finding, fingerprint: String) {
      description = finding.message
      checkName = finding.rule
      self.fingerprint = fingerprint
      severity = GitLabCodeQuality.severity(finding.level)
      let lines = FindingRenderer.lines(of: finding.range)
      location = Location(path: finding.file, lines: Lines(begin: lines.first, end: lines.last))
    }
  }
}
