import Testing

@testable import PlannerCore

/// The whole proposal as one replacement (the fix on SARIF and rdjson findings, the comment's
/// suggestion): applied to the file, it must give exactly the proposal.
@Suite("Proposal as one replacement")
struct ProposalSpanTests {
  /// `text` with `replacement` applied: lines and columns (bytes) are 1-based, the end
  /// exclusive.
  static func apply(_ replacement: Finding.Fix.Replacement, to text: [UInt8]) -> [UInt8] {
    var lineStarts = [0]
    for (index, byte) in text.enumerated() where byte == 0x0A { lineStarts.append(index + 1) }
    func offset(_ position: SourcePosition) -> Int {
      guard position.line - 1 < lineStarts.count else { return text.count }
      return min(text.count, lineStarts[position.line - 1] + position.column - 1)
    }
    var out = text
    out.replaceSubrange(
      offset(replacement.range.start)..<offset(replacement.range.end),
      with: Array(replacement.text.utf8))
    return out
  }

  @Test(arguments: [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc\n", "a\nb\nc\nd\n"),  // an insertion at the end
    ("a\nb\nc\n", "x\na\nb\nc\n"),  // an insertion at the start
    ("a\nb\nc\n", "a\nc\n"),  // a deletion
    ("a\nb\nc\n", "c\nb\na\n"),  // a reversal
    ("a\r\nb\r\nc\r\n", "a\r\nc\r\nb\r\n"),  // CRLF lines stay CRLF
    ("a\nb\nc", "a\nc\nb"),  // no newline at the end
  ])
  func theSpanAppliedGivesTheProposal(old: String, new: String) throws {
    let span = try #require(ProposalSpan.make(old: Array(old.utf8), new: Array(new.utf8)))
    #expect(
      String(decoding: Self.apply(span.replacement, to: Array(old.utf8)), as: UTF8.self) == new)
    // A replacement that removes lines ends on its last line, never past the end of the file.
    if span.oldLines != nil {
      #expect(span.replacement.range.end.line <= old.utf8.split(separator: 0x0A).count)
    }
  }

  @Test func randomEditsOfRandomFilesRoundTrip() {
    var random = SplitMix(state: 7)
    let words = ["FROM a", "RUN x", "COPY . .", "RUN y", "ENV A=1", "", "# note", "CMD z"]
    for _ in 0..<300 {
      var lines = (0..<(Int(random.next() % 9) + 1)).map { _ in
        words[Int(random.next() % UInt64(words.count))]
      }
      let old = Array((lines.joined(separator: "\n") + "\n").utf8)
      for _ in 0..<Int(random.next() % 4) {
        let index = Int(random.next() % UInt64(lines.count))
        switch random.next() % 3 {
        case 0: lines.remove(at: index)
        case 1: lines.insert(words[Int(random.next() % UInt64(words.count))], at: index)
        default: lines.swapAt(index, Int(random.next() % UInt64(lines.count)))
        }
        if lines.isEmpty { lines = ["FROM b"] }
      }
      let new = Array((lines.joined(separator: "\n") + "\n").utf8)
      guard let span = ProposalSpan.make(old: old, new: new) else {
        #expect(old == new)
        continue
      }
      #expect(Self.apply(span.replacement, to: old) == new)
    }
  }
}
