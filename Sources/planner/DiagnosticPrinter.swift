import PlannerCore

/// Writes diagnostics to standard error, one `file:line:col: severity: message` a line.
enum DiagnosticPrinter {
  static func print(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics { emit(diagnostic.description + "\n") }
  }

  static func print(_ error: PlannerError) {
    emit("planner: error: \(error.description)\n")
  }

  /// Standard error, or the buffer of the file a worker thread is reading (see `collect`).
  static func emit(_ text: String) {
    guard !text.isEmpty else { return }
    if let buffer = Self.buffer {
      buffer.text += text
    } else {
      Disk.write(Array(text.utf8), to: 2)
    }
  }

  /// Runs `body` with what it writes to standard error kept, and returns both, so that files
  /// read in parallel report in the order they were given.
  static func collect<T>(_ body: () -> T) -> (T, String) {
    let buffer = Buffer()
    let result = Self.$buffer.withValue(buffer) { body() }
    return (result, buffer.text)
  }

  /// The current thread's buffer: a task-local value, which outside a task is kept per thread.
  @TaskLocal private static var buffer: Buffer?

  /// Written by one thread only, the one `collect` runs on.
  private final class Buffer: @unchecked Sendable {
    var text = ""
  }
}

/// Writes the report to standard output exactly as given.
enum ReportPrinter {
  static func write(_ bytes: [UInt8]) {
    Disk.write(bytes, to: 1)
  }

  static func write(_ text: String) {
    write(Array(text.utf8))
  }
}

extension DiagnosticPrinter {
  /// A problem with git or the history: a warning planner goes on after, or an error.
  static func print(_ problem: PlannerHistoryError) {
    let severity = problem.isWarning ? "warning" : "error"
    emit("planner: \(severity): \(problem.description)\n")
  }

  /// A warning about the run rather than about one file's line.
  static func warn(_ message: String) {
    emit("planner: warning: \(message)\n")
  }
}
