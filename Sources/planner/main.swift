import ArgumentParser
import Foundation
import PlannerCore

// ArgumentParser's own `main()` exits 64 on a usage error; planner's table says 2.
do {
  var command = try PlannerCommand.parseAsRoot()
  try command.run()
} catch {
  let code = PlannerCommand.exitCode(for: error)
  if code == .validationFailure {
    FileHandle.standardError.write(
      Data((PlannerCommand.fullMessage(for: error) + "\n").utf8))
    PlannerCommand.exit(withError: PlannerExit.usage)
  }
  PlannerCommand.exit(withError: error)
}
