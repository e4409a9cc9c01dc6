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
    let trimmed = GoText.trimSpace(line)
    var end = 0
    while end < trimmed.count, !isASCIIBlank(trimmed[end]) { end += 1 }
    let keyword = Array(trimmed[0..<end])
    guard end < trimmed.count else { return (keyword, [], []) }
    var restStart = end
    while restStart < trimmed.count, isASCIIBlank(trimmed[restStart]) { restStart += 1 }
    let (arguments, flags) = extractFlags(trimmed[restStart...], escapeToken: escapeToken)
    return (keyword, flags, GoText.trimSpace(Array(arguments)))
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
  ) -> Result<([SyntaxNode], Bool), Failure> {
    switch keyword {
    case "add", "copy", "volume":
      return maybeJSONToList(rest)
    case "run", "cmd", "entrypoint", "shell":
      return maybeJSON(rest)
    case "arg":
      return .success((parseWords(rest, escapeToken: escapeToken).map { SyntaxNode(value: $0) }, false))
    case "env", "label":
      return nameValue(rest, key: keyword.uppercased(), escapeToken: escapeToken).map { ($0, false) }
    case "expose", "from":
      return .success((whitespaceDelimited(rest), false))
    case "healthcheck":
      return healthConfig(rest)
    case "maintainer", "stopsignal", "user", "workdir":
      return .success((rest.isEmpty ? [] : [SyntaxNode(value: rest)], false))
    case "onbuild":
      if rest.isEmpty { return .success(([], false)) }
      switch node(fromLine: rest, escapeToken: escapeToken) {
      case .success(let child):
        return .success(([SyntaxNode(value: [], children: [child])], false))
      case .failure(let failure):
        return .failure(failure)
      }
    default:
      // Unknown keywords keep one empty argument, as BuildKit's `parseIgnore` does.
      return .success(([SyntaxNode(value: [])], false))
    }
  }

  /// `newNodeFromLine`: one logical line to an instruction node (lines and heredocs are added by
  /// the caller).
  static func node(fromLine line: [UInt8], escapeToken: UInt8) -> Result<SyntaxNode, Failure> {
    let (keyword, flags, rest) = splitCommand(line, escapeToken: escapeToken)
    let name = String(decoding: GoText.lowercased(keyword), as: UTF8.self)
    switch arguments(for: name, rest, escapeToken: escapeToken) {
    case .success(let (nodes, isJSON)):
      return .success(
        SyntaxNode(value: keyword, arguments: nodes, flags: flags, isJSON: isJSON, original: line))
    case .failure(let failure):
      return .failure(failure)
    }
  }

  static let notStringArray = Failure(
    message: "when using JSON array syntax, arrays must be comprised of strings only")

  static func maybeJSON(_ rest: [UInt8]) -> Result<([SyntaxNode], Bool), Failure> {
    if rest.isEmpty { return .success(([], false)) }
    switch GoJSONArray.decode(rest[...]) {
    case .strings(let values): return .success((values.map { SyntaxNode(value: $0) }, true))
    case .notStringArray: return .failure(notStringArray)
    case .invalid: return .success(([SyntaxNode(value: rest)], false))
    }
  }

  static func maybeJSONToList(_ rest: [UInt8]) -> Result<([SyntaxNode], Bool), Failure> {
    switch GoJSONArray.decode(rest[...]) {
    case .strings(let values): return .success((values.map { SyntaxNode(value: $0) }, true))
    case .notStringArray: return .failure(notStringArray)
    case .invalid: return .success((whitespaceDelimited(rest), false))
    }
  }

  /// `parseStringsWhitespaceDelimited`: Go's `regexp.Split` on `[\t\v\f\r ]+`.
  static func whitespaceDelimited(_ rest: [UInt8]) -> [SyntaxNode] {
    if rest.isEmpty { return [] }
    return splitOnBlanks(rest, limit: -1).map { SyntaxNode(value: $0) }
  }

  /// Go's `regexp.Split(s, n)` for the pattern `[\t\v\f\r ]+`, including its treatment of a
  /// match at the very start and the end.
  static func splitOnBlanks(_ s: [UInt8], limit: Int) -> [[UInt8]] {
    if limit == 0 { return [] }
    if s.isEmpty { return [[]] }
    var matches: [(Int, Int)] = []
    var i = 0
    while i < s.count, limit < 0 || matches.count < limit {
      if isASCIIBlank(s[i]) {
        let start = i
        while i < s.count, isASCIIBlank(s[i]) { i += 1 }
        matches.append((start, i))
      } else {
        i += 1
      }
    }
    var parts: [[UInt8]] = []
    var begin = 0
    var end = 0
    for match in matches {
      if limit > 0, parts.count == limit - 1 { break }
      end = match.0
      if match.1 != 0 { parts.append(Array(s[begin..<end])) }
      begin = match.1
    }
    if end != s.count { parts.append(Array(s[begin...])) }
    return parts
  }

  /// `parseWords`: words split on Unicode white space outside quotes, quotes and escapes kept.
  static func parseWords(_ rest: [UInt8], escapeToken: UInt8) -> [[UInt8]] {
    enum Phase { case spaces, word, quote }
    var words: [[UInt8]] = []
    var phase = Phase.spaces
    var word: [UInt8] = []
    var quote: UInt32 = 0
    var blankOK = false
    let escape = UInt32(escapeToken)
    var pos = 0
    var ch: UInt32 = 0
    var width = 0
    while pos <= rest.count {
      if pos != rest.count { (ch, width) = GoText.decodeRune(rest, at: pos) }
      if phase == .spaces {
        if pos == rest.count { break }
        if GoText.isSpace(ch) {
          pos += width
          continue
        }
        phase = .word
      }
      if pos == rest.count {
        // An unterminated quote still ends the word (`ENV a='b\\'c'` keeps `'b\\'c'`).
        if blankOK || !word.isEmpty { words.append(word) }
        break
      }
      if phase == .word {
        if GoText.isSpace(ch) {
          phase = .spaces
          if blankOK || !word.isEmpty { words.append(word) }
          word.removeAll(keepingCapacity: true)
          blankOK = false
          pos += width
          continue
        }
        if ch == UInt32(UInt8(ascii: "'")) || ch == UInt32(UInt8(ascii: "\"")) {
          quote = ch
          blankOK = true
          phase = .quote
        }
        if ch == escape {
          if pos + width == rest.count {
            pos += width
            continue
          }
          GoText.appendRune(ch, to: &word)
          pos += width
          (ch, width) = GoText.decodeRune(rest, at: pos)
        }
        GoText.appendRune(ch, to: &word)
        pos += width
        continue
      }
      // In quotes.
      if ch == quote { phase = .word }
      if ch == escape, quote != UInt32(UInt8(ascii: "'")) {
        if pos + width == rest.count {
          phase = .word
          pos += width
          continue
        }
        pos += width
        GoText.appendRune(ch, to: &word)
        (ch, width) = GoText.decodeRune(rest, at: pos)
      }
      GoText.appendRune(ch, to: &word)
      pos += width
    }
    return words
  }

  /// `parseNameVal` for ENV and LABEL: `k=v …` triples, or the legacy `KEY name value`.
  static func nameValue(_ rest: [UInt8], key: String, escapeToken: UInt8) -> Result<[SyntaxNode], Failure> {
    let words = parseWords(rest, escapeToken: escapeToken)
    guard let first = words.first else { return .success([]) }
    let equals = UInt8(ascii: "=")
    if !first.contains(equals) {
      let parts = splitOnBlanks(rest, limit: 2)
      guard parts.count >= 2 else { return .failure(Failure(message: "\(key) must have two arguments")) }
      return .success([SyntaxNode(value: parts[0]), SyntaxNode(value: parts[1]), SyntaxNode(value: [])])
    }
    var nodes: [SyntaxNode] = []
    for word in words {
      guard let cut = word.firstIndex(of: equals) else {
        var quoted: [UInt8] = []
        GoText.quote(word, into: &quoted)
        return .failure(
          Failure(
            message: "Syntax error - can't find = in \(String(decoding: quoted, as: UTF8.self)). "
              + "Must be of the form: name=value"))
      }
      nodes.append(SyntaxNode(value: Array(word[..<cut])))
      nodes.append(SyntaxNode(value: Array(word[(cut + 1)...])))
      nodes.append(SyntaxNode(value: [equals]))
    }
    return .success(nodes)
  }

  /// `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then the rest like RUN.
  static func healthConfig(_ rest: [UInt8]) -> Result<([SyntaxNode], Bool), Failure> {
    var sep = 0
    while sep < rest.count, !GoText.isSpaceByte(rest[sep]) { sep += 1 }
    var next = sep
    while next < rest.count, GoText.isSpaceByte(rest[next]) { next += 1 }
    if sep == 0 { return .success(([], false)) }
    let type = SyntaxNode(value: Array(rest[..<sep]))
    switch maybeJSON(Array(rest[next...])) {
    case .success(let (nodes, isJSON)): return .success(([type] + nodes, isJSON))
    case .failure(let failure): return .failure(failure)
    }
  }
}
