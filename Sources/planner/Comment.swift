import ArgumentParser
import PlannerCore

extension PlannerCommand {
  /// The Markdown of a pull-request comment: what the change does to rebuild time.
  struct Comment: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "comment",
      _superCommandName: PlannerCommand.name,
      abstract:
        "Write a pull-request comment: what the change does to rebuild time, and planner's fix.",
      discussion: """
        Each Dockerfile is read where the pull request branched off --base (their merge base) \
        and at --head, with the ignore file of each side, and both are replayed over the same \
        last commits of the base. The comment begins with the \
        hidden marker '<!-- planner -->' so that a bot can update its earlier comment.
        """)

    @Argument(help: ReviewedFiles.filesHelp) var files: [String] = []

    @Option(name: ReviewedFiles.fileNames, help: ReviewedFiles.fileHelp)
    var fileOptions: [String] = []

    @Option(name: ReviewedFiles.failLevelName, help: ReviewedFiles.failLevelHelp)
    var failLevel: PlannerConfiguration.FailLevel?

    @Option(help: ArgumentHelp("The pull request's base revision.", valueName: "rev"))
    var base: String

    @Option(help: ArgumentHelp("The pull request's head revision.", valueName: "rev"))
    var head: String = "HEAD"

    @OptionGroup var replay: ReplayOptions

    @Flag(
      name: .customLong("quiet-if-clean"),
      help: "Print nothing when there is nothing to report.")
    var quietIfClean = false

    var dockerfiles: ReviewedFiles {
      ReviewedFiles(files: files, fileOptions: fileOptions, failLevel: failLevel)
    }
    var paths: [String] { dockerfiles.paths }

    func validate() throws {
      if paths.contains("-") {
        throw ValidationError("comment reads each Dockerfile from git; '-' cannot be used.")
      }
    }

    func run() throws {
      let configuration = try replay.configuration(for: paths[0])
      let repository = GitRepository(at: replay.contextFolder)
      do {
        let probe = try repository.probe()
        guard let baseID = repository.resolveCommit(base) else {
          DiagnosticPrinter.print(PlannerError.unreadableFile(base, reason: "not a commit"))
          throw PlannerExit.usage
        }
        guard let headID = repository.resolveCommit(head) else {
          DiagnosticPrinter.print(PlannerError.unreadableFile(head, reason: "not a commit"))
          throw PlannerExit.usage
        }
        // What the pull request changes is measured from where it branched off: a base that
        // moved on since must not be credited to the pull request (as GitHub's diff does).
        let forkPoint = repository.mergeBase(baseID, headID) ?? baseID
        // A commit id (as the Action passes) is shown short, as GitHub shows it.
        let shown =
          base.count == 40 && base.allSatisfy(\.isHexDigit) ? String(base.prefix(7)) : base
        let baseName =
          forkPoint == baseID ? shown : "\(shown) at the merge base \(forkPoint.prefix(7))"
        // The head's tracked files in the context (one `git ls-tree` for every Dockerfile).
        let contextPrefix = probe.prefix.isEmpty ? "" : probe.prefix + "/"
        let headTree = try repository.listTree(headID, under: probe.prefix).compactMap { file in
          file.path.hasPrefix(contextPrefix)
            ? String(file.path.dropFirst(contextPrefix.count)) : nil
        }
        var files: [Planner.CommentInput.File] = []
        var removed: [String] = []
        var history: SimulationInput?
        for path in paths {
          guard let relative = GitRepository.relativePath(of: path, top: probe.top) else {
            throw PlannerExit.report(
              PlannerError.missingDockerfile(path, reason: "is not in the repository"))
          }
          guard
            let file = try read(
              path: path, relative: relative, base: forkPoint, head: headID, probe: probe,
              headTree: headTree, repository: repository)
          else {
            removed.append(path)
            continue
          }
          files.append(file)
          if history == nil {
            history = try Simulate.readRepository(
              context: replay.contextFolder, commits: replay.commitCount(configuration),
              dockerfile: (path, path), current: file.head, ignore: nil, from: forkPoint)
          }
        }
        var outcome = Planner.CommentOutcome.empty
        if let history {
          outcome = Planner.comment(
            .init(
              files: files, history: history, baseName: baseName,
              disabledRules: configuration.disable),
            options: replay.simulationOptions(configuration), quietIfClean: quietIfClean)
        }
        DiagnosticPrinter.print(outcome.diagnostics)
        // A Dockerfile the head cannot build gets no comment: the error says why.
        try PlannerExit.check(outcome.diagnostics)
        ReportPrinter.write(
          Planner.commentNoting(removed: removed, in: outcome, quietIfClean: quietIfClean))
        let level = dockerfiles.level(configuration)
        if outcome.levels.contains(where: level.isReached(by:)) { throw PlannerExit.findings }
      } catch let error as PlannerHistoryError {
        throw PlannerExit.report(error)
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
    }

    /// One Dockerfile at both revisions, with each side's ignore file and the head's context.
    private func read(
      path: String, relative: String, base: String, head: String,
      probe: (prefix: String, isShallow: Bool, top: String), headTree: [String],
      repository: GitRepository
    ) throws -> Planner.CommentInput.File? {
      let context = probe.prefix
      // The ignore file candidates (`<Dockerfile>.dockerignore`, then the context's), each side.
      let candidates = [
        relative + ".dockerignore", context.isEmpty ? ".dockerignore" : context + "/.dockerignore",
      ]
      var names = ["\(base):\(relative)", "\(head):\(relative)"]
      for revision in [base, head] { names += candidates.map { "\(revision):\($0)" } }
      let lookups = try repository.lookUp(names)
      var found: [String: [UInt8]] = [:]
      for (name, lookup) in zip(names, lookups) {
        if let bytes = lookup.bytes { found[name] = bytes }
      }
      guard let headText = found["\(head):\(relative)"] else {
        // Removed by the pull request: nothing of it to review. Missing on both sides: a
        // mistake in the command.
        if found["\(base):\(relative)"] != nil { return nil }
        throw PlannerError.missingDockerfile(path, reason: "not in \(self.head)")
      }
      func ignore(at revision: String) -> SimulationInput.WatchedFile? {
        let chosen = IgnoreFile.choose(
          dockerfilePath: relative, contextPath: context,
          exists: { found["\(revision):\($0)"] != nil })
        return chosen.map { .init(name: $0, path: nil, current: found["\(revision):\($0)"]) }
      }
      let headIgnore = ignore(at: head)
      let prefix = context.isEmpty ? "" : context + "/"
      let contextFiles = Planner.sentFiles(headTree, ignore: headIgnore?.current)
      // The manifests at the head, as the split must copy what they name.
      let manifestNames = contextFiles.filter(Planner.SuggestInput.isManifest)
      var manifests: [String: [UInt8]] = [:]
      let manifestLookups = try repository.lookUp(manifestNames.map { "\(head):\(prefix)\($0)" })
      for (name, lookup) in zip(manifestNames, manifestLookups) {
        if let bytes = lookup.bytes { manifests[name] = bytes }
      }
      return Planner.CommentInput.File(
        name: path, base: found["\(base):\(relative)"], head: headText,
        baseIgnore: ignore(at: base), headIgnore: headIgnore, contextFiles: contextFiles,
        manifestContents: manifests)
    }
  }
}
