import PropertyBased
import Testing

@testable import PlannerCore

/// The replays' tables keyed by digest, against the standard library's.
@Suite("Digest table")
struct DigestTableTests {
  /// A digest whose low word is `low`: few low words make keys that share a slot.
  static func digest(low: Int, high: Int) -> Digest {
    var digest = Digest()
    digest.low = UInt64(low)
    digest.high = UInt64(high)
    return digest
  }

  /// Random writes of random keys (from eight low words, so most probes run into a neighbour)
  /// give the table a dictionary gives, read back key by key, through every growth.
  @Test func readsWhatADictionaryReads() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...7).array(of: 0...300), Gen.int(in: 0...40)
    ) { lows, capacity in
      var table = DigestTable<Int>(minimumCapacity: capacity)
      var reference: [Digest: Int] = [:]
      for (index, low) in lows.enumerated() {
        let key = Self.digest(low: low, high: index % 13)
        let isNew = table.set(index, for: key)
        #expect(isNew == (reference[key] == nil))
        reference[key] = index
        #expect(table.count == reference.count)
      }
      for low in 0...8 {
        for high in 0...13 {
          let key = Self.digest(low: low, high: high)
          #expect(table[key] == reference[key])
          #expect(table.contains(key) == (reference[key] != nil))
        }
      }
    }
  }

  @Test func aNewValueReplacesTheOldOne() {
    var table = DigestTable<String>()
    for index in 0..<40 { table.set("first \(index)", for: Self.digest(low: index, high: 0)) }
    for index in stride(from: 0, to: 40, by: 3) {
      table.set("second \(index)", for: Self.digest(low: index, high: 0))
    }
    #expect(table.count == 40)
    #expect(table[Self.digest(low: 3, high: 0)] == "second 3")
    #expect(table[Self.digest(low: 4, high: 0)] == "first 4")
    #expect(table[Self.digest(low: 5, high: 1)] == nil)
  }

  @Test func setsOfDigests() {
    let keys = (0..<100).map { Self.digest(low: $0 % 10, high: $0) }
    var set = DigestSet(Array(keys.prefix(50)))
    #expect(set.count == 50)
    let again = set.insert(keys[10])
    let new = set.insert(keys[60])
    #expect(!again && new)
    set.formUnion(keys)
    #expect(set.count == 100)
    #expect(keys.allSatisfy(set.contains))
    #expect(!set.contains(Self.digest(low: 0, high: 100)))
    #expect(DigestSet().isEmpty)
  }
}
