import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

/// Builds histories in the recorded format by hand, byte for byte as git prints them.
private enum Recorded {
  static let zero = String(repeating: "0", count: 40)

  /// A 40-digit object id made from a small number, so tests can name commits and blobs.
  static func id(_ number: Int) -> String {
    let hex = String(number, radix: 16)
    return String(repeating: "0", count: 40 - hex.count) + hex
  }

  static func header(
    _ id: String, parents: [String] = [], time: Int = 1_700_000_000,
    subject: String
  ) -> [UInt8] {
    [0x1E] + Array(id.utf8) + [0x1F] + Array(parents.joined(separator: " ").utf8) + [0x1F]
      + Array(String(time).utf8) + [0x1F] + Array(subject.utf8) + [0]
  }

  /// One raw entry; `first` adds the newline git prints between the header and the entries.
  static func entry(_ meta: String, _ paths: [UInt8]..., first: Bool = false) -> [UInt8] {
    var bytes: [UInt8] = first ? [UInt8(ascii: "\n")] : []
    bytes += Array(":\(meta)".utf8) + [0]
    for path in paths { bytes += path + [0] }
    return bytes
  }

  static func path(_ text: String) -> [UInt8] { Array(text.utf8) }

  /// A small history covering every kind of entry, newest first.
  static let sample: [UInt8] = {
    var bytes: [UInt8] = []
    // A merge, compared with its first parent.
    bytes += header(id(5), parents: [id(4), id(9)], time: 1_700_000_500, subject: "Merge 'side'")
    bytes += entry("100644 100644 \(id(20)) \(id(21)) M", path("src/a b.txt"), first: true)
    // An empty commit.
    bytes += header(id(4), parents: [id(3)], time: 1_700_000_400, subject: "empty")
    // chmod +x and a type change, with a subject holding the separators.
    bytes += header(id(3), parents: [id(2)], time: 1_700_000_300, subject: "mode\u{1E}x\u{1F}y")
    bytes += entry("100644 100755 \(id(30)) \(id(30)) M", path("run.sh"), first: true)
    bytes += entry("100644 120000 \(id(31)) \(id(32)) T", path("link"))
    // A rename, as planner's own arguments print it: a deletion plus an addition.
    bytes += header(id(2), parents: [id(1)], time: 1_700_000_200, subject: "rename")
    bytes += entry("100644 000000 \(id(40)) \(zero) D", path("package.json"), first: true)
    bytes += entry("000000 100644 \(zero) \(id(40)) A", path("pkg.json"))
    // The root commit: paths with a space, a newline and non-ASCII characters.
    bytes += header(id(1), time: 1_700_000_100, subject: "add files")
    bytes += entry("000000 100644 \(zero) \(id(50)) A", path("Dockerfile"), first: true)
    bytes += entry("000000 100644 \(zero) \(id(51)) A", path("src/my file\nnaïve ☃.txt"))
    return bytes
  }()
}

/// Runs `git` in a temporary repository with argument arrays, as `Sources/planner/Git.swift`
/// does, so the parser can be checked against what git really prints.
private struct TemporaryRepository {
  static let git: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") where folder.hasPrefix("/") {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("git")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }()

  static var isGitAvailable: Bool { git != nil }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  let root: URL
  let directory: URL

  /// A new empty repository in its own temporary folder.
  init() throws {
    root = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-git-\(UUID().uuidString)")
    directory = root.appendingPathComponent("repository")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try git("init", "--quiet", "--initial-branch=main")
  }

  /// Another repository in the same temporary folder (for a clone).
  init(sibling name: String, of other: TemporaryRepository) {
    root = other.root
    directory = other.root.appendingPathComponent(name)
  }

  func remove() {
    try? FileManager.default.removeItem(at: root)
  }

  func write(_ path: String, _ content: String) throws {
    let url = directory.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(content.utf8).write(to: url)
  }

  func commit(_ message: String) throws {
    try git("add", "--all")
    try git("commit", "--quiet", "--allow-empty", "--message", message)
  }

  /// Runs git with a fixed identity and dates, no user or system configuration, in `directory`.
  @discardableResult
  func git(_ arguments: String...) throws -> [UInt8] {
    try git(arguments)
  }

  @discardableResult
  func git(_ arguments: [String], in folder: URL? = nil) throws -> [UInt8] {
    guard let git = Self.git else { throw Failure(description: "git is not on PATH") }
    let process = Process()
    process.executableURL = git
    process.arguments =
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
      + arguments
    process.currentDirectoryURL = folder ?? directory
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = root.path
    environment["XDG_CONFIG_HOME"] = root.path
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_AUTHOR_DATE"] = "2024-01-01T00:00:00Z"
    environment["GIT_COMMITTER_DATE"] = "2024-01-01T00:00:00Z"
    process.environment = environment
    let output = Pipe()
    let errorFile = root.appendingPathComponent("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    let errors = try FileHandle(forWritingTo: errorFile)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let bytes = Array(output.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    try? errors.close()
    guard process.terminationStatus == 0 else {
      let message = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
      throw Failure(
        description: "git \(arguments.joined(separator: " ")) failed: \(message)")
    }
    return bytes
  }
}

@Suite("git log parser")
struct GitLogParserTests {
  /// Everything the parser returns for `bytes` fed in one chunk.
  static func parse(_ bytes: [UInt8]) -> ([Commit], [Diagnostic]) {
    var parser = GitLogParser(file: "history.log")
    let first = parser.feed(bytes[...])
    let (rest, diagnostics) = parser.finish()
    return (first + rest, diagnostics)
  }

  /// Everything the parser returns for `bytes` fed in chunks of the given sizes, cycling.
  static func parse(_ bytes: [UInt8], chunkSizes: [Int]) -> ([Commit], [Diagnostic]) {
    var parser = GitLogParser(file: "history.log")
    var commits: [Commit] = []
    var start = 0
    var turn = 0
    while start < bytes.count {
      let size = max(1, chunkSizes.isEmpty ? 1 : chunkSizes[turn % chunkSizes.count])
      let end = min(bytes.count, start + size)
      commits += parser.feed(bytes[start..<end])
      start = end
      turn += 1
    }
    let (rest, diagnostics) = parser.finish()
    return (commits + rest, diagnostics)
  }

  @Test func aRecordedHistoryGivesEveryCommitNewestFirst() {
    let (commits, diagnostics) = Self.parse(Recorded.sample)
    #expect(diagnostics.isEmpty)
    #expect(commits.map(\.id) == [5, 4, 3, 2, 1].map(Recorded.id))
    #expect(commits.map(\.authorTime) == [500, 400, 300, 200, 100].map { 1_700_000_000 + $0 })
    #expect(commits.map(\.changes.count) == [1, 0, 2, 2, 2])
  }

  @Test func aMergeListsItsParentsAndItsDiffAgainstTheFirstParent() throws {
    let merge = try #require(Self.parse(Recorded.sample).0.first)
    #expect(merge.parents == [Recorded.id(4), Recorded.id(9)])
    #expect(merge.isMerge)
    #expect(
      merge.changes == [
        FileChange(
          path: "src/a b.txt", status: .modified, oldMode: 0o100644, newMode: 0o100644,
          oldBlob: Recorded.id(20), newBlob: Recorded.id(21))
      ])
  }

  @Test func aModeChangeKeepsTheBlobAndIsModeOnly() throws {
    let commit = Self.parse(Recorded.sample).0[2]
    let chmod = try #require(commit.changes.first)
    #expect(chmod.path == "run.sh")
    #expect(chmod.oldMode == 0o100644 && chmod.newMode == 0o100755)
    #expect(chmod.oldBlob == chmod.newBlob)
    #expect(chmod.isModeOnly)
    let link = try #require(commit.changes.last)
    #expect(link.status == .typeChanged && link.newMode == 0o120000 && !link.isModeOnly)
  }

  @Test func aSubjectMayHoldTheFieldSeparators() {
    #expect(Self.parse(Recorded.sample).0[2].subject == "mode\u{1E}x\u{1F}y")
  }

  @Test func aRenameIsADeletionPlusAnAddition() {
    let changes = Self.parse(Recorded.sample).0[3].changes
    #expect(changes.map(\.path) == ["package.json", "pkg.json"])
    #expect(changes.map(\.status) == [.deleted, .added])
    #expect(changes[0].newMode == 0 && changes[1].oldMode == 0)
  }

  @Test func aRecordingMadeWithRenameDetectionIsReadAsDeletionsPlusAdditions() {
    var bytes = Recorded.header(Recorded.id(1), subject: "moves")
    bytes += Recorded.entry(
      "100644 100755 \(Recorded.id(7)) \(Recorded.id(8)) R087", Recorded.path("old name"),
      Recorded.path("new name"), first: true)
    bytes += Recorded.entry(
      "100644 100644 \(Recorded.id(7)) \(Recorded.id(7)) C100", Recorded.path("a"),
      Recorded.path("b"))
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(diagnostics.isEmpty)
    #expect(
      commits.first?.changes == [
        FileChange(
          path: "old name", status: .deleted, oldMode: 0o100644, newMode: 0,
          oldBlob: Recorded.id(7), newBlob: Recorded.zero),
        FileChange(
          path: "new name", status: .added, oldMode: 0, newMode: 0o100755,
          oldBlob: Recorded.zero, newBlob: Recorded.id(8)),
        FileChange(
          path: "b", status: .added, oldMode: 0, newMode: 0o100644, oldBlob: Recorded.zero,
          newBlob: Recorded.id(7)),
      ])
  }

  @Test func pathsKeepSpacesNewlinesAndNonASCIICharacters() {
    let root = Self.parse(Recorded.sample).0[4]
    #expect(root.parents.isEmpty)
    #expect(root.changes.map(\.path) == ["Dockerfile", "src/my file\nnaïve ☃.txt"])
    #expect(Array(root.changes[1].path.utf8) == Array("src/my file\nnaïve ☃.txt".utf8))
  }

  @Test func anEmptyInputHasNoCommitsAndNoDiagnostics() {
    let (commits, diagnostics) = Self.parse([])
    #expect(commits.isEmpty && diagnostics.isEmpty)
  }

  @Test func aTrailingNewlineIsIgnored() {
    let (commits, diagnostics) = Self.parse(Recorded.sample + [UInt8(ascii: "\n")])
    #expect(commits.count == 5 && diagnostics.isEmpty)
  }

  @Test func sha256ObjectIDsAreRead() {
    let id = String(repeating: "ab", count: 32)
    let blob = String(repeating: "cd", count: 32)
    let zero = String(repeating: "0", count: 64)
    var bytes = Recorded.header(id, subject: "sha256")
    bytes += Recorded.entry("000000 100644 \(zero) \(blob) A", Recorded.path("f"), first: true)
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(diagnostics.isEmpty)
    #expect(commits.first?.id == id && commits.first?.changes.first?.newBlob == blob)
  }

  @Test func aCommitIsReturnedOnceTheNextHeaderHasBeenRead() {
    var parser = GitLogParser()
    let next = Recorded.sample.firstIndex(of: 0x1E, after: 0) ?? 0
    let nextEnd = Recorded.sample.firstIndex(of: 0, after: next) ?? 0
    #expect(parser.feed(Recorded.sample[..<nextEnd]).isEmpty)
    #expect(parser.feed(Recorded.sample[nextEnd...nextEnd]).map(\.id) == [Recorded.id(5)])
  }

  @Test func theParserCanBeReusedAfterFinishing() {
    var parser = GitLogParser()
    _ = parser.feed(Recorded.sample[...])
    _ = parser.finish()
    let again = parser.feed(Recorded.sample[...]) + parser.finish().0
    #expect(again.count == 5)
  }

  @Test func chunksSplitAtEveryPossibleByteGiveTheSameCommits() {
    let (whole, _) = Self.parse(Recorded.sample)
    for split in 0...Recorded.sample.count {
      var parser = GitLogParser()
      let commits =
        parser.feed(Recorded.sample[..<split]) + parser.feed(Recorded.sample[split...])
        + parser.finish().0
      #expect(commits == whole, "split at \(split)")
    }
  }

  @Test func chunksOfRandomSizesGiveTheSameCommitsAndDiagnostics() async {
    let inputs: [[UInt8]] = [
      Recorded.sample,
      Recorded.sample + Array("garbage\0".utf8) + Recorded.sample,
      Array(Recorded.sample.dropLast(7)),
    ]
    let whole = inputs.map { Self.parse($0) }
    await propertyCheck(
      count: 200, input: Gen.int(in: 0...2), Gen.int(in: 1...97).array(of: 1...40)
    ) { which, sizes in
      let (commits, diagnostics) = Self.parse(inputs[which], chunkSizes: sizes)
      #expect(commits == whole[which].0)
      #expect(diagnostics == whole[which].1)
    }
  }

  @Test func aFieldSplitIntoOneByteChunksTakesLinearTime() {
    // A 300 kB path fed a byte at a time: a parser that rescanned its buffer on every chunk
    // would take minutes here.
    var bytes = Recorded.header(Recorded.id(1), subject: "big")
    let longPath = [UInt8](repeating: UInt8(ascii: "p"), count: 300_000)
    bytes += Recorded.entry(
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) A", longPath, first: true)
    let (commits, diagnostics) = Self.parse(bytes, chunkSizes: [1])
    #expect(diagnostics.isEmpty)
    #expect(commits.first?.changes.first?.path.utf8.count == 300_000)
  }

  // MARK: - Malformed input

  @Test func textThatIsNotARecordedHistoryIsAnErrorNamingTheCommand() {
    let (commits, diagnostics) = Self.parse(Array("commit abc\nAuthor: x\n\n    hello\n".utf8))
    #expect(commits.isEmpty)
    #expect(diagnostics.map(\.severity) == [.warning, .error])
    #expect(diagnostics.last?.message.contains("--diff-merges=first-parent") == true)
    #expect(diagnostics.first?.description.hasPrefix("history.log:1:1: warning:") == true)
  }

  @Test func aMalformedHeaderSkipsOnlyThatCommit() {
    var bytes = Array("\u{1E}nothex\u{1F}\u{1F}1\u{1F}bad\0\n".utf8)
    bytes += Recorded.entry(
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) A", Recorded.path("x"))
    bytes += Recorded.sample
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(commits.count == 5)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.message.hasPrefix("malformed commit header") == true)
  }

  @Test func aMalformedChangeLineLeavesTheWholeCommitOut() {
    var bytes = Recorded.header(Recorded.id(9), subject: "broken")
    bytes += Recorded.entry(
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) A", Recorded.path("ok"), first: true)
    bytes += Recorded.entry("100644 100644 short short M", Recorded.path("x"))
    bytes += Recorded.sample
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(commits.map(\.id) == [5, 4, 3, 2, 1].map(Recorded.id))
    #expect(diagnostics.count == 1)
    let diagnostic = diagnostics.first
    #expect(diagnostic?.message.hasPrefix("malformed change line in commit 000000000000") == true)
    #expect(diagnostic?.severity == .warning)
    // The bad line is the second entry, on the line the header's newline starts.
    #expect(diagnostic?.range.start == SourcePosition(line: 2, column: 103))
  }

  @Test func unknownStatusesAndBadModesAreMalformed() {
    for meta in [
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) Z",
      "000000 100648 \(Recorded.zero) \(Recorded.id(2)) A",
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) A1",
      "000000 100644 \(Recorded.zero) \(Recorded.id(2))",
      "000000 100644 \(Recorded.zero) \(String(repeating: "0", count: 64)) A",
    ] {
      var bytes = Recorded.header(Recorded.id(1), subject: "s")
      bytes += Recorded.entry(meta, Recorded.path("f"), first: true)
      let (commits, diagnostics) = Self.parse(bytes)
      #expect(commits.isEmpty, "\(meta)")
      #expect(diagnostics.contains { $0.message.hasPrefix("malformed change line") }, "\(meta)")
    }
  }

  @Test func aHistoryCutInTheMiddleOfACommitLeavesThatCommitOut() {
    // Cut inside the root commit's last path.
    let (commits, diagnostics) = Self.parse(Array(Recorded.sample.dropLast(3)))
    #expect(commits.count == 4)
    #expect(
      diagnostics.map(\.message) == [
        "the history ends in the middle of commit 000000000000; planner leaves that commit out"
      ])
    // Cut right after a change line, before its path.
    let (early, _) = Self.parse(
      Array(Recorded.sample.prefix { $0 != UInt8(ascii: ":") }) + Array(":000000".utf8))
    #expect(early.count == 0)
  }

  @Test func aHistoryCutInsideAHeaderKeepsTheCommitsBeforeIt() {
    let bytes = Recorded.sample + Array("\u{1E}abc".utf8)
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(commits.count == 5)
    #expect(diagnostics.first?.message.contains("ends in the middle of a commit") == true)
  }

  @Test func invalidUTF8InAPathIsDecodedLossilyAndNoted() {
    var bytes = Recorded.header(Recorded.id(1), subject: "latin-1")
    bytes += Recorded.entry(
      "000000 100644 \(Recorded.zero) \(Recorded.id(2)) A", [0x63, 0x61, 0x66, 0xE9], first: true)
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(commits.first?.changes.first?.path == "caf\u{FFFD}")
    #expect(diagnostics.map(\.severity) == [.note])
    #expect(diagnostics.first?.message.hasPrefix("1 path is not valid UTF-8") == true)
  }

  @Test func manyProblemsAreCappedAndCounted() {
    var bytes: [UInt8] = []
    for _ in 0..<50 { bytes += Array("\u{1E}bad\0".utf8) }
    let (commits, diagnostics) = Self.parse(bytes)
    #expect(commits.isEmpty)
    #expect(diagnostics.count == GitLogParser.diagnosticLimit + 2)
    #expect(diagnostics.dropLast().last?.message == "30 more malformed records not shown")
    #expect(diagnostics.last?.severity == .error)
  }

  @Test func randomBytesNeverTrap() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...600)) { values in
      var bytes = values.map { UInt8($0) }
      // Make the interesting bytes common.
      for index in bytes.indices where bytes[index] % 7 == 0 {
        bytes[index] = [0, 0x1E, 0x1F, UInt8(ascii: ":"), UInt8(ascii: " ")][Int(bytes[index]) % 5]
      }
      let (whole, wholeDiagnostics) = Self.parse(bytes)
      let (chunked, chunkedDiagnostics) = Self.parse(bytes, chunkSizes: [3, 1, 5])
      #expect(whole == chunked)
      #expect(wholeDiagnostics == chunkedDiagnostics)
    }
  }

  @Test func recordsSplicedIntoAValidHistoryNeverTrap() async {
    let pieces: [[UInt8]] = [
      Recorded.header(Recorded.id(1), subject: "a"),
      Recorded.header(Recorded.id(2), parents: [Recorded.id(1)], subject: "b"),
      Recorded.entry(
        "000000 100644 \(Recorded.zero) \(Recorded.id(3)) A", Recorded.path("x"), first: true),
      Recorded.entry("100644 100644 \(Recorded.id(3)) \(Recorded.id(4)) M", Recorded.path("y")),
      Recorded.entry("100644 100644 \(Recorded.id(3)) \(Recorded.id(4)) R100", Recorded.path("y")),
      [0], [UInt8(ascii: "\n")], [0x1E], Array("junk".utf8),
    ]
    await propertyCheck(count: 300, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 0...30)) {
      choice in
      let bytes = choice.flatMap { pieces[$0] }
      let (commits, _) = Self.parse(bytes, chunkSizes: [2, 7])
      #expect(commits.allSatisfy { $0.id.utf8.count == 40 })
    }
  }

  // MARK: - The git command

  @Test func theLogArgumentsAreAnArrayWithEveryOptionPinned() {
    let arguments = GitLogParser.logArguments(commits: 50)
    #expect(
      arguments == [
        "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--no-follow",
        "--root", "--raw", "--no-abbrev", "-z", "--no-color", "--no-show-signature",
        "--encoding=UTF-8", "--format=%x1e%H%x1f%P%x1f%at%x1f%s", "--max-count=50", "--",
      ])
    #expect(
      GitLogParser.logArguments(commits: -3, paths: ["a b", "*.json"]).suffix(4) == [
        "--max-count=0", "--", ":(literal)a b", ":(literal)*.json",
      ])
  }

  @Test(.enabled(if: TemporaryRepository.isGitAvailable))
  func whatGitPrintsForTheLogArgumentsIsRead() throws {
    let repository = try TemporaryRepository()
    defer { repository.remove() }
    let odd = "src/my file\nnaïve ☃.txt"
    try repository.write("Dockerfile", "FROM scratch\n")
    try repository.write("package.json", "{}\n")
    try repository.write("run.sh", "echo hi\n")
    try repository.write(odd, "odd\n")
    try repository.commit("add files\nwith a second line")
    try repository.git("mv", "package.json", "pkg.json")
    try repository.commit("rename")
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o755],
      ofItemAtPath: repository.directory.appendingPathComponent("run.sh").path)
    try repository.commit("chmod")
    try repository.git("checkout", "--quiet", "-b", "side")
    try repository.write(odd, "changed on a branch\n")
    try repository.commit("side")
    try repository.git("checkout", "--quiet", "main")
    try repository.write("Dockerfile", "FROM scratch\nCOPY . .\n")
    try repository.commit("main")
    try repository.git("merge", "--quiet", "--no-ff", "--no-edit", "side")

    let output = try repository.git(GitLogParser.logArguments(commits: 50))
    let (commits, diagnostics) = Self.parse(output, chunkSizes: [13])
    #expect(diagnostics.isEmpty)
    #expect(
      commits.map(\.subject) == [
        "Merge branch 'side'", "main", "chmod", "rename", "add files with a second line",
      ])
    #expect(commits.map(\.parents.count) == [2, 1, 1, 1, 0])
    #expect(commits.map(\.authorTime).allSatisfy { $0 == 1_704_067_200 })

    // The merge against its first parent: only what the branch brought in.
    #expect(commits[0].changes.map(\.path) == [odd])
    #expect(commits[0].changes.map(\.status) == [.modified])
    #expect(commits[2].changes.count == 1 && commits[2].changes[0].isModeOnly)
    #expect(commits[2].changes[0].newMode == 0o100755)
    #expect(commits[3].changes.map(\.path) == ["package.json", "pkg.json"])
    #expect(commits[3].changes.map(\.status) == [.deleted, .added])
    #expect(Set(commits[4].changes.map(\.path)) == ["Dockerfile", "package.json", "run.sh", odd])

    // The window is the last N first-parent commits.
    let two = Self.parse(try repository.git(GitLogParser.logArguments(commits: 2))).0
    #expect(two.map(\.subject) == ["Merge branch 'side'", "main"])
    // Paths limit the commits to those touching them.
    let limited = try repository.git(GitLogParser.logArguments(commits: 50, paths: ["run.sh"]))
    #expect(Self.parse(limited).0.map(\.subject) == ["chmod", "add files with a second line"])

    // The same bytes whatever the user's configuration says.
    let configured = try repository.git(
      [
        "-c", "log.diffMerges=combined", "-c", "diff.renames=copies", "-c", "log.showRoot=false",
        "-c", "color.ui=always", "-c", "core.abbrev=7", "-c", "log.follow=true",
      ]
        + GitLogParser.logArguments(commits: 50))
    #expect(configured == output)

    // A shallow clone: its oldest commit has no parents and seems to add every file.
    let clone = TemporaryRepository(sibling: "clone", of: repository)
    try repository.git(
      [
        "clone", "--quiet", "--depth", "2", "file://\(repository.directory.path)",
        clone.directory.path,
      ],
      in: repository.root)
    #expect(try clone.git("rev-parse", "--is-shallow-repository") == Array("true\n".utf8))
    let shallow = Self.parse(try clone.git(GitLogParser.logArguments(commits: 50))).0
    #expect(shallow.map(\.subject) == ["Merge branch 'side'", "main"])
    #expect(shallow[1].parents.isEmpty)
    #expect(shallow[1].changes.allSatisfy { $0.status == .added })
  }
}

extension Array where Element == UInt8 {
  fileprivate func firstIndex(of byte: UInt8, after index: Int) -> Int? {
    self[(index + 1)...].firstIndex(of: byte)
  }
}
