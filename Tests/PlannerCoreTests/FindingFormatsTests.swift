import Foundation
import Testing

@testable import PlannerCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// SARIF, rdjson, GitLab, GitHub and Checkstyle output of findings: exact text where a format is
/// read line by line, structure where it is JSON, and the SARIF log validated against the
/// official schema in `../shared/schemas` (skipped, saying why, without it or without Python's
/// `jsonschema`).
@Suite("Finding formats: SARIF, rdjson, GitLab, GitHub and Checkstyle")
struct FindingFormatsTests {
  static let odd = "services/my app/Dockerfile.ünï"
  static let oddIgnore = "services/my app/.dockerignore"
  static let trickyMessage = "100% of rebuilds, by: 'docs/<&\"x\">' (literally %0A)\nadd 'docs'"
  static let files = ["Dockerfile", "clean/Dockerfile", odd]

  static func range(_ line: Int, _ column: Int, _ endLine: Int, _ endColumn: Int) -> SourceRange {
    SourceRange(
      start: SourcePosition(line: line, column: column),
      end: SourcePosition(line: endLine, column: endColumn))
  }

  /// A cache move with a two-part fix, `.dockerignore` advice with awkward text and path, and two
  /// findings about the same subject (one fingerprint).
  static let findings: [Finding] = [
    Finding(
      rule: "PL101", level: .warning, file: "Dockerfile", range: range(3, 1, 5, 14),
      message: "move 'COPY package.json .' above 'COPY . .': saves 12.5 s over 40 rebuilds",
      subject: "COPY package.json .", seconds: 12.5, rebuilds: 40,
      fix: Finding.Fix(
        description: "move 'COPY package.json .' above 'COPY . .'", file: "Dockerfile",
        replacements: [
          .init(range: range(2, 1, 2, 1), text: "COPY package.json .\n"),
          .init(range: range(5, 1, 6, 1), text: ""),
        ])),
    Finding(
      rule: "PL201", level: .note, file: odd, range: range(1, 1, 1, 10), message: trickyMessage,
      subject: "docs",
      fix: Finding.Fix(
        description: "add 'docs' to .dockerignore", file: oddIgnore,
        replacements: [.init(range: range(4, 1, 4, 1), text: "docs\n")])),
    Finding(
      rule: "PL303", level: .error, file: "Dockerfile", range: range(7, 5, 7, 30),
      message: "'/var/lib/apt/lists' is left in the layer", subject: "RUN apt-get install curl"),
    Finding(
      rule: "PL303", level: .error, file: "Dockerfile", range: range(9, 5, 11, 1),
      message: "'/var/lib/apt/lists' is left in the layer",
      subject: "RUN  apt-get install\tcurl"),
  ]

  static func render(_ format: FindingFormat, _ findings: [Finding] = findings) -> [UInt8] {
    FindingRenderer.render(findings, files: files, format: format, toolVersion: "1.2.3")
  }

  static func text(_ format: FindingFormat, _ findings: [Finding] = findings) -> String {
    String(decoding: render(format, findings), as: UTF8.self)
  }

  static func json(_ format: FindingFormat, _ findings: [Finding] = findings) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(render(format, findings)))
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  // MARK: Every format

  @Test(arguments: FindingFormat.allCases)
  func theSameFindingsGiveTheSameBytes(format: FindingFormat) {
    let first = Self.render(format)
    #expect(!first.isEmpty)
    #expect(Self.render(format) == first)
  }

  @Test func noFindingsGiveAnEmptyReport() throws {
    #expect(Self.text(.github, []) == "")
    #expect(Self.text(.gitlab, []) == "[]\n")
    let rdjson = try #require(try Self.json(.rdjson, []) as? [String: Any])
    #expect((rdjson["diagnostics"] as? [Any])?.isEmpty == true)
    let sarif = try #require(try Self.json(.sarif, []) as? [String: Any])
    let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
    #expect((run["results"] as? [Any])?.isEmpty == true)
    #expect(
      Self.text(.checkstyle, []) == """
        <?xml version="1.0" encoding="UTF-8"?>
        <checkstyle version="4.3">
          <file name="Dockerfile">
          </file>
          <file name="clean/Dockerfile">
          </file>
          <file name="services/my app/Dockerfile.ünï">
          </file>
        </checkstyle>

        """)
  }

  @Test func jsonFormatsSortTheirKeysAndEndWithANewline() {
    for format in [FindingFormat.sarif, .rdjson, .gitlab] {
      let text = Self.text(format)
      #expect(text.hasSuffix("}\n") || text.hasSuffix("]\n"), "\(format)")
      #expect(!text.contains("/Users/") && !text.contains("/home/"), "\(format)")
    }
    let rdjson = Self.text(.rdjson)
    let keys = ["\"diagnostics\"", "\"source\""].compactMap { rdjson.range(of: $0)?.lowerBound }
    #expect(keys.count == 2 && keys[0] < keys[1])
  }

  // MARK: SARIF

  static func sarifRun() throws -> [String: Any] {
    let log = try #require(try json(.sarif) as? [String: Any])
    #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
    #expect(log["version"] as? String == "2.1.0")
    let runs = try #require(log["runs"] as? [[String: Any]])
    #expect(runs.count == 1)
    return try #require(runs.first)
  }

  static func sarifResults() throws -> [[String: Any]] {
    try #require(try sarifRun()["results"] as? [[String: Any]])
  }

  static func region(_ value: Any?) -> [Int]? {
    guard let region = value as? [String: Any] else { return nil }
    return ["startLine", "startColumn", "endLine", "endColumn"].compactMap { region[$0] as? Int }
  }

  @Test func sarifDescribesTheToolAndEveryRule() throws {
    let run = try Self.sarifRun()
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    #expect(driver["name"] as? String == "planner")
    #expect(driver["version"] as? String == "1.2.3")
    #expect(driver["informationUri"] as? String == FindingRenderer.homepage)
    let rules = try #require(driver["rules"] as? [[String: Any]])
    #expect(rules.map { $0["id"] as? String } == RuleCatalog.all.map(\.id))

    let pl301 = try #require(rules.first { $0["id"] as? String == "PL301" })
    let catalog = try #require(RuleCatalog.rule("PL301"))
    #expect(pl301["name"] as? String == "update-without-install")
    let short = try #require(pl301["shortDescription"] as? [String: Any])
    #expect(
      short["text"] as? String == "apt-get update or apk update runs in a RUN without the install.")
    let help = try #require(pl301["help"] as? [String: Any])
    #expect(help["markdown"] as? String == catalog.help)
    #expect((help["text"] as? String)?.contains("`") == false)
    let full = try #require(pl301["fullDescription"] as? [String: Any])
    #expect(full["text"] as? String == help["text"] as? String)
    #expect((pl301["defaultConfiguration"] as? [String: Any])?["level"] as? String == "warning")
    #expect((pl301["properties"] as? [String: Any])?["category"] as? String == "hygiene")
    let pl103 = try #require(rules.first { $0["id"] as? String == "PL103" })
    #expect((pl103["defaultConfiguration"] as? [String: Any])?["level"] as? String == "note")
  }

  @Test func sarifResultsCarryRuleLevelRegionFingerprintAndSaving() throws {
    let results = try Self.sarifResults()
    #expect(results.count == 4)
    #expect(results.map { $0["ruleId"] as? String } == ["PL101", "PL201", "PL303", "PL303"])
    let indexes = ["PL101", "PL201", "PL303", "PL303"].map { id in
      RuleCatalog.all.firstIndex { $0.id == id }
    }
    #expect(results.map { $0["ruleIndex"] as? Int } == indexes)
    #expect(results.map { $0["level"] as? String } == ["warning", "note", "error", "error"])
    #expect((results[1]["message"] as? [String: Any])?["text"] as? String == Self.trickyMessage)

    let location = try #require((results[0]["locations"] as? [[String: Any]])?.first)
    let physical = try #require(location["physicalLocation"] as? [String: Any])
    let artifact = try #require(physical["artifactLocation"] as? [String: Any])
    #expect(artifact["uri"] as? String == "Dockerfile")
    #expect(artifact["uriBaseId"] as? String == "%SRCROOT%")
    // Same end convention: the position after the last character.
    #expect(Self.region(physical["region"]) == [3, 1, 5, 14])

    // The first of each fingerprint keeps it; a later finding with the same one (here the same
    // subject twice) gets its own, so that code scanning keeps both results.
    let expected = GitLabCodeQuality.fingerprints(Self.findings)
    for (result, fingerprint) in zip(results, expected) {
      let prints = result["partialFingerprints"] as? [String: String]
      #expect(prints == ["plannerFingerprint/v1": fingerprint])
    }
    #expect(expected[0] == Self.findings[0].fingerprint)
    #expect(
      results[2]["partialFingerprints"] as? [String: String]
        != results[3]["partialFingerprints"] as? [String: String])

    let properties = try #require(results[0]["properties"] as? [String: Any])
    #expect(properties["seconds"] as? Double == 12.5)
    #expect(properties["rebuilds"] as? Int == 40)
    #expect(results[2]["properties"] == nil)
    #expect(results[2]["fixes"] == nil)
  }

  @Test func sarifFixesInsertWithAnEmptyRegionAndDeleteWholeLines() throws {
    let results = try Self.sarifResults()
    let fix = try #require((results[0]["fixes"] as? [[String: Any]])?.first)
    #expect(
      (fix["description"] as? [String: Any])?["text"] as? String
        == "move 'COPY package.json .' above 'COPY . .'")
    let change = try #require((fix["artifactChanges"] as? [[String: Any]])?.first)
    #expect((change["artifactLocation"] as? [String: Any])?["uri"] as? String == "Dockerfile")
    let replacements = try #require(change["replacements"] as? [[String: Any]])
    #expect(replacements.count == 2)
    #expect(Self.region(replacements[0]["deletedRegion"]) == [2, 1, 2, 1])
    #expect(
      (replacements[0]["insertedContent"] as? [String: Any])?["text"] as? String
        == "COPY package.json .\n")
    #expect(Self.region(replacements[1]["deletedRegion"]) == [5, 1, 6, 1])
    #expect(replacements[1]["insertedContent"] == nil)

    let ignoreFix = try #require((results[1]["fixes"] as? [[String: Any]])?.first)
    let ignoreChange = try #require((ignoreFix["artifactChanges"] as? [[String: Any]])?.first)
    #expect(
      (ignoreChange["artifactLocation"] as? [String: Any])?["uri"] as? String
        == "services/my%20app/.dockerignore")
  }

  @Test func sarifPathsArePercentEncodedRelativeReferences() throws {
    let results = try Self.sarifResults()
    let location = try #require((results[1]["locations"] as? [[String: Any]])?.first)
    let physical = try #require(location["physicalLocation"] as? [String: Any])
    let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
    #expect(uri == "services/my%20app/Dockerfile.%C3%BCn%C3%AF")
    #expect(uri.removingPercentEncoding == Self.odd)
    #expect(Sarif.uriReference("a:b/c%d#e?f,g") == "a%3Ab/c%25d%23e%3Ff%2Cg")
    #expect(Sarif.uriReference("./x_y-z~1.txt") == "./x_y-z~1.txt")
    #expect(URL(string: uri, relativeTo: URL(string: "file:///src/")) != nil)
  }

  @Test func sarifLeavesOutAFixWithoutReplacementsAndANonFiniteSaving() throws {
    var finding = Self.findings[0]
    finding.fix?.replacements = []
    finding.seconds = .infinity
    finding.rebuilds = nil
    let log = try #require(try Self.json(.sarif, [finding]) as? [String: Any])
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    let result = try #require((run["results"] as? [[String: Any]])?.first)
    #expect(result["fixes"] == nil)
    #expect(result["properties"] == nil)
  }

  @Test(.enabled(if: SarifSchema.isAvailable, SarifSchema.skipNote))
  func sarifValidatesAgainstTheOfficialSchema() throws {
    for findings in [Self.findings, []] {
      let outcome = try SarifSchema.validate(Self.render(.sarif, findings))
      #expect(outcome.isValid, "schema errors:\n\(outcome.report)")
    }
  }

  @Test(.enabled(if: SarifSchema.isAvailable, SarifSchema.skipNote))
  func aBrokenSarifLogFailsTheSchema() throws {
    var log = try #require(try Self.json(.sarif) as? [String: Any])
    var runs = try #require(log["runs"] as? [[String: Any]])
    var results = try #require(runs[0]["results"] as? [[String: Any]])
    results[0]["level"] = "severe"
    runs[0]["results"] = results
    log["runs"] = runs
    let broken = try JSONSerialization.data(withJSONObject: log, options: [.sortedKeys])
    let outcome = try SarifSchema.validate(Array(broken))
    #expect(!outcome.isValid)
    #expect(outcome.report.contains("severe"), "\(outcome.report)")
  }

  // MARK: rdjson

  @Test func rdjsonMatchesReviewdogsFieldsForOneFinding() {
    let finding = Finding(
      rule: "PL303", level: .warning, file: "Dockerfile", range: Self.range(7, 5, 7, 30),
      message: "'/var/lib/apt/lists' is left in the layer", subject: "RUN apt-get install curl")
    #expect(
      Self.text(.rdjson, [finding]) == """
        {
          "diagnostics": [
            {
              "code": {
                "url": "https://github.com/planner-dev/planner#pl303",
                "value": "PL303"
              },
              "location": {
                "path": "Dockerfile",
                "range": {
                  "end": {
                    "column": 30,
                    "line": 7
                  },
                  "start": {
                    "column": 5,
                    "line": 7
                  }
                }
              },
              "message": "'/var/lib/apt/lists' is left in the layer",
              "severity": "WARNING"
            }
          ],
          "source": {
            "name": "planner",
            "url": "https://github.com/planner-dev/planner"
          }
        }

        """)
  }

  @Test func rdjsonSuggestsOnlyFixesToTheSameFile() throws {
    let result = try #require(try Self.json(.rdjson) as? [String: Any])
    let diagnostics = try #require(result["diagnostics"] as? [[String: Any]])
    #expect(diagnostics.map { $0["severity"] as? String } == ["WARNING", "INFO", "ERROR", "ERROR"])
    #expect(diagnostics[1]["message"] as? String == Self.trickyMessage)
    #expect((diagnostics[1]["location"] as? [String: Any])?["path"] as? String == Self.odd)
    let suggestions = try #require(diagnostics[0]["suggestions"] as? [[String: Any]])
    #expect(suggestions.count == 2)
    let first = try #require(suggestions[0]["range"] as? [String: [String: Int]])
    #expect(first["start"] == ["line": 2, "column": 1])
    #expect(first["end"] == ["line": 2, "column": 1])
    #expect(suggestions[0]["text"] as? String == "COPY package.json .\n")
    let second = try #require(suggestions[1]["range"] as? [String: [String: Int]])
    #expect(second["end"] == ["line": 6, "column": 1])
    #expect(suggestions[1]["text"] as? String == "")
    // The .dockerignore fix edits another file, which a suggestion cannot.
    #expect(diagnostics[1]["suggestions"] == nil)
  }

  // MARK: GitLab

  @Test func gitlabIssueHasTheCodeQualityFields() {
    let finding = Finding(
      rule: "PL101", level: .warning, file: "Dockerfile", range: Self.range(3, 1, 6, 1),
      message: "move 'COPY package.json .' above 'COPY . .'", subject: "COPY package.json .")
    #expect(
      Self.text(.gitlab, [finding]) == """
        [
          {
            "check_name": "PL101",
            "description": "move 'COPY package.json .' above 'COPY . .'",
            "fingerprint": "\(finding.fingerprint)",
            "location": {
              "lines": {
                "begin": 3,
                "end": 5
              },
              "path": "Dockerfile"
            },
            "severity": "minor"
          }
        ]

        """)
  }

  @Test func gitlabFingerprintsAreUniqueAndStable() throws {
    let issues = try #require(try Self.json(.gitlab) as? [[String: Any]])
    let prints = issues.compactMap { $0["fingerprint"] as? String }
    #expect(prints.count == 4)
    #expect(Set(prints).count == 4)
    // The first of a kind keeps the fingerprint SARIF reports; only later ones change.
    #expect(prints[0] == Self.findings[0].fingerprint)
    #expect(prints[2] == Self.findings[2].fingerprint)
    #expect(prints[3] != Self.findings[3].fingerprint)
    #expect(issues.map { $0["severity"] as? String } == ["minor", "info", "major", "major"])

    let many = Array(repeating: Self.findings[2], count: 50)
    let manyPrints = GitLabCodeQuality.fingerprints(many)
    #expect(Set(manyPrints).count == 50)
    #expect(GitLabCodeQuality.fingerprints(many) == manyPrints)
  }

  @Test func gitlabLinesStopBeforeAnEndAtColumnOne() throws {
    let issues = try #require(try Self.json(.gitlab) as? [[String: Any]])
    let lines = issues.map {
      (($0["location"] as? [String: Any])?["lines"] as? [String: Int]) ?? [:]
    }
    #expect(lines[0] == ["begin": 3, "end": 5])
    #expect(lines[3] == ["begin": 9, "end": 10])
  }

  // MARK: GitHub

  @Test func githubWritesOneEscapedWorkflowCommandPerFinding() {
    #expect(
      Self.text(.github) == """
        ::warning file=Dockerfile,line=3,endLine=5,title=PL101 reorder-steps::move 'COPY package.json .' above 'COPY . .': saves 12.5 s over 40 rebuilds
        ::notice file=services/my app/Dockerfile.ünï,line=1,endLine=1,col=1,title=PL201 dockerignore-advice::100%25 of rebuilds, by: 'docs/<&"x">' (literally %250A)%0Aadd 'docs'
        ::error file=Dockerfile,line=7,endLine=7,col=5,title=PL303 package-cache-left::'/var/lib/apt/lists' is left in the layer
        ::error file=Dockerfile,line=9,endLine=10,title=PL303 package-cache-left::'/var/lib/apt/lists' is left in the layer

        """)
  }

  @Test func githubCommandsReadBackAsTheRunnerReadsThem() throws {
    var finding = Self.findings[1]
    finding.file = "a,b:c%d\r\ne.Dockerfile"
    finding.message = "x::y,z:%25\r\nw%"
    let line = GitHubAnnotations.command(finding)
    #expect(line.hasSuffix("\n"))
    #expect(line.dropLast().contains("\n") == false)
    let command = try #require(Self.parseWorkflowCommand(String(line.dropLast())))
    #expect(command.name == "notice")
    #expect(command.properties["file"] == finding.file)
    #expect(command.properties["title"] == "PL201 dockerignore-advice")
    #expect(command.properties["line"] == "1")
    #expect(command.message == finding.message)
  }

  /// Reads `::name key=value,…::message` the way the Actions runner does.
  static func parseWorkflowCommand(_ line: String) -> (
    name: String, properties: [String: String], message: String
  )? {
    guard line.hasPrefix("::") else { return nil }
    let rest = line.dropFirst(2)
    guard let separator = rest.range(of: "::") else { return nil }
    let head = rest[..<separator.lowerBound].split(separator: " ", maxSplits: 1)
    guard let name = head.first else { return nil }
    var properties: [String: String] = [:]
    for pair in head.dropFirst().first?.split(separator: ",") ?? [] {
      let parts = pair.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { return nil }
      properties[String(parts[0])] = unescape(
        String(parts[1]), [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")])
    }
    let message = unescape(
      String(rest[separator.upperBound...]), [("%0D", "\r"), ("%0A", "\n")])
    return (String(name), properties, message)
  }

  static func unescape(_ text: String, _ pairs: [(String, String)]) -> String {
    var text = text
    for (escaped, original) in pairs + [("%25", "%")] {
      text = text.replacingOccurrences(of: escaped, with: original)
    }
    return text
  }

  // MARK: Checkstyle

  @Test func checkstyleListsEveryFileWithItsErrors() {
    #expect(
      Self.text(.checkstyle) == """
        <?xml version="1.0" encoding="UTF-8"?>
        <checkstyle version="4.3">
          <file name="Dockerfile">
            <error line="3" column="1" severity="warning" message="move &apos;COPY package.json .&apos; above &apos;COPY . .&apos;: saves 12.5 s over 40 rebuilds" source="planner.PL101"/>
            <error line="7" column="5" severity="error" message="&apos;/var/lib/apt/lists&apos; is left in the layer" source="planner.PL303"/>
            <error line="9" column="5" severity="error" message="&apos;/var/lib/apt/lists&apos; is left in the layer" source="planner.PL303"/>
          </file>
          <file name="clean/Dockerfile">
          </file>
          <file name="services/my app/Dockerfile.ünï">
            <error line="1" column="1" severity="info" message="100% of rebuilds, by: &apos;docs/&lt;&amp;&quot;x&quot;&gt;&apos; (literally %0A)&#10;add &apos;docs&apos;" source="planner.PL201"/>
          </file>
        </checkstyle>

        """)
  }

  @Test func checkstyleAddsAFileMissingFromTheListAndListsEachFileOnce() {
    let stray = Finding(
      rule: "PL306", level: .warning, file: "other/Dockerfile", range: Self.range(1, 1, 1, 1),
      message: "no .dockerignore", subject: "context")
    let text = String(
      decoding: FindingRenderer.render(
        [stray], files: ["Dockerfile", "Dockerfile"], format: .checkstyle, toolVersion: "1"),
      as: UTF8.self)
    #expect(
      text == """
        <?xml version="1.0" encoding="UTF-8"?>
        <checkstyle version="4.3">
          <file name="Dockerfile">
          </file>
          <file name="other/Dockerfile">
            <error line="1" column="1" severity="warning" message="no .dockerignore" source="planner.PL306"/>
          </file>
        </checkstyle>

        """)
  }

  #if canImport(FoundationXML) || canImport(Darwin)
    @Test func checkstyleIsWellFormedAndItsAttributesReadBack() throws {
      var findings = Self.findings
      findings[2].message = "tab\there, bell\u{7}, cr\r, <![CDATA[x]]> & ]]>"
      let collector = ElementCollector()
      let parser = XMLParser(data: Data(Self.render(.checkstyle, findings)))
      parser.delegate = collector
      #expect(parser.parse(), "\(String(describing: parser.parserError))")
      #expect(collector.elements.map(\.name).filter { $0 == "file" }.count == 3)
      let errors = collector.elements.filter { $0.name == "error" }
      #expect(
        errors.map { $0.attributes["message"] } == [
          findings[0].message,
          findings[2].message.replacingOccurrences(of: "\u{7}", with: "\u{FFFD}"),
          findings[3].message, Self.trickyMessage,
        ])
      #expect(
        errors.map { $0.attributes["source"] } == [
          "planner.PL101", "planner.PL303", "planner.PL303", "planner.PL201",
        ])
      let names = collector.elements.filter { $0.name == "file" }.map { $0.attributes["name"] }
      #expect(names == Self.files)
    }
  #endif
}

#if canImport(FoundationXML) || canImport(Darwin)
  /// Records every element the parser starts, with its attributes as the parser decoded them.
  final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
      elements.append((elementName, attributeDict))
    }
  }
#endif

/// Validates a SARIF log against `../shared/schemas/sarif-schema-2.1.0.json` with Python's
/// `jsonschema`, using the draft the schema declares (draft-04).
enum SarifSchema {
  static let file: URL? = {
    guard
      let url = SharedCorpus.root?.appendingPathComponent("schemas")
        .appendingPathComponent("sarif-schema-2.1.0.json"),
      FileManager.default.fileExists(atPath: url.path)
    else { return nil }
    return url
  }()

  static let python: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map {
      URL(fileURLWithPath: String($0)).appendingPathComponent("python3")
    }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  /// Why the schema test cannot run here, or nil when it can.
  static let unavailableReason: String? = {
    guard file != nil else {
      return "skipped: ../shared/schemas/sarif-schema-2.1.0.json is absent "
        + "(set PLANNER_SHARED to the shared folder to run this test)"
    }
    guard python != nil else { return "skipped: python3 is not on PATH" }
    guard let probe = try? run(["-c", "import jsonschema"]), probe.status == 0 else {
      return "skipped: python3 cannot import jsonschema (pip install jsonschema)"
    }
    return nil
  }()

  static var isAvailable: Bool { unavailableReason == nil }
  static var skipNote: Comment { Comment(rawValue: unavailableReason ?? "") }

  static let script = """
    import json, sys
    import jsonschema
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        document = json.load(f)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        print("/".join(map(str, error.absolute_path)) + ": " + error.message)
    sys.exit(1 if errors else 0)
    """

  /// Writes `log` to a temporary file and validates it; `report` lists the schema errors.
  static func validate(_ log: [UInt8]) throws -> (isValid: Bool, report: String) {
    guard let file else { throw FindingFormatsTests.Failure(description: "no schema") }
    let document = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-sarif-\(UUID().uuidString).json")
    try Data(log).write(to: document)
    defer { try? FileManager.default.removeItem(at: document) }
    let outcome = try run(["-c", script, file.path, document.path])
    return (outcome.status == 0, outcome.output)
  }

  /// Runs python3 with `arguments` (no shell), returning its exit status and combined output.
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    guard let python else { throw FindingFormatsTests.Failure(description: "no python3") }
    let process = Process()
    process.executableURL = python
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
