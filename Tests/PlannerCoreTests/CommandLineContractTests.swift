import Foundation
import Testing

@testable import PlannerCore

private let builtPlanner = SharedCorpus.repositoryRoot.appendingPathComponent(
  ".build/debug/planner")

/// The promises the `planner` executable makes to scripts and CI: exit statuses, where
/// configuration comes from, the CI formats, shell completion and `planner comment` in a real
/// git repository. Each test runs the built executable (`swift build` first; skipped without
/// it) in its own temporary folder.
@Suite(
  "Command-line contract",
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: builtPlanner.path),
    "needs .build/debug/planner: run 'swift build' first (make test does)"))
struct CommandLineContractTests {
  static let executable = builtPlanner

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// A fresh temporary folder holding `files` (relative paths to contents).
  final class Folder {
    let url: URL

    init(_ files: [String: String] = [:]) throws {
      url = FileManager.default.temporaryDirectory
        .appendingPathComponent("planner-cli-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      try write(files)
    }

    func write(_ files: [String: String]) throws {
      for (path, content) in files {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(
          at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: file)
      }
    }

    deinit { try? FileManager.default.removeItem(at: url) }
  }

  /// Runs `program` with an argument array in `folder`. Output goes through files, so that a
  /// full pipe can never block the child. Git's own variables are left out of the environment.
  @discardableResult
  static func run(_ program: URL, _ arguments: [String], in folder: URL) throws -> Run {
    let outputs = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-cli-output-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outputs) }
    let stdoutURL = outputs.appendingPathComponent("stdout")
    let stderrURL = outputs.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stdout = try FileHandle(forWritingTo: stdoutURL)
    let stderr = try FileHandle(forWritingTo: stderrURL)
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    try stdout.close()
    try stderr.close()
    return Run(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
  }

  @discardableResult
  static func planner(_ arguments: [String], in folder: Folder) throws -> Run {
    try run(executable, arguments, in: folder.url)
  }

  // MARK: Fixtures

  /// `COPY . .` before `RUN npm ci`: a PL102 move and hygiene findings.
  static let wholeCopyFirst = """
    FROM node:22
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "src/index.js"]

    """

  static let manifestFirst = """
    FROM node:22
    WORKDIR /app
    COPY package.json ./
    RUN npm ci
    COPY . .
    CMD ["node", "src/index.js"]

    """

  static let context = [
    "package.json": #"{"name": "app"}"# + "\n", "src/index.js": "console.log(1)\n",
    "README.md": "# app\n",
  ]

  static func nodeFolder(_ dockerfile: String = wholeCopyFirst, extra: [String: String] = [:])
    throws -> Folder
  {
    try Folder(context.merging(["Dockerfile": dockerfile]) { $1 }.merging(extra) { $1 })
  }

  // MARK: Exit statuses

  @Test func aRunWithoutAFailLevelExitsZero() throws {
    let folder = try Self.nodeFolder()
    let run = try Self.planner(["suggest"], in: folder)
    #expect(run.status == 0)
    #expect(run.stdout.contains("PL102"))
    #expect(try Self.planner(["rules"], in: folder).status == 0)
  }

  @Test func findingsAtTheFailLevelExitOne() throws {
    let folder = try Self.nodeFolder()
    let note = try Self.planner(["suggest", "--fail-level", "note"], in: folder)
    #expect(note.status == 1)
    #expect(!note.stdout.isEmpty)
    #expect(try Self.planner(["suggest", "--fail-level", "warning"], in: folder).status == 1)
    // No finding of this file is an error.
    #expect(try Self.planner(["suggest", "--fail-level", "error"], in: folder).status == 0)
    #expect(try Self.planner(["suggest", "--fail-level", "none"], in: folder).status == 0)
  }

  @Test func strictExitsOneWhenTheSavingIsAboveTheThreshold() throws {
    let folder = try Self.nodeFolder()
    #expect(try Self.planner(["suggest", "--strict"], in: folder).status == 1)
    #expect(
      try Self.planner(["suggest", "--strict", "--min-saving", "99.9"], in: folder).status == 0)
    // A file with nothing to move passes --strict.
    let clean = try Self.nodeFolder(
      Self.manifestFirst, extra: [".dockerignore": "*.md\n.git\n"])
    let run = try Self.planner(["suggest", "--strict", "--min-saving", "0"], in: clean)
    #expect(run.status == 0, "\(run.stdout)")
  }

  @Test func theConfigurationsMinSavingAppliesUnlessTheFlagOverridesIt() throws {
    let folder = try Self.nodeFolder(extra: [".planner.json": #"{"minSaving": 99.9}"#])
    #expect(try Self.planner(["suggest", "--strict"], in: folder).status == 0)
    #expect(try Self.planner(["suggest", "--strict", "--min-saving", "1"], in: folder).status == 1)
  }

  @Test(
    "usage errors exit 2",
    arguments: [
      (["suggest", "--commits", "0"], "Error: --commits must be at least 1."),
      (["suggest", "--bogus"], "Error: Unknown option '--bogus'"),
      (
        ["suggest", "--config", "x.json", "--no-config"],
        "Error: Give either --config or --no-config, not both."
      ),
      (
        ["suggest", "--fail-level", "warn"], "Error: The value 'warn' is invalid for '--fail-level"
      ),
      (["nosuchcommand"], "Error: Unexpected argument 'nosuchcommand'"),
    ])
  func usageErrorsExitTwo(arguments: [String], message: String) throws {
    let folder = try Self.nodeFolder()
    let run = try Self.planner(arguments, in: folder)
    #expect(run.status == 2)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
  }

  @Test func aMissingDockerfileExitsThree() throws {
    let folder = try Self.nodeFolder()
    let run = try Self.planner(["suggest", "nosuch/Dockerfile"], in: folder)
    #expect(run.status == 3)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr == "planner: error: cannot read 'nosuch/Dockerfile': no such file or directory\n")
    let folderAsFile = try Self.planner(["suggest", "src"], in: folder)
    #expect(folderAsFile.status == 3)
    #expect(folderAsFile.stderr == "planner: error: cannot read 'src': is a directory\n")
  }

  @Test func aDockerfileSyntaxErrorExitsFour() throws {
    let folder = try Self.nodeFolder("FROM node:22\nENV PATH\nRUN npm ci\n")
    let run = try Self.planner(["suggest"], in: folder)
    #expect(run.status == 4)
    #expect(run.stderr == "Dockerfile:2:1: error: ENV must have two arguments\n")
    let heredoc = try Self.nodeFolder("FROM node:22\nRUN <<EOF\necho\n")
    let unterminated = try Self.planner(["suggest", "--format", "json"], in: heredoc)
    #expect(unterminated.status == 4)
    #expect(unterminated.stderr.hasPrefix("Dockerfile:2:1: error: unterminated heredoc"))
  }

  // MARK: Configuration

  @Test func aBrokenConfigurationFoundAboveTheDockerfileExitsTwo() throws {
    let folder = try Self.nodeFolder(
      extra: [
        "services/api/Dockerfile": Self.wholeCopyFirst,
        ".planner.json": "{\n  \"comits\": 5\n}\n",
      ])
    let run = try Self.planner(["suggest", "services/api/Dockerfile"], in: folder)
    #expect(run.status == 2)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr == ".planner.json:2:3: error: unknown key 'comits' (did you mean 'commits'?)\n")

    // The nearest file wins: one next to the Dockerfile hides the broken one above.
    try folder.write(["services/api/.planner.json": #"{"commits": 0}"#])
    let nearer = try Self.planner(["suggest", "services/api/Dockerfile"], in: folder)
    #expect(nearer.status == 2)
    #expect(
      nearer.stderr
        == "services/api/.planner.json:1:13: error: 'commits' must be a whole number of commits, 1 or more\n"
    )

    let ignored = try Self.planner(
      ["suggest", "--no-config", "services/api/Dockerfile"], in: folder)
    #expect(ignored.status == 0)
    #expect(ignored.stderr.contains("error") == false)
  }

  @Test func theConfigurationSearchCleansThePathAndStopsAtTheRepositorysTop() throws {
    let folder = try Folder([
      "repo/Dockerfile": Self.wholeCopyFirst, "repo/package.json": #"{"name": "app"}"#,
      "repo/sub/notes.txt": "", ".planner.json": "{\n  \"comits\": 5\n}\n",
    ])
    // `repo/sub/..` is `repo`: the search goes up from there and finds the broken file above.
    let above = try Self.planner(
      ["suggest", "--context", "repo", "repo/sub/../Dockerfile"], in: folder)
    #expect(above.status == 2)
    #expect(
      above.stderr == ".planner.json:2:3: error: unknown key 'comits' (did you mean 'commits'?)\n")
    // A `.git` in `repo` makes it a repository's top, where the search stops.
    try FileManager.default.createDirectory(
      at: folder.url.appendingPathComponent("repo/.git"), withIntermediateDirectories: true)
    let stopped = try Self.planner(
      ["suggest", "--context", "repo", "repo/sub/../Dockerfile"], in: folder)
    #expect(stopped.status == 0, "\(stopped.stderr)")
    #expect(stopped.stdout.contains("PL102"))
  }

  @Test func aConfigurationNamedWithConfigIsRead() throws {
    let folder = try Self.nodeFolder(extra: ["ci/planner.json": #"{"failLevel": 3}"#])
    let run = try Self.planner(["suggest", "--config", "ci/planner.json"], in: folder)
    #expect(run.status == 2)
    #expect(
      run.stderr == "ci/planner.json:1:15: error: 'failLevel' must be a string, not a number\n")
    let missing = try Self.planner(["suggest", "--config", "ci/none.json"], in: folder)
    #expect(missing.status == 2)
  }

  @Test func theConfigurationsFailLevelAppliesUnlessTheFlagOverridesIt() throws {
    let folder = try Self.nodeFolder(extra: [".planner.json": #"{"failLevel": "note"}"#])
    #expect(try Self.planner(["suggest"], in: folder).status == 1)
    #expect(try Self.planner(["suggest", "--fail-level", "none"], in: folder).status == 0)
    #expect(try Self.planner(["suggest", "--no-config"], in: folder).status == 0)
  }

  @Test func aRuleDisabledInTheConfigurationIsNotProposed() throws {
    let folder = try Self.nodeFolder()
    let before = try Self.planner(["suggest", "--format", "github"], in: folder)
    #expect(before.stdout.contains("title=PL102 "))
    let beforeDiff = try Self.planner(["suggest", "--format", "diff"], in: folder)
    #expect(beforeDiff.stdout.contains("+COPY package.json ./\n"))

    try folder.write([".planner.json": #"{"disable": ["PL102"]}"#])
    let after = try Self.planner(["suggest", "--format", "github"], in: folder)
    #expect(after.status == 0)
    #expect(!after.stdout.contains("PL102"))
    #expect(after.stdout.contains("title=PL304 "))
    let afterDiff = try Self.planner(["suggest", "--format", "diff"], in: folder)
    #expect(afterDiff.stdout.isEmpty)
  }

  // MARK: Formats

  @Test func rulesAsJSONListsEveryRule() throws {
    let folder = try Folder()
    let run = try Self.planner(["rules", "--format", "json"], in: folder)
    #expect(run.status == 0)
    let rules = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
    #expect(rules?.compactMap { $0["id"] as? String } == RuleCatalog.all.map(\.id))
    #expect(rules?.first?["name"] as? String == RuleCatalog.all.first?.name)
  }

  @Test func sarifForTwoFilesIsOneDocument() throws {
    let folder = try Self.nodeFolder(extra: ["web/Dockerfile": Self.wholeCopyFirst])
    let run = try Self.planner(
      ["suggest", "--format", "sarif", "Dockerfile", "web/Dockerfile"], in: folder)
    #expect(run.status == 0)
    let log = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    #expect(log["version"] as? String == "2.1.0")
    let runs = try #require(log["runs"] as? [[String: Any]])
    #expect(runs.count == 1)
    let results = try #require(runs.first?["results"] as? [[String: Any]])
    let files = Set(
      results.compactMap { result -> String? in
        let locations = result["locations"] as? [[String: Any]]
        let physical = locations?.first?["physicalLocation"] as? [String: Any]
        return (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String
      })
    #expect(files == ["Dockerfile", "web/Dockerfile"])
    let moves = results.filter { $0["ruleId"] as? String == "PL102" }
    #expect(moves.count == 2)
  }

  @Test func githubAnnotationsAreWorkflowCommands() throws {
    let folder = try Self.nodeFolder(extra: ["web/Dockerfile": Self.wholeCopyFirst])
    let run = try Self.planner(
      ["suggest", "--format", "github", "Dockerfile", "web/Dockerfile"], in: folder)
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.count >= 2)
    #expect(lines.allSatisfy { $0.hasPrefix("::") })
    #expect(lines.contains { $0.hasPrefix("::warning file=Dockerfile,line=3,") })
    #expect(lines.contains { $0.hasPrefix("::warning file=web/Dockerfile,line=3,") })
    #expect(run.stdout.hasSuffix("\n"))
  }

  /// A subcommand named first is parsed on its own (`parseNamedSubcommand`); help, usage errors
  /// and version requests still go through the root, so their text names the whole command.
  @Test func subcommandMessagesNameTheWholeCommand() throws {
    let folder = try Self.nodeFolder()
    let help = try Self.planner(["suggest", "--help"], in: folder)
    #expect(help.status == 0)
    #expect(help.stdout.contains("USAGE: planner suggest"))
    let unknown = try Self.planner(["suggest", "--no-such-flag"], in: folder)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("Usage: planner suggest"))
    let invalid = try Self.planner(["suggest", "--min-saving=-1"], in: folder)
    #expect(invalid.status == 2)
    #expect(invalid.stderr.contains("--min-saving must be a percentage"))
    let version = try Self.planner(["--version"], in: folder)
    #expect(version.stdout == "0.1.0\n")
    let completion = try Self.planner(
      ["suggest", "--generate-completion-script", "bash"], in: folder)
    #expect(completion.status == 0)
    #expect(completion.stdout.contains("_planner"))
  }

  @Test func theBashCompletionKnowsTheNewCommandAndFlags() throws {
    let folder = try Folder()
    let run = try Self.planner(["--generate-completion-script", "bash"], in: folder)
    #expect(run.status == 0)
    #expect(run.stdout.contains("comment"))
    #expect(run.stdout.contains("--fail-level"))
    #expect(run.stdout.contains("--quiet-if-clean"))
    #expect(run.stdout.contains("--no-config"))
  }

  // MARK: planner comment

  static let gitPath = ["/usr/bin/git", "/usr/local/bin/git", "/opt/homebrew/bin/git"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  static func git(_ arguments: [String], in folder: Folder) throws {
    guard let gitPath else { throw Failure(description: "git is not installed") }
    let run = try run(
      URL(fileURLWithPath: gitPath),
      ["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false"] + arguments,
      in: folder.url)
    guard run.status == 0 else {
      throw Failure(description: "git \(arguments) failed: \(run.stderr)")
    }
  }

  /// `main`: a manifest-first Node Dockerfile and 8 commits editing sources; `pr`, branched
  /// from it: one commit that moves `COPY . .` above `RUN npm ci`.
  static func pullRequestRepository() throws -> Folder {
    let folder = try nodeFolder(manifestFirst)
    try git(["init", "-q"], in: folder)
    try git(["symbolic-ref", "HEAD", "refs/heads/main"], in: folder)
    try git(["add", "-A"], in: folder)
    try git(["commit", "-q", "-m", "base"], in: folder)
    for index in 1...8 {
      try folder.write([
        "src/index.js": "console.log(\(index))\n", "src/util\(index % 3).js": "// \(index)\n",
      ])
      try git(["add", "-A"], in: folder)
      try git(["commit", "-q", "-m", "edit \(index)"], in: folder)
    }
    try git(["checkout", "-q", "-b", "pr"], in: folder)
    try folder.write([
      "Dockerfile": """
      FROM node:22
      WORKDIR /app
      COPY package.json ./
      COPY . .
      RUN npm ci
      CMD ["node", "src/index.js"]

      """
    ])
    try git(["commit", "-q", "-a", "-m", "copy everything first"], in: folder)
    return folder
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentSaysThePullRequestAddsRebuildTimeAndSuggestsTheFix() throws {
    let repository = try Self.pullRequestRepository()
    let run = try Self.planner(
      ["comment", "--base", "main", "--head", "pr", "--commits", "20"], in: repository)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("<!-- planner -->\n"))
    let headline = run.stdout.split(separator: "\n").first { $0.hasPrefix("**") }
    #expect(headline?.hasPrefix("**`Dockerfile`: this pull request adds ") == true)
    #expect(headline?.contains(" of rebuild time** over the last 9 commits of `main`") == true)
    #expect(run.stdout.contains("```suggestion\n"))
    #expect(run.stdout.contains("RUN npm ci\nCOPY . .\n```"))
    // Diagnostics stay on stderr.
    #expect(!run.stdout.contains("warning:"))
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentWithNothingToReportIsOneLineOrNothing() throws {
    let repository = try Self.pullRequestRepository()
    let run = try Self.planner(
      ["comment", "--base", "pr", "--head", "pr", "--commits", "20"], in: repository)
    #expect(run.status == 0)
    #expect(
      run.stdout == """
        <!-- planner -->
        planner: nothing to report. This pull request's Dockerfile changes keep rebuild time \
        the same over the last 10 commits of `pr`, and planner has nothing to propose for them.

        """)
    let quiet = try Self.planner(
      ["comment", "--base", "pr", "--head", "pr", "--commits", "20", "--quiet-if-clean"],
      in: repository)
    #expect(quiet.status == 0)
    #expect(quiet.stdout.isEmpty)
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentReadsTheWindowFromTheConfigurationUnlessTheFlagGivesIt() throws {
    let repository = try Self.pullRequestRepository()
    try repository.write([".planner.json": #"{"commits": 4}"#])
    let configured = try Self.planner(
      ["comment", "--base", "main", "--head", "pr"], in: repository)
    #expect(configured.status == 0)
    #expect(configured.stdout.contains(" over the last 4 commits of `main` "))
    let flagged = try Self.planner(
      ["comment", "--base", "main", "--head", "pr", "--commits", "6"], in: repository)
    #expect(flagged.stdout.contains(" over the last 6 commits of `main` "))

    try repository.write([".planner.json": "{\"commits\": 4,}"])
    let broken = try Self.planner(["comment", "--base", "main", "--head", "pr"], in: repository)
    #expect(broken.status == 2)
    #expect(broken.stdout.isEmpty)
    #expect(broken.stderr == ".planner.json:1:15: error: expected a quoted key in an object\n")
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentOnAnUnknownRevisionIsAUsageError() throws {
    let repository = try Self.pullRequestRepository()
    let run = try Self.planner(["comment", "--base", "nosuchrev", "--head", "pr"], in: repository)
    #expect(run.status == 2)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr == "planner: error: cannot read 'nosuchrev': not a commit\n")
  }

  // MARK: Found by review

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentMeasuresFromTheMergeBaseNotTheBaseTip() throws {
    // The pull request only adds a note; meanwhile main changes its Dockerfile. Nothing of
    // that is the pull request's doing.
    let repository = try Self.pullRequestRepository()
    try Self.git(["checkout", "-q", "-b", "notes", "main"], in: repository)
    try repository.write(["NOTES.txt": "notes\n"])
    try Self.git(["add", "-A"], in: repository)
    try Self.git(["commit", "-q", "-m", "notes"], in: repository)
    try Self.git(["checkout", "-q", "main"], in: repository)
    try repository.write(["Dockerfile": Self.wholeCopyFirst])
    try Self.git(["commit", "-q", "-a", "-m", "main moves on"], in: repository)
    let run = try Self.planner(
      ["comment", "--base", "main", "--head", "notes", "--commits", "20"], in: repository)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("<!-- planner -->\nplanner: nothing to report."))
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentOnAPullRequestThatRemovesTheDockerfileSaysSo() throws {
    let repository = try Self.pullRequestRepository()
    try Self.git(["checkout", "-q", "-b", "gone", "main"], in: repository)
    try Self.git(["rm", "-q", "Dockerfile"], in: repository)
    try Self.git(["commit", "-q", "-m", "no container"], in: repository)
    let run = try Self.planner(
      ["comment", "--base", "main", "--head", "gone", "--commits", "20"], in: repository)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout == "<!-- planner -->\nplanner: `Dockerfile` is removed by this pull request.\n")
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aCommentFailsAtItsFailLevelAfterPrintingTheComment() throws {
    let repository = try Self.pullRequestRepository()
    let run = try Self.planner(
      ["comment", "--base", "main", "--head", "pr", "--fail-level", "warning"], in: repository)
    #expect(run.status == 1)
    #expect(run.stdout.hasPrefix("<!-- planner -->\n### planner: rebuild time"))
    let clean = try Self.planner(
      ["comment", "--base", "pr", "--head", "pr", "--fail-level", "note"], in: repository)
    #expect(clean.status == 0)
  }

  @Test func aFolderGivenAsTheDockerfileExitsThree() throws {
    let folder = try Self.nodeFolder()
    for argument in [".", "./"] {
      let run = try Self.planner(["suggest", argument], in: folder)
      #expect(run.status == 3, "\(argument): \(run.stderr)")
      #expect(run.stderr.contains("is a directory"))
    }
  }

  @Test func anUnknownTargetIsAnErrorNotAnEmptyReport() throws {
    let folder = try Self.nodeFolder()
    let run = try Self.planner(["suggest", "--target", "nope"], in: folder)
    #expect(run.status == 4)
    #expect(run.stderr.contains("Dockerfile:1:1: error: target stage \"nope\" could not be found"))
  }

  @Test func jsonForSeveralFilesIsOneArray() throws {
    let folder = try Self.nodeFolder(extra: ["Other.Dockerfile": Self.manifestFirst])
    let run = try Self.planner(
      ["suggest", "--format", "json", "Dockerfile", "Other.Dockerfile"], in: folder)
    #expect(run.status == 0)
    let reports = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
    #expect(reports?.compactMap { $0["file"] as? String } == ["Dockerfile", "Other.Dockerfile"])
    // One file stays one object, as the contract says.
    let single = try Self.planner(["suggest", "--format", "json"], in: folder)
    #expect(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) is [String: Any])
  }

  @Test func aDockerfileBuildKitRejectsIsAFindingInTheCIFormats() throws {
    let folder = try Self.nodeFolder(extra: ["bad.Dockerfile": "FROM alpine\nRUN <<EOF\n"])
    let run = try Self.planner(
      ["suggest", "--format", "github", "Dockerfile", "bad.Dockerfile"], in: folder)
    #expect(run.status == 4)
    #expect(
      run.stdout.contains(
        "::error file=bad.Dockerfile,line=2,endLine=2,col=1,title=PL001 dockerfile-error::"))
  }

  @Test func standardInputCanBeReadOnce() throws {
    let folder = try Self.nodeFolder()
    let run = try Self.planner(["suggest", "-", "-"], in: folder)
    #expect(run.status == 2)
  }

  @Test(.enabled(if: gitPath != nil, "needs git"))
  func aBaseGivenAsACommitIdIsShownShort() throws {
    // The Action passes the base as a full commit id.
    let repository = try Self.pullRequestRepository()
    guard let gitPath = Self.gitPath else { return }
    let id = try Self.run(URL(fileURLWithPath: gitPath), ["rev-parse", "main"], in: repository.url)
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 40)
    let run = try Self.planner(["comment", "--base", id, "--head", "pr"], in: repository)
    #expect(run.status == 0)
    #expect(run.stdout.contains(" commits of `\(id.prefix(7))` ("))
    #expect(!run.stdout.contains(id))
  }

  @Test func severalFilesReadInParallelReportInTheGivenOrderEveryTime() throws {
    // Files are read in parallel; reports and warnings still come in the order given.
    var files: [String: String] = [:]
    let names = (1...8).map { "f\($0).Dockerfile" }
    for (index, name) in names.enumerated() {
      files[name] =
        index % 2 == 0
        ? Self.wholeCopyFirst : "FROM alpine\n# planner ingore=PL303\nRUN apk add curl\n"
    }
    let folder = try Self.nodeFolder(extra: files)
    let order = Array(names.reversed())
    let first = try Self.planner(["suggest", "--format", "json"] + order, in: folder)
    let second = try Self.planner(["suggest", "--format", "json"] + order, in: folder)
    #expect(first.status == 0)
    #expect(first.stdout == second.stdout && first.stderr == second.stderr)
    let reports =
      try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [[String: Any]]
    #expect(reports?.compactMap { $0["file"] as? String } == order)
    let warned = first.stderr.split(separator: "\n").compactMap { $0.split(separator: ":").first }
    #expect(warned == order.filter { names.firstIndex(of: $0)! % 2 == 1 }.map { Substring($0) })
  }
}
