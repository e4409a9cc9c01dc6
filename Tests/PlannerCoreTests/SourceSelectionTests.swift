import PropertyBased
import Testing

@testable import PlannerCore

@Suite("COPY and ADD source selection")
struct SourceSelectionTests {
  static let context = BuildContext(paths: [
    "Dockerfile", ".dockerignore", "package.json", "package-lock.json", "README.md",
    "src/index.js", "src/lib/util.js", "src/lib/deep/x.js", "src/app.ts",
    "docs/guide.md", "docs/api/ref.md", "a b/c d.txt", "x/y/z.go", "x/w.go",
  ])

  func files(_ source: String, parents: Bool = false, excludes: [String] = []) -> [String]? {
    guard
      case .files(let files) = SourceSelection.select(
        source, in: Self.context, parents: parents, excludes: excludes)
    else { return nil }
    return files
  }

  @Test func aLiteralFileReadsItself() {
    #expect(files("package.json") == ["package.json"])
    #expect(files("./package.json") == ["package.json"])
    #expect(files("/package.json") == ["package.json"])
  }

  @Test func dotDotIsClampedAtTheRoot() {
    #expect(files("../../package.json") == ["package.json"])
    #expect(files("src/../package.json") == ["package.json"])
  }

  @Test func aDirectoryReadsEverythingUnderIt() {
    #expect(files("src") == ["src/app.ts", "src/index.js", "src/lib/deep/x.js", "src/lib/util.js"])
    #expect(files("src/") == files("src"))
    #expect(files(".")?.count == Self.context.files.count)
  }

  @Test func starStaysInsideOneComponent() {
    #expect(files("*.json") == ["package-lock.json", "package.json"])
    #expect(files("src/*.js") == ["src/index.js"])
    #expect(files("*/*.js") == ["src/index.js"])
  }

  @Test func doubleStarIsJustAStarInAPlainCopy() {
    #expect(files("**/*.js") == files("*/*.js"))
    #expect(files("src/**/*.js") == ["src/lib/util.js"])
  }

  @Test func aWildcardMatchingADirectoryReadsItsContents() {
    #expect(files("s?c") == files("src"))
    #expect(files("[dx]*") == ["docs/api/ref.md", "docs/guide.md", "x/w.go", "x/y/z.go"])
  }

  @Test func aWildcardWithNoMatchReadsNothingAndAMissingLiteralIsAnError() {
    #expect(files("*.rb") == [])
    #expect(SourceSelection.select("missing.txt", in: Self.context) == .notFound("/missing.txt"))
  }

  @Test func namesWithSpacesWork() {
    #expect(files("a b/c d.txt") == ["a b/c d.txt"])
    #expect(files("a b") == ["a b/c d.txt"])
  }

  @Test func parentsUseIgnoreFileSemanticsWhereDoubleStarRecurses() {
    #expect(
      files("src/**/*.js", parents: true) == [
        "src/index.js", "src/lib/deep/x.js", "src/lib/util.js",
      ])
    #expect(files("./x/./y/*.go", parents: true) == ["x/y/z.go"])
  }

  @Test func excludesAreRelativeToTheCopiedSource() {
    #expect(files("src", excludes: ["lib"]) == ["src/app.ts", "src/index.js"])
    #expect(files("src", excludes: ["**/*.js"]) == ["src/app.ts"])
    #expect(files(".", excludes: ["*.md", "docs"])?.contains("README.md") == false)
    #expect(files(".", excludes: ["*.md", "docs"])?.contains("docs/guide.md") == false)
  }

  @Test func theContextDropsIgnoredFilesAndKeepsExceptions() throws {
    let ignore = try IgnoreMatcher(
      patterns: IgnoreFile.patterns(from: Array("docs\n!docs/guide.md\n*.md\n".utf8)))
    let context = BuildContext(paths: Self.context.files, ignore: ignore)
    #expect(!context.containsFile("README.md"))
    #expect(!context.containsFile("docs/api/ref.md"))
    // The exception re-includes it, and `*.md` does not cross `/`, so it stays.
    #expect(context.containsFile("docs/guide.md"))
  }
}

@Suite("Symbolic links in COPY sources")
struct SymbolicLinkSelectionTests {
  static let context = BuildContext(
    paths: [
      "notes.txt", "docs/guide.txt", "docs/x.md", "links/notes", "links/docs", "links/abs",
      "loop/a", "loop/b",
    ],
    links: [
      "links/notes": "../notes.txt", "links/docs": "../docs", "links/abs": "/docs/x.md",
      "loop/a": "b", "loop/b": "a",
    ])

  func files(_ source: String) -> [String]? {
    guard case .files(let files) = SourceSelection.select(source, in: Self.context) else {
      return nil
    }
    return files
  }

  @Test func aSourceThatNamesALinkReadsItsTarget() {
    #expect(files("links/notes") == ["notes.txt"])
    #expect(files("links/docs") == ["docs/guide.txt", "docs/x.md"])
    #expect(files("links/abs") == ["docs/x.md"])  // an absolute target is inside the context
  }

  @Test func aWildcardMatchingALinkFollowsIt() {
    #expect(files("links/d*") == ["docs/guide.txt", "docs/x.md"])
  }

  @Test func aLinkOnTheWayToASourceIsFollowed() {
    #expect(files("links/docs/guide.txt") == ["docs/guide.txt"])
  }

  @Test func linksInsideACopiedDirectoryStayLinks() {
    #expect(files("links") == ["links/abs", "links/docs", "links/notes"])
  }

  @Test func aLinkLoopEndsAsNotFound() {
    #expect(SourceSelection.select("loop/a", in: Self.context) == .notFound("/loop/a"))
  }
}

@Suite("Context properties")
struct ContextPropertyTests {
  static let names = ["a", "b", "src", "docs", "x.md", "y.go", "node_modules", ".git", "README.md"]
  static let patterns = [
    "*.md", "docs", "!docs/x.md", "**/node_modules", ".git", "src/*.go", "!README.md", "b/**",
    "**/y.go",
  ]
  static let sources = [".", "src", "*.md", "src/*.go", "**/*.md", "[ab]", "docs/x.md", "a/b"]

  @Test func oneFilterAnswersEveryPathAsAFreshFilterWould() async {
    // The filter remembers the directories of the paths it was asked about (by name, and by
    // the bytes the previous path shares): in any order, its answers must not depend on that.
    // Names that are prefixes of one another ("b", "bx") make paths that share bytes but not
    // directories.
    let names = Self.names + ["bx", "docs2", "src.md", "a.b"]
    let path = Gen.element(of: names).compactMap { $0 }.array(of: 1...4).map {
      $0.joined(separator: "/")
    }
    let ignore = Gen.element(of: Self.patterns).compactMap { $0 }.array(of: 0...4)
    await propertyCheck(count: 300, input: path.array(of: 1...40), ignore) { paths, lines in
      guard
        let matcher = try? IgnoreMatcher(
          patterns: IgnoreFile.patterns(from: Array(lines.joined(separator: "\n").utf8)))
      else {
        return
      }
      let cleaned = paths.map(BuildContext.relative).filter { !$0.isEmpty }
      for order in [cleaned, cleaned.sorted(), cleaned.sorted().reversed()] {
        var shared = ContextFilter(matcher)
        for path in order {
          var fresh = ContextFilter(matcher)
          #expect(shared.sends(path) == fresh.sends(path), "\(lines) \(path) in \(order)")
        }
      }
    }
  }

  @Test func aPathTheIgnoreFileExcludesIsNeverReadByAnyStep() async {
    let path = Gen.element(of: Self.names).compactMap { $0 }.array(of: 1...4).map {
      $0.joined(separator: "/")
    }
    let ignore = Gen.element(of: Self.patterns).compactMap { $0 }.array(of: 0...4)
    let source = Gen.element(of: Self.sources).compactMap { $0 }
    await propertyCheck(count: 200, input: path.array(of: 1...30), ignore, source) {
      paths, lines, source in
      guard
        let matcher = try? IgnoreMatcher(
          patterns: IgnoreFile.patterns(from: Array(lines.joined(separator: "\n").utf8)))
      else {
        return
      }
      let context = BuildContext(paths: paths, ignore: matcher)
      var filter = ContextFilter(matcher)
      let excluded = Set(
        paths.map(BuildContext.relative).filter { !$0.isEmpty && !filter.sends($0) })
      guard case .files(let selected) = SourceSelection.select(source, in: context) else { return }
      #expect(excluded.isDisjoint(with: selected), "\(lines) \(source)")
      // And the per-path reader agrees with the selection over the context.
      if let reader = try? SourceSelection.Reader(source: source) {
        #expect(context.files.filter(reader.reads) == selected)
      }
    }
  }
}

@Suite("Build context edges")
struct BuildContextEdgeTests {
  @Test func pathsThatLeaveTheRootAreNotInTheContext() {
    let context = BuildContext(paths: ["../up", "/abs/x", "a/../../b", "ok", "./also"])
    #expect(context.files == ["also", "ok"])
  }

  @Test func anEmptyFolderIsADirectoryACopyMayName() {
    let context = BuildContext(paths: ["a.txt"], directories: ["empty"])
    #expect(SourceSelection.select("empty", in: context) == .files([]))
    #expect(SourceSelection.select("missing", in: context) == .notFound("/missing"))
  }

  @Test func aFolderWhoseFilesAreAllIgnoredIsStillSent() throws {
    let ignore = try IgnoreMatcher(patterns: ["d/e"])
    let context = BuildContext(paths: ["d/e"], ignore: ignore, directories: ["d"])
    #expect(SourceSelection.select("d", in: context) == .files([]))
  }

  @Test func aNameStartingWithACombiningMarkKeepsItsSlash() {
    let name = "dir/\u{0301}x"
    #expect(BuildContext.relative(name) == name)
    #expect(BuildContext(paths: [name]).files == [name])
  }
}

@Suite("Context report text")
struct ContextReportTextTests {
  @Test func aPathWithANewlineStaysOnOneLine() {
    #expect(ContextReport.display("a\nb") == "\"a\\nb\"")
    #expect(ContextReport.display("plain é") == "plain é")
  }

  @Test func anInvalidIgnorePatternIsReportedOnItsLine() {
    let outcome = Planner.context(
      dockerfile: Array("FROM a\nCOPY . /x\n".utf8), file: "Dockerfile", contextName: ".",
      paths: ["f"], ignore: (".dockerignore", Array("# c\nok\n  [bad\n".utf8)), byStep: false,
      format: .text)
    #expect(outcome.diagnostics.map(\.range.start) == [SourcePosition(line: 3, column: 3)])
    #expect(outcome.hasErrors)
  }
}
