/// Findings as a SARIF 2.1.0 log: one run, every rule of ``RuleCatalog`` as rule metadata, and
/// one result per finding with its region, stable fingerprint, fix and measured saving.
///
/// Regions keep `Finding`'s coordinates unchanged: both count the end as the position after the
/// last character, so an insertion is an empty region and a replacement of whole lines ends at
/// column 1 of the line after them. Paths become relative URI references against `%SRCROOT%`.
enum Sarif {
  static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
  /// The key of ``Finding/fingerprint`` in `partialFingerprints`; bump the version if the
  /// fingerprint's recipe changes.
  static let fingerprintKey = "plannerFingerprint/v1"
  static let sourceRoot = "%SRCROOT%"

  static func render(_ findings: [Finding], toolVersion: String) -> [UInt8] {
    let ruleIndex = Dictionary(
      uniqueKeysWithValues: RuleCatalog.all.enumerated().map { ($1.id, $0) })
    let driver = Driver(
      name: "planner", version: toolVersion, informationUri: FindingRenderer.homepage,
      rules: RuleCatalog.all.map(ReportingDescriptor.init))
    // Distinct results need distinct fingerprints, or code scanning merges them (the same
    // instruction in two stages): the same uniqueness the GitLab report keeps.
    let fingerprints = GitLabCodeQuality.fingerprints(findings)
    let results = zip(findings, fingerprints).map { finding, fingerprint in
      Result(finding, ruleIndex: ruleIndex[finding.rule.uppercased()], fingerprint: fingerprint)
    }
    return JSONOutput.encode(Log(runs: [Run(tool: Tool(driver: driver), results: results)]))
  }

  /// A relative path as a URI reference: every byte but unreserved characters and `/` is
  /// percent-encoded, so spaces, `:` (which would read as a scheme), `%`, `#` and `?` survive.
  static func uriReference(_ path: String) -> String {
    var out = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }

  /// Markdown without its code spans' backticks, for SARIF's plain-text fields.
  static func plainText(_ markdown: String) -> String {
    markdown.replacingAll("`", with: "")
  }

  struct Log: Encodable {
    var schema = Sarif.schema
    var version = "2.1.0"
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }

  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
    /// planner counts columns in bytes, which SARIF cannot say; they agree with UTF-16 code
    /// units wherever a line is ASCII up to the column.
    var columnKind = "utf16CodeUnits"
  }

  struct Tool: Encodable {
    var driver: Driver
  }

  struct Driver: Encodable {
    var name: String
    var version: String
    var informationUri: String
    var rules: [ReportingDescriptor]
  }

  struct Message: Encodable {
    var text: String
    var markdown: String?
  }

  struct ReportingDescriptor: Encodable {
    struct Configuration: Encodable {
      var level: String
    }
    struct Properties: Encodable {
      var category: String
    }

    var id: String
    var name: String
    var shortDescription: Message
    var fullDescription: Message
    var help: Message
    var helpUri: String
    var defaultConfiguration: Configuration
    var properties: Properties

    init(_ rule: Rule) {
      id = rule.id
      name = rule.name
      shortDescription = Message(text: plainText(rule.summary), markdown: rule.summary)
      fullDescription = Message(text: plainText(rule.help), markdown: rule.help)
      help = Message(text: plainText(rule.help), markdown: rule.help)
      helpUri = FindingRenderer.documentation(ofRule: rule.id)
      defaultConfiguration = Configuration(level: rule.level.rawValue)
      properties = Properties(category: rule.category.rawValue)
    }
  }

  struct Result: Encodable {
    struct Properties: Encodable {
      var seconds: Double?
      var rebuilds: Int?
    }

    var ruleId: String
    /// Absent for a rule that is not in the catalog.
    var ruleIndex: Int?
    var level: String
    var message: Message
    var locations: [Location]
    var partialFingerprints: [String: String]
    var fixes: [Fix]?
    var properties: Properties?

    init(_ finding: Finding, ruleIndex: Int?, fingerprint: String) {
      ruleId = finding.rule
      self.ruleIndex = ruleIndex
      level = finding.level.rawValue
      message = Message(text: finding.message)
      locations = [
        Location(
          physicalLocation: PhysicalLocation(
            artifactLocation: ArtifactLocation(finding.file), region: Region(finding.range)))
      ]
      partialFingerprints = [Sarif.fingerprintKey: fingerprint]
      // SARIF requires at least one replacement per change, so an empty fix is left out.
      if let fix = finding.fix, !fix.replacements.isEmpty {
        fixes = [Fix(fix)]
      }
      let seconds = FindingRenderer.seconds(finding)
      if seconds != nil || finding.rebuilds != nil {
        properties = Properties(seconds: seconds, rebuilds: finding.rebuilds)
      }
    }
  }

  struct Location: Encodable {
    var physicalLocation: PhysicalLocation
  }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region
  }

  struct ArtifactLocation: Encodable {
    var uri: String
    var uriBaseId = Sarif.sourceRoot

    init(_ path: String) {
      uri = Sarif.uriReference(path)
    }
  }

  struct Region: Encodable {
    var startLine: Int
    var startColumn: Int
    var endLine: Int
    var endColumn: Int

    init(_ range: SourceRange) {
      let range = FindingRenderer.normalized(range)
      startLine = range.start.line
      startColumn = range.start.column
      endLine = range.end.line
      endColumn = range.end.column
    }
  }

  struct Fix: Encodable {
    struct ArtifactChange: Encodable {
      var artifactLocation: ArtifactLocation
      var replacements: [Replacement]
    }
    struct Replacement: Encodable {
      struct Content: Encodable {
        var text: String
      }
      var deletedRegion: Region
      /// Absent for a pure deletion.
      var insertedContent: Content?
    }

    var description: Message
    var artifactChanges: [ArtifactChange]

    init(_ fix: Finding.Fix) {
      description = Message(text: fix.description)
      let replacements = fix.replacements.map {
        Replacement(
          deletedRegion: Region($0.range),
          insertedContent: $0.text.isEmpty ? nil : Replacement.Content(text: $0.text))
      }
      artifactChanges = [
        ArtifactChange(artifactLocation: ArtifactLocation(fix.file), replacements: replacements)
      ]
    }
  }
}
