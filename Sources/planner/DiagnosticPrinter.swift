import Foundation
import PlannerCore

/// Writes diagnostics to standard error, one `file:line:col: severity: message` a line.
enum DiagnosticPrinter {
  static func print(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
      FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
    }
  }

  static func print(_ error: PlannerError) {
    FileHandle.standardError.write(Data(("planner: error: \(error.description)\n").utf8))
  }
}

/// Writes the report to standard output exactly as given.
enum ReportPrinter {
  static func write(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
  }

  static func write(_ text: String) {
    write(Array(text.utf8))
  }
}

extension DiagnosticPrinter {
  /// A problem with git or the history: a warning planner goes on after, or an error.
  static func print(_ problem: PlannerHistoryError) {
    let severity = problem.isWarning ? "warning" : "error"
    FileHandle.standardError.write(Data(("planner: \(severity): \(problem.description)\n").utf8))
  }

  /// A warning about the run rather than about one file's line.
  static func warn(_ message: String) {
    FileHandle.standardError.write(Data(("planner: warning: \(message)\n").utf8))
  }
}
