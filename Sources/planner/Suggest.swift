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

    @Option(
      name: .customLong("context"),
      help: ArgumentHelp("The build context folder.", valueName: "dir"))
    var contextFolder: String = "."

    @Option(help: "How many first-parent commits to replay.")
    var commits: Int = 50

    @Option(help: ArgumentHelp("The stage to build (default: the last one).", valueName: "stage"))
    var target: String?

    @Option(
      name: .customLong("build-arg"),
      help: ArgumentHelp("A build argument, as docker build --build-arg.", valueName: "name=value"))
    var buildArgs: [String] = []

    @Option(
      name: .customLong("per-build-arg"),
      help: ArgumentHelp(
        "A build argument given a new value at every build (a commit id, a build number).",
        valueName: "name"))
    var perBuildArgs: [String] = []

    @Option(help: "Which earlier builds a step may come from: all, previous or none.")
    var cache: SimulationOptions.CacheScope = .all

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
      guard commits >= 1 else { throw ValidationError("--commits must be at least 1.") }
      guard minSaving >= 0, minSaving.isFinite else {
        throw ValidationError("--min-saving must be a percentage, 0 or more.")
      }
      for argument in buildArgs where !argument.contains("=") {
        throw ValidationError("--build-arg '\(argument)' must be name=value.")
      }
      if paths.contains("-"), write {
        throw ValidationError("--write cannot replace standard input.")
      }
    }

    var options: SimulationOptions {
      var values: [String: String] = [:]
      for argument in buildArgs {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
      }
      var options = SimulationOptions(cache: cache, target: target, buildArgs: values)
      options.perBuildArgs = Set(perBuildArgs)
      return options
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
      let ignore = ContextFolder.ignoreFile(dockerfile: path, context: contextFolder)
      let repository = GitRepository(at: URL(fileURLWithPath: contextFolder, isDirectory: true))
      var history: SimulationInput?
      var contextFiles: [String]
      if let probe = try? repository.probe() {
        let input = try Simulate.readRepository(
          context: contextFolder, commits: commits, dockerfile: (path, displayName),
          current: source, ignore: ignore)
        history = input
        let prefix = probe.prefix.isEmpty ? "" : probe.prefix + "/"
        let tracked = (input.sizes ?? [:]).keys.sorted().compactMap { file in
          file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : nil
        }
        contextFiles = Planner.sentFiles(tracked, ignore: ignore?.text)
      } else {
        contextFiles = Planner.sentFiles(
          try ContextFolder.walk(contextFolder).paths, ignore: ignore?.text)
      }
      // Manifests are small; their content tells what an install reads besides them.
      var manifests: [String: [UInt8]] = [:]
      let root = URL(fileURLWithPath: contextFolder, isDirectory: true)
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
        options: self.options, format: format)
    }
  }
}
