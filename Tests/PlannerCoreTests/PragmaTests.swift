import Testing

@testable import PlannerCore

/// `# planner …` comments: which instruction each one steers, what it ignores or pins, the
/// warnings it earns, and, end to end through `Planner.suggest`, that a pinned or ignored
/// instruction is left where it is.
@Suite("Pragmas")
struct PragmaTests {
  static func read(_ text: String, file: String = "Dockerfile") -> Pragmas {
    Pragmas.read(Array(text.utf8), file: file)
  }

  static func finding(_ rule: String, line: Int, file: String = "Dockerfile") -> Finding {
    Finding(
      rule: rule, level: .warning, file: file, range: .lines(line, line), message: "m",
      subject: "s")
  }

  // MARK: Reading

  @Test func anIgnoreCommentAppliesToTheInstructionDirectlyBelowIt() {
    let pragmas = Self.read(
      """
      FROM debian:12
      # planner ignore=PL303,PL304
      RUN apt-get install -y curl
      RUN npm ci

      """)
    #expect(pragmas.ignored == [3: ["PL303", "PL304"]])
    #expect(pragmas.globallyIgnored.isEmpty)
    #expect(pragmas.pinned.isEmpty)
    #expect(pragmas.diagnostics.isEmpty)
    #expect(pragmas.ignores("PL303", atLine: 3))
    #expect(pragmas.ignores("PL304", atLine: 3))
    #expect(!pragmas.ignores("PL305", atLine: 3))
    #expect(!pragmas.ignores("PL303", atLine: 4))
    #expect(!pragmas.ignores("PL303", atLine: 2))
  }

  @Test func theColonFormCaseAndOtherWordsOnTheLineAreAccepted() {
    let pragmas = Self.read(
      """
      FROM debian:12
      # planner: ignore=PL303
      RUN a
      #PLANNER: IGNORE=pl301 cost=10s
      RUN b
      # Planner:pin cost=10s
      RUN c
      \t#  planner   pin   ignore=Pl305,pl306  because we said so
      RUN d

      """)
    #expect(pragmas.ignored == [3: ["PL303"], 5: ["PL301"], 9: ["PL305", "PL306"]])
    #expect(pragmas.pinned == [7, 9])
    #expect(pragmas.diagnostics.isEmpty)
  }

  @Test func everyCommentLineOfTheBlockAboveCounts() {
    let pragmas = Self.read(
      """
      FROM debian:12
      # planner ignore=PL303
      # an ordinary comment
      # planner: pin
      # planner ignore=PL304
      RUN apt-get install -y curl

      """)
    #expect(pragmas.ignored == [6: ["PL303", "PL304"]])
    #expect(pragmas.pinned == [6])
  }

  @Test func aCommentThatOnlyStartsWithPlannerIsNoPragma() {
    let pragmas = Self.read(
      """
      FROM debian:12
      # plannerish ignore=PL303
      RUN a
      # planners pin
      RUN b
      # the planner ignore=PL303
      RUN c
      # planner-ignore=PL999
      RUN d

      """)
    #expect(pragmas.isEmpty)
    #expect(Pragmas.plannerWords("# plannerish pin") == nil)
    #expect(Pragmas.plannerWords("RUN planner pin") == nil)
    #expect(Pragmas.plannerWords("  #planner:pin") == ["pin"])
    #expect(Pragmas.plannerWords("# planner") == [])
  }

  /// The quick test for the word before the comments are read finds every pragma, in any case,
  /// and lets a file without the word go.
  @Test func theWordTestFindsEveryPragmaInAnyCase() {
    let lines = [
      "# planner pin", "# PLANNER pin", "#\tPlAnNeR:ignore=PL303", "\u{FEFF}# Planner global",
      "  #planner", "# pLANNER: cost=10s",
    ]
    for line in lines {
      #expect(Pragmas.plannerWords(line) != nil, "\(line)")
      #expect(Pragmas.mayHoldPragma(Array(("FROM a\n" + line + "\nRUN b\n").utf8)), "\(line)")
      #expect(Self.read("FROM a\n" + line + "\nRUN b\n").pinned.isEmpty == !line.contains("pin"))
    }
    #expect(Pragmas.mayHoldPragma(Array("plann".utf8)) == false)
    #expect(Pragmas.mayHoldPragma(Array("FROM a\n# plan ner pin\nRUN b\n".utf8)) == false)
    #expect(Pragmas.mayHoldPragma(Array("PLANNER".utf8)))
    #expect(Pragmas.mayHoldPragma([]) == false)
  }

  /// The word test's premise: `plannerText` lowercases the line, and no scalar but an ASCII
  /// letter lowercases to one of the word's letters, so a pragma always has the word's bytes.
  @Test func noOtherScalarLowercasesToALetterOfTheWord() {
    let letters = Set("planer".utf8)
    var offenders: [UInt32] = []
    for value in UInt32(0x80)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
        continue
      }
      if String(scalar).lowercased().utf8.contains(where: letters.contains) {
        offenders.append(value)
      }
    }
    #expect(offenders.isEmpty, "\(offenders.map { String($0, radix: 16) })")
  }

  @Test func aPragmaSeparatedByABlankLineDoesNotApplyToTheInstructionBelow() {
    let pragmas = Self.read(
      """
      FROM node:22
      # planner pin

      COPY . .
      # planner ignore=PL304

      RUN npm ci

      """)
    #expect(pragmas.pinned.isEmpty)
    #expect(pragmas.ignored.isEmpty)
    #expect(!pragmas.ignores("PL304", atLine: 7))
    #expect(pragmas.diagnostics.isEmpty)
  }

  @Test func aPragmaAboveTheFirstInstructionAppliesToIt() {
    let pragmas = Self.read(
      """
      # planner ignore=PL308
      FROM node:22
      RUN npm ci

      """)
    #expect(pragmas.ignored == [2: ["PL308"]])
    #expect(pragmas.globallyIgnored.isEmpty)
  }

  @Test func aGlobalIgnoreAppliesEverywhereWhereverItStands() {
    let attached = Self.read(
      """
      FROM node:22
      # planner global ignore=PL308
      RUN npm ci

      """)
    #expect(attached.globallyIgnored == ["PL308"])
    #expect(attached.ignored.isEmpty)
    #expect(attached.ignores("PL308", atLine: 1))
    #expect(attached.ignores("PL308", atLine: 99))

    let afterBlankLine = Self.read(
      """
      FROM node:22

      # planner global ignore=PL308,pl306

      RUN npm ci

      """)
    #expect(afterBlankLine.globallyIgnored == ["PL306", "PL308"])
    #expect(afterBlankLine.diagnostics.isEmpty)

    let atTheEnd = Self.read("FROM node:22\nRUN npm ci\n\n# Planner: GLOBAL IGNORE=PL308")
    #expect(atTheEnd.globallyIgnored == ["PL308"])
    #expect(atTheEnd.ignores("PL308", atLine: 1))

    let afterTheLastInstructionWithoutABlankLine = Self.read(
      "FROM node:22\nRUN npm ci\n# planner global ignore=PL308\n")
    #expect(afterTheLastInstructionWithoutABlankLine.globallyIgnored == ["PL308"])
  }

  @Test func aDetachedPragmaWithoutGlobalChangesNothing() {
    let pragmas = Self.read(
      """
      FROM node:22
      RUN npm ci

      # planner pin ignore=PL304

      """)
    #expect(pragmas.globallyIgnored.isEmpty)
    #expect(pragmas.ignored.isEmpty)
    #expect(pragmas.pinned.isEmpty)
  }

  @Test func aPragmaLookalikeInsideAHeredocIsText() {
    let pragmas = Self.read(
      """
      FROM alpine:3.20
      RUN <<EOF
      # planner global ignore=PL308
      echo hi
      EOF

      """)
    #expect(pragmas.isEmpty)
  }

  @Test func pinMarksTheInstructionsFirstLine() {
    let pragmas = Self.read(
      """
      FROM node:22
      # planner pin
      RUN npm ci \\
        && npm run build
      RUN echo done

      """)
    #expect(pragmas.pinned == [3])
    #expect(pragmas.ignored.isEmpty)
  }

  // MARK: Warnings

  @Test func anUnknownRuleIdIsAWarningAtTheCommentsLine() {
    let pragmas = Self.read(
      """
      FROM node:22
      # an ordinary comment
      # planner ignore=PL303,PL999,pl9
      RUN npm ci

      # planner global ignore=XX1

      """, file: "services/api/Dockerfile")
    #expect(
      pragmas.diagnostics.map(\.description) == [
        "services/api/Dockerfile:3:1: warning: unknown rule 'PL999' in a planner comment (see `planner rules`)",
        "services/api/Dockerfile:3:1: warning: unknown rule 'pl9' in a planner comment (see `planner rules`)",
        "services/api/Dockerfile:6:1: warning: unknown rule 'XX1' in a planner comment (see `planner rules`)",
      ])
    #expect(pragmas.diagnostics.allSatisfy { $0.severity == .warning })
    // The known id still applies; the unknown ones are dropped.
    #expect(pragmas.ignored == [4: ["PL303"]])
    #expect(pragmas.globallyIgnored.isEmpty)
  }

  @Test func ignoreWithoutIdsIsAWarning() {
    let pragmas = Self.read(
      """
      FROM node:22
      # planner ignore=
      RUN npm ci

      """)
    #expect(
      pragmas.diagnostics.map(\.description) == [
        "Dockerfile:2:1: warning: 'ignore=' in a planner comment needs rule ids, as in 'ignore=PL303'"
      ])
    #expect(pragmas.ignored.isEmpty)
  }

  @Test func eachPragmaIsWarnedAboutOnce() {
    // Attached and detached comments are read by two passes; neither may repeat the other.
    let pragmas = Self.read(
      """
      FROM node:22
      # planner global ignore=PL000
      RUN npm ci

      # planner global ignore=PL999

      """)
    #expect(pragmas.diagnostics.map(\.range.start.line) == [2, 5])
  }

  @Test func anIgnoreListWithOnlyCommasIsAWarning() {
    // A malformed list gets the same warning as an empty one, or the comment silently does
    // nothing.
    let pragmas = Self.read("FROM node:22\n# planner ignore=,\nRUN npm ci\n")
    #expect(
      pragmas.diagnostics.map(\.message) == [
        "'ignore=' in a planner comment needs rule ids, as in 'ignore=PL303'"
      ])

  }

  @Test func crlfLineEndingsReadTheSame() {
    let pragmas = Self.read(
      "FROM node:22\r\n# planner pin ignore=PL304\r\nRUN npm ci\r\n\r\n"
        + "# planner global ignore=PL308\r\n")
    #expect(pragmas.pinned == [3])
    #expect(pragmas.ignored == [3: ["PL304"]])
    #expect(pragmas.globallyIgnored == ["PL308"])
    #expect(pragmas.diagnostics.isEmpty)
  }

  @Test func aFileThatDoesNotParseHasNoPragmas() {
    #expect(Self.read("# planner global ignore=PL308\n") == Pragmas())
  }

  // MARK: keeps(_:disabled:)

  @Test func keepsDropsFindingsThatArePinnedToIgnoresOrDisabled() {
    let pragmas = Self.read(
      """
      FROM node:22
      # planner ignore=PL304
      RUN npm ci
      RUN npm run build
      # planner global ignore=PL308

      """)
    #expect(!pragmas.keeps(Self.finding("PL304", line: 3)))
    #expect(pragmas.keeps(Self.finding("PL304", line: 4)))
    #expect(pragmas.keeps(Self.finding("PL303", line: 3)))
    #expect(!pragmas.keeps(Self.finding("PL308", line: 1)))
    #expect(!pragmas.keeps(Self.finding("PL308", line: 4)))
    #expect(!pragmas.keeps(Self.finding("PL303", line: 4), disabled: ["PL303"]))
    #expect(pragmas.keeps(Self.finding("PL303", line: 4), disabled: ["PL101"]))
    #expect(Pragmas().keeps(Self.finding("PL101", line: 1)))
    #expect(!Pragmas().keeps(Self.finding("PL101", line: 1), disabled: ["PL101"]))
  }

  // MARK: End to end through Planner.suggest

  static let node = """
    FROM node:22
    WORKDIR /app
    1️⃣COPY . .
    RUN npm ci
    CMD ["node", "src/index.js"]

    """

  static let contextFiles = ["package.json", "src/index.js", "README.md"]

  static func suggest(_ text: String, disabled: Set<String> = []) -> Planner.SuggestOutcome {
    Planner.suggest(
      .init(
        source: Array(text.utf8), file: "Dockerfile", contextFiles: contextFiles, history: nil,
        disabledRules: disabled),
      options: SimulationOptions(), format: .text)
  }

  /// The node file with `comment` on the line above `COPY . .`.
  static func node(commenting comment: String) -> String {
    node.replacingOccurrences(of: "1️⃣", with: comment.isEmpty ? "" : comment + "\n")
  }

  @Test func aWholeSourceCopyBeforeTheInstallGetsAManifestFirstMove() throws {
    let outcome = Self.suggest(Self.node(commenting: ""))
    #expect(!outcome.hasErrors)
    let moves = outcome.findings.filter { $0.rule == "PL102" }
    #expect(moves.count == 1)
    #expect(moves.first?.range.start.line == 3)
    #expect(
      String(decoding: outcome.proposed, as: UTF8.self) == """
        FROM node:22
        WORKDIR /app
        COPY package.json ./
        RUN npm ci
        COPY . .
        CMD ["node", "src/index.js"]

        """)
  }

  /// A comment above `COPY . .` and the rules a configuration turns off.
  static let steering: [(comment: String, disabled: Set<String>)] = [
    ("# planner pin", []),
    ("# planner ignore=PL102", []),
    ("# Planner: IGNORE=pl102 cost=1s", []),
    ("", ["PL102"]),
  ]

  @Test("a pin, an ignore or a disabled rule leaves the file as it is", arguments: steering)
  func keepsTheFileAsItIs(comment: String, disabled: Set<String>) {
    let source = Self.node(commenting: comment)
    let outcome = Self.suggest(source, disabled: disabled)
    #expect(String(decoding: outcome.proposed, as: UTF8.self) == source)
    #expect(!outcome.findings.contains { $0.rule == "PL102" })
    #expect(!outcome.findings.contains { $0.rule == "PL101" })
    #expect(outcome.savingPercent == 0)
    #expect(!outcome.diagnostics.contains { $0.severity >= .warning })
  }

  @Test func aPinAfterABlankLineDoesNotStopTheMove() {
    let source = Self.node(commenting: "# planner pin\n")
    let outcome = Self.suggest(source)
    #expect(outcome.findings.contains { $0.rule == "PL102" })
    #expect(outcome.proposed != Array(source.utf8))
  }

  @Test func aPinnedInstructionBetweenTheCopyAndTheInstallIsNotCrossed() {
    let source = """
      FROM node:22
      WORKDIR /app
      COPY . .
      # planner pin
      RUN echo hi > /tmp/x
      RUN npm ci
      CMD ["node", "src/index.js"]

      """
    let outcome = Self.suggest(source)
    #expect(Self.instructions(outcome.proposed).firstIndex(of: "RUN echo hi > /tmp/x") == 3)
    let texts = Self.instructions(outcome.proposed)
    if let pinned = texts.firstIndex(of: "RUN echo hi > /tmp/x") {
      #expect(texts[..<pinned].contains("COPY . ."))
      #expect(!texts[..<pinned].contains("RUN npm ci"))
    }
  }

  @Test func pragmaWarningsReachTheSuggestDiagnostics() {
    let outcome = Self.suggest(Self.node(commenting: "# planner ignore=PL777"))
    #expect(
      outcome.diagnostics.map(\.description) == [
        "Dockerfile:3:1: warning: unknown rule 'PL777' in a planner comment (see `planner rules`)"
      ])
  }

  @Test func ignoredAndGloballyIgnoredHygieneFindingsAreLeftOut() {
    let plain = Self.suggest(Self.node(commenting: ""))
    #expect(plain.findings.contains { $0.rule == "PL304" && $0.range.start.line == 4 })
    #expect(plain.findings.contains { $0.rule == "PL308" })
    let steered = Self.suggest(
      """
      FROM node:22
      WORKDIR /app
      COPY . .
      # planner ignore=PL304
      RUN npm ci
      CMD ["node", "src/index.js"]

      # planner global ignore=PL308

      """)
    #expect(!steered.findings.contains { $0.rule == "PL304" })
    #expect(!steered.findings.contains { $0.rule == "PL308" })
    #expect(steered.findings.contains { $0.rule == "PL102" })
  }

  @Test func anIgnoreAboveTheInstructionOfAnAdviceFindingLeavesItOut() throws {
    // The `.dockerignore` advice is reported at an instruction like every other finding, so an
    // ignore comment above that instruction must drop it, as it drops a hygiene finding.
    let plain = """
      FROM node:22
      WORKDIR /app
      COPY package.json ./
      RUN npm ci
      COPY . .
      CMD ["node", "src/index.js"]

      """
    let advice = try #require(Self.suggest(plain).findings.first { $0.rule == "PL201" })
    let line = advice.range.start.line
    var lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.insert("# planner ignore=PL201", at: line - 1)
    let steered = Self.suggest(lines.joined(separator: "\n"))
    #expect(steered.diagnostics.isEmpty)
    #expect(!steered.findings.contains { $0.rule == "PL201" })

    // A global ignore does drop it.
    let global = Self.suggest(plain + "# planner global ignore=PL201\n")
    #expect(!global.findings.contains { $0.rule == "PL201" })
  }

  // MARK: Property: a pinned instruction keeps its place

  /// The instructions of a file, each as its first line.
  static func instructions(_ bytes: [UInt8]) -> [String] {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(bytes) else {
      return []
    }
    return tree.instructions.map { String(decoding: $0.original, as: UTF8.self) }
  }

  static let pool = [
    "WORKDIR /app", "COPY . .", "COPY package.json ./", "RUN npm ci", "RUN npm run build",
    "ENV NODE_ENV=production", "RUN apt-get update && apt-get install -y curl",
    "COPY src/ ./src/", "RUN echo hi > /tmp/hi", "LABEL team=web", "EXPOSE 3000",
    "COPY README.md ./", "RUN npm test", "ARG VERSION=1",
  ]

  /// A Node Dockerfile of 4 to 9 distinct steps after FROM, one of them pinned, and the pinned
  /// step's text.
  static func generated(seed: UInt64) -> (source: String, pinned: String) {
    var random = SplitMix(state: seed)
    var remaining = pool
    var steps: [String] = []
    let count = 4 + Int(random.next() % 6)
    for _ in 0..<count {
      steps.append(remaining.remove(at: Int(random.next() % UInt64(remaining.count))))
    }
    let pinnedIndex = Int(random.next() % UInt64(steps.count))
    var lines = ["FROM node:22"]
    for (index, step) in steps.enumerated() {
      if index == pinnedIndex { lines.append("# planner pin") }
      lines.append(step)
    }
    return (lines.joined(separator: "\n") + "\n", steps[pinnedIndex])
  }

  @Test("a pinned instruction never moves relative to the others", arguments: 0..<24)
  func aPinnedInstructionNeverMoves(seed: UInt64) throws {
    let (source, pinned) = Self.generated(seed: seed &* 7919 &+ 11)
    let outcome = Self.suggest(source)
    #expect(!outcome.hasErrors)
    let before = Self.instructions(Array(source.utf8))
    let after = Self.instructions(outcome.proposed)
    let old = try #require(before.firstIndex(of: pinned))
    let new = try #require(after.firstIndex(of: pinned), "the pinned instruction is gone")
    #expect(after.filter { $0 == pinned }.count == 1)
    // Instructions that survive unchanged stay on the same side of the pinned one.
    for text in Set(before).intersection(after) where text != pinned {
      let wasBefore = before.firstIndex(of: text).map { $0 < old }
      let isBefore = after.firstIndex(of: text).map { $0 < new }
      #expect(wasBefore == isBefore, "'\(text)' crossed the pinned '\(pinned)' in\n\(source)")
    }
    // When the proposal only reorders, the pinned instruction keeps its index.
    if before.sorted() == after.sorted() {
      #expect(new == old, "'\(pinned)' moved from \(old) to \(new) in\n\(source)")
    }
  }

  /// Whether an instruction of `source` is on another side of `text` in `proposed`.
  static func crosses(_ text: String, from source: [UInt8], to proposed: [UInt8]) -> Bool {
    let before = instructions(source)
    let after = instructions(proposed)
    guard let old = before.firstIndex(of: text), let new = after.firstIndex(of: text) else {
      return true
    }
    func isBefore(_ other: String, in texts: [String], _ index: Int) -> Bool? {
      texts.firstIndex(of: other).map { $0 < index }
    }
    return Set(before).intersection(after).contains { other in
      other != text && isBefore(other, in: before, old) != isBefore(other, in: after, new)
    }
  }

  @Test func withoutThePinSomeGeneratedProposalsWouldMoveThePinnedInstruction() {
    // Otherwise the property above would hold vacuously.
    var crossed = 0
    for seed in 0..<UInt64(24) {
      let (source, pinned) = Self.generated(seed: seed &* 7919 &+ 11)
      let unpinned = source.replacingOccurrences(of: "# planner pin\n", with: "")
      let proposed = Self.suggest(unpinned).proposed
      if Self.crosses(pinned, from: Array(unpinned.utf8), to: proposed) { crossed += 1 }
    }
    #expect(crossed >= 3, "only \(crossed) of 24 would cross")
  }
}

/// Mistakes in pragmas, found by review.
@Suite("Pragma mistakes")
struct PragmaMistakeTests {
  static func read(_ text: String) -> Pragmas {
    Pragmas.read(Array(text.utf8), file: "Dockerfile")
  }

  @Test func aByteOrderMarkBeforeTheFirstPragmaIsSkipped() {
    let pragmas = Self.read(
      "\u{FEFF}# planner global ignore=PL303\nFROM alpine\nRUN apk add curl\n")
    #expect(pragmas.globallyIgnored == ["PL303"])
  }

  @Test func aMisspeltSettingIsAWarningAtItsLine() {
    let pragmas = Self.read("FROM alpine\n# planner ingore=PL303\nRUN apk add curl\n")
    #expect(pragmas.ignored.isEmpty)
    #expect(
      pragmas.diagnostics.map(\.description) == [
        "Dockerfile:2:1: warning: unknown setting 'ingore' in a planner comment (planner reads ignore=, global, pin and cost=)"
      ])
    let bare = Self.read("FROM alpine\n# planner ignore PL303\nRUN apk add curl\n")
    #expect(
      bare.diagnostics.map(\.message) == [
        "'ignore' in a planner comment needs '=' and rule ids, as in 'ignore=PL303'"
      ])
    // Prose after `# planner:` and a cost are no mistakes.
    #expect(
      Self.read("FROM alpine\n# planner: this one is slow, cost=10s\nRUN make\n").diagnostics
        .isEmpty)
  }

  @Test func aLinePragmaAppliesToFindingsInItsOwnFileOnly() {
    let pragmas = Self.read("FROM alpine\n# planner ignore=PL309\nRUN echo\n")
    let inDockerfile = Finding(
      rule: "PL309", level: .note, file: "Dockerfile", range: .lines(3, 3), message: "m",
      subject: "s")
    var inScript = inDockerfile
    inScript.file = "flatten.sh"
    #expect(!pragmas.keeps(inDockerfile))
    #expect(pragmas.keeps(inScript))
  }
}
