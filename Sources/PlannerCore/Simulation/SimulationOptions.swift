/// How a simulated build runs: which builder, which cache it may use, what it builds.
package struct SimulationOptions: Hashable, Sendable {
  /// The builder whose cache rules apply.
  package enum Builder: String, CaseIterable, Sendable, Codable {
    /// BuildKit: only FROM, RUN, COPY, ADD and WORKDIR are operations; metadata changes nothing.
    case buildkit
    /// The classic builder: every instruction commits an image, and the first miss in a stage
    /// (metadata included) makes everything after it miss.
    case legacy
  }

  /// Which earlier builds a step may be found in.
  package enum CacheScope: String, CaseIterable, Sendable, Codable {
    /// Any earlier build of the window (a long-lived builder).
    case all
    /// Only the previous commit's build (CI importing the last build's cache from a registry).
    case previous
    /// Nothing: every step runs.
    case none
  }

  /// What a stage that re-ran is assumed to give the stages that copy or mount from it.
  package enum StageOutput: String, CaseIterable, Sendable, Codable {
    /// A stage that re-ran any step gives new bytes: `COPY --from` it misses.
    case changed
    /// A stage gives the same bytes unless the context files it reads (through its own steps and
    /// the stages it is built on or copies from) or its instructions changed: ENV, ARG and build
    /// argument edits, and re-runs forced by the cache scope, are assumed not to change them.
    case reproducible
  }

  package var builder: Builder = .buildkit
  package var cache: CacheScope = .all
  package var stageOutput: StageOutput = .changed
  /// The stage to build, by name (case-insensitive, as `docker build --target`); nil for the
  /// last stage.
  package var target: String?
  /// `--build-arg` values.
  package var buildArgs: [String: String] = [:]
  /// When false, the window's first commit is built on a builder that already built its parent.
  package var coldStart = false
  /// Build arguments given a new value at every build (a commit id, a build number): every RUN
  /// that sees one re-runs at every commit.
  package var perBuildArgs: Set<String> = []
  /// Costs a configuration gives to steps by their text (see ``PlannerConfiguration``).
  package var costOverrides: [CostOverride] = []

  /// Seconds for the steps whose instruction text contains `match`.
  package struct CostOverride: Hashable, Sendable {
    package var match: String
    package var seconds: Double

    package init(match: String, seconds: Double) {
      self.match = match
      self.seconds = seconds
    }
  }

  package init(
    builder: Builder = .buildkit, cache: CacheScope = .all, stageOutput: StageOutput = .changed,
    target: String? = nil, buildArgs: [String: String] = [:], coldStart: Bool = false
  ) {
    self.builder = builder
    self.cache = cache
    self.stageOutput = stageOutput
    self.target = target
    self.buildArgs = buildArgs
    self.coldStart = coldStart
  }
}
