/// BuildKit's Dockerfile shell lexer (`frontend/dockerfile/shell`, type `Lex`), reimplemented on
/// bytes.
///
/// It expands `$name` and `${name…}` references, removes quotes and escapes, and (for
/// `processWords`) splits the result into words on whitespace that was neither quoted nor escaped.
/// Every observable detail follows BuildKit, including its quirks:
///
/// - Input is read rune by rune like Go's `text/scanner`: an invalid UTF-8 byte reads as U+FFFD
///   (and is written back as the three bytes of U+FFFD), a byte-order mark at the very start of
///   the input is skipped, and NUL is an ordinary character.
/// - Variable values are inserted byte for byte (invalid bytes survive in `processWord`'s value),
///   but word splitting re-reads them rune by rune, so `processWords` normalises them to U+FFFD.
/// - `${name%pattern}` reverses value and pattern rune by rune (Go's trick to run a right-most
///   match with a left-most regular expression), which normalises invalid bytes in the value.
/// - Patterns are Go regular expressions in disguise: `*` is `.*` (or `.*?`), `?` is `.`, so
///   neither wildcard matches a newline; `${name//p/r}` goes through Go's `ReplaceAllString`, so
///   `$0`, `${0}` and `$$` in the (already expanded) replacement are regexp template references.
/// - An unquoted `<<` (anywhere, whatever the options) takes the spaces, tabs and carriage
///   returns after it into its word, so `<<  EOF` is one word (BuildKit's heredoc detection
///   relies on it); the text itself is unchanged.
/// - The word splitter shares one buffer between nested `${…}` operands (BuildKit's
///   `shellWord.wordsBuffer`): a partial word collected before `${name:-word}` is dropped from
///   `processWords` (not from `processWord`), e.g. `a${x:-b}` splits into `["b"]`.
///
/// The only deliberate difference: operands nested more than `maximumNesting` levels deep fail
/// with an error instead of exhausting the stack (Go's stacks grow; ours do not).
struct ShellLexer {
  var escapeToken: UInt8 = UInt8(ascii: "\\")
  var rawQuotes = false
  var rawEscapes = false
  var skipUnsetEnv = false
  /// Matching steps one `${…#…}`, `%` or `/` substitution may take before planner gives up on it
  /// with an error. Go's matcher is also linear in text × pattern, but a Dockerfile can make that
  /// product huge (a 60 kB value against a 40 kB pattern); BuildKit would grind through it.
  var patternStepBudget = 5_000_000
  var skipProcessQuotes = false

  /// How deeply `${…}` operands may nest before the lexer gives up. Each level costs about 2 KiB
  /// of stack in a debug build (0.6 KiB optimised), so 128 levels fit a 512 KiB thread.
  static let maximumNesting = 128

  init(escapeToken: UInt8 = UInt8(ascii: "\\")) {
    self.escapeToken = escapeToken
  }

  /// `ProcessWordWithMatches`: one word, quotes removed, variables expanded, plus the names that
  /// were looked up and found (`usedNames`) or found unset (`unsetNames`).
  func processWord(
    _ word: [UInt8], environment: some ShellEnvironment
  ) throws(ShellLexError) -> ShellWord {
    if isPlain(word, allowingAngleBrackets: true) {
      return ShellWord(value: word, usedNames: [], unsetNames: [])
    }
    var processor = ShellWordProcessor(
      lexer: self, source: word, environment: environment, collectWords: false, capture: true)
    let (value, _) = try processor.run()
    return ShellWord(
      value: value, usedNames: processor.usedNames, unsetNames: processor.unsetNames)
  }

  /// `ProcessWords`: expansion plus word splitting on unquoted, unescaped whitespace.
  func processWords(
    _ word: [UInt8], environment: some ShellEnvironment
  ) throws(ShellLexError) -> [[UInt8]] {
    if isPlain(word, allowingAngleBrackets: false) {
      return word.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) }).map(
        Array.init)
    }
    var processor = ShellWordProcessor(
      lexer: self, source: word, environment: environment, collectWords: true, capture: false)
    return try processor.run().words
  }

  /// Whether the lexer would return `word` unchanged (and split it only on ASCII white space):
  /// ASCII with no `$`, quote or escape character, and no `<` when `<<` could glue words.
  /// Most words are like this, and this check is far cheaper than lexing them.
  private func isPlain(_ word: [UInt8], allowingAngleBrackets: Bool) -> Bool {
    for byte in word {
      if byte >= 0x80 || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "'")
        || byte == UInt8(ascii: "\"") || byte == escapeToken
        || (!allowingAngleBrackets && byte == UInt8(ascii: "<"))
      {
        return false
      }
    }
    return true
  }
}

/// Variables visible to the lexer, like BuildKit's `EnvGetter`.
protocol ShellEnvironment {
  /// The value of `name`, or nil when it is unset (an empty value is set).
  func value(of name: [UInt8]) -> [UInt8]?
}

/// An ordered list of variable definitions; a later definition of a name wins.
struct ShellVariables: ShellEnvironment {
  private(set) var pairs: [(name: [UInt8], value: [UInt8])] = []
  private var latest: [[UInt8]: Int] = [:]

  init(_ pairs: [(String, String)]) {
    for (name, value) in pairs { define(Array(name.utf8), as: Array(value.utf8)) }
  }

  init(bytePairs: [([UInt8], [UInt8])]) {
    for (name, value) in bytePairs { define(name, as: value) }
  }

  /// BuildKit's `EnvsFromSlice`: each entry is cut at its first `=`; an entry without `=` defines
  /// the whole entry as a name with an empty value.
  init(assignments: [[UInt8]]) {
    for entry in assignments {
      if let equals = entry.firstIndex(of: UInt8(ascii: "=")) {
        define(Array(entry[..<equals]), as: Array(entry[(equals + 1)...]))
      } else {
        define(entry, as: [])
      }
    }
  }

  mutating func define(_ name: [UInt8], as value: [UInt8]) {
    latest[name] = pairs.count
    pairs.append((name, value))
  }

  func value(of name: [UInt8]) -> [UInt8]? {
    guard let index = latest[name] else { return nil }
    return pairs[index].value
  }
}

/// The result of `processWord`.
struct ShellWord: Hashable {
  var value: [UInt8]
  var usedNames: Set<[UInt8]>
  var unsetNames: Set<[UInt8]>
}

/// A lexing failure, worded exactly as BuildKit words it (`failed to process "…": …`). Bytes of
/// the input that are not valid UTF-8 appear as U+FFFD, one per byte.
struct ShellLexError: Error, Hashable {
  var message: String
}

// MARK: - The lexer proper

private typealias Rune = Int32

private enum Ch {
  static let eof: Rune = -1
  static let dollar = Rune(UInt8(ascii: "$"))
  static let singleQuote = Rune(UInt8(ascii: "'"))
  static let doubleQuote = Rune(UInt8(ascii: "\""))
  static let openBrace = Rune(UInt8(ascii: "{"))
  static let closeBrace = Rune(UInt8(ascii: "}"))
  static let colon = Rune(UInt8(ascii: ":"))
  static let slash = Rune(UInt8(ascii: "/"))
  static let backslash = Rune(UInt8(ascii: "\\"))
  static let star = Rune(UInt8(ascii: "*"))
  static let question = Rune(UInt8(ascii: "?"))
  static let plus = Rune(UInt8(ascii: "+"))
  static let minus = Rune(UInt8(ascii: "-"))
  static let hash = Rune(UInt8(ascii: "#"))
  static let percent = Rune(UInt8(ascii: "%"))
  static let underscore = Rune(UInt8(ascii: "_"))
  static let newline = Rune(UInt8(ascii: "\n"))
  static let lessThan = Rune(UInt8(ascii: "<"))
  static let space = Rune(UInt8(ascii: " "))
  static let tab = Rune(UInt8(ascii: "\t"))
  static let carriageReturn = Rune(UInt8(ascii: "\r"))
}

/// An error before BuildKit's `failed to process %q` wrapping.
private struct LexFailure: Error {
  var message: [UInt8]
  /// Set for our own nesting limit, which no BuildKit rewording may replace.
  var isNestingLimit = false

  init(_ text: String) { message = Array(text.utf8) }
  init(bytes: [UInt8]) { message = bytes }

  static var nestingLimit: LexFailure {
    var failure = LexFailure("syntax error: substitutions nested too deeply")
    failure.isNestingLimit = true
    return failure
  }

  static func unterminated(_ stop: Rune) -> LexFailure {
    var message = Array("unexpected end of statement while looking for matching ".utf8)
    appendRune(stop, to: &message)
    return LexFailure(bytes: message)
  }
}

/// Go's `text/scanner` `Next`/`Peek` over a byte array.
private struct RuneReader {
  let bytes: [UInt8]
  var position: Int

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    // The scanner drops a byte-order mark that is the very first character.
    position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
  }

  @inline(__always)
  func peek() -> Rune {
    guard position < bytes.count else { return Ch.eof }
    let byte = bytes[position]
    if byte < 0x80 { return Rune(byte) }
    return Rune(GoText.decodeRune(bytes, at: position).rune)
  }

  @inline(__always)
  mutating func next() -> Rune {
    guard position < bytes.count else { return Ch.eof }
    let byte = bytes[position]
    if byte < 0x80 {
      position += 1
      return Rune(byte)
    }
    let (rune, width) = GoText.decodeRune(bytes, at: position)
    position += width
    return Rune(rune)
  }
}

/// Go's `WriteRune`/`string(rune)`: EOF (-1) and other invalid runes become U+FFFD.
@inline(__always)
private func appendRune(_ rune: Rune, to out: inout [UInt8]) {
  if rune >= 0, rune < 0x80 {
    out.append(UInt8(rune))
  } else {
    GoText.appendRune(rune < 0 ? GoText.runeError : UInt32(rune), to: &out)
  }
}

/// The Unicode version of Go's `unicode` tables (Go 1.21 and later ship Unicode 15.0.0). Letters
/// and digits assigned later are not letters or digits to Go.
private func knownToGo(_ scalar: Unicode.Scalar) -> Bool {
  guard let age = scalar.properties.age else { return false }
  return age.major < 15 || (age.major == 15 && age.minor == 0)
}

/// Go's `unicode.IsLetter`.
private func isGoLetter(_ rune: Rune) -> Bool {
  if rune < 0x80 {
    return (0x41...0x5A).contains(rune) || (0x61...0x7A).contains(rune)
  }
  guard let scalar = Unicode.Scalar(UInt32(rune)), knownToGo(scalar) else { return false }
  switch scalar.properties.generalCategory {
  case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
    return true
  default:
    return false
  }
}

/// Go's `unicode.IsDigit`.
private func isGoDigit(_ rune: Rune) -> Bool {
  if rune < 0x80 { return (0x30...0x39).contains(rune) }
  guard let scalar = Unicode.Scalar(UInt32(rune)), knownToGo(scalar) else { return false }
  return scalar.properties.generalCategory == .decimalNumber
}

/// The words a `processStopOn` call has finished, and whether it is inside a word. The word in
/// progress lives in the processor's shared `wordsBuffer`, as in BuildKit.
private struct WordList {
  var words: [[UInt8]] = []
  var inWord = false
}

/// One run of the lexer over one input (BuildKit's `shellWord`).
private struct ShellWordProcessor<Environment: ShellEnvironment> {
  let escapeToken: Rune
  let rawQuotes: Bool
  let skipUnsetEnv: Bool
  let skipProcessQuotes: Bool
  let patternStepBudget: Int
  let environment: Environment
  let collectWords: Bool
  let capture: Bool

  var reader: RuneReader
  /// The escape mode in force; `processStopOn` sets it for its own extent.
  var rawEscapes: Bool
  var wordsBuffer: [UInt8] = []
  var usedNames: Set<[UInt8]> = []
  var unsetNames: Set<[UInt8]> = []
  var depth = 0

  init(
    lexer: ShellLexer, source: [UInt8], environment: Environment, collectWords: Bool,
    capture: Bool
  ) {
    escapeToken = Rune(lexer.escapeToken)
    rawQuotes = lexer.rawQuotes
    rawEscapes = lexer.rawEscapes
    skipUnsetEnv = lexer.skipUnsetEnv
    patternStepBudget = lexer.patternStepBudget
    skipProcessQuotes = lexer.skipProcessQuotes
    self.environment = environment
    self.collectWords = collectWords
    self.capture = capture
    reader = RuneReader(source)
  }

  mutating func run() throws(ShellLexError) -> (value: [UInt8], words: [[UInt8]]) {
    do {
      return try processStopOn(Ch.eof, rawEscapes: rawEscapes)
    } catch {
      var message = Array("failed to process ".utf8)
      GoText.quote(reader.bytes, into: &message)
      message.append(contentsOf: ": ".utf8)
      message.append(contentsOf: error.message)
      throw ShellLexError(message: goString(message))
    }
  }

  // MARK: Words

  mutating func addChar(_ rune: Rune, to list: inout WordList) {
    let isSpace = GoText.isSpace(UInt32(rune))
    if isSpace && list.inWord {
      if !wordsBuffer.isEmpty {
        list.words.append(wordsBuffer)
        wordsBuffer = []
        list.inWord = false
      }
    } else if !isSpace {
      addRawChar(rune, to: &list)
    }
  }

  mutating func addRawChar(_ rune: Rune, to list: inout WordList) {
    appendRune(rune, to: &wordsBuffer)
    list.inWord = true
  }

  mutating func addString(_ text: [UInt8], to list: inout WordList) {
    var index = 0
    while index < text.count {
      let (rune, width) = GoText.decodeRune(text, at: index)
      addChar(Rune(rune), to: &list)
      index += width
    }
  }

  mutating func addRawString(_ text: [UInt8], to list: inout WordList) {
    wordsBuffer.append(contentsOf: text)
    list.inWord = true
  }

  mutating func finishWords(_ list: inout WordList) -> [[UInt8]] {
    if !wordsBuffer.isEmpty {
      list.words.append(wordsBuffer)
      wordsBuffer = []
      list.inWord = false
    }
    return list.words
  }

  // MARK: Variables

  mutating func lookUp(_ name: [UInt8]) -> [UInt8]? {
    let value = environment.value(of: name)
    if capture {
      if value != nil {
        usedNames.insert(name)
      } else {
        unsetNames.insert(name)
      }
    }
    return value
  }

  // MARK: Scanning

  /// `processStopOn`: reads up to `stop` (consumed) or the end of input.
  mutating func processStopOn(
    _ stop: Rune, rawEscapes mode: Bool
  ) throws(LexFailure) -> (value: [UInt8], words: [[UInt8]]) {
    depth += 1
    defer { depth -= 1 }
    if depth > ShellLexer.maximumNesting { throw LexFailure.nestingLimit }
    let savedMode = rawEscapes
    rawEscapes = mode
    defer { rawEscapes = savedMode }

    var result: [UInt8] = []
    var list = WordList()
    if collectWords { wordsBuffer = [] }

    while true {
      let peeked = reader.peek()
      if peeked == Ch.eof { break }
      if stop != Ch.eof && peeked == stop {
        _ = reader.next()
        return (result, collectWords ? finishWords(&list) : [])
      }
      if peeked == Ch.dollar || peeked == Ch.lessThan
        || (!skipProcessQuotes && (peeked == Ch.singleQuote || peeked == Ch.doubleQuote))
      {
        // Expanded text is split into words later; quoted text and `<<` are not.
        let piece: [UInt8]
        if peeked == Ch.dollar {
          piece = try processDollar()
        } else if peeked == Ch.lessThan {
          piece = processPossibleHeredoc()
        } else if peeked == Ch.singleQuote {
          piece = try processSingleQuote()
        } else {
          piece = try processDoubleQuote()
        }
        result.append(contentsOf: piece)
        if collectWords {
          if peeked == Ch.dollar {
            addString(piece, to: &list)
          } else {
            addRawString(piece, to: &list)
          }
        }
        continue
      }
      if !processPlain(into: &result, words: &list) { break }
    }
    if stop != Ch.eof { throw LexFailure.unterminated(stop) }
    return (result, collectWords ? finishWords(&list) : [])
  }

  /// Any other character, or an escape and the character it escapes. False when an escape is the
  /// last character (it is dropped, or kept alone when escapes are raw).
  mutating func processPlain(into result: inout [UInt8], words list: inout WordList) -> Bool {
    var rune = reader.next()
    if rune == escapeToken {
      if rawEscapes {
        if collectWords { addRawChar(rune, to: &list) }
        appendRune(rune, to: &result)
      }
      rune = reader.next()
      if rune == Ch.eof { return false }
      if collectWords { addRawChar(rune, to: &list) }
    } else if collectWords {
      addChar(rune, to: &list)
    }
    appendRune(rune, to: &result)
    return true
  }

  mutating func processSingleQuote() throws(LexFailure) -> [UInt8] {
    var result: [UInt8] = []
    let opening = reader.next()
    if rawQuotes { appendRune(opening, to: &result) }
    while true {
      let rune = reader.next()
      if rune == Ch.eof {
        throw LexFailure("unexpected end of statement while looking for matching single-quote")
      }
      if rune == Ch.singleQuote {
        if rawQuotes { appendRune(rune, to: &result) }
        return result
      }
      appendRune(rune, to: &result)
    }
  }

  mutating func processDoubleQuote() throws(LexFailure) -> [UInt8] {
    var result: [UInt8] = []
    let opening = reader.next()
    if rawQuotes { appendRune(opening, to: &result) }
    while true {
      let peeked = reader.peek()
      if peeked == Ch.eof {
        throw LexFailure("unexpected end of statement while looking for matching double-quote")
      }
      if peeked == Ch.doubleQuote {
        let closing = reader.next()
        if rawQuotes { appendRune(closing, to: &result) }
        return result
      }
      if peeked == Ch.dollar {
        result.append(contentsOf: try processDollar())
        continue
      }
      var rune = reader.next()
      if rune == escapeToken {
        if rawEscapes { appendRune(rune, to: &result) }
        let following = reader.peek()
        // An escape just before the end is ignored; the loop then reports the open quote.
        if following == Ch.eof { continue }
        // Only `"`, `$` and the escape token itself can be escaped; any other escape stays.
        if following == Ch.doubleQuote || following == Ch.dollar || following == escapeToken {
          rune = reader.next()
        }
      }
      appendRune(rune, to: &result)
    }
  }

  /// `processPossibleHeredoc`: `<<` keeps the spaces, tabs and carriage returns after it, so that
  /// `<<  EOF` stays one word for heredoc detection. A single `<` is just itself.
  mutating func processPossibleHeredoc() -> [UInt8] {
    let lessThan = UInt8(ascii: "<")
    _ = reader.next()
    guard reader.peek() == Ch.lessThan else { return [lessThan] }
    _ = reader.next()
    var result = [lessThan, lessThan]
    while true {
      let peeked = reader.peek()
      guard peeked == Ch.space || peeked == Ch.tab || peeked == Ch.carriageReturn else { break }
      result.append(UInt8(peeked))
      _ = reader.next()
    }
    return result
  }

  /// `processName`: a run of letters, digits and `_`; a leading digit takes every following
  /// digit (and nothing else); a special parameter `@ * # ? - $ ! 0` is a name on its own.
  mutating func processName() -> [UInt8] {
    var name: [UInt8] = []
    while true {
      let peeked = reader.peek()
      if peeked == Ch.eof { break }
      if name.isEmpty && isGoDigit(peeked) {
        while true {
          let digit = reader.peek()
          if digit == Ch.eof || !isGoDigit(digit) { break }
          appendRune(reader.next(), to: &name)
        }
        return name
      }
      if name.isEmpty && Self.isSpecialParameter(peeked) {
        appendRune(reader.next(), to: &name)
        return name
      }
      if !isGoLetter(peeked) && !isGoDigit(peeked) && peeked != Ch.underscore { break }
      appendRune(reader.next(), to: &name)
    }
    return name
  }

  static func isSpecialParameter(_ rune: Rune) -> Bool {
    switch rune {
    case 0x40, 0x2A, 0x23, 0x3F, 0x2D, 0x24, 0x21, 0x30:  // @ * # ? - $ ! 0
      return true
    default:
      return false
    }
  }

  /// Reads an operand up to `stop`; a failure at the end of the input becomes `endMessage`.
  mutating func operand(
    upTo stop: Rune, rawEscapes mode: Bool, endMessage: String
  ) throws(LexFailure) -> [UInt8] {
    do {
      return try processStopOn(stop, rawEscapes: mode).value
    } catch {
      if !error.isNestingLimit && reader.peek() == Ch.eof { throw LexFailure(endMessage) }
      throw error
    }
  }

  // The functions on the recursive path (`processStopOn` → `processDollar` → `operand` →
  // `processStopOn`) keep few locals, so that deep nesting uses little stack; the work done once
  // an operand is read lives in separate functions.

  mutating func processDollar() throws(LexFailure) -> [UInt8] {
    _ = reader.next()  // `$`
    if reader.peek() != Ch.openBrace { return plainReference() }

    _ = reader.next()  // `{`
    switch reader.peek() {
    case Ch.eof:
      throw LexFailure("syntax error: missing '}'")
    case Ch.openBrace, Ch.closeBrace, Ch.colon:
      throw LexFailure("syntax error: bad substitution")
    default:
      break
    }
    let name = processName()
    let modifier = reader.next()
    switch modifier {
    case Ch.closeBrace:
      return bracedReference(name)
    case Ch.slash:
      return try processReplacement(name: name)
    case Ch.colon, Ch.plus, Ch.minus, Ch.question, Ch.hash, Ch.percent:
      return try processModifier(name: name, first: modifier)
    default:
      throw Self.unsupported([modifier])
    }
  }

  /// `$name`; a `$` without a name is kept.
  mutating func plainReference() -> [UInt8] {
    let dollar = UInt8(ascii: "$")
    let name = processName()
    if name.isEmpty { return [dollar] }
    let value = lookUp(name)
    if value == nil && skipUnsetEnv { return [dollar] + name }
    return value ?? []
  }

  /// `${name}`.
  mutating func bracedReference(_ name: [UInt8]) -> [UInt8] {
    let value = lookUp(name)
    if value == nil && skipUnsetEnv { return Self.unsetText(name, []) }
    return value ?? []
  }

  /// `unsupported modifier (…) in substitution`, naming the modifier runes read.
  static func unsupported(_ modifier: [Rune]) -> LexFailure {
    var message = Array("unsupported modifier (".utf8)
    for rune in modifier { appendRune(rune, to: &message) }
    message.append(contentsOf: ") in substitution".utf8)
    return LexFailure(bytes: message)
  }

  /// What `skipUnsetEnv` leaves for an unset variable: `${` name, rest, `}`.
  static func unsetText(_ name: [UInt8], _ rest: [UInt8]) -> [UInt8] {
    var text = Array("${".utf8)
    text.append(contentsOf: name)
    text.append(contentsOf: rest)
    text.append(UInt8(ascii: "}"))
    return text
  }

  /// `${name:…}` and `${name-…}`, `+`, `?`, `#`, `%`: reads the operand, then applies it.
  mutating func processModifier(name: [UInt8], first: Rune) throws(LexFailure) -> [UInt8] {
    // After `:` comes the actual modifier (whatever it is).
    let second = first == Ch.colon ? reader.next() : nil
    let modifier = second ?? first
    // Pattern operands keep their escapes for the pattern compiler.
    let isPattern = modifier == Ch.hash || modifier == Ch.percent
    if second != nil && isPattern { throw Self.unsupported([first, modifier]) }
    let word = try operand(
      upTo: Ch.closeBrace, rawEscapes: isPattern, endMessage: "syntax error: missing '}'")
    return try applyModifier(name: name, first: first, second: second, word: word)
  }

  mutating func applyModifier(
    name: [UInt8], first: Rune, second: Rune?, word: [UInt8]
  ) throws(LexFailure) -> [UInt8] {
    let nullIsUnset = second != nil
    let modifier = second ?? first
    let value = lookUp(name)
    if skipUnsetEnv && value == nil {
      var rest: [UInt8] = []
      appendRune(first, to: &rest)
      if let second { appendRune(second, to: &rest) }
      rest.append(contentsOf: word)
      return Self.unsetText(name, rest)
    }
    let isNull = value == nil || (nullIsUnset && value?.isEmpty == true)

    switch modifier {
    case Ch.minus:
      return isNull ? word : (value ?? [])
    case Ch.plus:
      return isNull ? [] : word
    case Ch.question:
      guard isNull else { return value ?? [] }
      var message = name + Array(": ".utf8)
      if !word.isEmpty {
        message += word
      } else if value == nil {
        message += Array("is not allowed to be unset".utf8)
      } else {
        message += Array("is not allowed to be empty".utf8)
      }
      throw LexFailure(bytes: message)
    case Ch.hash, Ch.percent:
      // `%`/`#` remove the shortest match, `%%`/`##` the longest.
      var pattern = word
      var greedy = false
      if let head = pattern.first, Rune(head) == modifier {
        greedy = true
        pattern.removeFirst()
      }
      if modifier == Ch.percent {
        return try ShellPattern.trimSuffix(
          pattern: pattern, value: value ?? [], greedy: greedy, budget: patternStepBudget)
      }
      return try ShellPattern.trimPrefix(
        pattern: pattern, value: value ?? [], greedy: greedy, budget: patternStepBudget)
    default:
      throw Self.unsupported(second.map { [first, $0] } ?? [first])
    }
  }

  /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
  mutating func processReplacement(name: [UInt8]) throws(LexFailure) -> [UInt8] {
    let replaceAll = reader.peek() == Ch.slash
    if replaceAll { _ = reader.next() }
    let pattern = try operand(
      upTo: Ch.slash, rawEscapes: true, endMessage: "syntax error: missing '/' in ${}")
    let replacement = try operand(
      upTo: Ch.closeBrace, rawEscapes: true, endMessage: "syntax error: missing '}'")
    return try applyReplacement(
      name: name, all: replaceAll, pattern: pattern, replacement: replacement)
  }

  mutating func applyReplacement(
    name: [UInt8], all: Bool, pattern: [UInt8], replacement: [UInt8]
  ) throws(LexFailure) -> [UInt8] {
    let value = lookUp(name)
    if skipUnsetEnv && value == nil {
      // BuildKit writes a single `/` here even for `//`.
      let slash = UInt8(ascii: "/")
      return Self.unsetText(name, [slash] + pattern + [slash] + replacement)
    }
    var matcher = try ShellPattern.compile(pattern, greedy: true, budget: patternStepBudget)
    let text = DecodedText(value ?? [])
    if all {
      let replaced = matcher.replaceAll(in: text, template: replacement)
      try matcher.checkBudget()
      return replaced
    }
    let found = matcher.firstMatch(in: text.runes, from: 0, anchored: false)
    try matcher.checkBudget()
    guard let (start, end) = found else {
      return text.bytes
    }
    return Array(text.bytes[..<text.offsets[start]]) + replacement
      + Array(text.bytes[text.offsets[end]...])
  }
}

/// Bytes as a `String`, each invalid UTF-8 byte becoming one U+FFFD (as Go prints it).
private func goString(_ bytes: [UInt8]) -> String {
  var valid: [UInt8] = []
  valid.reserveCapacity(bytes.count)
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    if byte < 0x80 {
      valid.append(byte)
      index += 1
      continue
    }
    let (rune, width) = GoText.decodeRune(bytes, at: index)
    if rune == GoText.runeError && width == 1 {
      GoText.appendRune(GoText.runeError, to: &valid)
    } else {
      valid.append(contentsOf: bytes[index..<(index + width)])
    }
    index += width
  }
  return String(decoding: valid, as: UTF8.self)
}

// MARK: - Patterns

/// Text decoded rune by rune as Go's regexp package reads it, with the byte offset of each rune.
private struct DecodedText {
  let bytes: [UInt8]
  var runes: [UInt32] = []
  /// `offsets[i]` is where rune `i` starts; the last entry is `bytes.count`.
  var offsets: [Int] = []

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    runes.reserveCapacity(bytes.count)
    offsets.reserveCapacity(bytes.count + 1)
    var index = 0
    while index < bytes.count {
      let (rune, width) = GoText.decodeRune(bytes, at: index)
      runes.append(rune)
      offsets.append(index)
      index += width
    }
    offsets.append(bytes.count)
  }
}

/// A `${name#…}`/`%`/`/` pattern: BuildKit compiles it to a Go regular expression made of
/// literals, `.` (for `?`) and `.*` or `.*?` (for `*`), which this type matches with Go's
/// leftmost-first semantics (a Pike machine, linear in text × pattern).
private struct ShellPattern {
  enum Token: Equatable {
    case literal(UInt32)
    /// `?` → `.`: any rune but a newline.
    case anyRune
    /// `*` → `.*` (greedy) or `.*?`: any run of runes without a newline.
    case anyRun
  }

  struct Thread {
    var id: Int
    var start: Int
  }

  let tokens: [Token]
  let greedy: Bool
  /// Matching steps left (`ShellLexer.patternStepBudget`); past it the match gives up.
  private var remainingSteps: Int
  private let budget: Int
  private var marks: [Int]
  private var stamp = 0
  private var current: [Thread] = []
  private var following: [Thread] = []
  private var stack: [Int] = []

  init(tokens: [Token], greedy: Bool, budget: Int) {
    self.tokens = tokens
    self.greedy = greedy
    self.budget = budget
    self.remainingSteps = budget
    marks = Array(repeating: -1, count: 2 * tokens.count + 1)
  }

  /// `convertShellPatternToRegex`. A `\` before `}` or `/` is dropped; `\*`, `\?` and `\\` are
  /// literal; any other escape (including a trailing `\`) is an error.
  static func compile(_ pattern: [UInt8], greedy: Bool, budget: Int) throws(LexFailure)
    -> ShellPattern
  {
    var reader = RuneReader(pattern)
    var tokens: [Token] = []
    while true {
      var rune = reader.next()
      if rune == Ch.eof { break }
      switch rune {
      case Ch.star:
        tokens.append(.anyRun)
      case Ch.question:
        tokens.append(.anyRune)
      case Ch.backslash:
        let following = reader.peek()
        if following == Ch.closeBrace || following == Ch.slash { continue }
        rune = reader.next()
        if rune != Ch.star && rune != Ch.question && rune != Ch.backslash {
          var message = Array("invalid pattern (".utf8) + pattern
          message += Array(") in substitution: invalid escape '\\".utf8)
          appendRune(rune, to: &message)
          message.append(UInt8(ascii: "'"))
          throw LexFailure(bytes: message)
        }
        tokens.append(.literal(UInt32(rune)))
      default:
        tokens.append(.literal(UInt32(rune)))
      }
    }
    return ShellPattern(tokens: tokens, greedy: greedy, budget: budget)
  }

  /// Throws when a match gave up because it ran out of steps.
  func checkBudget() throws(LexFailure) {
    if remainingSteps < 0 {
      throw LexFailure(
        bytes: Array(
          "pattern too complex: more than \(budget) matching steps (planner's limit)".utf8))
    }
  }

  /// `trimPrefix`: removes the leftmost anchored match.
  static func trimPrefix(pattern: [UInt8], value: [UInt8], greedy: Bool, budget: Int)
    throws(LexFailure) -> [UInt8]
  {
    var matcher = try compile(pattern, greedy: greedy, budget: budget)
    let text = DecodedText(value)
    let found = matcher.firstMatch(in: text.runes, from: 0, anchored: true)
    try matcher.checkBudget()
    guard let (_, end) = found else {
      return value
    }
    return Array(value[text.offsets[end]...])
  }

  /// `trimSuffix`: reverses the pattern (keeping escape pairs in order) and the value rune by
  /// rune, trims a prefix and reverses back, so the value comes back normalised.
  static func trimSuffix(pattern: [UInt8], value: [UInt8], greedy: Bool, budget: Int)
    throws(LexFailure) -> [UInt8]
  {
    let patternRunes = DecodedText(pattern).runes
    var reversed = [UInt32](repeating: 0, count: patternRunes.count)
    let last = patternRunes.count - 1
    var index = 0
    while index <= last {
      let rune = patternRunes[index]
      let target = last - index
      if rune == UInt32(Ch.backslash) && index != last {
        reversed[target - 1] = rune
        reversed[target] = patternRunes[index + 1]
        index += 2
      } else {
        reversed[target] = rune
        index += 1
      }
    }
    var reversedPattern: [UInt8] = []
    for rune in reversed { GoText.appendRune(rune, to: &reversedPattern) }

    var matcher = try compile(reversedPattern, greedy: greedy, budget: budget)
    let valueRunes = DecodedText(value).runes
    let reversedValue = Array(valueRunes.reversed())
    var kept = valueRunes.count
    let found = matcher.firstMatch(in: reversedValue, from: 0, anchored: true)
    try matcher.checkBudget()
    if let (_, end) = found {
      kept -= end
    }
    var out: [UInt8] = []
    out.reserveCapacity(value.count)
    for rune in valueRunes[..<kept] { GoText.appendRune(rune, to: &out) }
    return out
  }

  /// Go's `Regexp.ReplaceAllString`, including its `$` template expansion of the replacement.
  mutating func replaceAll(in text: DecodedText, template: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var lastMatchEnd = 0
    var searchPos = 0
    let count = text.runes.count
    while searchPos <= count {
      guard let (start, end) = firstMatch(in: text.runes, from: searchPos, anchored: false) else {
        break
      }
      out.append(contentsOf: text.bytes[text.offsets[lastMatchEnd]..<text.offsets[start]])
      // No replacement for an empty match right after the previous match.
      if end > lastMatchEnd || start == 0 {
        Self.expand(
          template, match: text.bytes[text.offsets[start]..<text.offsets[end]], into: &out)
      }
      lastMatchEnd = end
      // Advance past this match, by at least one rune.
      if searchPos < count && searchPos + 1 > end {
        searchPos += 1
      } else if searchPos + 1 > end {
        searchPos += 1
      } else {
        searchPos = end
      }
    }
    out.append(contentsOf: text.bytes[text.offsets[lastMatchEnd]...])
    return out
  }

  /// Go's `Regexp.expand` for a regexp without groups: `$$` is `$`, `$0`/`${0}` the match,
  /// any other well-formed reference is empty, and a malformed `$` stays.
  static func expand(_ template: [UInt8], match: ArraySlice<UInt8>, into out: inout [UInt8]) {
    let dollar = UInt8(ascii: "$")
    var index = 0
    while index < template.count {
      guard let found = template[index...].firstIndex(of: dollar) else { break }
      out.append(contentsOf: template[index..<found])
      index = found + 1
      if index < template.count && template[index] == dollar {
        out.append(dollar)
        index += 1
        continue
      }
      guard let (number, rest) = extractReference(template, from: index) else {
        out.append(dollar)
        continue
      }
      index = rest
      if number == 0 { out.append(contentsOf: match) }
    }
    if index < template.count { out.append(contentsOf: template[index...]) }
  }

  /// Go's `extract`: a name (letters, digits, `_`) optionally in braces. Returns its group
  /// number (-1 when it is not a plain number) and where the template continues.
  static func extractReference(_ template: [UInt8], from start: Int) -> (Int, Int)? {
    var index = start
    guard index < template.count else { return nil }
    var braced = false
    if template[index] == UInt8(ascii: "{") {
      braced = true
      index += 1
    }
    let nameStart = index
    while index < template.count {
      let (rune, width) = GoText.decodeRune(template, at: index)
      let r = Rune(rune)
      if !isGoLetter(r) && !isGoDigit(r) && r != Ch.underscore { break }
      index += width
    }
    if index == nameStart { return nil }
    let name = template[nameStart..<index]
    if braced {
      if index >= template.count || template[index] != UInt8(ascii: "}") { return nil }
      index += 1
    }
    var number = 0
    for byte in name {
      if byte < 0x30 || byte > 0x39 || number >= 100_000_000 {
        number = -1
        break
      }
      number = number * 10 + Int(byte - 0x30)
    }
    if name.first == 0x30 && name.count > 1 { number = -1 }
    return (number, index)
  }

  /// The leftmost-first match starting at or after rune `from` (only at `from` when anchored),
  /// as rune indices.
  mutating func firstMatch(in text: [UInt32], from: Int, anchored: Bool) -> (Int, Int)? {
    var marks = self.marks
    var current = self.current
    var following = self.following
    var stack = self.stack
    self.marks = []
    self.current = []
    self.following = []
    self.stack = []
    defer {
      self.marks = marks
      self.current = current
      self.following = following
      self.stack = stack
    }

    let tokens = self.tokens
    let greedy = self.greedy
    let matchID = 2 * tokens.count
    // Instruction 2i is token i (a split for `*`); 2i+1 is the rune a `*` consumes.
    func add(_ id: Int, _ start: Int, _ stamp: Int, _ list: inout [Thread]) {
      stack.append(id)
      while let id = stack.popLast() {
        if marks[id] == stamp { continue }
        marks[id] = stamp
        if id < matchID && id & 1 == 0 && tokens[id >> 1] == .anyRun {
          let loop = id + 1
          let skip = id + 2
          // Pushed in reverse order of preference.
          if greedy {
            stack.append(skip)
            stack.append(loop)
          } else {
            stack.append(loop)
            stack.append(skip)
          }
        } else {
          list.append(Thread(id: id, start: start))
        }
      }
    }

    let count = text.count
    var matched: (Int, Int)?
    var position = from
    current.removeAll(keepingCapacity: true)
    stamp += 1
    var currentStamp = stamp
    while true {
      if current.isEmpty {
        if anchored && position != from { break }
        if matched != nil { break }
      }
      if matched == nil && (!anchored || position == from) {
        add(0, position, currentStamp, &current)
      }
      stamp += 1
      let nextStamp = stamp
      following.removeAll(keepingCapacity: true)
      let hasRune = position < count
      let rune = hasRune ? text[position] : 0
      for thread in current {
        if thread.id == matchID {
          // Leftmost-first: this match beats every lower-priority thread.
          matched = (thread.start, position)
          break
        }
        guard hasRune else { continue }
        let index = thread.id >> 1
        if thread.id & 1 == 1 {
          if rune != UInt32(Ch.newline) { add(thread.id - 1, thread.start, nextStamp, &following) }
          continue
        }
        switch tokens[index] {
        case .literal(let expected):
          if rune == expected { add(thread.id + 2, thread.start, nextStamp, &following) }
        case .anyRune:
          if rune != UInt32(Ch.newline) { add(thread.id + 2, thread.start, nextStamp, &following) }
        case .anyRun:
          break
        }
      }
      if !hasRune { break }
      remainingSteps -= current.count + 1
      if remainingSteps < 0 { return nil }
      position += 1
      swap(&current, &following)
      currentStamp = nextStamp
    }
    return matched
  }
}
