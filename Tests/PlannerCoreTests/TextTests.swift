import Foundation
import Testing

@testable import PlannerCore

/// PlannerCore's own string helpers, against what Foundation (which it no longer imports) gives.
@Suite("Text helpers")
struct TextTests {
  @Test func trimmingSpacesIsFoundationsWhitespaceTrim() {
    for text in [
      "  a b\t", "\t\u{00A0}x\u{2003}", "", "   ", "a", " \n a \n ", "é ", "a\u{301}",
      "\u{0600}a", "x\u{2003}", "\u{2003}x", "a b", "\u{0600} ", "x \u{301}",
    ] {
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

  @Test func piecesAreWhatASplitGives() {
    for text in Set(Self.texts(of: ["", " ", "a", "bc", "é", "/", "  ", "x/y"], upTo: 4)) {
      for separator in [" ", "/"] {
        let expected = text.split(separator: Character(separator)).map(String.init)
        #expect(
          text.pieces(separatedBy: UInt8(ascii: Unicode.Scalar(separator)!)) == expected, "\(text)")
      }
    }
  }

  /// PlannerCore's `joined(separator:)` for arrays, against the standard library's, which a
  /// sequence that is not an array still gets.
  @Test func joinedIsTheStandardLibrarysJoin() {
    // Every list of up to three of these strings, the empty list included.
    for text in Self.texts(of: ["", "a", "bc", "é"], upTo: 3, separator: "|") {
      let pieces = text.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
      let strings = pieces.map(String.init)
      for separator in ["", " ", ", ", "\u{0}"] {
        #expect(
          strings.joined(separator: separator)
            == AnySequence(strings).joined(separator: separator), "\(strings)")
        #expect(
          Array(pieces).joined(separator: separator)
            == AnySequence(pieces).joined(separator: separator), "\(strings)")
      }
    }
    #expect(["x", "y"].joined() == "xy")
  }

  @Test func beforeLastSlashIsTheFolderOnBytes() {
    #expect("a/b/c".beforeLastSlash() == "a/b")
    #expect("/c".beforeLastSlash() == "")
    #expect("c".beforeLastSlash() == nil)
    #expect("a/".beforeLastSlash() == "a")
    #expect("é/\u{301}x".beforeLastSlash() == "é")
  }

  @Test func lastComponentIsWhatASplitGivesLast() {
    for path in ["", "/", "//", "a", "/a", "a/", "a//", "a/b", "/a/b/", "a//b", ".github/w/x.yml"] {
      #expect(
        path.lastComponent() == path.split(separator: "/").last.map(String.init), "\(path)")
    }
    // On bytes: a `/` before a combining mark separates, which a split by character does not.
    #expect("é/\u{301}x".lastComponent() == "\u{301}x")
  }

  @Test func firstByteRangeFindsTheFirstOccurrence() throws {
    let text = "ab/./cd/./e"
    let range = try #require(text.firstByteRange(of: "/./"))
    #expect(text[..<range.lowerBound] == "ab")
    #expect(text.firstByteRange(of: "zz") == nil)
    #expect("a\r\nb".firstByteRange(of: "\n") != nil)
  }

  /// Every path of up to four parts made of empty, `.`, `..`, `...` and names, with and
  /// without slashes at the ends: the clean ones come back as they are (without the split),
  /// and every one is cleaned as a plain split, drop and pop would.
  @Test func relativePathsAreCleanedAsASplitWould() {
    for path in Self.paths(of: ["", ".", "..", "...", "a", ".b", "c.", "é"], upTo: 4) {
      let expected = Self.cleanedBySplit(path)
      #expect(BuildContext.relative(path) == expected, "\(path)")
      // The empty path is left to the split, which gives it back too.
      #expect(BuildContext.isClean(path) == (path == expected && !path.isEmpty), "\(path)")
    }
  }

  @Test func imagePathsResolveAsASplitWould() {
    let paths = Self.paths(of: ["", ".", "..", "a", "b.c", "é"], upTo: 3)
    for workdir in ["/", "/app", "app", "", "/a/../b", "/x/"] {
      for path in paths {
        let joined = path.hasPrefix("/") ? path : workdir + "/" + path
        #expect(
          ImagePath.resolve(path, against: workdir) == "/" + Self.cleanedBySplit(joined),
          "\(path) in \(workdir)")
      }
    }
    // A `/` followed by a combining mark is one Character but still a separator, as in Go.
    #expect(ImagePath.resolve("./\u{301}b/", against: "/a") == "/a/\u{301}b")
    #expect(ImagePath.resolve("x/..\u{301}/..", against: "/") == "/x")
  }

  /// Every text of up to `count` of `parts`, each part after `separator`.
  static func texts(of parts: [String], upTo count: Int, separator: String = "") -> [String] {
    var texts = [""]
    for _ in 1...count { texts += texts.flatMap { text in parts.map { text + separator + $0 } } }
    return texts
  }

  /// Every path of up to `count` of `parts`, with and without a leading `/`, once each.
  static func paths(of parts: [String], upTo count: Int) -> [String] {
    Array(
      Set(texts(of: parts, upTo: count, separator: "/").flatMap { [$0, String($0.dropFirst())] }))
  }

  /// `path` cleaned the plain way: split at `/`, `.` dropped, `..` taking the part before.
  static func cleanedBySplit(_ path: String) -> String {
    var kept: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
      if part == ".." { _ = kept.popLast() } else { kept.append(part) }
    }
    return kept.joined(separator: "/")
  }

  @Test func commandWordsSplitOnBytesAsOnCharacters() {
    let texts = [
      "apt-get install -y gcc && rm -rf /var/lib/apt/lists/*", "a;b|c&d(e)f\"g'h`i{j}k",
      "  x\t\ny\r\nz\u{0B}w\u{0C}v  ", "", ";;", "npm ci\u{00A0}--omit=dev", "é é",
    ]
    for text in texts {
      let byCharacter = Set(
        text.split(whereSeparator: { $0.isWhitespace || ";|&()\"'`{}".contains($0) }).map(
          String.init))
      #expect(HygieneScan.words(of: text) == byCharacter, "\(text)")
    }
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
