/// A 1-based position in a file. Columns count bytes, as BuildKit and gcc do.
package struct SourcePosition: Hashable, Sendable, Codable, Comparable {
  package var line: Int
  package var column: Int

  package static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}

/// A span of a file: from `start` up to, not including, `end`.
package struct SourceRange: Hashable, Sendable, Codable {
  package var start: SourcePosition
  package var end: SourcePosition

  /// A range covering whole lines `first...last` when columns are not known.
  static func lines(_ first: Int, _ last: Int) -> SourceRange {
    SourceRange(start: .init(line: first, column: 1), end: .init(line: max(first, last), column: 1))
  }
}

/// A problem in the user's input, returned as a value so one run reports every problem.
package struct Diagnostic: Hashable, Sendable, Codable {
  package enum Severity: String, Hashable, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
  }

  package var severity: Severity
  package var message: String
  package var file: String
  package var range: SourceRange

  init(_ severity: Severity, _ message: String, file: String, range: SourceRange) {
    self.severity = severity
    self.message = message
    self.file = file
    self.range = range
  }

  /// `file:line:col: severity: message`, the format compilers and editors understand.
  package var description: String {
    "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
  }
}

extension [Diagnostic] {
  package var hasErrors: Bool { contains { $0.severity == .error } }
}
