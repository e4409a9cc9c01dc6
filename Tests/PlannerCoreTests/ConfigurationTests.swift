import Foundation
import Testing

@testable import PlannerCore

/// `.planner.json`: every key read into its setting, every mistake reported at its key or value
/// as `file:line:col`, the JSON reader's own errors and escapes, and the configured step costs
/// reaching the simulation.
@Suite("Configuration")
struct ConfigurationTests {
  static func parse(_ text: String) -> (PlannerConfiguration, [Diagnostic]) {
    PlannerConfiguration.parse(Array(text.utf8), file: ".planner.json")
  }

  /// Expects exactly one error, at the marker, with the message.
  static func expectError(
    _ marked: String, at marker: String = "1️⃣", _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let source = MarkedSource(marked)
    guard let position = source.positions[marker] else {
      Issue.record("no marker \(marker) in the test input", sourceLocation: sourceLocation)
      return
    }
    let (_, diagnostics) = parse(source.text)
    #expect(
      diagnostics.map(\.description) == [
        ".planner.json:\(position.line):\(position.column): error: \(message)"
      ], sourceLocation: sourceLocation)
  }

  // MARK: A valid file

  @Test func everyKeyIsRead() throws {
    let (configuration, diagnostics) = Self.parse(
      """
      {
        "commits": 100,
        "builder": "legacy",
        "cache": "previous",
        "target": "runtime",
        "buildArgs": {"NODE_VERSION": "22", "EMPTY": ""},
        "perBuildArgs": ["GIT_SHA", "BUILD_ID"],
        "costs": {"npm ci": "90s", "go build": 40, "make": "2m30s", "pytest": 0.5},
        "disable": ["PL308", "pl201"],
        "minSaving": 12.5,
        "failLevel": "warning"
      }

      """)
    #expect(diagnostics.isEmpty)
    #expect(configuration.commits == 100)
    #expect(configuration.builder == .legacy)
    #expect(configuration.cache == .previous)
    #expect(configuration.target == "runtime")
    #expect(configuration.buildArgs == ["NODE_VERSION": "22", "EMPTY": ""])
    #expect(configuration.perBuildArgs == ["GIT_SHA", "BUILD_ID"])
    #expect(
      configuration.costs == [
        .init(match: "go build", seconds: 40), .init(match: "make", seconds: 150),
        .init(match: "npm ci", seconds: 90), .init(match: "pytest", seconds: 0.5),
      ])
    #expect(configuration.disable == ["PL308", "PL201"])
    #expect(configuration.minSaving == 12.5)
    #expect(configuration.failLevel == .warning)
  }

  @Test func anEmptyObjectChangesNothing() {
    let (configuration, diagnostics) = Self.parse("{ }\n")
    #expect(diagnostics.isEmpty)
    #expect(configuration == PlannerConfiguration())
    #expect(configuration.commits == nil && configuration.failLevel == nil)
  }

  @Test func theOtherChoicesAreRead() {
    let (configuration, diagnostics) = Self.parse(
      #"{"builder": "buildkit", "cache": "none", "failLevel": "none", "commits": 1, "minSaving": 0}"#
    )
    #expect(diagnostics.isEmpty)
    #expect(configuration.builder == .buildkit)
    #expect(configuration.cache == SimulationOptions.CacheScope.none)
    #expect(configuration.failLevel == PlannerConfiguration.FailLevel.none)
    #expect(configuration.commits == 1)
    #expect(configuration.minSaving == 0)
  }

  @Test func aByteOrderMarkIsAccepted() {
    let (configuration, diagnostics) = PlannerConfiguration.parse(
      [0xEF, 0xBB, 0xBF] + Array(#"{"commits": 7}"#.utf8), file: ".planner.json")
    #expect(diagnostics.isEmpty)
    #expect(configuration.commits == 7)
    // Columns on the first line start after the mark, as an editor shows them.
    let (_, errors) = PlannerConfiguration.parse(
      [0xEF, 0xBB, 0xBF] + Array(#"{"comits": 7}"#.utf8), file: ".planner.json")
    #expect(
      errors.map(\.description) == [
        ".planner.json:1:2: error: unknown key 'comits' (did you mean 'commits'?)"
      ])
  }

  // MARK: Mistakes in the settings

  @Test func anUnknownKeyGetsADidYouMeanHint() {
    Self.expectError(
      """
      {
        "commits": 20,
        1️⃣"comits": 5
      }
      """, "unknown key 'comits' (did you mean 'commits'?)")
    Self.expectError(
      #"{1️⃣"faillevel": "note"}"#, "unknown key 'faillevel' (did you mean 'failLevel'?)")
    Self.expectError(
      #"{"target": "x", 1️⃣"buildArg": {}}"#, "unknown key 'buildArg' (did you mean 'buildArgs'?)"
    )
    Self.expectError(#"{1️⃣"disabled": []}"#, "unknown key 'disabled' (did you mean 'disable'?)")
  }

  @Test func anUnknownKeyFarFromEveryKnownOneGetsNoHint() {
    Self.expectError(#"{1️⃣"color": "blue"}"#, "unknown key 'color'")
    Self.expectError(#"{1️⃣"": 1}"#, "unknown key ''")
  }

  @Test func theWindowMustBeAWholeNumberOfCommits() {
    let message = "'commits' must be a whole number of commits, 1 or more"
    Self.expectError(#"{"commits": 1️⃣0}"#, message)
    Self.expectError(#"{"commits": 1️⃣2.5}"#, message)
    Self.expectError(#"{"commits": 1️⃣-3}"#, message)
    Self.expectError(#"{"commits": 1️⃣"50"}"#, message)
    Self.expectError(#"{"commits": 1️⃣1e7}"#, message)
    Self.expectError(#"{"commits": 1️⃣null}"#, message)
    #expect(Self.parse(#"{"commits": 5e1}"#).0.commits == 50)
  }

  @Test func choicesListWhatIsAllowed() {
    Self.expectError(
      #"{"builder": 1️⃣"docker"}"#, "'builder' must be one of 'buildkit', 'legacy', not 'docker'")
    Self.expectError(
      """
      {
        "failLevel":
          1️⃣"warn"
      }
      """, "'failLevel' must be one of 'error', 'warning', 'note', 'none', not 'warn'")
    Self.expectError(
      #"{"cache": 1️⃣"some"}"#, "'cache' must be one of 'all', 'previous', 'none', not 'some'")
    Self.expectError(#"{"builder": 1️⃣3}"#, "'builder' must be a string, not a number")
    Self.expectError(#"{"failLevel": 1️⃣["note"]}"#, "'failLevel' must be a string, not an array")
    Self.expectError(#"{"cache": 1️⃣true}"#, "'cache' must be a string, not a boolean")
    // Choices are case-sensitive, like the command-line flags.
    Self.expectError(
      #"{"builder": 1️⃣"BuildKit"}"#,
      "'builder' must be one of 'buildkit', 'legacy', not 'BuildKit'")
  }

  @Test func valuesOfTheWrongTypeAreReportedAtTheValue() {
    Self.expectError(#"{"target": 1️⃣""}"#, "'target' must be the name of a stage")
    Self.expectError(#"{"target": 1️⃣{}}"#, "'target' must be the name of a stage")
    Self.expectError(
      #"{"buildArgs": 1️⃣["A=1"]}"#, "'buildArgs' must be an object of names and values, not an array"
    )
    Self.expectError(
      #"{"buildArgs": {"A": "1", "B": 1️⃣2}}"#, "build argument 'B' must be a string")
    Self.expectError(
      #"{"perBuildArgs": 1️⃣"GIT_SHA"}"#, "'perBuildArgs' must be an array of strings, not a string")
    Self.expectError(#"{"perBuildArgs": ["A", 1️⃣2]}"#, "'perBuildArgs' must hold strings only")
    Self.expectError(
      #"{"disable": 1️⃣"PL308"}"#, "'disable' must be an array of strings, not a string")
    Self.expectError(#"{"disable": [1️⃣null]}"#, "'disable' must hold strings only")
    Self.expectError(#"{"minSaving": 1️⃣-1}"#, "'minSaving' must be a percentage, 0 or more")
    Self.expectError(#"{"minSaving": 1️⃣"5%"}"#, "'minSaving' must be a percentage, 0 or more")
    Self.expectError(
      #"{"costs": 1️⃣["npm ci"]}"#,
      "'costs' must be an object of command texts and durations, not an array")
  }

  @Test func anUnknownRuleInDisableIsReportedAtItsId() {
    Self.expectError(
      """
      {
        "disable": [
          "PL102",
          1️⃣"PL999"
        ]
      }
      """, "unknown rule 'PL999' (see `planner rules`)")
    let (configuration, _) = Self.parse(#"{"disable": ["PL102", "PL999"]}"#)
    #expect(configuration.disable == ["PL102"])
  }

  @Test func aBadCostIsReportedAtTheDuration() {
    let message = #"a cost must be a duration such as "45s", "2m30s" or a number of seconds"#
    Self.expectError(#"{"costs": {"npm ci": 1️⃣"fast"}}"#, message)
    Self.expectError(#"{"costs": {"npm ci": "90s", "go build": 1️⃣"90x"}}"#, message)
    Self.expectError(#"{"costs": {"npm ci": 1️⃣-5}}"#, message)
    Self.expectError(#"{"costs": {"npm ci": 1️⃣true}}"#, message)
    Self.expectError(#"{"costs": {"npm ci": 1️⃣""}}"#, message)
    Self.expectError(#"{"costs": {"": 1️⃣"5s"}}"#, message)
    let (configuration, _) = Self.parse(#"{"costs": {"npm ci": "fast", "go build": "1m"}}"#)
    #expect(configuration.costs == [.init(match: "go build", seconds: 60)])
  }

  @Test func aKeyGivenTwiceIsReportedAtTheSecond() {
    Self.expectError(
      """
      {
        "commits": 5,
        1️⃣"commits": 6
      }
      """, "'commits' is given twice")
    // A repeat is a syntax error: which value was meant is a guess, so neither applies.
    #expect(Self.parse(#"{"commits": 5, "commits": 6}"#).0.commits == nil)
  }

  @Test func aRootThatIsNoObjectIsAnError() {
    Self.expectError("\n  1️⃣[1, 2]\n", "the configuration must be a JSON object")
    Self.expectError("1️⃣\"commits\"", "the configuration must be a JSON object")
  }

  @Test func everyMistakeIsReportedInOneRun() {
    let (configuration, diagnostics) = Self.parse(
      """
      {
        "commits": 0,
        "builder": "docker",
        "disable": ["PL1"],
        "failLevel": "warning"
      }
      """)
    #expect(
      diagnostics.map(\.description) == [
        ".planner.json:2:14: error: 'commits' must be a whole number of commits, 1 or more",
        ".planner.json:3:14: error: 'builder' must be one of 'buildkit', 'legacy', not 'docker'",
        ".planner.json:4:15: error: unknown rule 'PL1' (see `planner rules`)",
      ])
    #expect(diagnostics.allSatisfy { $0.severity == .error })
    #expect(configuration.failLevel == .warning)
  }

  // MARK: JSON syntax

  @Test func syntaxErrorsPointAtTheOffendingCharacter() {
    Self.expectError("{\n  \"commits\": 5,\n1️⃣}\n", "expected a quoted key in an object")
    Self.expectError(
      #"{"disable": ["PL102", 1️⃣]}"#,
      "expected a JSON value (a string, number, object, array, true, false or null)")
    Self.expectError(#"{"commits" 1️⃣5}"#, "expected ':' after a key")
    Self.expectError(#"{"commits": 5 1️⃣"cache": "all"}"#, "expected ',' or '}' in an object")
    Self.expectError(#"{"disable": ["PL102" 1️⃣"PL103"]}"#, "expected ',' or ']' in an array")
    Self.expectError(#"{1️⃣commits: 5}"#, "expected a quoted key in an object")
    Self.expectError(
      #"{"commits": 1️⃣'5'}"#,
      "expected a JSON value (a string, number, object, array, true, false or null)")
    Self.expectError(#"{"x": 1️⃣tru}"#, "expected 'true'")
    Self.expectError(#"{"x": 1️⃣nul}"#, "expected 'null'")
  }

  @Test func anUnterminatedStringOrContainerIsReportedAtTheEnd() {
    Self.expectError("{\"target\": \"runtime1️⃣", "unterminated string")
    Self.expectError("{\"target\": \"runtime\\1️⃣", "unterminated string")
    Self.expectError("{\"disable\": [\"PL102\"1️⃣", "unterminated array")
    Self.expectError("{\"commits\": 5\n  1️⃣", "unterminated object")
    Self.expectError("{\"commits\": 1️⃣", "expected a JSON value, found the end of the file")
  }

  @Test func aControlCharacterInAStringMustBeEscaped() {
    Self.expectError(
      "{\"target\": \"run1️⃣\ttime\"}", "a control character must be escaped in a string")
    Self.expectError(
      "{\"target\": \"run1️⃣\ntime\"}", "a control character must be escaped in a string")
    #expect(Self.parse(#"{"target": "run\ttime"}"#).0.target == "run\ttime")
  }

  @Test func aBadEscapeIsAnError() {
    let (_, diagnostics) = Self.parse(#"{"target": "a\xb"}"#)
    #expect(diagnostics.map(\.message) == [#"invalid escape '\x'"#])
    #expect(diagnostics.first?.range.start.line == 1)
    Self.expectError(#"{"target": "a\u1️⃣12G4"}"#, #"expected four hex digits after \u"#)
    Self.expectError(#"{"target": "a\u1️⃣12"}"#, #"expected four hex digits after \u"#)
  }

  @Test func aBadEscapeIsReportedAtItsBackslash() {
    // The error names the escape, so it should point at it rather than past it.
    Self.expectError(#"{"target": "a1️⃣\xb"}"#, #"invalid escape '\x'"#)

  }

  @Test func textAfterTheValueIsAnError() {
    Self.expectError("{}\n  1️⃣x", "unexpected text after the JSON value")
    Self.expectError(#"{"commits": 5}1️⃣}"#, "unexpected text after the JSON value")
    Self.expectError("{} 1️⃣{}", "unexpected text after the JSON value")
    #expect(Self.parse("{}\n\n \t\r\n").1.isEmpty)
  }

  @Test func anEmptyFileIsAnError() {
    Self.expectError("1️⃣", "expected a JSON value, found the end of the file")
    Self.expectError("\n\n  1️⃣", "expected a JSON value, found the end of the file")
    let (_, bom) = PlannerConfiguration.parse([0xEF, 0xBB, 0xBF], file: ".planner.json")
    #expect(
      bom.map(\.description) == [
        ".planner.json:1:1: error: expected a JSON value, found the end of the file"
      ])
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let depth = 500
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    switch JSONDocument.parse(Array(text.utf8)) {
    case .success: Issue.record("500 nested arrays parsed")
    case .failure(let error):
      #expect(error.message == "the JSON nests too deeply")
      #expect(error.position == SourcePosition(line: 1, column: 201))
    }
    let inConfiguration = #"{"disable": "# + String(repeating: "[", count: 100_000)
    let (_, diagnostics) = Self.parse(inConfiguration)
    #expect(diagnostics.map(\.message) == ["the JSON nests too deeply"])
    #expect(diagnostics.first?.range.start == SourcePosition(line: 1, column: 13 + 199))
    // Within the limit, nesting is fine.
    let shallow = String(repeating: "[", count: 199) + String(repeating: "]", count: 199)
    guard case .success = JSONDocument.parse(Array(shallow.utf8)) else {
      Issue.record("199 nested arrays did not parse")
      return
    }
  }

  @Test func numbersFollowTheGrammar() {
    Self.expectError(#"{"minSaving": -1️⃣}"#, "expected digits in a number")
    Self.expectError(#"{"minSaving": 1.1️⃣}"#, "expected digits after the decimal point")
    Self.expectError(#"{"minSaving": 1e1️⃣}"#, "expected digits in the exponent")
    Self.expectError(#"{"minSaving": 1e9991️⃣ }"#, "the number 1e999 is out of range")
    #expect(Self.parse(#"{"minSaving": 2.5E+1}"#).0.minSaving == 25)
    #expect(Self.parse(#"{"minSaving": 250e-1}"#).0.minSaving == 25)
  }

  @Test func leadingZerosAreRejected() {
    // RFC 8259: "Leading zeros are not allowed."
    Self.expectError(#"{"commits": 1️⃣010}"#, "a number may not start with 0")

  }

  @Test func aUnicodeEscapeNeedsFourHexDigits() {
    let (configuration, diagnostics) = Self.parse(#"{"target": "\u+041"}"#)
    #expect(configuration.target == nil)
    #expect(diagnostics.map(\.message) == [#"expected four hex digits after \u"#])

  }

  // MARK: Strings and escapes

  static func string(_ json: String) -> String? {
    guard case .success(let located) = JSONDocument.parse(Array(json.utf8)) else { return nil }
    guard case .string(let text) = located.value else { return nil }
    return text
  }

  @Test func escapesDecode() {
    #expect(Self.string(#""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{8}\u{C}\n\r\t")
    #expect(Self.string(#""\u0041\u00e9\u00C9\u20AC""#) == "AéÉ€")
    #expect(Self.string(#""\u0000""#) == "\u{0}")
    #expect(Self.string(#""caf\u00e9 é""#) == "café é")
  }

  @Test func surrogatePairsDecodeToOneCharacter() {
    #expect(Self.string(#""\ud83d\ude00""#) == "😀")
    #expect(Self.string(#""\uD834\uDD1E!""#) == "𝄞!")
    #expect(Self.string(#""a\uDBFF\uDFFFz""#) == "a\u{10FFFF}z")
  }

  @Test func loneSurrogatesAreErrors() {
    Self.expectError(#"{"target": "\ud83d1️⃣"}"#, #"invalid \u escape"#)
    Self.expectError(#"{"target": "\ude001️⃣"}"#, #"invalid \u escape"#)
    Self.expectError(#"{"target": "\ud83d\u00411️⃣"}"#, "invalid surrogate pair")
  }

  @Test func columnsCountBytes() {
    // 'é' is two bytes: the key after it is the 17th character but starts at byte 18.
    Self.expectError(#"{"target": "é", 1️⃣"x": 1}"#, "unknown key 'x'")
    #expect(MarkedSource(#"{"target": "é", 1️⃣"x": 1}"#).positions["1️⃣"]?.column == 18)
  }

  @Test func crlfLineEndsCountAsOne() {
    let (_, diagnostics) = Self.parse("{\r\n  \"commits\": 5,\r\n  \"x\": 1\r\n}\r\n")
    #expect(diagnostics.map(\.description) == [".planner.json:3:3: error: unknown key 'x'"])
  }

  // MARK: FailLevel

  @Test(
    "isReached(by:) truth table",
    arguments: PlannerConfiguration.FailLevel.allCases, Finding.Level.allCases)
  func failLevelTruthTable(threshold: PlannerConfiguration.FailLevel, level: Finding.Level) {
    let expected: Bool =
      switch (threshold, level) {
      case (.none, _): false
      case (.note, _): true
      case (.warning, .note): false
      case (.warning, _): true
      case (.error, .error): true
      case (.error, _): false
      }
    #expect(threshold.isReached(by: level) == expected)
  }

  @Test func failLevelsSpellTheirFlagValues() {
    #expect(
      PlannerConfiguration.FailLevel.allCases.map(\.rawValue) == [
        "error", "warning", "note", "none",
      ])
  }

  // MARK: Costs reach the simulation

  static let node = """
    FROM node:22
    WORKDIR /app
    COPY package.json ./
    RUN npm ci
    COPY . .
    RUN npm run build

    """

  /// Simulates one commit that edits package.json (so every step from line 3 re-runs) and
  /// returns each step's JSON by line.
  static func simulatedSteps(
    _ dockerfile: String = node, overrides: [SimulationOptions.CostOverride]
  ) throws -> [Int: [String: Any]] {
    var repository = RecordedRepository([
      "Dockerfile": dockerfile, "package.json": "{}", "src/app.js": "1",
    ])
    repository.commit("bump", ["package.json": #"{"a":1}"#])
    var options = SimulationOptions()
    options.costOverrides = overrides
    let outcome = Planner.simulate(repository.input(ignore: nil), options: options, format: .json)
    #expect(!outcome.diagnostics.hasErrors)
    let json = try JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any]
    let commits = try #require(json?["commits"] as? [[String: Any]])
    let steps = try #require(commits.first?["steps"] as? [[String: Any]])
    var byLine: [Int: [String: Any]] = [:]
    for step in steps {
      if let line = step["line"] as? Int { byLine[line] = step }
    }
    return byLine
  }

  @Test func aConfiguredCostReplacesTheEstimate() throws {
    let steps = try Self.simulatedSteps(overrides: [.init(match: "npm ci", seconds: 123)])
    let install = try #require(steps[4])
    #expect(install["status"] as? String == "rebuilt")
    #expect(install["seconds"] as? Double == 123)
    #expect(install["costSource"] as? String == "config")
    #expect(install["costBasis"] as? String == ".planner.json cost for 'npm ci'")
    // Other steps keep their estimates.
    let build = try #require(steps[6])
    #expect(build["costSource"] as? String == "estimate")
  }

  @Test func theLongestMatchingKeyWins() throws {
    let overrides: [SimulationOptions.CostOverride] = [
      .init(match: "npm", seconds: 5), .init(match: "npm ci", seconds: 123),
      .init(match: "npm ci --omit=dev", seconds: 7), .init(match: "ci", seconds: 2),
    ]
    for order in [overrides, overrides.reversed()] {
      let steps = try Self.simulatedSteps(overrides: order)
      #expect(steps[4]?["seconds"] as? Double == 123)
      #expect(steps[4]?["costBasis"] as? String == ".planner.json cost for 'npm ci'")
      #expect(steps[6]?["seconds"] as? Double == 5)
    }
  }

  @Test func aTieBetweenKeysOfEqualLengthDoesNotDependOnTheirOrder() throws {
    let overrides: [SimulationOptions.CostOverride] = [
      .init(match: "npm", seconds: 5), .init(match: "run", seconds: 8),
    ]
    let forward = try Self.simulatedSteps(overrides: overrides)
    let backward = try Self.simulatedSteps(overrides: overrides.reversed())
    let seconds = forward[6]?["seconds"] as? Double
    #expect(seconds == 5 || seconds == 8)
    #expect(seconds == backward[6]?["seconds"] as? Double)
  }

  @Test func aKeyMatchesAContinuationLine() throws {
    let dockerfile = Self.node.replacingOccurrences(
      of: "RUN npm ci\n", with: "RUN npm config set fund false \\\n  && npm ci\n")
    let steps = try Self.simulatedSteps(
      dockerfile, overrides: [.init(match: "npm ci", seconds: 123)])
    #expect(steps[4]?["seconds"] as? Double == 123)
    #expect(steps[4]?["costSource"] as? String == "config")
  }

  @Test func aKeyMatchesAHeredocScript() throws {
    // The heredoc is part of the instruction as written, and the RUN's whole script.
    let dockerfile = Self.node.replacingOccurrences(
      of: "RUN npm ci\n", with: "RUN <<EOF\nnpm ci\nEOF\n")
    let steps = try Self.simulatedSteps(
      dockerfile, overrides: [.init(match: "npm ci", seconds: 123)])
    #expect(steps[4]?["status"] as? String == "rebuilt")
    #expect(steps[4]?["seconds"] as? Double == 123)
    #expect(steps[4]?["costSource"] as? String == "config")

  }

  @Test(arguments: [
    #"{"buildArgs": {"A": "1", 1️⃣"A": "2"}}"#,
    #"{"costs": {"npm ci": "10s", 1️⃣"npm ci": "20s"}}"#,
  ])
  func aKeyGivenTwiceInsideAnObjectIsReported(marked: String) {
    // Which of the two values applies would otherwise be a guess.
    let source = MarkedSource(marked)
    let (_, diagnostics) = Self.parse(source.text)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.severity == .error)
    #expect(diagnostics.first?.range.start == source.positions["1️⃣"])

  }

  @Test func configuredCostsApplyToRunStepsOnly() throws {
    let steps = try Self.simulatedSteps(overrides: [.init(match: "package.json", seconds: 99)])
    #expect(steps[3]?["costSource"] as? String == "estimate")
    #expect(steps[3]?["seconds"] as? Double != 99)
  }

  @Test func aCostCommentWinsOverTheConfiguration() throws {
    let dockerfile = Self.node.replacingOccurrences(
      of: "RUN npm ci\n", with: "# planner: cost=5s\nRUN npm ci\n")
    let steps = try Self.simulatedSteps(
      dockerfile, overrides: [.init(match: "npm ci", seconds: 123)])
    let install = try #require(steps[5])
    #expect(install["seconds"] as? Double == 5)
    #expect(install["costSource"] as? String == "pragma")
  }

  @Test func aParsedConfigurationGivesTheOverrides() throws {
    let (configuration, diagnostics) = Self.parse(#"{"costs": {"npm ci": "2m3s"}}"#)
    #expect(diagnostics.isEmpty)
    let steps = try Self.simulatedSteps(overrides: configuration.costs)
    #expect(steps[4]?["seconds"] as? Double == 123)
    #expect(steps[4]?["costSource"] as? String == "config")
  }
}
