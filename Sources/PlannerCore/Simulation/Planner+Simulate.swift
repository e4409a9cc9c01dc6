extension Planner {
  package enum SimulationFormat: String, CaseIterable, Sendable {
    case text, json, markdown
  }

  /// `planner simulate`: replays the window's commits, oldest first, through the builder's
  /// cache and reports each step's status, cost and cause.
  ///
  /// - Parameters:
  ///   - timingsLog: a BuildKit `--progress=plain` log whose step times replace the estimates.
  ///   - explain: a commit id or a prefix of one; the report is then that commit's explanation.
  package static func simulate(
    _ input: SimulationInput, options: SimulationOptions, timingsLog: [UInt8]? = nil,
    format: SimulationFormat, explain: String? = nil
  ) -> Outcome {
    let timings = timingsLog.map { BuildTimings(log: $0) }
    let simulator = CacheSimulator(input: input, options: options, timings: timings)
    let (builds, diagnostics) = simulator.run()
    let report = SimulationReport(builds: builds, file: input.dockerfile.name, options: options)
    if let explain {
      let matches = report.commits.filter { $0.commit.hasPrefix(explain.lowercased()) }
      guard matches.count == 1, let commit = matches.first else {
        let problem =
          matches.isEmpty
          ? "commit '\(explain)' is not among the \(report.commits.count) commits simulated"
          : "'\(explain)' names \(matches.count) commits of the window; give more digits"
        return Outcome(
          report: [],
          diagnostics: diagnostics + [
            Diagnostic(.error, problem, file: input.dockerfile.name, range: .lines(1, 1))
          ])
      }
      return Outcome(report: Array(report.explain(commit).utf8), diagnostics: diagnostics)
    }
    let text: [UInt8] =
      switch format {
      case .text: Array(report.text().utf8)
      case .markdown: Array(report.markdown().utf8)
      case .json: JSONOutput.encode(report)
      }
    return Outcome(report: text, diagnostics: diagnostics)
  }
}
