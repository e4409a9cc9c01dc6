/// `.dockerignore` lines for paths whose changes cost rebuilds but that an image rarely needs:
/// VCS and CI folders, editor settings, documentation. Each comes with its measured saving, and
/// as advice only: ignoring a path changes what the image contains, so the user must confirm
/// that nothing in the image uses it.
///
/// Example: a `COPY . .` that re-runs whenever `README.md` changes gets the advice to add
/// `*.md`. It does not apply to a path the ignore file already excludes, nor to one a COPY names
/// on its own (`COPY README.md /docs/`): that file is wanted.
enum IgnoreAdvice {
  struct Advice: Hashable, Sendable, Encodable {
    var id: String
    /// The line to add to the ignore file.
    var pattern: String
    var message: String
    var seconds: Double
    var rebuilds: Int
    var needsConfirmation: Bool
  }

  /// The kinds of paths worth proposing, in the order they are tried.
  static let candidates: [(pattern: String, what: String)] = [
    (".git", "the git folder"), (".github", "CI configuration"),
    (".gitlab-ci.yml", "CI configuration"),
    (".circleci", "CI configuration"), (".vscode", "editor settings"), (".idea", "editor settings"),
    ("docs", "documentation"), ("doc", "documentation"), ("*.md", "Markdown documents"),
  ]

  static func find(
    reorderer: Reorderer, source: [UInt8], ignore: SimulationInput.WatchedFile?
  ) -> [Advice] {
    let (original, _, builds) = reorderer.replay(source)
    // The paths whose changes started rebuilds, from the replay of today's file.
    let summary = SimulationReport.summarize(builds)
    let costly = summary.costliestPaths.map(\.path)
    guard !costly.isEmpty else { return [] }
    var advice: [Advice] = []
    let current = ignore?.current ?? []
    for candidate in candidates {
      guard let matcher = try? IgnoreMatcher(patterns: [candidate.pattern]),
        costly.contains(where: { matcher.isExcluded($0) })
      else { continue }
      var text = current
      if let last = text.last, last != 0x0A { text.append(0x0A) }
      text += Array((candidate.pattern + "\n").utf8)
      var history = reorderer.history
      history.ignoreFile = .init(name: ignore?.name ?? ".dockerignore", path: nil, current: text)
      var variant = Reorderer(
        history: history, options: reorderer.options, file: reorderer.file,
        contextFiles: reorderer.contextFiles.filter { !matcher.isExcluded($0) })
      variant.manifestContents = reorderer.manifestContents
      let (replayed, _, _) = variant.replay(source)
      let saved = original.seconds - replayed.seconds
      guard saved > 1e-9 else { continue }
      advice.append(
        Advice(
          id: "PL201", pattern: candidate.pattern,
          message:
            "add '\(candidate.pattern)' to \(ignore?.name ?? ".dockerignore"): \(candidate.what) changes cost rebuilds; confirm the image does not need it",
          seconds: saved, rebuilds: original.rebuilds - replayed.rebuilds,
          needsConfirmation: true))
    }
    return advice.sorted {
      $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.pattern < $1.pattern
    }
  }
}
