/// Which items of a stage must keep their relative order for the image to stay the same.
///
/// Two items may swap only when no rule ties them. Each rule is a small type with its reason,
/// so that a proposal can say why something did not move:
/// - `Barrier`: an item that cannot be analysed (an opaque command, ONBUILD, a here-document
///   script, a path not known statically) keeps its place against everything.
/// - `Variables`: an item that expands a variable stays on its side of the definition; two
///   definitions of one name keep their order; a RUN never crosses an ENV or ARG (the shell sees
///   the whole environment, whatever the command's text says).
/// - `State`: WORKDIR, USER and SHELL keep their order with the items whose meaning depends on
///   them (a relative destination or a RUN on WORKDIR; a RUN or WORKDIR on USER; a shell-form RUN
///   on SHELL).
/// - `Files`: a writer and a reader of one path, or two writers, keep their order, except that a
///   RUN may move above a COPY whose overlap with what it reads is only files an earlier COPY
///   already wrote from the same context files (the manifests copied before an install).
/// - `Config`: two instructions setting the same part of the image config (CMD, ENTRYPOINT,
///   HEALTHCHECK, STOPSIGNAL, a LABEL key) keep their order, since the last one wins.
enum Constraints {
  /// Why two items are tied.
  struct Tie: Hashable, Sendable {
    enum Rule: String, Hashable, Sendable {
      case barrier, variables, state, files, config
    }

    var rule: Rule
    var reason: String
  }

  /// For each item, the items before it that it must stay after, with the first reason found.
  static func predecessors(of items: [StageItem]) -> [[Int]] {
    let paths = items.map { PathSet($0.writes.map(\.pattern)) }
    let readPaths = items.map { PathSet($0.reads) }
    var result = items.indices.map { later in
      (0..<later).filter { earlier in
        tie(
          items[earlier], items[later], writes: (paths[earlier], paths[later]),
          reads: (readPaths[earlier], readPaths[later]), all: items) != nil
      }
    }
    for (earlier, later) in ownershipTies(items) where !result[later].contains(earlier) {
      result[later].append(earlier)
    }
    return result
  }

  /// Ownership: the first item that creates a folder decides its owner, so every item that
  /// would create it with another owner stays after that first one (items with the same owner
  /// may swap freely with it). Pairs of positions, earlier first.
  static func ownershipTies(_ items: [StageItem]) -> [(Int, Int)] {
    var first: [String: (index: Int, owner: String)] = [:]
    var ties: [(Int, Int)] = []
    for (index, item) in items.enumerated() {
      for (folder, owner) in item.createsFolders.sorted(by: { $0.key < $1.key }) {
        if let creator = first[folder] {
          if creator.owner != owner { ties.append((creator.index, index)) }
        } else {
          first[folder] = (index, owner)
        }
      }
    }
    return ties
  }

  /// The rule that keeps `earlier` before `later`, or nil when they may swap.
  static func tie(_ earlier: StageItem, _ later: StageItem, all items: [StageItem]) -> Tie? {
    tie(
      earlier, later,
      writes: (PathSet(earlier.writes.map(\.pattern)), PathSet(later.writes.map(\.pattern))),
      reads: (PathSet(earlier.reads), PathSet(later.reads)), all: items)
  }

  private static func tie(
    _ earlier: StageItem, _ later: StageItem, writes: (PathSet, PathSet),
    reads: (PathSet, PathSet), all items: [StageItem]
  ) -> Tie? {
    if let reason = earlier.barrier ?? later.barrier {
      return Tie(rule: .barrier, reason: reason)
    }
    if let tie = variables(earlier, later) { return tie }
    if let tie = state(earlier, later) { return tie }
    if let key = earlier.configKey, key == later.configKey {
      return Tie(rule: .config, reason: "both set \(key.uppercased()); the last one wins")
    }
    if writes.0.intersects(writes.1), !sameFiles(earlier, later) {
      return Tie(rule: .files, reason: "both write the same paths")
    }
    if reads.0.intersects(writes.1) {
      return Tie(rule: .files, reason: "the second writes what the first reads")
    }
    if writes.0.intersects(reads.1), !copiedByAnother(earlier, readBy: later, all: items) {
      return Tie(rule: .files, reason: "the second reads what the first writes")
    }
    return nil
  }

  /// Whether two COPYs write the same bytes wherever they overlap (the same context files with
  /// the same owner and mode): then their order does not matter.
  static func sameFiles(_ first: StageItem, _ second: StageItem) -> Bool {
    let all = first.writes + second.writes
    guard all.allSatisfy({ $0.contextSource != nil && !$0.pattern.recursive }) else {
      return false
    }
    var written: [String: StageItem.Write] = [:]
    for write in first.writes { written[write.pattern.path] = write }
    for write in second.writes {
      if let other = written[write.pattern.path],
        other.contextSource != write.contextSource || other.attributes != write.attributes
      {
        return false
      }
    }
    return true
  }

  static func variables(_ earlier: StageItem, _ later: StageItem) -> Tie? {
    // Most pairs share no name: tested without building a set.
    if !earlier.defines.isDisjoint(with: later.uses)
      || !earlier.defines.isDisjoint(with: later.defines)
      || !later.defines.isDisjoint(with: earlier.uses)
    {
      let both = earlier.defines.intersection(later.uses.union(later.defines))
        .union(later.defines.intersection(earlier.uses))
      if let name = both.min(by: <) {
        return Tie(rule: .variables, reason: "both use \(name)")
      }
    }
    // A RUN sees every ENV; an ARG only matters to a RUN that may read it (its value is not
    // kept in the image).
    return environment(seenBy: earlier, from: later) ?? environment(seenBy: later, from: earlier)
  }

  /// The tie between a RUN and an ENV or ARG on either side of it, if `run` is a RUN that sees
  /// the environment.
  private static func environment(seenBy run: StageItem, from other: StageItem) -> Tie? {
    guard run.seesEnvironment, case .run(let command) = run.instruction.kind else { return nil }
    switch other.instruction.kind {
    case .env:
      return Tie(rule: .variables, reason: "a RUN sees every ENV before it")
    case .arg(let args):
      let text = command.command.arguments.joined(separator: " ")
      if args.contains(where: {
        CommandAnalyzer.mayRead(
          variable: $0.name, command: text, isExecForm: command.command.isExecForm)
      }) {
        return Tie(rule: .variables, reason: "the RUN may read the ARG")
      }
      return nil
    default:
      return nil
    }
  }

  static func state(_ earlier: StageItem, _ later: StageItem) -> Tie? {
    let shared = earlier.setsState.intersection(later.dependsOn.union(later.setsState))
      .union(later.setsState.intersection(earlier.dependsOn))
    guard let state = shared.sorted(by: { $0.rawValue < $1.rawValue }).first else { return nil }
    return Tie(rule: .state, reason: "\(state.rawValue.uppercased()) changes its meaning")
  }

  /// Whether `reader` may ignore `copy` for what it reads: every path it reads there is also
  /// written, with the same bytes, by another COPY that comes before `reader` and copies fewer
  /// files (the manifests copied for an install). That COPY, the provider, is the one `reader`
  /// stays after; it sees the same bytes on either side of `copy`.
  static func copiedByAnother(_ copy: StageItem, readBy reader: StageItem, all items: [StageItem])
    -> Bool
  {
    guard case .run = reader.instruction.kind else { return false }
    let readSet = PathSet(reader.reads)
    for write in copy.writes where readSet.intersects(PathSet([write.pattern])) {
      guard write.contextSource != nil, !write.pattern.recursive else { return false }
      // The COPYs before the reader that write this file with these bytes; the provider is the
      // one copying fewest files (the earliest on a tie).
      let writers = items.filter { item in
        item.position < reader.position && item.writes.contains(write)
      }
      guard
        let provider = writers.min(by: {
          ($0.writes.count, $0.position) < ($1.writes.count, $1.position)
        }), provider.position != copy.position
      else { return false }
    }
    return true
  }
}

/// Paths and trees, with an intersection test that stays fast when one side lists thousands of
/// files (a `COPY . .`).
struct PathSet: Sendable {
  private var exact: Set<String> = []
  private var trees: [String] = []

  init(_ patterns: [PathPattern]) {
    for pattern in patterns {
      if pattern.recursive { trees.append(pattern.path) } else { exact.insert(pattern.path) }
    }
  }

  var isEmpty: Bool { exact.isEmpty && trees.isEmpty }

  private static func contains(tree: String, _ path: String) -> Bool {
    tree == "/" || path == tree || path.hasPrefix(tree + "/")
  }

  func intersects(_ other: PathSet) -> Bool {
    if isEmpty || other.isEmpty { return false }
    let (small, large) =
      exact.count <= other.exact.count ? (exact, other.exact) : (other.exact, exact)
    if small.contains(where: large.contains) { return true }
    for tree in trees {
      if other.exact.contains(where: { Self.contains(tree: tree, $0) }) { return true }
      if other.trees.contains(where: {
        Self.contains(tree: tree, $0) || Self.contains(tree: $0, tree)
      }) {
        return true
      }
    }
    for tree in other.trees where exact.contains(where: { Self.contains(tree: tree, $0) }) {
      return true
    }
    return false
  }
}
