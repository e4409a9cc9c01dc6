import ArgumentParser
import PlannerCore

/// planner's exit statuses, the same for every command (the README's table):
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | done; nothing at or above `--fail-level` |
/// | 1 | findings at or above `--fail-level` (or a saving above `--min-saving` with `--strict`) |
/// | 2 | usage or configuration error (a bad flag, a file named on the command line missing) |
/// | 3 | no Dockerfile found (missing or unreadable) |
/// | 4 | a Dockerfile (or other input) has a syntax error |
/// | 5 | git or the file system failed (history unreadable, a file not writable) |
enum PlannerExit {
  static let findings = ExitCode(1)
  static let usage = ExitCode(2)
  static let noDockerfile = ExitCode(3)
  static let syntaxError = ExitCode(4)
  static let environment = ExitCode(5)

  /// The status of a run that reported `diagnostics` (errors in the input make it 4).
  static func check(_ diagnostics: [Diagnostic]) throws {
    if diagnostics.hasErrors { throw syntaxError }
  }

  /// Prints a failure of the environment and returns the status it ends the run with.
  static func report(_ error: PlannerError) -> ExitCode {
    DiagnosticPrinter.print(error)
    switch error {
    case .missingDockerfile: return noDockerfile
    case .unreadableFile: return usage
    case .unwritableFile: return environment
    }
  }

  static func report(_ error: PlannerHistoryError) -> ExitCode {
    DiagnosticPrinter.print(error)
    return environment
  }
}
