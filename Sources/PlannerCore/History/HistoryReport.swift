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
      out +=
        "  \(String(entry.changes).leftPadded(to: 5))  \(Self.percent(entry.rate))  \(entry.path)\n"
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

  /// One decimal, fixed, so output does not depend on the platform's float printing.
  static func format(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

extension Planner {
  /// `planner history`: how often paths change over a window of commits, and how often each step
  /// that reads the build context would have been invalidated.
  ///
  /// The steps are today's Dockerfile's, and a path counts for a step when the step would read it
  /// under today's ignore file: a commit that changed a file which is now ignored, or that a
  /// source which is now written differently would have read, is judged by today's rules.
  ///
  /// - Parameters:
  ///   - model: the window's changes (built incrementally, so that no commit is kept).
  ///   - contextPrefix: the context folder relative to the repository root (`""` for the root).
  ///   - ignore: the ignore file's display name and bytes, when one applies.
  package static func history(
    model: ChangeModel, dockerfile: [UInt8], file: String, contextPrefix: String,
    ignore: (name: String, text: [UInt8])?, limit: Int, format: TextOrJSON
  ) -> Outcome {
    var diagnostics: [Diagnostic] = []
    var matcher: IgnoreMatcher?
    if let ignore {
      do {
        matcher = try IgnoreMatcher(patterns: IgnoreFile.patterns(from: ignore.text))
      } catch {
        let position = SourcePosition(line: 1, column: 1)
        diagnostics.append(
          Diagnostic(
            .error, "invalid pattern: \(error)", file: ignore.name,
            range: SourceRange(start: position, end: position)))
      }
    }
    let prefix = BuildContext.relative(contextPrefix)
    var filter = matcher.map { ContextFilter($0) }
    /// The path relative to the context, when it is in it and BuildKit would send it.
    func contextPath(_ repositoryPath: String) -> String? {
      var path = repositoryPath
      if !prefix.isEmpty {
        guard path.hasPrefix(prefix + "/") else { return nil }
        path = String(path.dropFirst(prefix.count + 1))
      }
      if let sent = filter?.sends(path), !sent { return nil }
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
            diagnostics.append(
              Diagnostic(
                .warning,
                "'\(source.raw)' is not known statically; planner assumes the step reads the whole context",
                file: file, range: step.range))
            continue
          }
          do {
            readers.append(
              try SourceSelection.Reader(
                source: value, parents: step.parents, excludes: step.excludes))
          } catch {
            diagnostics.append(
              Diagnostic(
                .error, "invalid pattern in '\(value)': \(error)", file: file, range: step.range))
          }
        }
        let touches = model.touches { repositoryPath in
          guard let path = contextPath(repositoryPath) else { return false }
          return readsEverything || readers.contains { $0.reads(path) }
        }
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
