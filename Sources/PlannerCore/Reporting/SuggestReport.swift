/// The result of `planner suggest` for one file, in the shape its JSON output promises (keys
/// sorted): `{"file", "proposed", "saving": {"commits", "originalSeconds", "proposedSeconds",
/// "originalRebuilds", "proposedRebuilds", …}, "moves": [{"id", "lines", "reason", "seconds",
/// …}], "advice": […], "findings": […]}`, where `findings` holds the image-hygiene findings.
struct SuggestReport: Encodable {
  struct Saving: Encodable {
    var commits: Int
    var originalSeconds: Double
    var proposedSeconds: Double
    var originalRebuilds: Int
    var proposedRebuilds: Int
    /// The share of the original seconds saved, in percent.
    var percent: Double
    /// False when the savings come from an assumed history (no git repository).
    var measured: Bool
  }

  struct MoveEntry: Encodable {
    var id: String
    var lines: [Int]
    var reason: String
    var seconds: Double
    var rebuilds: Int
  }

  var file: String
  var proposed: String
  var saving: Saving
  var moves: [MoveEntry]
  var advice: [IgnoreAdvice.Advice]
  /// Image-hygiene findings (PL3xx), ranked by effect; after the cache moves in every format.
  var hygiene: [Finding]
  var notes: [String]
  /// The unified diff from the file to the proposal; empty when they are equal.
  var diff: String

  init(
    file: String, source: [UInt8], proposal: Reorderer.Proposal, commits: Int, measured: Bool,
    advice: [IgnoreAdvice.Advice], hygiene: [Finding]
  ) {
    self.file = file
    self.hygiene = HygieneRanking.ranked(hygiene)
    proposed = String(decoding: proposal.proposed, as: UTF8.self)
    let original = proposal.original.seconds
    let saved = original - proposal.replayed.seconds
    saving = Saving(
      commits: commits, originalSeconds: SimulationReport.rounded(original),
      proposedSeconds: SimulationReport.rounded(proposal.replayed.seconds),
      originalRebuilds: proposal.original.rebuilds, proposedRebuilds: proposal.replayed.rebuilds,
      percent: original > 0 ? SimulationReport.rounded(saved / original * 100) : 0,
      measured: measured)
    moves = proposal.moves.map {
      MoveEntry(
        id: $0.id, lines: $0.lines, reason: $0.reason,
        seconds: SimulationReport.rounded($0.seconds),
        rebuilds: $0.rebuilds)
    }
    self.advice = advice.map { entry in
      var rounded = entry
      rounded.seconds = SimulationReport.rounded(entry.seconds)
      return rounded
    }
    notes = proposal.notes
    diff = UnifiedDiff.make(old: source, new: proposal.proposed, oldName: file, newName: file)
  }

  enum CodingKeys: String, CodingKey {
    case file, proposed, saving, moves, advice, notes
    case hygiene = "findings"
  }

  /// How many hygiene findings text and Markdown show before "and N more": the cache moves stay
  /// the headline.
  static let shownHygiene = 8

  private static func seconds(_ value: Double) -> String { SimulationReport.seconds(value) }

  private var headline: String {
    let window = "over \(saving.commits) \(saving.measured ? "commits" : "assumed commits")"
    guard !moves.isEmpty else {
      return "\(file): no change to propose \(window)"
        + " (\(Self.seconds(saving.originalSeconds)) of rebuilds, \(saving.originalRebuilds) rebuilds)"
    }
    return
      "\(file): \(moves.count) move\(moves.count == 1 ? "" : "s") save \(Self.seconds(saving.originalSeconds - saving.proposedSeconds)) of \(Self.seconds(saving.originalSeconds)) (\(saving.percent)%) \(window); rebuilds \(saving.originalRebuilds) → \(saving.proposedRebuilds)"
  }

  func text() -> String {
    var out = headline + "\n"
    for move in moves {
      let lines = move.lines.map(String.init).joined(separator: ", ")
      out += "  \(move.id)  line\(move.lines.count == 1 ? "" : "s") \(lines): \(move.reason)"
      out +=
        move.seconds > 0 ? " (saves \(Self.seconds(move.seconds)))\n" : " (no cache cost)\n"
    }
    if !advice.isEmpty {
      out += "advice (changes what the image contains; confirm first):\n"
      for entry in advice {
        out += "  \(entry.id)  \(entry.message) (saves \(Self.seconds(entry.seconds)))\n"
      }
    }
    if !hygiene.isEmpty {
      out += "image hygiene:\n"
      for finding in hygiene.prefix(Self.shownHygiene) {
        out +=
          "  \(finding.rule)  line \(finding.range.start.line): \(finding.message)\n"
      }
      if hygiene.count > Self.shownHygiene {
        out += "  … and \(hygiene.count - Self.shownHygiene) more (--format json lists all)\n"
      }
    }
    for note in notes { out += "note: \(note)\n" }
    if !saving.measured {
      out += "note: not a git repository: savings are estimated on an assumed history\n"
    }
    if !diff.isEmpty { out += "\n" + diff }
    return out
  }

  func markdown() -> String {
    var out = "### planner suggest: \(headline)\n\n"
    if !moves.isEmpty {
      out += "| move | lines | why | saves |\n| --- | --- | --- | ---: |\n"
      for move in moves {
        let lines = move.lines.map { "\(file):\($0)" }.joined(separator: ", ")
        out +=
          "| \(move.id) | \(SimulationReport.markdownCell(lines)) | \(SimulationReport.markdownCell(move.reason)) | \(Self.seconds(move.seconds)) |\n"
      }
      out += "\n"
    }
    for entry in advice {
      out +=
        "- **\(entry.id)** \(SimulationReport.markdownCell(entry.message)) (saves \(Self.seconds(entry.seconds)))\n"
    }
    if !hygiene.isEmpty {
      out += "\n**Image hygiene**\n\n"
      for finding in hygiene.prefix(Self.shownHygiene) {
        out +=
          "- **\(finding.rule)** \(file):\(finding.range.start.line): \(SimulationReport.markdownCell(finding.message))\n"
      }
      if hygiene.count > Self.shownHygiene {
        out += "- … and \(hygiene.count - Self.shownHygiene) more\n"
      }
      out += "\n"
    }
    for note in notes { out += "- _\(SimulationReport.markdownCell(note))_\n" }
    if !diff.isEmpty {
      out += "\n<details><summary>proposed change</summary>\n\n```diff\n\(diff)```\n\n</details>\n"
    }
    return out
  }
}
