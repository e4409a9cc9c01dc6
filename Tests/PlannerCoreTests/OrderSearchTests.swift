import Testing

@testable import PlannerCore

@Suite("Order search")
struct OrderSearchTests {
  typealias Item = OrderSearch.Item

  static func set(_ commits: [Int], of count: Int = 10) -> OrderSearch.CommitSet {
    OrderSearch.CommitSet(commits, count: count)
  }

  @Test func aStableExpensiveStepMovesAboveAVolatileCopy() {
    // COPY . . changes at every commit; the install never does.
    let items = [
      Item(seconds: 0.1, invalidations: Self.set(Array(0..<10))),
      Item(seconds: 25, invalidations: Self.set([])),
    ]
    let result = OrderSearch(items: items, predecessors: [[], []], base: Self.set([])).run()
    #expect(result.order == [1, 0])
    #expect(result.originalCost == 0.1 * 10 + 25 * 10)
    #expect(result.cost == 0 + 0.1 * 10)
    #expect(result.isExact)
  }

  @Test func aConstraintKeepsTheOrder() {
    let items = [
      Item(seconds: 0.1, invalidations: Self.set(Array(0..<10))),
      Item(seconds: 25, invalidations: Self.set([])),
    ]
    let result = OrderSearch(items: items, predecessors: [[], [0]], base: Self.set([])).run()
    #expect(result.order == [0, 1])
    #expect(result.cost == result.originalCost)
  }

  @Test func tiesKeepTheOriginalOrder() {
    // Nothing ever changes: every order costs the same.
    let items = (0..<5).map { _ in Item(seconds: 3, invalidations: Self.set([])) }
    let result = OrderSearch(
      items: items, predecessors: Array(repeating: [], count: 5), base: Self.set([])
    ).run()
    #expect(result.order == [0, 1, 2, 3, 4])
  }

  @Test func zeroCostItemsStayWhereTheyWereUnlessTheyMustMove() {
    // A LABEL (free) between a volatile COPY and a stable RUN: the RUN moves up, the LABEL stays
    // after the COPY as it was.
    let items = [
      Item(seconds: 0.1, invalidations: Self.set([1, 2, 3])),
      Item(seconds: 0, invalidations: Self.set([])),
      Item(seconds: 30, invalidations: Self.set([])),
    ]
    let result = OrderSearch(
      items: items, predecessors: [[], [], []], base: Self.set([])
    ).run()
    #expect(result.order == [2, 0, 1])
  }

  @Test func theBaseCountsForEveryItem() {
    let items = [Item(seconds: 2, invalidations: Self.set([]))]
    let result = OrderSearch(items: items, predecessors: [[]], base: Self.set([4, 5])).run()
    #expect(result.cost == 4)
  }

  /// Every valid order, for checking the search on small cases.
  static func bruteForce(_ search: OrderSearch) -> Double {
    var best = Double.infinity
    func extend(_ order: [Int], _ left: Set<Int>) {
      if left.isEmpty {
        best = min(best, search.cost(of: order))
        return
      }
      for index in left.sorted() where search.predecessors[index].allSatisfy({ order.contains($0) })
      {
        extend(order + [index], left.subtracting([index]))
      }
    }
    extend([], Set(search.items.indices))
    return best
  }

  @Test func theSearchFindsTheOptimumOfEverySmallCase() {
    var generator = SplitMix(state: 42)
    for _ in 0..<200 {
      let count = Int(generator.next() % 7) + 1
      let commits = 12
      var items: [Item] = []
      var predecessors: [[Int]] = []
      for index in 0..<count {
        let volatile = generator.next() % 3 != 0
        let changed = volatile ? (0..<commits).filter { _ in generator.next() % 4 == 0 } : []
        items.append(
          Item(
            seconds: Double(generator.next() % 50) / 2,
            invalidations: Self.set(changed, of: commits)))
        predecessors.append((0..<index).filter { _ in generator.next() % 5 == 0 })
      }
      let search = OrderSearch(
        items: items, predecessors: predecessors,
        base: Self.set(generator.next() % 4 == 0 ? [0] : [], of: commits))
      let result = search.run()
      #expect(search.isValid(result.order))
      #expect(result.isExact)
      #expect(abs(result.cost - Self.bruteForce(search)) < 1e-6)
      #expect(result.cost <= result.originalCost + 1e-9)
    }
  }

  @Test func aSpentBudgetStillGivesAValidOrderAndABound() {
    var generator = SplitMix(state: 7)
    let commits = 64
    let items = (0..<30).map { _ in
      Item(
        seconds: Double(generator.next() % 20) + 1,
        invalidations: Self.set(
          (0..<commits).filter { _ in generator.next() % 6 == 0 }, of: commits))
    }
    let search = OrderSearch(
      items: items, predecessors: Array(repeating: [], count: items.count), base: Self.set([]),
      nodeBudget: 50)
    let result = search.run()
    #expect(search.isValid(result.order))
    #expect(!result.isExact)
    #expect(result.lowerBound <= result.cost + 1e-9)
    #expect(result.cost <= result.originalCost + 1e-9)
  }
}
