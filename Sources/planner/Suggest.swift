import ArgumentParser
import Foundation
import PlannerCore

extension Planner.SuggestFormat: ExpressibleByArgument {}

extension PlannerCommand {
  /// Proposes a Dockerfile that builds the same image with fewer rebuilds, measured on history.
  struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Propose a Dockerfile that builds the same image and rebuilds less, measured on the repository's history.",
      discussion: """
        Each proposal is checked to keep the image (final config, and the last writer of every \
        path) and replayed over the same commits as the original. Outside a git repository the \
        savings are estimated on an assumed history. --write replaces the file atomically.
        """)

    @Argument(help: ArgumentHelp("The Dockerfiles to improve.", valueName: "file"))
    var files: [String] = []

    @Option(
      name: [.customShort("f"), .customLong("file")],
      help: "A Dockerfile to improve, as docker build -f (may be repeated).")
    var fileOptions: [String] = []

    @OptionGroup var replay: ReplayOptions

    @Option(help: "Output format: text, json, markdown or diff.")
    var format: Planner.SuggestFormat = .text

    @Flag(help: "Replace each file with its proposal (atomically, keeping every untouched byte).")
    var write = false

    @Flag(help: "Exit with status 1 when a proposal saves more than --min-saving.")
    var strict = false

    @Option(
      name: .customLong("min-saving"),
      help: ArgumentHelp(
        "The saving, in percent of the replayed rebuild seconds, above which --strict fails.",
        valueName: "percent"))
    var minSaving: Double = 5

    var paths: [String] {
      let all = files + fileOptions
      return all.isEmpty ? ["Dockerfile"] : all
    }

    func validate() throws {
      guard minSaving >= 0, minSaving.isFinite else {
        throw ValidationError("--min-saving must be a percentage, 0 or more.")
      }
      if paths.contains("-"), write {
        throw ValidationError("--write cannot replace standard input.")
      }
    }

    func run() throws {
      var failed = false
      var overThreshold = false
      for (index, path) in paths.enumerated() {
        if index > 0, format != .json { ReportPrinter.write(Array("\n".utf8)) }
        do {
          let outcome = try suggest(path)
          ReportPrinter.write(outcome.report)
          DiagnosticPrinter.print(outcome.diagnostics)
          if outcome.hasErrors { failed = true }
          if outcome.savingPercent > minSaving { overThreshold = true }
          if write, !outcome.hasErrors, outcome.proposed != (try? ReadFile.bytes(path)) {
            try AtomicFile.write(outcome.proposed, to: path)
          }
        } catch let error as PlannerError {
          DiagnosticPrinter.print(error)
          failed = true
        } catch let error as PlannerHistoryError {
          DiagnosticPrinter.print(error)
          failed = true
        }
      }
      if failed { throw ExitCode.failure }
      if strict, overThreshold { throw ExitCode.failure }
    }

    /// One file: its history when it is in a git repository, else the context folder's files.
    func suggest(_ path: String) throws -> Planner.SuggestOutcome {
      let source = try DockerfileOptions.read(path)
      let displayName = path == "-" ? "<stdin>" : path
      let ignore = ContextFolder.ignoreFile(dockerfile: path, context: replay.contextFolder)
      let repository = GitRepository(
        at: URL(fileURLWithPath: replay.contextFolder, isDirectory: true))
      var history: SimulationInput?
      var contextFiles: [String]
      if let probe = try? repository.probe() {
        let input = try Simulate.readRepository(
          context: replay.contextFolder, commits: replay.commits, dockerfile: (path, displayName),
          current: source, ignore: ignore)
        history = input
        let prefix = probe.prefix.isEmpty ? "" : probe.prefix + "/"
        let tracked = (input.sizes ?? [:]).keys.sorted().compactMap { file in
          file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : nil
        }
        contextFiles = Planner.sentFiles(tracked, ignore: ignore?.text)
      } else {
        contextFiles = Planner.sentFiles(
          try ContextFolder.walk(replay.contextFolder).paths, ignore: ignore?.text)
      }
      // Manifests are small; their content tells what an install reads besides them.
      var manifests: [String: [UInt8]] = [:]
      let root = URL(fileURLWithPath: replay.contextFolder, isDirectory: true)
      for file in contextFiles where Planner.SuggestInput.isManifest(file) {
        let url = root.appendingPathComponent(file)
        if let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize, size <= 1_048_576,
          let data = try? Data(contentsOf: url)
        {
          manifests[file] = Array(data)
        }
      }
      return Planner.suggest(
        .init(
          source: source, file: displayName, contextFiles: contextFiles, history: history,
          manifestContents: manifests),
        options: replay.simulationOptions, format: format)
    }
  }
}
