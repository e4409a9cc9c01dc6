import ArgumentParser
import PlannerCore

extension PlannerCommand {
  /// Prints what BuildKit's parser sees in a Dockerfile.
  struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "parse",
      _superCommandName: PlannerCommand.name,
      abstract: "Parse a Dockerfile exactly as BuildKit does and print the result.",
      discussion: """
        --format buildkit-dump prints what BuildKit's parser.Parse(…).AST.Dump() prints, plus a \
        final newline. --format json prints planner's model: every instruction with its flags, \
        arguments, heredocs, exact text, comments and source range, and the stages with each \
        instruction's kind and statically expanded values. --check prints no report, only \
        diagnostics: exit status 1 means BuildKit would reject the file.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case json
      case buildkitDump = "buildkit-dump"
    }

    @OptionGroup var input: DockerfileOptions

    @Option(help: "The report: json (planner's model) or buildkit-dump (BuildKit's AST dump).")
    var format: Format = .json

    @Flag(help: "Print no report, only diagnostics (BuildKit's parser and instruction rules).")
    var check = false

    func run() throws {
      let source: [UInt8]
      do {
        source = try input.read()
      } catch let error as PlannerError {
        throw PlannerExit.report(error)
      }
      let coreFormat: Planner.ParseFormat =
        check ? .check : format == .json ? .json : .buildkitDump
      let outcome = Planner.parse(source, file: input.displayName, format: coreFormat)
      ReportPrinter.write(outcome.report)
      DiagnosticPrinter.print(outcome.diagnostics)
      try PlannerExit.check(outcome.diagnostics)
    }
  }
}
