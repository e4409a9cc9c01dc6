/// An order-independent 128-bit digest: the sum of its parts' hashes. Equal sets of parts give
/// equal digests; different ones collide with negligible probability (the parts are not chosen
/// by an adversary: they are file states and Dockerfile steps). Never printed.
///
/// The replays compute several digests for every step of every build, so the hash is a cheap
/// one rather than the standard library's SipHash (which took a quarter of a replay): two 64-bit
/// lanes, each a different bijective mix of its state and the next word, so that two inputs of
/// the same length that differ in one word never collide.
struct Digest: Hashable, Sendable {
  var high: UInt64 = 0
  var low: UInt64 = 0

  init() {}

  /// The start of a stage's reproducible identity (`--assume-stage-output reproducible`).
  static let reproducible = Digest(label: "reproducible")

  init(label: String) {
    var hasher = Hasher128()
    hasher.feed(label)
    self = hasher.digest
  }

  init(path: String, state: SimulationInput.FileState?) {
    guard let state else { return }
    var hasher = Hasher128()
    hasher.feed(path)
    hasher.feed(state.blob)
    hasher.feed(UInt64(state.mode))
    self = hasher.digest
  }

  mutating func add(_ other: Digest) {
    high &+= other.high
    low &+= other.low
  }

  mutating func subtract(_ other: Digest) {
    high &-= other.high
    low &-= other.low
  }

  /// The digest moved to a role, so that the same value in two roles does not cancel or merge.
  func shifted(_ role: UInt64) -> Digest {
    var hasher = Hasher128()
    hasher.feed(role)
    hasher.feed(high)
    hasher.feed(low)
    return hasher.digest
  }

  /// One word is enough for a hash table: the digest is already uniformly spread.
  func hash(into hasher: inout Hasher) {
    hasher.combine(low)
  }

  static func == (lhs: Digest, rhs: Digest) -> Bool {
    lhs.low == rhs.low && lhs.high == rhs.high
  }
}

/// The hash behind `Digest`: words fed one at a time into two lanes.
private struct Hasher128 {
  private var first: UInt64 = 0x243f_6a88_85a3_08d3
  private var second: UInt64 = 0x1319_8a2e_0370_7344
  private var words: UInt64 = 0

  mutating func feed(_ word: UInt64) {
    first = Self.mix(first ^ word)
    second = Self.mix(second &+ (word ^ 0x9e37_79b9_7f4a_7c15))
    words &+= 1
  }

  /// The string's bytes, eight to a word, then its length: "ab" + "c" and "a" + "bc" differ.
  mutating func feed(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var word: UInt64 = 0
      var shift: UInt64 = 0
      for byte in bytes {
        word |= UInt64(byte) << shift
        shift += 8
        if shift == 64 {
          feed(word)
          word = 0
          shift = 0
        }
      }
      if shift > 0 { feed(word) }
      feed(UInt64(bytes.count))
    }
  }

  var digest: Digest {
    var out = Digest()
    out.high = Self.mix(first ^ words)
    out.low = Self.mix(second ^ (words &* 0xff51_afd7_ed55_8ccd))
    return out
  }

  /// A bijective 64-bit mix (the finalizer of SplitMix64).
  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
