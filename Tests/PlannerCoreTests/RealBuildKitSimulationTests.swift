import Foundation
import Testing

/// Builds scripted git histories commit by commit with a real BuildKit and checks that
/// `planner simulate` predicts, for every step of every commit, whether BuildKit takes it from
/// its cache.
@Suite(
  "planner's simulation agrees with a real BuildKit, commit by commit", .serialized, .daemonTurn,
  .enabled(
    if: SimulationSetup.isAvailable,
    "needs PLANNER_DOCKER_HOST set to a daemon's socket URL (Scripts/buildkit.sh start), /usr/bin/docker from Debian's docker.io, and the image local/busybox:1 (Scripts/buildkit.sh base-image)"
  )
)
struct RealBuildKitSimulationTests {
  // Each scenario writes a fresh repository (`ScriptedHistory`), prunes the builder's cache, and
  // builds each commit in order from a clean `git archive` export at a fixed path (fresh mtimes,
  // modes as under umask 0022) with `docker build --progress=plain --network=none`. planner then
  // simulates the same commits with `--cold-start`. BuildKit keeps every earlier build's cache,
  // so the comparison runs planner with `--cache all` (a scenario that wants `--cache none` prunes
  // before every build instead). `--cache previous` cannot be built (pruning drops every record):
  // its scenario compares BuildKit with `--cache all` and checks that `--cache previous` only
  // turns hits into misses, and does so on the commits that revert to an older state. Each
  // scenario prints BuildKit's statuses per commit and `(commit, step) pairs agreeing: x/y`.
  //
  // What Docker 20.10's BuildKit prints, found by real builds on these machines:
  // - A step is a block: a header `#N [stage i/n] INSTRUCTION` (`#N [i/n] …` when the Dockerfile
  //   has one stage, even a named one; an unnamed stage of several is `stage-K`), output lines
  //   `#N 0.046 text`, and a status line: `#N CACHED` for a hit, `#N DONE 0.1s` for a step that
  //   ran. Blocks print in start order; stages built in parallel interleave.
  // - `i/n` counts the stage's operations: FROM an image, RUN, COPY, ADD, WORKDIR. ENV, ARG,
  //   LABEL and the other metadata instructions take no number. A stage built `FROM <stage>`
  //   prints no FROM block and numbers its first own operation 1. `WORKDIR /` counts in `n` but
  //   prints no block and takes no `i` (blocks 1…3 of 4), so the scenarios avoid it.
  // - The header shows the instruction as BuildKit understood it: continuation lines joined,
  //   variables of COPY/ADD expanded (`COPY $N /f2` prints `COPY f /f2`), and FROM as the
  //   normalised image name without its `AS` (`FROM docker.io/local/busybox:1`).
  // - FROM of the local image is never a cache hit or miss in planner's sense: it prints
  //   `DONE 0.0s` on a cold builder and whenever every step built directly on the image hits,
  //   and `CACHED` when the builder has used the image before and some step directly on it runs
  //   (seen in every build of these scenarios). planner calls FROM "rebuilt" on a cold start and
  //   "cached" after, so FROM steps are counted apart and not compared.
  // - Identical operations print once: the FROM of every stage on the same image, or the same RUN
  //   on the same base in two stages. The one block carries the label of any of those stages,
  //   chosen anew each build. A step that finds no block of its own takes the status of a block
  //   with its number and text in another stage.
  // - Stages the target does not reach print nothing; planner calls their steps "skipped".

  @Test("every step's status equals BuildKit's", arguments: Scenario.all)
  func statusesEqualBuildKits(_ scenario: Scenario) throws {
    guard let planner = SimulationSetup.planner else {
      try Test.cancel(
        "no planner executable at \(SimulationSetup.plannerPath); run 'swift build' first")
    }
    let folder = SimulationSetup.folder.appendingPathComponent(scenario.slug)
    try? FileManager.default.removeItem(at: folder)
    defer { SimulationSetup.remove(folder) }
    let repository = folder.appendingPathComponent("repository")
    let commits = try scenario.history.record(in: repository)
    let subjects = scenario.history.commits.map(\.subject)

    let builder = DockerBuilder(folder: folder)
    try builder.pruneCache()
    var builds: [[BuildKitBlock]] = []
    for (index, commit) in commits.enumerated() {
      if scenario.cache == .none, index > 0 { try builder.pruneCache() }
      let context = folder.appendingPathComponent("context")
      try ScriptedHistory.export(commit: commit, from: repository, into: context)
      let progress = try builder.build(
        context: context, buildArgs: scenario.buildArgs, target: scenario.target)
      builds.append(BuildKitBlock.parse(progress))
    }

    let report = try Self.simulate(
      planner: planner, repository: repository, commits: commits, scenario: scenario,
      cache: scenario.cache == .none ? .none : .all)
    #expect(report.builder == "buildkit", "\(scenario.name): planner simulated \(report.builder)")
    var tally = Tally()
    try #require(
      report.commits.count == commits.count,
      "\(scenario.name): planner reports \(report.commits.count) commits, \(commits.count) built")
    for (index, (planned, blocks)) in zip(report.commits, builds).enumerated() {
      #expect(
        planned.commit == commits[index],
        "\(scenario.name): planner's commit \(index + 1) is \(planned.commit), not \(commits[index])"
      )
      let label = "\(scenario.name), commit \(index + 1) '\(subjects[index])'"
      Self.compare(planned.steps, blocks, label, into: &tally)
      print("  \(label): BuildKit \(BuildKitBlock.summary(blocks))")
    }
    print(
      "\(scenario.name): (commit, step) pairs agreeing: \(tally.agreeing)/\(tally.compared)"
        + " (FROM steps not compared: \(tally.fromSteps))")

    if scenario.cache == .previous {
      let previous = try Self.simulate(
        planner: planner, repository: repository, commits: commits, scenario: scenario,
        cache: .previous)
      Self.expectPreviousOnlyLosesHits(
        all: report, previous: previous, scenario: scenario, subjects: subjects)
    }
  }

  // MARK: - Comparing

  static func fail(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }

  /// What a scenario's comparisons came to.
  struct Tally {
    var compared = 0
    var agreeing = 0
    var fromSteps = 0
  }

  /// Maps BuildKit's blocks of one build to planner's steps of that commit by stage and number,
  /// and records an issue for every step whose status or text differs and for every block
  /// planner has no step for.
  static func compare(
    _ steps: [SimulationReport.Step], _ blocks: [BuildKitBlock], _ label: String,
    into tally: inout Tally
  ) {
    let stages = Dictionary(grouping: steps, by: \.stage)
    let names = stages.mapValues { $0.first?.stageName }
    var used = Set<Int>()
    func stageIndex(of block: BuildKitBlock) -> Int? {
      guard let name = block.stage else { return stages.count == 1 ? stages.keys.first : nil }
      if let named = names.first(where: { $0.value?.lowercased() == name.lowercased() }) {
        return named.key
      }
      return name.hasPrefix("stage-") ? Int(name.dropFirst("stage-".count)) : nil
    }

    for stage in stages.keys.sorted() {
      let ops = stages[stage] ?? []
      let builtOnStage = ops.first.map { isBuiltOnStage($0, names: names) } ?? false
      for (position, step) in ops.enumerated() {
        if step.kind == "from" {
          tally.fromSteps += 1
          continue
        }
        let number = builtOnStage ? position : position + 1
        let own = blocks.firstIndex { $0.index == number && stageIndex(of: $0) == stage }
        // An identical operation of another stage prints once, under that stage's label.
        let shared =
          own
          ?? blocks.firstIndex {
            names.count > 1 && $0.index == number && stageIndex(of: $0) != stage
              && $0.instruction == step.instruction
          }
        let block = shared.map { blocks[$0] }
        if let shared { used.insert(shared) }
        if let block, !textsAgree(planner: step.instruction, buildKit: block.instruction) {
          Self.fail(
            "\(label), line \(step.line): planner's step '\(step.instruction)' lines up with "
              + "BuildKit's '\(block.instruction)' (#\(block.vertex))")
        }
        if let block, block.total != ops.count - (builtOnStage ? 1 : 0) {
          Self.fail(
            "\(label), line \(step.line) '\(step.instruction)': BuildKit numbers \(block.total) "
              + "operations in stage \(stage), planner lists \(ops.count) steps with its FROM")
        }
        let buildKit = block?.status ?? .absent
        tally.compared += 1
        if buildKit.plannerStatus == step.status {
          tally.agreeing += 1
        } else {
          let vertex = block.map { " (#\($0.vertex))" } ?? ""
          let cause = step.cause.map { " (\($0))" } ?? ""
          Self.fail(
            "\(label), line \(step.line) '\(step.instruction)': BuildKit "
              + "\(buildKit.rawValue)\(vertex), planner \(step.status)\(cause)")
        }
      }
    }
    for (offset, block) in blocks.enumerated()
    where !used.contains(offset) && !block.instruction.hasPrefix("FROM ") {
      Self.fail(
        "\(label): BuildKit ran '\(block.instruction)' (#\(block.vertex), "
          + "[\(block.stage ?? "") \(block.index)/\(block.total)], \(block.status.rawValue)); "
          + "planner lists no such step")
    }
  }

  /// Whether a stage's FROM names an earlier stage (by name or index) rather than an image.
  static func isBuiltOnStage(_ from: SimulationReport.Step, names: [Int: String?]) -> Bool {
    let words = from.instruction.split(whereSeparator: \.isWhitespace).dropFirst()
    guard let base = words.first(where: { !$0.hasPrefix("--") })?.lowercased() else {
      return false
    }
    if let index = Int(base) { return index < from.stage }
    return names.contains { $0.key < from.stage && $0.value?.lowercased() == base }
  }

  /// BuildKit prints the instruction with continuation lines joined and COPY/ADD variables
  /// expanded; planner gives the first line as written.
  static func textsAgree(planner: String, buildKit: String) -> Bool {
    if planner.contains("$") {
      return planner.split(separator: " ").first == buildKit.split(separator: " ").first
    }
    if planner.hasSuffix("\\") { return buildKit.hasPrefix(String(planner.dropLast())) }
    return planner == buildKit
  }

  /// `--cache previous` may only turn hits of `--cache all` into misses, and must do so on the
  /// commits that revert to a state older than their parent.
  static func expectPreviousOnlyLosesHits(
    all: SimulationReport, previous: SimulationReport, scenario: Scenario, subjects: [String]
  ) {
    var lost = 0
    for (index, (wide, narrow)) in zip(all.commits, previous.commits).enumerated() {
      let label =
        "\(scenario.name) under --cache previous, commit \(index + 1) '\(subjects[index])'"
      guard wide.steps.count == narrow.steps.count else {
        Self.fail("\(label): \(narrow.steps.count) steps, \(wide.steps.count) under --cache all")
        continue
      }
      for (a, p) in zip(wide.steps, narrow.steps) where a.status != p.status {
        if a.status == "cached", p.status == "rebuilt" {
          lost += 1
          if !scenario.revertingCommits.contains(index) {
            Self.fail(
              "\(label), line \(p.line) '\(p.instruction)': rebuilt under --cache previous, "
                + "cached under --cache all, but this commit reverts nothing")
          }
        } else {
          Self.fail(
            "\(label), line \(p.line) '\(p.instruction)': \(p.status) under --cache previous, "
              + "\(a.status) under --cache all")
        }
      }
    }
    for index in scenario.revertingCommits {
      let changed = zip(all.commits[index].steps, previous.commits[index].steps).contains {
        $0.status == "cached" && $1.status == "rebuilt"
      }
      if !changed {
        Self.fail(
          "\(scenario.name): commit \(index + 1) '\(subjects[index])' reverts to an older "
            + "state; under --cache previous some step should rebuild that --cache all finds cached"
        )
      }
    }
    print("\(scenario.name): hits lost under --cache previous: \(lost)")
  }

  // MARK: - planner

  enum Cache: String {
    case all, previous, none
  }

  static func simulate(
    planner: String, repository: URL, commits: [String], scenario: Scenario, cache: Cache
  ) throws -> SimulationReport {
    var arguments = [
      "simulate", "--format", "json", "--commits", String(commits.count), "--cold-start",
    ]
    for (name, value) in scenario.buildArgs { arguments += ["--build-arg", "\(name)=\(value)"] }
    if let target = scenario.target { arguments += ["--target", target] }
    arguments += ["--cache", cache.rawValue]
    if let output = scenario.stageOutput { arguments += ["--assume-stage-output", output] }
    arguments += [
      "-f", repository.appendingPathComponent("Dockerfile").path, "--context", repository.path,
    ]
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": repository.path, "LC_ALL": "C",
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]
    let output = try ScriptedProcess.run(
      planner, arguments, environment: environment, directory: repository)
    do {
      return try JSONDecoder().decode(SimulationReport.self, from: Data(output.standardOutput.utf8))
    } catch {
      throw ScriptedProcess.Failure(
        command: "planner " + arguments.joined(separator: " "), status: 0,
        output: "unreadable JSON (\(error)):\n\(output.standardOutput.prefix(2000))")
    }
  }

  /// The fields of `planner simulate --format json` the comparison reads.
  struct SimulationReport: Decodable {
    struct Commit: Decodable {
      var commit: String
      var subject: String
      var steps: [Step]
    }

    struct Step: Decodable {
      var stage: Int
      var stageName: String?
      var line: Int
      var instruction: String
      var kind: String
      var status: String
      var cause: String?
    }

    var builder: String
    var commits: [Commit]
  }
}

// MARK: - Setup

/// What the simulation comparisons need besides `RealBuildKitSetup`; read once.
enum SimulationSetup {
  static let baseImage = "local/busybox:1"

  static let isAvailable = RealBuildKitSetup.isAvailable && hasBaseImage

  private static let hasBaseImage: Bool = {
    guard let host = RealBuildKitSetup.host else { return false }
    let environment = [
      "PATH": "/usr/bin:/bin", "DOCKER_HOST": host,
      "DOCKER_CONFIG": folder.appendingPathComponent("docker-config").path,
    ]
    let result = try? ScriptedProcess.run(
      RealBuildKitSetup.docker, ["image", "inspect", baseImage], environment: environment,
      allowFailure: true)
    return result?.status == 0
  }()

  /// Where the scenarios' repositories and contexts go. Fixed for a daemon, so a context folder
  /// is the same path from commit to commit, as in a CI checkout; two test runs against two
  /// daemons do not share it.
  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "planner-buildkit-simulation-\(fnv1a(RealBuildKitSetup.host ?? ""))")

  /// Removes a scenario's folder, and the folder of all scenarios once it is empty.
  static func remove(_ scenarioFolder: URL) {
    let manager = FileManager.default
    try? manager.removeItem(at: scenarioFolder)
    if (try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
      try? manager.removeItem(at: folder)
    }
  }

  /// The 64-bit FNV-1a hash of a text, in hexadecimal: a stable short name.
  private static func fnv1a(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }

  /// `<package root>/.build/debug/planner`; the package root is three levels above this file.
  static let plannerPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".build/debug/planner").path

  static var planner: String? {
    FileManager.default.isExecutableFile(atPath: plannerPath) ? plannerPath : nil
  }
}

/// The docker CLI of Debian's docker.io, talking to the test daemon with a private configuration.
struct DockerBuilder {
  var folder: URL

  var environment: [String: String] {
    [
      "PATH": "/usr/bin:/bin", "HOME": folder.path, "DOCKER_BUILDKIT": "1",
      "DOCKER_HOST": RealBuildKitSetup.host ?? "",
      "DOCKER_CONFIG": folder.appendingPathComponent("docker-config").path,
    ]
  }

  /// Drops every cache record, so that the next build starts cold.
  func pruneCache() throws {
    try ScriptedProcess.run(
      RealBuildKitSetup.docker, ["builder", "prune", "-af"], environment: environment)
  }

  /// Builds `context` with its own Dockerfile and returns the plain progress output.
  func build(context: URL, buildArgs: [(String, String)], target: String?) throws -> String {
    var arguments = ["build", "--progress=plain", "--network=none"]
    for (name, value) in buildArgs { arguments += ["--build-arg", "\(name)=\(value)"] }
    if let target { arguments += ["--target", target] }
    arguments += ["-f", context.appendingPathComponent("Dockerfile").path, context.path]
    // The progress goes to standard error.
    return try ScriptedProcess.run(RealBuildKitSetup.docker, arguments, environment: environment)
      .standardError
  }
}

// MARK: - BuildKit's progress

/// One step of BuildKit's plain progress: its header and its final status.
struct BuildKitBlock: Equatable {
  enum Status: String {
    case cached = "CACHED"
    case done = "DONE"
    /// No block: the step was not built (or its status line never came).
    case absent = "not built"

    var plannerStatus: String {
      switch self {
      case .cached: return "cached"
      case .done: return "rebuilt"
      case .absent: return "skipped"
      }
    }
  }

  var vertex: Int
  /// The stage label; nil when the Dockerfile has one stage.
  var stage: String?
  var index: Int
  var total: Int
  var instruction: String
  var status: Status

  /// The step blocks of a build, in the order their headers print; `[internal]` blocks and the
  /// exporter have no `i/n` and are left out.
  static func parse(_ progress: String) -> [BuildKitBlock] {
    var blocks: [BuildKitBlock] = []
    var statuses: [Int: Status] = [:]
    for line in progress.split(separator: "\n", omittingEmptySubsequences: true) {
      // BuildKit pads the step number to the width of the total (`[ 2/10]`, `[build  2/12]`).
      if let header = line.wholeMatch(of: #/#(\d+) \[(?:(\S+) +)? *(\d+)/(\d+)\] (.*)/#),
        let vertex = Int(header.1), let index = Int(header.3), let total = Int(header.4)
      {
        if blocks.contains(where: { $0.vertex == vertex }) { continue }
        blocks.append(
          BuildKitBlock(
            vertex: vertex, stage: header.2.map(String.init), index: index, total: total,
            instruction: String(header.5), status: .absent))
      } else if let status = line.wholeMatch(of: #/#(\d+) (CACHED|DONE [0-9.]+s)/#),
        let vertex = Int(status.1)
      {
        statuses[vertex] = status.2 == "CACHED" ? .cached : .done
      }
    }
    return blocks.map { block in
      var block = block
      block.status = statuses[block.vertex] ?? .absent
      return block
    }
  }

  /// `stage i/n STATUS` of every block, by stage and number, for the log.
  static func summary(_ blocks: [BuildKitBlock]) -> String {
    blocks.sorted { ($0.stage ?? "", $0.index) < ($1.stage ?? "", $1.index) }
      .map { "\($0.stage.map { $0 + " " } ?? "")\($0.index)/\($0.total) \($0.status.rawValue)" }
      .joined(separator: ", ")
  }
}

// MARK: - Scenarios

extension RealBuildKitSimulationTests {
  /// A scripted history and how each of its commits is built.
  struct Scenario: Sendable, CustomTestStringConvertible {
    typealias Commit = ScriptedHistory.Commit

    var name: String
    var history: ScriptedHistory
    var buildArgs: [(String, String)] = []
    var target: String?
    /// `.all` is what a long-lived BuildKit does. `.none` prunes before every build. `.previous`
    /// cannot be built (BuildKit keeps every build's cache): BuildKit is compared with planner's
    /// `--cache all`, and planner's `--cache previous` must differ from that exactly by misses
    /// on `revertingCommits`.
    var cache: Cache = .all
    /// `--assume-stage-output`, when not planner's default.
    var stageOutput: String?
    /// 0-based indexes of commits that return to a state older than their parent's.
    var revertingCommits: Set<Int> = []

    var testDescription: String { name }

    /// A folder name made of the name's letters and digits.
    var slug: String {
      let words = name.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
      return String(words.joined(separator: "-").prefix(60))
    }

    init(
      _ name: String, _ commits: [Commit], buildArgs: [(String, String)] = [],
      target: String? = nil, cache: Cache = .all, stageOutput: String? = nil,
      revertingCommits: Set<Int> = []
    ) {
      self.name = name
      self.history = ScriptedHistory(commits)
      self.buildArgs = buildArgs
      self.target = target
      self.cache = cache
      self.stageOutput = stageOutput
      self.revertingCommits = revertingCommits
    }

    /// Dependencies copied and installed before the sources.
    static let manifestFirst = """
      FROM local/busybox:1
      WORKDIR /app
      COPY deps.txt ./
      RUN cat deps.txt > /deps.installed
      COPY . .
      RUN cat /app/src/main.txt > /built

      """

    static let app: [ScriptedHistory.Change] = [
      .write("deps.txt", "alpha 1\n"), .write("src/main.txt", "print 1\n"),
    ]

    static let all: [Scenario] = [
      Scenario(
        "a source edit after a manifest-first COPY keeps the manifest steps cached",
        [
          Commit("add the app", dockerfile: manifestFirst, app),
          Commit("edit the source (same size)", [.write("src/main.txt", "print 2\n")]),
          Commit("add a source file", [.write("src/extra.txt", "extra\n")]),
          Commit("delete that file again", [.delete("src/extra.txt")]),
        ]),
      Scenario(
        "a manifest edit rebuilds from the manifest COPY",
        [
          Commit("add the app", dockerfile: manifestFirst, app),
          Commit("bump a dependency", [.write("deps.txt", "alpha 2\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("restore the dependency", [.write("deps.txt", "alpha 1\n")]),
        ]),
      Scenario(
        "an edit of an ignored file changes nothing",
        [
          Commit(
            "add the app", dockerfile: manifestFirst, dockerignore: "notes/\n*.log\n",
            app + [.write("notes/todo.txt", "todo 1\n")]),
          Commit("edit an ignored note", [.write("notes/todo.txt", "todo 2 and more\n")]),
          Commit("add an ignored log", [.write("debug.log", "log\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
        ]),
      Scenario(
        "an edit of .dockerignore misses COPY . . unless it ignores itself",
        [
          Commit(
            "add the app", dockerfile: manifestFirst, dockerignore: "notes/\n",
            app + [.write("notes/todo.txt", "todo\n")]),
          Commit("ignore logs too", dockerignore: "notes/\n*.log\n"),
          Commit("ignore the ignore file", dockerignore: ".dockerignore\nnotes/\n*.log\n"),
          Commit(
            "comment the self-ignoring ignore file",
            dockerignore: "# kept out of the image\n.dockerignore\nnotes/\n*.log\n"),
        ]),
      Scenario(
        "a Dockerfile edit misses COPY . . when the Dockerfile is in the context",
        [
          Commit("add the app", dockerfile: manifestFirst, app),
          Commit("comment the Dockerfile", dockerfile: "# The app\n" + manifestFirst),
          Commit(
            "add a last step",
            dockerfile: "# The app\n" + manifestFirst + "RUN echo done > /done\n"),
        ]),
      Scenario(
        "a Dockerfile edit changes nothing when .dockerignore lists the Dockerfile",
        [
          Commit("add the app", dockerfile: manifestFirst, dockerignore: "Dockerfile\n", app),
          Commit("comment the Dockerfile", dockerfile: "# The app\n" + manifestFirst),
          Commit(
            "add a last step",
            dockerfile: "# The app\n" + manifestFirst + "RUN echo done > /done\n"),
        ]),
      Scenario(
        "comments and blank lines change nothing, whitespace inside a RUN does",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1
              COPY src/ /app/src/
              RUN cat /app/src/main.txt > /built
              RUN echo x > /x

              """, app),
          Commit(
            "comment the Dockerfile",
            dockerfile: """
              # Build the app.
              FROM local/busybox:1

              # Sources only.
              COPY src/ /app/src/
              RUN cat /app/src/main.txt > /built

              RUN echo x > /x

              """),
          Commit(
            "double a space in the last RUN",
            dockerfile: """
              # Build the app.
              FROM local/busybox:1

              # Sources only.
              COPY src/ /app/src/
              RUN cat /app/src/main.txt > /built

              RUN echo  x > /x

              """),
        ]),
      Scenario(
        "an ENV change misses the later RUNs, not the COPY between",
        [
          Commit("add the app", dockerfile: Self.env("fast"), app),
          Commit("switch MODE", dockerfile: Self.env("slow")),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("switch MODE back", dockerfile: Self.env("fast")),
        ]),
      Scenario(
        "an ARG default enters every later RUN, used or not",
        [
          Commit("add the app", dockerfile: Self.arguments(used: "1", unused: "1"), app),
          Commit(
            "change the unused ARG's default", dockerfile: Self.arguments(used: "1", unused: "2")),
          Commit(
            "change the used ARG's default", dockerfile: Self.arguments(used: "2", unused: "2")),
          Commit(
            "declare an ARG without a value",
            dockerfile: Self.arguments(used: "2", unused: "2", extra: "ARG EMPTY\n")),
        ]),
      Scenario(
        "a LABEL change changes nothing",
        [
          Commit("add the app", dockerfile: Self.label("LABEL version=1\n"), app),
          Commit("bump the label", dockerfile: Self.label("LABEL version=2\n")),
          Commit("add a label", dockerfile: Self.label("LABEL version=2\nLABEL team=build\n")),
        ]),
      Scenario(
        "a --build-arg overrides the ARG default; undeclared ones are ignored",
        [
          Commit("add the app", dockerfile: Self.version("ARG VERSION=1\n"), app),
          Commit("change the overridden default", dockerfile: Self.version("ARG VERSION=3\n")),
          Commit("drop the default", dockerfile: Self.version("ARG VERSION\n")),
          Commit("stop declaring VERSION", dockerfile: Self.version("")),
        ], buildArgs: [("VERSION", "2"), ("UNDECLARED", "x")]),
      Scenario(
        "a mode change of a copied file misses the COPY",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1
              WORKDIR /app
              COPY . .
              RUN ls -l /app/run.sh > /mode

              """, [.write("run.sh", "echo hi\n"), .write("other.txt", "other\n")]),
          Commit("make run.sh executable", [.chmod("run.sh", mode: 0o755)]),
          Commit("change nothing"),
          Commit("make run.sh plain again", [.chmod("run.sh", mode: 0o644)]),
        ]),
      Scenario(
        "a stage the target does not reach is not built",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1 AS docs
              COPY docs/ /docs/
              RUN cat /docs/index.txt > /site

              FROM local/busybox:1 AS app
              COPY src/ /app/src/
              RUN cat /app/src/main.txt > /built

              """, app + [.write("docs/index.txt", "docs 1\n")]),
          Commit("edit the docs", [.write("docs/index.txt", "docs 2\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
        ]),
      Scenario(
        "--target builds the target and the stages it needs",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1 AS base
              WORKDIR /app
              COPY deps.txt ./
              RUN cat deps.txt > /deps.installed

              FROM base AS test
              COPY tests/ ./tests/
              RUN cat tests/check.txt > /tested

              FROM base AS release
              COPY src/ ./src/
              RUN cat src/main.txt > /built

              """, app + [.write("tests/check.txt", "check 1\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("edit a test", [.write("tests/check.txt", "check 2\n")]),
          Commit("bump a dependency", [.write("deps.txt", "alpha 2\n")]),
        ], target: "test"),
      Scenario(
        "COPY --from hits when a re-run stage gives the same bytes",
        [
          Commit(
            "add the app", dockerfile: Self.twoStages(option: "1"),
            app + [.write("docs/readme.txt", "readme\n")]),
          Commit("change the build stage's ENV", dockerfile: Self.twoStages(option: "2")),
          Commit("edit a file no stage reads", [.write("docs/readme.txt", "readme 2\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
        ], stageOutput: "reproducible"),
      Scenario(
        "COPY --from misses when the stage's output changed",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1 AS build
              COPY version.txt /version.txt
              RUN cat /version.txt > /out

              FROM local/busybox:1
              COPY src/ /app/src/
              COPY --from=build /out /app/out
              RUN cat /app/out /app/src/main.txt > /seen

              """, app + [.write("version.txt", "1.0\n")]),
          Commit("bump the version", [.write("version.txt", "1.1\n")]),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("restore the version", [.write("version.txt", "1.0\n")]),
        ]),
      Scenario(
        "an operation two stages share prints once",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1 AS client
              WORKDIR /src
              COPY client.txt ./
              RUN cat client.txt > /client.out

              FROM local/busybox:1 AS server
              WORKDIR /src
              COPY server.txt ./
              RUN cat server.txt > /server.out

              FROM local/busybox:1
              COPY --from=client /client.out /client.out
              COPY --from=server /server.out /server.out

              """, [.write("client.txt", "client 1\n"), .write("server.txt", "server 1\n")]),
          Commit("edit the client", [.write("client.txt", "client 2\n")]),
          Commit("edit the server", [.write("server.txt", "server 2\n")]),
        ]),
      Scenario(
        "a bind mount of a context file reads its content",
        [
          Commit(
            "add the app",
            dockerfile: """
              FROM local/busybox:1
              COPY src/ /app/src/
              RUN --mount=type=bind,source=config.txt,target=/x cat /x > /seen
              RUN echo after > /after

              """, app + [.write("config.txt", "mode=1\n"), .write("notes.txt", "notes\n")]),
          Commit("edit the mounted file", [.write("config.txt", "mode=2\n")]),
          Commit("edit a file nothing reads", [.write("notes.txt", "notes 2\n")]),
          Commit("restore the mounted file", [.write("config.txt", "mode=1\n")]),
        ]),
      Scenario(
        "a revert is cached under --cache all and rebuilt under --cache previous",
        [
          Commit("add the app", dockerfile: manifestFirst, app),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("revert the edit", [.write("src/main.txt", "print 1\n")]),
          Commit("redo the edit", [.write("src/main.txt", "print 2\n")]),
        ], cache: .previous, revertingCommits: [2, 3]),
      Scenario(
        "--cache none rebuilds everything",
        [
          Commit("add the app", dockerfile: manifestFirst, app),
          Commit("edit the source", [.write("src/main.txt", "print 2\n")]),
          Commit("change nothing"),
        ], cache: .none),
    ]

    static func env(_ mode: String) -> String {
      """
      FROM local/busybox:1
      COPY src/ /app/src/
      ENV MODE=\(mode)
      COPY deps.txt /app/
      RUN echo "$MODE" > /mode
      RUN cat /app/deps.txt > /deps

      """
    }

    static func arguments(used: String, unused: String, extra: String = "") -> String {
      """
      FROM local/busybox:1
      \(extra)ARG USED=\(used)
      RUN echo "$USED" > /used
      ARG UNUSED=\(unused)
      RUN echo fixed > /fixed

      """
    }

    static func label(_ labels: String) -> String {
      """
      FROM local/busybox:1
      \(labels)COPY src/ /app/src/
      RUN cat /app/src/main.txt > /built

      """
    }

    static func version(_ declaration: String) -> String {
      """
      FROM local/busybox:1
      \(declaration)RUN echo "v$VERSION" > /version
      RUN echo after > /after

      """
    }

    static func twoStages(option: String) -> String {
      """
      FROM local/busybox:1 AS build
      ENV OPT=\(option)
      COPY src/ /src/
      RUN cat /src/main.txt > /out

      FROM local/busybox:1
      COPY --from=build /out /app/out
      RUN cat /app/out > /seen

      """
    }
  }
}
