#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How often each path changes over a window of commits, and how often any set of paths does.
///
/// **Input:** commits newest first, as git prints them and `GitLogParser` returns them, in one
/// go or in batches (`add`), and optionally a half-life in commits for recency weighting.
///
/// **Output:** for each path, how many commits of the window changed it (`changeCount`) and its
/// change rate (`changeRate`); for any set of paths, such as what one COPY selects, how many
/// commits changed at least one of them (`touches`) and the share of commits that did
/// (`share`).
///
/// **Promises:**
/// - A share is counted from the commits themselves: a commit that changes two selected paths
///   counts once, and two paths that always change together have the share of one of them. It
///   is never the product of independent per-path rates.
/// - **Smoothing.** A share is Laplace's rule of succession, `(k + 1) / (n + 2)` for `k` of `n`
///   commits: one imagined commit that touched the selection and one that did not. So a
///   selection that no commit of the window changed still has a small share (`1 / (n + 2)`),
///   one that every commit changed stays below 1, and an empty window gives `1 / 2`. The raw
///   `k` is `touches(_:).commits`.
/// - **Recency weighting.** With a half-life `h`, the commit `i` places before the newest weighs
///   `2^(-i/h)` (the newest weighs 1, the one `h` commits older 1/2), and the share is
///   `(w + 1) / (W + 2)` where `w` is the weight of the commits that touched the selection and
///   `W` the weight of all of them. Without a half-life every commit weighs 1 and the formula is
///   the one above. A half-life that is not a positive finite number means no weighting.
/// - `changeRate(of: p)` equals `share(ofCommitsTouching: [p])`, smoothing and weighting
///   included; `changeCount(of: p)` is the raw count.
/// - Every change counts: additions, edits, deletions, type changes and mode-only changes
///   (BuildKit checksums the mode, so `chmod +x` invalidates a COPY too). A commit that changed
///   nothing (an empty commit, a merge that brought nothing new) still counts in `n`: it is a
///   build that reuses every layer.
/// - Paths are compared byte for byte, not by Unicode equivalence, as git and the file system do.
/// - Memory: per distinct path, its text and two counters; per commit, one offset; per change,
///   one 32-bit path id in a single flat array. Nothing else is kept from the commits.
/// - Results do not depend on dictionary order: lists are sorted with fixed tie-breaks.
package struct ChangeModel: Sendable {
  /// How many commits of the window touched a selection of paths.
  struct Touches: Hashable, Sendable {
    /// The raw count `k`.
    var commits: Int
    /// The summed weight of those commits; equal to `commits` without a half-life.
    var weight: Double
  }

  /// One path's entry in `mostChanged(limit:)`.
  typealias PathChanges = (path: String, changes: Int, rate: Double)

  /// The half-life in commits, nil when every commit weighs the same.
  let halfLife: Double?

  /// Distinct paths in order of first appearance; a path's id is its index.
  private var paths: [String] = []
  private var ids: [ExactPath: Int32] = [:]
  /// Per path id: how many commits changed it, and their summed weight.
  private var changeCounts: [Int] = []
  private var changeWeights: [Double] = []
  /// The path ids each commit changed, sorted and without repeats, one commit after another;
  /// commit `i` owns `touched[commitEnds[i - 1]..<commitEnds[i]]`.
  private var touched: [Int32] = []
  private var commitEnds: [Int] = []
  /// The summed weight of all commits, `W`.
  private(set) var totalWeight: Double = 0

  /// An empty window; add commits newest first with `add`.
  package init(halfLife: Double? = nil) {
    self.halfLife = halfLife.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
  }

  /// The window of `commits`, newest first.
  init(commits: some Sequence<Commit>, halfLife: Double? = nil) {
    self.init(halfLife: halfLife)
    add(commits)
  }

  /// The number of distinct paths the window changed.
  var pathCount: Int { paths.count }

  /// The number of commits in the window, `n`.
  package var commitCount: Int { commitEnds.count }

  /// Appends older commits to the window: `commits` come after every commit already added, and
  /// are themselves newest first.
  package mutating func add(_ commits: some Sequence<Commit>) {
    var ofCommit: [Int32] = []
    for commit in commits {
      let weight = weight(ofCommitAt: commitCount)
      ofCommit.removeAll(keepingCapacity: true)
      for change in commit.changes {
        if let id = id(interning: change.path) { ofCommit.append(id) }
      }
      ofCommit.sort()
      var previous: Int32 = -1
      for id in ofCommit where id != previous {
        touched.append(id)
        changeCounts[Int(id)] += 1
        changeWeights[Int(id)] += weight
        previous = id
      }
      commitEnds.append(touched.count)
      totalWeight += weight
    }
  }

  /// How many commits of the window changed `path`.
  func changeCount(of path: String) -> Int {
    ids[ExactPath(path)].map { changeCounts[Int($0)] } ?? 0
  }

  /// The smoothed, possibly weighted share of commits that changed `path`; see the type's
  /// documentation.
  func changeRate(of path: String) -> Double {
    smoothed(ids[ExactPath(path)].map { changeWeights[Int($0)] } ?? 0)
  }

  /// Every path some commit of the window changed, in byte order.
  var changedPaths: [String] {
    paths.sorted(by: Self.precedes)
  }

  /// The `limit` paths with the highest change rate: by rate, then by raw count, both
  /// descending, then by path in byte order.
  func mostChanged(limit: Int) -> [PathChanges] {
    guard limit > 0 else { return [] }
    func comesFirst(_ left: Int, _ right: Int) -> Bool {
      if changeWeights[left] != changeWeights[right] {
        return changeWeights[left] > changeWeights[right]
      }
      if changeCounts[left] != changeCounts[right] {
        return changeCounts[left] > changeCounts[right]
      }
      return Self.precedes(paths[left], paths[right])
    }
    // The best `limit` in order, kept while scanning once: most paths lose to the last kept one
    // on their counts alone, so this costs far less than sorting every path.
    var best: [Int] = []
    let limit = min(limit, paths.count)
    best.reserveCapacity(limit + 1)
    for index in paths.indices {
      if best.count == limit, let last = best.last, !comesFirst(index, last) { continue }
      let position = best.firstIndex { comesFirst(index, $0) } ?? best.count
      best.insert(index, at: position)
      if best.count > limit { best.removeLast() }
    }
    return best.map {
      (path: paths[$0], changes: changeCounts[$0], rate: smoothed(changeWeights[$0]))
    }
  }

  /// How many commits changed at least one path that `selects` accepts. `selects` is asked once
  /// about each path the window changed.
  func touches(_ selects: (String) -> Bool) -> Touches {
    var isSelected = [Bool](repeating: false, count: paths.count)
    for (id, path) in paths.enumerated() where selects(path) {
      isSelected[id] = true
    }
    return touches(isSelected)
  }

  /// How many commits changed at least one path that `selects` accepts for that commit, when
  /// the answer depends on the commit (an ignore file that changed over the window).
  /// `selects(commit, path)` gets the commit's index, 0 for the newest.
  /// `selects` also gets the path's id (`0..<pathCount`), so that callers can remember answers.
  func touchesPerCommit(_ selects: (_ commit: Int, _ pathID: Int, _ path: String) -> Bool)
    -> Touches
  {
    var result = Touches(commits: 0, weight: 0)
    var start = 0
    for (index, end) in commitEnds.enumerated() {
      if touched[start..<end].contains(where: { selects(index, Int($0), paths[Int($0)]) }) {
        result.commits += 1
        result.weight += weight(ofCommitAt: index)
      }
      start = end
    }
    return result
  }

  /// The smoothed share for a count from `touches`: `(w + 1) / (W + 2)`.
  func share(of touches: Touches) -> Double {
    smoothed(touches.weight)
  }

  /// How many commits changed at least one of `paths`; repeats are ignored.
  func touches(_ paths: some Sequence<String>) -> Touches {
    var isSelected = [Bool](repeating: false, count: self.paths.count)
    for path in paths {
      if let id = ids[ExactPath(path)] { isSelected[Int(id)] = true }
    }
    return touches(isSelected)
  }

  /// The smoothed, possibly weighted share of commits that changed at least one path that
  /// `selects` accepts: `(k + 1) / (n + 2)`, see the type's documentation.
  func share(ofCommitsTouching selects: (String) -> Bool) -> Double {
    smoothed(touches(selects).weight)
  }

  /// The smoothed, possibly weighted share of commits that changed at least one of `paths`.
  func share(ofCommitsTouching paths: some Sequence<String>) -> Double {
    smoothed(touches(paths).weight)
  }

  // MARK: - Internals

  private func touches(_ isSelected: [Bool]) -> Touches {
    var result = Touches(commits: 0, weight: 0)
    guard isSelected.contains(true) else { return result }
    var start = 0
    for (index, end) in commitEnds.enumerated() {
      if touched[start..<end].contains(where: { isSelected[Int($0)] }) {
        result.commits += 1
        result.weight += weight(ofCommitAt: index)
      }
      start = end
    }
    return result
  }

  /// Laplace's rule of succession on weights: `(w + 1) / (W + 2)`.
  private func smoothed(_ weight: Double) -> Double {
    (weight + 1) / (totalWeight + 2)
  }

  /// `2^(-index / halfLife)`, or 1 without a half-life; `index` 0 is the newest commit.
  private func weight(ofCommitAt index: Int) -> Double {
    guard let halfLife else { return 1 }
    return exp2(-Double(index) / halfLife)
  }

  /// The id of `path`, adding it when new; nil only past 2³¹ distinct paths, which no
  /// repository reaches before memory runs out.
  private mutating func id(interning path: String) -> Int32? {
    let key = ExactPath(path)
    if let id = ids[key] { return id }
    guard paths.count < Int(Int32.max) else { return nil }
    let id = Int32(paths.count)
    ids[key] = id
    paths.append(path)
    changeCounts.append(0)
    changeWeights.append(0)
    return id
  }

  private static func precedes(_ left: String, _ right: String) -> Bool {
    ByteOrder.precedes(left, right)
  }
}

/// Comparing strings by their UTF-8 bytes, on contiguous storage: the generic comparisons over
/// `String.UTF8View` cost several times more, and history reports compare many paths.
enum ByteOrder {
  static func precedes(_ left: String, _ right: String) -> Bool {
    var left = left
    var right = right
    return left.withUTF8 { a in
      right.withUTF8 { b in
        let common = min(a.count, b.count)
        if common > 0, let base = a.baseAddress, let other = b.baseAddress {
          let order = memcmp(base, other, common)
          if order != 0 { return order < 0 }
        }
        return a.count < b.count
      }
    }
  }

  static func equal(_ left: String, _ right: String) -> Bool {
    guard left.utf8.count == right.utf8.count else { return false }
    var left = left
    var right = right
    return left.withUTF8 { a in
      right.withUTF8 { b in
        guard let base = a.baseAddress, let other = b.baseAddress else { return a.count == b.count }
        return memcmp(base, other, a.count) == 0
      }
    }
  }
}

/// A path compared by its UTF-8 bytes: `String`'s own `==` treats canonically equivalent
/// spellings (`é` as one scalar or as `e` plus an accent) as equal, but to git and the file
/// system they are two files.
private struct ExactPath: Hashable, Sendable {
  var path: String

  init(_ path: String) {
    self.path = path
  }

  static func == (left: Self, right: Self) -> Bool {
    ByteOrder.equal(left.path, right.path)
  }

  func hash(into hasher: inout Hasher) {
    var path = path  // `withUTF8` may make a bridged string contiguous, so it needs a copy
    path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}
