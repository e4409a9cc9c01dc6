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

  /// Each candidate's pattern, compiled once.
  private static let matchers = candidates.map { try? IgnoreMatcher(patterns: [$0.pattern]) }

  static func find(
    reorderer: Reorderer, source: [UInt8], ignore: SimulationInput.WatchedFile?
  ) -> [Advice] {
    let current = ignore?.current ?? []
    // Today's ignore file at every commit, with and without the new line: the two replays
    // differ by that line only (and paths today's file already ignores never show up).
    func withIgnore(_ text: [UInt8], files: [String]) -> Reorderer {
      reorderer.variant(
        ignoreFile: .init(name: ignore?.name ?? ".dockerignore", path: nil, current: text),
        contextFiles: files, source: source)
    }
    // Where today's file already applies at every commit (no file, one outside the repository,
    // or one the window never changed), the baseline is the reorderer's own replay, made once.
    let isConstant =
      ignore?.path.map { path in
        !reorderer.history.commits.contains { $0.changes.contains { $0.path == path } }
      } ?? true
    let baseline = isConstant ? reorderer : withIgnore(current, files: reorderer.contextFiles)
    let (original, _, _) = baseline.replay(source)
    // The context paths the window changed that today's ignore file sends: a candidate that
    // matches none of them cannot save anything, and is not replayed.
    let prefix = BuildContext.relative(reorderer.history.contextPrefix)
    var changed: Set<String> = []
    for commit in reorderer.history.commits {
      for change in commit.changes {
        if prefix.isEmpty {
          changed.insert(change.path)
        } else if change.path.hasPrefix(prefix + "/") {
          changed.insert(String(change.path.dropFirst(prefix.count + 1)))
        }
      }
    }
    let costly = Planner.sentFiles(Array(changed), ignore: current)
    guard !costly.isEmpty else { return [] }
    // Paths a COPY, ADD or bind mount names itself: those are wanted in the image.
    var named: [String] = []
    if let dockerfile = try? reorderer.parsed(source).get().dockerfile {
      for step in ContextSteps.find(in: dockerfile) {
        named += step.sources.compactMap(\.value).map { BuildContext.relative($0) }
          .filter { !$0.isEmpty }
      }
    }
    // Every candidate is one path component: such a pattern matches a path's first component
    // only (patterns are anchored at the root, `*` stops at `/`), through the path itself or
    // a parent. A candidate no first component matches is passed over without its matcher,
    // which most files never need compiled (0.05 million instructions of a six-line suggest).
    let roots = Set(
      costly.map { path in
        path.utf8.firstIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? path
      })
    var advice: [Advice] = []
    for (index, candidate) in candidates.enumerated() {
      guard
        roots.contains(where: { (try? IgnoreMatcher.filepathMatch(candidate.pattern, $0)) == true }
        ),
        let matcher = matchers[index],
        costly.contains(where: { matcher.isExcluded($0) }),
        !named.contains(where: { matcher.isExcluded($0) })
      else { continue }
      var text = current
      if let last = text.last, last != 0x0A { text.append(0x0A) }
      text += Array((candidate.pattern + "\n").utf8)
      let variant = withIgnore(
        text, files: reorderer.contextFiles.filter { !matcher.isExcluded($0) })
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
