/// Finds the order of a stage's items that minimises the rebuild seconds replayed over a window
/// of commits, among the orders the constraints allow.
///
/// The cost model is the cache's chain rule: item `j` re-runs at commit `c` when `c` invalidates
/// `j` itself or anything before it in the stage (or the stage's base, `baseInvalidations`). So
/// an order `π` costs `Σ_j seconds_j × |base ∪ ⋃_{i ≤π j} invalidations_i|`.
///
/// The search is exact: a depth-first branch and bound over the orders, with two reductions.
/// An item whose invalidations are already covered by what is placed is placed at once (waiting
/// can only make it dearer, and it covers nothing new), so only the items that add commits are
/// branched on; and a state (the set placed so far) is expanded once. The bound for a state is
/// `Σ_{j left} seconds_j × |covered ∪ invalidations_j|`. When a stage has too many volatile items
/// for `nodeBudget` expansions, the best order found so far is returned with the gap to the
/// bound, so the caller can say how far from optimal it may be.
///
/// Ties keep the original order: the original order is returned when nothing beats it, and the
/// result is then moved back toward the original order wherever that costs nothing
/// (`stabilized`).
struct OrderSearch {
  /// Commits as bits.
  struct CommitSet: Hashable, Sendable {
    var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    init(_ commits: some Sequence<Int>, count: Int) {
      self.init(count: count)
      for commit in commits { insert(commit) }
    }

    mutating func insert(_ commit: Int) {
      guard commit >= 0, commit / 64 < words.count else { return }
      words[commit / 64] |= 1 << UInt64(commit % 64)
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    func union(_ other: CommitSet) -> CommitSet {
      var out = self
      for index in out.words.indices where index < other.words.count {
        out.words[index] |= other.words[index]
      }
      return out
    }

    func isSubset(of other: CommitSet) -> Bool {
      for index in words.indices
      where words[index] & ~(index < other.words.count ? other.words[index] : 0) != 0 {
        return false
      }
      return true
    }

    func unionCount(_ other: CommitSet) -> Int {
      var total = 0
      for index in words.indices {
        total +=
          (words[index] | (index < other.words.count ? other.words[index] : 0))
          .nonzeroBitCount
      }
      return total
    }
  }

  struct Item: Sendable {
    var seconds: Double
    var invalidations: CommitSet
  }

  struct Result: Sendable {
    /// Item indices in the chosen order.
    var order: [Int]
    var cost: Double
    var originalCost: Double
    /// Whether `order` is proven optimal.
    var isExact: Bool
    /// A lower bound on the optimal cost (equal to `cost` when exact).
    var lowerBound: Double
  }

  let items: [Item]
  /// `predecessors[j]`: the items that must come before `j`.
  let predecessors: [[Int]]
  let base: CommitSet
  var nodeBudget = 20_000

  init(items: [Item], predecessors: [[Int]], base: CommitSet, nodeBudget: Int = 20_000) {
    self.items = items
    self.predecessors = predecessors
    self.base = base
    self.nodeBudget = nodeBudget
  }

  /// The cost of an order under the chain rule.
  func cost(of order: [Int]) -> Double {
    var covered = base
    var total = 0.0
    for index in order {
      covered = covered.union(items[index].invalidations)
      total += items[index].seconds * Double(covered.count)
    }
    return total
  }

  /// Whether `order` lists every item once and respects every constraint.
  func isValid(_ order: [Int]) -> Bool {
    guard order.count == items.count, Set(order).count == items.count else { return false }
    var position = [Int](repeating: -1, count: items.count)
    for (slot, index) in order.enumerated() {
      guard index >= 0, index < items.count else { return false }
      position[index] = slot
    }
    for (item, before) in predecessors.enumerated() {
      for other in before where position[other] > position[item] { return false }
    }
    return true
  }

  func run() -> Result {
    let identity = Array(items.indices)
    let originalCost = cost(of: identity)
    guard items.count > 1 else {
      return Result(
        order: identity, cost: originalCost, originalCost: originalCost, isExact: true,
        lowerBound: originalCost)
    }
    var state = SearchState(search: self)
    state.bestCost = originalCost
    state.best = identity
    state.explore(
      placed: [Bool](repeating: false, count: items.count), order: [], covered: base, spent: 0)
    let exact = !state.exhausted
    var order = state.best
    var best = state.bestCost
    // A tie with the original keeps the original.
    if best >= originalCost - 1e-9 {
      order = identity
      best = originalCost
    }
    order = stabilized(order)
    let bound = exact ? best : min(best, state.rootBound)
    return Result(
      order: order, cost: cost(of: order), originalCost: originalCost, isExact: exact,
      lowerBound: bound)
  }

  /// Among the orders as cheap as `order`, one that moves as little as possible: items are taken
  /// out and put back elsewhere, one at a time, while that keeps the constraints and the cost and
  /// lowers `displacement`.
  func stabilized(_ order: [Int]) -> [Int] {
    var current = order
    var score = displacement(current)
    let target = cost(of: order)
    var improved = true
    var rounds = 0
    var successors = [[Int]](repeating: [], count: items.count)
    for (item, before) in predecessors.enumerated() {
      for other in before { successors[other].append(item) }
    }
    while improved, rounds < 2 * items.count {
      improved = false
      rounds += 1
      var position = [Int](repeating: 0, count: items.count)
      for (slot, index) in current.enumerated() { position[index] = slot }
      for from in current.indices {
        let item = current[from]
        // Only moves that do not take the item farther from where it was can help.
        for to in current.indices where to != from && abs(to - item) <= abs(from - item) {
          // Moving earlier must stay after every predecessor; later, before every successor.
          if to < from, predecessors[item].contains(where: { position[$0] >= to }) { continue }
          if to > from, successors[item].contains(where: { position[$0] <= to }) { continue }
          var candidate = current
          candidate.remove(at: from)
          candidate.insert(item, at: to)
          let candidateScore = displacement(candidate)
          guard candidateScore.lexicographicallyPrecedes(score),
            cost(of: candidate) <= target + 1e-9
          else { continue }
          current = candidate
          score = candidateScore
          improved = true
          for (slot, index) in current.enumerated() { position[index] = slot }
          break
        }
      }
    }
    return current
  }

  /// How far an order is from the original, compared in turn: items out of place (the length of
  /// the file minus its longest run kept in original relative order), how far items that change
  /// moved down (a volatile step should stay late; moving the stable step up is the fix), and the
  /// total distance moved.
  func displacement(_ order: [Int]) -> [Int] {
    // The longest increasing subsequence: the items that keep their relative order.
    var tails: [Int] = []
    for index in order {
      var low = 0
      var high = tails.count
      while low < high {
        let middle = (low + high) / 2
        if tails[middle] < index { low = middle + 1 } else { high = middle }
      }
      if low == tails.count { tails.append(index) } else { tails[low] = index }
    }
    var volatileDown = 0
    var distance = 0
    for (slot, index) in order.enumerated() {
      distance += abs(slot - index)
      if !items[index].invalidations.isEmpty { volatileDown += max(0, slot - index) }
    }
    return [order.count - tails.count, volatileDown, distance]
  }

  /// The mutable part of one search.
  private struct SearchState {
    let search: OrderSearch
    var best: [Int] = []
    var bestCost = Double.infinity
    var nodes = 0
    var exhausted = false
    /// The least spent so far on reaching each state; a state reached again more dearly is not
    /// expanded again (what remains depends only on the set placed).
    var seen: [[UInt64]: Double] = [:]
    var rootBound = 0.0
    var isRoot = true

    init(search: OrderSearch) {
      self.search = search
    }

    /// The items not placed whose predecessors all are.
    func available(_ placed: [Bool]) -> [Int] {
      search.items.indices.filter { index in
        !placed[index] && search.predecessors[index].allSatisfy { placed[$0] }
      }
    }

    func bound(placed: [Bool], covered: CommitSet) -> Double {
      var total = 0.0
      for index in search.items.indices where !placed[index] {
        total +=
          search.items[index].seconds
          * Double(covered.unionCount(search.items[index].invalidations))
      }
      return total
    }

    mutating func explore(placed: [Bool], order: [Int], covered: CommitSet, spent: Double) {
      var placed = placed
      var order = order
      var spent = spent
      // Items that add no commit go now, lowest original index first, until none is left.
      var progress = true
      while progress {
        progress = false
        for index in available(placed)
        where search.items[index].invalidations.isSubset(of: covered) {
          placed[index] = true
          order.append(index)
          spent += search.items[index].seconds * Double(covered.count)
          progress = true
        }
      }
      if order.count == search.items.count {
        if spent < bestCost - 1e-9 {
          bestCost = spent
          best = order
        }
        return
      }
      let lower = spent + bound(placed: placed, covered: covered)
      if isRoot {
        rootBound = lower
        isRoot = false
      }
      guard lower < bestCost - 1e-9 else { return }
      var stateKey = [UInt64](repeating: 0, count: (placed.count + 63) / 64)
      for (index, isPlaced) in placed.enumerated() where isPlaced {
        stateKey[index / 64] |= 1 << UInt64(index % 64)
      }
      if let earlier = seen[stateKey], earlier <= spent + 1e-9 { return }
      seen[stateKey] = spent
      nodes += 1
      guard nodes <= search.nodeBudget else {
        exhausted = true
        return
      }
      // The items that add the fewest commits first, so that a good order is found early.
      let candidates = available(placed).map { index in
        (index, covered.unionCount(search.items[index].invalidations))
      }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
      for (index, _) in candidates {
        let next = covered.union(search.items[index].invalidations)
        var nextPlaced = placed
        nextPlaced[index] = true
        explore(
          placed: nextPlaced, order: order + [index], covered: next,
          spent: spent + search.items[index].seconds * Double(next.count))
        if exhausted { return }
      }
    }
  }
}

extension Planner {
  /// Times the order search on a generated stage of `steps` movable steps over 50 commits, for
  /// `make bench`: a quarter of the steps change (some rarely, some at most commits), the rest
  /// never; a few constraints tie neighbours. Returns whether the result is proven optimal, its
  /// cost and the original order's.
  package static func searchBenchmark(steps: Int, seed: UInt64) -> (
    exact: Bool, cost: Double, originalCost: Double
  ) {
    var state = seed
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let commits = 50
    var items: [OrderSearch.Item] = []
    var predecessors: [[Int]] = []
    for index in 0..<steps {
      var changed: [Int] = []
      if next() % 4 == 0 {
        let rate = [5, 20, 60][Int(next() % 3)]
        changed = (0..<commits).filter { _ in next() % 100 < UInt64(rate) }
      }
      items.append(
        OrderSearch.Item(
          seconds: Double(next() % 600) / 10,
          invalidations: OrderSearch.CommitSet(changed, count: commits)))
      var before: [Int] = []
      if index > 0, next() % 10 == 0 { before.append(index - 1) }
      if index > 1, next() % 20 == 0 { before.append(Int(next() % UInt64(index - 1))) }
      predecessors.append(before)
    }
    let result = OrderSearch(
      items: items, predecessors: predecessors, base: OrderSearch.CommitSet(count: commits)
    ).run()
    return (result.isExact, result.cost, result.originalCost)
  }
}
