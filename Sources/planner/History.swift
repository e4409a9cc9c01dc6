import ArgumentParser
import PlannerCore

extension PlannerCommand {
  /// How often paths change, and how often each step that reads the context would be invalidated.
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      _superCommandName: PlannerCommand.name,
      abstract:
        "Show which paths change most, and how often each step that reads the context is invalidated.",
      discussion: """
        Reads the last N first-parent commits of the repository that holds the context folder \
        with one streaming git process, or a recorded history (--history-file, the bytes of \
        the same git log command). Rates are shares of commits, smoothed as (k + 1) / (n + 2).
        """)

    @OptionGroup var input: DockerfileOptions

    @Option(
      name: .customLong("context"),
      help: ArgumentHelp("The build context folder.", valueName: "dir"))
    var contextFolder: String = "."

    @Option(help: "How many first-parent commits to read.")
    var commits: Int = 50

    @Option(
      name: .customLong("half-life"),
      help: ArgumentHelp(
        "Weigh recent commits more: a commit this many commits older counts half.",
        valueName: "commits"))
    var halfLife: Double?

    @Option(
      name: .customLong("history-file"),
      help: ArgumentHelp(
        "Read a recorded history instead of running git (the output of 'git \(GitLogParser.logArguments(commits: 1).joined(separator: " "))' with any count); --context is then relative to the repository root.",
        valueName: "file"))
    var historyFile: String?

    @Option(help: "How many of the most-changed paths to show.")
    var limit: Int = 20

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    func validate() throws {
      guard commits >= 1 else { throw ValidationError("--commits must be at least 1.") }
      if historyFile != nil, contextFolder.hasPrefix("/") {
        throw ValidationError(
          "With --history-file, --context is the context's path from the repository root, not an absolute path."
        )
      }
      guard limit >= 0 else { throw ValidationError("--limit cannot be negative.") }
      if let halfLife, !(halfLife > 0 && halfLife.isFinite) {
        throw ValidationError("--half-life must be a positive number of commits.")
      }
    }

    func run() throws {
      let dockerfile: [UInt8]
      do {
        dockerfile = try input.read()
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
      // Commits go straight into the model: memory grows with the paths, not the window.
      var model = ChangeModel(halfLife: halfLife)
      let ignore = ContextFolder.ignoreFile(dockerfile: input.resolvedPath, context: contextFolder)
      var ignoreHistory = ignore.map { IgnoreFileHistory(name: $0.name, current: $0.text) }
      let prefix: String
      var linkPaths: [String] = []
      do {
        if let historyFile {
          try Self.readRecorded(historyFile, limit: commits) { model.add($0) }
          prefix = contextFolder
        } else {
          let repository = GitRepository(at: contextFolder)
          let probe = try repository.probe()
          prefix = probe.prefix
          func repositoryPath(_ path: String) -> String? {
            GitRepository.relativePath(of: path, top: probe.top)
          }
          let watched = FileWatch(
            ignore: ignore.flatMap { repositoryPath($0.name) },
            dockerfile: input.resolvedPath == "-" ? nil : repositoryPath(input.resolvedPath))
          var changes = FileWatch.Changes()
          defer { linkPaths = changes.links }
          let warnings = try repository.log(commits: commits, knownShallow: probe.isShallow) {
            batch in
            changes.record(batch, watching: watched, startingAt: model.commitCount)
            model.add(batch)
          }
          for warning in warnings { DiagnosticPrinter.print(warning) }
          if let ignore, let path = watched.ignore {
            ignoreHistory = try Self.ignoreVersions(
              name: ignore.name, path: path, current: ignore.text, changes: changes.ignore,
              in: repository)
          }
          if let added = changes.dockerfileAdded, added.index + 1 < model.commitCount {
            let older = model.commitCount - added.index - 1
            DiagnosticPrinter.warn(
              "'\(input.displayName)' was added by commit \(added.id.prefix(12)); the \(older) older "
                + "commits of the window had no Dockerfile and are judged with today's")
          }
        }
      } catch let error as PlannerHistoryError {
        throw PlannerExit.report(error)
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
      let links =
        historyFile == nil ? Self.links(linkPaths, prefix: prefix, context: contextFolder) : [:]
      let outcome = Planner.history(
        model: model, dockerfile: dockerfile, file: input.displayName, contextPrefix: prefix,
        ignoreHistory: ignoreHistory, links: links, limit: limit, format: format.core)
      ReportPrinter.write(outcome.report)
      DiagnosticPrinter.print(outcome.diagnostics)
      try PlannerExit.check(outcome.diagnostics)
    }

    /// The symbolic links among `paths` (repository-relative) that are still links in the context
    /// folder, with their targets: the links a step may follow. Only links that changed in the
    /// window are known this way, which spares walking the whole tree.
    static func links(_ paths: [String], prefix: String, context: String) -> [String: String] {
      var links: [String: String] = [:]
      for path in paths {
        var relative = path
        if !prefix.isEmpty {
          guard path.hasPrefix(prefix + "/") else { continue }
          relative = String(path.dropFirst(prefix.count + 1))
        }
        if let target = Disk.linkTarget(Disk.join(context, relative)) {
          links[relative] = target
        }
      }
      return links
    }

    /// The ignore file's contents over the window, read with one `git cat-file --batch`: the
    /// content each changing commit left, and the content before the oldest change.
    static func ignoreVersions(
      name: String, path: String, current: [UInt8], changes: [(index: Int, id: String)],
      in repository: GitRepository
    ) throws(PlannerHistoryError) -> IgnoreFileHistory {
      guard let oldest = changes.last else {
        return IgnoreFileHistory(name: name, current: current)
      }
      var requests = changes.map { (commit: $0.id, path: path) }
      requests.append((commit: oldest.id + "^", path: path))
      let lookups = try repository.lookUpBlobs(requests, knownRepository: true)
      for warning in GitRepository.warnings(for: lookups, of: requests) where !warning.isAbsence {
        DiagnosticPrinter.print(warning)
      }
      var versions: [IgnoreFileHistory.Version] = []
      // The newest change's content applies from the newest commit down to that change; each
      // older change's content from just after the previous change; the content before the
      // oldest change to every older commit.
      var from = 0
      for (change, lookup) in zip(changes, lookups) {
        versions.append(.init(from: from, text: lookup.bytes))
        from = change.index + 1
      }
      versions.append(.init(from: from, text: lookups.last?.bytes))
      return IgnoreFileHistory(name: name, versions: versions)
    }

    /// A recorded history, streamed through the parser in 64 KiB chunks.
    static func readRecorded(_ path: String, limit: Int, handler: ([Commit]) -> Void) throws {
      guard let kind = Disk.kind(of: path) else {
        throw PlannerError.unreadableFile(path, reason: "no such file or directory")
      }
      guard kind != .directory else {
        throw PlannerError.unreadableFile(path, reason: "is a directory")
      }
      var parser = GitLogParser(file: path)
      var delivered = 0
      func deliver(_ batch: [Commit]) {
        let kept = batch.prefix(max(0, limit - delivered))
        delivered += kept.count
        if !kept.isEmpty { handler(Array(kept)) }
      }
      do throws(SystemError) {
        try Disk.read(path, inChunksOf: 65_536) { chunk in
          deliver(parser.feed(chunk[...]))
          return delivered < limit
        }
      } catch {
        throw PlannerError.unreadableFile(path, reason: error.description)
      }
      // Stopping at the limit leaves a commit half read: that is not a problem of the file.
      guard delivered < limit else { return }
      let (last, diagnostics) = parser.finish()
      deliver(last)
      DiagnosticPrinter.print(diagnostics)
      try PlannerExit.check(diagnostics)
    }
  }
}

/// The two files whose changes `planner history` follows while the log streams by.
struct FileWatch {
  /// Repository-relative paths.
  var ignore: String?
  var dockerfile: String?

  /// Where the watched files changed: commit indices (0 is the newest) and ids, newest first.
  struct Changes {
    var ignore: [(index: Int, id: String)] = []
    /// The commit that added the Dockerfile, when the window reaches it.
    var dockerfileAdded: (index: Int, id: String)?
    /// Paths that some change of the window made a symbolic link (mode 120000); whether each is
    /// still one is checked on disk.
    var links: [String] { linkSet.sorted() }
    private var linkSet: Set<String> = []

    mutating func record(_ batch: [Commit], watching watch: FileWatch, startingAt first: Int) {
      for (offset, commit) in batch.enumerated() {
        for change in commit.changes {
          if change.newMode == 0o120000 { linkSet.insert(change.path) }
          if change.path == watch.ignore {
            ignore.append((first + offset, commit.id))
          } else if change.path == watch.dockerfile, change.status == .added, dockerfileAdded == nil
          {
            dockerfileAdded = (first + offset, commit.id)
          }
        }
      }
    }
  }
}
