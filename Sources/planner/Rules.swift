import ArgumentParser
import PlannerCore

extension RuleCatalog.TableFormat: ExpressibleByArgument {}

extension PlannerCommand {
  /// Lists every rule with its id, for pragmas (`# planner ignore=ID`) and configuration.
  struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rules",
      _superCommandName: PlannerCommand.name,
      abstract: "List every rule planner reports, with its id, kind and level.")

    @Option(help: "Output format: text, json or markdown.")
    var format: RuleCatalog.TableFormat = .text

    func run() throws {
      ReportPrinter.write(RuleCatalog.table(format))
    }
  }
}
