import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

@Suite("Change model")
struct ChangeModelTests {
  /// A commit that changed `paths` (edits; the status does not matter to the model).
  static func commit(_ number: Int, _ paths: [String]) -> Commit {
    Commit(
      id: String(number), parents: [], authorTime: number, subject: "c\(number)",
      changes: paths.map {
        FileChange(
          path: $0, status: .modified, oldMode: 0o100644, newMode: 0o100644, oldBlob: "a",
          newBlob: "b")
      })
  }

  /// Newest first: 10 commits; `package.json` and `package-lock.json` always change together,
  /// `src/app.js` changes in most, `README.md` once (the oldest), one commit is empty.
  static let window: [Commit] = [
    commit(10, ["src/app.js"]),
    commit(9, ["package.json", "package-lock.json", "src/app.js"]),
    commit(8, ["src/app.js"]),
    commit(7, []),
    commit(6, ["src/app.js", "src/util.js"]),
    commit(5, ["package.json", "package-lock.json"]),
    commit(4, ["src/app.js"]),
    commit(3, ["src/util.js"]),
    commit(2, ["src/app.js"]),
    commit(1, ["README.md", "src/app.js"]),
  ]

  @Test func countsAreCommitsThatChangedThePath() {
    let model = ChangeModel(commits: Self.window)
    #expect(model.commitCount == 10)
    #expect(model.changeCount(of: "src/app.js") == 7)
    #expect(model.changeCount(of: "package.json") == 2)
    #expect(model.changeCount(of: "README.md") == 1)
    #expect(model.changeCount(of: "never/changed") == 0)
  }

  @Test func ratesAreSmoothedWithLaplacesRule() {
    let model = ChangeModel(commits: Self.window)
    #expect(model.changeRate(of: "src/app.js") == 8.0 / 12.0)
    #expect(model.changeRate(of: "README.md") == 2.0 / 12.0)
    #expect(model.changeRate(of: "never/changed") == 1.0 / 12.0)
  }

  @Test func anEmptyWindowKnowsNothingAndSaysOneHalf() {
    let model = ChangeModel(commits: [])
    #expect(model.commitCount == 0)
    #expect(model.changeRate(of: "x") == 0.5)
    #expect(model.share(ofCommitsTouching: ["x"]) == 0.5)
    #expect(model.mostChanged(limit: 5).isEmpty)
  }

  @Test func aShareCountsCommitsNotTheProductOfIndependentRates() {
    let model = ChangeModel(commits: Self.window)
    // The manifests always change together: the pair has the share of either one.
    let manifests = model.touches(["package.json", "package-lock.json"])
    #expect(manifests == .init(commits: 2, weight: 2))
    #expect(model.share(ofCommitsTouching: ["package.json", "package-lock.json"]) == 3.0 / 12.0)
    let independent = 1 - (1 - 3.0 / 12.0) * (1 - 3.0 / 12.0)
    #expect(model.share(ofCommitsTouching: ["package.json", "package-lock.json"]) < independent)
    // app.js and util.js overlap in one commit, counted once: 7 + 2 - 1.
    #expect(model.touches(["src/app.js", "src/util.js"]).commits == 8)
  }

  @Test func aPredicateSelectsPathsLikeACopySource() {
    let model = ChangeModel(commits: Self.window)
    var asked: [String] = []
    let touches = model.touches { path in
      asked.append(path)
      return path.hasPrefix("src/")
    }
    #expect(touches.commits == 8)
    #expect(model.share(ofCommitsTouching: { $0.hasPrefix("src/") }) == 9.0 / 12.0)
    // Asked once about each path the window changed.
    #expect(asked.count == 5 && Set(asked).count == 5)
    #expect(model.share(ofCommitsTouching: { _ in false }) == 1.0 / 12.0)
    // Everything: every commit but the empty one.
    #expect(model.touches { _ in true }.commits == 9)
  }

  @Test func theRateOfAPathIsTheShareOfItsSingletonSet() {
    for halfLife in [nil, 3.0] {
      let model = ChangeModel(commits: Self.window, halfLife: halfLife)
      for path in model.changedPaths + ["missing"] {
        #expect(model.changeRate(of: path) == model.share(ofCommitsTouching: [path]))
      }
    }
  }

  @Test func aHalfLifeWeighsRecentCommitsMore() {
    let model = ChangeModel(commits: Self.window, halfLife: 2)
    // Weights 1, 1/√2, 1/2, …: the newest commit weighs 1, the one two commits older 1/2.
    let weights = (0..<10).map { exp2(-Double($0) / 2) }
    let total = weights.reduce(0, +)
    #expect(abs(model.totalWeight - total) < 1e-12)
    let readme = weights[9]  // only the oldest commit changed README.md
    #expect(abs(model.changeRate(of: "README.md") - (readme + 1) / (total + 2)) < 1e-12)
    // Same raw count, different rates: util.js (commits 6 and 3) is older than the manifests
    // (commits 9 and 5) in this window.
    #expect(model.changeCount(of: "src/util.js") == model.changeCount(of: "package.json"))
    #expect(model.changeRate(of: "package.json") > model.changeRate(of: "src/util.js"))
    #expect(model.touches(["src/util.js"]).commits == 2)
    #expect(abs(model.touches(["src/util.js"]).weight - (weights[4] + weights[7])) < 1e-12)
  }

  @Test func aHalfLifeThatIsNotAPositiveNumberMeansNoWeighting() {
    let plain = ChangeModel(commits: Self.window)
    for halfLife in [0, -1, .infinity, .nan] as [Double] {
      let model = ChangeModel(commits: Self.window, halfLife: halfLife)
      #expect(model.halfLife == nil)
      #expect(model.changeRate(of: "src/app.js") == plain.changeRate(of: "src/app.js"))
    }
  }

  @Test func addingInBatchesEqualsAddingAtOnce() {
    for halfLife in [nil, 2.5] {
      let whole = ChangeModel(commits: Self.window, halfLife: halfLife)
      var batched = ChangeModel(halfLife: halfLife)
      batched.add(Self.window[..<3])
      batched.add(Self.window[3...])
      #expect(batched.commitCount == whole.commitCount)
      for path in whole.changedPaths {
        #expect(batched.changeRate(of: path) == whole.changeRate(of: path))
      }
      #expect(
        batched.mostChanged(limit: 10).map(\.path) == whole.mostChanged(limit: 10).map(\.path))
    }
  }

  @Test func mostChangedIsSortedByRateThenCountThenPath() {
    let model = ChangeModel(commits: Self.window)
    let top = model.mostChanged(limit: 4)
    #expect(top.map(\.path) == ["src/app.js", "package-lock.json", "package.json", "src/util.js"])
    #expect(top.map(\.changes) == [7, 2, 2, 2])
    #expect(top[0].rate == 8.0 / 12.0)
    #expect(model.mostChanged(limit: 0).isEmpty && model.mostChanged(limit: -1).isEmpty)
    #expect(model.mostChanged(limit: 99).count == 5)
  }

  @Test func aPathListedTwiceInOneCommitCountsOnce() {
    let model = ChangeModel(commits: [Self.commit(1, ["a", "a", "b"])])
    #expect(model.changeCount(of: "a") == 1)
    #expect(model.touches(["a", "a"]).commits == 1)
  }

  @Test func pathsAreComparedByteForByteNotByUnicodeEquivalence() {
    let composed = "caf\u{E9}"
    let decomposed = "cafe\u{301}"
    let model = ChangeModel(commits: [Self.commit(2, [composed]), Self.commit(1, [decomposed])])
    #expect(model.changeCount(of: composed) == 1)
    #expect(model.changeCount(of: decomposed) == 1)
    #expect(model.changedPaths.count == 2)
    #expect(model.touches([composed, decomposed]).commits == 2)
  }

  @Test func everyKindOfChangeCountsIncludingModeOnly() {
    let chmod = FileChange(
      path: "run.sh", status: .modified, oldMode: 0o100644, newMode: 0o100755, oldBlob: "a",
      newBlob: "a")
    let deletion = FileChange(
      path: "gone", status: .deleted, oldMode: 0o100644, newMode: 0, oldBlob: "a", newBlob: "0")
    let model = ChangeModel(commits: [
      Commit(id: "2", parents: [], authorTime: 0, subject: "", changes: [chmod]),
      Commit(id: "1", parents: [], authorTime: 0, subject: "", changes: [deletion]),
    ])
    #expect(chmod.isModeOnly)
    #expect(model.changeCount(of: "run.sh") == 1 && model.changeCount(of: "gone") == 1)
  }

  @Test func aParsedHistoryFeedsTheModel() {
    var bytes: [UInt8] = []
    for number in stride(from: 6, through: 1, by: -1) {
      let id = String(repeating: String(number), count: 40)
      bytes += [0x1E] + Array(id.utf8) + [0x1F, 0x1F] + Array("\(number)".utf8) + [0x1F, 0]
      let blob = String(repeating: "a", count: 40)
      for path in number.isMultiple(of: 2) ? ["Dockerfile", "src/x"] : ["src/x"] {
        bytes += Array("\n:100644 100644 \(blob) \(blob) M".utf8) + [0] + Array(path.utf8) + [0]
      }
    }
    var parser = GitLogParser()
    var model = ChangeModel()
    model.add(parser.feed(bytes[...]))
    let (rest, diagnostics) = parser.finish()
    model.add(rest)
    #expect(diagnostics.isEmpty)
    #expect(model.commitCount == 6)
    #expect(model.changeCount(of: "Dockerfile") == 3 && model.changeCount(of: "src/x") == 6)
  }

  @Test func sharesMatchABruteForceCountOverTheCommits() async {
    let universe = ["a", "b", "c", "d", "e", "f"]
    let commits = Gen.element(of: universe).compactMap { $0 }.array(of: 0...4).array(of: 0...25)
    let selection = Gen.element(of: universe).compactMap { $0 }.array(of: 0...4)
    await propertyCheck(count: 200, input: commits, selection) { paths, selected in
      let window = paths.enumerated().map { Self.commit($0.offset, $0.element) }
      let model = ChangeModel(commits: window, halfLife: 4)
      let chosen = Set(selected)
      let touching = window.indices.filter {
        !chosen.isDisjoint(with: window[$0].changes.map(\.path))
      }
      let weight = touching.map { exp2(-Double($0) / 4) }.reduce(0, +)
      let total = window.indices.map { exp2(-Double($0) / 4) }.reduce(0, +)
      let touches = model.touches(selected)
      #expect(touches.commits == touching.count)
      #expect(abs(touches.weight - weight) < 1e-9)
      #expect(abs(model.share(ofCommitsTouching: selected) - (weight + 1) / (total + 2)) < 1e-9)
      #expect(model.touches { chosen.contains($0) } == touches)
      // A larger selection never has a smaller share, and at most the sum of the parts.
      let more = model.share(ofCommitsTouching: selected + ["a"])
      #expect(more >= model.share(ofCommitsTouching: selected))
      #expect(more <= model.share(ofCommitsTouching: selected) + model.changeRate(of: "a"))
    }
  }
}
