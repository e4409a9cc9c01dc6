/// A parser directive from the top of the file (`# syntax=…`, `# escape=…`, `# check=…`).
struct ParserDirective: Hashable, Sendable, Codable {
  /// The key in lower case.
  var name: String
  var value: String
  var line: Int
}

/// What BuildKit's raw parser produces for a whole file, plus the source it came from.
struct SyntaxTree: Hashable, Sendable {
  /// The file's bytes, unchanged.
  var source: [UInt8]
  /// Byte offset where each physical line starts; line `n` (1-based) starts at `lineStarts[n-1]`.
  var lineStarts: [Int]
  var instructions: [SyntaxNode]
  var directives: [ParserDirective]
  /// `\` or the backtick chosen by `# escape=`.
  var escapeToken: UInt8
  /// BuildKit's parse warnings (empty continuation lines).
  var warnings: [Diagnostic]

  /// The number of physical lines.
  var lineCount: Int { lineStarts.count }

  /// Byte offsets `start..<end` of physical line `line` (1-based), line ending included.
  func byteRange(ofLine line: Int) -> Range<Int> {
    let start = lineStarts[line - 1]
    let end = line < lineStarts.count ? lineStarts[line] : source.count
    return start..<end
  }
}
