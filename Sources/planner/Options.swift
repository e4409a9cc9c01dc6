import ArgumentParser
import Foundation

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
