/// A hash table keyed by `Digest`, for the tables a replay reads at every step: the cache, the
/// outputs of the keys built, the keys run earlier in a build.
///
/// A digest is already uniformly spread, so its low word is its hash. The standard library's
/// tables hash every key again through `Hasher` (SipHash) in generic code: replacing them took
/// the six-line suggest from 20.37 to 19.74 million instructions. Open addressing with linear
/// probing, at most three quarters full; entries are only added or replaced, never removed.
struct DigestTable<Value> {
  private struct Entry {
    var key: Digest
    var value: Value
  }

  /// Empty until the first key: a table made and never written (the invalidation history's,
  /// one a step, outside the whole-history scope) allocates nothing.
  private var slots: [Entry?] = []
  private(set) var count = 0
  private let minimumCapacity: Int

  init(minimumCapacity: Int = 0) {
    self.minimumCapacity = minimumCapacity
  }

  var isEmpty: Bool { count == 0 }

  /// The slot that holds `key`, or the empty slot where it would go (`slots` is not empty).
  private func slot(of key: Digest) -> Int {
    let mask = slots.count - 1
    var index = Int(truncatingIfNeeded: key.low) & mask
    while let entry = slots[index], entry.key != key { index = (index + 1) & mask }
    return index
  }

  subscript(key: Digest) -> Value? { slots.isEmpty ? nil : slots[slot(of: key)]?.value }

  func contains(_ key: Digest) -> Bool { !slots.isEmpty && slots[slot(of: key)] != nil }

  /// Sets the value of `key`; true when the table did not hold the key.
  @discardableResult
  mutating func set(_ value: Value, for key: Digest) -> Bool {
    if slots.isEmpty {
      var capacity = 8
      while capacity * 3 < minimumCapacity * 4 { capacity *= 2 }
      slots = Self.emptySlots(capacity)
    }
    let index = slot(of: key)
    if slots[index] != nil {
      slots[index]?.value = value
      return false
    }
    if (count + 1) * 4 > slots.count * 3 {
      grow()
      slots[slot(of: key)] = Entry(key: key, value: value)
    } else {
      slots[index] = Entry(key: key, value: value)
    }
    count += 1
    return true
  }

  /// `capacity` empty slots (a power of two, 8 or more), doubled from a literal:
  /// `Array(repeating:count:)` allocates through the standard library's unspecialized code,
  /// which looks the array's type up at run time (900 instructions a table, and a build makes one).
  private static func emptySlots(_ capacity: Int) -> [Entry?] {
    var slots: [Entry?] = [nil, nil, nil, nil, nil, nil, nil, nil]
    while slots.count < capacity { slots.append(contentsOf: slots) }
    return slots
  }

  private mutating func grow() {
    let old = slots
    slots = Self.emptySlots(old.count * 2)
    for case let entry? in old { slots[slot(of: entry.key)] = entry }
  }
}

extension DigestTable where Value == Void {
  init(_ keys: [Digest]) {
    self.init(minimumCapacity: keys.count)
    formUnion(keys)
  }

  /// Adds `key`; true when the table did not hold it.
  @discardableResult
  mutating func insert(_ key: Digest) -> Bool { set((), for: key) }

  mutating func formUnion(_ keys: [Digest]) {
    for key in keys { insert(key) }
  }
}

/// A set of digests.
typealias DigestSet = DigestTable<Void>
