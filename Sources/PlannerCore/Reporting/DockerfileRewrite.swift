/// Renders a Dockerfile with its instructions in a new order, keeping every byte that does not
/// move.
///
/// Input: a parsed file and the new order, as pieces that are either one of the file's own
/// instructions or the text of a new one. Output: the file's bytes with the new order written
/// into it. The identity order gives the source back byte for byte.
///
/// The file is read as one slot per instruction. A slot's *detached trivia* (blank lines, parser
/// directives, comments separated from the instruction by a blank line) stays where it is; its
/// *unit* (the comment lines directly above the instruction, the instruction's indentation and
/// its text) moves with the instruction; its line ending stays with the slot. Slot `k` receives
/// the `k`-th piece of the order:
///
/// - an original instruction brings its whole unit, bytes unchanged;
/// - an inserted instruction gets the indentation of the slot it lands in and the file's line
///   ending (CRLF when most of the file's lines end in CRLF);
/// - when the order is shorter than the file (a merge), the spare slots keep only their
///   detached trivia; where a removed instruction stood between two runs of blank lines only the
///   longer run is kept, blank lines left before the end of the file are dropped, and a file
///   without a final newline still ends without one;
/// - when the order is longer (a split), the extra pieces follow the last slot's piece, each on
///   its own line, with the last slot's indentation.
///
/// The trivia after the last instruction stays at the end.
enum DockerfileRewrite {
  /// One instruction of the new order.
  enum Piece: Hashable, Sendable {
    /// The instruction at this index of `tree.instructions` (and of `layout.placements`),
    /// together with its directly attached comment lines.
    case original(Int)
    /// A new instruction's text without a line ending. It is shaped like `Placement.text`: the
    /// first line starts at the keyword (the slot supplies the indentation), and continuation
    /// or heredoc lines are written as they should appear. `\n` and `\r\n` inside it become the
    /// file's line ending.
    case inserted(String)
  }

  /// The file with `order` in place of its instructions.
  ///
  /// An `.original` index outside `tree.instructions` is ignored, as if it were not in `order`.
  /// Bytes are only moved, never edited, so a last instruction that ends in a continuation at the
  /// end of the file still continues onto whatever follows it once moved; don't move it.
  static func render(_ tree: SyntaxTree, order: [Piece]) -> [UInt8] {
    let source = tree.source
    let slots = Slot.slots(of: tree)
    guard let last = slots.last else { return source }
    let order = order.filter {
      if case .original(let index) = $0 { return slots.indices.contains(index) }
      return true
    }
    let lineEnding = tree.lineEnding
    let trailing = last.lineEnding.upperBound..<source.count

    func append(_ piece: Piece, indentation: Range<Int>, to out: inout [UInt8]) {
      switch piece {
      case .original(let index):
        out.append(contentsOf: source[slots[index].unit])
      case .inserted(let text):
        out.append(contentsOf: source[indentation])
        out.append(contentsOf: normalized(text, lineEnding: lineEnding))
      }
    }

    var out: [UInt8] = []
    out.reserveCapacity(source.count + 64)
    let filled = min(order.count, slots.count)
    for k in 0..<filled {
      out.append(contentsOf: source[slots[k].detached])
      append(order[k], indentation: slots[k].indentation, to: &out)
      if k == slots.count - 1 {
        for extra in order[slots.count...] {
          out.append(contentsOf: lineEnding)
          append(extra, indentation: slots[k].indentation, to: &out)
        }
      }
      out.append(contentsOf: source[slots[k].lineEnding])
    }
    guard filled < slots.count else {
      out.append(contentsOf: source[trailing])
      return out
    }

    // A merge: the spare slots keep their detached trivia. Each removed instruction took its
    // line ending with it, so the trivia around it now meets; `floor` guards the last piece's
    // line, which must not be touched.
    let floor = out.count
    out.append(contentsOf: source[slots[filled].detached])
    let chunks = slots[(filled + 1)...].map(\.detached) + [trailing]
    for (position, chunk) in chunks.enumerated() {
      let blankLines = trailingBlankLines(out, from: floor)
      if position == chunks.count - 1, isBlank(source, chunk) {
        // Nothing but blank lines follows: the file ends as it ended before.
        out.removeLast(out.count - blankLines.start)
        out.append(contentsOf: source[chunk])
        continue
      }
      let leading = leadingBlankLineEnds(source, in: chunk)
      let dropped = min(blankLines.count, leading.count)
      out.append(
        contentsOf: source[
          (dropped > 0 ? leading[dropped - 1] : chunk.lowerBound)..<chunk.upperBound])
    }
    if source.last != 0x0A, out.last == 0x0A {
      out.removeLast()
      while out.last == 0x0D { out.removeLast() }
    }
    return out
  }

  /// One instruction's share of the file, as byte ranges of the source.
  private struct Slot {
    /// The trivia above the unit that stays in place: blank lines, parser directives, detached
    /// comments, and a leading byte order mark.
    var detached: Range<Int>
    /// What moves: the attached comment lines, the indentation and the instruction's text.
    var unit: Range<Int>
    /// The whitespace before the keyword.
    var indentation: Range<Int>
    /// The rest of the instruction's last line: its line ending, empty at the end of the file.
    var lineEnding: Range<Int>

    static func slots(of tree: SyntaxTree) -> [Slot] {
      let source = tree.source
      let hasByteOrderMark = source.starts(with: [0xEF, 0xBB, 0xBF])
      // Where a line's content starts; the mark belongs to the file, not to the first line.
      func contentStart(ofLine line: Int) -> Int {
        tree.lineStarts[line - 1] + (line == 1 && hasByteOrderMark ? 3 : 0)
      }
      var slots: [Slot] = []
      slots.reserveCapacity(tree.instructions.count)
      var previousEnd = 0
      for (node, placement) in zip(tree.instructions, tree.layout.placements) {
        let keywordLineStart = min(contentStart(ofLine: node.startLine), placement.text.lowerBound)
        let firstCommentLine = max(node.startLine - placement.comments.count, 1)
        let unitStart = max(
          min(contentStart(ofLine: firstCommentLine), keywordLineStart), previousEnd)
        let lineEnd = max(
          tree.byteRange(ofLine: node.endLine).upperBound, placement.text.upperBound)
        slots.append(
          Slot(
            detached: previousEnd..<unitStart, unit: unitStart..<placement.text.upperBound,
            indentation: keywordLineStart..<placement.text.lowerBound,
            lineEnding: placement.text.upperBound..<lineEnd))
        previousEnd = lineEnd
      }
      return slots
    }
  }

  /// An inserted instruction's bytes: trailing line endings dropped, every `\n` or `\r\n` made
  /// `lineEnding`.
  private static func normalized(_ text: String, lineEnding: [UInt8]) -> [UInt8] {
    var bytes = Array(text.utf8)
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    for byte in bytes {
      if byte == 0x0A {
        if out.last == 0x0D { out.removeLast() }
        out.append(contentsOf: lineEnding)
      } else {
        out.append(byte)
      }
    }
    return out
  }

  /// Whether `bytes[range]` holds only whitespace (its line ending included).
  private static func isBlank(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
    GoText.leadingSpaceEnd(bytes, from: range.lowerBound, to: range.upperBound) == range.upperBound
  }

  /// The complete blank lines at the end of `bytes` after `floor` (a line start): how many, and
  /// where the first of them starts.
  private static func trailingBlankLines(_ bytes: [UInt8], from floor: Int) -> (
    count: Int, start: Int
  ) {
    var count = 0
    var end = bytes.count
    while end > floor, bytes[end - 1] == 0x0A {
      var start = end - 1
      while start > floor, bytes[start - 1] != 0x0A { start -= 1 }
      guard isBlank(bytes, start..<end) else { break }
      count += 1
      end = start
    }
    return (count, end)
  }

  /// Where each complete blank line at the start of `bytes[range]` ends, in order.
  private static func leadingBlankLineEnds(_ bytes: [UInt8], in range: Range<Int>) -> [Int] {
    var ends: [Int] = []
    var start = range.lowerBound
    while start < range.upperBound {
      var end = start
      while end < range.upperBound, bytes[end] != 0x0A { end += 1 }
      guard end < range.upperBound, isBlank(bytes, start..<(end + 1)) else { break }
      ends.append(end + 1)
      start = end + 1
    }
    return ends
  }
}
