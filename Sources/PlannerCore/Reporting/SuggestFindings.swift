/// The moves and advice of a `planner suggest` report as ``Finding`` values, for the formats
/// that CI tools read (SARIF, rdjson, GitLab, GitHub annotations, Checkstyle), with the
/// proposal's diff cut into fixes: each changed run of lines goes to the move it belongs to.
extension SuggestReport {
  func findings(
    source: [UInt8], instructions: InstructionLines, proposed: [UInt8],
    ignoreFile: SimulationInput.WatchedFile?
  ) -> [Finding] {
    let window = "\(saving.commits) \(saving.measured ? "commits" : "assumed commits")"
    // The whole proposal as one replacement, on the first move: the moves depend on one
    // another (a split's COPY and the reorder that places it), so a part alone could break the
    // file. A tool that applies fixes one at a time applies this one, whole.
    let span = ProposalSpan.make(old: source, new: proposed)
    var out: [Finding] = []
    for (index, move) in moves.enumerated() {
      let line = move.lines.first ?? 1
      var message = move.reason
      if move.seconds > 0 {
        message += " (\(Self.saving(move.seconds, move.rebuilds)) over \(window))"
      }
      out.append(
        Finding(
          rule: move.id, level: RuleCatalog.rule(move.id)?.level ?? .warning, file: file,
          range: instructions.range(startingAt: line), message: message,
          subject: move.id + " " + instructions.text(startingAt: line),
          seconds: move.seconds, rebuilds: move.rebuilds,
          fix: index == 0
            ? span.map {
              Finding.Fix(
                description: "apply planner's whole proposal (every move)", file: file,
                replacements: [$0.replacement])
            } : nil))
    }
    // Advice is about the context: it points at the first step that reads it.
    let anchor = instructions.firstContextRead
    let ignoreName = ignoreFile?.name ?? ".dockerignore"
    let ignoreText = ignoreFile?.current ?? []
    let ignoreLines = UnifiedDiff.lines(of: ignoreText).count
    let needsNewline = ignoreText.last.map { $0 != 0x0A } ?? false
    for entry in advice {
      let end = SourcePosition(line: ignoreLines + 1, column: 1)
      out.append(
        Finding(
          rule: entry.id, level: RuleCatalog.rule(entry.id)?.level ?? .note, file: file,
          range: anchor,
          message:
            "\(entry.message) (\(Self.saving(entry.seconds, entry.rebuilds)) over \(window))",
          subject: entry.pattern, seconds: entry.seconds, rebuilds: entry.rebuilds,
          fix: Finding.Fix(
            description: "add '\(entry.pattern)' to \(ignoreName)", file: ignoreName,
            replacements: [
              .init(
                range: SourceRange(start: end, end: end),
                text: (needsNewline ? "\n" : "") + entry.pattern + "\n")
            ])))
    }
    return out + hygiene
  }
}

extension SuggestReport {
  /// "saves 12.0 s" or "saves 12.0 s and 3 rebuilds".
  static func saving(_ seconds: Double, _ rebuilds: Int) -> String {
    let time = "saves \(SimulationReport.seconds(seconds))"
    guard rebuilds > 0 else { return time }
    return time + " and \(rebuilds) rebuild\(rebuilds == 1 ? "" : "s")"
  }
}

/// The instructions of a file by first line: their ranges and text, for findings.
struct InstructionLines {
  private var ranges: [Int: SourceRange] = [:]
  private var texts: [Int: String] = [:]
  /// The first COPY or ADD that reads the context (or line 1).
  private(set) var firstContextRead = SourceRange.lines(1, 1)

  /// `dockerfile`, when given, is the tree modelled without build arguments.
  init(tree: SyntaxTree, dockerfile: Dockerfile? = nil, file: String) {
    for placement in tree.layout.placements {
      ranges[placement.range.start.line] = placement.range
      texts[placement.range.start.line] = String(
        decoding: tree.source[placement.text], as: UTF8.self)
    }
    let dockerfile = dockerfile ?? Dockerfile.build(from: tree, file: file).0
    if let first = ContextSteps.find(in: dockerfile).first {
      firstContextRead = ranges[first.range.start.line] ?? first.range
    }
  }

  func range(startingAt line: Int) -> SourceRange { ranges[line] ?? .lines(line, line) }
  func text(startingAt line: Int) -> String { texts[line] ?? "" }
}

/// The part of a file that its proposal changes, from the first changed line to the last, as
/// one replacement: the edit a fix or a suggestion must make whole.
///
/// The range ends on its last line (not at the start of the next one, which the last line of a
/// file does not have): before that line's ending when the text ends with the same one (left
/// out of the text), else after it. A proposal
/// that only inserts has an empty range where the text goes.
struct ProposalSpan {
  /// The 1-based lines of the old file that the span replaces (empty for a pure insertion).
  var oldLines: ClosedRange<Int>?
  /// The line the insertion goes before, for a pure insertion.
  var insertionLine: Int
  var replacement: Finding.Fix.Replacement

  static func make(old: [UInt8], new: [UInt8]) -> ProposalSpan? {
    guard old != new else { return nil }
    let (steps, oldLines, newLines) = UnifiedDiff.lineEdits(old: old, new: new)
    guard let first = steps.firstIndex(where: { $0.kind != .keep }),
      let last = steps.lastIndex(where: { $0.kind != .keep })
    else { return nil }
    let start = steps[first].old
    var end = start  // exclusive
    var text: [UInt8] = []
    for step in steps[first...last] {
      if step.kind != .insert { end = step.old + 1 }
      if step.kind != .delete { text += new[newLines[step.new]] }
    }
    guard end > start else {
      let at = SourcePosition(line: start + 1, column: 1)
      return ProposalSpan(
        oldLines: nil, insertionLine: start + 1,
        replacement: .init(
          range: SourceRange(start: at, end: at), text: String(decoding: text, as: UTF8.self)))
    }
    // End at the end of the last replaced line, and leave its line ending out of the text;
    // when the text does not end with that same line ending (the span only deletes, or the
    // file's last newline changes), the range takes the ending in too.
    let lastLine = old[oldLines[end - 1]]
    var ending = 0
    if lastLine.last == 0x0A { ending = lastLine.dropLast().last == 0x0D ? 2 : 1 }
    if ending > 0, text.count >= ending,
      Array(text.suffix(ending)) == Array(lastLine.suffix(ending))
    {
      text.removeLast(ending)
    } else {
      ending = 0
    }
    let range = SourceRange(
      start: .init(line: start + 1, column: 1),
      end: .init(line: end, column: lastLine.count - ending + 1))
    return ProposalSpan(
      oldLines: (start + 1)...end, insertionLine: start + 1,
      replacement: .init(range: range, text: String(decoding: text, as: UTF8.self)))
  }
}

/// The order of image-hygiene findings in a report: by effect, then by place. Errors and
/// warnings before notes; among rules of a level, the ones that usually weigh most on the
/// image (whole toolchains, then dependency trees, then caches) first.
enum HygieneRanking {
  static let effect: [String] = [
    "PL305", "PL302", "PL304", "PL303", "PL306", "PL301", "PL307", "PL308", "PL309",
  ]

  static func ranked(_ findings: [Finding]) -> [Finding] {
    func rank(_ rule: String) -> Int { effect.firstIndex(of: rule) ?? effect.count }
    return findings.sorted {
      if $0.level != $1.level { return $0.level > $1.level }
      if rank($0.rule) != rank($1.rule) { return rank($0.rule) < rank($1.rule) }
      if $0.file != $1.file { return $0.file < $1.file }
      if $0.range.start != $1.range.start { return $0.range.start < $1.range.start }
      return $0.message < $1.message
    }
  }
}
