/// Fixes that add a flag to a command on the physical line where the command is written
/// (`apk add` → `apk add --no-cache`). A fix is made only when the lines of the instruction show
/// every occurrence of the command exactly once, each with its subcommand on the same line, so
/// that the edit lands on the command the finding is about.
enum LineFix {
  /// A fix inserting ` flag` after `subcommand` in the occurrences of a command that `wanted`
  /// marks, in order; nil when the text does not show exactly `wanted.count` occurrences.
  static func insertingFlag(
    _ flag: String, subcommand: String, program: (String) -> Bool, wanted: [Bool],
    in tree: SyntaxTree, range: SourceRange, file: String, description: String
  ) -> Finding.Fix? {
    guard wanted.contains(true), range.start.line >= 1 else { return nil }
    let lastLine = min(
      range.end.column == 1 && range.end.line > range.start.line
        ? range.end.line - 1 : range.end.line, tree.lineCount)
    guard range.start.line <= lastLine else { return nil }
    var occurrences: [(line: Int, offset: Int)] = []
    for line in range.start.line...lastLine {
      let bytes = tree.byteRange(ofLine: line)
      let tokens = self.tokens(in: tree.source, bytes)
      for (index, token) in tokens.enumerated() where program(token.text) {
        var next = index + 1
        while next < tokens.count, tokens[next].text.hasPrefix("-") { next += 1 }
        if next < tokens.count, tokens[next].text == subcommand {
          occurrences.append((line, tokens[next].end))
        }
      }
    }
    guard occurrences.count == wanted.count else { return nil }
    var edits: [Int: [Int]] = [:]
    for (occurrence, isWanted) in zip(occurrences, wanted) where isWanted {
      edits[occurrence.line, default: []].append(occurrence.offset)
    }
    var replacements: [Finding.Fix.Replacement] = []
    for line in edits.keys.sorted() {
      let bytes = tree.byteRange(ofLine: line)
      var text = Array(tree.source[bytes])
      for offset in (edits[line] ?? []).sorted(by: >) {
        text.insert(contentsOf: Array((" " + flag).utf8), at: offset - bytes.lowerBound)
      }
      replacements.append(
        .init(
          range: SourceRange(
            start: .init(line: line, column: 1), end: .init(line: line + 1, column: 1)),
          text: String(decoding: text, as: UTF8.self)))
    }
    return Finding.Fix(description: description, file: file, replacements: replacements)
  }

  /// The blank-separated tokens of a line, with the byte offset just after each.
  private static func tokens(in source: [UInt8], _ bytes: Range<Int>) -> [(text: String, end: Int)]
  {
    var tokens: [(text: String, end: Int)] = []
    var start: Int?
    for offset in bytes {
      let byte = source[offset]
      let isBlank = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
      if isBlank {
        if let first = start {
          tokens.append((String(decoding: source[first..<offset], as: UTF8.self), offset))
          start = nil
        }
      } else if start == nil {
        start = offset
      }
    }
    if let first = start {
      tokens.append(
        (String(decoding: source[first..<bytes.upperBound], as: UTF8.self), bytes.upperBound))
    }
    return tokens
  }
}
