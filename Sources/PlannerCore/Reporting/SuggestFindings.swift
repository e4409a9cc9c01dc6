/// The moves and advice of a `planner suggest` report as ``Finding`` values, for the formats
/// that CI tools read (SARIF, rdjson, GitLab, GitHub annotations, Checkstyle), with the
/// proposal's diff cut into fixes: each changed run of lines goes to the move it belongs to.
extension SuggestReport {
  func findings(source: [UInt8], proposed: [UInt8], ignoreFile: SimulationInput.WatchedFile?)
    -> [Finding]
  {
    let instructions = InstructionLines(source: source, file: file)
    let window = "\(saving.commits) \(saving.measured ? "commits" : "assumed commits")"
    let hunks = ProposalHunks.make(old: source, new: proposed)
    // Each hunk goes to the first move whose lines it touches, else to the first move.
    var fixes: [[Finding.Fix.Replacement]] = Array(repeating: [], count: moves.count)
    for hunk in hunks {
      let touched = moves.firstIndex { move in
        move.lines.contains { hunk.oldLines.contains($0) }
      }
      if let index = touched ?? (moves.isEmpty ? nil : 0) {
        fixes[index].append(hunk.replacement)
      }
    }
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
          fix: fixes[index].isEmpty
            ? nil
            : Finding.Fix(
              description: "apply planner's proposal for this move", file: file,
              replacements: fixes[index])))
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

  init(source: [UInt8], file: String) {
    guard case .success(let tree) = DockerfileParser(file: file).parse(source) else { return }
    for placement in tree.layout.placements {
      ranges[placement.range.start.line] = placement.range
      texts[placement.range.start.line] = String(
        decoding: source[placement.text], as: UTF8.self)
    }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: file)
    if let first = ContextSteps.find(in: dockerfile).first {
      firstContextRead = ranges[first.range.start.line] ?? first.range
    }
  }

  func range(startingAt line: Int) -> SourceRange { ranges[line] ?? .lines(line, line) }
  func text(startingAt line: Int) -> String { texts[line] ?? "" }
}

/// The changed runs of lines between a file and its proposal, as whole-line replacements.
enum ProposalHunks {
  struct Hunk {
    /// The 1-based lines of the old file that the hunk replaces (empty for a pure insertion).
    var oldLines: ClosedRange<Int>
    var replacement: Finding.Fix.Replacement
  }

  static func make(old: [UInt8], new: [UInt8]) -> [Hunk] {
    guard old != new else { return [] }
    let (steps, _, newLines) = UnifiedDiff.lineEdits(old: old, new: new)
    var hunks: [Hunk] = []
    var index = 0
    while index < steps.count {
      guard steps[index].kind != .keep else {
        index += 1
        continue
      }
      let firstOld = steps[index].old
      var lastOld = firstOld  // exclusive
      var text: [UInt8] = []
      while index < steps.count, steps[index].kind != .keep {
        let step = steps[index]
        if step.kind == .delete {
          lastOld = step.old + 1
        } else {
          text += new[newLines[step.new]]
        }
        index += 1
      }
      let range = SourceRange(
        start: .init(line: firstOld + 1, column: 1), end: .init(line: lastOld + 1, column: 1))
      hunks.append(
        Hunk(
          oldLines: (firstOld + 1)...max(firstOld + 1, lastOld),
          replacement: .init(range: range, text: String(decoding: text, as: UTF8.self))))
    }
    return hunks
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
