import ArgumentParser
import PlannerCore

// ArgumentParser's own `main()` exits 64 on a usage error; planner's table says 2.
do {
  var command = try PlannerCommand.parseNamedSubcommand() ?? PlannerCommand.parseAsRoot()
  try command.run()
} catch {
  let code = PlannerCommand.exitCode(for: error)
  if code == .validationFailure {
    Disk.write(Array((PlannerCommand.fullMessage(for: error) + "\n").utf8), to: 2)
    PlannerCommand.exit(withError: PlannerExit.usage)
  }
  PlannerCommand.exit(withError: error)
}
