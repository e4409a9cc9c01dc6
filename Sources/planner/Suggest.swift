import ArgumentParser
import Dispatch
import PlannerCore

extension Planner.SuggestFormat: ExpressibleByArgument {}

extension PlannerCommand {
  /// Proposes a Dockerfile that builds the same image with fewer rebuilds, measured on history.
  struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "suggest",
      _superCommandName: PlannerCommand.name,
      abstract:
        "Propose a Dockerfile that builds the same image and rebuilds less, measured on the repository's history.",
      discussion: """
        Each proposal is checked to keep the image (final config, and the last writer of every \
        path) and replayed over the same commits as the original. Outside a git repository the \
        savings are estimated on an assumed history. --write replaces the file atomically.
        """)

    @Argument(help: ReviewedFiles.filesHelp) var files: [String] = []

    @Option(name: ReviewedFiles.fileNames, help: ReviewedFiles.fileHelp)
    var fileOptions: [String] = []

    @Option(name: ReviewedFiles.failLevelName, help: ReviewedFiles.failLevelHelp)
    var failLevel: PlannerConfiguration.FailLevel?

    @OptionGroup var replay: ReplayOptions

    // Optional, with the default applied below: ArgumentParser casts a non-optional default
    // to `CaseIterable & RawRepresentable` at every run, a search of the binary's conformances
    // (three of them cost 0.48 million instructions).
    @Option(
      name: .customLong("format"),
      help:
        "Output format (default text): text, json, markdown, diff, or for CI tools sarif, rdjson, gitlab, github (workflow annotations) or checkstyle."
    )
    var chosenFormat: Planner.SuggestFormat?
    var format: Planner.SuggestFormat { chosenFormat ?? .text }

    @Flag(help: "Replace each file with its proposal (atomically, keeping every untouched byte).")
    var write = false

    @Flag(help: "Exit with status 1 when a proposal saves more than --min-saving.")
    var strict = false

    @Option(
      name: .customLong("min-saving"),
      help: ArgumentHelp(
        "The saving, in percent of the replayed rebuild seconds, above which --strict fails (default 5).",
        valueName: "percent"))
    var minSaving: Double?

    var dockerfiles: ReviewedFiles {
      ReviewedFiles(files: files, fileOptions: fileOptions, failLevel: failLevel)
    }
    var paths: [String] { dockerfiles.paths }

    func validate() throws {
      if let minSaving, !(minSaving >= 0 && minSaving.isFinite) {
        throw ValidationError("--min-saving must be a percentage, 0 or more.")
      }
      if paths.contains("-"), write {
        throw ValidationError("--write cannot replace standard input.")
      }
      if paths.filter({ $0 == "-" }).count > 1 {
        throw ValidationError("Standard input ('-') can be read once.")
      }
    }

    func run() throws {
      var status: Int32 = 0
      var overThreshold = false
      var findingsReachLevel = false
      var allFindings: [Finding] = []
      let ciFormat = format.findingFormat
      let context = SharedContext()
      // Several files in JSON: one array of reports, so that the output is one document.
      let jsonArray = format == .json && paths.count > 1
      var reportsWritten = 0
      if jsonArray { ReportPrinter.write("[\n") }
      // The files are independent: work on them in parallel, then report in the given order.
      let results = Results(count: paths.count)
      DispatchQueue.concurrentPerform(iterations: paths.count) { index in
        let path = paths[index]
        let (result, messages) = DiagnosticPrinter.collect {
          Result {
            let configuration = try replay.configuration(for: path)
            return (
              configuration,
              try suggest(path, configuration: configuration, context: context)
            )
          }
        }
        results.set(index, result, messages: messages)
      }
      for (index, path) in paths.enumerated() {
        if index > 0, format != .json, ciFormat == nil { ReportPrinter.write(Array("\n".utf8)) }
        DiagnosticPrinter.emit(results.messages(index))
        do {
          let (configuration, outcome) = try results.get(index)
          if jsonArray, !outcome.report.isEmpty {
            if reportsWritten > 0 { ReportPrinter.write(",\n") }
            ReportPrinter.write(Array(outcome.report.reversed().drop { $0 == 0x0A }.reversed()))
            reportsWritten += 1
          } else {
            ReportPrinter.write(outcome.report)
          }
          DiagnosticPrinter.print(outcome.diagnostics)
          if outcome.hasErrors { status = max(status, PlannerExit.syntaxError.rawValue) }
          allFindings += outcome.findings
          // A file BuildKit would reject is a finding too, so that CI tools show it.
          allFindings += outcome.diagnostics.filter { $0.severity == .error }.map {
            Finding(
              rule: "PL001", level: .error, file: $0.file, range: $0.range, message: $0.message,
              subject: $0.message)
          }
          let threshold = minSaving ?? configuration.minSaving ?? 5
          if outcome.savingPercent > threshold { overThreshold = true }
          let level = dockerfiles.level(configuration)
          if outcome.findings.contains(where: { level.isReached(by: $0.level) }) {
            findingsReachLevel = true
          }
          if write, !outcome.hasErrors, outcome.proposed != (try? ReadFile.bytes(path)) {
            try AtomicFile.write(outcome.proposed, to: path)
          }
        } catch let error as PlannerError {
          status = max(status, PlannerExit.report(error).rawValue)
        } catch let error as PlannerHistoryError {
          status = max(status, PlannerExit.report(error).rawValue)
        }
      }
      if jsonArray { ReportPrinter.write("\n]\n") }
      if let ciFormat {
        let names = paths.map { $0 == "-" ? "<stdin>" : $0 }
        // A repository script's finding comes with every Dockerfile of the run: once is enough.
        var seen: Set<String> = []
        let unique = allFindings.filter { finding in
          seen.insert(
            "\(finding.rule)\u{0}\(finding.file)\u{0}\(finding.range.start.line)\u{0}\(finding.message)"
          ).inserted
        }
        ReportPrinter.write(
          FindingRenderer.render(
            unique, files: names, format: ciFormat,
            toolVersion: PlannerCommand.configuration.version))
      }
      if status != 0 { throw ExitCode(status) }
      if (strict && overThreshold) || findingsReachLevel { throw PlannerExit.findings }
    }

    /// Each file's outcome, filled in by the workers, read in order after.
    final class Results: @unchecked Sendable {
      private let lock = Lock()
      private var values: [Swift.Result<(PlannerConfiguration, Planner.SuggestOutcome), Error>?]
      /// What reading each file wrote to standard error (warnings), to print in order.
      private var written: [String]

      init(count: Int) {
        values = Array(repeating: nil, count: count)
        written = Array(repeating: "", count: count)
      }

      func set(
        _ index: Int, _ value: Swift.Result<(PlannerConfiguration, Planner.SuggestOutcome), Error>,
        messages: String
      ) {
        lock.lock()
        values[index] = value
        written[index] = messages
        lock.unlock()
      }

      func messages(_ index: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        return written[index]
      }

      func get(_ index: Int) throws -> (PlannerConfiguration, Planner.SuggestOutcome) {
        lock.lock()
        let value = values[index]
        lock.unlock()
        guard let value else { throw PlannerError.unreadableFile("", reason: "not read") }
        return try value.get()
      }
    }

    /// One file: its history when it is in a git repository, else the context folder's files.
    func suggest(_ path: String, configuration: PlannerConfiguration, context: SharedContext)
      throws -> Planner.SuggestOutcome
    {
      let source = try DockerfileOptions.read(path)
      let displayName = path == "-" ? "<stdin>" : path
      let ignore = ContextFolder.ignoreFile(dockerfile: path, context: replay.contextFolder)
      let repository = GitRepository(at: replay.contextFolder)
      var history: SimulationInput?
      var contextFiles: [String]
      if let probe = try? repository.probe() {
        let input = try Simulate.readRepository(
          context: replay.contextFolder, commits: replay.commitCount(configuration),
          dockerfile: (path, displayName), current: source, ignore: ignore)
        history = input
        let prefix = probe.prefix.isEmpty ? "" : probe.prefix + "/"
        let tracked = (input.sizes ?? [:]).keys.sorted().compactMap { file in
          file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : nil
        }
        contextFiles = Planner.sentFiles(tracked, ignore: ignore?.text)
      } else {
        contextFiles = try context.sentPaths(replay.contextFolder, ignore: ignore?.text)
      }
      let folder = replay.contextFolder
      let surroundings = context.surroundings(of: contextFiles, ignore: ignore?.text) {
        SharedContext.Surroundings(
          manifests: ContextFolder.manifests(contextFiles, in: folder, from: context),
          hygiene: ContextFolder.hygieneInput(
            file: displayName, contextFiles: contextFiles, folder: folder, ignore: ignore,
            from: context))
      }
      var hygiene = surroundings.hygiene
      hygiene.file = displayName
      return Planner.suggest(
        .init(
          source: source, file: displayName, contextFiles: contextFiles, history: history,
          manifestContents: surroundings.manifests, hygiene: hygiene,
          disabledRules: configuration.disable),
        options: replay.simulationOptions(configuration), format: format)
    }
  }
}

extension PlannerConfiguration.FailLevel: ExpressibleByArgument {}

extension ContextFolder {
  /// The content of the dependency manifests among a context's files (small files only): what an
  /// install reads besides them.
  static func manifests(_ files: [String], in root: String, from context: SharedContext)
    -> [String: [UInt8]]
  {
    var manifests: [String: [UInt8]] = [:]
    for file in files where Planner.SuggestInput.isManifest(file) {
      manifests[file] = context.smallFile(Disk.join(root, file), limit: 1_048_576)
    }
    return manifests
  }

  /// Folders that should never reach a build context: version control and editor settings.
  static let hygieneFolders = [".git", ".svn", ".hg", ".idea", ".vscode"]

  /// What the image-hygiene rules need from the context folder: whether VCS and editor folders
  /// would be sent (git does not list them, so they are looked for on disk), whether there is an
  /// ignore file, and the scripts that might flatten images. `folder` is the context folder as
  /// the user gave it: the scripts are named from there.
  static func hygieneInput(
    file: String, contextFiles: [String], folder root: String,
    ignore: (name: String, text: [UInt8])?, from context: SharedContext
  ) -> HygieneInput {
    var probes: [String] = []
    for folder in hygieneFolders where Disk.exists(Disk.join(root, folder)) {
      // A folder is sent when a file inside it would be; one entry stands for all.
      probes.append(folder + "/" + (Disk.names(in: Disk.join(root, folder)).min() ?? "HEAD"))
    }
    let sent = Planner.sentFiles(probes, ignore: ignore?.text)
    // Shell scripts, Makefiles and CI files near the top of the context (small ones).
    var scripts: [String: [UInt8]] = [:]
    let prefix = root == "." || root.isEmpty ? "" : root + "/"
    for path in contextFiles where scripts.count < 64 && isScript(path) {
      scripts[prefix + path] = context.smallFile(Disk.join(root, path), limit: 262_144)
    }
    return HygieneInput(
      file: file, contextFiles: contextFiles + sent, allContextPaths: contextFiles + probes,
      hasIgnoreFile: ignore != nil, scripts: scripts)
  }

  /// Whether a context path (clean: no empty part) looks like a script that could run
  /// `docker export`. Read on bytes: two splits by character took 5,000 instructions a path.
  static func isScript(_ path: String) -> Bool {
    guard path.utf8.lazy.filter({ $0 == UInt8(ascii: "/") }).count <= 2 else { return false }
    let name = path.lastComponent() ?? path
    return name.hasSuffix(".sh") || name == "Makefile" || name.hasSuffix(".mk")
      || name == "Jenkinsfile" || name.hasSuffix(".bash")
      || (path.hasPrefix(".github/workflows/")
        && (name.hasSuffix(".yml") || name.hasSuffix(".yaml")))
      || name == ".gitlab-ci.yml"
  }
}

/// The context folder that the files of one `suggest` call share: walked once, and each small
/// file in it (manifests, scripts) read once, however many Dockerfiles ask.
final class SharedContext: @unchecked Sendable {
  private let lock = Lock()
  private var walked: [String]?
  private var files: [String: [UInt8]?] = [:]

  func paths(_ folder: String) throws -> [String] {
    lock.lock()
    defer { lock.unlock() }
    if let walked { return walked }
    let paths = try ContextFolder.walk(folder).paths
    walked = paths
    return paths
  }

  /// The walked paths that an ignore file sends, decided once per ignore file.
  func sentPaths(_ folder: String, ignore: [UInt8]?) throws -> [String] {
    let all = try paths(folder)
    return sent.value(for: ignore ?? []) { Planner.sentFiles(all, ignore: ignore) }
  }
  private let sent = SharedMemo<[UInt8], [String]>(limit: 64)

  /// What the Dockerfiles of one call share when they share context files and an ignore file:
  /// the manifests' contents and what the hygiene rules read of the folder (its file name is
  /// the first asker's, for the caller to replace).
  struct Surroundings: Sendable {
    var manifests: [String: [UInt8]]
    var hygiene: HygieneInput
  }
  private struct SurroundingsKey: Hashable, Sendable {
    var files: [String]
    var ignore: [UInt8]?
  }
  private let surroundings = SharedMemo<SurroundingsKey, Surroundings>(limit: 64)

  /// Made by `make` once per key (outside any lock: it reads files through this context).
  func surroundings(of files: [String], ignore: [UInt8]?, make: () -> Surroundings)
    -> Surroundings
  {
    surroundings.value(for: SurroundingsKey(files: files, ignore: ignore), making: make)
  }

  /// A file's bytes when it is at most `limit` bytes long; nil when larger or unreadable.
  func smallFile(_ path: String, limit: Int) -> [UInt8]? {
    lock.lock()
    defer { lock.unlock() }
    let key = "\(limit) \(path)"
    if let known = files[key] { return known }
    var bytes: [UInt8]?
    if let size = Disk.size(of: path), size <= limit, let data = try? Disk.read(path) {
      bytes = data
    }
    files[key] = bytes
    return bytes
  }
}
