#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `planner history` prints: the paths that changed most over the window, and for every
/// step that reads the build context, how often a commit of the window would have invalidated it.
struct HistoryReport: Encodable {
  struct PathEntry: Encodable {
    /// Relative to the repository root.
    var path: String
    var changes: Int
    /// The smoothed share of commits that changed the path (see `ChangeModel`).
    var rate: Double
  }

  struct StepEntry: Encodable {
    var stage: Int
    var stageName: String?
    var range: SourceRange
    var instruction: String
    /// Commits of the window that changed at least one file the step reads.
    var commits: Int
    /// The smoothed (and, with a half-life, weighted) share of such commits.
    var invalidationRate: Double
  }

  /// Commits in the window, and the half-life used (nil: every commit weighs the same).
  var commits: Int
  var halfLife: Double?
  /// The context folder relative to the repository root (`""` is the root).
  var contextPrefix: String
  var mostChanged: [PathEntry]
  var steps: [StepEntry]

  /// The window as text: the most-changed paths, then the steps by line.
  func text(file: String) -> String {
    var out = "\(commits) commits"
    if let halfLife { out += ", half-life \(Self.format(halfLife)) commits" }
    out += "\n\nmost changed paths (changes, rate):\n"
    for entry in mostChanged {
      out += "  \(String(entry.changes).leftPadded(to: 5))  \(Self.percent(entry.rate))  "
      out += "\(ContextReport.display(entry.path))\n"
    }
    if mostChanged.isEmpty { out += "  (none)\n" }
    out += "\nsteps that read the build context (commits that invalidate them, rate):\n"
    for step in steps {
      out += "  \(file):\(step.range.start.line)  \(String(step.commits).leftPadded(to: 5))  "
      out += "\(Self.percent(step.invalidationRate))  \(step.instruction)\n"
    }
    if steps.isEmpty { out += "  (none)\n" }
    return out
  }

  static func percent(_ rate: Double) -> String {
    (format(rate * 100) + "%").leftPadded(to: 6)
  }

  /// One decimal, fixed, so output does not depend on the platform's float printing; large
  /// values print in full.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return String(describing: value) }
    // printf's own rounding (to nearest, ties to even on the exact binary value).
    var buffer = [CChar](repeating: 0, count: 400)
    let written = withVaList([value]) { arguments in
      buffer.withUnsafeMutableBufferPointer {
        vsnprintf($0.baseAddress, $0.count, "%.1f", arguments)
      }
    }
    guard written > 0, written < buffer.count else { return String(describing: value) }
    return String(
      decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

/// The ignore file over a window of commits: which content applied to which commits. A commit
/// builds with the ignore file of its own tree, so a commit that edited `.dockerignore` is judged
/// with the new rules, and the commits before it with the old ones.
package struct IgnoreFileHistory: Sendable {
  /// One content and the commits it applies to: indices `from...` up to the next version's
  /// `from` (0 is the newest commit). Nil text: no ignore file at those commits.
  package struct Version: Sendable {
    package var from: Int
    package var text: [UInt8]?

    package init(from: Int, text: [UInt8]?) {
      self.from = from
      self.text = text
    }
  }

  /// The file's display name, for diagnostics.
  package var name: String
  /// Sorted by `from`, the first one from 0.
  package var versions: [Version]

  package init(name: String, versions: [Version]) {
    self.name = name
    self.versions = versions.sorted { $0.from < $1.from }
  }

  /// Today's file for every commit.
  package init(name: String, current: [UInt8]?) {
    self.init(name: name, versions: [Version(from: 0, text: current)])
  }
}

extension Planner {
  /// `planner history`: how often paths change over a window of commits, and how often each step
  /// that reads the build context would have been invalidated.
  ///
  /// The steps are today's Dockerfile's; a path counts for a step at a commit when the step would
  /// read it under the ignore file of that commit (`ignoreHistory`), so a commit made before a
  /// path was ignored still counts a change to it.
  ///
  /// - Parameters:
  ///   - model: the window's changes (built incrementally, so that no commit is kept).
  ///   - contextPrefix: the context folder relative to the repository root (`""` for the root).
  ///   - ignoreHistory: the ignore file's contents over the window; nil when there is none.
  ///   - links: the context's symbolic links today (context-relative path to target as stored).
  package static func history(
    model: ChangeModel, dockerfile: [UInt8], file: String, contextPrefix: String,
    ignoreHistory: IgnoreFileHistory?, links: [String: String] = [:], limit: Int,
    format: TextOrJSON
  ) -> Outcome {
    var diagnostics: [Diagnostic] = []
    let linkTargets = LinkTargets(links: links)
    // One filter per version of the ignore file, and which version each commit uses.
    var filters: [ContextFilter?] = []
    var versionOfCommit = [Int](repeating: 0, count: model.commitCount)
    if let ignoreHistory {
      for (index, version) in ignoreHistory.versions.enumerated() {
        for commit in max(0, version.from)..<max(max(0, version.from), model.commitCount) {
          versionOfCommit[commit] = index
        }
        guard let text = version.text else {
          filters.append(nil)
          continue
        }
        do {
          filters.append(
            ContextFilter(try IgnoreMatcher(patterns: IgnoreFile.patterns(from: text))))
        } catch {
          filters.append(nil)
          let which = index == 0 ? "" : " (the version at commit \(version.from) of the window)"
          diagnostics.append(
            IgnoreFile.diagnostic(
              for: error, in: text, file: ignoreHistory.name,
              severity: index == 0 ? .error : .warning, note: which))
        }
      }
    }
    let prefix = BuildContext.relative(contextPrefix)
    /// The path relative to the context, when it is in it and BuildKit would send it at `commit`.
    func contextPath(_ repositoryPath: String, at commit: Int) -> String? {
      var path = repositoryPath
      if !prefix.isEmpty {
        guard path.hasPrefix(prefix + "/") else { return nil }
        path = String(path.dropFirst(prefix.count + 1))
      }
      let version = commit < versionOfCommit.count ? versionOfCommit[commit] : 0
      if version < filters.count, filters[version] != nil, filters[version]?.sends(path) == false {
        return nil
      }
      return path
    }

    var steps: [HistoryReport.StepEntry] = []
    switch DockerfileParser(file: file).parse(dockerfile) {
    case .failure(let failure):
      diagnostics.append(failure.diagnostic)
    case .success(let tree):
      let (dockerfileModel, modelDiagnostics) = Dockerfile.build(from: tree, file: file)
      diagnostics += modelDiagnostics.filter { $0.severity == .error }
      for step in ContextSteps.find(in: dockerfileModel) {
        var readers: [SourceSelection.Reader] = []
        var readsEverything = false
        for source in step.sources {
          guard let value = source.value else {
            readsEverything = true
            diagnostics.append(.sourceNotKnownStatically(source.raw, file: file, range: step.range))
            continue
          }
          do {
            let reader = try SourceSelection.Reader(
              source: value, parents: step.parents, excludes: step.excludes)
            readers.append(reader)
            // A symbolic link the source names, matches or passes through: the step reads what
            // it points to (today's links, as the walk found them).
            for target in linkTargets.targets(readBy: reader, parents: step.parents) {
              readers.append(try SourceSelection.Reader(source: target, excludes: step.excludes))
            }
          } catch {
            diagnostics.append(
              Diagnostic(
                .error, "invalid pattern in '\(value)': \(error)", file: file, range: step.range))
          }
        }
        // The answer depends only on the path and the commit's ignore-file version: remember it.
        var known = [[Int8]](
          repeating: [Int8](repeating: -1, count: model.pathCount), count: max(1, filters.count))
        let touches = model.touchesPerCommit({ commit, pathID, repositoryPath in
          let version = commit < versionOfCommit.count ? versionOfCommit[commit] : 0
          let row = min(version, known.count - 1)
          if known[row][pathID] >= 0 { return known[row][pathID] == 1 }
          let answer =
            contextPath(repositoryPath, at: commit).map { path in
              readsEverything || readers.contains { $0.reads(path) }
            } ?? false
          known[row][pathID] = answer ? 1 : 0
          return answer
        })
        steps.append(
          HistoryReport.StepEntry(
            stage: step.stage, stageName: step.stageName, range: step.range,
            instruction: step.instruction,
            commits: touches.commits,
            invalidationRate: (touches.weight + 1) / (model.totalWeight + 2)))
      }
    }
    let report = HistoryReport(
      commits: model.commitCount, halfLife: model.halfLife, contextPrefix: prefix,
      mostChanged: model.mostChanged(limit: limit).map {
        HistoryReport.PathEntry(path: $0.path, changes: $0.changes, rate: $0.rate)
      },
      steps: steps)
    switch format {
    case .text:
      return Outcome(report: Array(report.text(file: file).utf8), diagnostics: diagnostics)
    case .json: return Outcome(report: JSONOutput.encode(report), diagnostics: diagnostics)
    }
  }
}

/// Where the symbolic links a source reaches point to, for history: a step that copies a link's
/// target reads the files there, so their changes count for it.
struct LinkTargets {
  private let context: BuildContext

  init(links: [String: String]) {
    context = BuildContext(paths: links.keys, links: links)
  }

  /// The resolved targets of the links `reader` reaches: a literal source that names or passes
  /// through a link, or a wildcard's direct match that is a link.
  func targets(readBy reader: SourceSelection.Reader, parents: Bool) -> [String] {
    guard !context.links.isEmpty, !parents else { return [] }
    if reader.isLiteral {
      guard let resolved = context.resolvingLinks(reader.path), resolved != reader.path else {
        return []
      }
      return [resolved]
    }
    let depth = reader.path.split(separator: "/").count
    return context.links.keys.sorted().compactMap { link in
      guard link.split(separator: "/").count == depth, reader.reads(link) else { return nil }
      return context.resolvingLinks(link)
    }
  }
}
