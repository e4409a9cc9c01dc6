import Foundation
import Testing

@testable import PlannerCore

/// The Markdown of `planner comment`, built from parts: the marker, the headline, suggestions
/// on reviewable lines only, and GitHub's 65,536-character limit.
@Suite("Pull-request comment")
struct CommentReportTests {
  static let head = Array(
    """
    FROM node:22-alpine
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "server.js"]

    """.utf8)

  static let proposed = Array(
    """
    FROM node:22-alpine
    WORKDIR /app
    COPY package.json ./
    RUN npm ci
    COPY . .
    CMD ["node", "server.js"]

    """.utf8)

  static func section(
    proposed: [UInt8] = proposed, reviewable: Set<Int>, before: Double = 10,
    after: Double = 100
  ) -> CommentReport.FileSection {
    let proposal = Reorderer.Proposal(
      proposed: proposed, original: .init(seconds: after, rebuilds: 5),
      replayed: .init(seconds: 12, rebuilds: 5),
      moves: [
        .init(
          id: "PL102", lines: [3, 4], reason: "copy only the files npm ci reads", seconds: 88,
          rebuilds: 0)
      ], notes: [])
    let report = SuggestReport(
      file: "Dockerfile", source: head, proposal: proposal, commits: 20, measured: true,
      advice: [], hygiene: [])
    return CommentReport.FileSection(
      report: report, before: .init(seconds: before, rebuilds: 5),
      after: .init(seconds: after, rebuilds: 5), changesBuild: true,
      reviewableLines: reviewable,
      headLines: UnifiedDiff.lines(of: head).map { String(decoding: head[$0], as: UTF8.self) },
      span: ProposalSpan.make(old: head, new: proposed))
  }

  @Test func headlineSaysWhatThePullRequestAddsAndTheFixIsASuggestion() {
    let text = CommentReport(
      sections: [Self.section(reviewable: Set(1...6))], commits: 20, baseName: "main"
    ).markdown()
    #expect(text.hasPrefix("<!-- planner -->\n"))
    #expect(
      text.contains(
        "**`Dockerfile`: this pull request adds 90.0 s of rebuild time** over the last 20 commits of `main` (10.0 s → 100.0 s; 5 → 5 rebuilds)."
      ))
    #expect(
      text.contains(
        "| PL102 | Dockerfile:3, Dockerfile:4 | copy only the files npm ci reads | 88.0 s |"))
    // One suggestion, the whole proposal: applied to the lines it names, it gives the proposal.
    #expect(text.components(separatedBy: "```suggestion\n").count == 2)
    #expect(Self.applySuggestion(text, to: Self.head) == Self.proposed)
    // Every change is in the suggestion: no diff is needed.
    #expect(!text.contains("<details>"))
  }

  /// The head file with the comment's one suggestion applied to the lines it names.
  static func applySuggestion(_ comment: String, to file: [UInt8]) -> [UInt8]? {
    guard let heading = comment.range(of: "Suggested change for `Dockerfile` line"),
      let open = comment.range(of: "```suggestion\n", range: heading.upperBound..<comment.endIndex),
      let close = comment.range(of: "\n```", range: open.upperBound..<comment.endIndex)
    else { return nil }
    let words = comment[heading.upperBound..<open.lowerBound]
      .split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    guard let first = words.first else { return nil }
    let last = words.count > 1 ? words[1] : first
    var lines = String(decoding: file, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    let replacement = comment[open.upperBound..<close.lowerBound].split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    lines.replaceSubrange((first - 1)..<last, with: replacement)
    return Array(lines.joined(separator: "\n").utf8)
  }

  @Test func changesOutsideTheReviewableLinesGoToTheDiff() {
    let text = CommentReport(
      sections: [Self.section(reviewable: [3])], commits: 20, baseName: "main"
    ).markdown()
    // The proposal reaches past the one reviewable line: a part of it alone could break the
    // file, so it is shown as a diff only.
    #expect(!text.contains("```suggestion"))
    #expect(text.contains("<details><summary>The proposed change</summary>"))
    #expect(text.contains("+COPY package.json ./"))
  }

  @Test func nothingToReportIsOneLine() {
    let clean = Self.section(proposed: Self.head, reviewable: [], before: 100, after: 100)
    var quiet = clean
    quiet.report.moves = []
    let text = CommentReport(sections: [quiet], commits: 20, baseName: "main").markdown()
    #expect(text.hasPrefix("<!-- planner -->\nplanner: nothing to report."))
    #expect(text.split(separator: "\n").count == 2)
  }

  @Test func aFileThePullRequestDoesNotChangeIsNotReviewed() {
    var section = Self.section(reviewable: [])
    section.changesBuild = false
    let comment = CommentReport(sections: [section], commits: 20, baseName: "main")
    #expect(comment.isClean)
  }

  @Test func theCommentNeverExceedsGitHubsLimit() {
    // A proposal whose diff alone is far longer than a comment may be.
    var lines = "FROM alpine\n"
    for index in 0..<6_000 {
      lines += "RUN echo step-\(index)-\(String(repeating: "x", count: 20))\n"
    }
    var section = Self.section(reviewable: Set(1...7000))
    section.report.diff = lines
    let long = Array(lines.utf8)
    section.span = ProposalSpan.make(
      old: long, new: Array(lines.replacingOccurrences(of: "step-", with: "stage-").utf8))
    section.reviewableLines = Set(1...7000)
    section.headLines = UnifiedDiff.lines(of: long).map {
      String(decoding: long[$0], as: UTF8.self)
    }
    let text = CommentReport(sections: [section], commits: 20, baseName: "main").markdown()
    #expect(text.utf16.count <= CommentReport.limit)
    #expect(text.hasPrefix("<!-- planner -->\n"))
    #expect(text.contains("comment limit"))
    // The table of moves comes before the suggestions, so it survives the cut.
    #expect(text.contains("| PL102 |"))
  }

  @Test func aTableTooLongForTheLimitIsCutAtALineSayingSo() {
    var section = Self.section(reviewable: Set(1...6))
    let move = section.report.moves[0]
    section.report.moves = Array(repeating: move, count: 2_000)
    let text = CommentReport(sections: [section], commits: 20, baseName: "main").markdown()
    #expect(text.utf16.count <= CommentReport.limit)
    #expect(text.hasPrefix("<!-- planner -->\n"))
    #expect(
      text.hasSuffix(
        "cut to fit GitHub's 65,536-character comment limit; run `planner suggest` for the whole report._\n"
      ))
    // Cut between lines: every table row left is whole.
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("| PL102") }
    #expect(rows.count > 100 && rows.count < 2_000)
    #expect(rows.allSatisfy { $0.hasSuffix("| 88.0 s |") })
  }

  @Test func changedLinesIncludeTheDiffContext() {
    let old = Array("a\nb\nc\nd\ne\nf\ng\nh\ni\n".utf8)
    let new = Array("a\nb\nc\nd\nE\nf\ng\nh\ni\n".utf8)
    #expect(ChangedLines.inNew(old: old, new: new) == [5])
    #expect(ChangedLines.inNew(old: old, new: new, context: 3) == Set(2...8))
    let deleted = Array("a\nb\nc\nd\nf\ng\nh\ni\n".utf8)
    // A deletion between d (4) and f (5): the context is the lines around the gap.
    #expect(ChangedLines.inNew(old: old, new: deleted, context: 1) == [4, 5])
    #expect(ChangedLines.inNew(old: old, new: old, context: 3).isEmpty)
  }
}
