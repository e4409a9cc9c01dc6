/// The per-keyword argument rules of BuildKit's raw parser (`line_parsers.go` and
/// `split_command.go`): how one logical line becomes a keyword, flags and an argument chain.
///
/// These rules are BuildKit's, quirks included, because planner's dump must equal BuildKit's:
/// the flag scanner reads bytes one at a time (so bytes 0x85 and 0xA0 separate words and a
/// non-ASCII flag is re-encoded as if it were Latin-1), ENV and LABEL keep quotes, and
/// FROM and EXPOSE split on ASCII blanks only.
///
/// Values that are slices of the line are recorded as ranges of it, not copied.
enum LineParsers {
  struct Failure: Error, Equatable {
    var message: String
  }

  /// The keywords of BuildKit's dispatch table; any other keyword is unknown.
  enum Keyword: String, CaseIterable, Sendable {
    case add, arg, cmd, copy, entrypoint, env, expose, from, healthcheck, label, maintainer
    case onbuild, run, shell, stopsignal, user, volume, workdir

    private static let byLength: [Int: [(bytes: [UInt8], keyword: Keyword)]] = Dictionary(
      grouping: allCases.map { (Array($0.rawValue.utf8), $0) }, by: { $0.0.count })

    /// The keyword `bytes` names, compared as BuildKit does: after Go's `strings.ToLower`.
    init?(_ bytes: ArraySlice<UInt8>) {
      guard bytes.allSatisfy({ $0 < 0x80 }) else {
        // Rare: Unicode lower-casing can turn a non-ASCII letter into an ASCII one (K, İ).
        let lower = GoText.lowercased(Array(bytes))
        guard let match = Self.byLength[lower.count]?.first(where: { $0.bytes == lower }) else {
          return nil
        }
        self = match.keyword
        return
      }
      // ASCII: compare in place, folding case, without building a lower-cased copy.
      guard let candidates = Self.byLength[bytes.count],
        let match = candidates.first(where: { candidate in
          zip(candidate.bytes, bytes).allSatisfy { expected, byte in
            (byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte) == expected
          }
        })
      else { return nil }
      self = match.keyword
    }

    var canContainHeredoc: Bool { self == .run || self == .copy || self == .add }
  }

  /// `[\t\v\f\r ]`, BuildKit's `reWhitespace` class.
  @inline(__always)
  static func isASCIIBlank(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x0D
  }

  /// `newNodeFromLine`: one logical line to an instruction node (lines and heredocs are added by
  /// the caller).
  static func node(fromLine line: [UInt8], escapeToken: UInt8) -> Result<SyntaxNode, Failure> {
    let (keywordRange, flags, rest) = splitCommand(line, escapeToken: escapeToken)
    let keyword = Keyword(line[keywordRange])
    var node = SyntaxNode(line: line, keyword: keywordRange, flags: flags)
    node.known = keyword
    guard let keyword else {
      // Unknown keywords keep one empty argument, as BuildKit's `parseIgnore` does.
      node.appendArgument(lineRange: rest.lowerBound..<rest.lowerBound)
      return .success(node)
    }
    switch keyword {
    case .onbuild:
      if !rest.isEmpty {
        switch self.node(fromLine: Array(line[rest]), escapeToken: escapeToken) {
        case .success(let trigger): node.trigger = trigger
        case .failure(let failure): return .failure(failure)
        }
      }
    case .add, .copy, .volume:
      if let failure = maybeJSONToList(line, rest, into: &node) { return .failure(failure) }
    case .run, .cmd, .entrypoint, .shell:
      if let failure = maybeJSON(line, rest, into: &node) { return .failure(failure) }
    case .arg:
      for word in wordRanges(line, rest, escapeToken: escapeToken) {
        append(word, of: line, to: &node)
      }
    case .env, .label:
      let key = keyword == .env ? "ENV" : "LABEL"
      if let failure = nameValue(line, rest, key: key, escapeToken: escapeToken, into: &node) {
        return .failure(failure)
      }
    case .expose, .from:
      if !rest.isEmpty {
        for part in splitOnBlanks(line, rest, limit: -1) { node.appendArgument(lineRange: part) }
      }
    case .healthcheck:
      if let failure = healthConfig(line, rest, into: &node) { return .failure(failure) }
    case .maintainer, .stopsignal, .user, .workdir:
      if !rest.isEmpty { node.appendArgument(lineRange: rest) }
    }
    return .success(node)
  }

  /// `splitCommand`: the keyword, the flags and the trimmed rest of a logical line, as ranges.
  static func splitCommand(_ line: [UInt8], escapeToken: UInt8) -> (
    keyword: Range<Int>, flags: [[UInt8]], arguments: Range<Int>
  ) {
    let start = GoText.leadingSpaceEnd(line)
    let end = GoText.trailingSpaceStart(line, from: start)
    var keywordEnd = start
    while keywordEnd < end, !isASCIIBlank(line[keywordEnd]) { keywordEnd += 1 }
    guard keywordEnd < end else { return (start..<keywordEnd, [], end..<end) }
    var restStart = keywordEnd
    while restStart < end, isASCIIBlank(line[restStart]) { restStart += 1 }
    let (arguments, flags) = extractFlags(line[restStart..<end], escapeToken: escapeToken)
    let argumentsStart = GoText.leadingSpaceEnd(
      line, from: arguments.startIndex, to: arguments.endIndex)
    let argumentsEnd = GoText.trailingSpaceStart(line, from: argumentsStart, to: arguments.endIndex)
    return (start..<keywordEnd, flags, argumentsStart..<argumentsEnd)
  }

  /// `extractBuilderFlags`: leading words that start with `--`.
  static func extractFlags(_ line: ArraySlice<UInt8>, escapeToken: UInt8) -> (
    rest: ArraySlice<UInt8>, flags: [[UInt8]]
  ) {
    enum Phase { case spaces, word, quote }
    var flags: [[UInt8]] = []
    var phase = Phase.spaces
    var word: [UInt8] = []
    var quote: UInt8 = 0
    var blankOK = false
    let end = line.endIndex
    var pos = line.startIndex
    // Go writes `rune(byte)`, so a byte of 0x80 or more is re-encoded as a Latin-1 code point.
    func append(_ b: UInt8) {
      if b < 0x80 { word.append(b) } else { GoText.appendRune(UInt32(b), to: &word) }
    }
    // The escape character takes the next byte literally; a lone one at the very end is dropped
    // (and, inside quotes, ends the quote).
    func appendEscapedOrPlain(_ ch: UInt8) {
      var c = ch
      if c == escapeToken {
        if pos + 1 == end {
          if phase == .quote { phase = .word }
          pos += 1
          return
        }
        pos += 1
        c = line[pos]
      }
      append(c)
      pos += 1
    }
    while pos <= end {
      let ch: UInt8 = pos < end ? line[pos] : 0
      if phase == .spaces {
        if pos == end { break }
        if GoText.isSpaceByte(ch) {
          pos += 1
          continue
        }
        if ch != UInt8(ascii: "-") || pos + 1 == end || line[pos + 1] != UInt8(ascii: "-") {
          return (line[pos...], flags)
        }
        phase = .word
      }
      if pos == end {
        if word != [UInt8(ascii: "-"), UInt8(ascii: "-")], blankOK || !word.isEmpty {
          flags.append(word)
        }
        break
      }
      if phase == .word {
        if GoText.isSpaceByte(ch) {
          phase = .spaces
          if word == [UInt8(ascii: "-"), UInt8(ascii: "-")] { return (line[pos...], flags) }
          if blankOK || !word.isEmpty { flags.append(word) }
          word.removeAll(keepingCapacity: true)
          blankOK = false
          pos += 1
          continue
        }
        if ch == UInt8(ascii: "'") || ch == UInt8(ascii: "\"") {
          quote = ch
          blankOK = true
          phase = .quote
          pos += 1
          continue
        }
        appendEscapedOrPlain(ch)
        continue
      }
      // Inside quotes.
      if ch == quote {
        phase = .word
        pos += 1
        continue
      }
      appendEscapedOrPlain(ch)
    }
    return (line[end...], flags)
  }

  static let notStringArray = Failure(
    message: "when using JSON array syntax, arrays must be comprised of strings only")

  /// Adds the elements of `line[rest]` when it is a JSON array of strings (exec form). Returns
  /// false when it is not JSON, so the caller's fallback applies, and fails for a JSON array that
  /// holds a non-string, which BuildKit rejects.
  private static func addJSONArguments(
    _ line: [UInt8], _ rest: Range<Int>, into node: inout SyntaxNode
  ) -> Result<Bool, Failure> {
    switch GoJSONArray.decode(line[rest]) {
    case .strings(let values):
      node.isJSON = true
      for value in values { node.appendArgument(value) }
      return .success(true)
    case .notStringArray:
      return .failure(notStringArray)
    case .invalid:
      return .success(false)
    }
  }

  /// `parseMaybeJSON`: a JSON array of strings, or the whole rest as one value.
  static func maybeJSON(_ line: [UInt8], _ rest: Range<Int>, into node: inout SyntaxNode)
    -> Failure?
  {
    if rest.isEmpty { return nil }
    switch addJSONArguments(line, rest, into: &node) {
    case .failure(let failure): return failure
    case .success(true): return nil
    case .success(false):
      node.appendArgument(lineRange: rest)
      return nil
    }
  }

  /// `parseMaybeJSONToList`: a JSON array of strings, or the rest split on ASCII blanks.
  static func maybeJSONToList(_ line: [UInt8], _ rest: Range<Int>, into node: inout SyntaxNode)
    -> Failure?
  {
    switch addJSONArguments(line, rest, into: &node) {
    case .failure(let failure): return failure
    case .success(true): return nil
    case .success(false):
      if !rest.isEmpty {
        for part in splitOnBlanks(line, rest, limit: -1) { node.appendArgument(lineRange: part) }
      }
      return nil
    }
  }

  /// Go's `regexp.Split(s, n)` for the pattern `[\t\v\f\r ]+` over `line[range]`, including
  /// its treatment of a match at the very start and the end.
  static func splitOnBlanks(_ line: [UInt8], _ range: Range<Int>, limit: Int) -> [Range<Int>] {
    if limit == 0 { return [] }
    if range.isEmpty { return [range] }
    var parts: [Range<Int>] = []
    var begin = range.lowerBound
    var lastMatchStart = range.lowerBound
    var matches = 0
    var i = range.lowerBound
    while i < range.upperBound {
      guard isASCIIBlank(line[i]) else {
        i += 1
        continue
      }
      if limit > 0, matches == limit - 1 { break }
      let matchStart = i
      while i < range.upperBound, isASCIIBlank(line[i]) { i += 1 }
      matches += 1
      lastMatchStart = matchStart
      // Go skips the piece before a match at the very start.
      if i != range.lowerBound { parts.append(begin..<matchStart) }
      begin = i
    }
    if matches == 0 || lastMatchStart != range.upperBound { parts.append(begin..<range.upperBound) }
    return parts
  }

  /// One word found by `parseWords`: a range of the line, and whether it holds invalid UTF-8
  /// that BuildKit writes as U+FFFD.
  struct Word {
    var range: Range<Int>
    var needsRepair: Bool
  }

  /// `parseWords`: words split on Unicode white space outside quotes, quotes and escapes kept.
  ///
  /// BuildKit builds each word rune by rune but keeps every rune it reads, so a word is a slice
  /// of the input, less a lone escape character at the very end, with each invalid UTF-8 byte
  /// written as U+FFFD.
  static func wordRanges(_ line: [UInt8], _ rest: Range<Int>, escapeToken: UInt8) -> [Word] {
    enum Phase { case spaces, word, quote }
    var words: [Word] = []
    var phase = Phase.spaces
    var wordStart = rest.lowerBound
    var quote: UInt8 = 0
    var blankOK = false
    var hasNonASCII = false
    let end = rest.upperBound
    func flush(_ words: inout [Word], upTo wordEnd: Int) {
      guard blankOK || wordEnd > wordStart else { return }
      words.append(Word(range: wordStart..<wordEnd, needsRepair: hasNonASCII))
    }
    // Bytes that need no decision inside a word or a quote: printable ASCII other than quotes
    // and the escape character.
    @inline(__always) func isPlain(_ b: UInt8) -> Bool {
      b > 0x20 && b < 0x7F && b != UInt8(ascii: "'") && b != UInt8(ascii: "\"") && b != escapeToken
    }
    var pos = rest.lowerBound
    // Steps over the escape character at `pos` and the rune it escapes. A lone escape character
    // at the very end is dropped and ends the word: then it returns false.
    func skipEscapedRune(_ width: Int) -> Bool {
      if pos + width == end {
        flush(&words, upTo: pos)
        return false
      }
      pos += width
      if line[pos] >= 0x80 { hasNonASCII = true }
      pos += GoText.decodeRune(line[..<end], at: pos).width
      return true
    }
    while pos < end {
      if phase != .spaces {
        while pos < end, isPlain(line[pos]) { pos += 1 }
        if pos == end { break }
      }
      let byte = line[pos]
      let (ch, width) = byte < 0x80 ? (UInt32(byte), 1) : GoText.decodeRune(line[..<end], at: pos)
      switch phase {
      case .spaces:
        if GoText.isSpace(ch) {
          pos += width
          continue
        }
        phase = .word
        wordStart = pos
        blankOK = false
        hasNonASCII = false
        continue  // read the same rune in the word phase
      case .word:
        if GoText.isSpace(ch) {
          flush(&words, upTo: pos)
          phase = .spaces
          pos += width
          continue
        }
        if byte >= 0x80 { hasNonASCII = true }
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
          quote = byte
          blankOK = true
          phase = .quote
        }
        if ch == UInt32(escapeToken) {
          guard skipEscapedRune(width) else { return words }
          continue
        }
        pos += width
      case .quote:
        if byte >= 0x80 { hasNonASCII = true }
        if ch == UInt32(quote) { phase = .word }
        if ch == UInt32(escapeToken), quote != UInt8(ascii: "'") {
          guard skipEscapedRune(width) else { return words }
          continue
        }
        pos += width
      }
    }
    if phase != .spaces { flush(&words, upTo: end) }
    return words
  }

  /// A word's bytes as BuildKit writes them: invalid UTF-8 bytes become U+FFFD.
  static func repaired(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var word: [UInt8] = []
    word.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let (rune, width) = GoText.decodeRune(bytes, at: i)
      if rune == GoText.runeError, width == 1 {
        GoText.appendRune(rune, to: &word)
      } else {
        word.append(contentsOf: bytes[i..<(i + width)])
      }
      i += width
    }
    return word
  }

  private static func append(_ word: Word, of line: [UInt8], to node: inout SyntaxNode) {
    if word.needsRepair {
      node.appendArgument(repaired(line[word.range]))
    } else {
      node.appendArgument(lineRange: word.range)
    }
  }

  /// `parseWords` of a whole byte array, as arrays (for callers outside the parser).
  static func parseWords(_ rest: [UInt8], escapeToken: UInt8) -> [[UInt8]] {
    wordRanges(rest, 0..<rest.count, escapeToken: escapeToken).map {
      $0.needsRepair ? repaired(rest[$0.range]) : Array(rest[$0.range])
    }
  }

  /// `parseNameVal` for ENV and LABEL: `k=v …` triples, or the legacy `KEY name value`.
  static func nameValue(
    _ line: [UInt8], _ rest: Range<Int>, key: String, escapeToken: UInt8,
    into node: inout SyntaxNode
  ) -> Failure? {
    let words = wordRanges(line, rest, escapeToken: escapeToken)
    guard let first = words.first else { return nil }
    let equals = UInt8(ascii: "=")
    if !line[first.range].contains(equals) {
      let parts = splitOnBlanks(line, rest, limit: 2)
      guard parts.count >= 2 else { return Failure(message: "\(key) must have two arguments") }
      node.appendArgument(lineRange: parts[0])
      node.appendArgument(lineRange: parts[1])
      node.appendArgument(lineRange: parts[1].upperBound..<parts[1].upperBound)
      return nil
    }
    for word in words {
      guard let cut = line[word.range].firstIndex(of: equals) else {
        var quoted: [UInt8] = []
        GoText.quote(
          word.needsRepair ? repaired(line[word.range]) : Array(line[word.range]), into: &quoted)
        return Failure(
          message: "Syntax error - can't find = in \(String(decoding: quoted, as: UTF8.self)). "
            + "Must be of the form: name=value")
      }
      if word.needsRepair {
        node.appendArgument(repaired(line[word.range.lowerBound..<cut]))
        node.appendArgument(repaired(line[(cut + 1)..<word.range.upperBound]))
      } else {
        node.appendArgument(lineRange: word.range.lowerBound..<cut)
        node.appendArgument(lineRange: (cut + 1)..<word.range.upperBound)
      }
      // The `=` itself is in the line: point at it rather than store a copy.
      node.appendArgument(lineRange: cut..<(cut + 1))
    }
    return nil
  }

  /// `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then the rest like RUN.
  static func healthConfig(_ line: [UInt8], _ rest: Range<Int>, into node: inout SyntaxNode)
    -> Failure?
  {
    var sep = rest.lowerBound
    while sep < rest.upperBound, !GoText.isSpaceByte(line[sep]) { sep += 1 }
    var next = sep
    while next < rest.upperBound, GoText.isSpaceByte(line[next]) { next += 1 }
    if sep == rest.lowerBound { return nil }
    var command = SyntaxNode(line: [], keyword: 0..<0)
    if let failure = maybeJSON(line, next..<rest.upperBound, into: &command) { return failure }
    node.appendArgument(lineRange: rest.lowerBound..<sep)
    node.isJSON = command.isJSON
    if command.isJSON {
      for index in command.argumentSpans.indices {
        node.appendArgument(command.argumentBytes(index))
      }
    } else if !command.argumentSpans.isEmpty {
      node.appendArgument(lineRange: next..<rest.upperBound)
    }
    return nil
  }
}
