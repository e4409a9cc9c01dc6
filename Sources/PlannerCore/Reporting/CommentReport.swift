/// The Markdown of `planner comment`: one sticky pull-request comment.
///
/// It begins with the hidden marker `<!-- planner -->`, by which a bot finds its earlier comment
/// to update. For each Dockerfile the pull request changes (or whose ignore file it changes):
/// the rebuild time before and after, replayed over the same last commits of the base; what
/// planner's proposal would save on top, with a table of its moves; the whole proposal as one
/// GitHub `suggestion` block when every line it replaces is one a review may comment on, else as
/// a diff in `<details>`; image-hygiene findings on the changed lines. Nothing to report: one
/// line. The comment never exceeds GitHub's limit of 65,536 characters: the diff is dropped
/// first, then the suggestion, then the text is cut, saying so.
struct CommentReport {
  static let marker = "<!-- planner -->"
  static let limit = 65_536

  struct FileSection {
    var report: SuggestReport
    /// The replay of the base's file; nil when the pull request adds it.
    var before: Reorderer.Replay?
    /// The replay of the head's file.
    var after: Reorderer.Replay
    /// Whether the pull request changes the file or its ignore file.
    var changesBuild: Bool
    /// The head's lines a review comment may be put on: those the pull request added or
    /// modified, and the lines its diff shows around them.
    var reviewableLines: Set<Int>
    /// The head's lines, each with its line ending.
    var headLines: [String]
    /// The part of the head's file the proposal changes, as one replacement.
    var span: ProposalSpan?

    var delta: Double { after.seconds - (before?.seconds ?? 0) }

    /// Whether there is anything to say: a change in rebuild time, a proposal or a finding on
    /// a line the pull request touched. A file the pull request leaves alone is not reviewed.
    var isClean: Bool {
      guard changesBuild else { return true }
      let timeChanged = before.map { abs(after.seconds - $0.seconds) > 0.05 } ?? true
      return !timeChanged && report.moves.isEmpty && report.hygiene.isEmpty
    }
  }

  var sections: [FileSection]
  var commits: Int
  var baseName: String

  var isClean: Bool { sections.allSatisfy(\.isClean) }

  private static func seconds(_ value: Double) -> String { SimulationReport.seconds(value) }

  /// What to leave out to fit the limit.
  private enum Detail: Int, Comparable {
    case full, noDiff, noSuggestions
    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  func markdown() -> String {
    let window = "the last \(commits) commit\(commits == 1 ? "" : "s") of `\(baseName)`"
    guard !isClean else {
      return Self.marker + "\n"
        + "planner: nothing to report. This pull request's Dockerfile changes keep rebuild time the same over \(window), and planner has nothing to propose for them.\n"
    }
    for detail in [Detail.full, .noDiff, .noSuggestions] {
      let text = render(detail, window: window)
      if text.utf16.count <= Self.limit { return text }
    }
    // Still too long: cut at a line, and say so.
    let notice =
      "\n\n_… cut to fit GitHub's 65,536-character comment limit; run `planner suggest` for the whole report._\n"
    var text = render(.noSuggestions, window: window)
    let budget = Self.limit - notice.utf16.count
    var kept = ""
    var count = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let length = line.utf16.count + 1
      guard count + length <= budget else { break }
      kept += line + "\n"
      count += length
    }
    text = kept + notice
    return text
  }

  private func render(_ detail: Detail, window: String) -> String {
    var out = Self.marker + "\n### planner: rebuild time\n\n"
    let clean = sections.filter(\.isClean).map { "`\($0.report.file)`" }
    for section in sections where !section.isClean {
      out += render(section, detail: detail, window: window)
    }
    if !clean.isEmpty {
      out += "No change to report for \(clean.joined(separator: ", ")).\n\n"
    }
    if detail >= .noDiff {
      out +=
        "_The full proposal is left out to fit GitHub's comment limit; run `planner suggest` to see it._\n"
    }
    return out
  }

  private func render(_ section: FileSection, detail: Detail, window: String) -> String {
    let report = section.report
    let file = "`\(report.file)`"
    let after = section.after
    var out = ""
    if let before = section.before {
      let rebuilds = "\(before.rebuilds) → \(after.rebuilds) rebuilds"
      let range = "\(Self.seconds(before.seconds)) → \(Self.seconds(after.seconds)); \(rebuilds)"
      if section.delta > 0.05 {
        out +=
          "**\(file): this pull request adds \(Self.seconds(section.delta)) of rebuild time** over \(window) (\(range)).\n\n"
      } else if section.delta < -0.05 {
        out +=
          "**\(file): this pull request saves \(Self.seconds(-section.delta)) of rebuild time** over \(window) (\(range)).\n\n"
      } else {
        out +=
          "**\(file)**: this pull request keeps rebuild time the same over \(window) (\(Self.seconds(after.seconds)); \(after.rebuilds) rebuilds).\n\n"
      }
    } else {
      out +=
        "**\(file)** (new): \(Self.seconds(after.seconds)) of rebuilds over \(window) (\(after.rebuilds) rebuilds).\n\n"
    }
    if !report.moves.isEmpty {
      let saved = report.saving.originalSeconds - report.saving.proposedSeconds
      out +=
        "planner's proposal saves **\(Self.seconds(saved))** on top (\(report.saving.percent)% of \(Self.seconds(report.saving.originalSeconds))), and builds the same image:\n\n"
      out += "| rule | where | change | saves |\n| --- | --- | --- | ---: |\n"
      for move in report.moves {
        let lines = move.lines.map { "\(report.file):\($0)" }.joined(separator: ", ")
        out +=
          "| \(move.id) | \(SimulationReport.markdownCell(lines)) | \(SimulationReport.markdownCell(move.reason)) | \(move.seconds > 0 ? Self.seconds(move.seconds) : "—") |\n"
      }
      out += "\n"
      // One suggestion for the whole proposal, when every line it replaces is one a review
      // may comment on: a part of it alone could break the file.
      var proposal: (lines: ClosedRange<Int>, text: String)?
      if let span = section.span { proposal = suggestion(for: span, in: section) }
      if detail < .noSuggestions, let (lines, text) = proposal {
        let range =
          lines.count == 1 ? " \(lines.lowerBound)" : "s \(lines.lowerBound)–\(lines.upperBound)"
        out += "Suggested change for \(file) line\(range) (the whole proposal):\n\n"
        out += fenced(text, info: "suggestion")
      }
      if detail < .noDiff, proposal == nil || detail >= .noSuggestions {
        out += "<details><summary>The proposed change</summary>\n\n"
        out += fenced(report.diff, info: "diff")
        out += "</details>\n\n"
      }
    }
    if !report.hygiene.isEmpty {
      out += "Image hygiene on the lines this pull request changed:\n\n"
      for finding in report.hygiene {
        out +=
          "- **\(finding.rule)** `\(report.file):\(finding.range.start.line)`: \(SimulationReport.markdownCell(finding.message))\n"
      }
      out += "\n"
    }
    return out
  }

  /// The proposal as a GitHub suggestion: the lines it replaces and their new text, when they
  /// are all lines a review may comment on. An insertion is anchored on the line before it.
  private func suggestion(for span: ProposalSpan, in section: FileSection)
    -> (lines: ClosedRange<Int>, text: String)?
  {
    if let lines = span.oldLines {
      guard lines.allSatisfy(section.reviewableLines.contains) else { return nil }
      return (lines, span.replacement.text)
    }
    let anchor = span.insertionLine - 1
    guard anchor >= 1, anchor <= section.headLines.count,
      section.reviewableLines.contains(anchor)
    else { return nil }
    var previous = section.headLines[anchor - 1]
    if !previous.hasSuffix("\n") { previous += "\n" }
    var text = previous + span.replacement.text
    if text.hasSuffix("\n") { text.removeLast() }
    return (anchor...anchor, text)
  }

  /// A fenced code block whose fence is longer than any run of backticks in the text.
  private func fenced(_ text: String, info: String) -> String {
    var longest = 0
    var run = 0
    for character in text {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    let body = text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
    return fence + info + "\n" + body + fence + "\n\n"
  }
}
