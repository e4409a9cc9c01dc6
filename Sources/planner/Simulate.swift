import ArgumentParser
import PlannerCore

extension SimulationOptions.Builder: ExpressibleByArgument {}
extension SimulationOptions.CacheScope: ExpressibleByArgument {}
extension SimulationOptions.StageOutput: ExpressibleByArgument {}
extension Planner.SimulationFormat: ExpressibleByArgument {}

extension PlannerCommand {
  /// Replays the last commits through the builder's cache, step by step.
  struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "simulate",
      _superCommandName: PlannerCommand.name,
      abstract:
        "Replay the last commits through BuildKit's cache: which steps re-run, why, and at what cost.",
      discussion: """
        Each commit is built as a clean checkout would be: with the Dockerfile and the ignore \
        file of that commit, and the content and mode of the files it holds. Steps cost the \
        default estimate of their kind unless --timings or a '# planner: cost=45s' comment \
        above the step says otherwise.
        """)

    @OptionGroup var input: DockerfileOptions

    @OptionGroup var replay: ReplayOptions

    @Option(help: "The builder whose cache rules apply: buildkit (default) or legacy.")
    var builder: SimulationOptions.Builder?

    @Option(
      name: .customLong("assume-stage-output"),
      help:
        "What a stage that re-ran gives COPY --from and bind mounts: changed (new bytes) or reproducible (the same bytes unless its files or instructions changed)."
    )
    var stageOutput: SimulationOptions.StageOutput = .changed

    @Flag(
      name: .customLong("cold-start"),
      help: "Start from an empty cache instead of one that built the window's parent commit.")
    var coldStart = false

    @Option(
      help: ArgumentHelp(
        "A BuildKit 'docker build --progress=plain' log whose step times replace the estimates.",
        valueName: "file"))
    var timings: String?

    @Option(
      name: .customLong("history-file"),
      help: ArgumentHelp(
        "Replay a recorded history (the output of 'git \(GitLogParser.logArguments(commits: 1).joined(separator: " "))') instead of running git; today's Dockerfile and ignore file then apply to every commit.",
        valueName: "file"))
    var historyFile: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: Planner.SimulationFormat = .text

    @Option(help: ArgumentHelp("Explain why each step of this commit re-ran.", valueName: "commit"))
    var explain: String?

    func validate() throws {
      if historyFile != nil, replay.contextFolder.hasPrefix("/") {
        throw ValidationError(
          "With --history-file, --context is the context's path from the repository root, not an absolute path."
        )
      }
    }

    func options(_ configuration: PlannerConfiguration) -> SimulationOptions {
      var options = replay.simulationOptions(configuration)
      if let builder { options.builder = builder }
      options.stageOutput = stageOutput
      options.coldStart = coldStart
      return options
    }

    func run() throws {
      let simulationInput: SimulationInput
      var timingsLog: [UInt8]?
      let configuration = try replay.configuration(for: input.resolvedPath)
      let commitCount = replay.commitCount(configuration)
      do {
        let current = try input.read()
        if let timings {
          timingsLog = try ReadFile.bytes(timings)
        }
        let ignore = ContextFolder.ignoreFile(
          dockerfile: input.resolvedPath, context: replay.contextFolder)
        if let historyFile {
          var commits: [Commit] = []
          try History.readRecorded(historyFile, limit: commitCount) { commits += $0 }
          simulationInput = SimulationInput(
            commits: commits, contextPrefix: replay.contextFolder,
            dockerfile: .init(name: input.displayName, path: nil, current: current),
            ignoreFile: ignore.map { .init(name: $0.name, path: nil, current: $0.text) })
        } else {
          simulationInput = try Self.readRepository(
            context: replay.contextFolder, commits: commitCount,
            dockerfile: (input.resolvedPath, input.displayName), current: current, ignore: ignore)
        }
      } catch let error as PlannerHistoryError {
        throw PlannerExit.report(error)
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
      // A revision such as HEAD~2 names a commit through git; a prefix is matched as it is.
      var commit = explain
      if let explain, historyFile == nil {
        let repository = GitRepository(at: replay.contextFolder)
        commit = repository.resolveCommit(explain) ?? explain
      }
      let outcome = Planner.simulate(
        simulationInput, options: options(configuration), timingsLog: timingsLog, format: format,
        explain: commit)
      ReportPrinter.write(outcome.report)
      DiagnosticPrinter.print(outcome.diagnostics)
      try PlannerExit.check(outcome.diagnostics)
    }

    /// The window from git: one `git log`, one `git cat-file --batch` for the Dockerfile's and
    /// the ignore file's versions, and, only when the ignore file changed in the window, one
    /// `git ls-tree` for the files no commit touched.
    static func readRepository(
      context: String, commits count: Int, dockerfile: (path: String, name: String),
      current: [UInt8], ignore: (name: String, text: [UInt8])?, from start: String? = nil
    ) throws -> SimulationInput {
      let repository = GitRepository(at: context)
      let probe = try repository.probe()
      // The newest tree (for COPY sizes, and the files no commit touched) is listed while the
      // log is read: `git ls-tree` has to look up every blob's size, the slowest git call here.
      let newestTree = Background {
        Result { () throws(PlannerHistoryError) in
          try repository.listTree(start ?? "HEAD", under: probe.prefix)
        }
      }
      var commits: [Commit] = []
      let warnings = try repository.log(
        commits: count, from: start, knownShallow: probe.isShallow
      ) {
        commits += $0
      }
      for warning in warnings { DiagnosticPrinter.print(warning) }

      let dockerfilePath =
        dockerfile.path == "-"
        ? nil : GitRepository.relativePath(of: dockerfile.path, top: probe.top)
      let ignorePath = ignore.flatMap { GitRepository.relativePath(of: $0.name, top: probe.top) }
      // Each file's versions over the window, and its content at the newest commit.
      var names: [String] = []
      for path in [dockerfilePath, ignorePath].compactMap({ $0 }) {
        names += SimulationInput.blobs(of: path, in: commits).sorted()
        if let newest = commits.first { names.append("\(newest.id):\(path)") }
      }
      let lookups = try repository.lookUp(names)
      var contents: [String: [UInt8]] = [:]
      for (name, lookup) in zip(names, lookups) {
        if let bytes = lookup.bytes { contents[name] = bytes }
        if case .missing(let reason) = lookup {
          DiagnosticPrinter.warn(
            "cannot read \(name) (\(reason)); the file on disk stands in for that version")
        }
      }
      func watched(_ name: String, path: String?, onDisk: [UInt8]?) -> SimulationInput.WatchedFile {
        guard let path, let newest = commits.first else {
          return .init(name: name, path: nil, current: onDisk)
        }
        // The newest commit's version; the file on disk when the commit does not have it.
        let committed = contents["\(newest.id):\(path)"]
        if committed == nil, onDisk != nil {
          DiagnosticPrinter.warn(
            "'\(name)' is not committed; its version on disk is used for every commit that does not change it"
          )
        }
        return .init(name: name, path: path, current: committed ?? onDisk, blobs: contents)
      }
      let dockerfileFile = watched(
        dockerfile.name, path: dockerfilePath, onDisk: current)
      let ignoreFile = ignore.map { watched($0.name, path: ignorePath, onDisk: $0.text) }

      // The newest tree gives the sizes COPY costs are estimated from and, when the ignore
      // file changed in the window, the files no commit touched.
      var untouched: [(path: String, state: SimulationInput.FileState)]?
      var sizes: [String: Int] = [:]
      if !commits.isEmpty {
        let tree = try newestTree.value.get()
        for file in tree { sizes[file.path] = file.size }
        if SimulationInput.changes(ignorePath, in: commits) {
          var touched: Set<String> = []
          for commit in commits { for change in commit.changes { touched.insert(change.path) } }
          untouched = tree.compactMap { file in
            touched.contains(file.path)
              ? nil : (file.path, SimulationInput.FileState(blob: file.blob, mode: file.mode))
          }
        }
      }
      return SimulationInput(
        commits: commits, contextPrefix: probe.prefix, dockerfile: dockerfileFile,
        ignoreFile: ignoreFile, untouched: untouched, sizes: sizes)
    }
  }
}

/// Reads a whole file given on the command line.
enum ReadFile {
  static func bytes(_ path: String) throws -> [UInt8] {
    guard let kind = Disk.kind(of: path) else {
      throw PlannerError.unreadableFile(path, reason: "no such file or directory")
    }
    guard kind != .directory else {
      throw PlannerError.unreadableFile(path, reason: "is a directory")
    }
    do {
      return try Disk.read(path)
    } catch {
      throw PlannerError.unreadableFile(path, reason: error.description)
    }
  }
}
