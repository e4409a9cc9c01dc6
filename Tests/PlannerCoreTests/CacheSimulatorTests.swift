import Foundation
import Testing

@testable import PlannerCore

/// The cache rules of `buildkit-cache-model.md`, one at a time, on histories written in the test.
/// Each expectation lists the steps of one build as `line:status` (c cached, r rebuilt, s
/// skipped), so that a failure shows the whole build.
@Suite("Cache simulator")
struct CacheSimulatorTests {
  static let node = """
    FROM node:22
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    RUN npm run build

    """

  static func simulate(
    _ repository: RecordedRepository, _ options: SimulationOptions = .init(),
    ignore: String? = ".dockerignore"
  ) -> [CacheSimulator.Build] {
    let input = repository.input(ignore: ignore)
    let builds = CacheSimulator(input: input, options: options, timings: nil).run().builds
    // The reorderer's replays leave out the causes; everything else must be the same.
    var lean = CacheSimulator(input: input, options: options, timings: nil)
    lean.explains = false
    let leanBuilds = lean.run().builds
    #expect(leanBuilds.map(outcome) == builds.map(outcome))
    #expect(leanBuilds.map { $0.steps.map(\.inputs) } == builds.map { $0.steps.map(\.inputs) })
    #expect(leanBuilds.allSatisfy { $0.steps.allSatisfy { $0.cause == nil } })
    // One window of commits read by two replays, as the reorderer's are, changes nothing.
    let window = CacheSimulator.Window(commits: input.commits)
    for _ in 0..<2 {
      var shared = CacheSimulator(input: input, options: options, timings: nil)
      shared.window = window
      let sharedBuilds = shared.run().builds
      #expect(sharedBuilds.map(outcome) == builds.map(outcome))
      #expect(sharedBuilds.map { $0.steps.map(\.cause) } == builds.map { $0.steps.map(\.cause) })
    }
    return builds
  }

  /// What a build costs, step by step, without the causes.
  static func outcome(_ build: CacheSimulator.Build) -> String {
    build.steps.map { "\($0.step.line):\($0.status.rawValue):\($0.seconds)" }.joined(separator: " ")
      + " wall \(build.wallSeconds) cpu \(build.cpuSeconds)"
  }

  /// `line:status` for each step of a build.
  static func statuses(_ build: CacheSimulator.Build) -> String {
    build.steps.map { "\($0.step.line):\($0.status.rawValue.prefix(1))" }.joined(separator: " ")
  }

  static func nodeRepository() -> RecordedRepository {
    RecordedRepository([
      "Dockerfile": node, "package.json": "{}", "package-lock.json": "{}", "src/app.js": "1",
      "README.md": "hello", ".dockerignore": "README.md\n",
    ])
  }

  @Test func aSourceEditMissesTheWholeContextCopyButNotTheManifestInstall() throws {
    var repository = Self.nodeRepository()
    repository.commit("edit the app", ["src/app.js": "2"])
    let builds = Self.simulate(repository)
    #expect(builds.count == 1)
    let build = try #require(builds.first)
    #expect(Self.statuses(build) == "1:c 2:c 3:c 4:c 5:r 6:r")
    let copy = try #require(build.steps.first { $0.step.line == 5 })
    #expect(copy.cause?.kind == .paths)
    #expect(copy.cause?.paths == ["src/app.js"])
    #expect(build.steps.first { $0.step.line == 6 }?.cause?.kind == .parent)
  }

  @Test func twoIdenticalStagesHaveOneOutputSoTheNextCommitFindsTheCopiesCached() throws {
    // Stages a and b are the same steps: BuildKit runs them once, with one output. After a
    // commit that re-ran them, a commit that changes nothing they read finds `COPY --from`
    // of either cached (found by review: the second stage's output used to replace the first's).
    var repository = RecordedRepository([
      "Dockerfile": """
      FROM alpine AS a
      COPY a.txt /a.txt
      FROM alpine AS b
      COPY a.txt /a.txt
      FROM alpine
      COPY --from=a /a.txt /from-a
      COPY --from=b /a.txt /from-b

      """,
      "a.txt": "1", "README.md": "x", ".dockerignore": "README.md\n",
    ])
    repository.commit("edit a.txt", ["a.txt": "2"])
    repository.commit("edit the readme", ["README.md": "y"])
    let builds = Self.simulate(repository)
    #expect(builds.count == 2)
    let last = try #require(builds.last)
    #expect(last.steps.allSatisfy { $0.status != .rebuilt }, "\(Self.statuses(last))")
  }

  @Test func aManifestEditMissesTheInstall() throws {
    var repository = Self.nodeRepository()
    repository.commit("bump", ["package.json": #"{"a":1}"#])
    let build = try #require(Self.simulate(repository).first)
    #expect(Self.statuses(build) == "1:c 2:c 3:r 4:r 5:r 6:r")
  }

  @Test func anIgnoredFileChangesNothing() throws {
    var repository = Self.nodeRepository()
    repository.commit("docs", ["README.md": "more"])
    let build = try #require(Self.simulate(repository).first)
    #expect(Self.statuses(build) == "1:c 2:c 3:c 4:c 5:c 6:c")
    // Without the ignore file the same edit reaches COPY . .
    var unignored = Self.nodeRepository()
    unignored.commit("docs", ["README.md": "more"])
    let without = try #require(Self.simulate(unignored, ignore: nil).first)
    #expect(Self.statuses(without) == "1:c 2:c 3:c 4:c 5:r 6:r")
  }

  @Test func editingTheIgnoreFileMissesTheContextCopy() throws {
    var repository = Self.nodeRepository()
    // It is itself in the context, and now sends README.md too.
    repository.commit("stop ignoring the readme", [".dockerignore": "*.log\n"])
    let build = try #require(Self.simulate(repository).first)
    #expect(Self.statuses(build) == "1:c 2:c 3:c 4:c 5:r 6:r")
  }

  @Test func anIgnoreFileEditThatOnlySendsAnUntouchedFileStillMisses() throws {
    // The ignore file ignores itself, so only README.md (never edited) enters the context.
    var repository = RecordedRepository([
      "Dockerfile": Self.node, "package.json": "{}", "package-lock.json": "{}",
      "README.md": "hello", ".dockerignore": ".dockerignore\nREADME.md\n",
    ])
    repository.commit("send the readme", [".dockerignore": ".dockerignore\n"])
    let build = try #require(Self.simulate(repository).first)
    #expect(Self.statuses(build) == "1:c 2:c 3:c 4:c 5:r 6:r")
    #expect(build.steps.first { $0.step.line == 5 }?.cause?.kind == .ignoreFile)
  }

  @Test func commentsAndBlankLinesChangeNothingButWhitespaceInARunDoes() throws {
    var repository = RecordedRepository(["Dockerfile": "FROM alpine\nRUN echo a\n"])
    repository.commit("comment", ["Dockerfile": "# why\n\nFROM alpine\nRUN echo a\n"])
    repository.commit("space", ["Dockerfile": "# why\n\nFROM alpine\nRUN echo  a\n"])
    let builds = Self.simulate(repository, ignore: nil)
    #expect(builds.map(Self.statuses) == ["3:c 4:c", "3:c 4:r"])
    #expect(builds[1].steps[1].cause?.kind == .instruction)
  }

  @Test func anEnvChangeMissesLaterRunsOnlyAndACopyAfterItStaysCached() throws {
    let before = "FROM alpine\nENV A=1\nCOPY x /x\nRUN cat /x\n"
    var repository = RecordedRepository(["Dockerfile": before, "x": "x"])
    repository.commit("env", ["Dockerfile": before.replacingOccurrences(of: "A=1", with: "A=2")])
    let build = try #require(Self.simulate(repository, ignore: nil).first)
    #expect(Self.statuses(build) == "1:c 3:c 4:r")
    #expect(build.steps[2].cause?.kind == .environment)
    #expect(build.steps[2].cause?.names == ["A"])
  }

  @Test func everyValuedArgEntersLaterRunsUsedOrNot() throws {
    let before = "FROM alpine\nARG UNUSED=1\nARG EMPTY\nCOPY x /x\nRUN echo hi\n"
    var repository = RecordedRepository(["Dockerfile": before, "x": "x"])
    repository.commit(
      "arg", ["Dockerfile": before.replacingOccurrences(of: "UNUSED=1", with: "UNUSED=2")])
    let build = try #require(Self.simulate(repository, ignore: nil).first)
    #expect(Self.statuses(build) == "1:c 4:c 5:r")

    // A build argument for an ARG without a value changes the key; an undeclared one does not.
    var again = RecordedRepository(["Dockerfile": before, "x": "x"])
    again.commit("nothing", ["x": "x"])
    let given = Self.simulate(again, SimulationOptions(buildArgs: ["EMPTY": "v", "OTHER": "w"]))
    #expect(given.map(Self.statuses) == ["1:c 4:c 5:c"])

    // Declaring an ARG with no value adds nothing, even on an image that might set that name.
    var declared = RecordedRepository(["Dockerfile": before, "x": "x"])
    declared.commit(
      "declare",
      ["Dockerfile": before.replacingOccurrences(of: "ARG EMPTY\n", with: "ARG EMPTY\nARG NONE\n")])
    #expect(Self.simulate(declared, ignore: nil).map(Self.statuses) == ["1:c 5:c 6:c"])
  }

  @Test func labelsChangeNothingUnderBuildKitAndEverythingAfterThemUnderTheLegacyBuilder() throws {
    let before = "FROM alpine\nRUN echo a\nLABEL v=1\nRUN echo b\n"
    var repository = RecordedRepository(["Dockerfile": before])
    repository.commit("label", ["Dockerfile": before.replacingOccurrences(of: "v=1", with: "v=2")])
    let buildkit = try #require(Self.simulate(repository, ignore: nil).first)
    #expect(Self.statuses(buildkit) == "1:c 2:c 4:c")
    let legacy = try #require(
      Self.simulate(repository, SimulationOptions(builder: .legacy), ignore: nil).first)
    #expect(Self.statuses(legacy) == "1:c 2:c 3:r 4:r")
  }

  @Test func aModeChangeMissesTheCopy() throws {
    var repository = RecordedRepository([
      "Dockerfile": "FROM alpine\nCOPY run.sh /\nRUN /run.sh\n", "run.sh": "echo",
    ])
    repository.commit("chmod", modes: ["run.sh": 0o100755])
    let build = try #require(Self.simulate(repository, ignore: nil).first)
    #expect(Self.statuses(build) == "1:c 2:r 3:r")
  }

  @Test func aRevertIsCachedWithTheWholeCacheButNotWithThePreviousBuildOnly() throws {
    var repository = Self.nodeRepository()
    repository.commit("change", ["src/app.js": "2"])
    repository.commit("revert", ["src/app.js": "1"])
    let all = Self.simulate(repository)
    #expect(all.map(Self.statuses) == ["1:c 2:c 3:c 4:c 5:r 6:r", "1:c 2:c 3:c 4:c 5:c 6:c"])
    let previous = Self.simulate(repository, SimulationOptions(cache: .previous))
    #expect(previous.map(Self.statuses).last == "1:c 2:c 3:c 4:c 5:r 6:r")
    let none = Self.simulate(repository, SimulationOptions(cache: .none))
    #expect(none.map(Self.statuses).last == "1:r 2:r 3:r 4:r 5:r 6:r")
    #expect(none.last?.steps.last?.cause?.kind == .parent)
    #expect(none.last?.steps.first?.cause?.kind == .noCache)
  }

  @Test func aColdStartRebuildsTheFirstCommit() throws {
    var repository = Self.nodeRepository()
    repository.commit("one", ["src/app.js": "2"])
    repository.commit("two", ["README.md": "x"])
    let builds = Self.simulate(repository, SimulationOptions(coldStart: true))
    #expect(builds.map(Self.statuses) == ["1:r 2:r 3:r 4:r 5:r 6:r", "1:c 2:c 3:c 4:c 5:c 6:c"])
    #expect(builds[0].steps[0].cause?.kind == .coldStart)
  }

  static let multiStage = """
    FROM alpine AS deps
    COPY deps.txt /
    RUN echo deps

    FROM alpine AS builder
    COPY src /src
    RUN echo build > /out

    FROM alpine AS unused
    RUN echo never

    FROM alpine
    COPY --from=deps /deps.txt /
    COPY --from=builder /out /out

    """

  @Test func stagesTheTargetDoesNotReachAreSkippedAndStagesRunInParallel() throws {
    var repository = RecordedRepository([
      "Dockerfile": Self.multiStage, "deps.txt": "a", "src/main.c": "1",
    ])
    repository.commit("edit", ["src/main.c": "2"])
    let options = SimulationOptions(coldStart: true)
    let build = try #require(Self.simulate(repository, options, ignore: nil).first)
    #expect(Self.statuses(build) == "1:r 2:r 3:r 5:r 6:r 7:r 9:s 10:s 12:r 13:r 14:r")
    // Two independent stages: the wall time is the longer chain, not the sum.
    #expect(build.wallSeconds < build.cpuSeconds)

    let legacy = try #require(
      Self.simulate(repository, SimulationOptions(builder: .legacy, coldStart: true), ignore: nil)
        .first)
    #expect(legacy.wallSeconds == legacy.cpuSeconds)
    // The legacy builder builds every stage up to the target, used or not.
    #expect(!legacy.steps.contains { $0.status == .skipped })

    let targeted = try #require(
      Self.simulate(repository, SimulationOptions(target: "builder"), ignore: nil).first)
    #expect(Self.statuses(targeted) == "1:s 2:s 3:s 5:c 6:r 7:r 9:s 10:s 12:s 13:s 14:s")
  }

  @Test func copyFromAReRunStageDependsOnTheAssumptionAboutItsOutput() throws {
    let before = Self.multiStage
    var repository = RecordedRepository(["Dockerfile": before, "deps.txt": "a", "src/main.c": "1"])
    // The builder stage re-runs because of an ENV that does not change what it writes.
    repository.commit(
      "env",
      [
        "Dockerfile": before.replacingOccurrences(
          of: "COPY src /src", with: "ENV X=1\nCOPY src /src")
      ])
    let changed = try #require(Self.simulate(repository, ignore: nil).first)
    #expect(Self.statuses(changed) == "1:c 2:c 3:c 5:c 7:c 8:r 10:s 11:s 13:c 14:c 15:r")
    #expect(changed.steps.last?.cause?.kind == .stage)
    let reproducible = try #require(
      Self.simulate(repository, SimulationOptions(stageOutput: .reproducible), ignore: nil).first)
    #expect(Self.statuses(reproducible) == "1:c 2:c 3:c 5:c 7:c 8:r 10:s 11:s 13:c 14:c 15:c")
    // A source change changes the output under either assumption.
    var edited = RecordedRepository(["Dockerfile": before, "deps.txt": "a", "src/main.c": "1"])
    edited.commit("edit", ["src/main.c": "2"])
    let build = try #require(
      Self.simulate(edited, SimulationOptions(stageOutput: .reproducible), ignore: nil).first)
    #expect(Self.statuses(build) == "1:c 2:c 3:c 5:c 6:r 7:r 9:s 10:s 12:c 13:c 14:r")
  }

  @Test func aBindMountReadsItsSourceByContent() throws {
    let dockerfile = "FROM alpine\nRUN --mount=type=bind,source=config.txt,target=/c cat /c\n"
    var repository = RecordedRepository([
      "Dockerfile": dockerfile, "config.txt": "1", "other.txt": "1",
    ])
    repository.commit("other", ["other.txt": "2"])
    repository.commit("config", ["config.txt": "2"])
    let builds = Self.simulate(repository, ignore: nil)
    #expect(builds.map(Self.statuses) == ["1:c 2:c", "1:c 2:r"])
    #expect(builds[1].steps[1].cause?.paths == ["config.txt"])
  }

  @Test func theDockerfileItselfIsContextForCopyDotUnlessIgnored() throws {
    var repository = RecordedRepository([
      "Dockerfile": "FROM alpine\nCOPY . /app\n", "a": "1",
    ])
    repository.commit("comment", ["Dockerfile": "# note\nFROM alpine\nCOPY . /app\n"])
    #expect(Self.simulate(repository, ignore: nil).map(Self.statuses) == ["2:c 3:r"])

    var ignored = RecordedRepository([
      "Dockerfile": "FROM alpine\nCOPY . /app\n", "a": "1", ".dockerignore": "Dockerfile\n",
    ])
    ignored.commit("comment", ["Dockerfile": "# note\nFROM alpine\nCOPY . /app\n"])
    #expect(Self.simulate(ignored).map(Self.statuses) == ["2:c 3:c"])
  }

  @Test func aLinkedCopyStaysCachedWhenTheStepsBeforeItChange() throws {
    let text = "FROM alpine\nCOPY a /a\nCOPY --link b /b\nRUN cat /b\n"
    var repository = RecordedRepository(["Dockerfile": text, "a": "1", "b": "1"])
    repository.commit("a", ["a": "2"])
    repository.commit("nothing", ["c": "new"])
    let builds = Self.simulate(repository, ignore: nil)
    // The linked copy does not depend on what is under it; the RUN after it still does.
    #expect(builds.map(Self.statuses) == ["1:c 2:r 3:c 4:r", "1:c 2:c 3:c 4:c"])
  }

  @Test func aContextFolderBelowTheRootSeesOnlyItsOwnFiles() throws {
    let dockerfile = "FROM alpine\nCOPY . /app\nRUN ls /app\n"
    var repository = RecordedRepository([
      "Dockerfile": dockerfile, "app/main.go": "1", "docs/guide.md": "1",
    ])
    repository.commit("docs", ["docs/guide.md": "2"])
    repository.commit(
      "comment in the Dockerfile, which is outside the context",
      [
        "Dockerfile": "# built from app/\n" + dockerfile
      ])
    repository.commit("code", ["app/main.go": "2"])
    let builds = CacheSimulator(
      input: repository.input(ignore: nil, prefix: "app"), options: .init(), timings: nil
    ).run().builds
    #expect(builds.map(Self.statuses) == ["1:c 2:c 3:c", "2:c 3:c 4:c", "2:c 3:r 4:r"])
    #expect(builds[2].steps[1].cause?.paths == ["main.go"])
  }

  @Test func aCommitWithoutADockerfileIsReportedAndTheNextBuildsOn() throws {
    var repository = RecordedRepository(["Dockerfile": "FROM alpine\nRUN echo\n"])
    repository.commit("remove", ["Dockerfile": nil])
    repository.commit("restore", ["Dockerfile": "FROM alpine\nRUN echo\n"])
    let builds = Self.simulate(repository, ignore: nil)
    #expect(builds[0].error?.contains("does not exist") == true)
    #expect(Self.statuses(builds[1]) == "1:c 2:c")
  }

  @Test func theCostOfAPragmaAndTheSummaryUseIt() throws {
    let dockerfile = "FROM alpine\n# planner: cost=45s\nRUN make\nCOPY x /x\n"
    var repository = RecordedRepository(["Dockerfile": dockerfile, "x": "1"])
    repository.commit("x", ["x": "2"])
    repository.commit(
      "dockerfile", ["Dockerfile": dockerfile.replacingOccurrences(of: "make", with: "make all")])
    let builds = Self.simulate(repository, SimulationOptions(), ignore: nil)
    #expect(builds.map(Self.statuses) == ["1:c 3:c 4:r", "1:c 3:r 4:r"])
    #expect(builds[1].steps[1].seconds == 45)
    let report = SimulationReport(builds: builds, file: "Dockerfile", options: .init())
    #expect(report.summary.rebuilds == 2)
    #expect(report.summary.cachedSteps == 3)
    #expect(report.summary.rebuiltSteps == 3)
    #expect(report.summary.costliestPaths.map(\.path) == ["x"])
  }

  @Test func aBuildKitLogGivesTheStepsTheirMeasuredTimes() throws {
    let dockerfile =
      "FROM alpine AS build\nCOPY x /x\nRUN make\n\nFROM alpine\nCOPY --from=build /x /y\n"
    var repository = RecordedRepository(["Dockerfile": dockerfile, "x": "1"])
    repository.commit("x", ["x": "2"])
    let log = """
      #4 [build 2/3] COPY x /x
      #4 DONE 0.4s

      #5 [build 3/3] RUN make
      #5 1.234 compiling
      #5 DONE 61.7s

      #6 [stage-1 2/2] COPY --from=build /x /y
      #6 DONE 0.2s

      """
    let timings = BuildTimings(log: Array(log.utf8))
    let build = try #require(
      CacheSimulator(input: repository.input(ignore: nil), options: .init(), timings: timings)
        .run().builds.first)
    #expect(Self.statuses(build) == "1:c 2:r 3:r 5:c 6:r")
    #expect(build.steps[1].seconds == 0.4)
    #expect(build.steps[2].seconds == 61.7)
    #expect(build.steps[2].step.cost.source == .timings)
    // The final stage waits for the build stage: 0.4 + 61.7 + 0.2.
    #expect(abs(build.wallSeconds - 62.3) < 1e-9)
  }

  @Test func aCopyCostsByTheBytesItCopies() throws {
    var repository = RecordedRepository([
      "Dockerfile": "FROM alpine\nCOPY assets /assets\nCOPY app.js /\n", "assets/a": "a",
      "app.js": "1", "ignored.bin": "x",
    ])
    repository.commit("assets", ["assets/a": "b"])
    var input = repository.input(ignore: nil)
    input.sizes = ["assets/a": 40_000_000, "assets/b": 10_000_000, "app.js": 2_000]
    let build = try #require(
      CacheSimulator(input: input, options: .init(), timings: nil).run().builds.first)
    #expect(Self.statuses(build) == "1:c 2:r 3:r")
    // 0.1 s, plus 50 MB at 100 MB/s.
    #expect(abs(build.steps[1].seconds - 0.6) < 1e-9)
    #expect(build.steps[1].step.cost.basis == "COPY of 50 MB")
    #expect(abs(build.steps[2].seconds - 0.10002) < 1e-9)
  }

  @Test func theJSONReportKeepsItsContract() throws {
    var repository = Self.nodeRepository()
    repository.commit("edit the app", ["src/app.js": "2"])
    let outcome = Planner.simulate(repository.input(), options: .init(), format: .json)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any])
    #expect(object["dockerfile"] as? String == "Dockerfile")
    #expect(object["builder"] as? String == "buildkit")
    let commits = try #require(object["commits"] as? [[String: Any]])
    let commit = try #require(commits.first)
    #expect((commit["commit"] as? String)?.count == 40)
    #expect(commit["subject"] as? String == "edit the app")
    #expect(commit["wallSeconds"] is Double || commit["wallSeconds"] is Int)
    let steps = try #require(commit["steps"] as? [[String: Any]])
    let step = try #require(steps.last)
    for key in ["stage", "stageName", "line", "instruction", "status", "seconds", "cause"] {
      #expect(step.keys.contains(key), "missing \(key)")
    }
    #expect(step["instruction"] as? String == "RUN npm run build")
    #expect(step["status"] as? String == "rebuilt")
    #expect(steps.first?["stageName"] is NSNull)
    #expect(object["summary"] is [String: Any])
    // Same input, same bytes.
    #expect(
      Planner.simulate(repository.input(), options: .init(), format: .json).report == outcome.report
    )
  }

  @Test func explainSaysWhyEachStepReRan() throws {
    var repository = Self.nodeRepository()
    let id = repository.commit("edit the app", ["src/app.js": "2"])
    let outcome = Planner.simulate(
      repository.input(), options: .init(), format: .text, explain: String(id.prefix(8)))
    let text = String(decoding: outcome.report, as: UTF8.self)
    #expect(text.contains("src/app.js changed"))
    #expect(text.contains("after line 5, which re-ran"))
    let missing = Planner.simulate(
      repository.input(), options: .init(), format: .text, explain: "ffff")
    #expect(missing.hasErrors)
  }

  @Test func aTargetThatDoesNotExistIsAnError() throws {
    var repository = Self.nodeRepository()
    repository.commit("edit", ["src/app.js": "2"])
    let outcome = Planner.simulate(
      repository.input(), options: SimulationOptions(target: "nope"), format: .text)
    #expect(outcome.hasErrors)
    #expect(outcome.diagnostics.contains { $0.message.contains("target stage") })
  }
}
