/// Plans a better Dockerfile: the manifest-first splits that apply, then, stage by stage, the
/// cheapest order the constraints allow, proven to keep the image by `ImageEquivalence` and
/// measured by replaying the same commits through the original and the proposal.
///
/// Both files are replayed with the Dockerfile held fixed over the window (today's file, or the
/// proposal, at every commit), so that the two costs differ only by the proposal.
struct Reorderer {
  /// The commits to replay, with the Dockerfile's own versions replaced at each run.
  let history: SimulationInput
  /// Settable until the first replay: `Planner.suggest` adds the per-build ARGs it finds in
  /// the parsed file.
  var options: SimulationOptions
  let file: String
  /// The files the context sends today (context-relative, after the ignore file).
  let contextFiles: [String]
  /// The content of the dependency manifests among them, where known.
  var manifestContents: [String: [UInt8]] = [:]
  /// Rules turned off (by configuration): their moves are not proposed.
  var disabled: Set<String> = []

  /// The cost of one file replayed over the window.
  struct Replay: Hashable, Sendable {
    var seconds: Double
    var rebuilds: Int
  }

  /// One proposed change, with what it alone saves.
  struct Move: Hashable, Sendable {
    var id: String
    var lines: [Int]
    var reason: String
    var seconds: Double
    var rebuilds: Int
  }

  struct Proposal: Sendable {
    var proposed: [UInt8]
    var original: Replay
    var replayed: Replay
    var moves: [Move]
    /// Things the user should know: a search that stopped at its budget, a proposal the image
    /// check refused.
    var notes: [String]
  }

  // MARK: - Replaying

  func input(for source: [UInt8]) -> SimulationInput {
    var input = history
    input.dockerfile = .init(name: file, path: nil, current: source)
    return input
  }

  /// Replays and reorders already computed, by file content: the moves, the advice and the
  /// candidates ask for the same ones again.
  final class Memo {
    let replays = Table<(Replay, CacheSimulator.Build?, [CacheSimulator.Build])>()
    let reorders = Table<([UInt8], [String])>()
    let parsed = Table<Result<Parsed, DockerfileParser.Failure>>()
    let manifestSplits = Table<[ManifestSplit.Split]>()
    let runSplits = Table<[RunSplit.Split]>()
    var checker: ImageEquivalence.Checker?
    /// The history's commits as the replays read them, made by the first replay.
    var window: CacheSimulator.Window?
    /// The context the candidates' items are made against: the reorderer's context files.
    let context: LazyContext

    init(contextFiles: [String]) { context = LazyContext(contextFiles) }
  }

  /// What one kind of computation gave for each file content it was asked about.
  final class Table<Value> {
    private var values: [SourceKey: Value] = [:]

    /// The value for `text`, made by `make` the first time. Nothing is held while `make` runs,
    /// so it may ask this table too.
    func value(for text: [UInt8], making make: () -> Value) -> Value {
      let key = SourceKey(text)
      if let known = values[key] { return known }
      let made = make()
      values[key] = made
      return made
    }

    func store(_ value: Value, for text: [UInt8]) { values[SourceKey(text)] = value }
  }

  /// A context made from its files on first use, shared by the texts a reorderer parses.
  final class LazyContext {
    private let files: [String]
    private(set) lazy var context = BuildContext(paths: files)

    init(_ files: [String]) { self.files = files }
  }

  /// Whether `proposed` builds the same image as `original`; the original is evaluated once
  /// for all the proposals checked against it.
  func imageCheck(original: [UInt8], proposed: [UInt8]) -> ImageEquivalence.Verdict {
    // Both texts are parsed and modelled already, with the same build arguments.
    func model(_ bytes: [UInt8]) -> ImageEquivalence.Model? {
      (try? parsed(bytes).get()).map {
        .init(dockerfile: $0.dockerfile, diagnostics: $0.diagnostics)
      }
    }
    // Taken out of the memo while in use, so that its tables are not copied.
    var checker =
      memo.checker.flatMap { $0.original == original ? $0 : nil }
      ?? ImageEquivalence.Checker(
        original: original, file: file, contextFiles: contextFiles,
        buildArgs: options.buildArgs, target: options.target, model: model(original))
    memo.checker = nil
    let verdict = checker.check(proposed, model: model(proposed))
    memo.checker = checker
    return verdict
  }
  let memo: Memo

  init(history: SimulationInput, options: SimulationOptions, file: String, contextFiles: [String]) {
    self.history = history
    self.options = options
    self.file = file
    self.contextFiles = contextFiles
    memo = Memo(contextFiles: contextFiles)
  }

  /// A file parsed and modelled, with its stages' items and its pragmas read on first use: once
  /// per text, as the candidates, the moves, the replays and the advice read the same files
  /// again (the pragmas were read six times a suggest).
  final class Parsed {
    let tree: SyntaxTree
    let dockerfile: Dockerfile
    let diagnostics: [Diagnostic]
    private let file: String
    private let context: LazyContext
    private(set) lazy var items: [[StageItem]] = dockerfile.stages.map {
      StageItems.make($0, context: context.context)
    }
    private(set) lazy var pragmas = Pragmas.read(tree, file: file)

    init(tree: SyntaxTree, file: String, buildArgs: [String: String], context: LazyContext) {
      self.tree = tree
      self.file = file
      (dockerfile, diagnostics) = Dockerfile.build(from: tree, file: file, buildArgs: buildArgs)
      self.context = context
    }

    /// The same file against another context: the tree and the model do not depend on it.
    init(sharing other: Parsed, context: LazyContext) {
      (tree, dockerfile, diagnostics) = (other.tree, other.dockerfile, other.diagnostics)
      file = other.file
      self.context = context
    }
  }

  /// A reorderer for the same file, window and options with another ignore file and context
  /// files: the ignore advice's variants. It starts with this one's parse of `source`.
  func variant(
    ignoreFile: SimulationInput.WatchedFile, contextFiles files: [String], source: [UInt8]
  )
    -> Reorderer
  {
    var history = self.history
    history.ignoreFile = ignoreFile
    var variant = Reorderer(history: history, options: options, file: file, contextFiles: files)
    variant.manifestContents = manifestContents
    variant.disabled = disabled
    // The same commits: only the ignore file differs.
    variant.memo.window = memo.window
    if case .success(let parsed) = self.parsed(source) {
      variant.memo.parsed.store(
        .success(Parsed(sharing: parsed, context: variant.memo.context)), for: source)
    }
    return variant
  }

  func parsed(_ bytes: [UInt8]) -> Result<Parsed, DockerfileParser.Failure> {
    memo.parsed.value(for: bytes) {
      DockerfileParser(file: file).parse(bytes).map { tree in
        Parsed(tree: tree, file: file, buildArgs: options.buildArgs, context: memo.context)
      }
    }
  }

  /// The syntax tree of a file, or nil when it does not parse.
  func tree(_ bytes: [UInt8]) -> SyntaxTree? { try? parsed(bytes).get().tree }

  /// The parsed and modelled file, or nil when it does not build.
  func model(_ bytes: [UInt8]) -> Parsed? {
    guard let model = try? parsed(bytes).get(), !model.diagnostics.hasErrors else { return nil }
    return model
  }

  func replay(_ source: [UInt8]) -> (Replay, CacheSimulator.Build?, [CacheSimulator.Build]) {
    memo.replays.value(for: source) { computeReplay(source) }
  }

  private func computeReplay(_ source: [UInt8]) -> (
    Replay, CacheSimulator.Build?, [CacheSimulator.Build]
  ) {
    var simulator = CacheSimulator(input: input(for: source), options: options, timings: nil)
    simulator.explains = false
    let window = memo.window ?? CacheSimulator.Window(commits: history.commits)
    memo.window = window
    simulator.window = window
    if let model = try? parsed(source).get() {
      simulator.current = (model.tree, model.dockerfile, model.diagnostics)
    }
    let (builds, _, base) = simulator.runWithBase()
    let seconds = builds.reduce(0) { $0 + $1.wallSeconds }
    // Read in place: a copy of a result retains every field of its step.
    let rebuilds = builds.filter { build in
      build.steps.indices.contains { build.steps[$0].status == .rebuilt }
    }.count
    return (Replay(seconds: seconds, rebuilds: rebuilds), base, builds)
  }

  // MARK: - Proposing

  func propose(_ source: [UInt8]) -> (Proposal?, [Diagnostic]) {
    let model: Parsed
    switch parsed(source) {
    case .failure(let failure): return (nil, [failure.diagnostic])
    case .success(let parsed): model = parsed
    }
    let (tree, dockerfile) = (model.tree, model.dockerfile)
    let errors = model.diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty else { return (nil, errors) }
    // A --target no stage has would leave nothing to build: say so rather than report zero.
    if let target = options.target,
      !dockerfile.stages.contains(where: { $0.name == target.lowercased() })
    {
      let range = dockerfile.stages.last?.from.range ?? .lines(1, 1)
      return (
        nil,
        [
          Diagnostic(
            .error, "target stage \(GoValues.quoted(target)) could not be found", file: file,
            range: range)
        ]
      )
    }
    let (original, _, _) = replay(source)
    var notes: [String] = []

    let splits = manifestSplits(of: source)
    let runSplits = self.runSplits(of: source)
    var best = source
    var bestReplay = original
    var bestNotes: [String] = []
    var bestChoice = (manifests: false, runs: false)
    // Every combination of the structural moves, reordered; the cheapest that keeps the image.
    // The simpler combinations go first and a tie keeps them: no split that saves nothing.
    var tried: Set<SourceKey> = []
    // Why the cheapest proposal that failed the image check failed, when none cheaper passed.
    var withheld: String?
    for (manifests, runs) in [(false, false), (false, true), (true, false), (true, true)] {
      guard
        let prepared = prepare(
          source, manifests: manifests && !splits.isEmpty, runs: runs && !runSplits.isEmpty)
      else { continue }
      let (reordered, searchNotes) = reorder(prepared)
      guard reordered != source, tried.insert(SourceKey(reordered)).inserted else { continue }
      let (replayed, _, _) = replay(reordered)
      guard replayed.seconds < bestReplay.seconds - 1e-9 else { continue }
      let verdict = imageCheck(original: source, proposed: reordered)
      guard verdict.isSame else {
        withheld = withheld ?? (verdict.differences.first ?? "the check failed")
        continue
      }
      best = reordered
      bestReplay = replayed
      bestNotes = searchNotes
      withheld = nil
      bestChoice = (manifests && !splits.isEmpty, runs && !runSplits.isEmpty)
    }
    notes += bestNotes
    if let withheld {
      notes.append(
        (best == source ? "a proposal was withheld" : "a cheaper proposal was withheld")
          + " because it might change the image: " + withheld)
    }
    var moves: [Move] = []
    if best != source {
      moves = describeMoves(
        source: source, manifests: bestChoice.manifests, runs: bestChoice.runs,
        original: original)
      // The moves are rebuilt one at a time; what they miss of the proposal's saving, if
      // anything, is the reorder that ties them together.
      let residual = original.seconds - bestReplay.seconds - moves.reduce(0) { $0 + $1.seconds }
      if residual > 0.01 {
        moves.append(
          Move(
            id: "PL101", lines: movedLines(from: source, to: best),
            reason: "run the steps that rarely change before the ones that change often",
            seconds: residual, rebuilds: 0))
      }
    }
    let merged = mergeRuns(best, original: source, replayed: bestReplay, tree: tree)
    if let merged {
      best = merged.text
      bestReplay = merged.replayed
      moves += merged.moves
    }
    guard best != source else {
      return (
        Proposal(proposed: source, original: original, replayed: original, moves: [], notes: notes),
        []
      )
    }
    return (
      Proposal(
        proposed: best, original: original, replayed: bestReplay, moves: moves, notes: notes), []
    )
  }

  /// The file with the chosen structural moves applied: RUN splits first, then the
  /// manifest-first splits found again in the result (whose lines have moved).
  func prepare(_ source: [UInt8], manifests: Bool, runs: Bool) -> [UInt8]? {
    var text = source
    if runs {
      guard let model = model(text) else { return nil }
      text = RunSplit.apply(runSplits(of: text), to: model.tree)
    }
    if manifests {
      guard let model = model(text) else { return nil }
      text = ManifestSplit.apply(manifestSplits(of: text), to: model.tree)
    }
    return text
  }

  /// The moves of the chosen proposal, each with what it adds to the ones before it: the reorder
  /// of the original steps first, then the ARGs sunk, the RUN chains split, and each
  /// manifest-first split. The figures add up to the proposal's saving (before merges).
  func describeMoves(source: [UInt8], manifests: Bool, runs: Bool, original: Replay) -> [Move] {
    var moves: [Move] = []
    var current = source
    var cost = original
    func step(to next: [UInt8], id: String, lines: [Int], reason: String) {
      let (replayed, _, _) = replay(next)
      let saved = cost.seconds - replayed.seconds
      if saved > 1e-9 {
        moves.append(
          Move(
            id: id, lines: lines, reason: reason, seconds: saved,
            rebuilds: cost.rebuilds - replayed.rebuilds))
      }
      current = next
      cost = replayed
    }
    let (reordered, _) = reorder(source, moving: .steps)
    step(
      to: reordered, id: "PL101", lines: movedLines(from: source, to: reordered),
      reason: "run the steps that rarely change before the ones that change often")
    let (sunk, _) = reorder(current, moving: .everything)
    if sunk != current, let dockerfile = model(source)?.dockerfile {
      // The per-build ARGs this file declares, and their lines in it.
      var declared: [(name: String, line: Int)] = []
      for instruction in dockerfile.stages.flatMap(\.instructions) {
        guard case .arg(let args) = instruction.kind else { continue }
        for arg in args where options.perBuildArgs.contains(arg.name) {
          declared.append((arg.name, instruction.range.start.line))
        }
      }
      let names = Array(Set(declared.map(\.name))).sorted().joined(separator: ", ")
      step(
        to: sunk, id: "PL106", lines: Array(Set(declared.map(\.line))).sorted(),
        reason:
          "declare the ARG just before the first step that uses it: its value (\(names)) changes at every build, and every RUN after it that sees it re-runs"
      )
    }
    if runs, let model = model(current) {
      let splits = runSplits(of: current)
      let (next, _) = reorder(RunSplit.apply(splits, to: model.tree))
      step(
        to: next, id: "PL105",
        lines: originalLines(splits.map(\.line), in: current, source: source),
        reason:
          "split the RUN after '\(splits.first.map { $0.first.joined(separator: " && ") } ?? "")' so that this stable part can run before the COPY it does not need"
      )
    }
    // Each manifest split of the proposal in turn, found again in the file as it is by then.
    // The proposal made those `prepare` found, so there are as many to describe (and the file
    // after the last is not searched for more, a model of another text).
    let splitSource = manifests ? prepare(source, manifests: false, runs: runs) : nil
    var remaining = splitSource.map { manifestSplits(of: $0).count } ?? 0
    while remaining > 0, let model = model(current) {
      remaining -= 1
      guard let split = manifestSplits(of: current).first else {
        break
      }
      let (next, _) = reorder(ManifestSplit.apply([split], to: model.tree))
      guard next != current else { break }
      var reason =
        "copy only the files \(split.tool) reads (\(split.text.replacingAll("\n", with: "; "))) before it, so that it stays cached when other files change"
      if let absolute = split.absoluteDestination {
        reason +=
          "; the big COPY's destination is written out as \(absolute.text), so that the WORKDIR before the install can move above it"
      }
      step(
        to: next, id: "PL102",
        lines: originalLines([split.copyLine, split.installLine], in: current, source: source),
        reason: reason)
    }
    return moves
  }

  // MARK: - Pragmas and configuration

  /// Whether a move of kind `rule` that involves the instructions starting on `lines` may be
  /// proposed: the rule is on, and no instruction is pinned or ignores it. The pragmas are read
  /// from the text being changed, so they follow their instruction through earlier moves.
  func allows(_ rule: String, lines: [Int], _ pragmas: Pragmas) -> Bool {
    !disabled.contains(rule)
      && !lines.contains { pragmas.pinned.contains($0) || pragmas.ignores(rule, atLine: $0) }
  }

  /// The manifest-first splits of a file that its pragmas and the configuration allow.
  func manifestSplits(of text: [UInt8]) -> [ManifestSplit.Split] {
    memo.manifestSplits.value(for: text) {
      guard let model = model(text) else { return [] }
      let pragmas = model.pragmas
      return ManifestSplit.find(
        in: model.dockerfile, items: model.items, contents: manifestContents
      ).filter { allows("PL102", lines: [$0.copyLine, $0.installLine], pragmas) }
    }
  }

  /// The RUN splits of a file that its pragmas and the configuration allow.
  func runSplits(of text: [UInt8]) -> [RunSplit.Split] {
    memo.runSplits.value(for: text) {
      guard let model = model(text) else { return [] }
      let pragmas = model.pragmas
      return RunSplit.find(in: model.dockerfile, items: model.items).filter {
        allows("PL105", lines: [$0.line], pragmas)
      }
    }
  }

  /// Adjacent RUNs of `source` merged where `RunMerge` allows it and the image and the cost stay
  /// the same; nil when there is nothing to merge. Lines are reported in the original file.
  func mergeRuns(
    _ source: [UInt8], original: [UInt8], replayed: Replay, tree originalTree: SyntaxTree
  )
    -> (text: [UInt8], replayed: Replay, moves: [Move])?
  {
    guard let model = model(source) else { return nil }
    let (tree, dockerfile) = (model.tree, model.dockerfile)
    let (_, _, builds) = replay(source)
    // Whether each step re-ran, build by build.
    var rebuilt: [StepPlace: [Bool]] = [:]
    for build in builds {
      let steps = build.steps
      for index in steps.indices {
        rebuilt[StepPlace(steps[index].step), default: []]
          .append(steps[index].status == .rebuilt)
      }
    }
    let pragmas = model.pragmas
    let merges = RunMerge.find(in: tree, dockerfile: dockerfile) { stage, first, second in
      guard let a = rebuilt[StepPlace(stage: stage, line: first)],
        let b = rebuilt[StepPlace(stage: stage, line: second)]
      else { return false }
      return a == b
    }
    .filter { allows($0.id, lines: [$0.firstLine, $0.secondLine], pragmas) }
    guard !merges.isEmpty else { return nil }
    let text = RunMerge.apply(merges, to: tree)
    let verdict = imageCheck(original: original, proposed: text)
    guard verdict.isSame else { return nil }
    let (after, _, _) = replay(text)
    guard after.seconds <= replayed.seconds + 1e-9 else { return nil }
    // The merged instructions' lines in the original file.
    let moves = merges.map { merge in
      Move(
        id: merge.id,
        lines: originalLines([merge.firstLine, merge.secondLine], in: tree, source: originalTree),
        reason: merge.reason, seconds: 0, rebuilds: 0)
    }
    return (text, after, moves)
  }

  /// The lines in `source` of the instructions starting on `lines` of `current`, a file made
  /// from it by moving, splitting and merging instructions: an instruction is found by its text
  /// and, among instructions with the same text, by its rank (the second `RUN npm ci` of the
  /// current file is the second of the source). A line with no counterpart stays as it is.
  func originalLines(_ lines: [Int], in current: [UInt8], source: [UInt8]) -> [Int] {
    guard let now = tree(current), let before = tree(source) else { return lines }
    return originalLines(lines, in: now, source: before)
  }

  func originalLines(_ lines: [Int], in current: SyntaxTree, source: SyntaxTree) -> [Int] {
    func ranked(_ tree: SyntaxTree) -> [Int: (text: [UInt8], rank: Int)] {
      var seen: [SourceKey: Int] = [:]
      var out: [Int: (text: [UInt8], rank: Int)] = [:]
      for node in tree.instructions {
        let key = SourceKey(node.original)
        let rank = seen[key, default: 0]
        seen[key] = rank + 1
        out[node.startLine] = (node.original, rank)
      }
      return out
    }
    var lineOf: [SourceKey: [Int]] = [:]
    for node in source.instructions {
      lineOf[SourceKey(node.original), default: []].append(node.startLine)
    }
    let now = ranked(current)
    return lines.map { line in
      guard let (text, rank) = now[line], let candidates = lineOf[SourceKey(text)] else {
        return line
      }
      return candidates[min(rank, candidates.count - 1)]
    }
  }

  /// The lines (in the original) of the instructions that moved: those outside the longest run
  /// the proposal keeps in its original relative order.
  func movedLines(from source: [UInt8], to proposed: [UInt8]) -> [Int] {
    guard let before = tree(source), let after = tree(proposed) else { return [] }
    // Each proposed instruction's original index, matched by text in order.
    var unused = Array(before.instructions.indices)
    var sequence: [Int] = []
    for node in after.instructions {
      if let slot = unused.firstIndex(where: { before.instructions[$0].original == node.original })
      {
        sequence.append(unused.remove(at: slot))
      }
    }
    // The longest increasing subsequence, with back links to recover it.
    var tails: [Int] = []
    var tailPositions: [Int] = []
    var previous = [Int](repeating: -1, count: sequence.count)
    for (position, value) in sequence.enumerated() {
      var low = 0
      var high = tails.count
      while low < high {
        let middle = (low + high) / 2
        if tails[middle] < value { low = middle + 1 } else { high = middle }
      }
      if low > 0 { previous[position] = tailPositions[low - 1] }
      if low == tails.count {
        tails.append(value)
        tailPositions.append(position)
      } else {
        tails[low] = value
        tailPositions[low] = position
      }
    }
    var kept: Set<Int> = []
    var cursor = tailPositions.last ?? -1
    while cursor >= 0 {
      kept.insert(sequence[cursor])
      cursor = previous[cursor]
    }
    return sequence.filter { !kept.contains($0) }.map { before.instructions[$0].startLine }.sorted()
  }

  // MARK: - Ordering

  /// What a reorder may move: everything, every step but the ARGs, or only the ARGs (to tell
  /// the moves apart in the report).
  enum Movable {
    case everything, steps, arguments
  }

  /// The file with each stage in its cheapest order; notes when a search stopped at its budget.
  func reorder(_ source: [UInt8], moving movable: Movable = .everything) -> ([UInt8], [String]) {
    // In stages without an ARG, the steps but the ARGs are all the steps: the same search.
    if movable == .steps, let model = model(source),
      !model.dockerfile.stages.contains(where: { stage in
        stage.instructions.contains { if case .arg = $0.kind { true } else { false } }
      })
    {
      return reorder(source)
    }
    let tag: UInt8 =
      switch movable {
      case .everything: 0
      case .steps: 1
      case .arguments: 2
      }
    return memo.reorders.value(for: [tag] + source) { computeReorder(source, moving: movable) }
  }

  private func computeReorder(_ source: [UInt8], moving movable: Movable) -> ([UInt8], [String]) {
    guard let model = model(source) else { return (source, []) }
    let (tree, dockerfile) = (model.tree, model.dockerfile)
    let (_, base, builds) = replay(source)
    let history = InvalidationHistory(base: base, builds: builds, scope: options.cache)
    let pragmas = model.pragmas
    var notes: [String] = []
    // Each instruction's index in the tree, by its first line.
    var treeIndex: [Int: Int] = [:]
    for (index, node) in tree.instructions.enumerated() { treeIndex[node.startLine] = index }
    var order: [DockerfileRewrite.Piece] = dockerfile.globalArgs.compactMap { argument in
      treeIndex[argument.range.start.line].map { .original($0) }
    }
    var changed = false
    for (stage, items) in zip(dockerfile.stages, model.items) {
      if let index = treeIndex[stage.from.range.start.line] { order.append(.original(index)) }
      let everyCommit = OrderSearch.CommitSet(0..<builds.count, count: builds.count)
      let searchItems = items.map { item in
        let line = item.instruction.range.start.line
        // An ARG given a new value at every build invalidates what follows it at every commit.
        if case .arg(let args) = item.instruction.kind,
          args.contains(where: { options.perBuildArgs.contains($0.name) })
        {
          return OrderSearch.Item(seconds: 0, invalidations: everyCommit)
        }
        return OrderSearch.Item(
          seconds: history.seconds(stage: stage.index, line: line),
          invalidations: history.invalidations(stage: stage.index, line: line))
      }
      var predecessors = Constraints.predecessors(of: items)
      // A pinned instruction, or one whose kind of move is turned off, keeps its place: every
      // pair it is in keeps its order.
      for (index, item) in items.enumerated() {
        let line = item.instruction.range.start.line
        let rule: String
        if case .arg = item.instruction.kind { rule = "PL106" } else { rule = "PL101" }
        guard !allows(rule, lines: [line], pragmas) else { continue }
        for other in items.indices where other != index {
          let (earlier, later) = (min(index, other), max(index, other))
          if !predecessors[later].contains(earlier) { predecessors[later].append(earlier) }
        }
      }
      if movable != .everything {
        // Pin what may not move: every pair it is in keeps its order.
        func isArgument(_ item: StageItem) -> Bool {
          if case .arg = item.instruction.kind { return true }
          return false
        }
        for later in items.indices {
          for earlier in 0..<later where !predecessors[later].contains(earlier) {
            let pinned =
              movable == .steps
              ? isArgument(items[earlier]) || isArgument(items[later])
              : !(isArgument(items[earlier]) || isArgument(items[later]))
            if pinned { predecessors[later].append(earlier) }
          }
        }
      }
      let search = OrderSearch(
        items: searchItems, predecessors: predecessors,
        base: history.invalidations(stage: stage.index, line: stage.from.range.start.line))
      let result = search.run()
      if !result.isExact {
        notes.append(
          "stage \(stage.displayName): the search stopped at its budget; the order found costs at most \(CostEstimator.format(result.cost - result.lowerBound)) s more than the best"
        )
      }
      if result.order != Array(items.indices) { changed = true }
      for index in result.order {
        if let node = treeIndex[items[index].instruction.range.start.line] {
          order.append(.original(node))
        }
      }
    }
    guard changed, order.count == tree.instructions.count else { return (source, notes) }
    return (DockerfileRewrite.render(tree, order: order), notes)
  }
}

/// A step of the plans of one file's candidates, by its stage and its first line: what stays
/// the same for a step from one build, or one replay, to the next.
struct StepPlace: Hashable {
  var stage: Int
  var line: Int

  init(stage: Int, line: Int) {
    self.stage = stage
    self.line = line
  }

  init(_ step: BuildPlan.Step) { self.init(stage: step.stage, line: step.line) }
}

/// Which commits invalidate each step by itself (its own inputs, wherever it stands), read from
/// a replay: what `OrderSearch` needs.
struct InvalidationHistory {
  /// Each step's place in the arrays below, found by stage and line, and the rest indexed.
  private var slots: [StepPlace: Int] = [:]
  /// The builds in which each step's inputs were new to the cache, and the step's cost.
  private var sets: [OrderSearch.CommitSet?] = []
  private var costs: [Double?] = []
  private let commitCount: Int

  init(
    base: CacheSimulator.Build?, builds: [CacheSimulator.Build],
    scope: SimulationOptions.CacheScope
  ) {
    commitCount = builds.count
    // What the cache scope holds of each step: every input seen, or the last one.
    var seen: [DigestSet] = []
    var previous: [Digest?] = []
    // The builds of a replay share their plan: the step at a position of one build is the same
    // object at that position in the next, and its slot is known without hashing.
    var stepAt: [BuildPlan.Step?] = []
    var slotAt: [Int] = []
    func slot(of step: BuildPlan.Step, at position: Int) -> Int {
      if position < stepAt.count, stepAt[position] === step { return slotAt[position] }
      let key = StepPlace(step)
      let slot: Int
      if let known = slots[key] {
        slot = known
      } else {
        slot = sets.count
        slots[key] = slot
        sets.append(nil)
        costs.append(nil)
        seen.append(DigestSet())
        previous.append(nil)
      }
      while stepAt.count <= position {
        stepAt.append(nil)
        slotAt.append(0)
      }
      stepAt[position] = step
      slotAt[position] = slot
      return slot
    }
    /// Records a step's inputs; true when the cache scope did not hold them yet.
    func record(_ slot: Int, _ inputs: Digest) -> Bool {
      switch scope {
      case .all: return seen[slot].insert(inputs)
      case .previous:
        defer { previous[slot] = inputs }
        return previous[slot] != inputs
      case .none: return true
      }
    }
    // The steps are read in place: a copy of a result would retain every field of its step.
    let baseSteps = base?.steps ?? []
    for position in baseSteps.indices where baseSteps[position].status != .skipped {
      _ = record(slot(of: baseSteps[position].step, at: position), baseSteps[position].inputs)
    }
    for (index, build) in builds.enumerated() {
      let steps = build.steps
      for position in steps.indices where steps[position].status != .skipped {
        let slot = slot(of: steps[position].step, at: position)
        if costs[slot] == nil { costs[slot] = steps[position].step.cost.seconds }
        if record(slot, steps[position].inputs) {
          if sets[slot] == nil { sets[slot] = OrderSearch.CommitSet(count: builds.count) }
          sets[slot]?.insert(index)
        }
      }
    }
  }

  func invalidations(stage: Int, line: Int) -> OrderSearch.CommitSet {
    slots[StepPlace(stage: stage, line: line)].flatMap { sets[$0] }
      ?? OrderSearch.CommitSet(count: commitCount)
  }

  func seconds(stage: Int, line: Int) -> Double {
    slots[StepPlace(stage: stage, line: line)].flatMap { costs[$0] } ?? 0
  }
}

/// Bytes (a file, a line) as a dictionary key, hashed as one block rather than byte by byte (as
/// an array's `hash(into:)` does, a SipHash round a byte): the memo looks files up at every
/// candidate, and diffs number every line.
struct SourceKey: Hashable {
  let bytes: ArraySlice<UInt8>

  init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

  init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

  func hash(into hasher: inout Hasher) {
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
  }
}
