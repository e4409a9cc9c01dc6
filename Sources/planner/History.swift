import ArgumentParser
import Foundation
import PlannerCore

extension PlannerCommand {
  /// How often paths change, and how often each step that reads the context would be invalidated.
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        DiagnosticPrinter.print(error)
        throw ExitCode.failure
      }
      // Commits go straight into the model: memory grows with the paths, not the window.
      var model = ChangeModel(halfLife: halfLife)
      let prefix: String
      do {
        if let historyFile {
          try Self.readRecorded(historyFile, limit: commits) { model.add($0) }
          prefix = contextFolder
        } else {
          let repository = GitRepository(at: URL(fileURLWithPath: contextFolder, isDirectory: true))
          prefix = try repository.prefix()
          let warnings = try repository.log(commits: commits) { model.add($0) }
          for warning in warnings { DiagnosticPrinter.print(warning) }
        }
      } catch let error as PlannerHistoryError {
        DiagnosticPrinter.print(error)
        throw ExitCode.failure
      } catch let error as PlannerError {
        DiagnosticPrinter.print(error)
        throw ExitCode.failure
      }
      let ignore = ContextFolder.ignoreFile(dockerfile: input.resolvedPath, context: contextFolder)
      let outcome = Planner.history(
        model: model, dockerfile: dockerfile, file: input.displayName, contextPrefix: prefix,
        ignore: ignore, limit: limit, format: format.core)
      ReportPrinter.write(outcome.report)
      DiagnosticPrinter.print(outcome.diagnostics)
      if outcome.hasErrors { throw ExitCode.failure }
    }

    /// A recorded history, streamed through the parser in 64 KiB chunks.
    static func readRecorded(_ path: String, limit: Int, handler: ([Commit]) -> Void) throws {
      guard let handle = FileHandle(forReadingAtPath: path) else {
        throw PlannerError.unreadableFile(path, reason: "no such file or directory")
      }
      defer { try? handle.close() }
      var parser = GitLogParser(file: path)
      var delivered = 0
      func deliver(_ batch: [Commit]) {
        let kept = batch.prefix(max(0, limit - delivered))
        delivered += kept.count
        if !kept.isEmpty { handler(Array(kept)) }
      }
      while delivered < limit, let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty {
        deliver(parser.feed(Array(chunk)[...]))
      }
      // Stopping at the limit leaves a commit half read: that is not a problem of the file.
      guard delivered < limit else { return }
      let (last, diagnostics) = parser.finish()
      deliver(last)
      DiagnosticPrinter.print(diagnostics)
      if diagnostics.hasErrors { throw ExitCode.failure }
    }
  }
}
