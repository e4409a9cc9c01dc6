import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

/// `.dockerignore` reading and matching, checked against the upstream vectors in
/// `../shared/corpora/dockerignore-match` (skipped, saying so, when the folder is absent) and
/// against Go's own `filepath.Match` and `path.Clean` tables.
@Suite("IgnoreMatcher: .dockerignore as Docker applies it")
struct IgnoreMatcherTests {
  static let corpusName = "dockerignore-match"
  static let corpus = SharedCorpus.corpus(corpusName)
  static let skipNote = Comment(rawValue: SharedCorpus.skipNote(corpusName))

  struct CorpusMissing: Error {}
  typealias Decision = IgnoreMatcher.Decision

  /// A TSV file of the corpus: one dictionary per row, keyed by the header.
  static func table(_ name: String) throws -> [[String: String]] {
    guard let corpus else { throw CorpusMissing() }
    let text = try String(contentsOf: corpus.appendingPathComponent(name), encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false)
    else { return [] }
    return lines.dropFirst().map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      var row: [String: String] = [:]
      for (index, key) in header.enumerated() {
        row[String(key)] = index < fields.count ? String(fields[index]) : ""
      }
      return row
    }
  }

  /// A JSON array of strings, or nil for JSON `null`.
  static func strings(fromJSON json: String) throws -> [String]? {
    let value = try JSONSerialization.jsonObject(
      with: Data(json.utf8), options: [.fragmentsAllowed])
    if value is NSNull { return nil }
    guard let strings = value as? [String] else { throw CorpusMissing() }
    return strings
  }

  enum Outcome: String { case match, nomatch, error }

  /// patternmatcher's `New`, then `MatchesOrParentMatches` after `filepath.Clean`.
  static func outcome(_ patterns: [String], _ path: String) -> Outcome {
    guard let matcher = try? IgnoreMatcher(patterns: patterns) else { return .error }
    return matcher.isExcluded(path) ? .match : .nomatch
  }

  /// The same through the walk form, fed every parent directory first, as fsutil does.
  static func walkOutcome(_ patterns: [String], _ path: String) -> Outcome {
    guard let matcher = try? IgnoreMatcher(patterns: patterns) else { return .error }
    return walk(matcher, to: path).isExcluded ? .match : .nomatch
  }

  static func walk(_ matcher: IgnoreMatcher, to path: String) -> IgnoreMatcher.Decision {
    let cleaned = IgnoreMatcher.clean(path)
    let parts = cleaned.split(separator: "/", omittingEmptySubsequences: false)
    var parent: IgnoreMatcher.Decision?
    for end in parts.indices.dropFirst() {
      parent = matcher.decide(parts[..<end].joined(separator: "/"), parent: parent)
    }
    return matcher.decide(cleaned, parent: parent)
  }

  // MARK: Upstream data

  @Test(.enabled(if: corpus != nil, skipNote))
  func everyUpstreamVectorGivesItsListedResult() throws {
    let rows = try Self.table("vectors.tsv")
    #expect(rows.count == 138)
    var passed = 0
    for row in rows {
      let id = row["id", default: "?"]
      guard ["all", "unix"].contains(row["platform", default: ""]) else { continue }
      let patterns = try Self.strings(fromJSON: row["patterns_json", default: "[]"]) ?? []
      let path = row["path", default: ""]
      let expected = row["expected", default: ""]
      let direct = Self.outcome(patterns, path)
      let walked = Self.walkOutcome(patterns, path)
      #expect(
        direct.rawValue == expected,
        "vectors.tsv row \(id): \(patterns) on '\(path)' gives \(direct), expected \(expected)")
      #expect(
        walked.rawValue == expected,
        "vectors.tsv row \(id), walk form: \(patterns) on '\(path)' gives \(walked), expected \(expected)"
      )
      if direct.rawValue == expected && walked.rawValue == expected { passed += 1 }
    }
    print("dockerignore-match vectors.tsv: \(passed) of \(rows.count) rows pass")
  }

  @Test(.enabled(if: corpus != nil, skipNote))
  func everyDocumentationExampleReadsAndMatchesLikeDocker() throws {
    let rows = try Self.table("docs-examples.tsv")
    #expect(rows.count == 68)
    var passed = 0
    for row in rows {
      let id = row["id", default: "?"]
      let lines = try Self.strings(fromJSON: row["dockerignore_lines_json", default: "[]"]) ?? []
      let expectedPatterns =
        try Self.strings(fromJSON: row["readall_patterns_json", default: "null"]) ?? []
      let path = row["path", default: ""]
      let expected = row["expected", default: ""]
      let patterns = IgnoreFile.patterns(from: Array(lines.joined(separator: "\n").utf8))
      let direct = Self.outcome(patterns, path)
      let walked = Self.walkOutcome(patterns, path)
      #expect(
        patterns == expectedPatterns,
        "docs-examples.tsv row \(id): reads \(patterns), expected \(expectedPatterns)")
      #expect(
        direct.rawValue == expected,
        "docs-examples.tsv row \(id): \(patterns) on '\(path)' gives \(direct), expected \(expected)"
      )
      #expect(
        walked.rawValue == expected,
        "docs-examples.tsv row \(id), walk form: gives \(walked), expected \(expected)")
      if patterns == expectedPatterns && direct.rawValue == expected
        && walked.rawValue == expected
      {
        passed += 1
      }
    }
    print("dockerignore-match docs-examples.tsv: \(passed) of \(rows.count) rows pass")
  }

  @Test(.enabled(if: corpus != nil, skipNote))
  func theUpstreamReadAllCasesReadTheSame() throws {
    guard let corpus = Self.corpus else { return }
    let data = try Data(contentsOf: corpus.appendingPathComponent("ignorefile-readall.json"))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(object["cases"] as? [[String: Any]])
    #expect(cases.count == 2)
    for (index, testCase) in cases.enumerated() {
      let input = testCase["input"] as? String ?? ""
      let expected = try #require(testCase["patterns"] as? [String])
      let patterns = IgnoreFile.patterns(from: Array(input.utf8))
      #expect(patterns == expected, "ignorefile-readall.json case \(index)")
    }
  }

  // MARK: Reading the file

  @Test(arguments: [
    ("", [String]()),
    ("\n\n  \n", []),
    ("a\r\nb\r\n", ["a", "b"]),
    ("\u{FEFF}# comment\nx", ["x"]),
    ("\u{FEFF}a\n\u{FEFF}b", ["a", "\u{FEFF}b"]),
    ("#x\n  #y\n", ["#y"]),
    ("!  a/../b/ \n!\n! \n", ["!b", "!", "!"]),
    ("/\n//a//\n/./x\n\t*.md\u{00A0}\n", ["/", "a", "x", "*.md"]),
    ("../x\nlast", ["../x", "last"]),
  ])
  func readingFollowsReadAll(text: String, expected: [String]) {
    #expect(IgnoreFile.patterns(from: Array(text.utf8)) == expected)
  }

  @Test func theDockerfileSpecificIgnoreFileWinsOverTheContextOne() {
    let both: Set = ["docker/app.Dockerfile.dockerignore", "./.dockerignore"]
    #expect(
      IgnoreFile.choose(
        dockerfilePath: "docker/app.Dockerfile", contextPath: ".", exists: both.contains)
        == "docker/app.Dockerfile.dockerignore")
    #expect(
      IgnoreFile.choose(
        dockerfilePath: "docker/other.Dockerfile", contextPath: ".", exists: both.contains)
        == "./.dockerignore")
    #expect(
      IgnoreFile.choose(
        dockerfilePath: "Dockerfile", contextPath: "", exists: { $0 == ".dockerignore" })
        == ".dockerignore")
    #expect(
      IgnoreFile.choose(
        dockerfilePath: "/src/Dockerfile", contextPath: "/src/", exists: { $0.hasPrefix("/src/") })
        == "/src/Dockerfile.dockerignore")
    #expect(
      IgnoreFile.choose(dockerfilePath: "-", contextPath: "ctx", exists: { _ in true })
        == "ctx/.dockerignore")
    #expect(
      IgnoreFile.choose(dockerfilePath: "Dockerfile", contextPath: ".", exists: { _ in false })
        == nil)
  }

  // MARK: Building the matcher

  @Test func aLoneExclamationMarkIsRejectedWithUpstreamsMessage() {
    #expect(throws: IgnorePatternError.loneExclamationMark) {
      try IgnoreMatcher(patterns: ["a", " ! "])
    }
    #expect(throws: IgnorePatternError.loneExclamationMark) { try IgnoreMatcher(patterns: ["!/"]) }
    #expect(
      IgnorePatternError.loneExclamationMark.description == #"illegal exclusion pattern: "!""#)
  }

  @Test func malformedClassesAreRejectedWhenBuiltOrWhenUpstreamWouldFirstUseThem() {
    #expect(throws: IgnorePatternError.syntaxError(pattern: "[")) {
      try IgnoreMatcher(patterns: ["["])
    }
    #expect(throws: IgnorePatternError.syntaxError(pattern: "a[")) {
      try IgnoreMatcher(patterns: ["!a["])
    }
    #expect(throws: IgnorePatternError.syntaxError(pattern: "[a-b-c]")) {
      try IgnoreMatcher(patterns: ["[a-b-c]"])
    }
    // filepath.Match accepts these; Go's regexp does not compile them.
    #expect(throws: IgnorePatternError.syntaxErrorWhenUsed(pattern: "[Local-Only]")) {
      try IgnoreMatcher(patterns: ["[Local-Only]/"])
    }
    #expect(throws: IgnorePatternError.syntaxErrorWhenUsed(pattern: "a*[")) {
      try IgnoreMatcher(patterns: ["a*["])
    }
    #expect(throws: IgnorePatternError.syntaxErrorWhenUsed(pattern: "x/*\\q")) {
      try IgnoreMatcher(patterns: ["x/*\\q"])
    }
    #expect(IgnorePatternError.syntaxError(pattern: "[").description == "syntax error in pattern")
    #expect(throws: IgnorePatternError.unsupported(pattern: "*\\pL")) {
      try IgnoreMatcher(patterns: ["*\\pL"])
    }
  }

  @Test func emptyAndBlankPatternsAreSkippedAndExceptionsAreNoticed() throws {
    let plain = try IgnoreMatcher(patterns: ["", "  ", "docs"])
    #expect(!plain.hasExceptions)
    #expect(plain.isExcluded("docs/x"))
    #expect(try IgnoreMatcher(patterns: ["docs", "  !docs/README.md  "]).hasExceptions)
  }

  // MARK: Matching

  @Test func theContextRootIsNeverExcluded() throws {
    let everything = try IgnoreMatcher(patterns: ["*", "**", ".", "*/.."])
    for root in [".", "", "./", "a/..", "./."] {
      #expect(!everything.isExcluded(root))
      #expect(!everything.decide(root, parent: nil).isExcluded)
    }
    #expect(everything.isExcluded("a"))
  }

  @Test func pathsAreCleanedBeforeMatching() throws {
    let matcher = try IgnoreMatcher(patterns: ["docs/*.md"])
    #expect(matcher.isExcluded("./docs//guide.md"))
    #expect(matcher.isExcluded("docs/x/../guide.md/"))
    #expect(!matcher.isExcluded("docs/guide.md/../x"))
  }

  @Test func doubleStarsFollowUpstreamsSuffixAndPrefixShortcuts() throws {
    // `**file` is a plain suffix test and `abc**` a plain prefix test in patternmatcher.
    let suffix = try IgnoreMatcher(patterns: ["**file"])
    #expect(suffix.isExcluded("myfile"))
    #expect(suffix.isExcluded("dir/xfile"))
    let prefix = try IgnoreMatcher(patterns: ["abc**"])
    #expect(prefix.isExcluded("abc"))
    #expect(prefix.isExcluded("abcdef/x"))
    #expect(!prefix.isExcluded("ab"))
    // `**` in the middle stands for whole directories, `(.*/)?`.
    let middle = try IgnoreMatcher(patterns: ["a**b"])
    #expect(middle.isExcluded("ab"))
    #expect(middle.isExcluded("ax/y/b"))
    #expect(!middle.isExcluded("axb"))
  }

  /// Corners where patternmatcher's translation to a Go regular expression shows through.
  /// Derived from upstream's translation rules and Go's regexp syntax, not from test vectors.
  @Test func wildcardPatternsMeanWhatTheirGoRegexpMeans() throws {
    // `^` is copied into the expression, where it anchors at the start.
    #expect(try IgnoreMatcher(patterns: ["a^b"]).isExcluded("a^b"))  // no wildcard: compared as is
    for path in ["a", "a^", "a^b"] {
      #expect(!(try IgnoreMatcher(patterns: ["a^*"]).isExcluded(path)))
    }
    // `*` inside a class becomes `[^/]*`, which closes the class early.
    let star = try IgnoreMatcher(patterns: ["[*]"])
    #expect(star.isExcluded("]"))
    #expect(star.isExcluded("[]"))
    #expect(!star.isExcluded("*"))
    // Escapes and POSIX classes are Go's.
    let digit = try IgnoreMatcher(patterns: ["a\\d*"])
    #expect(digit.isExcluded("a1x"))
    #expect(!digit.isExcluded("adx"))
    let posix = try IgnoreMatcher(patterns: ["[[:digit:]]"])
    #expect(posix.isExcluded("5"))
    #expect(!posix.isExcluded("d]"))
    // `.` in the expression stops at a newline; `[^/]` does not.
    #expect(try IgnoreMatcher(patterns: ["**/x"]).isExcluded("a\nb/c/x"))  // a suffix test
    #expect(try IgnoreMatcher(patterns: ["a/**/x"]).isExcluded("a/b/x"))
    #expect(!(try IgnoreMatcher(patterns: ["a/**/x"]).isExcluded("a/\n/x")))
    #expect(try IgnoreMatcher(patterns: ["a?b*"]).isExcluded("a\nb\n"))
  }

  @Test func aPathologicalPatternIsDecidedQuicklyWithoutExhaustingTheStack() throws {
    let stars = try IgnoreMatcher(patterns: [String(repeating: "*a", count: 200) + "?"])
    #expect(!stars.isExcluded(String(repeating: "a", count: 200)))
    #expect(stars.isExcluded(String(repeating: "a", count: 201)))
    let directories = try IgnoreMatcher(patterns: [String(repeating: "**/a", count: 100) + "/?"])
    let deep = Array(repeating: "a", count: 101).joined(separator: "/")
    #expect(directories.isExcluded(deep + "/b"))
    #expect(!directories.isExcluded(Array(repeating: "a", count: 99).joined(separator: "/") + "/b"))
  }

  @Test func exceptionsApplyInFileOrderAndTheLastMatchWins() throws {
    let matcher = try IgnoreMatcher(patterns: ["*.log", "!important.log", "logs"])
    #expect(matcher.isExcluded("a.log"))
    #expect(!matcher.isExcluded("important.log"))
    #expect(matcher.isExcluded("logs/important.log"))
    let allowList = try IgnoreMatcher(patterns: ["*", "!src", "!go.mod"])
    #expect(!allowList.isExcluded("src/a/b.go"))
    #expect(allowList.isExcluded("docs/x.md"))
    #expect(!allowList.isExcludedIgnoringParents("src/a/b.go"))
    #expect(!allowList.isExcludedIgnoringParents("docs/x.md"))
    #expect(allowList.isExcludedIgnoringParents("docs"))
  }

  // MARK: The walk form

  @Test func theWalkFormDiffersFromMatchesOrParentMatchesWhereFsutilDoes() throws {
    // A pattern skipped at `docs` (already excluded) is not remembered as matching it.
    let reExcluded = try IgnoreMatcher(patterns: ["docs", "!docs/a", "docs"])
    let docs = reExcluded.decide("docs", parent: nil)
    #expect(docs.isExcluded)
    #expect(!reExcluded.decide("docs/a", parent: docs).isExcluded)
    #expect(reExcluded.isExcluded("docs/a"))
    // An exception skipped at `docs` (still included) is not remembered either.
    let reIncluded = try IgnoreMatcher(patterns: ["docs/a", "!docs"])
    let parent = reIncluded.decide("docs", parent: nil)
    #expect(!parent.isExcluded)
    #expect(reIncluded.decide("docs/a", parent: parent).isExcluded)
    #expect(!reIncluded.isExcluded("docs/a"))
    // Without a parent decision, parents are checked directly.
    #expect(!reIncluded.decide("docs/a", parent: nil).isExcluded)
  }

  @Test func aWalkerEntersAnExcludedDirectoryOnlyWhenAnExceptionMayReachInside() throws {
    let keep = try IgnoreMatcher(patterns: ["node_modules", "!node_modules/keep/"])
    #expect(keep.mayReincludeBelow("node_modules"))
    #expect(keep.mayReincludeBelow("node_modules/keep"))
    #expect(!keep.mayReincludeBelow("node_modules/other"))
    #expect(!keep.mayReincludeBelow("node_modules_x"))
    let trailingGlob = try IgnoreMatcher(patterns: ["build", "!build/keep/**"])
    #expect(trailingGlob.mayReincludeBelow("build"))
    #expect(!trailingGlob.mayReincludeBelow("dist"))
    let wildcard = try IgnoreMatcher(patterns: ["*", "!*.md"])
    #expect(wildcard.mayReincludeBelow("anything"))
    let none = try IgnoreMatcher(patterns: ["*"])
    #expect(!none.mayReincludeBelow("docs"))
  }

  static let segments = ["a", "b", "docs", "keep", "x.go", ".x", "node_modules"]
  static let plainPatterns = [
    "a", "b", "a/b", "docs", "docs/*", "*", "*.go", "**/*.go", "**/keep", "a/**", "**", "?",
    "[ab]", "docs/keep", "node_modules", ".x", "*/b", "/a", "b/", "x.go", "a/b/keep", "**/b/**",
    "a*", "**/docs", "keep/..", "*/*/x.go",
  ]
  static let exceptionPatterns = [
    "!a", "!b", "!a/b", "!docs/keep", "!*.go", "!**/keep", "!a/**", "!node_modules/x.go", "!docs",
    "!*", "!a/b/keep", "!keep/*",
  ]

  /// A generated context: some paths plus all their parent directories, parents first.
  static let tree = Gen.element(of: segments).compactMap { $0 }.array(of: 1...4)
    .map { $0.joined(separator: "/") }.array(of: 1...10)
    .map { paths -> [String] in
      var all: Set<String> = []
      for path in paths {
        let parts = path.split(separator: "/")
        for end in 1...parts.count { all.insert(parts[..<end].joined(separator: "/")) }
      }
      return all.sorted {
        ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1)
      }
    }

  /// Walks the tree, each path decided from its parent's decision.
  static func walkDecisions(_ matcher: IgnoreMatcher, _ tree: [String]) -> [String: Decision] {
    var decisions: [String: Decision] = [:]
    for path in tree {
      let parent = path.lastIndex(of: "/").flatMap { decisions[String(path[..<$0])] }
      decisions[path] = matcher.decide(path, parent: parent)
    }
    return decisions
  }

  @Test func withoutExceptionsTheWalkAgreesWithIsExcludedOnGeneratedTrees() async {
    let patterns = Gen.element(of: Self.plainPatterns).compactMap { $0 }.array(of: 0...6)
    await propertyCheck(count: 300, input: Self.tree, patterns) { tree, patterns in
      guard let matcher = try? IgnoreMatcher(patterns: patterns) else {
        Issue.record("rejected \(patterns)")
        return
      }
      let decisions = Self.walkDecisions(matcher, tree)
      for path in tree {
        #expect(decisions[path]?.isExcluded == matcher.isExcluded(path), "\(patterns) on \(path)")
      }
    }
  }

  /// fsutil's `MatchesUsingParentResults`, computed naively from the root for each path, with
  /// one single-pattern matcher per pattern asked about the path alone.
  static func fsutilModel(_ patterns: [String], _ path: String) -> Bool {
    let parts = path.split(separator: "/")
    var inherited: [Bool]?
    var excluded = false
    for depth in 1...parts.count {
      let current = parts[..<depth].joined(separator: "/")
      excluded = false
      var matched: [Bool] = []
      for (index, pattern) in patterns.enumerated() {
        let isException = pattern.hasPrefix("!")
        var hit = inherited?[index] ?? false
        if !hit {
          guard isException == excluded else {
            matched.append(false)
            continue
          }
          let single = try? IgnoreMatcher(patterns: [
            isException ? String(pattern.dropFirst()) : pattern
          ])
          hit = single?.isExcludedIgnoringParents(current) ?? false
        }
        matched.append(hit)
        if hit { excluded = !isException }
      }
      inherited = matched
    }
    return excluded
  }

  @Test func theWalkFollowsFsutilsRuleOnGeneratedTrees() async {
    let patterns = Gen.element(of: Self.plainPatterns + Self.exceptionPatterns).compactMap { $0 }
      .array(of: 0...6)
    await propertyCheck(count: 300, input: Self.tree, patterns) { tree, patterns in
      guard let matcher = try? IgnoreMatcher(patterns: patterns) else {
        Issue.record("rejected \(patterns)")
        return
      }
      let decisions = Self.walkDecisions(matcher, tree)
      for path in tree {
        #expect(
          decisions[path]?.isExcluded == Self.fsutilModel(patterns, path), "\(patterns) on \(path)")
        // Top-level entries have no parent decision, and then both forms are the same.
        if !path.contains("/") {
          #expect(decisions[path]?.isExcluded == matcher.isExcluded(path), "\(patterns) on \(path)")
        }
      }
    }
  }

  @Test func skippingAnExcludedDirectoryLosesNothingOnGeneratedTrees() async {
    let patterns = Gen.element(of: Self.plainPatterns + Self.exceptionPatterns).compactMap { $0 }
      .array(of: 0...6)
    await propertyCheck(count: 300, input: Self.tree, patterns) { tree, patterns in
      guard let matcher = try? IgnoreMatcher(patterns: patterns) else { return }
      let decisions = Self.walkDecisions(matcher, tree)
      for directory in tree where decisions[directory]?.isExcluded == true {
        guard !matcher.mayReincludeBelow(directory) else { continue }
        for path in tree where path.hasPrefix(directory + "/") {
          #expect(decisions[path]?.isExcluded == true, "\(patterns): \(path) below \(directory)")
        }
      }
    }
  }

  @Test func anyPatternAndPathIsDecidedWithoutCrashing() async {
    let pieces = [
      "*", "**", "?", "[", "]", "^", "\\", "-", "!", "/", ".", "..", "a", "b", "{", "$", "(", ")",
      "|", ":", "[:", ":]", "p", "d", "Q", "E", "x", "0", "7", " ", "é", "\u{FEFF}",
    ]
    let piece = Gen.element(of: pieces).compactMap { $0 }
    let pattern = piece.array(of: 0...8).map { $0.joined() }
    let path = Gen.element(of: ["a", "b", "/", ".", "-", "]", "^", "x", "ab", "é", "\n"]).compactMap
    {
      $0
    }.array(of: 0...6).map { $0.joined() }
    await propertyCheck(count: 2000, input: pattern.array(of: 1...3), path) { patterns, path in
      _ = try? IgnoreMatcher.filepathMatch(patterns[0], path)
      guard let matcher = try? IgnoreMatcher(patterns: patterns) else { return }
      let excluded = matcher.isExcluded(path)
      if !IgnoreMatcher.clean(path).contains("/") {
        #expect(matcher.decide(path, parent: nil).isExcluded == excluded, "\(patterns) on \(path)")
      }
      _ = Self.walk(matcher, to: path)
      _ = matcher.mayReincludeBelow(path)
    }
  }

  // MARK: Go's filepath.Match and path.Clean

  /// Go's `TestMatch` table for `path/filepath` (nil: `ErrBadPattern`).
  @Test(
    arguments: [
      ("abc", "abc", true), ("*", "abc", true), ("*c", "abc", true), ("a*", "a", true),
      ("a*", "abc", true), ("a*", "ab/c", false), ("a*/b", "abc/b", true), ("a*/b", "a/c/b", false),
      ("a*b*c*d*e*/f", "axbxcxdxe/f", true), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
      ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
      ("a*b?c*x", "abxbbxdbxebxczzx", true), ("a*b?c*x", "abxbbxdbxebxczzy", false),
      ("ab[c]", "abc", true), ("ab[b-d]", "abc", true), ("ab[e-g]", "abc", false),
      ("ab[^c]", "abc", false), ("ab[^b-d]", "abc", false), ("ab[^e-g]", "abc", true),
      ("a\\*b", "a*b", true), ("a\\*b", "ab", false), ("a?b", "a☺b", true), ("a[^a]b", "a☺b", true),
      ("a???b", "a☺b", false), ("a[^a][^a][^a]b", "a☺b", false), ("[a-ζ]*", "α", true),
      ("*[a-ζ]", "A", false), ("a?b", "a/b", false), ("a*b", "a/b", false), ("[\\]a]", "]", true),
      ("[\\-]", "-", true), ("[x\\-]", "x", true), ("[x\\-]", "-", true), ("[x\\-]", "z", false),
      ("[\\-x]", "x", true), ("[\\-x]", "-", true), ("[\\-x]", "a", false),
      ("[]a]", "]", nil), ("[-]", "-", nil), ("[x-]", "x", nil), ("[x-]", "-", nil),
      ("[x-]", "z", nil), ("[-x]", "x", nil), ("[-x]", "-", nil), ("[-x]", "a", nil),
      ("\\", "a", nil), ("[a-b-c]", "a", nil), ("[", "a", nil), ("[^", "a", nil),
      ("[^bc", "a", nil), ("a[", "a", nil), ("a[", "ab", nil), ("a[", "x", nil), ("a/b[", "x", nil),
      ("*x", "xxx", true),
    ] as [(String, String, Bool?)])
  func filepathMatchFollowsGo(pattern: String, name: String, expected: Bool?) {
    let actual = try? IgnoreMatcher.filepathMatch(pattern, name)
    #expect(actual == expected, "Match(\(pattern), \(name))")
    if expected == nil {
      #expect(throws: IgnorePatternError.syntaxError(pattern: pattern)) {
        try IgnoreMatcher.filepathMatch(pattern, name)
      }
    }
  }

  @Test func filepathMatchTreatsDoubleStarsAsOneAndChecksOnlyWhatItReads() throws {
    #expect(try IgnoreMatcher.filepathMatch("**", "abc"))
    #expect(try !IgnoreMatcher.filepathMatch("**", "a/b"))
    #expect(try IgnoreMatcher.filepathMatch("**.go", "main.go"))
    #expect(try IgnoreMatcher.filepathMatch("*/*.go", "cmd/main.go"))
    #expect(try !IgnoreMatcher.filepathMatch("*x*[", "a"))  // the bad class is never reached
    #expect(try !IgnoreMatcher.filepathMatch("[z-a]", "m"))  // an empty range, not an error
  }

  /// Go's `TestClean` table for `path`.
  @Test(arguments: [
    ("", "."), ("abc", "abc"), ("abc/def", "abc/def"), ("a/b/c", "a/b/c"), (".", "."),
    ("..", ".."), ("../..", "../.."), ("../../abc", "../../abc"), ("/abc", "/abc"), ("/", "/"),
    ("abc/", "abc"), ("abc/def/", "abc/def"), ("a/b/c/", "a/b/c"), ("./", "."), ("../", ".."),
    ("../../", "../.."), ("/abc/", "/abc"), ("abc//def//ghi", "abc/def/ghi"), ("//abc", "/abc"),
    ("///abc", "/abc"), ("//abc//", "/abc"), ("abc//", "abc"), ("abc/./def", "abc/def"),
    ("/./abc/def", "/abc/def"), ("abc/.", "abc"), ("abc/def/ghi/../jkl", "abc/def/jkl"),
    ("abc/def/../ghi/../jkl", "abc/jkl"), ("abc/def/..", "abc"), ("abc/def/../..", "."),
    ("/abc/def/../..", "/"), ("abc/def/../../..", ".."), ("/abc/def/../../..", "/"),
    ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"), ("abc/./../def", "def"),
    ("abc//./../def", "def"), ("abc/../../././../def", "../../def"),
  ])
  func cleanFollowsGo(path: String, expected: String) {
    #expect(IgnoreMatcher.clean(path) == expected)
    #expect(IgnoreMatcher.clean(expected) == expected)
  }
}
