/// The Go standard library parsers BuildKit's instruction parsing relies on, with their error
/// texts.
enum GoValues {
  typealias Message = InstructionParser.Message

  /// Go's `%q` (and `%#v` of a string): `strconv.Quote`.
  static func quoted(_ text: String) -> String {
    var out: [UInt8] = []
    GoText.quote(Array(text.utf8), into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `strconv.ParseBool`.
  static func parseBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "TRUE", "true", "True": true
    case "0", "f", "F", "FALSE", "false", "False": false
    default: nil
    }
  }

  /// `strconv.ParseUint(text, base, 32)` for base 8 or 10.
  static func parseUint32(_ text: String, base: UInt64) -> UInt64? {
    if text.isEmpty { return nil }
    var value: UInt64 = 0
    for b in text.utf8 {
      guard b >= 0x30, UInt64(b - 0x30) < base else { return nil }
      value = value * base + UInt64(b - 0x30)
      if value > UInt64(UInt32.max) { return nil }
    }
    return value
  }

  /// `strconv.ParseInt(text, 10, 32)`, with its error text.
  static func parseInt32(_ text: String) -> Result<Int64, Message> {
    func failure(_ reason: String) -> Result<Int64, Message> {
      .failure(Message("strconv.ParseInt: parsing \(GoValues.quoted(text)): \(reason)"))
    }
    var bytes = Substring(text).utf8[...]
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    if bytes.isEmpty { return failure("invalid syntax") }
    var value: UInt64 = 0
    var overflow = false
    for b in bytes {
      guard (0x30...0x39).contains(b) else { return failure("invalid syntax") }
      if !overflow {
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (plus, o2) = times.addingReportingOverflow(UInt64(b - 0x30))
        if o1 || o2 { overflow = true } else { value = plus }
      }
    }
    let limit: UInt64 = negative ? 1 << 31 : (1 << 31) - 1
    if overflow || value > limit { return failure("value out of range") }
    return .success(negative ? -Int64(value) : Int64(value))
  }

  /// `strconv.Atoi`: nil when the text is not a decimal integer.
  static func atoi(_ text: String) -> Int? {
    var bytes = Substring(text).utf8[...]
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    if bytes.isEmpty { return nil }
    var value = 0
    for b in bytes {
      guard (0x30...0x39).contains(b) else { return nil }
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (plus, o2) = times.addingReportingOverflow(Int(b - 0x30))
      if o1 || o2 { return nil }
      value = plus
    }
    return negative ? -value : value
  }

  /// The units `time.ParseDuration` reads, in nanoseconds.
  private static let durationUnits: [String: UInt64] = [
    "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
    "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
  ]

  /// `time.ParseDuration`, in nanoseconds, with its error texts.
  static func parseDuration(_ text: String) -> Result<Int64, Message> {
    // The error texts are made only for an error: a HEALTHCHECK has four durations.
    var quoted: String { timeQuoted(text) }
    var invalid: Message { Message("time: invalid duration \(quoted)") }
    var s = Array(text.utf8)[...]
    var total: UInt64 = 0
    var negative = false
    if let c = s.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
      negative = c == UInt8(ascii: "-")
      s = s.dropFirst()
    }
    if Array(s) == [UInt8(ascii: "0")] { return .success(0) }
    if s.isEmpty { return .failure(invalid) }
    let limit: UInt64 = 1 << 63
    func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    while let c = s.first {
      guard c == UInt8(ascii: ".") || isDigit(c) else { return .failure(invalid) }
      // Integer part.
      var v: UInt64 = 0
      var consumed = 0
      while let d = s.first, isDigit(d) {
        if v > limit / 10 { return .failure(invalid) }
        v = v * 10 + UInt64(d - 0x30)
        if v > limit { return .failure(invalid) }
        s = s.dropFirst()
        consumed += 1
      }
      let hasInteger = consumed > 0
      // Fraction.
      var fraction: UInt64 = 0
      var scale: Double = 1
      var hasFraction = false
      if s.first == UInt8(ascii: ".") {
        s = s.dropFirst()
        var overflow = false
        while let d = s.first, isDigit(d) {
          hasFraction = true
          s = s.dropFirst()
          if overflow { continue }
          if fraction > (limit - 1) / 10 {
            overflow = true
            continue
          }
          let next = fraction * 10 + UInt64(d - 0x30)
          if next > limit {
            overflow = true
            continue
          }
          fraction = next
          scale *= 10
        }
      }
      if !hasInteger && !hasFraction { return .failure(invalid) }
      // Unit.
      var unitEnd = s.startIndex
      while unitEnd < s.endIndex, s[unitEnd] != UInt8(ascii: "."), !isDigit(s[unitEnd]) {
        unitEnd += 1
      }
      if unitEnd == s.startIndex {
        return .failure(Message("time: missing unit in duration \(quoted)"))
      }
      let unitBytes = Array(s[s.startIndex..<unitEnd])
      s = s[unitEnd...]
      let unitText = String(decoding: unitBytes, as: UTF8.self)
      // A unit with invalid UTF-8 must not decode into `µs`.
      guard let unit = durationUnits[unitText], unitText.utf8.elementsEqual(unitBytes) else {
        return .failure(
          Message("time: unknown unit \(timeQuoted(unitBytes)) in duration \(quoted)"))
      }
      if v > limit / unit { return .failure(invalid) }
      v *= unit
      if fraction > 0 {
        v += UInt64(Double(fraction) * (Double(unit) / scale))
        if v > limit { return .failure(invalid) }
      }
      let (sum, overflow) = total.addingReportingOverflow(v)
      if overflow || sum > limit { return .failure(invalid) }
      total = sum
    }
    if negative { return .success(total == limit ? Int64.min : -Int64(total)) }
    if total > limit - 1 { return .failure(invalid) }
    return .success(Int64(total))
  }

  /// The `time` package's own `quote`: non-ASCII and control bytes as `\xNN`.
  static func timeQuoted(_ text: String) -> String { timeQuoted(Array(text.utf8)) }

  static func timeQuoted(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for b in bytes {
      if b >= 0x80 || b < 0x20 {
        out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
      } else {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
        out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// `units.RAMInBytes`: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$` with binary multiples.
  static func ramInBytes(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    var i = 0
    func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    guard i > 0 else { return nil }
    var dots = 0
    while i + 1 < bytes.count, bytes[i] == UInt8(ascii: "."), isDigit(bytes[i + 1]) {
      dots += 1
      i += 1
      while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    }
    // `strconv.ParseFloat` rejects a number with two dots.
    guard dots <= 1, let number = Double(String(decoding: bytes[0..<i], as: UTF8.self)) else {
      return nil
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
    var multiplier: Double = 1
    if i < bytes.count {
      let powers: [UInt8: Double] = [
        UInt8(ascii: "k"): 1, UInt8(ascii: "m"): 2, UInt8(ascii: "g"): 3, UInt8(ascii: "t"): 4,
        UInt8(ascii: "p"): 5,
      ]
      if let power = powers[bytes[i] | 0x20] {
        multiplier = Double(1 << (10 * Int(power)))
        i += 1
      }
    }
    if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "i") { i += 1 }
    if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "b") { i += 1 }
    guard i == bytes.count else { return nil }
    let size = number * multiplier
    guard size < 9.2e18 else { return nil }
    return Int64(size)
  }

  /// `csvvalue.Fields`: one CSV record, with `encoding/csv`'s error texts.
  static func csvFields(_ text: String) -> Result<[String], Message> {
    var line = Array(text.utf8)
    if line.last == 0x0A {
      line.removeLast()
      if line.last == 0x0D { line.removeLast() }
    }
    if line.isEmpty { return .failure(Message("EOF")) }
    let quote = UInt8(ascii: "\"")
    let comma = UInt8(ascii: ",")
    func parseError(column: Int, _ reason: String) -> Result<[String], Message> {
      .failure(Message("parse error on line 1, column \(column): \(reason)"))
    }
    var fields: [[UInt8]] = []
    var i = 0
    let n = line.count
    fieldLoop: while true {
      if i == n || line[i] != quote {
        let end = line[i...].firstIndex(of: comma) ?? n
        if let bare = line[i..<end].firstIndex(of: quote) {
          return parseError(column: bare + 1, "bare \" in non-quoted field")
        }
        fields.append(Array(line[i..<end]))
        if end < n {
          i = end + 1
          continue
        }
        break
      }
      i += 1
      var halfOpen = false
      while true {
        guard let closing = line[i...].firstIndex(of: quote) else {
          return parseError(column: i + 1, "extraneous or missing \" in quoted-field")
        }
        if halfOpen, !fields.isEmpty {
          fields[fields.count - 1] += line[i..<closing]
        } else {
          fields.append(Array(line[i..<closing]))
        }
        halfOpen = false
        i = closing + 1
        if i < n, line[i] == quote {
          fields[fields.count - 1].append(quote)
          i += 1
          halfOpen = true
        } else if i < n, line[i] == comma {
          i += 1
          continue fieldLoop
        } else if i == n {
          break fieldLoop
        } else {
          return parseError(column: i, "extraneous or missing \" in quoted-field")
        }
      }
    }
    return .success(fields.map { String(decoding: $0, as: UTF8.self) })
  }
}
