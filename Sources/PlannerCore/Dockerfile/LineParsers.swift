/// The per-keyword argument rules of BuildKit's raw parser (`line_parsers.go` and
/// `split_command.go`): how one logical line becomes a keyword, flags and an argument chain.
///
/// These rules are BuildKit's, quirks included, because planner's dump must equal BuildKit's:
/// the flag scanner reads bytes one at a time (so bytes 0x85 and 0xA0 separate words and a
/// non-ASCII flag is re-encoded as if it were Latin-1), ENV and LABEL keep quotes, and
/// FROM and EXPOSE split on ASCII blanks only.
enum LineParsers {
  struct Failure: Error, Equatable {
    var message: String
  }

  /// `splitCommand`: the keyword, the flags and the trimmed rest of a logical line.
  static func splitCommand(_ line: [UInt8], escapeToken: UInt8) -> (
    keyword: [UInt8], flags: [[UInt8]], arguments: [UInt8]
  ) {
    let start = GoText.leadingSpaceEnd(line)
    let end = GoText.trailingSpaceStart(line, from: start)
    var keywordEnd = start
    while keywordEnd < end, !isASCIIBlank(line[keywordEnd]) { keywordEnd += 1 }
    let keyword = Array(line[start..<keywordEnd])
    guard keywordEnd < end else { return (keyword, [], []) }
    var restStart = keywordEnd
    while restStart < end, isASCIIBlank(line[restStart]) { restStart += 1 }
    let (arguments, flags) = extractFlags(line[restStart..<end], escapeToken: escapeToken)
    let argumentsStart = GoText.leadingSpaceEnd(
      line, from: arguments.startIndex, to: arguments.endIndex)
    let argumentsEnd = GoText.trailingSpaceStart(line, from: argumentsStart, to: arguments.endIndex)
    return (keyword, flags, Array(line[argumentsStart..<argumentsEnd]))
  }

  /// `[\t\v\f\r ]`, BuildKit's `reWhitespace` class.
  @inline(__always)
  static func isASCIIBlank(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x0D
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
        var c = ch
        if c == escapeToken {
          if pos + 1 == end {
            pos += 1
            continue
          }
          pos += 1
          c = line[pos]
        }
        append(c)
        pos += 1
        continue
      }
      // Inside quotes.
      if ch == quote {
        phase = .word
        pos += 1
        continue
      }
      var c = ch
      if c == escapeToken {
        if pos + 1 == end {
          phase = .word
          pos += 1
          continue
        }
        pos += 1
        c = line[pos]
      }
      append(c)
      pos += 1
    }
    return (line[end...], flags)
  }

  /// The argument chain for `keyword` (lower case) from the rest of the line.
  static func arguments(
    for keyword: String, _ rest: [UInt8], escapeToken: UInt8
  ) -> Result<([[UInt8]], Bool), Failure> {
    switch keyword {
    case "add", "copy", "volume":
      return maybeJSONToList(rest)
    case "run", "cmd", "entrypoint", "shell":
      return maybeJSON(rest)
    case "arg":
      return .success((parseWords(rest, escapeToken: escapeToken), false))
    case "env", "label":
      return nameValue(rest, key: keyword.uppercased(), escapeToken: escapeToken).map {
        ($0, false)
      }
    case "expose", "from":
      return .success((whitespaceDelimited(rest), false))
    case "healthcheck":
      return healthConfig(rest)
    case "maintainer", "stopsignal", "user", "workdir":
      return .success((rest.isEmpty ? [] : [rest], false))
    case "onbuild":
      // The trigger is parsed by `node(fromLine:)`, which attaches it.
      return .success(([], false))
    default:
      // Unknown keywords keep one empty argument, as BuildKit's `parseIgnore` does.
      return .success(([[]], false))
    }
  }

  /// `newNodeFromLine`: one logical line to an instruction node (lines and heredocs are added by
  /// the caller).
  static func node(fromLine line: [UInt8], escapeToken: UInt8) -> Result<SyntaxNode, Failure> {
    let (keyword, flags, rest) = splitCommand(line, escapeToken: escapeToken)
    let name = String(decoding: GoText.lowercased(keyword), as: UTF8.self)
    if name == "onbuild" {
      var node = SyntaxNode(value: keyword, flags: flags, original: line)
      if !rest.isEmpty {
        switch self.node(fromLine: rest, escapeToken: escapeToken) {
        case .success(let trigger): node.trigger = trigger
        case .failure(let failure): return .failure(failure)
        }
      }
      return .success(node)
    }
    switch arguments(for: name, rest, escapeToken: escapeToken) {
    case .success(let (values, isJSON)):
      return .success(
        SyntaxNode(value: keyword, arguments: values, flags: flags, isJSON: isJSON, original: line))
    case .failure(let failure):
      return .failure(failure)
    }
  }

  static let notStringArray = Failure(
    message: "when using JSON array syntax, arrays must be comprised of strings only")

  static func maybeJSON(_ rest: [UInt8]) -> Result<([[UInt8]], Bool), Failure> {
    if rest.isEmpty { return .success(([], false)) }
    switch GoJSONArray.decode(rest[...]) {
    case .strings(let values): return .success((values, true))
    case .notStringArray: return .failure(notStringArray)
    case .invalid: return .success(([rest], false))
    }
  }

  static func maybeJSONToList(_ rest: [UInt8]) -> Result<([[UInt8]], Bool), Failure> {
    switch GoJSONArray.decode(rest[...]) {
    case .strings(let values): return .success((values, true))
    case .notStringArray: return .failure(notStringArray)
    case .invalid: return .success((whitespaceDelimited(rest), false))
    }
  }

  /// `parseStringsWhitespaceDelimited`: Go's `regexp.Split` on `[\t\v\f\r ]+`.
  static func whitespaceDelimited(_ rest: [UInt8]) -> [[UInt8]] {
    if rest.isEmpty { return [] }
    return splitOnBlanks(rest, limit: -1)
  }

  /// Go's `regexp.Split(s, n)` for the pattern `[\t\v\f\r ]+`, including its treatment of a
  /// match at the very start and the end.
  static func splitOnBlanks(_ s: [UInt8], limit: Int) -> [[UInt8]] {
    if limit == 0 { return [] }
    if s.isEmpty { return [[]] }
    var parts: [[UInt8]] = []
    var begin = 0
    var lastMatchStart = 0
    var matches = 0
    var i = 0
    while i < s.count {
      guard isASCIIBlank(s[i]) else {
        i += 1
        continue
      }
      if limit > 0, matches == limit - 1 { break }
      let matchStart = i
      while i < s.count, isASCIIBlank(s[i]) { i += 1 }
      matches += 1
      lastMatchStart = matchStart
      // Go skips a piece for a match at the very start.
      if i != 0 { parts.append(Array(s[begin..<matchStart])) }
      begin = i
    }
    if matches == 0 || lastMatchStart != s.count { parts.append(Array(s[begin...])) }
    return parts
  }

  /// `parseWords`: words split on Unicode white space outside quotes, quotes and escapes kept.
  static func parseWords(_ rest: [UInt8], escapeToken: UInt8) -> [[UInt8]] {
    // BuildKit builds each word rune by rune but keeps every rune it reads, so a word is a slice
    // of the input: less a lone escape character at the very end, and with each invalid UTF-8
    // byte written as U+FFFD.
    enum Phase { case spaces, word, quote }
    var words: [[UInt8]] = []
    var phase = Phase.spaces
    var wordStart = 0
    var quote: UInt8 = 0
    var blankOK = false
    var hasNonASCII = false
    let count = rest.count
    func flush(upTo end: Int) {
      guard blankOK || end > wordStart else { return }
      let slice = rest[wordStart..<end]
      if !hasNonASCII {
        words.append(Array(slice))
        return
      }
      var word: [UInt8] = []
      word.reserveCapacity(slice.count)
      var i = wordStart
      while i < end {
        let (rune, width) = GoText.decodeRune(rest, at: i)
        if rune == GoText.runeError, width == 1 {
          GoText.appendRune(rune, to: &word)
        } else {
          word.append(contentsOf: rest[i..<(i + width)])
        }
        i += width
      }
      words.append(word)
    }
    var pos = 0
    while pos < count {
      let (ch, width) = GoText.decodeRune(rest, at: pos)
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
          flush(upTo: pos)
          phase = .spaces
          pos += width
          continue
        }
        if ch >= 0x80 || width > 1 { hasNonASCII = true }
        if ch == UInt32(UInt8(ascii: "'")) || ch == UInt32(UInt8(ascii: "\"")) {
          quote = UInt8(ch)
          blankOK = true
          phase = .quote
        }
        if ch == UInt32(escapeToken) {
          if pos + width == count {
            // A lone escape character at the end is dropped.
            flush(upTo: pos)
            return words
          }
          pos += width
          let (next, nextWidth) = GoText.decodeRune(rest, at: pos)
          if next >= 0x80 || nextWidth > 1 { hasNonASCII = true }
          pos += nextWidth
          continue
        }
        pos += width
      case .quote:
        if ch >= 0x80 || width > 1 { hasNonASCII = true }
        if ch == UInt32(quote) { phase = .word }
        if ch == UInt32(escapeToken), quote != UInt8(ascii: "'") {
          if pos + width == count {
            flush(upTo: pos)
            return words
          }
          pos += width
          let (next, nextWidth) = GoText.decodeRune(rest, at: pos)
          if next >= 0x80 || nextWidth > 1 { hasNonASCII = true }
          pos += nextWidth
          continue
        }
        pos += width
      }
    }
    if phase != .spaces { flush(upTo: count) }
    return words
  }

  /// `parseNameVal` for ENV and LABEL: `k=v …` triples, or the legacy `KEY name value`.
  static func nameValue(_ rest: [UInt8], key: String, escapeToken: UInt8) -> Result<
    [[UInt8]], Failure
  > {
    let words = parseWords(rest, escapeToken: escapeToken)
    guard let first = words.first else { return .success([]) }
    let equals = UInt8(ascii: "=")
    if !first.contains(equals) {
      let parts = splitOnBlanks(rest, limit: 2)
      guard parts.count >= 2 else {
        return .failure(Failure(message: "\(key) must have two arguments"))
      }
      return .success([parts[0], parts[1], []])
    }
    var nodes: [[UInt8]] = []
    for word in words {
      guard let cut = word.firstIndex(of: equals) else {
        var quoted: [UInt8] = []
        GoText.quote(word, into: &quoted)
        return .failure(
          Failure(
            message: "Syntax error - can't find = in \(String(decoding: quoted, as: UTF8.self)). "
              + "Must be of the form: name=value"))
      }
      nodes.append(Array(word[..<cut]))
      nodes.append(Array(word[(cut + 1)...]))
      nodes.append([equals])
    }
    return .success(nodes)
  }

  /// `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then the rest like RUN.
  static func healthConfig(_ rest: [UInt8]) -> Result<([[UInt8]], Bool), Failure> {
    var sep = 0
    while sep < rest.count, !GoText.isSpaceByte(rest[sep]) { sep += 1 }
    var next = sep
    while next < rest.count, GoText.isSpaceByte(rest[next]) { next += 1 }
    if sep == 0 { return .success(([], false)) }
    let type = Array(rest[..<sep])
    switch maybeJSON(Array(rest[next...])) {
    case .success(let (nodes, isJSON)): return .success(([type] + nodes, isJSON))
    case .failure(let failure): return .failure(failure)
    }
  }
}
