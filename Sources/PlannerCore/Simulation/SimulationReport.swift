/// The result of `planner simulate`, in the shape its JSON output promises (keys sorted):
/// `{"dockerfile", "builder", "cache", "assumeStageOutput", "target", "commits": [{"commit",
/// "subject", "steps": [{"stage", "stageName", "line", "instruction", "kind", "status",
/// "seconds", "cause", …}], "wallSeconds", "cpuSeconds"}], "summary": {…}}`, commits oldest
/// first.
struct SimulationReport: Encodable {
  struct CommitEntry: Encodable {
    var commit: String
    var subject: String
    var steps: [StepEntry]
    var wallSeconds: Double
    var cpuSeconds: Double
    /// Why the commit could not be built; absent when it could.
    var error: String?
  }

  struct StepEntry: Encodable {
    var stage: Int
    var stageName: String?
    var line: Int
    var instruction: String
    var kind: String
    var status: String
    var seconds: Double
    /// Why it re-ran; null unless rebuilt.
    var cause: String?
    var causeKind: String?
    /// The changed context paths that made it re-run.
    var paths: [String]?
    /// Where `seconds` comes from when it re-ran: estimate, timings or pragma.
    var costSource: String?
    /// What the figure rests on, such as "package install (npm ci)" or "BuildKit log #8".
    var costBasis: String?

    enum CodingKeys: String, CodingKey {
      case stage, stageName, line, instruction, kind, status, seconds, cause, causeKind, paths
      case costSource, costBasis
    }

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(stage, forKey: .stage)
      // Always present, null for an unnamed stage, so that readers need not guess.
      try container.encode(stageName, forKey: .stageName)
      try container.encode(line, forKey: .line)
      try container.encode(instruction, forKey: .instruction)
      try container.encode(kind, forKey: .kind)
      try container.encode(status, forKey: .status)
      try container.encode(seconds, forKey: .seconds)
      try container.encode(cause, forKey: .cause)
      try container.encodeIfPresent(causeKind, forKey: .causeKind)
      try container.encodeIfPresent(paths, forKey: .paths)
      try container.encodeIfPresent(costSource, forKey: .costSource)
      try container.encodeIfPresent(costBasis, forKey: .costBasis)
    }
  }

  struct Summary: Encodable {
    var commits: Int
    /// Commits with at least one step re-run.
    var rebuilds: Int
    var cachedSteps: Int
    var rebuiltSteps: Int
    /// cached / (cached + rebuilt) over every commit.
    var cacheHitRate: Double
    var totalWallSeconds: Double
    var medianWallSeconds: Double
    var totalCpuSeconds: Double
    /// Whether any figure is a default estimate rather than a timing or a pragma.
    var estimated: Bool
    var costliestPaths: [PathCost]
  }

  /// Rebuild seconds traced back to the context paths whose changes started them.
  struct PathCost: Encodable {
    var path: String
    var seconds: Double
    var commits: Int
  }

  var dockerfile: String
  var builder: String
  var cache: String
  var assumeStageOutput: String
  var target: String?
  var coldStart: Bool
  var commits: [CommitEntry]
  var summary: Summary

  enum CodingKeys: String, CodingKey {
    case dockerfile, builder, cache, assumeStageOutput, target, coldStart, commits, summary
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(dockerfile, forKey: .dockerfile)
    try container.encode(builder, forKey: .builder)
    try container.encode(cache, forKey: .cache)
    try container.encode(assumeStageOutput, forKey: .assumeStageOutput)
    try container.encode(target, forKey: .target)
    try container.encode(coldStart, forKey: .coldStart)
    try container.encode(commits, forKey: .commits)
    try container.encode(summary, forKey: .summary)
  }
}

extension SimulationReport {
  init(builds: [CacheSimulator.Build], file: String, options: SimulationOptions) {
    dockerfile = file
    builder = options.builder.rawValue
    cache = options.cache.rawValue
    assumeStageOutput = options.stageOutput.rawValue
    target = options.target
    coldStart = options.coldStart
    commits = builds.map { build in
      CommitEntry(
        commit: build.commit?.id ?? "", subject: build.commit?.subject ?? "",
        steps: build.steps.map { result in
          let rebuilt = result.status == .rebuilt
          return StepEntry(
            stage: result.step.stage, stageName: result.stageName, line: result.step.line,
            instruction: result.step.instruction,
            kind: result.step.kind == .metadata ? "metadata" : result.step.kind.rawValue,
            status: result.status.rawValue, seconds: Self.rounded(result.seconds),
            cause: result.cause?.text, causeKind: result.cause?.kind.rawValue,
            paths: result.cause.flatMap { $0.paths.isEmpty ? nil : $0.paths },
            costSource: rebuilt ? result.step.cost.source.rawValue : nil,
            costBasis: rebuilt ? result.step.cost.basis : nil)
        }, wallSeconds: Self.rounded(build.wallSeconds),
        cpuSeconds: Self.rounded(build.cpuSeconds), error: build.error)
    }
    summary = Self.summarize(builds)
  }

  static func summarize(_ builds: [CacheSimulator.Build]) -> Summary {
    var cached = 0
    var rebuilt = 0
    var estimated = false
    var rebuilds = 0
    var byPath: [String: (seconds: Double, commits: Set<Int>)] = [:]
    for (index, build) in builds.enumerated() {
      if build.steps.contains(where: { $0.status == .rebuilt }) { rebuilds += 1 }
      // Each re-run is charged to the step that started its chain in the stage.
      var root: (paths: [String], seconds: Double)?
      func settle() {
        guard let finished = root, !finished.paths.isEmpty else { return }
        let share = finished.seconds / Double(finished.paths.count)
        for path in finished.paths {
          byPath[path, default: (0, [])].seconds += share
          byPath[path, default: (0, [])].commits.insert(index)
        }
      }
      var stage = -1
      for result in build.steps {
        if result.step.stage != stage {
          settle()
          root = nil
          stage = result.step.stage
        }
        switch result.status {
        case .cached: cached += 1
        case .skipped: break
        case .rebuilt:
          rebuilt += 1
          if result.step.cost.source == .estimate, result.seconds > 0 { estimated = true }
          if result.cause?.kind == .parent, root != nil {
            root?.seconds += result.seconds
          } else {
            settle()
            root = (result.cause?.paths ?? [], result.seconds)
          }
        }
      }
      settle()
    }
    let walls = builds.filter { $0.error == nil }.map(\.wallSeconds).sorted()
    let median: Double =
      walls.isEmpty
      ? 0
      : walls.count % 2 == 1
        ? walls[walls.count / 2] : (walls[walls.count / 2 - 1] + walls[walls.count / 2]) / 2
    let paths = byPath.map {
      PathCost(path: $0.key, seconds: rounded($0.value.seconds), commits: $0.value.commits.count)
    }
    .sorted {
      $0.seconds != $1.seconds
        ? $0.seconds > $1.seconds : $0.path.utf8.lexicographicallyPrecedes($1.path.utf8)
    }
    return Summary(
      commits: builds.count, rebuilds: rebuilds, cachedSteps: cached, rebuiltSteps: rebuilt,
      cacheHitRate: cached + rebuilt == 0 ? 1 : rounded(Double(cached) / Double(cached + rebuilt)),
      totalWallSeconds: rounded(builds.reduce(0) { $0 + $1.wallSeconds }),
      medianWallSeconds: rounded(median),
      totalCpuSeconds: rounded(builds.reduce(0) { $0 + $1.cpuSeconds }), estimated: estimated,
      costliestPaths: Array(paths.prefix(10)))
  }

  /// Two decimals, so that the same input prints the same bytes on every machine.
  static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

// MARK: - Text and Markdown

extension SimulationReport {
  /// Seconds with one decimal, for reports (`25.0 s`).
  static func seconds(_ value: Double) -> String {
    let tenths = (value * 10).rounded() / 10
    return tenths == tenths.rounded() ? "\(Int(tenths)).0 s" : "\(tenths) s"
  }

  private static func percent(_ rate: Double) -> String {
    let tenths = (rate * 1000).rounded() / 10
    return "\(tenths)%"
  }

  /// The first step that re-ran, as `INSTRUCTION (line N)`.
  private static func firstMiss(_ commit: CommitEntry) -> String {
    guard let step = commit.steps.first(where: { $0.status == "rebuilt" }) else { return "-" }
    return "\(step.instruction) (line \(step.line))"
  }

  private static func cut(_ text: String, to width: Int) -> String {
    text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }

  private static func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  private static func leftPadded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
  }

  private var heading: String {
    var line =
      "\(dockerfile): \(commits.count) commits, builder \(builder), cache \(cache)"
    if let target { line += ", target \(target)" }
    if coldStart { line += ", cold start" }
    return line
  }

  func text() -> String {
    var out = heading + "\n\n"
    out +=
      "\(Self.padded("commit", 8)) \(Self.padded("subject", 32)) \(Self.padded("first step re-run", 36)) re-run  seconds\n"
    for commit in commits {
      let total = commit.steps.filter { $0.status != "skipped" }.count
      let rebuilt = commit.steps.filter { $0.status == "rebuilt" }.count
      let first = commit.error.map { "error: \($0)" } ?? Self.firstMiss(commit)
      out += Self.padded(String(commit.commit.prefix(7)), 8) + " "
      out += Self.padded(Self.cut(commit.subject, to: 32), 32) + " "
      out += Self.padded(Self.cut(first, to: 36), 36) + " "
      out += Self.leftPadded("\(rebuilt)/\(total)", 6) + " "
      out += Self.leftPadded(Self.seconds(commit.wallSeconds), 8) + "\n"
    }
    out += "\n" + summaryText()
    return out
  }

  func summaryText() -> String {
    var out = "cache hit rate: \(Self.percent(summary.cacheHitRate)) of steps"
    out += " (\(summary.cachedSteps) cached, \(summary.rebuiltSteps) re-run)\n"
    out +=
      "rebuild time: \(Self.seconds(summary.totalWallSeconds)) in all, median \(Self.seconds(summary.medianWallSeconds)) a commit (wall); CPU \(Self.seconds(summary.totalCpuSeconds))\n"
    if !summary.costliestPaths.isEmpty {
      out += "paths whose changes cost the most rebuild seconds:\n"
      for entry in summary.costliestPaths {
        out +=
          "  \(Self.leftPadded(Self.seconds(entry.seconds), 9))  \(entry.commits) commit\(entry.commits == 1 ? "" : "s")  \(entry.path)\n"
      }
    }
    if summary.estimated {
      out +=
        "times are estimates by step kind (see README: Cost); calibrate with --timings or '# planner: cost=…'\n"
    }
    return out
  }

  func markdown() -> String {
    var out = "### planner simulate: \(heading)\n\n"
    out +=
      "**Cache hit rate \(Self.percent(summary.cacheHitRate))**; rebuild time \(Self.seconds(summary.totalWallSeconds)) in all, median \(Self.seconds(summary.medianWallSeconds)) a commit.\n\n"
    out += "| commit | subject | first step re-run | re-run | seconds |\n"
    out += "| --- | --- | --- | ---: | ---: |\n"
    for commit in commits {
      let total = commit.steps.filter { $0.status != "skipped" }.count
      let rebuilt = commit.steps.filter { $0.status == "rebuilt" }.count
      let first = commit.error.map { "error: \($0)" } ?? Self.firstMiss(commit)
      out +=
        "| `\(commit.commit.prefix(7))` | \(Self.markdownCell(Self.cut(commit.subject, to: 60))) | \(Self.markdownCell(first)) | \(rebuilt)/\(total) | \(Self.seconds(commit.wallSeconds)) |\n"
    }
    if !summary.costliestPaths.isEmpty {
      out += "\n| path | rebuild seconds | commits |\n| --- | ---: | ---: |\n"
      for entry in summary.costliestPaths {
        out +=
          "| \(Self.markdownCell(entry.path)) | \(Self.seconds(entry.seconds)) | \(entry.commits) |\n"
      }
    }
    if summary.estimated {
      out += "\n_Times are estimates by step kind; calibrate with `--timings`._\n"
    }
    return out
  }

  /// A table cell: pipes escaped, code spans for instructions kept readable.
  static func markdownCell(_ text: String) -> String {
    text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
  }

  /// `--explain`: every step of one commit with its status and, for a re-run, why.
  func explain(_ commit: CommitEntry) -> String {
    var out = "\(commit.commit) \(commit.subject)\n"
    if let error = commit.error { return out + "not built: \(error)\n" }
    for step in commit.steps {
      let stage = step.stageName ?? "stage-\(step.stage)"
      out += "  \(Self.padded(step.status, 7)) \(stage) line \(step.line): \(step.instruction)\n"
      if let cause = step.cause {
        out += "          why: \(cause)"
        if step.seconds > 0 {
          out +=
            " (\(Self.seconds(step.seconds)): \(step.costSource ?? "") \(step.costBasis ?? ""))"
        }
        out += "\n"
      }
    }
    out +=
      "wall \(Self.seconds(commit.wallSeconds)), CPU \(Self.seconds(commit.cpuSeconds))\n"
    return out
  }
}
