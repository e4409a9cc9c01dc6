/// Decodes the exec form of an instruction (`["executable", "arg"]`) exactly as BuildKit does with
/// Go's `encoding/json.Unmarshal` into `[]interface{}`.
///
/// The outcome decides how BuildKit reads the whole instruction, so it has three cases: a valid
/// array of strings; a valid JSON value that is not an array of strings (BuildKit rejects the
/// file); and anything else, which BuildKit silently reads as shell form.
enum GoJSONArray {
  enum Outcome: Equatable {
    case strings([[UInt8]])
    case notStringArray
    case invalid
  }

  /// Go's scanner refuses values nested deeper than this.
  static let maxDepth = 10_000

  static func decode(_ text: ArraySlice<UInt8>) -> Outcome {
    // BuildKit first trims Unicode white space and requires a `[`; anything else is shell form.
    // A first non-blank ASCII byte settles it without decoding; other bytes take the exact path.
    if let first = text.first(where: { !($0 == 0x20 || (0x09...0x0D).contains($0)) }), first < 0x80,
      first != UInt8(ascii: "[")
    {
      return .invalid
    }
    let bytes = Array(GoText.trimLeadingSpace(text))
    guard bytes.first == UInt8(ascii: "[") else { return .invalid }
    var scanner = Scanner(bytes: bytes)
    guard scanner.scanDocument() else { return .invalid }
    if scanner.numberOverflowed { return .invalid }
    if scanner.topLevelNonString { return .notStringArray }
    return .strings(scanner.topLevelStrings)
  }

  @inline(__always)
  static func isWhitespace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
  }

  static func skipWhitespace(_ bytes: [UInt8], _ index: inout Int) {
    while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
  }

  /// An iterative validating scanner: no recursion, so deep nesting cannot exhaust the stack.
  private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var topLevelStrings: [[UInt8]] = []
    var topLevelNonString = false
    var numberOverflowed = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    private enum Container { case array, object }

    mutating func scanDocument() -> Bool {
      var stack: [Container] = []
      GoJSONArray.skipWhitespace(bytes, &index)
      // The document is one value; `expectValue` alternates with separators.
      var expectValue = true
      while true {
        GoJSONArray.skipWhitespace(bytes, &index)
        if expectValue {
          guard index < bytes.count else { return false }
          let depth = stack.count
          let atTopArray = depth == 1 && stack[0] == .array
          let b = bytes[index]
          switch b {
          case UInt8(ascii: "["), UInt8(ascii: "{"):
            if atTopArray { topLevelNonString = true }
            let isArray = b == UInt8(ascii: "[")
            index += 1
            stack.append(isArray ? .array : .object)
            if stack.count > GoJSONArray.maxDepth { return false }
            GoJSONArray.skipWhitespace(bytes, &index)
            if index < bytes.count, bytes[index] == UInt8(ascii: isArray ? "]" : "}") {
              index += 1
              stack.removeLast()
              expectValue = false
              continue
            }
            // An object member starts with a key and a colon.
            if !isArray, !scanMemberKey() { return false }
            continue
          case UInt8(ascii: "\""):
            guard let value = scanString(keep: atTopArray) else { return false }
            if atTopArray { topLevelStrings.append(value) }
          case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if atTopArray { topLevelNonString = true }
            guard scanNumber() else { return false }
          case UInt8(ascii: "t"):
            if atTopArray { topLevelNonString = true }
            guard scanLiteral("true") else { return false }
          case UInt8(ascii: "f"):
            if atTopArray { topLevelNonString = true }
            guard scanLiteral("false") else { return false }
          case UInt8(ascii: "n"):
            if atTopArray { topLevelNonString = true }
            guard scanLiteral("null") else { return false }
          default:
            return false
          }
          expectValue = false
          continue
        }
        // After a value: a separator, a closing bracket, or the end of the document.
        guard let top = stack.last else {
          GoJSONArray.skipWhitespace(bytes, &index)
          return index == bytes.count
        }
        guard index < bytes.count else { return false }
        let b = bytes[index]
        switch (top, b) {
        case (.array, UInt8(ascii: ",")):
          index += 1
          expectValue = true
        case (.array, UInt8(ascii: "]")), (.object, UInt8(ascii: "}")):
          index += 1
          stack.removeLast()
        case (.object, UInt8(ascii: ",")):
          index += 1
          guard scanMemberKey() else { return false }
          expectValue = true
        default:
          return false
        }
      }
    }

    /// `"key":` with the white space around it; false when malformed.
    private mutating func scanMemberKey() -> Bool {
      GoJSONArray.skipWhitespace(bytes, &index)
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), scanString(keep: false) != nil
      else { return false }
      GoJSONArray.skipWhitespace(bytes, &index)
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
      index += 1
      return true
    }

    private mutating func scanLiteral(_ word: String) -> Bool {
      let literal = Array(word.utf8)
      guard index + literal.count <= bytes.count,
        bytes[index..<(index + literal.count)].elementsEqual(literal)
      else { return false }
      index += literal.count
      return true
    }

    private mutating func scanNumber() -> Bool {
      let start = index
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count else { return false }
      if bytes[index] == UInt8(ascii: "0") {
        index += 1
      } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
      } else {
        return false
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard index < bytes.count, isDigit(bytes[index]) else { return false }
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
      {
        index += 1
        if index < bytes.count,
          bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
        {
          index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { return false }
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
      }
      // Go converts every number into a float64; one out of range makes Unmarshal fail with a
      // type error, which BuildKit treats like invalid JSON.
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      if let value = Double(text), value.isInfinite { numberOverflowed = true }
      return true
    }

    /// JSON's one-letter escapes and the bytes they stand for.
    private static let simpleEscapes: [UInt8: UInt8] = [
      UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
      UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
      UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool {
      b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    private func hexValue(_ b: UInt8) -> UInt32? {
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
      default: return nil
      }
    }

    private func hex4(at i: Int) -> UInt32? {
      guard i + 4 <= bytes.count else { return nil }
      var value: UInt32 = 0
      for offset in 0..<4 {
        guard let digit = hexValue(bytes[i + offset]) else { return nil }
        value = value << 4 | digit
      }
      return value
    }

    /// Scans a string starting at its opening quote; returns its decoded bytes (Go's unquote:
    /// invalid UTF-8 and lone surrogates become U+FFFD), or nil if it is malformed.
    private mutating func scanString(keep: Bool) -> [UInt8]? {
      index += 1
      var out: [UInt8] = []
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          index += 1
          return out
        }
        if b < 0x20 { return nil }
        if b == UInt8(ascii: "\\") {
          guard index + 1 < bytes.count else { return nil }
          let e = bytes[index + 1]
          if let simple = Self.simpleEscapes[e] {
            out.append(simple)
            index += 2
            continue
          }
          switch e {
          case UInt8(ascii: "u"):
            guard let unit = hex4(at: index + 2) else { return nil }
            index += 6
            if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count,
              bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
              let low = hex4(at: index + 2), (0xDC00..<0xE000).contains(low)
            {
              index += 6
              let scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
              if keep { GoText.appendRune(scalar, to: &out) }
            } else if keep {
              GoText.appendRune(
                (0xD800..<0xE000).contains(unit) ? GoText.runeError : unit, to: &out)
            }
          default:
            return nil
          }
          continue
        }
        if b < 0x80 {
          if keep { out.append(b) }
          index += 1
          continue
        }
        let (rune, width) = GoText.decodeRune(bytes, at: index)
        if keep {
          if rune == GoText.runeError && width == 1 {
            GoText.appendRune(GoText.runeError, to: &out)
          } else {
            out.append(contentsOf: bytes[index..<(index + width)])
          }
        }
        index += width
      }
      return nil
    }
  }
}
