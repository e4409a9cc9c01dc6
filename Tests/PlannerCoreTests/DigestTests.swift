import Testing

@testable import PlannerCore

/// The cache simulator's keys: a collision would be a step wrongly found in the cache.
@Suite("Digest")
struct DigestTests {
  @Test func manyNearlyEqualInputsGiveDistinctDigestsInEachHalf() {
    var highs: Set<UInt64> = []
    var lows: Set<UInt64> = []
    var count = 0
    for index in 0..<50_000 {
      let labels = [
        "step \(index)", "src/file\(index).js", String(repeating: "a", count: index % 97),
      ]
      for label in labels {
        let digest = Digest(label: label)
        highs.insert(digest.high)
        lows.insert(digest.low)
        count += 1
      }
    }
    // The repeated-letter labels repeat every 97 indices.
    let distinct = 2 * 50_000 + 97
    #expect(highs.count == distinct)
    #expect(lows.count == distinct)
    #expect(count > distinct)
  }

  @Test func whereTheFieldsSplitMatters() {
    let state = SimulationInput.FileState(blob: "c0ffee", mode: 0o100644)
    #expect(
      Digest(path: "ab", state: .init(blob: "c", mode: 0o100644))
        != Digest(path: "a", state: .init(blob: "bc", mode: 0o100644)))
    #expect(Digest(path: "a", state: state) != Digest(path: "b", state: state))
    #expect(
      Digest(path: "a", state: state)
        != Digest(path: "a", state: .init(blob: "c0ffee", mode: 0o100755)))
    #expect(Digest(path: "a", state: nil) == Digest())
    // Eight bytes and the same eight bytes with a NUL after them are different strings.
    #expect(Digest(label: "abcdefgh") != Digest(label: "abcdefgh\u{0}"))
  }

  @Test func aRoleSeparatesEqualValuesAndSumsDoNotCancel() {
    let value = Digest(label: "content")
    #expect(value.shifted(1) != value.shifted(2))
    #expect(value.shifted(1) == value.shifted(1))
    var sum = value.shifted(1)
    sum.add(value.shifted(2))
    var other = value.shifted(2)
    other.add(value.shifted(1))
    #expect(sum == other)
    sum.subtract(value.shifted(2))
    #expect(sum == value.shifted(1))
    #expect(Digest().shifted(1) != Digest())
  }
}
