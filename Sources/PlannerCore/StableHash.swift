/// 64-bit FNV-1a: planner's hash for ids that must come out the same in every run and on every
/// machine, which Swift's `Hasher` (seeded per process) does not.
enum FNV1a {
  static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

  /// `bytes` hashed, starting from `hash` (to hash several pieces as one).
  static func hash(_ bytes: some Sequence<UInt8>, continuing hash: UInt64 = offsetBasis) -> UInt64 {
    var hash = hash
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return hash
  }

  /// `hash` as `width` lowercase hexadecimal digits (16 or more), zero-padded on the left.
  /// Written in place: an array of digits and one of bytes cost 2,500 instructions an id.
  static func hex(_ hash: UInt64, width: Int) -> String {
    String(unsafeUninitializedCapacity: width) { digits in
      for position in 0..<width {
        let shift = 4 * (width - 1 - position)
        let digit = shift < 64 ? UInt8((hash >> UInt64(shift)) & 0xF) : 0
        digits[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
      }
      return width
    }
  }
}
