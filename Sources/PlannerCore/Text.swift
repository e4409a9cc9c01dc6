extension StringProtocol {
  /// The text without the characters `isTrimmed` accepts at either end.
  package func trimming(_ isTrimmed: (Character) -> Bool) -> String {
    guard let first = firstIndex(where: { !isTrimmed($0) }),
      let last = lastIndex(where: { !isTrimmed($0) })
    else { return "" }
    return String(self[first...last])
  }
}

extension StringProtocol
where UTF8View: BidirectionalCollection, UnicodeScalarView: BidirectionalCollection {
  /// The text without the spaces and tabs (and other Unicode space separators) at either end,
  /// as Foundation's `trimmingCharacters(in: .whitespaces)` gives it: scalar by scalar, so a
  /// space after a prepended mark goes too. PlannerCore does without Foundation's string
  /// functions: they go through CoreFoundation in UTF-16, about 7% of a suggest's instructions
  /// (callgrind) before they were replaced.
  func trimmingSpaces() -> String {
    // A space is " ", a tab or a non-ASCII scalar, so a text whose first and last bytes are
    // ASCII and neither a space nor a tab has none at its ends: most texts, returned whole
    // without reading their scalars.
    func isOther(_ byte: UInt8) -> Bool {
      byte < 0x80 && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t")
    }
    if let first = utf8.first, let last = utf8.last, isOther(first), isOther(last) {
      return String(self)
    }
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !Self.isSpace($0) }),
      let last = scalars.lastIndex(where: { !Self.isSpace($0) })
    else { return "" }
    return String(self[first..<scalars.index(after: last)])
  }

  /// A space or a tab, or another space separator: Foundation's `CharacterSet.whitespaces`.
  private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
  }
}

extension String {
  /// Every occurrence of `target` replaced, compared byte for byte as Foundation's literal
  /// search does: "\n" is found inside "\r\n", which the standard library's search by
  /// `Character` does not see (the two are one grapheme).
  func replacingAll(_ target: String, with replacement: String) -> String {
    let pattern = Array(target.utf8)
    guard !pattern.isEmpty, utf8.count >= pattern.count else { return self }
    let bytes = Array(utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if index + pattern.count <= bytes.count,
        bytes[index..<index + pattern.count].elementsEqual(pattern)
      {
        out += replacement.utf8
        index += pattern.count
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Where `target` first occurs, compared byte for byte.
  func firstByteRange(of target: String) -> Range<String.Index>? {
    let pattern = Array(target.utf8)
    guard !pattern.isEmpty else { return nil }
    var start = utf8.startIndex
    while start != utf8.endIndex {
      if utf8[start...].starts(with: pattern) {
        return start..<utf8.index(start, offsetBy: pattern.count)
      }
      start = utf8.index(after: start)
    }
    return nil
  }
}

extension String {
  /// The text before the last `/`, or nil without one: a path's folder ("" for `/name`). Found
  /// on bytes, as Go's `path` package does (a `/` before a combining mark still separates),
  /// without reading grapheme breaks backwards, which cost 2,000 instructions a call.
  func beforeLastSlash() -> String? {
    guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
    return String(self[..<slash])
  }

  /// The last non-empty part between `/`s, or nil when there is none: what
  /// `split(separator: "/").last` gives, found on bytes (a `/` before a combining mark still
  /// separates, as in Go) without splitting the rest. A path's name, a command's program.
  package func lastComponent() -> String? {
    let bytes = utf8
    let slash = UInt8(ascii: "/")
    var end = bytes.endIndex
    while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash {
      end = bytes.index(before: end)
    }
    guard end > bytes.startIndex else { return nil }
    let start = bytes[..<end].lastIndex(of: slash).map(bytes.index(after:)) ?? bytes.startIndex
    // Decoded from the bytes: a slice of the string would round a start inside a character
    // (a `/` and the mark after it are one) down to the `/`.
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// The text between the `separator` bytes (an ASCII character), empty pieces left out: what
  /// `split(separator:)` gives, found on bytes rather than through `Character`s (or the
  /// generic split over the UTF-8 view, 1,500 instructions for two words).
  func pieces(separatedBy separator: UInt8) -> [String] {
    pieces { $0 == separator }
  }

  /// The same at every byte `isSeparator` accepts (ASCII bytes: a multi-byte character is
  /// never split).
  func pieces(separatedBy isSeparator: (UInt8) -> Bool) -> [String] {
    var text = self
    return text.withUTF8 { bytes in
      var pieces: [String] = []
      var start = 0
      for index in bytes.indices where isSeparator(bytes[index]) {
        if start < index {
          pieces.append(
            String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
        start = index + 1
      }
      if start < bytes.count {
        pieces.append(
          String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
      }
      return pieces
    }
  }
}

extension StringProtocol {
  /// Whether `other` occurs in the text, compared byte for byte (as Foundation's `contains`
  /// does: "\n" is found in "\r\n", and the empty string nowhere). The standard library's
  /// `contains`, a search by `Character`, is several times slower: hot paths use this one.
  func containsLiterally<Other: StringProtocol>(_ other: Other) -> Bool {
    let needle = other.utf8
    guard let first = needle.first else { return false }
    let haystack = utf8
    var start = haystack.startIndex
    while let found = haystack[start...].firstIndex(of: first) {
      if haystack[found...].starts(with: needle) { return true }
      start = haystack.index(after: found)
    }
    return false
  }
}

extension Array where Element == String {
  /// The elements with `separator` between them, as the standard library's `joined(separator:)`
  /// makes them, which this replaces for arrays in PlannerCore. That one is generic code outside
  /// the module: its first call looks up `Array`'s conformances at run time, a search of every
  /// conformance record in the binary (0.2 million instructions of a six-line suggest, whose
  /// whole parse of its arguments is 8 million). This one is compiled for its element type.
  func joined(separator: String = "") -> String {
    joined(separator: separator) { $0.append($1) }
  }
}

extension Array where Element == Substring {
  /// The same for pieces of strings.
  func joined(separator: String = "") -> String {
    joined(separator: separator) { $0.append(contentsOf: $1) }
  }
}

extension Array {
  /// The join itself, with the append that suits the element type.
  fileprivate func joined(separator: String, appending append: (inout String, Element) -> Void)
    -> String
  {
    var result = ""
    for (index, element) in enumerated() {
      if index > 0 { result.append(separator) }
      append(&result, element)
    }
    return result
  }
}
