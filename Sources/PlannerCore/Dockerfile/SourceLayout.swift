/// Where every instruction sits in the file's bytes, so that planner can point at it, move it and
/// write the file back without losing a byte.
///
/// The file is cut into alternating pieces: trivia (blank lines, comments, parser directives,
/// indentation, line endings) and instruction text (from the keyword to the end of its last
/// continuation or heredoc line, line ending excluded). Concatenating the pieces in order gives
/// the original file byte for byte; a rewrite moves instruction pieces and keeps the rest.
struct SourceLayout: Hashable, Sendable {
  /// One instruction's place in the file.
  struct Placement: Hashable, Sendable {
    /// Bytes between the previous instruction's text and this one's keyword.
    var leadingTrivia: Range<Int>
    /// The instruction's own bytes.
    var text: Range<Int>
    /// From the keyword to the end of the last line (exclusive), 1-based, columns in bytes.
    var range: SourceRange
    /// The comment lines directly above the instruction (no blank line between), as written.
    var comments: [String]
  }

  var placements: [Placement]
  /// Bytes after the last instruction.
  var trailingTrivia: Range<Int>

  init(_ tree: SyntaxTree) {
    let source = tree.source
    var placements: [Placement] = []
    placements.reserveCapacity(tree.instructions.count)
    let directiveLines = Set(tree.directives.map(\.line))
    var cursor = 0
    var previousEndLine = 0
    for node in tree.instructions {
      let firstLine = tree.byteRange(ofLine: node.startLine)
      var keyword = firstLine.lowerBound
      if node.startLine == 1, source.count >= 3, source[0] == 0xEF, source[1] == 0xBB,
        source[2] == 0xBF
      {
        keyword += 3
      }
      keyword = GoText.leadingSpaceEnd(source, from: keyword, to: firstLine.upperBound)
      let lastLine = tree.byteRange(ofLine: node.endLine)
      var end = lastLine.upperBound
      while end > lastLine.lowerBound, source[end - 1] == 0x0A || source[end - 1] == 0x0D {
        end -= 1
      }
      end = max(end, keyword)

      var comments: [String] = []
      var line = node.startLine - 1
      while line > previousEndLine, !directiveLines.contains(line) {
        let bytes = tree.byteRange(ofLine: line)
        let first = GoText.leadingSpaceEnd(source, from: bytes.lowerBound, to: bytes.upperBound)
        guard first < bytes.upperBound, source[first] == UInt8(ascii: "#") else { break }
        var lineEnd = bytes.upperBound
        while lineEnd > first, source[lineEnd - 1] == 0x0A || source[lineEnd - 1] == 0x0D {
          lineEnd -= 1
        }
        comments.append(String(decoding: source[first..<lineEnd], as: UTF8.self))
        line -= 1
      }

      let range = SourceRange(
        start: SourcePosition(line: node.startLine, column: keyword - firstLine.lowerBound + 1),
        end: SourcePosition(line: node.endLine, column: end - lastLine.lowerBound + 1))
      placements.append(
        Placement(
          leadingTrivia: cursor..<keyword, text: keyword..<end, range: range,
          comments: comments.reversed()))
      cursor = end
      previousEndLine = node.endLine
    }
    self.placements = placements
    self.trailingTrivia = cursor..<source.count
  }

  /// The file rebuilt from its pieces; equal to the source for any parsed file.
  func render(_ source: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(source.count)
    for placement in placements {
      out.append(contentsOf: source[placement.leadingTrivia])
      out.append(contentsOf: source[placement.text])
    }
    out.append(contentsOf: source[trailingTrivia])
    return out
  }
}

extension SyntaxTree {
  /// The instruction pieces and the trivia between them.
  var layout: SourceLayout { SourceLayout(self) }
}

extension SyntaxTree {
  /// The file's line ending, for new lines: CRLF when most of its lines end in CRLF.
  var lineEnding: [UInt8] {
    var crlf = 0
    var lf = 0
    for index in source.indices where source[index] == 0x0A {
      if index > 0, source[index - 1] == 0x0D { crlf += 1 } else { lf += 1 }
    }
    return crlf > lf ? [0x0D, 0x0A] : [0x0A]
  }

  /// The blanks before an instruction's keyword on its first line (a BOM left out).
  func indentation(of placement: SourceLayout.Placement) -> [UInt8] {
    source[byteRange(ofLine: placement.range.start.line).lowerBound..<placement.text.lowerBound]
      .filter { $0 == 0x20 || $0 == 0x09 }
  }

  /// The file with byte ranges replaced; the ranges must not overlap (an empty range inserts).
  func replacing(_ edits: [(range: Range<Int>, bytes: [UInt8])]) -> [UInt8] {
    var out = source
    for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
      out.replaceSubrange(edit.range, with: edit.bytes)
    }
    return out
  }
}
