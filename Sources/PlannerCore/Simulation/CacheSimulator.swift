/// Replays a window of commits through a builder's cache, oldest first: for every build, which
/// steps are found in the cache and which re-run, why, and at what cost.
///
/// A step's key is a digest of its parent's key, its own fields (`BuildPlan.Step.definition`) and
/// the content it reads: for the context, the state (blob id and mode) of every file it selects;
/// for a stage, that stage's output identity (`SimulationOptions.StageOutput`). A step is cached
/// when its key is in the cache scope: every earlier build (`all`), the previous one (`previous`)
/// or none.
///
/// Context content is tracked from the changes alone. Every path no commit of the window touched
/// has the same state in every build, so it adds the same amount to a step's content digest and
/// can be left out, except when the ignore file changes what is sent: then the untouched paths
/// of the newest tree (`SimulationInput.untouched`) are counted too. A step's digest is a sum of
/// per-file digests, updated from each commit's changed paths, so a commit costs what it changed,
/// not the size of the tree.
struct CacheSimulator {
  let input: SimulationInput
  let options: SimulationOptions
  let timings: BuildTimings?
  /// Whether each re-run step gets its cause. The reorderer only needs costs and keys, and
  /// replays many candidates: without causes (and the records they compare with), a replay
  /// makes no strings.
  var explains = true
  /// The current Dockerfile (`input.dockerfile.current`) already parsed and modelled, when the
  /// caller has it.
  var current: (tree: SyntaxTree, dockerfile: Dockerfile, diagnostics: [Diagnostic])?
  /// `input.commits` as changes to numbered paths, when the caller replays them more than once.
  var window: Window?

  /// The commits of a window as changes to numbered paths, oldest first: what a replay reads
  /// of each commit, whatever it builds. Made once per history, it spares each replay of it a
  /// dictionary look-up and a digest per changed path (0.28 million instructions of a six-line
  /// suggest's three replays).
  final class Window: Sendable {
    /// Touched paths, by id; the state of each before the window, and its digest.
    let paths: [String]
    let pathIDs: [String: Int]
    let states: [SimulationInput.FileState?]
    let stateDigests: [Digest]
    /// Per commit, oldest first, the paths whose state it changes: their new state and digest,
    /// and the digest they had.
    let changes: [[Change]]

    struct Change: Sendable {
      var id: Int
      var old: Digest
      var state: SimulationInput.FileState?
      var digest: Digest
    }

    /// `commits` newest first, as `SimulationInput.commits` holds them.
    init(commits newestFirst: [Commit]) {
      var paths: [String] = []
      var pathIDs: [String: Int] = [:]
      var states: [SimulationInput.FileState?] = []
      var stateDigests: [Digest] = []
      let commits = newestFirst.reversed()
      for commit in commits {
        for change in commit.changes where pathIDs[change.path] == nil {
          pathIDs[change.path] = paths.count
          paths.append(change.path)
          let state: SimulationInput.FileState? =
            change.oldMode == 0 ? nil : .init(blob: change.oldBlob, mode: change.oldMode)
          states.append(state)
          stateDigests.append(Digest(path: change.path, state: state))
        }
      }
      (self.paths, self.pathIDs, self.states, self.stateDigests) =
        (paths, pathIDs, states, stateDigests)
      // The states moved through the window once, as every replay moves them.
      var changes: [[Change]] = []
      changes.reserveCapacity(newestFirst.count)
      for commit in commits {
        var changed: [Change] = []
        for change in commit.changes {
          guard let id = pathIDs[change.path] else { continue }
          let state: SimulationInput.FileState? =
            change.newMode == 0 ? nil : .init(blob: change.newBlob, mode: change.newMode)
          if states[id] != state {
            let digest = Digest(path: change.path, state: state)
            changed.append(Change(id: id, old: stateDigests[id], state: state, digest: digest))
            states[id] = state
            stateDigests[id] = digest
          }
        }
        changes.append(changed)
      }
      self.changes = changes
    }
  }

  /// One simulated build.
  struct Build: Sendable {
    var commit: Commit?
    var steps: [StepResult]
    var wallSeconds: Double
    var cpuSeconds: Double
    /// Why the commit could not be built (its Dockerfile is missing or rejected).
    var error: String?
  }

  struct StepResult: Sendable {
    enum Status: String, Sendable, Codable { case cached, rebuilt, skipped }

    var step: BuildPlan.Step
    var status: Status
    var seconds: Double
    var cause: Cause?
    /// A digest of the step's own inputs (its fields, the content it reads, the output of the
    /// stages it reads), without its parent: what the reorderer needs to know when the step
    /// itself changed, wherever it stands.
    var inputs = Digest()

    /// The step's stage's name: kept by the step, not copied into each result of each build.
    var stageName: String? { step.stageName }
  }

  /// Why a step re-ran.
  struct Cause: Hashable, Sendable {
    enum Kind: String, Sendable, Codable {
      /// Nothing was cached yet (the window's first build with `--cold-start`).
      case coldStart
      /// `--cache none`.
      case noCache
      /// The step before it in the stage re-ran.
      case parent
      /// Context files it reads changed.
      case paths
      /// The ignore file changed which files it reads.
      case ignoreFile
      /// Its instruction is new or was edited.
      case instruction
      /// Variables in its key changed.
      case environment
      /// A stage it copies or mounts from gives different output.
      case stage
      /// Its key was built before, but not in a build the cache scope keeps.
      case scope
    }

    var kind: Kind
    var text: String
    /// The changed paths (context-relative) for `paths`.
    var paths: [String] = []
    /// The variable names for `environment`.
    var names: [String] = []
  }

  /// Runs the simulation. Returns the builds of the window's commits, oldest first, and the
  /// diagnostics of the newest commit's Dockerfile (older versions fail their own build only).
  func run() -> (builds: [Build], diagnostics: [Diagnostic]) {
    let result = runWithBase()
    return (result.builds, result.diagnostics)
  }

  /// `run`, plus the build of the window's parent that a warm start begins with (nil on a cold
  /// start or at the root).
  func runWithBase() -> (builds: [Build], diagnostics: [Diagnostic], base: Build?) {
    var run = Run(simulator: self)
    return run.execute()
  }

  // MARK: - The replay

  /// The state carried from build to build.
  private struct Run {
    let simulator: CacheSimulator
    var input: SimulationInput { simulator.input }
    var options: SimulationOptions { simulator.options }

    /// The window's touched paths, by id, and the changes of its commits.
    let window: Window
    /// The current state of each touched path (nil when absent), and its digest.
    var states: [SimulationInput.FileState?]
    var stateDigests: [Digest]

    /// Compiled Dockerfiles and filters, by the blob id they came from ("" for `current`).
    var plans: [String: (BuildPlan?, [Diagnostic])] = [:]
    var filters: [String: ContextFilter?] = [:]

    /// The (Dockerfile, ignore file) version pair the digests below are for.
    var pair: (dockerfile: String, ignore: String)?
    /// Per touched path, the steps (indices into `plan.allSteps`) that read it under `pair`.
    var readersOfPath: [Int: [Int]] = [:]
    var digests: [Digest] = []

    /// Whether the build of the window's parent failed (no Dockerfile there, or a rejected one).
    var baseFailed = false

    /// Keys in the cache scope, and every key ever built with the output identity it had.
    var cache = DigestSet()
    var outputs = DigestTable<Digest>()
    var previous: [Int: [Record]] = [:]

    init(simulator: CacheSimulator) {
      self.simulator = simulator
      window = simulator.window ?? Window(commits: simulator.input.commits)
      (states, stateDigests) = (window.states, window.stateDigests)
    }

    /// What explaining a miss compares with: one step of the previous build.
    struct Record {
      var definition: String
      var text: String
      var environment: [String]
      var content: Digest
      var sources: Digest
    }

    mutating func execute() -> (builds: [Build], diagnostics: [Diagnostic], base: Build?) {
      let commits = Array(input.commits.reversed())
      var builds: [Build] = []
      builds.reserveCapacity(commits.count)
      if options.cache == .all, let plan = plan(for: version(of: input.dockerfile)).0 {
        // The cache gains at most every step at each build: made at that size (within reason),
        // it is not rehashed as it grows, 0.2 million instructions of a six-line suggest.
        let steps = plan.stages.reduce(0) { $0 + $1.steps.count + 1 }
        cache = DigestSet(minimumCapacity: min((commits.count + 1) * steps, 1 << 16))
      }
      var base: Build?
      // The window's first commit is built on a builder that built its parent, unless that
      // parent is not there (a root commit) or the user asked for a cold start.
      if !options.coldStart, let oldest = commits.first, !oldest.parents.isEmpty {
        base = build(nil, changed: [], index: -1)
        // A parent that could not be built leaves nothing cached: the window starts cold.
        baseFailed = base?.error != nil
      }
      for (index, commit) in commits.enumerated() {
        let changed = window.changes[index]
        apply(changed)
        builds.append(build(commit, changed: changed, index: index))
      }
      let newest = plans[version(of: input.dockerfile)]?.1 ?? []
      return (builds, newest, base)
    }

    /// Applies a commit's changes (the paths whose state it changes).
    mutating func apply(_ changes: [Window.Change]) {
      for change in changes {
        states[change.id] = change.state
        stateDigests[change.id] = change.digest
      }
    }

    /// The blob id a watched file has now, "" for its current content, "-" when absent.
    func version(of file: SimulationInput.WatchedFile) -> String {
      guard let path = file.path, let id = window.pathIDs[path] else {
        return file.current == nil ? "-" : ""
      }
      return states[id]?.blob ?? "-"
    }

    func content(of file: SimulationInput.WatchedFile, version: String) -> [UInt8]? {
      switch version {
      case "-": nil
      case "": file.current
      default: file.blobs[version] ?? file.current
      }
    }

    mutating func plan(for version: String) -> (BuildPlan?, [Diagnostic]) {
      if let known = plans[version] { return known }
      let compiled: (BuildPlan?, [Diagnostic])
      if version == "", let (tree, dockerfile, diagnostics) = simulator.current {
        compiled = BuildPlan.make(
          tree: tree, dockerfile: dockerfile, found: diagnostics, file: input.dockerfile.name,
          options: options, timings: simulator.timings, copiedBytes: copiedBytes)
      } else if let source = content(of: input.dockerfile, version: version) {
        let bytes = copiedBytes
        compiled = BuildPlan.make(
          source: source, file: input.dockerfile.name, options: options,
          timings: simulator.timings, copiedBytes: bytes)
      } else {
        compiled = (nil, [])
      }
      plans[version] = compiled
      return compiled
    }

    /// The bytes a step copies from the newest tree (with the newest ignore file), or nil when
    /// the sizes are not known. An estimate: sizes do not follow the files through the window.
    var copiedBytes: (BuildPlan.Step) -> Int? {
      guard let sizes = input.sizes else { return { _ in nil } }
      let prefix = BuildContext.relative(input.contextPrefix)
      var newest: ContextFilter?
      if let file = input.ignoreFile, let text = file.current,
        let matcher = try? IgnoreMatcher(patterns: IgnoreFile.patterns(from: text))
      {
        newest = ContextFilter(matcher)
      }
      // The context's files once, then each step's share.
      var files: [(path: String, size: Int)] = []
      for (path, size) in sizes {
        if let relative = Self.contextPath(path, prefix: prefix, filter: &newest) {
          files.append((relative, size))
        }
      }
      return { step in
        guard step.readsContext else { return nil }
        var total = 0
        for file in files
        where step.readsWholeContext || step.readers.contains(where: { $0.reads(file.path) }) {
          total += file.size
        }
        return total
      }
    }

    mutating func filter(for version: String) -> ContextFilter? {
      if let known = filters[version] { return known }
      var made: ContextFilter?
      if let file = input.ignoreFile, let text = content(of: file, version: version),
        let matcher = try? IgnoreMatcher(patterns: IgnoreFile.patterns(from: text))
      {
        made = ContextFilter(matcher)
      }
      filters[version] = made
      return made
    }

    /// The path relative to the context when the context holds it and the filter sends it.
    static func contextPath(_ path: String, prefix: String, filter: inout ContextFilter?) -> String?
    {
      var relative = path
      if !prefix.isEmpty {
        guard path.hasPrefix(prefix + "/") else { return nil }
        relative = String(path.dropFirst(prefix.count + 1))
      }
      if filter != nil, filter?.sends(relative) == false { return nil }
      return relative
    }

    static func readers(of relative: String, in steps: [BuildPlan.Step]) -> [Int] {
      steps.indices.filter { index in
        steps[index].readsWholeContext || steps[index].readers.contains { $0.reads(relative) }
      }
    }

    /// Brings the per-step content digests to this build: incrementally when the Dockerfile and
    /// the ignore file are the versions of the previous build, from scratch otherwise. Returns,
    /// per step (index into `plan.allSteps`), the changed context paths it reads.
    mutating func updateDigests(
      plan: BuildPlan, pair newPair: (dockerfile: String, ignore: String),
      changed: [Window.Change]
    ) -> [Int: [String]] {
      let prefix = BuildContext.relative(input.contextPrefix)
      var touched: [Int: [String]] = [:]
      let explains = simulator.explains
      if let pair, pair == newPair {
        // Only an explanation names the paths: without one the filter is not looked up.
        var filter = explains ? self.filter(for: newPair.ignore) : nil
        for change in changed {
          // `readersOfPath` holds only the paths this pair's ignore file sends.
          guard let readers = readersOfPath[change.id], !readers.isEmpty else { continue }
          for index in readers {
            digests[index].subtract(change.old)
            digests[index].add(change.digest)
          }
          if explains,
            let relative = Self.contextPath(
              window.paths[change.id], prefix: prefix, filter: &filter)
          {
            for index in readers { touched[index, default: []].append(relative) }
          }
        }
        return touched
      }
      pair = newPair
      var filter = self.filter(for: newPair.ignore)
      let known =
        pairs["\(newPair.dockerfile) \(newPair.ignore)"]
        ?? analyze(steps: plan.allSteps, dockerfile: newPair.dockerfile, filter: &filter)
      pairs["\(newPair.dockerfile) \(newPair.ignore)"] = known
      readersOfPath = known.readersOfPath
      digests = known.untouched
      for (id, readers) in readersOfPath {
        let part = stateDigests[id]
        for index in readers { digests[index].add(part) }
      }
      for change in changed where explains {
        guard
          let relative = Self.contextPath(window.paths[change.id], prefix: prefix, filter: &filter)
        else { continue }
        for index in readersOfPath[change.id] ?? [] { touched[index, default: []].append(relative) }
      }
      return touched
    }

    /// Which steps read each touched path, and each step's digest over the untouched files, for
    /// one version pair; kept, since a history often goes back to an earlier pair.
    struct PairAnalysis {
      var readersOfPath: [Int: [Int]]
      var untouched: [Digest]
    }
    var pairs: [String: PairAnalysis] = [:]

    mutating func analyze(
      steps: [BuildPlan.Step], dockerfile: String, filter: inout ContextFilter?
    ) -> PairAnalysis {
      let prefix = BuildContext.relative(input.contextPrefix)
      // Which steps would read each path if it were sent depends on the Dockerfile only; the
      // ignore file then only decides which of those paths are sent.
      let hits = readerHits[dockerfile] ?? findHits(steps: steps, prefix: prefix)
      readerHits[dockerfile] = hits
      var readersOfPath: [Int: [Int]] = [:]
      for (id, readers) in hits.touched {
        if filter == nil
          || Self.contextPath(window.paths[id], prefix: prefix, filter: &filter) != nil
        {
          readersOfPath[id] = readers
        }
      }
      var untouched = [Digest](repeating: Digest(), count: steps.count)
      if let files = input.untouched {
        for (position, readers) in hits.untouched {
          let file = files[position]
          guard filter == nil || Self.contextPath(file.path, prefix: prefix, filter: &filter) != nil
          else { continue }
          let part = Digest(path: file.path, state: file.state)
          for index in readers { untouched[index].add(part) }
        }
      }
      return PairAnalysis(readersOfPath: readersOfPath, untouched: untouched)
    }

    /// Per Dockerfile version: the steps that read each touched path and each untouched file
    /// (by position in `input.untouched`) when it is sent.
    struct ReaderHits {
      var touched: [Int: [Int]] = [:]
      var untouched: [(Int, [Int])] = []
    }
    var readerHits: [String: ReaderHits] = [:]

    func findHits(steps: [BuildPlan.Step], prefix: String) -> ReaderHits {
      var hits = ReaderHits()
      var noFilter: ContextFilter? = nil
      for id in window.paths.indices {
        guard let relative = Self.contextPath(window.paths[id], prefix: prefix, filter: &noFilter)
        else {
          continue
        }
        let readers = Self.readers(of: relative, in: steps)
        if !readers.isEmpty { hits.touched[id] = readers }
      }
      // Files no commit touched count only when the ignore file changes within the window.
      guard let files = input.untouched, let ignorePath = input.ignoreFile?.path,
        window.pathIDs[ignorePath] != nil
      else { return hits }
      for (position, file) in files.enumerated() {
        guard let relative = Self.contextPath(file.path, prefix: prefix, filter: &noFilter) else {
          continue
        }
        let readers = Self.readers(of: relative, in: steps)
        if !readers.isEmpty { hits.untouched.append((position, readers)) }
      }
      return hits
    }

    // MARK: One build

    mutating func build(
      _ commit: Commit?, changed: [Window.Change], index: Int
    ) -> Build {
      let dockerfileVersion = version(of: input.dockerfile)
      let ignoreVersion = input.ignoreFile.map { version(of: $0) } ?? "-"
      let (compiled, diagnostics) = plan(for: dockerfileVersion)
      guard let plan = compiled else {
        let reason =
          dockerfileVersion == "-"
          ? "\(input.dockerfile.name) does not exist at this commit"
          : diagnostics.first(where: { $0.severity == .error })?.description
            ?? "\(input.dockerfile.name) cannot be built"
        return Build(commit: commit, steps: [], wallSeconds: 0, cpuSeconds: 0, error: reason)
      }
      let previousIgnore = pair?.ignore
      let touched = updateDigests(
        plan: plan, pair: (dockerfileVersion, ignoreVersion), changed: changed)
      let ignoreChanged = previousIgnore != nil && previousIgnore != ignoreVersion

      let built = StageBuilder.build(
        plan, seeing: self, buildIndex: index, touched: touched, ignoreChanged: ignoreChanged,
        isFirst: index == (options.coldStart ? 0 : -1)
          || (index == 0 && ((commit?.parents.isEmpty ?? false) || baseFailed)))
      // The builder is gone by now, so the cache and the outputs are changed in place.
      switch options.cache {
      case .all: cache.formUnion(built.keys)
      case .previous: cache = DigestSet(built.keys)
      case .none: cache = DigestSet()
      }
      for (key, identity) in built.newOutputs { outputs.set(identity, for: key) }
      previous = built.records
      return Build(
        commit: commit, steps: built.results, wallSeconds: built.wall, cpuSeconds: built.cpu,
        error: nil)
    }
  }

  /// Builds the stages of one plan in order, against the run's cache.
  private struct StageBuilder {
    /// What a build reads of the run. Not the run itself: a copy of it would retain every table
    /// the run holds, and would make the run copy its cache when it adds this build's keys.
    let options: SimulationOptions
    let explains: Bool
    let cache: DigestSet
    let digests: [Digest]
    let outputs: DigestTable<Digest>
    let previous: [Int: [Record]]
    let plan: BuildPlan
    let buildIndex: Int
    let touched: [Int: [String]]
    let ignoreChanged: Bool
    /// Nothing can be cached: the first build of a cold start.
    let isFirst: Bool

    var results: [StepResult] = []
    /// The keys of this build that the cache scope keeps (repeats included), added to the cache
    /// at the end: see `keep`.
    var keys: [Digest] = []
    /// The output identities of the stages this build ended at keys the run does not know with
    /// that identity, latest last: a list, as a build has a stage or two (a table for them was
    /// made at every build).
    var newOutputs: [(key: Digest, identity: Digest)] = []
    var records: [Int: [Record]] = [:]
    var wall = 0.0
    var cpu = 0.0
    /// Per stage built: its final key, output identity, when it finishes and whether it re-ran
    /// anything. One table rather than four: each is allocated at every build.
    var stageOutcomes = StageTable<StageOutcome>()
    struct StageOutcome {
      var finalKey: Digest
      var outputIdentity: Digest
      var finish: Double
      var rebuilt: Bool
    }
    /// Keys run earlier in this build (identical steps run once).
    var ranHere: DigestTable<Int>
    /// What a per-build argument adds to a key in this build, and a re-run stage's new output.
    let perBuild: Digest
    let rebuilt: Digest

    typealias Record = Run.Record
    static let perBuildBase = Digest(label: "per-build")
    static let rebuiltBase = Digest(label: "rebuilt")

    /// What one build leaves: its results, and what the run keeps of it.
    struct Built {
      var results: [StepResult]
      var keys: [Digest]
      var newOutputs: [(key: Digest, identity: Digest)]
      var records: [Int: [Record]]
      var wall: Double
      var cpu: Double
    }

    /// Builds `plan` against the run's cache and outputs.
    static func build(
      _ plan: BuildPlan, seeing run: Run, buildIndex: Int, touched: [Int: [String]],
      ignoreChanged: Bool, isFirst: Bool
    ) -> Built {
      var builder = StageBuilder(
        run: run, plan: plan, buildIndex: buildIndex, touched: touched,
        ignoreChanged: ignoreChanged, isFirst: isFirst)
      builder.buildAll()
      return Built(
        results: builder.results, keys: builder.keys, newOutputs: builder.newOutputs,
        records: builder.records, wall: builder.wall, cpu: builder.cpu)
    }

    private init(
      run: Run, plan: BuildPlan, buildIndex: Int, touched: [Int: [String]], ignoreChanged: Bool,
      isFirst: Bool
    ) {
      options = run.options
      explains = run.simulator.explains
      cache = run.cache
      digests = run.digests
      outputs = run.outputs
      previous = run.previous
      self.plan = plan
      let steps = plan.stages.reduce(0) { $0 + $1.steps.count + 1 }
      results.reserveCapacity(steps)
      keys.reserveCapacity(steps + steps / 2)
      ranHere = DigestTable(minimumCapacity: steps)
      self.buildIndex = buildIndex
      let build = UInt64(bitPattern: Int64(buildIndex))
      perBuild = Self.perBuildBase.shifted(build)
      rebuilt = Self.rebuiltBase.shifted(build)
      self.touched = touched
      self.ignoreChanged = ignoreChanged
      self.isFirst = isFirst
    }

    /// No source stages, in its role: the same for every step.
    static let noSources = Digest().shifted(2)

    /// Notes a key this build made for the cache: the previous-build scope keeps every key; the
    /// whole-history scope only those it does not hold (a key `found` cached is there already).
    mutating func keep(_ key: Digest, found: Bool) {
      switch options.cache {
      case .previous: keys.append(key)
      case .all: if !found { keys.append(key) }
      case .none: break
      }
    }

    func isCached(_ key: Digest) -> Bool {
      !isFirst && options.cache != .none && cache.contains(key)
    }

    mutating func buildAll() {
      var stepIndex = 0
      for stage in plan.stages {
        let count = stage.steps.count + 1
        defer { stepIndex += count }
        guard stage.isBuilt else {
          for step in [stage.from] + stage.steps {
            results.append(
              StepResult(
                step: step, status: .skipped, seconds: 0, cause: nil))
          }
          continue
        }
        buildStage(stage, firstStep: stepIndex)
      }
      // BuildKit runs independent stages in parallel; the legacy builder one after the other.
      // Read in place: filtering the stages copied each one, at every build.
      var latest: Double?
      for index in plan.stages.indices where plan.stages[index].isBuilt {
        if let finish = stageOutcomes[plan.stages[index].index]?.finish {
          latest = max(latest ?? finish, finish)
        }
      }
      wall = options.builder == .legacy ? cpu : latest ?? 0
    }

    mutating func buildStage(_ stage: BuildPlan.Stage, firstStep: Int) {
      var time = 0.0
      var rebuiltAny = false
      var reproducible = Digest.reproducible
      // FROM: an image (assumed unchanged behind its tag) or an earlier stage's result.
      var parent = stage.from.definitionDigest
      var parentRebuilt = false
      if let base = stage.baseStage {
        let outcome = stageOutcomes[base]
        parent.add(outcome?.finalKey ?? Digest(label: "missing"))
        time = outcome?.finish ?? 0
        parentRebuilt = outcome?.rebuilt ?? false
        reproducible.add(outcome?.outputIdentity ?? Digest())
      } else {
        reproducible.add(stage.from.definitionDigest)
      }
      let fromCached = isCached(parent)
      var fromResult = StepResult(
        step: stage.from, status: fromCached ? .cached : .rebuilt,
        seconds: 0, cause: nil, inputs: parent)
      if !fromCached {
        if let first = ranHere[parent] {
          if explains {
            fromResult.cause = Cause(
              kind: .parent, text: "the same step as line \(first), which runs once")
          }
        } else {
          if explains {
            fromResult.cause =
              parentRebuilt
              ? Cause(kind: .parent, text: "its base stage re-ran")
              : cause(for: stage.from, stage: stage.index, position: 0, parentRebuilt: false)
          }
          // Pulling an image costs; a stage base is already there.
          fromResult.seconds = stage.baseStage == nil ? stage.from.cost.seconds : 0
          ranHere.set(stage.from.line, for: parent)
        }
      }
      rebuiltAny = !fromCached
      keep(parent, found: fromCached)
      time += fromResult.seconds
      cpu += fromResult.seconds
      results.append(fromResult)
      var stageRecords = explains ? [record(stage.from, index: firstStep, sources: Digest())] : []
      var missedAt: Int? = fromCached ? nil : stage.from.line

      for (offset, step) in stage.steps.enumerated() {
        let index = firstStep + 1 + offset
        var sources = Digest()
        for source in step.sourceStages {
          let outcome = stageOutcomes[source]
          sources.add(outcome?.outputIdentity ?? Digest(label: "missing"))
          time = max(time, outcome?.finish ?? 0)
        }
        let content = index < digests.count ? digests[index] : Digest()
        let shiftedContent = content.shifted(1)
        let shiftedSources = step.sourceStages.isEmpty ? Self.noSources : sources.shifted(2)
        var own = step.definitionDigest
        own.add(shiftedContent)
        own.add(shiftedSources)
        // The reorderer charges a per-build value to its ARG, not to the steps that see it.
        let inputs = own
        if step.seesPerBuildValue { own.add(perBuild) }
        var key = own
        if !step.isLinked { key.add(parent.shifted(3)) }
        let cached = isCached(key)
        var result = StepResult(
          step: step, status: cached ? .cached : .rebuilt, seconds: 0,
          cause: nil, inputs: inputs)
        if !cached {
          if let first = ranHere[key] {
            if explains {
              result.cause = Cause(
                kind: .parent, text: "the same step as line \(first), which runs once")
            }
          } else {
            result.seconds = step.cost.seconds
            ranHere.set(step.line, for: key)
            if explains, let line = missedAt, !step.isLinked {
              result.cause = Cause(kind: .parent, text: "after line \(line), which re-ran")
            } else if explains {
              result.cause = cause(
                for: step, stage: stage.index, position: offset + 1, parentRebuilt: false,
                content: content, sources: sources, stepIndex: index)
            }
          }
          missedAt = missedAt ?? step.line
          rebuiltAny = true
        }
        if step.isLinked {
          // The copy half is kept under its own key, which is what the next build looks up;
          // the chain goes on from the copy merged onto its parent.
          keep(key, found: cached)
          key.add(parent.shifted(3))
          keep(key, found: false)
        } else {
          keep(key, found: cached)
        }
        parent = key
        time += result.seconds
        cpu += result.seconds
        results.append(result)
        if explains { stageRecords.append(record(step, index: index, sources: sources)) }
        if options.stageOutput == .reproducible {
          var part = step.textDigest
          part.add(shiftedContent)
          part.add(shiftedSources)
          reproducible.add(part.shifted(UInt64(offset + 4)))
        }
      }
      if explains { records[stage.index] = stageRecords }
      // What `COPY --from` this stage sees.
      let identity: Digest
      switch options.stageOutput {
      case .reproducible:
        identity = reproducible
      case .changed:
        if !rebuiltAny,
          let known = outputs[parent] ?? newOutputs.last(where: { $0.key == parent })?.identity
        {
          identity = known
        } else if !rebuiltAny {
          identity = parent
        } else {
          // New bytes for this build; two stages that end in the same key are the same
          // vertex, run once, with one output (BuildKit merges identical steps).
          var fresh = rebuilt
          fresh.add(parent.shifted(5))
          identity = fresh
        }
        // Only what the run does not know yet: most stages end where a build before ended.
        if outputs[parent] != identity { newOutputs.append((parent, identity)) }
      }
      stageOutcomes[stage.index] = StageOutcome(
        finalKey: parent, outputIdentity: identity, finish: time, rebuilt: rebuiltAny)
    }

    func record(_ step: BuildPlan.Step, index: Int, sources: Digest) -> Record {
      Record(
        definition: step.definition, text: step.text, environment: step.environment,
        content: index < digests.count ? digests[index] : Digest(), sources: sources)
    }

    /// Why a step whose parent was cached missed, by comparison with the previous build.
    func cause(
      for step: BuildPlan.Step, stage: Int, position: Int, parentRebuilt: Bool,
      content: Digest = Digest(), sources: Digest = Digest(), stepIndex: Int = -1
    ) -> Cause {
      if isFirst {
        return options.coldStart
          ? Cause(kind: .coldStart, text: "cold start: nothing is cached yet")
          : Cause(kind: .coldStart, text: "nothing is cached yet: the window starts at the root")
      }
      if options.cache == .none { return Cause(kind: .noCache, text: "--cache none") }
      if step.seesPerBuildValue {
        let names = step.environment.filter { $0.hasSuffix("=" + BuildPlan.perBuildValue) }
          .map { String($0.prefix { $0 != "=" }) }
        return Cause(
          kind: .environment,
          text: "it sees \(names.joined(separator: ", ")), given a new value at every build",
          names: names)
      }
      let before = previous[stage] ?? []
      if let same = before.first(where: { $0.definition == step.definition }) {
        if same.content != content {
          if let paths = touched[stepIndex], !paths.isEmpty {
            return Cause(kind: .paths, text: Self.describe(paths), paths: paths)
          }
          if ignoreChanged {
            return Cause(kind: .ignoreFile, text: "the ignore file changed which files it reads")
          }
          return Cause(kind: .paths, text: "the files it reads differ from the cached build")
        }
        if same.sources != sources {
          let names = step.sourceStages.map { index in
            plan.stages.first { $0.index == index }?.name ?? "stage-\(index)"
          }
          return Cause(
            kind: .stage,
            text: "the output of stage \(names.map { "'\($0)'" }.joined(separator: ", ")) changed")
        }
        return Cause(
          kind: .scope,
          text: options.cache == .previous
            ? "not in the previous build's cache (--cache previous)"
            : "not in the cache")
      }
      if let same = before.first(where: { $0.text == step.text }) {
        let old = Set(same.environment)
        let new = Set(step.environment)
        let names = Set(
          old.symmetricDifference(new).map { entry in
            String(entry.prefix { $0 != "=" })
          }
        ).sorted()
        if !names.isEmpty {
          return Cause(
            kind: .environment,
            text: "variables changed: " + names.joined(separator: ", "), names: names)
        }
        return Cause(kind: .instruction, text: "its working folder, user or flags changed")
      }
      return Cause(kind: .instruction, text: "instruction added or edited")
    }

    static func describe(_ paths: [String]) -> String {
      let sorted = paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      let shown = sorted.prefix(3).joined(separator: ", ")
      return sorted.count > 3 ? "\(shown) (+\(sorted.count - 3) more) changed" : "\(shown) changed"
    }
  }
}

/// Values by stage index, for one build: an array rather than a dictionary, since a build sets
/// them for stages 0, 1, 2… in turn.
struct StageTable<Value> {
  private var values: [Value?] = []

  subscript(index: Int) -> Value? {
    get { values.indices.contains(index) ? values[index] : nil }
    set {
      guard index >= 0 else { return }
      // Four slots at once, from a literal: most files have no more stages, and a table grown
      // one slot at a time was reallocated twice in a build of three. More are added one at a
      // time: appending a repeated nil is generic code, at every build.
      if values.isEmpty { values = [nil, nil, nil, nil] }
      while index >= values.count { values.append(nil) }
      values[index] = newValue
    }
  }
}
