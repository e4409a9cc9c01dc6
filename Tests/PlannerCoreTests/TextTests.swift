import Foundation
import Testing

@testable import PlannerCore

/// PlannerCore's own string helpers, against what Foundation (which it no longer imports) gives.
@Suite("Text helpers")
struct TextTests {
  @Test func trimmingSpacesIsFoundationsWhitespaceTrim() {
    for text in ["  a b\t", "\t\u{00A0}x\u{2003}", "", "   ", "a", " \n a \n ", "é "] {
      #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces))
    }
  }

  @Test func replacingAllMatchesBytesLikeFoundation() {
    let cases: [(String, String, String)] = [
      ("a\r\nb", "\n", "%0A"), ("a\r\nb", "\r", "%0D"), ("100%", "%", "%25"),
      ("x|y|", "|", "\\|"), ("aaa", "aa", "b"), ("", "a", "b"), ("é/./f", "/./", "/"),
    ]
    for (text, target, replacement) in cases {
      #expect(
        text.replacingAll(target, with: replacement)
          == text.replacingOccurrences(of: target, with: replacement))
    }
  }

  @Test func firstByteRangeFindsTheFirstOccurrence() throws {
    let text = "ab/./cd/./e"
    let range = try #require(text.firstByteRange(of: "/./"))
    #expect(text[..<range.lowerBound] == "ab")
    #expect(text.firstByteRange(of: "zz") == nil)
    #expect("a\r\nb".firstByteRange(of: "\n") != nil)
  }

  @Test func oneDecimalIsPrintfs() {
    for value in [0.25, 0.35, 0.05, 1.45, 2.5, -0.25, 1e20, 123_456.789, 0] {
      #expect(HistoryReport.format(value) == String(format: "%.1f", value))
    }
    #expect(HistoryReport.format(.infinity) == "inf")
  }
}

extension TextTests {
  @Test func containsIsFoundationsLiteralSearch() {
    let cases: [(String, String)] = [
      ("abc", ""), ("", ""), ("a\r\nb", "\n"), ("NODE_ENV=production", "NODE_ENV"),
      ("npm prune", "prune "), ("é", "e"), ("aaab", "aab"), ("x", "xy"),
    ]
    for (text, other) in cases {
      #expect(
        text.containsLiterally(other) == (text.range(of: other) != nil),
        "\(text) contains \(other)")
    }
  }
}
