import Foundation
import Testing

/// Runs `Scripts/action-comment.sh`, the shell of `action.yml`, with a fake `gh` on `PATH` and a
/// fake planner, and checks the exact argument lists it passes to both.
@Suite("GitHub Action comment script")
struct ActionScriptTests {
  static let bash = "/bin/bash"
  static let hasBash = FileManager.default.isExecutableFile(atPath: bash)
  static let skipNote = Comment(rawValue: "skipped: /bin/bash is missing")

  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // PlannerCoreTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()
    .appendingPathComponent("Scripts/action-comment.sh")

  static let listCall = [
    "api", "--paginate", "repos/octo/app/issues/7/comments",
    "--jq", #".[] | select(.body | startswith("<!-- planner -->")) | .id"#,
  ]
  static let postCall = [
    "api", "--method", "POST", "repos/octo/app/issues/7/comments", "-F", "body=@<file>",
  ]
  static func patchCall(_ id: String) -> [String] {
    ["api", "--method", "PATCH", "repos/octo/app/issues/comments/\(id)", "-F", "body=@<file>"]
  }
  static let plannerCall = [
    "comment", "--base", "base0001", "--head", "head0002", "--commits", "50", "--context", ".",
    "--quiet-if-clean", "--", "Dockerfile",
  ]
  static let report = "<!-- planner -->\n**planner**: this pull request adds 40 s a build.\n"

  @Test(.enabled(if: hasBash, skipNote))
  func withNoEarlierCommentItPostsPlannersReport() throws {
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": Self.report])
    #expect(outcome.status == 0)
    #expect(outcome.plannerCalls == [Self.plannerCall])
    #expect(outcome.ghCalls == [Self.listCall, Self.postCall])
    #expect(outcome.postedBody == Self.report)
  }

  @Test(.enabled(if: hasBash, skipNote))
  func withEarlierCommentsItUpdatesTheFirst() throws {
    let outcome = try Self.run([
      "FAKE_PLANNER_OUTPUT": Self.report, "FAKE_GH_EXISTING_IDS": "1001\n1002\n",
    ])
    #expect(outcome.status == 0)
    #expect(outcome.ghCalls == [Self.listCall, Self.patchCall("1001")])
    #expect(outcome.postedBody == Self.report)
    #expect(outcome.standardOutput == "planner: updated comment 1001\n")
  }

  @Test(.enabled(if: hasBash, skipNote))
  func nothingToReportRewritesAnEarlierComment() throws {
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": "", "FAKE_GH_EXISTING_IDS": "1001\n"])
    #expect(outcome.status == 0)
    #expect(outcome.ghCalls == [Self.listCall, Self.patchCall("1001")])
    #expect(
      outcome.postedBody
        == "<!-- planner -->\nplanner: nothing to report for this pull request's Dockerfiles.\n")
  }

  @Test(.enabled(if: hasBash, skipNote))
  func nothingToReportAndNoEarlierCommentPostsNothing() throws {
    // Whitespace alone counts as nothing to report.
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": "\n \n"])
    #expect(outcome.status == 0)
    #expect(outcome.ghCalls == [Self.listCall])
    #expect(outcome.postedBody == nil)
  }

  @Test(.enabled(if: hasBash, skipNote))
  func aFailingPlannerStopsTheScriptWithItsStatus() throws {
    let outcome = try Self.run([
      "FAKE_PLANNER_OUTPUT": "partial", "FAKE_PLANNER_STATUS": "4",
      "FAKE_PLANNER_STDERR": "Dockerfile:3:1: error: unterminated heredoc",
      "FAKE_GH_EXISTING_IDS": "1001\n",
    ])
    #expect(outcome.status == 4)
    #expect(outcome.plannerCalls == [Self.plannerCall])
    #expect(outcome.ghCalls == [])
    #expect(outcome.standardError.contains("Dockerfile:3:1: error: unterminated heredoc\n"))
    #expect(outcome.standardError.contains("planner comment failed with exit status 4"))
  }

  /// Status 1 is findings at or above a configured `--fail-level`, with a complete report.
  @Test(.enabled(if: hasBash, skipNote))
  func findingsAtTheFailLevelArePostedAndThenFailTheStep() throws {
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": Self.report, "FAKE_PLANNER_STATUS": "1"])
    #expect(outcome.status == 1)
    #expect(outcome.ghCalls == [Self.listCall, Self.postCall])
    #expect(outcome.postedBody == Self.report)
    #expect(outcome.standardError.contains("at or above the configured --fail-level"))
  }

  @Test(.enabled(if: hasBash, skipNote))
  func aFailingGhFailsTheScript() throws {
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": Self.report, "FAKE_GH_STATUS": "1"])
    #expect(outcome.status != 0)
    #expect(outcome.ghCalls == [Self.listCall])
  }

  @Test(.enabled(if: hasBash, skipNote))
  func quietIfCleanFalseLeavesTheFlagOut() throws {
    let outcome = try Self.run([
      "FAKE_PLANNER_OUTPUT": "<!-- planner -->\nplanner: nothing to report.\n",
      "QUIET_IF_CLEAN": "false", "DOCKERFILES": "",
    ])
    #expect(outcome.status == 0)
    // An empty DOCKERFILES means planner's default, Dockerfile.
    #expect(outcome.plannerCalls == [Self.plannerCall.filter { $0 != "--quiet-if-clean" }])
    #expect(outcome.ghCalls == [Self.listCall, Self.postCall])
  }

  @Test(.enabled(if: hasBash, skipNote))
  func dockerfilesAreSplitOnWhitespaceAndNeverGlobbed() throws {
    // A file matches the glob in the working folder: the pattern must still reach planner as is.
    let outcome = try Self.run(
      [
        "FAKE_PLANNER_OUTPUT": Self.report,
        "DOCKERFILES": "  web/Dockerfile\tapi/*.Dockerfile\n-odd.Dockerfile  \n",
      ],
      workspaceFiles: ["api/one.Dockerfile"])
    #expect(outcome.status == 0)
    #expect(
      outcome.plannerCalls.first?.suffix(4)
        == ["--", "web/Dockerfile", "api/*.Dockerfile", "-odd.Dockerfile"])
  }

  /// A documented limitation: names are separated by whitespace, so a name cannot contain it.
  @Test(.enabled(if: hasBash, skipNote))
  func aNameWithASpaceBecomesTwoNames() throws {
    let outcome = try Self.run(["FAKE_PLANNER_OUTPUT": "", "DOCKERFILES": "my Dockerfile"])
    #expect(outcome.plannerCalls.first?.suffix(3) == ["--", "my", "Dockerfile"])
  }

  @Test(.enabled(if: hasBash, skipNote))
  func oddCharactersStayInsideOneArgument() throws {
    let repository = "o w/n*;$(touch pwned)`id`"
    let outcome = try Self.run([
      "FAKE_PLANNER_OUTPUT": Self.report, "FAKE_GH_EXISTING_IDS": "9 9\n",
      "REPOSITORY": repository, "PR_NUMBER": "7 8", "BASE_SHA": "a b", "HEAD_SHA": "-c d",
      "CONTEXT": "my context", "COMMITS": "5 0",
    ])
    #expect(outcome.status == 0)
    #expect(
      outcome.plannerCalls == [
        [
          "comment", "--base", "a b", "--head", "-c d", "--commits", "5 0", "--context",
          "my context", "--quiet-if-clean", "--", "Dockerfile",
        ]
      ])
    #expect(
      outcome.ghCalls == [
        ["api", "--paginate", "repos/\(repository)/issues/7 8/comments"]
          + Self.listCall.suffix(2),
        [
          "api", "--method", "PATCH", "repos/\(repository)/issues/comments/9 9", "-F",
          "body=@<file>",
        ],
      ])
    #expect(!outcome.workspaceFiles.contains("pwned"))
  }

  @Test(
    .enabled(if: hasBash, skipNote),
    arguments: [
      ["PLANNER": ""], ["PR_NUMBER": ""], ["REPOSITORY": ""], ["BASE_SHA": ""], ["HEAD_SHA": ""],
      ["QUIET_IF_CLEAN": "yes"],
    ])
  func aMissingOrInvalidSettingStopsBeforeAnyCall(setting: [String: String]) throws {
    let outcome = try Self.run(setting.merging(["FAKE_PLANNER_OUTPUT": Self.report]) { $1 })
    #expect(outcome.status == 2)
    #expect(outcome.plannerCalls == [])
    #expect(outcome.ghCalls == [])
    #expect(outcome.standardError.hasPrefix("action-comment.sh: "))
  }

  // MARK: - Running the script

  /// What one run of the script did.
  struct Outcome {
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// Each call's arguments; a `body=@FILE` argument reads `body=@<file>`.
    var ghCalls: [[String]]
    var plannerCalls: [[String]]
    /// The body file's content, as gh read it when creating or updating the comment.
    var postedBody: String?
    /// The files in the working folder after the run.
    var workspaceFiles: [String]
  }

  static let separator = "--- end of call ---"

  /// Records its arguments; lists `FAKE_GH_EXISTING_IDS` for the listing call, saves the body it
  /// is given; exits with `FAKE_GH_STATUS`.
  static let fakeGh = """
    #!/bin/bash
    { printf '%s\\n' "$@"; printf '%s\\n' '\(separator)'; } >>"$FAKE_GH_LOG"
    [ "${FAKE_GH_STATUS:-0}" = 0 ] || exit "$FAKE_GH_STATUS"
    for argument in "$@"; do
      case "$argument" in
        body=@*)
          printf '%s\\n' "${argument#body=@}" >>"$FAKE_GH_BODY_PATHS"
          cat -- "${argument#body=@}" >"$FAKE_GH_BODY"
          ;;
      esac
    done
    if [ "$2" = --paginate ]; then printf '%s' "${FAKE_GH_EXISTING_IDS:-}"; else echo '{}'; fi

    """

  /// Records its arguments, prints `FAKE_PLANNER_OUTPUT` and `FAKE_PLANNER_STDERR`, and exits
  /// with `FAKE_PLANNER_STATUS`.
  static let fakePlanner = """
    #!/bin/bash
    { printf '%s\\n' "$@"; printf '%s\\n' '\(separator)'; } >>"$FAKE_PLANNER_LOG"
    printf '%s' "${FAKE_PLANNER_OUTPUT:-}"
    [ -z "${FAKE_PLANNER_STDERR:-}" ] || printf '%s\\n' "$FAKE_PLANNER_STDERR" >&2
    exit "${FAKE_PLANNER_STATUS:-0}"

    """

  /// Runs the script in a fresh folder with a fresh environment: the defaults below, then
  /// `settings`. It also checks that the script left no temporary file behind.
  static func run(
    _ settings: [String: String], workspaceFiles: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Outcome {
    let manager = FileManager.default
    let root = manager.temporaryDirectory
      .appendingPathComponent("planner-action-\(UUID().uuidString)")
    defer { try? manager.removeItem(at: root) }
    let bin = root.appendingPathComponent("bin")
    let scratch = root.appendingPathComponent("tmp")
    let workspace = root.appendingPathComponent("workspace")
    let logs = root.appendingPathComponent("logs")
    for folder in [bin, scratch, workspace, logs] {
      try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    for file in workspaceFiles {
      let url = workspace.appendingPathComponent(file)
      try manager.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data("FROM scratch\n".utf8).write(to: url)
    }
    let gh = bin.appendingPathComponent("gh")
    let planner = root.appendingPathComponent("fake-planner")
    for (url, text) in [(gh, fakeGh), (planner, fakePlanner)] {
      try Data(text.utf8).write(to: url)
      try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    var environment = [
      "PATH": "\(bin.path):/usr/local/bin:/usr/bin:/bin",
      "HOME": root.path,
      "TMPDIR": scratch.path,
      "PLANNER": planner.path,
      "PR_NUMBER": "7",
      "REPOSITORY": "octo/app",
      "BASE_SHA": "base0001",
      "HEAD_SHA": "head0002",
      "COMMITS": "50",
      "CONTEXT": ".",
      "DOCKERFILES": "Dockerfile",
      "QUIET_IF_CLEAN": "true",
      "GH_TOKEN": "not-a-token",
      "FAKE_GH_LOG": logs.appendingPathComponent("gh").path,
      "FAKE_GH_BODY": logs.appendingPathComponent("body").path,
      "FAKE_GH_BODY_PATHS": logs.appendingPathComponent("body-paths").path,
      "FAKE_PLANNER_LOG": logs.appendingPathComponent("planner").path,
    ]
    environment.merge(settings) { $1 }

    let standardOutput = logs.appendingPathComponent("stdout")
    let standardError = logs.appendingPathComponent("stderr")
    manager.createFile(atPath: standardOutput.path, contents: nil)
    manager.createFile(atPath: standardError.path, contents: nil)
    let outputHandle = try FileHandle(forWritingTo: standardOutput)
    let errorHandle = try FileHandle(forWritingTo: standardError)
    defer {
      try? outputHandle.close()
      try? errorHandle.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bash)
    process.arguments = [script.path]
    process.environment = environment
    process.currentDirectoryURL = workspace
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = outputHandle
    process.standardError = errorHandle
    try process.run()
    process.waitUntilExit()

    func text(_ name: String) -> String? {
      try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)
    }
    // Every body file gh read lay in the script's temporary folder, which is gone now.
    let bodyPaths = text("body-paths")?.split(separator: "\n").map(String.init) ?? []
    for path in bodyPaths {
      #expect(path.hasPrefix(scratch.path + "/"), sourceLocation: sourceLocation)
    }
    let leftovers = try manager.contentsOfDirectory(atPath: scratch.path)
    #expect(leftovers == [], "temporary files left behind", sourceLocation: sourceLocation)

    return Outcome(
      status: process.terminationStatus,
      standardOutput: text("stdout") ?? "",
      standardError: text("stderr") ?? "",
      ghCalls: calls(text("gh")).map { call in
        call.map { $0.hasPrefix("body=@") ? "body=@<file>" : $0 }
      },
      plannerCalls: calls(text("planner")),
      postedBody: text("body"),
      workspaceFiles: try manager.contentsOfDirectory(atPath: workspace.path).sorted())
  }

  /// Splits a fake's log into its calls.
  static func calls(_ log: String?) -> [[String]] {
    guard let log else { return [] }
    var calls: [[String]] = []
    var current: [String] = []
    for line in log.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if line == separator {
        calls.append(current)
        current = []
      } else {
        current.append(String(line))
      }
    }
    return calls
  }
}
