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
  /// The patterns' compiled data.
  private let tables: Tables
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
    var tables = Tables()
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
      let pattern = try Pattern(bytes, isException: isException, tables: &tables)
      if isException, let known = prefixes {
        let literal = Self.withoutTrailingGlob(bytes)
        prefixes = literal.contains(where: Self.isWalkPatternCharacter) ? nil : known + [literal]
      }
      compiled.append(pattern)
    }
    patterns = compiled
    self.tables = tables
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
    return withView(of: cleaned) { text, patterns, view in
      Self.withParents(of: text) { parents in
        var excluded = false
        for pattern in patterns {
          // An exception only matters once the path is excluded, a pattern only while it is not.
          guard pattern.isException == excluded else { continue }
          if pattern.matches(text, in: view)
            || pattern.matchesParent(of: text, parents: parents, in: view)
          {
            excluded = !pattern.isException
          }
        }
        return excluded
      }
    }
  }

  /// Whether the path itself, ignoring its parent directories, is excluded: patternmatcher's
  /// `MatchesExact` after `filepath.Clean` (`.` is never excluded).
  func isExcludedIgnoringParents(_ path: String) -> Bool {
    let cleaned = Self.clean(Array(path.utf8))
    if cleaned == [UInt8(ascii: ".")] { return false }
    return withView(of: cleaned) { text, patterns, view in
      var excluded = false
      for pattern in patterns where pattern.isException == excluded {
        if pattern.matches(text, in: view) { excluded = !pattern.isException }
      }
      return excluded
    }
  }

  /// Runs `body` with the lengths of the parent directories Go tries for a cleaned path: the
  /// prefixes of `filepath.Dir(path)` that end at a `/`, and that directory itself (for `a/b/c`:
  /// 1 and 3, `a` and `a/b`; for `/a/b`: 0 and 2; for `/a`: 0 and 1, `` and `/`). The parent at
  /// index `i` has `i` slashes.
  private static func withParents<Result>(
    of path: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Int>) -> Result
  ) -> Result {
    withUnsafeTemporaryAllocation(of: Int.self, capacity: path.count + 1) { buffer in
      var count = 0
      for index in 0..<path.count where path[index] == UInt8(ascii: "/") {
        buffer[count] = index
        count += 1
      }
      if count == 1 && buffer[0] == 0 && path.count > 1 {
        buffer[1] = 1  // `/a`: the root `/` is a parent too
        count = 2
      }
      return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }
  }

  /// Runs `body` with unsafe views of the path, the patterns and their tables.
  private func withView<Result>(
    of path: [UInt8],
    _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Pattern>, View) -> Result
  ) -> Result {
    path.withUnsafeBufferPointer { text in
      patterns.withUnsafeBufferPointer { patterns in
        tables.withView { view in body(text, patterns, view) }
      }
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
    return withView(of: cleaned) { text, patterns, view in
      var excluded = false
      var matched = Array(repeating: false, count: patterns.count)
      for (index, pattern) in patterns.enumerated() {
        var hit = inherited?[index] ?? false
        if !hit {
          guard pattern.isException == excluded else { continue }
          hit =
            pattern.matches(text, in: view)
            || (inherited == nil
              && Self.withParents(of: text) {
                pattern.matchesParent(of: text, parents: $0, in: view)
              })
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
  fileprivate struct Pattern: Sendable {
    enum Test: Sendable {
      /// The path equals the pattern (a range of the tables' bytes).
      case exact(Range<Int>)
      /// The path starts with the pattern minus its final `**`.
      case prefix(Range<Int>)
      /// The path ends with the pattern minus its leading `**` (or is that minus a `/`).
      case suffix(Range<Int>)
      /// The pattern's regular expression matches the path.
      case program(Program)
    }

    let isException: Bool
    let test: Test

    init(_ bytes: [UInt8], isException: Bool, tables: inout Tables) throws(IgnorePatternError) {
      self.isException = isException
      let translation = Translation(String(decoding: bytes, as: UTF8.self))
      switch translation.kind {
      case .exact: test = .exact(tables.add(bytes: bytes))
      case .prefix: test = .prefix(tables.add(bytes: bytes.dropLast(2)))
      case .suffix: test = .suffix(tables.add(bytes: bytes.dropFirst(2)))
      case .regexp:
        do {
          test = .program(try RegexpParser.program(for: translation.regexp, tables: &tables))
        } catch {
          let source = String(decoding: bytes, as: UTF8.self)
          switch error {
          case .invalid: throw .syntaxErrorWhenUsed(pattern: source)
          case .unsupported: throw .unsupported(pattern: source)
          }
        }
      }
    }

    func matches(_ path: UnsafeBufferPointer<UInt8>, in view: View) -> Bool {
      switch test {
      case .exact(let range):
        let literal = view.bytes(range)
        return path.count == literal.count && Self.equal(path, from: 0, literal)
      case .prefix(let range):
        let literal = view.bytes(range)
        return path.count >= literal.count && Self.equal(path, from: 0, literal)
      case .suffix(let range):
        let literal = view.bytes(range)
        if path.count >= literal.count, Self.equal(path, from: path.count - literal.count, literal)
        {
          return true
        }
        // `**/foo` also matches `foo`.
        return literal.first == UInt8(ascii: "/") && path.count == literal.count - 1
          && Self.equal(path, from: 0, UnsafeBufferPointer(rebasing: literal.dropFirst()))
      case .program(let program):
        return program.matches(path, in: view)
      }
    }

    /// Whether the pattern matches one of the parents (see `withParents`) of the cleaned path,
    /// trying only those it could match.
    func matchesParent(
      of path: UnsafeBufferPointer<UInt8>, parents: UnsafeBufferPointer<Int>, in view: View
    ) -> Bool {
      guard let longest = parents.last else { return false }
      switch test {
      case .exact(let range):
        // Only the parent exactly as long as the pattern can equal it.
        let literal = view.bytes(range)
        return literal.count <= longest
          && (literal.count == longest || path[literal.count] == UInt8(ascii: "/"))
          && Self.equal(path, from: 0, literal)
      case .prefix(let range):
        // Every parent starts like the longest one.
        let literal = view.bytes(range)
        return literal.count <= longest && Self.equal(path, from: 0, literal)
      case .suffix:
        return parents.contains { matches(UnsafeBufferPointer(rebasing: path[..<$0]), in: view) }
      case .program(let program):
        // A program whose matches all have n slashes can only match the parent with n.
        if let slashes = program.slashCount {
          return slashes < parents.count
            && program.matches(UnsafeBufferPointer(rebasing: path[..<parents[slashes]]), in: view)
        }
        return parents.contains {
          program.matches(UnsafeBufferPointer(rebasing: path[..<$0]), in: view)
        }
      }
    }

    @inline(__always)
    private static func equal(
      _ path: UnsafeBufferPointer<UInt8>, from start: Int, _ literal: UnsafeBufferPointer<UInt8>
    ) -> Bool {
      for offset in 0..<literal.count where path[start + offset] != literal[offset] {
        return false
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
      case set([ClosedRange<UInt32>])
      case star([ClosedRange<UInt32>])
      case group([Node])
      case optional([Node])
      case beginText, endText, wordBoundary, notWordBoundary
    }

    private let text: [Unicode.Scalar]
    private var index = 0

    private init(_ text: [Unicode.Scalar]) { self.text = text }

    static func program(for regexp: [Unicode.Scalar], tables: inout Tables) throws(Failure)
      -> Program
    {
      var parser = RegexpParser(regexp)
      let nodes = try parser.sequence(depth: 0)
      var ops: [Program.Op] = []
      emit(nodes, into: &ops, tables: &tables)
      return Program(ops: ops, tables: &tables)
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
      let single: [ClosedRange<UInt32>]?
      switch operand {
      case .literal(let value): single = [value...value]
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
      if let perl = perlClass() { return [.set(perl)] }
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
    private mutating func characterClass() throws(Failure) -> [ClosedRange<UInt32>] {
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
      return negated ? ScalarSet.complement(of: ranges) : ranges
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
    private static func emit(
      _ nodes: [Node], into ops: inout [Program.Op], tables: inout Tables
    ) {
      var canExtendLast = false  // whether a literal may join the `.bytes` op before it
      for node in nodes {
        switch node {
        case .literal(let value):
          guard Unicode.Scalar(value) != nil else {
            ops.append(.scalar(tables.add(set: [])))  // a surrogate: Go decodes no text to it
            canExtendLast = false
            continue
          }
          if canExtendLast, case .bytes(let range)? = ops.last {
            ops[ops.count - 1] = .bytes(tables.append(value, extending: range))
          } else {
            ops.append(.bytes(tables.append(value, extending: nil)))
          }
          canExtendLast = true
          continue
        case .set(let ranges): ops.append(.scalar(tables.add(set: ranges)))
        case .star(let ranges): ops.append(.star(tables.add(set: ranges)))
        case .group(let inner): emit(inner, into: &ops, tables: &tables)
        case .optional(let inner):
          let fork = ops.count
          ops.append(.either(skipTo: 0))
          emit(inner, into: &ops, tables: &tables)
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
  /// The compiled patterns' literal bytes, character sets and program operations, kept in flat
  /// arrays that patterns refer to by position, so that matching a path touches no reference
  /// counts.
  struct Tables: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var ranges: [ClosedRange<UInt32>] = []
    private(set) var sets: [ScalarSet] = []
    private(set) var ops: [Program.Op] = []

    mutating func add(bytes literal: some Collection<UInt8>) -> Range<Int> {
      let start = bytes.count
      bytes += literal
      return start..<bytes.count
    }

    /// Adds a scalar to the bytes, extending `range` when it ends the bytes; returns the range.
    mutating func append(_ scalar: UInt32, extending range: Range<Int>?) -> Range<Int> {
      let start =
        range.flatMap { $0.upperBound == bytes.count ? $0.lowerBound : nil } ?? bytes.count
      GoText.appendRune(scalar, to: &bytes)
      return start..<bytes.count
    }

    /// Adds a character set given as ranges in any order; returns its index.
    mutating func add(set input: [ClosedRange<UInt32>]) -> Int {
      var set = ScalarSet()
      let start = ranges.count
      for range in ScalarSet.normalized(input) {
        set.addASCII(range)
        if range.upperBound >= 0x80 {
          ranges.append(max(range.lowerBound, 0x80)...range.upperBound)
        }
      }
      set.upper = start..<ranges.count
      set.hasAllUpper = set.upper.count == 1 && ranges[start] == 0x80...0x10FFFF
      sets.append(set)
      return sets.count - 1
    }

    mutating func add(ops program: [Program.Op]) -> Range<Int> {
      let start = ops.count
      ops += program
      return start..<ops.count
    }

    /// Runs `body` with unsafe views of the tables, valid only during the call.
    func withView<Result>(_ body: (View) -> Result) -> Result {
      bytes.withUnsafeBufferPointer { bytes in
        ranges.withUnsafeBufferPointer { ranges in
          sets.withUnsafeBufferPointer { sets in
            ops.withUnsafeBufferPointer { ops in
              body(View(bytes: bytes, ranges: ranges, sets: sets, ops: ops))
            }
          }
        }
      }
    }
  }

  /// The tables during one call.
  struct View {
    let bytes: UnsafeBufferPointer<UInt8>
    let ranges: UnsafeBufferPointer<ClosedRange<UInt32>>
    let sets: UnsafeBufferPointer<ScalarSet>
    let ops: UnsafeBufferPointer<Program.Op>

    @inline(__always)
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: bytes[range])
    }
  }

  /// A compiled pattern regular expression: a list of operations over the UTF-8 bytes of a path,
  /// run by a backtracking matcher that remembers the states it has already seen fail, so that
  /// no pattern costs more than (operations × path length) steps.
  ///
  /// Like Go's `MatchString`, the program succeeds when it reaches its end; the `^…$` that
  /// translation puts around every expression make that a match of the whole path.
  struct Program: Sendable {
    enum Op: Sendable {
      /// These bytes (a range of the tables' bytes), in order.
      case bytes(Range<Int>)
      /// One character from the set (an index into the tables' sets).
      case scalar(Int)
      /// Any number of characters from the set.
      case star(Int)
      /// Either the next operation, or the one at `skipTo` (counted from the program's start).
      case either(skipTo: Int)
      case beginText, endText
      /// Go's ASCII word boundary (`\b`) and its negation (`\B`).
      case wordBoundary, notWordBoundary
    }

    /// The operations, in the tables.
    private let ops: Range<Int>
    /// How many `/` every match has, when only literal bytes can match one; then a parent
    /// directory with another number of `/` need not be tried.
    let slashCount: Int?
    /// The bytes every match starts with, and those it ends with, checked before running the
    /// program.
    private let leadingBytes: Range<Int>
    private let trailingBytes: Range<Int>
    /// Whether more than one operation can consume a variable amount of text, so that failures
    /// are worth remembering.
    private let remembersFailures: Bool

    init(ops program: [Op], tables: inout Tables) {
      var branching = 0
      var slashes: Int? = 0
      for op in program {
        switch op {
        case .bytes(let range):
          slashes = slashes.map {
            $0 + tables.bytes[range].count(where: { $0 == UInt8(ascii: "/") })
          }
        case .scalar(let set):
          if tables.sets[set].containsASCII(UInt8(ascii: "/")) { slashes = nil }
        case .star(let set):
          branching += 1
          if tables.sets[set].containsASCII(UInt8(ascii: "/")) { slashes = nil }
        case .either:
          branching += 1
          slashes = nil
        case .beginText, .endText, .wordBoundary, .notWordBoundary:
          break
        }
      }
      slashCount = slashes
      remembersFailures = branching > 1
      if program.count > 1, case .beginText = program[0], case .bytes(let range) = program[1] {
        leadingBytes = range
      } else {
        leadingBytes = 0..<0
      }
      trailingBytes = Self.trailingBytes(of: program)
      ops = tables.add(ops: program)
    }

    /// The bytes just before a final `$`, when no fork can skip past them.
    private static func trailingBytes(of program: [Op]) -> Range<Int> {
      guard program.count > 1, case .endText = program[program.count - 1],
        case .bytes(let range) = program[program.count - 2]
      else { return 0..<0 }
      for op in program {
        if case .either(let skipTo) = op, skipTo > program.count - 2 { return 0..<0 }
      }
      return range
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>, in view: View) -> Bool {
      let leading = view.bytes(leadingBytes)
      guard text.count >= leading.count else { return false }
      for offset in 0..<leading.count where text[offset] != leading[offset] { return false }
      let trailing = view.bytes(trailingBytes)
      guard text.count >= trailing.count else { return false }
      let tail = text.count - trailing.count
      for offset in 0..<trailing.count where text[tail + offset] != trailing[offset] {
        return false
      }
      let run = Run(ops: UnsafeBufferPointer(rebasing: view.ops[ops]), view: view, text: text)
      guard remembersFailures else { return run.succeeds(failed: nil) }
      let states = ops.count * (text.count + 1)
      return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (states + 63) / 64) {
        failed in
        failed.initialize(repeating: 0)
        return run.succeeds(failed: failed)
      }
    }
  }

  /// One run of a program over one text: a backtracking search that keeps its choices on an
  /// explicit stack rather than the call stack, so that no pattern can exhaust it.
  ///
  /// A fork first enters its group and a star first takes nothing; the other way (skipping the
  /// group, or taking one more character and meeting the star again) is its last, so a choice
  /// is dropped from the stack when it is taken, and its state (operation, position) marked as
  /// failed: if the other way succeeds, the run is over anyway. No state is explored twice, so a
  /// run costs at most about (operations × text length) steps.
  private struct Run {
    let ops: UnsafeBufferPointer<Program.Op>
    let view: View
    let text: UnsafeBufferPointer<UInt8>

    /// A fork or star met at a position, whose other way has not been tried yet.
    private struct Choice {
      var op: Int
      var position: Int
    }

    /// Whether the program matches; `failed` remembers the states of forks and stars that have
    /// failed, when the program has more than one of them.
    func succeeds(failed: UnsafeMutableBufferPointer<UInt64>?) -> Bool {
      // Operations only move forward, so a path holds at most one choice per operation.
      withUnsafeTemporaryAllocation(of: Choice.self, capacity: ops.count) { choices in
        var depth = 0
        var index = 0
        var position = 0
        while true {
          if index == ops.count { return true }
          var isStuck = false
          switch ops[index] {
          case .bytes(let range):
            let literal = view.bytes(range)
            isStuck = !Self.text(text, at: position, startsWith: literal)
            position += literal.count
          case .scalar(let set):
            let next = view.sets[set].end(ofCharacterAt: position, in: text, view: view)
            isStuck = next == nil
            position = next ?? position
          case .beginText: isStuck = position != 0
          case .endText: isStuck = position != text.count
          case .wordBoundary: isStuck = !isWordBoundary(at: position)
          case .notWordBoundary: isStuck = isWordBoundary(at: position)
          case .either, .star:
            if case .star(let set) = ops[index], index + 2 == ops.count,
              case .endText = ops[index + 1]
            {
              // A star just before the final `$` only has to take the rest of the text.
              return takesAll(view.sets[set], from: position)
                || backtracks(
                  choices, &depth, &index, &position, failed)
            }
            if let failed, Self.isSet(state(index, position), in: failed) {
              isStuck = true
            } else {
              choices[depth] = Choice(op: index, position: position)
              depth += 1
            }
          }
          if isStuck {
            guard backtracks(choices, &depth, &index, &position, failed) else { return false }
          } else {
            index += 1
          }
        }
      }
    }

    /// Moves to the other way of the latest choice that has one, marking each choice it drops
    /// as failed; false when none is left.
    private func backtracks(
      _ choices: UnsafeMutableBufferPointer<Choice>, _ depth: inout Int, _ index: inout Int,
      _ position: inout Int, _ failed: UnsafeMutableBufferPointer<UInt64>?
    ) -> Bool {
      while depth > 0 {
        depth -= 1
        let choice = choices[depth]
        if let failed { Self.set(state(choice.op, choice.position), in: failed) }
        switch ops[choice.op] {
        case .either(let skipTo):
          (index, position) = (skipTo, choice.position)
          return true
        case .star(let set):
          // Take one more character and meet the star again.
          if let next = view.sets[set].end(ofCharacterAt: choice.position, in: text, view: view) {
            (index, position) = (choice.op, next)
            return true
          }
        default:
          break
        }
      }
      return false
    }

    private func takesAll(_ set: ScalarSet, from start: Int) -> Bool {
      var end = start
      while end < text.count, let next = set.end(ofCharacterAt: end, in: text, view: view) {
        end = next
      }
      return end == text.count
    }

    @inline(__always)
    private static func text(
      _ text: UnsafeBufferPointer<UInt8>, at position: Int,
      startsWith literal: UnsafeBufferPointer<UInt8>
    ) -> Bool {
      guard text.count - position >= literal.count else { return false }
      for offset in 0..<literal.count where text[position + offset] != literal[offset] {
        return false
      }
      return true
    }

    @inline(__always)
    private func state(_ op: Int, _ position: Int) -> Int { op * (text.count + 1) + position }

    @inline(__always)
    private static func isSet(_ state: Int, in bits: UnsafeMutableBufferPointer<UInt64>) -> Bool {
      bits[state >> 6] & (1 << UInt64(state & 63)) != 0
    }

    @inline(__always)
    private static func set(_ state: Int, in bits: UnsafeMutableBufferPointer<UInt64>) {
      bits[state >> 6] |= 1 << UInt64(state & 63)
    }

    private func isWordBoundary(at position: Int) -> Bool {
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

  /// A set of Unicode scalars: a bitmap for ASCII, and sorted ranges above it in the tables.
  struct ScalarSet: Sendable {
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0
    /// The ranges above ASCII, in the tables.
    fileprivate var upper: Range<Int> = 0..<0
    /// Whether `upper` is every scalar above ASCII, so that non-ASCII text need not be decoded.
    fileprivate var hasAllUpper = false

    /// Every scalar but a newline, Go's `.`.
    static let anyButNewline = complement(of: [0x0A...0x0A])

    fileprivate mutating func addASCII(_ range: ClosedRange<UInt32>) {
      guard range.lowerBound < 0x80 else { return }
      for value in range.lowerBound...min(range.upperBound, 0x7F) {
        if value < 64 {
          asciiLow |= 1 << UInt64(value)
        } else {
          asciiHigh |= 1 << UInt64(value - 64)
        }
      }
    }

    @inline(__always)
    func containsASCII(_ byte: UInt8) -> Bool {
      byte < 64 ? asciiLow & (1 << UInt64(byte)) != 0 : asciiHigh & (1 << UInt64(byte - 64)) != 0
    }

    /// The position after the character at `position` if it is in the set, else nil. Text that
    /// is not valid UTF-8 decodes like Go's, one U+FFFD per bad byte.
    @inline(__always)
    func end(ofCharacterAt position: Int, in text: UnsafeBufferPointer<UInt8>, view: View) -> Int? {
      guard position < text.count else { return nil }
      let byte = text[position]
      if byte < 0x80 { return containsASCII(byte) ? position + 1 : nil }
      let (rune, width) = GoText.decodeRune(text, at: position)
      return hasAllUpper || containsUpper(rune, view: view) ? position + width : nil
    }

    private func containsUpper(_ value: UInt32, view: View) -> Bool {
      let ranges = UnsafeBufferPointer(rebasing: view.ranges[upper])
      var low = 0
      var high = ranges.count
      while low < high {
        let middle = (low + high) / 2
        if ranges[middle].upperBound < value {
          low = middle + 1
        } else {
          high = middle
        }
      }
      return low < ranges.count && ranges[low].contains(value)
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

  /// Whether `clean` would return the (non-empty) path unchanged, the common case, which then
  /// costs no copy.
  private static func isClean(_ path: [UInt8]) -> Bool {
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    if path == [slash] || path == [dot] { return true }
    if path.last == slash { return false }
    let isRooted = path[0] == slash
    var start = isRooted ? 1 : 0
    var onlyParents = !isRooted  // a relative path may start with `..` elements
    while start <= path.count {
      let end = path[start...].firstIndex(of: slash) ?? path.count
      switch end - start {
      case 0: return false
      case 1 where path[start] == dot: return false
      case 2 where path[start] == dot && path[start + 1] == dot:
        if !onlyParents { return false }
      default: onlyParents = false
      }
      start = end + 1
    }
    return true
  }

  static func clean(_ path: [UInt8]) -> [UInt8] {
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    if path.isEmpty { return [dot] }
    if isClean(path) { return path }
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
