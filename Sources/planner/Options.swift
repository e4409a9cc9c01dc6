import ArgumentParser
import Foundation
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
    if path == "-" {
      return Array(FileHandle.standardInput.readDataToEndOfFile())
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      throw PlannerError.unreadableFile(path, reason: "is a directory")
    }
    do {
      return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw PlannerError.unreadableFile(path, reason: Self.reason(for: error))
    }
  }

  private static func reason(for error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain,
      let code = POSIXErrorCode(rawValue: Int32(underlying.code))
    {
      return String(cString: strerror(code.rawValue)).lowercased()
    }
    if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
      return "no such file or directory"
    }
    return nsError.localizedDescription
  }
}

/// What a replay of the history needs, shared by `simulate` and `suggest`: the context, the
/// window, and the build's target and arguments.
struct ReplayOptions: ParsableArguments {
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

  @Option(
    help:
      "Which earlier builds a step may come from: all (a long-lived builder), previous (the last commit's build, like CI with a registry cache) or none."
  )
  var cache: SimulationOptions.CacheScope = .all

  func validate() throws {
    guard commits >= 1 else { throw ValidationError("--commits must be at least 1.") }
    for argument in buildArgs where !argument.contains("=") {
      throw ValidationError("--build-arg '\(argument)' must be name=value.")
    }
  }

  /// The options these arguments give; the caller adds what only it has.
  var simulationOptions: SimulationOptions {
    var values: [String: String] = [:]
    for argument in buildArgs {
      let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    var options = SimulationOptions(cache: cache, target: target, buildArgs: values)
    options.perBuildArgs = Set(perBuildArgs)
    return options
  }
}
