import ArgumentParser
import PlannerCore

extension PlannerCommand {
  /// Lists the build context as BuildKit receives it, and which step reads which file.
  struct Context: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "context",
      _superCommandName: PlannerCommand.name,
      abstract: "List the build context after .dockerignore, and which step reads which file.",
      discussion: """
        The ignore file is <Dockerfile>.dockerignore next to the Dockerfile when it exists, \
        otherwise .dockerignore at the context root, never both, as BuildKit chooses it.
        """)

    @OptionGroup var input: DockerfileOptions

    @Option(
      name: .customLong("context"),
      help: ArgumentHelp("The build context folder.", valueName: "dir"))
    var contextFolder: String = "."

    @Option(
      name: .customLong("paths-from"),
      help: ArgumentHelp(
        "Read the context's files from this newline-separated list ('-' for standard input) "
          + "instead of walking the folder; the ignore file is still read from the folder.",
        valueName: "list"))
    var pathsFrom: String?

    @Flag(name: .customLong("by-step"), help: "Group the files by the step that reads them.")
    var byStep = false

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    func validate() throws {
      if pathsFrom == "-", input.resolvedPath == "-" {
        throw ValidationError(
          "The Dockerfile and --paths-from cannot both come from standard input.")
      }
    }

    func run() throws {
      let dockerfile: [UInt8]
      var paths: [String] = []
      var links: [String: String] = [:]
      var directories: [String] = []
      do {
        dockerfile = try input.read()
        if let pathsFrom {
          paths = try Self.readList(pathsFrom)
        } else {
          (paths, links, directories) = try ContextFolder.walk(contextFolder)
        }
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
      let ignore = ContextFolder.ignoreFile(dockerfile: input.resolvedPath, context: contextFolder)
      let outcome = Planner.context(
        dockerfile: dockerfile, file: input.displayName, contextName: contextFolder, paths: paths,
        links: links, directories: directories, ignore: ignore, byStep: byStep, format: format.core)
      ReportPrinter.write(outcome.report)
      DiagnosticPrinter.print(outcome.diagnostics)
      try PlannerExit.check(outcome.diagnostics)
    }

    /// A newline-separated list of paths; empty lines are skipped.
    static func readList(_ path: String) throws -> [String] {
      let data: [UInt8]
      do {
        data = try path == "-" ? Disk.readAll(0) : Disk.read(path)
      } catch {
        throw PlannerError.unreadableFile(path, reason: error.description)
      }
      return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
        $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
      }.filter { !$0.isEmpty }
    }
  }
}

/// `--format text|json`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json

  var core: Planner.TextOrJSON { self == .text ? .text : .json }
}

/// Reading a context folder from disk.
enum ContextFolder {
  /// Every file and symbolic link under `folder`, relative to it, `/`-separated, and each link's
  /// target as stored. Links are not followed here: BuildKit sends them as links, and follows
  /// one only when a COPY source names it.
  static func walk(_ folder: String) throws -> (
    paths: [String], links: [String: String], directories: [String]
  ) {
    // `docker build` resolves the context folder's own links first.
    guard let root = Disk.realPath(folder.isEmpty ? "." : folder),
      Disk.kind(of: root) == .directory
    else {
      throw PlannerError.unreadableFile(folder, reason: "no such directory")
    }
    var paths: [String] = []
    var links: [String: String] = [:]
    var directories: [String] = []
    do {
      try Disk.walk(root) { relative, isFolder, isLink in
        if isFolder {
          directories.append(relative)
          return
        }
        paths.append(relative)
        if isLink, let target = Disk.linkTarget(Disk.join(root, relative)) {
          links[relative] = target
        }
      }
    } catch {
      throw PlannerError.unreadableFile(folder, reason: "cannot list the directory: \(error)")
    }
    return (paths, links, directories)
  }

  /// The ignore file BuildKit uses, with its display name and bytes; nil when there is none.
  static func ignoreFile(dockerfile: String, context: String) -> (name: String, text: [UInt8])? {
    let chosen = IgnoreFile.choose(
      dockerfilePath: dockerfile, contextPath: context,
      exists: { Disk.exists($0) })
    guard let path = chosen, let data = try? Disk.read(path) else {
      return nil
    }
    // Named as the user wrote the paths (reports hold no absolute paths), without a `./`.
    let name = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    return (name, Array(data))
  }

}
