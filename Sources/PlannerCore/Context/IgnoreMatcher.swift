/// Decides which build-context paths a `.dockerignore` excludes, exactly as BuildKit does.
///
/// This is moby/patternmatcher, the matcher BuildKit's file transfer (tonistiigi/fsutil) and
/// its Dockerfile linter call, reimplemented from its documented behaviour and test data:
///
/// - Each pattern is trimmed, `filepath.Clean`ed, loses a leading `!` (which makes it an
///   exception) and is checked with Go's `filepath.Match`. Patterns are compiled once, here.
/// - A pattern is anchored and matched against the whole `/`-separated path relative to the
///   context root. `*` and `?` stop at `/`, `[...]` is a character class, `\` escapes, and `**`
///   spans any number of directories (`**/x` also matches `x`; `a/**` matches below `a`, not
///   `a`). Upstream turns each pattern into a Go regular expression; planner compiles the very
///   same expression into a small backtracking program (see `Program`), so the odd corners
///   of that translation behave the same too: `**file` is a plain suffix test (it matches
///   `myfile`), `abc**` a plain prefix test (it matches `abc`), `^` in a wildcard pattern anchors
///   at the start, and `[*]`, `\d` or `[[:digit:]]` mean what they mean to Go's regexp.
/// - A path is excluded by a pattern when the pattern matches it or any of its parent
///   directories, and the last pattern that applies wins (`isExcluded(_:)`,
///   patternmatcher's `MatchesOrParentMatches`).
///
/// BuildKit's context walker uses the incremental form instead (`decide(_:parent:)`, fsutil's
/// `MatchesUsingParentResults`), which costs one match per pattern and path. The two agree on
/// every upstream vector and Docker documentation example, but not everywhere; see
/// `decide(_:parent:)`.
///
/// Known differences from upstream:
/// - Upstream reports a pattern whose regular expression does not compile (`[z-a]`,
///   `[Local-Only]`, `a*[`) only when that pattern is first evaluated; planner rejects it when the
///   matcher is built (`IgnorePatternError.syntaxErrorWhenUsed`). Docker fails the build either
///   way unless the pattern is never reached.
/// - Go regexp's Unicode classes (`\p{Greek}`, `\PL`), which a pattern can only reach through a
///   backslash escape, are not evaluated: such a pattern is rejected as
///   `IgnorePatternError.unsupported`.
/// - Windows semantics (`\` as separator) are not modelled; BuildKit on Linux and macOS uses `/`.
struct IgnoreMatcher: Sendable {
  /// The active patterns in file order (empty ones dropped), each compiled once.
  private let patterns: [Pattern]
  /// Whether any pattern is an exception (`!…`), patternmatcher's `Exclusions()`.
  let hasExceptions: Bool
  /// The literal part of every exception, for fsutil's decision not to enter an excluded
  /// directory; nil when some exception has a wildcard, so that every one must be entered.
  private let exceptionPrefixes: [[UInt8]]?

  /// Compiles the patterns, in order, as patternmatcher's `New` does.
  ///
  /// - Throws: `.loneExclamationMark` for `!` alone, `.syntaxError` for a pattern Go's
  ///   `filepath.Match` rejects, `.syntaxErrorWhenUsed` for one whose regular expression does not
  ///   compile, and `.unsupported` (see the type's documentation).
  init(patterns texts: [String]) throws(IgnorePatternError) {
    var compiled: [Pattern] = []
    var prefixes: [[UInt8]]? = []
    for text in texts {
      var bytes = GoText.trimSpace(Array(text.utf8))
      if bytes.isEmpty { continue }
      bytes = Self.clean(bytes)
      var isException = false
      if bytes[0] == UInt8(ascii: "!") {
        if bytes.count == 1 { throw .loneExclamationMark }
        isException = true
        bytes.removeFirst()
      }
      if Self.filepathMatch(pattern: bytes[...], name: [UInt8(ascii: ".")][...]) == nil {
        throw .syntaxError(pattern: String(decoding: bytes, as: UTF8.self))
      }
      let pattern = try Pattern(bytes, isException: isException)
      if isException, let known = prefixes {
        let literal = Self.withoutTrailingGlob(bytes)
        prefixes = literal.contains(where: Self.isWalkPatternCharacter) ? nil : known + [literal]
      }
      compiled.append(pattern)
    }
    patterns = compiled
    hasExceptions = compiled.contains(where: \.isException)
    exceptionPrefixes = prefixes
  }

  /// Whether the path is left out of the build context, patternmatcher's
  /// `MatchesOrParentMatches` after `filepath.Clean`.
  ///
  /// `path` is relative to the context root and `/`-separated; a trailing `/`, `./` or `..`
  /// elements are cleaned away first. The root itself (`.`, or an empty path) is never excluded.
  func isExcluded(_ path: String) -> Bool {
    let cleaned = Self.clean(Array(path.utf8))
    if cleaned == [UInt8(ascii: ".")] { return false }
    return cleaned.withUnsafeBufferPointer { text in
      var excluded = false
      for pattern in patterns {
        // An exception only matters once the path is excluded, a pattern only while it is not.
        guard pattern.isException == excluded else { continue }
        if pattern.matches(text) || pattern.matchesParent(of: text) {
          excluded = !pattern.isException
        }
      }
      return excluded
    }
  }

  /// Whether the path itself, ignoring its parent directories, is excluded: patternmatcher's
  /// `MatchesExact` after `filepath.Clean` (`.` is never excluded).
  func isExcludedIgnoringParents(_ path: String) -> Bool {
    let cleaned = Self.clean(Array(path.utf8))
    if cleaned == [UInt8(ascii: ".")] { return false }
    return cleaned.withUnsafeBufferPointer { text in
      var excluded = false
      for pattern in patterns where pattern.isException == excluded && pattern.matches(text) {
        excluded = !pattern.isException
      }
      return excluded
    }
  }
}

// MARK: - Walking a directory tree

extension IgnoreMatcher {
  /// What a directory walk knows about one path: whether it is excluded, and which patterns
  /// applied to it, so that its entries cost one match per pattern (fsutil's `MatchInfo`).
  struct Decision: Hashable, Sendable {
    let isExcluded: Bool
    /// Whether each pattern matched this path or, as fsutil records it, a parent.
    fileprivate let matched: [Bool]
  }

  /// Decides a path during a walk from the decision for its parent directory, as BuildKit's
  /// context walker does (fsutil's `MatchesUsingParentResults`).
  ///
  /// Pass `parent: nil` for entries of the context root (then parent directories are checked
  /// directly, as `isExcluded(_:)` does), and the parent's decision for everything deeper; a
  /// decision made by another matcher counts as none. `path` is cleaned like in `isExcluded(_:)`.
  ///
  /// This is what decides what BuildKit sends, and it differs from `isExcluded(_:)` in one
  /// respect: a pattern skipped at a directory (an exception while the directory is included, or
  /// a pattern while it is excluded) is not remembered as matching there, even if it does. So
  /// with `["docs", "!docs/a", "docs"]`, `docs/a` is sent although `isExcluded` says it is
  /// excluded, and with `["docs/a", "!docs"]` it is left out although `isExcluded` says it is
  /// included. Both agree on every upstream vector and documented example.
  func decide(_ path: String, parent: Decision?) -> Decision {
    let cleaned = Self.clean(Array(path.utf8))
    if cleaned == [UInt8(ascii: ".")] {
      return Decision(isExcluded: false, matched: Array(repeating: false, count: patterns.count))
    }
    let inherited = parent.map(\.matched).flatMap { $0.count == patterns.count ? $0 : nil }
    return cleaned.withUnsafeBufferPointer { text in
      var excluded = false
      var matched = Array(repeating: false, count: patterns.count)
      for (index, pattern) in patterns.enumerated() {
        var hit = inherited?[index] ?? false
        if !hit {
          guard pattern.isException == excluded else { continue }
          hit = pattern.matches(text) || (inherited == nil && pattern.matchesParent(of: text))
        }
        matched[index] = hit
        if hit { excluded = !pattern.isException }
      }
      return Decision(isExcluded: excluded, matched: matched)
    }
  }

  /// Whether a walker must look inside an excluded directory because an exception might
  /// re-include something below it. False means everything below stays excluded and the
  /// directory can be skipped, the shortcut BuildKit's walker takes: it enters the directory only
  /// if some exception has a wildcard, or some exception's literal path lies inside it.
  func mayReincludeBelow(_ directory: String) -> Bool {
    guard hasExceptions else { return false }
    guard let exceptionPrefixes else { return true }
    let inside = Self.clean(Array(directory.utf8)) + [UInt8(ascii: "/")]
    return exceptionPrefixes.contains { ($0 + [UInt8(ascii: "/")]).starts(with: inside) }
  }

  /// fsutil's `patternWithoutTrailingGlob`: the pattern without a final `/**`, then without a
  /// final `/*`.
  private static func withoutTrailingGlob(_ pattern: [UInt8]) -> [UInt8] {
    var literal = pattern[...]
    for suffix in ["/**", "/*"] where literal.reversed().starts(with: suffix.utf8.reversed()) {
      literal = literal.dropLast(suffix.utf8.count)
    }
    return Array(literal)
  }

  /// The characters that make fsutil treat an exception as a wildcard (`*[]?^\` off Windows).
  private static func isWalkPatternCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"),
      UInt8(ascii: "^"), UInt8(ascii: "\\"):
      return true
    default:
      return false
    }
  }
}

// MARK: - Errors

/// A `.dockerignore` pattern that Docker refuses. `description` is patternmatcher's message.
enum IgnorePatternError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A `!` with nothing after it.
  case loneExclamationMark
  /// A pattern Go's `filepath.Match` rejects (`[`, `[]a]`, `[a-b-c]`, a trailing `\`).
  /// Docker rejects the whole file when it builds the matcher.
  case syntaxError(pattern: String)
  /// A pattern `filepath.Match` accepts but whose regular expression Go does not compile
  /// (`[z-a]`, `[Local-Only]`, `a*[`). Docker fails when the pattern is first evaluated.
  case syntaxErrorWhenUsed(pattern: String)
  /// A pattern that reaches a Go regexp feature planner does not evaluate (`\p{…}` classes).
  case unsupported(pattern: String)

  /// The pattern at fault (after cleaning, without `!`), or nil for a lone `!`.
  var pattern: String? {
    switch self {
    case .loneExclamationMark: return nil
    case .syntaxError(let pattern), .syntaxErrorWhenUsed(let pattern), .unsupported(let pattern):
      return pattern
    }
  }

  var description: String {
    switch self {
    case .loneExclamationMark: return #"illegal exclusion pattern: "!""#
    case .syntaxError, .syntaxErrorWhenUsed: return "syntax error in pattern"
    case .unsupported(let pattern):
      return "planner cannot evaluate the regular-expression class in pattern '\(pattern)'"
    }
  }
}

// MARK: - One compiled pattern

extension IgnoreMatcher {
  /// One pattern, compiled the way patternmatcher classifies it.
  private struct Pattern: Sendable {
    enum Test: Sendable {
      /// The path equals the pattern.
      case exact([UInt8])
      /// The path starts with the pattern minus its final `**`.
      case prefix([UInt8])
      /// The path ends with the pattern minus its leading `**` (or is that minus a `/`).
      case suffix([UInt8])
      /// The pattern's regular expression matches the path.
      case program(Program)
    }

    let isException: Bool
    let test: Test

    init(_ bytes: [UInt8], isException: Bool) throws(IgnorePatternError) {
      self.isException = isException
      let translation = Translation(String(decoding: bytes, as: UTF8.self))
      switch translation.kind {
      case .exact: test = .exact(bytes)
      case .prefix: test = .prefix(Array(bytes.dropLast(2)))
      case .suffix: test = .suffix(Array(bytes.dropFirst(2)))
      case .regexp:
        do {
          test = .program(try RegexpParser.program(for: translation.regexp))
        } catch {
          let source = String(decoding: bytes, as: UTF8.self)
          switch error {
          case .invalid: throw .syntaxErrorWhenUsed(pattern: source)
          case .unsupported: throw .unsupported(pattern: source)
          }
        }
      }
    }

    func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
      switch test {
      case .exact(let literal):
        return path.count == literal.count && Self.equal(path, from: 0, literal)
      case .prefix(let literal):
        return path.count >= literal.count && Self.equal(path, from: 0, literal)
      case .suffix(let literal):
        if path.count >= literal.count
          && Self.equal(path, from: path.count - literal.count, literal)
        {
          return true
        }
        // `**/foo` also matches `foo`.
        return literal.first == UInt8(ascii: "/") && path.count == literal.count - 1
          && Self.equal(path, from: 0, literal.dropFirst())
      case .program(let program):
        return program.matches(path)
      }
    }

    /// Whether the pattern matches a parent of the (cleaned) path, trying the prefixes Go gets
    /// from splitting `filepath.Dir(path)` at each `/` (for `/a/b`: ``, `/a`).
    func matchesParent(of path: UnsafeBufferPointer<UInt8>) -> Bool {
      guard let lastSlash = path.lastIndex(of: UInt8(ascii: "/")) else { return false }
      let parentLength = lastSlash == 0 ? 1 : lastSlash
      for end in 0..<parentLength where path[end] == UInt8(ascii: "/") {
        if matches(UnsafeBufferPointer(rebasing: path[..<end])) { return true }
      }
      return matches(UnsafeBufferPointer(rebasing: path[..<parentLength]))
    }

    @inline(__always)
    private static func equal(
      _ path: UnsafeBufferPointer<UInt8>, from start: Int, _ literal: some Sequence<UInt8>
    ) -> Bool {
      var offset = start
      for byte in literal {
        if path[offset] != byte { return false }
        offset += 1
      }
      return true
    }
  }
}

// MARK: - Translation to a regular expression

extension IgnoreMatcher {
  /// patternmatcher's `compile`: how it classifies a cleaned pattern, and the Go regular
  /// expression it builds for the wildcard ones.
  ///
  /// Characters are translated one at a time without regard to context, exactly like upstream:
  /// `*` becomes `[^/]*`, `?` becomes `[^/]`, `**` becomes `(.*/)?` (or `.*` at the end),
  /// `.+()|{}$` are escaped, `\x` is copied as `\x`, and everything else (`[`, `]`, `^`, …) is
  /// copied as it is. A pattern starting with `**` is a suffix test unless a later character
  /// needs the regular expression; one ending in `**` with nothing special before it is a prefix
  /// test; one with nothing special at all is compared as it is.
  struct Translation {
    enum Kind { case exact, prefix, suffix, regexp }

    private(set) var kind = Kind.exact
    /// The regular expression, `^…$`; meaningful only for `.regexp`.
    private(set) var regexp: [Unicode.Scalar] = ["^"]

    init(_ pattern: String) {
      var scalars = Array(pattern.unicodeScalars)[...]
      // Go's text/scanner, which upstream reads the pattern with, skips a leading byte order mark.
      if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
      var isFirst = true
      while let scalar = scalars.popFirst() {
        switch scalar {
        case "*":
          if scalars.first == "*" {
            scalars.removeFirst()
            if scalars.first == "/" { scalars.removeFirst() }
            if scalars.isEmpty {
              if kind == .exact {
                kind = .prefix
              } else {
                regexp += [".", "*"]
                kind = .regexp
              }
            } else {
              regexp += ["(", ".", "*", "/", ")", "?"]
              kind = .regexp
            }
            if isFirst { kind = .suffix }
          } else {
            regexp += ["[", "^", "/", "]", "*"]
            kind = .regexp
          }
        case "?":
          regexp += ["[", "^", "/", "]"]
          kind = .regexp
        case ".", "+", "(", ")", "|", "{", "}", "$":
          regexp += ["\\", scalar]
        case "\\":
          if let escaped = scalars.popFirst() {
            regexp += ["\\", escaped]
            kind = .regexp
          } else {
            regexp.append("\\")
          }
        case "[", "]":
          regexp.append(scalar)
          kind = .regexp
        default:
          regexp.append(scalar)
        }
        isFirst = false
      }
      if kind == .regexp { regexp.append("$") }
    }
  }
}

// MARK: - The regular-expression subset

extension IgnoreMatcher {
  /// Parses the regular expressions `Translation` builds, with the rules and errors of Go's
  /// `regexp/syntax` under `syntax.Perl` (what `regexp.Compile` uses), into a `Program`.
  ///
  /// Covered: literals and every escape Go accepts (`\.`, `\n`, `\x41`, `\x{263a}`, `\101`,
  /// `\Q…\E`), `.` (anything but a newline), classes with ranges, negation, escapes, Perl classes
  /// (`\d`, `\s`, `\w` and negations) and POSIX classes (`[:alpha:]`…), `^`, `$`, `\A`, `\z`, `\b`,
  /// `\B`, and `*`, `+`, `?` (also non-greedy) on single characters plus `?` on a group, which is
  /// all translation can produce. Go's errors (bad ranges, unknown escapes, a missing `]`, a
  /// repetition with nothing to repeat) surface as `.invalid`; Unicode classes (`\p`) and the
  /// constructs translation never produces as `.unsupported`.
  struct RegexpParser {
    enum Failure: Error { case invalid, unsupported }

    private indirect enum Node {
      case literal(UInt32)
      case set(ScalarSet)
      case star(ScalarSet)
      case group([Node])
      case optional([Node])
      case beginText, endText, wordBoundary, notWordBoundary
    }

    private let text: [Unicode.Scalar]
    private var index = 0

    private init(_ text: [Unicode.Scalar]) { self.text = text }

    static func program(for regexp: [Unicode.Scalar]) throws(Failure) -> Program {
      var parser = RegexpParser(regexp)
      let nodes = try parser.sequence(depth: 0)
      var ops: [Program.Op] = []
      emit(nodes, into: &ops)
      return Program(ops: ops)
    }

    private var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
      index + offset < text.count ? text[index + offset] : nil
    }

    /// A concatenation, up to the end or (inside a group) the closing `)`, which is left in place.
    private mutating func sequence(depth: Int) throws(Failure) -> [Node] {
      var nodes: [Node] = []
      var lastWasRepetition = false
      while let scalar = current {
        var isRepetition = false
        switch scalar {
        case "(":
          if peek(1) == "?" { throw .unsupported }
          index += 1
          let inner = try sequence(depth: depth + 1)
          guard current == ")" else { throw .invalid }
          index += 1
          nodes.append(.group(inner))
        case ")":
          guard depth > 0 else { throw .invalid }
          return nodes
        case "|":
          throw .unsupported
        case "^":
          index += 1
          nodes.append(.beginText)
        case "$":
          index += 1
          nodes.append(.endText)
        case ".":
          index += 1
          nodes.append(.set(ScalarSet.anyButNewline))
        case "[":
          nodes.append(.set(try characterClass()))
        case "*", "+", "?":
          // Go: `a**` is an error, a repetition needs something before it, and a `?` right after
          // a repetition makes it non-greedy, which changes nothing about whether it matches.
          guard !lastWasRepetition, let operand = nodes.popLast() else { throw .invalid }
          index += 1
          if current == "?" { index += 1 }
          nodes += try Self.repeated(operand, by: scalar)
          isRepetition = true
        case "\\":
          nodes += try escapeOutsideClass()
        default:
          // `{` too: translation escapes every `{`, so a bare one is never a repetition count.
          index += 1
          nodes.append(.literal(scalar.value))
        }
        lastWasRepetition = isRepetition
      }
      return nodes
    }

    private static func repeated(_ operand: Node, by operator: Unicode.Scalar) throws(Failure)
      -> [Node]
    {
      let single: ScalarSet?
      switch operand {
      case .literal(let value): single = ScalarSet([value...value])
      case .set(let set): single = set
      default: single = nil
      }
      switch (`operator`, single) {
      case ("*", let set?): return [.star(set)]
      case ("+", let set?): return [.set(set), .star(set)]
      case ("?", _):
        if case .group(let inner) = operand { return [.optional(inner)] }
        return [.optional([operand])]
      default: throw .unsupported
      }
    }

    private mutating func escapeOutsideClass() throws(Failure) -> [Node] {
      switch peek(1) {
      case "A":
        index += 2
        return [.beginText]
      case "z":
        index += 2
        return [.endText]
      case "b":
        index += 2
        return [.wordBoundary]
      case "B":
        index += 2
        return [.notWordBoundary]
      case "C": throw .invalid
      case "Q":
        // Everything up to `\E` (or the end) is literal.
        index += 2
        var literals: [Node] = []
        while let scalar = current, !(scalar == "\\" && peek(1) == "E") {
          literals.append(.literal(scalar.value))
          index += 1
        }
        if current != nil { index += 2 }
        return literals
      case "p", "P": throw .unsupported
      default: break
      }
      if let perl = perlClass() { return [.set(ScalarSet(perl))] }
      return [.literal(try escapedScalar())]
    }

    /// `\d`, `\s`, `\w` or a negation, as ranges; consumed when present.
    private mutating func perlClass() -> [ClosedRange<UInt32>]? {
      guard current == "\\", let letter = peek(1) else { return nil }
      let ranges: [ClosedRange<UInt32>]
      switch letter {
      case "d", "D": ranges = [0x30...0x39]
      case "s", "S": ranges = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
      case "w", "W": ranges = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
      default: return nil
      }
      index += 2
      let isNegated = letter == "D" || letter == "S" || letter == "W"
      return isNegated ? ScalarSet.complement(of: ranges) : ranges
    }

    /// Go's `parseEscape`: the character a backslash sequence stands for.
    private mutating func escapedScalar() throws(Failure) -> UInt32 {
      index += 1  // the backslash
      guard let first = current else { throw .invalid }
      index += 1
      switch first {
      case "0"..."7":
        // A single non-zero digit would be a backreference, which Go does not support.
        if first != "0", !Self.isOctal(current) { throw .invalid }
        var value = first.value - 0x30
        for _ in 1..<3 {
          guard let digit = current, Self.isOctal(digit) else { break }
          value = value * 8 + digit.value - 0x30
          index += 1
        }
        return value
      case "x":
        guard let next = current else { throw .invalid }
        index += 1
        if next == "{" {
          var value: UInt32 = 0
          var digits = 0
          while true {
            guard let digit = current else { throw .invalid }
            index += 1
            if digit == "}" { break }
            guard let nibble = Self.hexValue(digit) else { throw .invalid }
            value = value * 16 + nibble
            if value > 0x10FFFF { throw .invalid }
            digits += 1
          }
          if digits == 0 { throw .invalid }
          return value
        }
        guard let high = Self.hexValue(next), let lowDigit = current,
          let low = Self.hexValue(lowDigit)
        else { throw .invalid }
        index += 1
        return high * 16 + low
      case "a": return 0x07
      case "f": return 0x0C
      case "n": return 0x0A
      case "r": return 0x0D
      case "t": return 0x09
      case "v": return 0x0B
      default:
        // Punctuation stands for itself; any other letter, digit or non-ASCII character is an
        // error in Go.
        guard first.isASCII, !Self.isAlphanumeric(first) else { throw .invalid }
        return first.value
      }
    }

    /// Go's `parseClass`, from the `[`.
    private mutating func characterClass() throws(Failure) -> ScalarSet {
      index += 1
      var negated = false
      if current == "^" {
        negated = true
        index += 1
      }
      var ranges: [ClosedRange<UInt32>] = []
      var isFirst = true  // a `]` right after `[` or `[^` is a literal
      while current != "]" || isFirst {
        isFirst = false
        if current == "[", peek(1) == ":", peek(2) != nil, let named = try namedClass() {
          ranges += named
          continue
        }
        if current == "\\", peek(1) == "p" || peek(1) == "P" { throw .unsupported }
        if let perl = perlClass() {
          ranges += perl
          continue
        }
        let low = try classCharacter()
        var high = low
        if current == "-", let next = peek(1), next != "]" {
          index += 1
          high = try classCharacter()
          if high < low { throw .invalid }
        }
        ranges.append(low...high)
      }
      index += 1
      return ScalarSet(negated ? ScalarSet.complement(of: ranges) : ranges)
    }

    private mutating func classCharacter() throws(Failure) -> UInt32 {
      guard let scalar = current else { throw .invalid }  // missing `]`
      if scalar == "\\" { return try escapedScalar() }
      index += 1
      return scalar.value
    }

    /// A POSIX class such as `[:alpha:]` or `[:^space:]` at the current `[:`. Like Go, this looks
    /// for the next `:]` anywhere further on; nil when there is none (then `[` is a literal).
    private mutating func namedClass() throws(Failure) -> [ClosedRange<UInt32>]? {
      var end = index + 2
      while end + 1 < text.count, !(text[end] == ":" && text[end + 1] == "]") { end += 1 }
      guard end + 1 < text.count else { return nil }
      var name = String(String.UnicodeScalarView(text[(index + 2)..<end]))
      index = end + 2
      let negated = name.hasPrefix("^")
      if negated { name.removeFirst() }
      let ranges: [ClosedRange<UInt32>]
      switch name {
      case "alnum": ranges = [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
      case "alpha": ranges = [0x41...0x5A, 0x61...0x7A]
      case "ascii": ranges = [0x00...0x7F]
      case "blank": ranges = [0x09...0x09, 0x20...0x20]
      case "cntrl": ranges = [0x00...0x1F, 0x7F...0x7F]
      case "digit": ranges = [0x30...0x39]
      case "graph": ranges = [0x21...0x7E]
      case "lower": ranges = [0x61...0x7A]
      case "print": ranges = [0x20...0x7E]
      case "punct": ranges = [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
      case "space": ranges = [0x09...0x0D, 0x20...0x20]
      case "upper": ranges = [0x41...0x5A]
      case "word": ranges = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
      case "xdigit": ranges = [0x30...0x39, 0x41...0x46, 0x61...0x66]
      default: throw .invalid
      }
      return negated ? ScalarSet.complement(of: ranges) : ranges
    }

    private static func isOctal(_ scalar: Unicode.Scalar?) -> Bool {
      guard let scalar else { return false }
      return ("0"..."7").contains(scalar)
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
      switch scalar {
      case "0"..."9": return scalar.value - 0x30
      case "a"..."f": return scalar.value - 0x61 + 10
      case "A"..."F": return scalar.value - 0x41 + 10
      default: return nil
      }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
      ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    /// Flattens the nodes into program operations; an optional group becomes a fork that either
    /// enters the group or jumps past it.
    private static func emit(_ nodes: [Node], into ops: inout [Program.Op]) {
      var canExtendLast = false  // whether a literal may join the `.bytes` op before it
      for node in nodes {
        switch node {
        case .literal(let value):
          guard Unicode.Scalar(value) != nil else {
            ops.append(.scalar(ScalarSet([])))  // a surrogate: Go decodes no text to it
            canExtendLast = false
            continue
          }
          if canExtendLast, case .bytes(var literal)? = ops.last {
            GoText.appendRune(value, to: &literal)
            ops[ops.count - 1] = .bytes(literal)
          } else {
            var literal: [UInt8] = []
            GoText.appendRune(value, to: &literal)
            ops.append(.bytes(literal))
          }
          canExtendLast = true
          continue
        case .set(let set): ops.append(.scalar(set))
        case .star(let set): ops.append(.star(set))
        case .group(let inner): emit(inner, into: &ops)
        case .optional(let inner):
          let fork = ops.count
          ops.append(.either(skipTo: 0))
          emit(inner, into: &ops)
          ops[fork] = .either(skipTo: ops.count)
        case .beginText: ops.append(.beginText)
        case .endText: ops.append(.endText)
        case .wordBoundary: ops.append(.wordBoundary)
        case .notWordBoundary: ops.append(.notWordBoundary)
        }
        canExtendLast = false
      }
    }
  }
}

// MARK: - The program

extension IgnoreMatcher {
  /// A compiled pattern regular expression: a flat list of operations over the UTF-8 bytes of a
  /// path, run by a backtracking matcher that remembers the states it has already seen fail, so
  /// that no pattern costs more than (operations × path length) steps.
  ///
  /// Like Go's `MatchString`, the program succeeds when it reaches its end; the `^…$` that
  /// translation puts around every expression make that a match of the whole path.
  struct Program: Sendable {
    enum Op: Sendable {
      /// These bytes, in order.
      case bytes([UInt8])
      /// One character from the set.
      case scalar(ScalarSet)
      /// Any number of characters from the set.
      case star(ScalarSet)
      /// Either the next operation, or the one at `skipTo`.
      case either(skipTo: Int)
      case beginText, endText
      /// Go's ASCII word boundary (`\b`) and its negation (`\B`).
      case wordBoundary, notWordBoundary
    }

    let ops: [Op]
    /// Whether more than one operation can consume a variable amount of text, so that failures
    /// are worth remembering.
    private let remembersFailures: Bool

    init(ops: [Op]) {
      self.ops = ops
      let branching = ops.filter {
        switch $0 {
        case .star, .either: return true
        default: return false
        }
      }
      remembersFailures = branching.count > 1
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
      guard remembersFailures else { return run(from: 0, at: 0, in: text, failed: nil) }
      let states = ops.count * (text.count + 1)
      return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (states + 63) / 64) {
        failed in
        failed.initialize(repeating: 0)
        return run(from: 0, at: 0, in: text, failed: failed)
      }
    }

    private func run(
      from start: Int, at startPosition: Int, in text: UnsafeBufferPointer<UInt8>,
      failed: UnsafeMutableBufferPointer<UInt64>?
    ) -> Bool {
      var index = start
      var position = startPosition
      while index < ops.count {
        switch ops[index] {
        case .bytes(let literal):
          guard text.count - position >= literal.count else { return false }
          for offset in 0..<literal.count where text[position + offset] != literal[offset] {
            return false
          }
          position += literal.count
        case .scalar(let set):
          guard let next = set.end(ofCharacterAt: position, in: text) else { return false }
          position = next
        case .beginText:
          guard position == 0 else { return false }
        case .endText:
          guard position == text.count else { return false }
        case .wordBoundary:
          guard Self.isWordBoundary(at: position, in: text) else { return false }
        case .notWordBoundary:
          guard !Self.isWordBoundary(at: position, in: text) else { return false }
        case .either(let skipTo):
          let state = index * (text.count + 1) + position
          if let failed, Self.isSet(state, in: failed) { return false }
          if run(from: index + 1, at: position, in: text, failed: failed)
            || run(from: skipTo, at: position, in: text, failed: failed)
          {
            return true
          }
          if let failed { Self.set(state, in: failed) }
          return false
        case .star(let set):
          // A star just before the final `$` only has to take the rest of the text.
          if index + 2 == ops.count, case .endText = ops[index + 1] {
            var end = position
            while end < text.count, let next = set.end(ofCharacterAt: end, in: text) { end = next }
            return end == text.count
          }
          let state = index * (text.count + 1) + position
          if let failed, Self.isSet(state, in: failed) { return false }
          var firstByte: UInt8? = nil
          if index + 1 < ops.count, case .bytes(let literal) = ops[index + 1] {
            firstByte = literal.first
          }
          var end = position
          while true {
            if firstByte == nil || (end < text.count && text[end] == firstByte),
              run(from: index + 1, at: end, in: text, failed: failed)
            {
              return true
            }
            guard let next = set.end(ofCharacterAt: end, in: text) else { break }
            end = next
          }
          if let failed { Self.set(state, in: failed) }
          return false
        }
        index += 1
      }
      return true
    }

    @inline(__always)
    private static func isSet(_ state: Int, in bits: UnsafeMutableBufferPointer<UInt64>) -> Bool {
      bits[state >> 6] & (1 << UInt64(state & 63)) != 0
    }

    @inline(__always)
    private static func set(_ state: Int, in bits: UnsafeMutableBufferPointer<UInt64>) {
      bits[state >> 6] |= 1 << UInt64(state & 63)
    }

    private static func isWordBoundary(at position: Int, in text: UnsafeBufferPointer<UInt8>)
      -> Bool
    {
      func isWordByte(_ index: Int) -> Bool {
        guard index >= 0, index < text.count else { return false }
        switch text[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
          UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
          return true
        default:
          return false
        }
      }
      return isWordByte(position - 1) != isWordByte(position)
    }
  }
}

extension IgnoreMatcher {
  /// A set of Unicode scalars, with a bitmap for ASCII and sorted ranges above it.
  struct ScalarSet: Sendable {
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0
    private var upper: [ClosedRange<UInt32>] = []
    /// Whether `upper` is every scalar above ASCII, so non-ASCII text need not be decoded.
    private var hasAllUpper = false

    static let anyButNewline = ScalarSet(complement(of: [0x0A...0x0A]))

    init(_ ranges: [ClosedRange<UInt32>]) {
      for range in Self.normalized(ranges) {
        for value in range.lowerBound..<max(range.lowerBound, min(range.upperBound + 1, 0x80)) {
          if value < 64 {
            asciiLow |= 1 << UInt64(value)
          } else {
            asciiHigh |= 1 << UInt64(value - 64)
          }
        }
        if range.upperBound >= 0x80 { upper.append(max(range.lowerBound, 0x80)...range.upperBound) }
      }
      hasAllUpper = upper.first.map { $0.lowerBound == 0x80 && $0.upperBound >= 0x10FFFF } ?? false
    }

    func contains(_ value: UInt32) -> Bool {
      if value < 64 { return asciiLow & (1 << UInt64(value)) != 0 }
      if value < 128 { return asciiHigh & (1 << UInt64(value - 64)) != 0 }
      if hasAllUpper { return true }
      var low = 0
      var high = upper.count
      while low < high {
        let middle = (low + high) / 2
        if upper[middle].upperBound < value {
          low = middle + 1
        } else {
          high = middle
        }
      }
      return low < upper.count && upper[low].contains(value)
    }

    /// The position after the character at `position` if it is in the set, else nil. Text that
    /// is not valid UTF-8 decodes like Go's, one U+FFFD per bad byte.
    @inline(__always)
    func end(ofCharacterAt position: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
      guard position < text.count else { return nil }
      let byte = text[position]
      if byte < 0x80 { return contains(UInt32(byte)) ? position + 1 : nil }
      let (rune, width) = GoText.decodeRune(text, at: position)
      return hasAllUpper || contains(rune) ? position + width : nil
    }

    /// Sorted, merged ranges.
    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
      var merged: [ClosedRange<UInt32>] = []
      for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
        if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
          merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
        } else {
          merged.append(range)
        }
      }
      return merged
    }

    /// Every scalar value up to U+10FFFF not in the ranges.
    static func complement(of ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
      var result: [ClosedRange<UInt32>] = []
      var next: UInt32 = 0
      for range in normalized(ranges) {
        if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
        next = range.upperBound + 1
      }
      if next <= 0x10FFFF { result.append(next...0x10FFFF) }
      return result
    }
  }
}

// MARK: - Go's path functions

extension IgnoreMatcher {
  /// Go's `filepath.Match` off Windows, which plain `COPY`/`ADD` source wildcards use one path
  /// element at a time: `*` is any run of non-`/` characters (so `**` is the same as `*`), `?`
  /// one non-`/` character, `[...]` / `[^...]` a class with ranges and `\` escapes, and `\x`
  /// stands for `x`. The whole name must match.
  ///
  /// Like Go, it reports a malformed pattern only in the part it had to read: `a[` fails for
  /// any name, but `*x*[` against `a` is just false.
  ///
  /// - Throws: `IgnorePatternError.syntaxError` where Go returns `filepath.ErrBadPattern`.
  static func filepathMatch(_ pattern: String, _ name: String) throws(IgnorePatternError) -> Bool {
    guard
      let matched = filepathMatch(pattern: Array(pattern.utf8)[...], name: Array(name.utf8)[...])
    else { throw .syntaxError(pattern: pattern) }
    return matched
  }

  /// `filepath.Match` on bytes; nil for a bad pattern.
  static func filepathMatch(pattern: ArraySlice<UInt8>, name: ArraySlice<UInt8>) -> Bool? {
    var pattern = pattern
    var name = name
    nextChunk: while !pattern.isEmpty {
      let (star, chunk, rest) = scanChunk(pattern)
      pattern = rest
      if star && chunk.isEmpty {
        return !name.contains(UInt8(ascii: "/"))  // a trailing `*` takes the rest of the element
      }
      switch matchChunk(chunk, name) {
      case .bad: return nil
      case .matched(let remainder) where remainder.isEmpty || !pattern.isEmpty:
        name = remainder
        continue nextChunk
      case .matched, .failed:
        break
      }
      if star {
        // Let the star take one more byte at a time, never a `/`.
        var skip = name.startIndex
        while skip < name.endIndex && name[skip] != UInt8(ascii: "/") {
          switch matchChunk(chunk, name[(skip + 1)...]) {
          case .bad: return nil
          case .matched(let remainder) where !(pattern.isEmpty && !remainder.isEmpty):
            name = remainder
            continue nextChunk
          case .matched, .failed:
            skip += 1
          }
        }
      }
      return false
    }
    return name.isEmpty
  }

  private enum ChunkMatch {
    case matched(ArraySlice<UInt8>)
    case failed
    case bad
  }

  /// The stars at the start of the pattern, and the text up to the next star outside a class.
  private static func scanChunk(_ pattern: ArraySlice<UInt8>) -> (
    star: Bool, chunk: ArraySlice<UInt8>, rest: ArraySlice<UInt8>
  ) {
    var pattern = pattern
    var star = false
    while pattern.first == UInt8(ascii: "*") {
      pattern.removeFirst()
      star = true
    }
    var inClass = false
    var index = pattern.startIndex
    while index < pattern.endIndex {
      switch pattern[index] {
      case UInt8(ascii: "\\"):
        if index + 1 < pattern.endIndex { index += 1 }
      case UInt8(ascii: "["):
        inClass = true
      case UInt8(ascii: "]"):
        inClass = false
      case UInt8(ascii: "*") where !inClass:
        return (star, pattern[..<index], pattern[index...])
      default:
        break
      }
      index += 1
    }
    return (star, pattern, pattern[pattern.endIndex...])
  }

  /// Matches a star-free chunk at the start of `name`. After a mismatch it keeps reading the
  /// chunk, only to find syntax errors, as Go does.
  private static func matchChunk(_ chunk: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>)
    -> ChunkMatch
  {
    var chunk = chunk
    var name = name
    var failed = false
    while let first = chunk.first {
      failed = failed || name.isEmpty
      switch first {
      case UInt8(ascii: "["):
        var rune: UInt32 = 0
        if !failed {
          let (decoded, width) = GoText.decodeRune(name, at: name.startIndex)
          rune = decoded
          name = name.dropFirst(width)
        }
        chunk.removeFirst()
        var negated = false
        if chunk.first == UInt8(ascii: "^") {
          negated = true
          chunk.removeFirst()
        }
        var found = false
        var rangeCount = 0
        while true {
          if chunk.first == UInt8(ascii: "]") && rangeCount > 0 {
            chunk.removeFirst()
            break
          }
          guard let (low, afterLow) = classCharacter(chunk) else { return .bad }
          chunk = afterLow
          var high = low
          if chunk.first == UInt8(ascii: "-") {
            guard let (upper, afterHigh) = classCharacter(chunk.dropFirst()) else { return .bad }
            high = upper
            chunk = afterHigh
          }
          found = found || (low <= rune && rune <= high)
          rangeCount += 1
        }
        failed = failed || found == negated
      case UInt8(ascii: "?"):
        if !failed {
          failed = name.first == UInt8(ascii: "/")
          name = name.dropFirst(GoText.decodeRune(name, at: name.startIndex).width)
        }
        chunk.removeFirst()
      default:
        if first == UInt8(ascii: "\\") {
          chunk.removeFirst()
          if chunk.isEmpty { return .bad }
        }
        if !failed {
          failed = chunk.first != name.first
          name.removeFirst()
        }
        chunk.removeFirst()
      }
    }
    return failed ? .failed : .matched(name)
  }

  /// Go's `getEsc`: one possibly escaped character of a class, which must be followed by more.
  private static func classCharacter(_ chunk: ArraySlice<UInt8>) -> (UInt32, ArraySlice<UInt8>)? {
    var chunk = chunk
    guard let first = chunk.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "]") else {
      return nil
    }
    if first == UInt8(ascii: "\\") {
      chunk.removeFirst()
      if chunk.isEmpty { return nil }
    }
    let (rune, width) = GoText.decodeRune(chunk, at: chunk.startIndex)
    if rune == GoText.runeError && width == 1 { return nil }
    let rest = chunk.dropFirst(width)
    return rest.isEmpty ? nil : (rune, rest)
  }

  /// Go's `path.Clean` (and `filepath.Clean` off Windows): the shortest equivalent path, by
  /// removing empty and `.` elements, resolving `..` against the element before it (or dropping
  /// it right after the root) and removing a trailing `/`. An empty result is `.`.
  static func clean(_ path: String) -> String {
    String(decoding: clean(Array(path.utf8)), as: UTF8.self)
  }

  static func clean(_ path: [UInt8]) -> [UInt8] {
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    if path.isEmpty { return [dot] }
    let isRooted = path[0] == slash
    var out: [UInt8] = []
    out.reserveCapacity(path.count)
    var read = 0
    // `out[..<floor]` is what `..` may not remove: the root, or leading `..` elements.
    var floor = 0
    if isRooted {
      out.append(slash)
      read = 1
      floor = 1
    }
    let count = path.count
    while read < count {
      if path[read] == slash {
        read += 1
      } else if path[read] == dot && (read + 1 == count || path[read + 1] == slash) {
        read += 1
      } else if path[read] == dot && read + 1 < count && path[read + 1] == dot
        && (read + 2 == count || path[read + 2] == slash)
      {
        read += 2
        if out.count > floor {
          // Drop the last element and the `/` before it.
          var removed: UInt8
          repeat { removed = out.removeLast() } while out.count > floor && removed != slash
        } else if !isRooted {
          if !out.isEmpty { out.append(slash) }
          out += [dot, dot]
          floor = out.count
        }
      } else {
        if (isRooted && out.count != 1) || (!isRooted && !out.isEmpty) { out.append(slash) }
        while read < count && path[read] != slash {
          out.append(path[read])
          read += 1
        }
      }
    }
    return out.isEmpty ? [dot] : out
  }
}
