extension Planner {
  /// What `planner comment` compares: each Dockerfile at the pull request's base and head, with
  /// the ignore file of each side, over the base's last commits.
  package struct CommentInput: Sendable {
    package struct File: Sendable {
      /// The name used in the comment (repository-relative, as the user gave it).
      package var name: String
      /// The file at the base; nil when the pull request adds it.
      package var base: [UInt8]?
      package var head: [UInt8]
      /// The ignore file of each side (nil when there is none).
      package var baseIgnore: SimulationInput.WatchedFile?
      package var headIgnore: SimulationInput.WatchedFile?
      /// The files the head's context sends, and the manifests among them.
      package var contextFiles: [String]
      package var manifestContents: [String: [UInt8]]

      package init(
        name: String, base: [UInt8]?, head: [UInt8], baseIgnore: SimulationInput.WatchedFile?,
        headIgnore: SimulationInput.WatchedFile?, contextFiles: [String],
        manifestContents: [String: [UInt8]]
      ) {
        self.name = name
        self.base = base
        self.head = head
        self.baseIgnore = baseIgnore
        self.headIgnore = headIgnore
        self.contextFiles = contextFiles
        self.manifestContents = manifestContents
      }
    }

    package var files: [File]
    /// The base's last commits, newest first (the Dockerfile and ignore file are replaced).
    package var history: SimulationInput
    /// How the base is named in the comment (the revision as given, or a short id).
    package var baseName: String
    package var disabledRules: Set<String>

    package init(
      files: [File], history: SimulationInput, baseName: String, disabledRules: Set<String> = []
    ) {
      self.files = files
      self.history = history
      self.baseName = baseName
      self.disabledRules = disabledRules
    }
  }

  package struct CommentOutcome: Sendable {
    /// The Markdown comment; empty with `quietIfClean` when there is nothing to report.
    package var markdown: [UInt8]
    package var diagnostics: [Diagnostic]
    /// Whether there is nothing to report.
    package var isClean: Bool
    /// The levels of what the comment reports (its moves, its findings, and a warning for a
    /// pull request that adds rebuild time), for `--fail-level`.
    package var levels: [Finding.Level] = []

    /// Nothing compared (every file was removed).
    package static let empty = CommentOutcome(markdown: [], diagnostics: [], isClean: true)

  }

  /// `planner comment`: what the pull request does to rebuild time, what planner would change
  /// on top, as one Markdown comment for a review bot.
  package static func comment(
    _ input: CommentInput, options: SimulationOptions, quietIfClean: Bool = false
  ) -> CommentOutcome {
    var sections: [CommentReport.FileSection] = []
    var diagnostics: [Diagnostic] = []
    for file in input.files {
      var options = options
      options.perBuildArgs.formUnion(perBuildArgs(in: file.head, given: options.buildArgs))
      func reorderer(ignore: SimulationInput.WatchedFile?, contextFiles: [String]) -> Reorderer {
        var history = input.history
        // Each side's ignore file holds at every commit, as its Dockerfile does.
        history.ignoreFile = ignore.map { .init(name: $0.name, path: nil, current: $0.current) }
        var reorderer = Reorderer(
          history: history, options: options, file: file.name, contextFiles: contextFiles)
        reorderer.manifestContents = file.manifestContents
        reorderer.disabled = input.disabledRules
        return reorderer
      }
      let head = reorderer(ignore: file.headIgnore, contextFiles: file.contextFiles)
      let (proposal, found) = head.propose(file.head)
      diagnostics += found
      guard let proposal else { continue }
      var before: Reorderer.Replay?
      if let base = file.base {
        let baseFiles = sentFiles(file.contextFiles, ignore: file.baseIgnore?.current)
        before = reorderer(ignore: file.baseIgnore, contextFiles: baseFiles).replay(base).0
      }
      let pragmas = Pragmas.read(file.head, file: file.name)
      diagnostics += pragmas.diagnostics
      let touched = ChangedLines.inNew(old: file.base ?? [], new: file.head)
      let reviewable = ChangedLines.inNew(old: file.base ?? [], new: file.head, context: 3)
      let hygiene = Hygiene.check(
        source: file.head,
        input: HygieneInput(
          file: file.name, contextFiles: file.contextFiles, target: options.target)
      ).filter {
        pragmas.keeps($0, disabled: input.disabledRules)
          && ($0.range.start.line...max($0.range.start.line, $0.range.end.line))
            .contains(where: touched.contains)
      }
      let report = SuggestReport(
        file: file.name, source: file.head, proposal: proposal,
        commits: input.history.commits.count, measured: true, advice: [], hygiene: hygiene)
      let changesFile =
        file.base != file.head || file.baseIgnore?.current != file.headIgnore?.current
      sections.append(
        CommentReport.FileSection(
          report: report, before: before, after: proposal.original,
          changesBuild: changesFile, reviewableLines: reviewable,
          headLines: UnifiedDiff.lines(of: file.head).map {
            String(decoding: file.head[$0], as: UTF8.self)
          },
          span: ProposalSpan.make(old: file.head, new: proposal.proposed)))
    }
    let comment = CommentReport(
      sections: sections, commits: input.history.commits.count, baseName: input.baseName)
    if comment.isClean, quietIfClean {
      return CommentOutcome(markdown: [], diagnostics: diagnostics, isClean: true)
    }
    var levels: [Finding.Level] = []
    for section in sections where !section.isClean {
      if section.delta > 0.05 { levels.append(.warning) }
      levels += section.report.moves.map { RuleCatalog.rule($0.id)?.level ?? .warning }
      levels += section.report.hygiene.map(\.level)
    }
    return CommentOutcome(
      markdown: Array(comment.markdown().utf8), diagnostics: diagnostics,
      isClean: comment.isClean, levels: levels)
  }
}

extension Planner {
  /// The comment with a line for each Dockerfile the pull request removes (nothing of it to
  /// review); the marker stays first.
  package static func commentNoting(
    removed: [String], in outcome: CommentOutcome, quietIfClean: Bool
  ) -> [UInt8] {
    guard !removed.isEmpty else { return outcome.markdown }
    let names = removed.map { "`\($0)`" }.joined(separator: ", ")
    let line = "\(names) \(removed.count == 1 ? "is" : "are") removed by this pull request.\n"
    if outcome.isClean {
      return quietIfClean ? [] : Array((CommentReport.marker + "\n" + "planner: " + line).utf8)
    }
    return outcome.markdown + Array(("\n" + line).utf8)
  }
}

/// The lines of a new text that a change from an old one added or modified (1-based), and,
/// with `context`, the lines a unified diff shows around them: where GitHub lets a review put a
/// comment, and so a suggestion.
enum ChangedLines {
  static func inNew(old: [UInt8], new: [UInt8], context: Int = 0) -> Set<Int> {
    guard old != new else { return [] }
    let (steps, _, newLines) = UnifiedDiff.lineEdits(old: old, new: new)
    var lines: Set<Int> = []
    for step in steps where step.kind != .keep {
      // An insertion is its own line; a deletion sits before the next line of the new text.
      let low = step.new - context
      let high = (step.kind == .insert ? step.new : step.new - 1) + context
      for index in max(0, low)..<min(newLines.count, high + 1) { lines.insert(index + 1) }
    }
    return lines
  }
}
