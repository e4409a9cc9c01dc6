import ArgumentParser
import PlannerCore

/// Which Dockerfile to read: a positional `FILE`, or `-f/--file` as `docker build` spells it.
struct DockerfileOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp("The Dockerfile to read ('-' reads standard input).", valueName: "file"))
  var path: String?

  @Option(
    name: [.customShort("f"), .customLong("file")],
    help: "The Dockerfile to read, as docker build -f.")
  var file: String?

  /// The chosen path, `Dockerfile` by default.
  var resolvedPath: String { file ?? path ?? "Dockerfile" }

  /// The name diagnostics use: the path as the user gave it, `<stdin>` for standard input.
  var displayName: String { resolvedPath == "-" ? "<stdin>" : resolvedPath }

  func validate() throws {
    if file != nil, path != nil {
      throw ValidationError("Give the Dockerfile either as FILE or with -f/--file, not both.")
    }
  }

  /// The file's bytes, unchanged.
  func read() throws -> [UInt8] { try Self.read(resolvedPath) }

  /// The bytes of a Dockerfile given on the command line (`-` for standard input), unchanged.
  static func read(_ path: String) throws -> [UInt8] {
    do {
      if path == "-" { return try Disk.readAll(0) }
      if Disk.kind(of: path) == .directory {
        throw PlannerError.missingDockerfile(path, reason: "is a directory")
      }
      return try Disk.read(path)
    } catch let error as SystemError {
      throw PlannerError.missingDockerfile(path, reason: error.description)
    }
  }

}

/// What a replay of the history needs, shared by `simulate`, `suggest` and `comment`: the
/// context, the window, the build's target and arguments, and the configuration file whose
/// settings apply where no flag is given.
struct ReplayOptions: ParsableArguments {
  // Optional for the reason `suggest --format` is.
  @Option(
    name: .customLong("context"),
    help: ArgumentHelp("The build context folder (default: the working folder).", valueName: "dir"))
  var context: String?
  var contextFolder: String { context ?? "." }

  @Option(help: "How many first-parent commits to replay (default 50).")
  var commits: Int?

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

  @Option(
    help:
      "Which earlier builds a step may come from: all (a long-lived builder), previous (the last commit's build, like CI with a registry cache) or none."
  )
  var cache: SimulationOptions.CacheScope?

  @Option(
    help: ArgumentHelp(
      "The configuration file (default: the nearest .planner.json from the Dockerfile's folder up to the repository's top).",
      valueName: "file"))
  var config: String?

  @Flag(name: .customLong("no-config"), help: "Read no configuration file.")
  var noConfig = false

  func validate() throws {
    if let commits, commits < 1 { throw ValidationError("--commits must be at least 1.") }
    for argument in buildArgs where !argument.contains("=") {
      throw ValidationError("--build-arg '\(argument)' must be name=value.")
    }
    if config != nil, noConfig {
      throw ValidationError("Give either --config or --no-config, not both.")
    }
  }

  /// The configuration that applies to a Dockerfile: the one named with --config, else the
  /// nearest `.planner.json`; none with --no-config. A broken file stops the run (exit 2).
  func configuration(for dockerfile: String) throws -> PlannerConfiguration {
    if noConfig { return PlannerConfiguration() }
    let path =
      config
      ?? ConfigurationFile.find(
        from: dockerfile == "-" ? contextFolder : Disk.parent(Disk.absolute(dockerfile)))
    guard let path else { return PlannerConfiguration() }
    return try ConfigurationFile.load(path)
  }

  /// The window's length: the flag, else the configuration, else 50.
  func commitCount(_ configuration: PlannerConfiguration) -> Int {
    commits ?? configuration.commits ?? 50
  }

  /// The options these arguments and the configuration give (flags win); the caller adds what
  /// only it has.
  func simulationOptions(_ configuration: PlannerConfiguration = PlannerConfiguration())
    -> SimulationOptions
  {
    var values = configuration.buildArgs
    for argument in buildArgs {
      let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    var options = SimulationOptions(
      cache: cache ?? configuration.cache ?? .all, target: target ?? configuration.target,
      buildArgs: values)
    options.builder = configuration.builder ?? .buildkit
    options.perBuildArgs = Set(perBuildArgs + configuration.perBuildArgs)
    options.costOverrides = configuration.costs
    return options
  }
}

/// Finds and reads `.planner.json`.
enum ConfigurationFile {
  static let name = ".planner.json"

  /// The nearest configuration file from `folder` upward, stopping at the folder that holds
  /// `.git` (the repository's top) or at the root.
  static func find(from folder: String) -> String? {
    for folder in Disk.foldersUpward(from: Disk.absolute(folder)) {
      let candidate = Disk.join(folder, name)
      if Disk.exists(candidate) { return candidate }
      if Disk.exists(Disk.join(folder, ".git")) { return nil }
    }
    return nil
  }

  static func load(_ path: String) throws -> PlannerConfiguration {
    let bytes = try ReadFile.bytes(path)
    let (configuration, diagnostics) = PlannerConfiguration.parse(bytes, file: displayPath(path))
    DiagnosticPrinter.print(diagnostics)
    if diagnostics.hasErrors { throw PlannerExit.usage }
    return configuration
  }

  /// A found path made relative to the working folder when it is below it.
  static func displayPath(_ path: String) -> String {
    let here = Disk.currentFolder()
    let standardized = Disk.absolute(path)
    return standardized.hasPrefix(here + "/")
      ? String(standardized.dropFirst(here.count + 1)) : path
  }
}

/// What `suggest` and `comment` share: the Dockerfiles they review, given as FILE… or with
/// -f/--file (as `docker build -f`), `Dockerfile` by default, and the level of finding that fails
/// the run. Each command declares the three options itself, with the names and texts below, and
/// makes this from them: as an option group, ArgumentParser reflected over one more type at every
/// run, 0.7 million of a suggest's instructions (0.06 to 0.14 ms side by side). An earlier round
/// made these one group instead of two, for the same reason.
struct ReviewedFiles {
  static let filesHelp = ArgumentHelp("The Dockerfiles (default: Dockerfile).", valueName: "file")
  static let fileNames: NameSpecification = [.customShort("f"), .customLong("file")]
  static let fileHelp: ArgumentHelp = "A Dockerfile, as docker build -f (may be repeated)."
  static let failLevelName: NameSpecification = .customLong("fail-level")
  static let failLevelHelp = ArgumentHelp(
    "Exit with status 1 (after printing the report) when a finding is at this level or above: error, warning, note or none (default). For comment, a pull request that adds rebuild time is a warning.",
    valueName: "level")

  var files: [String]
  var fileOptions: [String]
  var failLevel: PlannerConfiguration.FailLevel?

  var paths: [String] {
    let all = files + fileOptions
    return all.isEmpty ? ["Dockerfile"] : all
  }

  /// The flag, else the configuration's, else none.
  func level(_ configuration: PlannerConfiguration) -> PlannerConfiguration.FailLevel {
    failLevel ?? configuration.failLevel ?? .none
  }
}
