/// A small JSON reader (RFC 8259) that remembers where each value starts, so that a mistake in
/// a configuration file is reported as `file:line:col: error: …` at the right place.
/// Foundation's parser gives neither positions for syntax errors nor for the values it returns.
package struct JSONDocument: Sendable {
  package indirect enum Value: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Located])
    /// Members in file order; a repeated key is a syntax error.
    case object([(key: Located, value: Located)])

    var kindName: String {
      switch self {
      case .null: "null"
      case .bool: "a boolean"
      case .number: "a number"
      case .string: "a string"
      case .array: "an array"
      case .object: "an object"
      }
    }
  }

  package struct Located: Sendable {
    package var value: Value
    package var position: SourcePosition

    var string: String? {
      if case .string(let text) = value { return text }
      return nil
    }
  }

  package struct SyntaxError: Error, Sendable {
    package var message: String
    package var position: SourcePosition
  }

  /// Parses a whole document; nesting deeper than 200 levels is refused rather than recursed.
  package static func parse(_ bytes: [UInt8]) -> Result<Located, SyntaxError> {
    var reader = Reader(bytes: bytes)
    do {
      reader.skipBOM()
      reader.skipSpace()
      let value = try reader.value(depth: 0)
      reader.skipSpace()
      guard reader.index == bytes.count else {
        throw reader.error("unexpected text after the JSON value")
      }
      return .success(value)
    } catch let error as SyntaxError {
      return .failure(error)
    } catch {
      return .failure(SyntaxError(message: "\(error)", position: .init(line: 1, column: 1)))
    }
  }

  private struct Reader {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0

    var position: SourcePosition { position(at: index) }

    /// The position of a byte of the current line.
    func position(at offset: Int) -> SourcePosition {
      SourcePosition(line: line, column: offset - lineStart + 1)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
      (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    func error(_ message: String) -> SyntaxError {
      SyntaxError(message: message, position: position)
    }

    mutating func skipBOM() {
      if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
      lineStart = index
    }

    mutating func skipSpace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x09, 0x0D: index += 1
        case 0x0A:
          index += 1
          line += 1
          lineStart = index
        default: return
        }
      }
    }

    mutating func value(depth: Int) throws -> Located {
      guard depth < 200 else { throw error("the JSON nests too deeply") }
      let start = position
      guard index < bytes.count else {
        throw error("expected a JSON value, found the end of the file")
      }
      switch bytes[index] {
      case UInt8(ascii: "{"): return Located(value: try object(depth: depth), position: start)
      case UInt8(ascii: "["): return Located(value: try array(depth: depth), position: start)
      case UInt8(ascii: "\""): return Located(value: .string(try string()), position: start)
      case UInt8(ascii: "t"):
        try literal("true")
        return Located(value: .bool(true), position: start)
      case UInt8(ascii: "f"):
        try literal("false")
        return Located(value: .bool(false), position: start)
      case UInt8(ascii: "n"):
        try literal("null")
        return Located(value: .null, position: start)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return Located(value: .number(try number()), position: start)
      default:
        throw error("expected a JSON value (a string, number, object, array, true, false or null)")
      }
    }

    mutating func literal(_ word: String) throws {
      let expected = Array(word.utf8)
      guard index + expected.count <= bytes.count,
        Array(bytes[index..<(index + expected.count)]) == expected
      else { throw error("expected '\(word)'") }
      index += expected.count
    }

    mutating func number() throws -> Double {
      let start = index
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      func digits() -> Int {
        let first = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        return index - first
      }
      let integerStart = index
      guard digits() > 0 else { throw error("expected digits in a number") }
      guard bytes[integerStart] != UInt8(ascii: "0") || index - integerStart == 1 else {
        throw SyntaxError(
          message: "a number may not start with 0", position: position(at: integerStart))
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw error("expected digits after the decimal point") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
      {
        index += 1
        if index < bytes.count,
          bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
        {
          index += 1
        }
        guard digits() > 0 else { throw error("expected digits in the exponent") }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let value = Double(text), value.isFinite else {
        throw error("the number \(text) is out of range")
      }
      return value
    }

    mutating func string() throws -> String {
      index += 1  // the opening quote
      var out: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
          index += 1
          return String(decoding: out, as: UTF8.self)
        case UInt8(ascii: "\\"):
          let escapeStart = position
          index += 1
          guard index < bytes.count else { throw error("unterminated string") }
          let escape = bytes[index]
          index += 1
          switch escape {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
              bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            {
              index += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let character = Unicode.Scalar(scalar) else {
              throw error("invalid \\u escape")
            }
            out += Array(String(Character(character)).utf8)
          default:
            throw SyntaxError(
              message: "invalid escape '\\\(Character(Unicode.Scalar(escape)))'",
              position: escapeStart)
          }
        case 0x00..<0x20:
          throw error("a control character must be escaped in a string")
        default:
          out.append(byte)
          index += 1
        }
      }
    }

    mutating func hex4() throws -> UInt32 {
      let digits = index + 4 <= bytes.count ? Array(bytes[index..<(index + 4)]) : []
      guard digits.count == 4, digits.allSatisfy({ Self.isHexDigit($0) }),
        let value = UInt32(String(decoding: digits, as: UTF8.self), radix: 16)
      else { throw error("expected four hex digits after \\u") }
      index += 4
      return value
    }

    mutating func array(depth: Int) throws -> Value {
      index += 1
      var items: [Located] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard index < bytes.count else { throw error("unterminated array") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        } else {
          throw error("expected ',' or ']' in an array")
        }
      }
    }

    mutating func object(depth: Int) throws -> Value {
      index += 1
      var members: [(key: Located, value: Located)] = []
      var seen: Set<String> = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("expected a quoted key in an object")
        }
        let keyPosition = position
        let keyText = try string()
        guard seen.insert(keyText).inserted else {
          throw SyntaxError(message: "'\(keyText)' is given twice", position: keyPosition)
        }
        let key = Located(value: .string(keyText), position: keyPosition)
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("expected ':' after a key")
        }
        index += 1
        skipSpace()
        members.append((key, try value(depth: depth + 1)))
        skipSpace()
        guard index < bytes.count else { throw error("unterminated object") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        } else {
          throw error("expected ',' or '}' in an object")
        }
      }
    }
  }
}
