/// Byte-level text helpers that behave exactly like the Go standard library functions BuildKit
/// uses (`unicode/utf8`, `unicode.IsSpace`, `strings.TrimSpace`, `strconv.Quote`).
///
/// A Dockerfile is bytes, not necessarily valid UTF-8, and BuildKit treats it as Go treats a
/// `string`: an invalid byte decodes as U+FFFD with width 1. Matching BuildKit byte for byte
/// means doing the same, so the parser works on `[UInt8]` and uses these helpers.
enum GoText {
  static let runeError: UInt32 = 0xFFFD

  /// Decodes one rune at `index`, like Go's `utf8.DecodeRune`: an invalid or truncated encoding,
  /// a surrogate or an overlong form yields (U+FFFD, 1).
  @inline(__always)
  static func decodeRune<Bytes: RandomAccessCollection<UInt8>>(
    _ bytes: Bytes, at index: Int
  ) -> (rune: UInt32, width: Int) where Bytes.Index == Int {
    let b0 = bytes[index]
    if b0 < 0x80 { return (UInt32(b0), 1) }
    let count = bytes.endIndex
    @inline(__always) func cont(_ i: Int) -> UInt32? {
      guard i < count else { return nil }
      let b = bytes[i]
      return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
    }
    switch b0 {
    case 0xC2...0xDF:
      guard let c1 = cont(index + 1) else { return (runeError, 1) }
      return ((UInt32(b0 & 0x1F) << 6) | c1, 2)
    case 0xE0...0xEF:
      guard index + 1 < count else { return (runeError, 1) }
      let b1 = bytes[index + 1]
      let lowOK: Bool
      switch b0 {
      case 0xE0: lowOK = (0xA0...0xBF).contains(b1)
      case 0xED: lowOK = (0x80...0x9F).contains(b1)
      default: lowOK = (0x80...0xBF).contains(b1)
      }
      guard lowOK, let c2 = cont(index + 2) else { return (runeError, 1) }
      return ((UInt32(b0 & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | c2, 3)
    case 0xF0...0xF4:
      guard index + 1 < count else { return (runeError, 1) }
      let b1 = bytes[index + 1]
      let lowOK: Bool
      switch b0 {
      case 0xF0: lowOK = (0x90...0xBF).contains(b1)
      case 0xF4: lowOK = (0x80...0x8F).contains(b1)
      default: lowOK = (0x80...0xBF).contains(b1)
      }
      guard lowOK, let c2 = cont(index + 2), let c3 = cont(index + 3) else { return (runeError, 1) }
      return ((UInt32(b0 & 0x07) << 18) | (UInt32(b1 & 0x3F) << 12) | (c2 << 6) | c3, 4)
    default:
      return (runeError, 1)
    }
  }

  /// Decodes the last rune ending at `end` (exclusive), like Go's `utf8.DecodeLastRune`.
  static func decodeLastRune(_ bytes: [UInt8], end: Int, start: Int = 0) -> (
    rune: UInt32, width: Int
  ) {
    let last = bytes[end - 1]
    if last < 0x80 { return (UInt32(last), 1) }
    var begin = end - 1
    let limit = max(start, end - 4)
    while begin > limit, bytes[begin] & 0xC0 == 0x80 { begin -= 1 }
    let (rune, width) = decodeRune(Array(bytes[begin..<end]), at: 0)
    if begin + width != end { return (runeError, 1) }
    return (rune, width)
  }

  /// Encodes a rune as UTF-8, like Go's `utf8.AppendRune` (invalid runes become U+FFFD).
  static func appendRune(_ rune: UInt32, to out: inout [UInt8]) {
    var r = rune
    if r > 0x10FFFF || (0xD800...0xDFFF).contains(r) { r = runeError }
    switch r {
    case 0..<0x80: out.append(UInt8(r))
    case 0x80..<0x800:
      out.append(UInt8(0xC0 | (r >> 6)))
      out.append(UInt8(0x80 | (r & 0x3F)))
    case 0x800..<0x10000:
      out.append(UInt8(0xE0 | (r >> 12)))
      out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (r & 0x3F)))
    default:
      out.append(UInt8(0xF0 | (r >> 18)))
      out.append(UInt8(0x80 | ((r >> 12) & 0x3F)))
      out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (r & 0x3F)))
    }
  }

  /// Go's `unicode.IsSpace`.
  @inline(__always)
  static func isSpace(_ r: UInt32) -> Bool {
    switch r {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
    case 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
    default: return false
    }
  }

  /// Go's `unicode.IsSpace(rune(b))` applied to a single byte, as BuildKit's flag and
  /// HEALTHCHECK scanners do: bytes 0x85 and 0xA0 count as spaces even inside a UTF-8 sequence.
  @inline(__always)
  static func isSpaceByte(_ b: UInt8) -> Bool {
    switch b {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
    default: return false
    }
  }

  /// The index of the first byte that does not start a `unicode.IsSpace` rune.
  static func leadingSpaceEnd(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) -> Int {
    let end = end ?? bytes.count
    var i = start
    while i < end {
      let (r, w) = decodeRune(bytes, at: i)
      if !isSpace(r) || i + w > end { break }
      i += w
    }
    return i
  }

  /// The index just past the last byte that does not end a `unicode.IsSpace` rune.
  static func trailingSpaceStart(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) -> Int {
    var e = end ?? bytes.count
    while e > start {
      let (r, w) = decodeLastRune(bytes, end: e, start: start)
      if !isSpace(r) { break }
      e -= w
    }
    return e
  }

  /// Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`.
  static func trimLeadingSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let array = Array(bytes)
    return array[leadingSpaceEnd(array)...]
  }

  /// Go's `strings.TrimSpace`.
  static func trimSpace(_ bytes: [UInt8]) -> [UInt8] {
    let start = leadingSpaceEnd(bytes)
    let end = trailingSpaceStart(bytes, from: start)
    return Array(bytes[start..<end])
  }

  /// Whether the rune is printable in Go's sense (`strconv.IsPrint`): letters, marks, numbers,
  /// punctuation, symbols and the ASCII space. Approximated with Swift's Unicode properties,
  /// which track the same Unicode categories.
  static func isPrint(_ r: UInt32) -> Bool {
    if r < 0x20 || r == 0x7F { return false }
    if r < 0x7F { return true }
    if (0x80..<0xA0).contains(r) { return false }
    guard let scalar = Unicode.Scalar(r) else { return false }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark,
      .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation,
      .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }

  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Whether an ASCII byte is copied unchanged by `strconv.Quote`.
  @inline(__always)
  private static func isPlainASCII(_ b: UInt8) -> Bool {
    b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
  }

  @inline(__always)
  private static func appendEscape(_ letter: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(letter)
  }

  @inline(__always)
  private static func appendHexEscape(_ b: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(UInt8(ascii: "x"))
    out.append(hexDigits[Int(b >> 4)])
    out.append(hexDigits[Int(b & 0xF)])
  }

  /// Go's `strconv.Quote`, byte for byte.
  static func quote(_ bytes: [UInt8], into out: inout [UInt8]) {
    quote(bytes[...], into: &out)
  }

  /// Go's `strconv.Quote` of a slice.
  static func quote(_ slice: ArraySlice<UInt8>, into out: inout [UInt8]) {
    // Work on a zero-based view: slices keep their parent's indices.
    slice.withUnsafeBufferPointer { buffer in quoteBuffer(buffer, into: &out) }
  }

  private static func quoteBuffer(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var i = 0
    let count = bytes.count
    while i < count {
      // Copy a run of plain ASCII in one go.
      var run = i
      while run < count, isPlainASCII(bytes[run]) { run += 1 }
      if run > i {
        out.append(contentsOf: bytes[i..<run])
        i = run
        if i == count { break }
      }
      let b = bytes[i]
      if b < 0x80 {
        i += 1
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): appendEscape(b, to: &out)
        case 0x07: appendEscape(UInt8(ascii: "a"), to: &out)
        case 0x08: appendEscape(UInt8(ascii: "b"), to: &out)
        case 0x0C: appendEscape(UInt8(ascii: "f"), to: &out)
        case 0x0A: appendEscape(UInt8(ascii: "n"), to: &out)
        case 0x0D: appendEscape(UInt8(ascii: "r"), to: &out)
        case 0x09: appendEscape(UInt8(ascii: "t"), to: &out)
        case 0x0B: appendEscape(UInt8(ascii: "v"), to: &out)
        default: appendHexEscape(b, to: &out)
        }
        continue
      }
      let (r, w) = decodeRune(bytes, at: i)
      if r == runeError && w == 1 {
        appendHexEscape(b, to: &out)
        i += 1
        continue
      }
      if isPrint(r) {
        out.append(contentsOf: bytes[i..<(i + w)])
      } else {
        out.append(UInt8(ascii: "\\"))
        let digits = r < 0x10000 ? 4 : 8
        out.append(UInt8(ascii: digits == 4 ? "u" : "U"))
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
          out.append(hexDigits[Int((r >> UInt32(shift)) & 0xF)])
        }
      }
      i += w
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Go's `strings.ToLower` for a keyword (Unicode lower-casing; invalid bytes become U+FFFD only
  /// where Go would rewrite them, which is never for valid input).
  static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
    if bytes.allSatisfy({ $0 < 0x80 }) {
      if !bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return bytes }
      return bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    // Go's ToLower maps every rune (an invalid byte is written back as U+FFFD) when the string
    // is not pure ASCII.
    var i = 0
    while i < bytes.count {
      let (r, w) = decodeRune(bytes, at: i)
      if r == 0x130 {
        // Go's simple mapping: U+0130 (İ) lower-cases to a plain `i`.
        out.append(UInt8(ascii: "i"))
      } else if let scalar = Unicode.Scalar(r), !(r == runeError && w == 1) {
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        // Go's unicode.ToLower is a simple (one-to-one) mapping.
        if lower.count == 1, let l = lower.first {
          appendRune(l.value, to: &out)
        } else {
          appendRune(r, to: &out)
        }
      } else {
        appendRune(runeError, to: &out)
      }
      i += w
    }
    return out
  }
}
