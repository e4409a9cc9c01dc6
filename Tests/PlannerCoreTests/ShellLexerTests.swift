import Foundation
import Testing

@testable import PlannerCore

/// BuildKit's shell-lexer vectors (`../shared/corpora/buildkit-shell-lex`), read the way
/// upstream's `lex_test.go` reads them, plus focused checks of what the vectors leave out.
@Suite("BuildKit shell lexer")
struct ShellLexerTests {
  static let corpusName = "buildkit-shell-lex"
  static let corpus = SharedCorpus.corpus(corpusName)

  // MARK: Helpers

  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  /// Go's `bufio.Scanner` line splitting: `\n` ends a line, a `\r` before it is dropped, and a
  /// last line without `\n` still counts.
  static func lines(_ data: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var start = 0
    for (index, byte) in data.enumerated() where byte == UInt8(ascii: "\n") {
      lines.append(Array(data[start..<index]))
      start = index + 1
    }
    if start < data.count { lines.append(Array(data[start...])) }
    return lines.map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : $0 }
  }

  static func split(_ bytes: [UInt8], on separator: Character) -> [[UInt8]] {
    bytes.split(
      separator: UInt8(ascii: separator.unicodeScalars.first ?? "|"),
      omittingEmptySubsequences: false
    ).map(Array.init)
  }

  static func trimLeadingSpaces(_ bytes: [UInt8]) -> [UInt8] {
    Array(bytes.drop { $0 == UInt8(ascii: " ") })
  }

  static func read(_ name: String, in corpus: URL) throws -> [UInt8] {
    Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
  }

  static let defaultLexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))

  static func word(
    _ input: String, _ env: [(String, String)] = [], lexer: ShellLexer = defaultLexer
  ) throws(ShellLexError) -> String {
    text(try lexer.processWord(bytes(input), environment: ShellVariables(env)).value)
  }

  static func words(
    _ input: String, _ env: [(String, String)] = [], lexer: ShellLexer = defaultLexer
  ) throws(ShellLexError) -> [String] {
    try lexer.processWords(bytes(input), environment: ShellVariables(env)).map(text)
  }

  static func failure(
    _ input: String, _ env: [(String, String)] = [], lexer: ShellLexer = defaultLexer
  ) -> String? {
    do {
      _ = try lexer.processWord(bytes(input), environment: ShellVariables(env))
      return nil
    } catch {
      return error.message
    }
  }

  // MARK: Conformance

  @Test func expandsEveryEnvVarTestRowAsBuildKitDoes() throws {
    guard let corpus = Self.corpus else {
      print(SharedCorpus.skipNote(Self.corpusName))
      return
    }
    let environment = ShellVariables([
      ("PWD", "/home"), ("SHELL", "bash"), ("KOREAN", "한국어"), ("NULL", ""),
    ])
    var checked = 0
    var failures: [String] = []
    for (number, line) in Self.lines(try Self.read("envVarTest", in: corpus)).enumerated() {
      if line.first == UInt8(ascii: "#") { continue }
      let trimmed = GoText.trimSpace(line)
      if trimmed.isEmpty { continue }
      let fields = Self.split(trimmed, on: "|").map(GoText.trimSpace)
      guard fields.count == 3 else {
        failures.append("line \(number + 1): malformed row \(Self.text(line))")
        continue
      }
      let platform = Self.text(fields[0])
      guard ["A", "U", "W"].contains(platform) else {
        failures.append("line \(number + 1): unknown platform \(platform)")
        continue
      }
      if platform == "W" { continue }
      checked += 1
      let expected = Self.text(fields[2])
      let actual: String
      do {
        actual = Self.text(
          try Self.defaultLexer.processWord(fields[1], environment: environment).value)
      } catch {
        if expected != "error" {
          failures.append(
            "line \(number + 1): \(Self.text(fields[1])) expected \(expected), got error: \(error.message)"
          )
        }
        continue
      }
      if actual != expected {
        failures.append(
          "line \(number + 1): \(Self.text(fields[1])) expected \(expected), got \(actual)")
      }
    }
    print("envVarTest: \(checked - failures.count) of \(checked) rows pass")
    for failure in failures { Issue.record(Comment(rawValue: failure)) }
    // The README counts 228 rows for all platforms and Unix.
    #expect(checked == 228)
  }

  @Test func splitsEveryWordsTestRowAsBuildKitDoes() throws {
    guard let corpus = Self.corpus else {
      print(SharedCorpus.skipNote(Self.corpusName))
      return
    }
    var assignments: [[UInt8]] = []
    var checked = 0
    var failures: [String] = []
    for (number, line) in Self.lines(try Self.read("wordsTest", in: corpus)).enumerated() {
      if line.first == UInt8(ascii: "#") { continue }
      if line.starts(with: Self.bytes("ENV ")) {
        assignments.append(Self.trimLeadingSpaces(Array(line.dropFirst(3))))
        continue
      }
      let fields = Self.split(line, on: "|")
      guard fields.count == 2 else {
        failures.append("line \(number + 1): should have exactly one | in \(Self.text(line))")
        continue
      }
      checked += 1
      let input = GoText.trimSpace(fields[0])
      let expected = Self.split(Self.trimLeadingSpaces(fields[1]), on: ",").map(Self.text)
      var actual: [String]
      do {
        actual = try Self.defaultLexer.processWords(
          input, environment: ShellVariables(assignments: assignments)
        ).map(Self.text)
      } catch {
        actual = ["error"]
      }
      if actual != expected {
        failures.append(
          "line \(number + 1): \(Self.text(input)) expected \(expected), got \(actual)")
      }
    }
    print("wordsTest: \(checked - failures.count) of \(checked) rows pass")
    for failure in failures { Issue.record(Comment(rawValue: failure)) }
    #expect(checked == 24)
  }

  // MARK: Options

  @Test func heredocDetectionKeepsQuotesEscapesAndUnsetVariables() throws {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.rawQuotes = true
    lexer.rawEscapes = true
    lexer.skipUnsetEnv = true
    #expect(try Self.words("<<EOF cat", lexer: lexer) == ["<<EOF", "cat"])
    #expect(try Self.words("<<\"EOF\" 'a b'", lexer: lexer) == ["<<\"EOF\"", "'a b'"])
    #expect(try Self.words("<<-\\EOF  x\\ y", lexer: lexer) == ["<<-\\EOF", "x\\ y"])
    #expect(try Self.words("<<$EOF ${A} ${B:-x}", lexer: lexer) == ["<<$EOF", "${A}", "${B:-x}"])
    #expect(try Self.words("${C//a/b} $1", lexer: lexer) == ["${C/a/b}", "$1"])
    #expect(try Self.words("<<$EOF", [("EOF", "END")], lexer: lexer) == ["<<END"])
    // Blanks are kept only right after `<<`, not after `<<-`.
    #expect(
      try Self.words("RUN 3<<  'E O' <<-\tX", lexer: lexer) == ["RUN", "3<<  'E O'", "<<-", "X"])
    // Raw escapes keep the escape before an escaped quote and before any other character.
    #expect(try Self.word("\"a\\\"b\\c\"", lexer: lexer) == "\"a\\\"b\\\\c\"")
    #expect(try Self.word("trailing\\", lexer: lexer) == "trailing\\")
  }

  @Test func aHeredocMarkerKeepsTheBlanksAfterItInItsWord() throws {
    #expect(try Self.words("RUN <<  EOF cat") == ["RUN", "<<  EOF", "cat"])
    #expect(try Self.words("<< -EOF\t<<\t\r x") == ["<< -EOF", "<<\t\r x"])
    #expect(try Self.words("a <<  ") == ["a", "<<  "])
    // Only spaces, tabs and carriage returns: a vertical tab or newline still splits.
    #expect(try Self.words("<<\u{0B}EOF <<\nX") == ["<<", "EOF", "<<", "X"])
    #expect(try Self.words("a<b <c \"<<  d\"") == ["a<b", "<c", "<<  d"])
    // The text itself is unchanged.
    #expect(try Self.word("<<  EOF <x") == "<<  EOF <x")
    // A `<<` produced by expansion is split like any expanded text.
    #expect(try Self.words("${X:-<<  y}") == ["<<", "y"])
  }

  @Test func rawQuotesDecidesWhetherQuotesSurvive() throws {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.skipUnsetEnv = true
    for input in ["\"EOF\"", "'EOF'", "EO\"F\""] {
      #expect(try Self.words(input, lexer: lexer) == ["EOF"])
    }
    lexer.rawQuotes = true
    for input in ["\"EOF\"", "'EOF'", "EO\"F\""] {
      #expect(try Self.words(input, lexer: lexer) == [input])
    }
  }

  @Test func skipProcessQuotesTreatsQuotesAsText() throws {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.skipProcessQuotes = true
    #expect(
      try Self.words("'a b' \"$X\"", [("X", "1 2")], lexer: lexer) == ["'a", "b'", "\"1", "2\""])
    #expect(try Self.word("'unterminated", lexer: lexer) == "'unterminated")
  }

  @Test func skipUnsetEnvRewritesUnsetReferencesAndExpandsSetOnes() throws {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.skipUnsetEnv = true
    let env = [("SET", "v")]
    #expect(try Self.word("$SET-$UNSET-${UNSET}", env, lexer: lexer) == "v-$UNSET-${UNSET}")
    #expect(try Self.word("${UNSET:-$SET}", env, lexer: lexer) == "${UNSET:-v}")
    #expect(try Self.word("${UNSET?no}${UNSET:=x}", env, lexer: lexer) == "${UNSET?no}${UNSET:=x}")
    // Only set variables are checked: `:=` on a set variable is still an error.
    #expect(Self.failure("${SET:=x}", env, lexer: lexer) != nil)
  }

  @Test func aBacktickEscapeTokenEscapesAndBackslashIsText() throws {
    let lexer = ShellLexer(escapeToken: UInt8(ascii: "`"))
    #expect(try Self.word("a`$b\\c", [("b", "x")], lexer: lexer) == "a$b\\c")
    #expect(try Self.word("\"`\"`$`x\\\"", lexer: lexer) == "\"$`x\\")
    #expect(try Self.words("a` b c`", lexer: lexer) == ["a b", "c"])
  }

  @Test func patternsAlwaysEscapeWithABackslashWhateverTheEscapeToken() throws {
    let lexer = ShellLexer(escapeToken: UInt8(ascii: "`"))
    let env = [("V", "*x")]
    #expect(try Self.word("${V#\\*}", env, lexer: lexer) == "x")
    #expect(try Self.word("${V#`*}", env, lexer: lexer) == "*x")
  }

  @Test func namesAreGoLettersDigitsAndUnderscores() throws {
    let env = [("한국어_1", "k"), ("é", "e")]
    #expect(try Self.word("$한국어_1.$é.") == "..")
    #expect(try Self.word("$한국어_1.$é.", env) == "k.e.")
    // A name that starts with a digit takes only digits (Arabic-Indic ones too).
    #expect(try Self.word("$1a|$\u{661}\u{662}b|${12}c", [("1a", "no")]) == "a|b|c")
    #expect(try Self.word("$\u{FFFD}|$-x|$0x") == "$\u{FFFD}|x|x")
  }

  @Test func rawEscapesDoNotApplyInsideDefaultOperands() throws {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.rawEscapes = true
    #expect(try Self.word("a\\b${X:-c\\d}e\\f", lexer: lexer) == "a\\bcde\\f")
  }

  // MARK: Expansion

  @Test func reportsWhichNamesWereUsedAndWhichWereUnset() throws {
    let lexer = Self.defaultLexer
    let result = try lexer.processWord(
      Self.bytes("${FOO-a} ${BAR:-b} ${BAZ+c} $1 $@ ${QUX#x}"),
      environment: ShellVariables([("FOO", "xxx"), ("BAR", "")]))
    #expect(Self.text(result.value) == "xxx b    ")
    #expect(result.usedNames == [Self.bytes("FOO"), Self.bytes("BAR")])
    #expect(
      result.unsetNames == Set(["BAZ", "1", "@", "QUX"].map(Self.bytes)))
    let literal = try lexer.processWord(Self.bytes("x $ $. '$Y'"), environment: ShellVariables([]))
    #expect(literal.usedNames.isEmpty && literal.unsetNames.isEmpty)
  }

  @Test func laterDefinitionsWin() throws {
    #expect(try Self.word("$A", [("A", "1"), ("A", "2")]) == "2")
    let env = ShellVariables(assignments: [Self.bytes("A=1=2"), Self.bytes("B")])
    let result = try Self.defaultLexer.processWord(Self.bytes("$A.${B-unset}"), environment: env)
    #expect(Self.text(result.value) == "1=2.")
  }

  @Test func removesPrefixesAndSuffixesLikeBuildKit() throws {
    // Cases from BuildKit's TestProcessWithMatches.
    #expect(try Self.word("${FOO#()[]{\\}^$.\\*\\?|\\\\}", [("FOO", "()[]{}^$.*?|\\x")]) == "x")
    #expect(try Self.word("${FOO%%\\**}", [("FOO", "xx**")]) == "xx")
    #expect(try Self.word("${FOO#*x*y}", [("FOO", "xxyy")]) == "y")
    #expect(try Self.word("${FOO#*}", [("FOO", "xxyy")]) == "xxyy")
    #expect(try Self.word("${FOO#$BAR}", [("FOO", "xxyy"), ("BAR", "x")]) == "xyy")
    #expect(try Self.word("${FOO##*x}", [("FOO", "xxyy")]) == "yy")
    #expect(try Self.word("${FOO#?\\?}", [("FOO", "???y")]) == "?y")
    #expect(try Self.word("${ABC:-.}${FOO%x}${ABC:-.}", [("FOO", "xxyy")]) == ".xxyy.")
    #expect(try Self.word("${FOO%%\\**\\*}", [("FOO", "a***yy*")]) == "a")
    #expect(try Self.word("${FOO%y*}/${FOO%%y*}", [("FOO", "xxyy")]) == "xxy/xx")
    #expect(try Self.word("${FOO##}${FOO%%}", [("FOO", "ab")]) == "abab")
    // Wildcards are Go's `.`, which never matches a newline.
    #expect(try Self.word("${FOO##*}|${FOO%%?b}", [("FOO", "a\nb")]) == "\nb|a\nb")
  }

  @Test func replacesLikeGoRegexpReplaceAll() throws {
    // Cases from BuildKit's TestProcessWithMatches.
    #expect(
      try Self.word(
        "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", [("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")])
        == "/foo.*/*.txt - /foo..*.txt")
    #expect(
      try Self.word("${FOO/$N/} - ${FOO//$N/}", [("FOO", "/tmp/tmp/bar.txt"), ("N", "/tmp")])
        == "/tmp/bar.txt - /bar.txt")
    #expect(
      try Self.word(
        "${FOO/$N/$R} - ${FOO//$N/$R}", [("FOO", "/a/foo/b/c.txt"), ("N", "/?/"), ("R", "/")])
        == "/foo/b/c.txt - /foo/c.txt")
    #expect(try Self.word("${FOO//\\//\\/}", [("FOO", "/tmp/foo.txt")]) == "\\/tmp\\/foo.txt")
    #expect(try Self.word("${FOO/$BAR/ww}", [("FOO", "xxyy"), ("BAR", "")]) == "wwxxyy")
    #expect(try Self.word("${FOO///}", [("FOO", "xxyy")]) == "xxyy")
    #expect(try Self.word("${FOO///}") == "")
    // An empty pattern matches between every rune; ReplaceAll skips none and doubles none.
    #expect(try Self.word("${FOO//$E/-}", [("FOO", "ab"), ("E", "")]) == "-a-b-")
    // The replacement is a regexp template: `$0` is the match and `$$` a dollar.
    #expect(
      try Self.word("${FOO//o/$T}", [("FOO", "foo"), ("T", "[$0${0}$$$1$x$]")]) == "f[oo$$][oo$$]")
    #expect(try Self.word("${FOO/o/$T}", [("FOO", "foo"), ("T", "[$0]")]) == "f[$0]o")
  }

  @Test func failsWithBuildKitsMessages() {
    let env = [("SET", "v"), ("EMPTY", "")]
    let cases: [(String, String)] = [
      ("${}", "syntax error: bad substitution"),
      ("${:-x}", "syntax error: bad substitution"),
      ("${{a}", "syntax error: bad substitution"),
      ("${", "syntax error: missing '}'"),
      ("${a:-b", "syntax error: missing '}'"),
      ("${a:-\"b", "syntax error: missing '}'"),
      ("${a", "unsupported modifier (\u{FFFD}) in substitution"),
      ("${.}", "unsupported modifier (.) in substitution"),
      ("${SET:=x}", "unsupported modifier (:=) in substitution"),
      ("${a=x}", "unsupported modifier (=) in substitution"),
      ("${a:#x}", "unsupported modifier (:#) in substitution"),
      ("${a:%x}", "unsupported modifier (:%) in substitution"),
      ("${UNSET?}", "UNSET: is not allowed to be unset"),
      ("${UNSET:?}", "UNSET: is not allowed to be unset"),
      ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
      ("${EMPTY:?say $SET}", "EMPTY: say v"),
      ("${a/b", "syntax error: missing '/' in ${}"),
      ("${a/b/c", "syntax error: missing '}'"),
      ("${SET/a\\b/c}", "invalid pattern (a\\b) in substitution: invalid escape '\\b'"),
      ("${SET%ab\\c}", "invalid pattern (\\cba) in substitution: invalid escape '\\c'"),
      ("'a", "unexpected end of statement while looking for matching single-quote"),
      ("\"a\\", "unexpected end of statement while looking for matching double-quote"),
    ]
    for (input, inner) in cases {
      var quoted: [UInt8] = []
      GoText.quote(Self.bytes(input), into: &quoted)
      let expected = "failed to process \(Self.text(quoted)): \(inner)"
      #expect(Self.failure(input, env) == expected, "for \(input)")
    }
    #expect(
      Self.failure("${SET#$P}", [("SET", "v"), ("P", "\\")])
        == "failed to process \"${SET#$P}\": invalid pattern (\\) in substitution: invalid escape '\\\u{FFFD}'"
    )
  }

  @Test func escapesInsideDoubleQuotesOnlyEscapeQuoteDollarAndThemselves() throws {
    #expect(try Self.word("\"a\\\"b\\$c\\\\d\\e\\\nf\"") == "a\"b$c\\d\\e\\\nf")
    #expect(try Self.word("a\\\nb") == "a\nb")
  }

  @Test func splitsExpandedValuesButNotQuotedOnes() throws {
    let env = [("V", " a\tb ")]
    #expect(try Self.words("x${V}y \"$V\" '$V'", env) == ["x", "a", "b", "y", " a\tb ", "$V"])
    #expect(try Self.words("\"\" ''") == [])
    #expect(try Self.words("a\\ b c") == ["a b", "c"])
  }

  /// BuildKit's word splitter keeps the word in progress in one buffer shared with nested
  /// `${…}` operands; reading an operand clears it. `processWord` is unaffected.
  @Test func aNestedOperandDropsTheWordInProgressAsBuildKitDoes() throws {
    #expect(try Self.words("hello${X:-b}c d") == ["bc", "d"])
    #expect(try Self.word("hello${X:-b}c d") == "hellobc d")
    #expect(try Self.words("one two${X:-b}") == ["one", "b"])
    #expect(try Self.words("a${X}b") == ["ab"])
  }

  // MARK: Bytes

  @Test func invalidUTF8ReadsAsReplacementCharacters() throws {
    let lexer = Self.defaultLexer
    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    let input: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x82]
    let expected = [0x61] + replacement + [0x62] + replacement + replacement
    #expect(try lexer.processWord(input, environment: ShellVariables([])).value == expected)
    // A variable's value is copied as bytes, but word splitting re-reads it rune by rune.
    let env = ShellVariables(bytePairs: [(Self.bytes("V"), [0xFF, 0x20, 0x41])])
    #expect(try lexer.processWord(Self.bytes("$V"), environment: env).value == [0xFF, 0x20, 0x41])
    #expect(try lexer.processWords(Self.bytes("$V"), environment: env) == [replacement, [0x41]])
    #expect(try lexer.processWords(Self.bytes("\"$V\""), environment: env) == [[0xFF, 0x20, 0x41]])
    // `%` reverses the value rune by rune, which normalises it; `#` slices the bytes.
    #expect(
      try lexer.processWord(Self.bytes("${V%A}"), environment: env).value == replacement + [0x20])
    #expect(try lexer.processWord(Self.bytes("${V#?}"), environment: env).value == [0x20, 0x41])
  }

  @Test func aLeadingByteOrderMarkIsSkipped() throws {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let lexer = Self.defaultLexer
    #expect(
      try lexer.processWord(bom + Self.bytes("a") + bom, environment: ShellVariables([])).value
        == Self.bytes("a") + bom)
  }

  @Test func nestedInputsFailInsteadOfExhaustingTheStack() throws {
    // The whole input is one level; each `${a:-` opens another.
    let allowed = ShellLexer.maximumNesting - 1
    func nested(_ levels: Int) -> String {
      String(repeating: "${a:-", count: levels) + "x" + String(repeating: "}", count: levels)
    }
    #expect(try Self.word(nested(allowed)) == "x")
    #expect(Self.failure(nested(allowed + 1))?.hasSuffix("substitutions nested too deeply") == true)
    let deep = String(repeating: "${a:-\"", count: 50_000)
    #expect(Self.failure(deep)?.hasSuffix("substitutions nested too deeply") == true)
  }

  @Test func arbitraryBytesNeverCrashTheLexer() {
    var generator = SplitMix(state: 0x5EED)
    let alphabet: [UInt8] =
      Array("${}:-+?#%/\\'\"`*?ab_1@ \t\n".utf8) + [0x00, 0xC3, 0xA9, 0xFF, 0xE2]
    var lexer = ShellLexer()
    let env = ShellVariables([("a", "x y"), ("b", ""), ("_", "*")])
    for round in 0..<20_000 {
      let length = Int(generator.next() % 24)
      var input: [UInt8] = []
      for _ in 0..<length { input.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
      lexer.escapeToken = round % 2 == 0 ? UInt8(ascii: "\\") : UInt8(ascii: "`")
      lexer.rawQuotes = round % 3 == 0
      lexer.rawEscapes = round % 5 == 0
      lexer.skipUnsetEnv = round % 7 == 0
      lexer.skipProcessQuotes = round % 11 == 0
      let single = try? lexer.processWord(input, environment: env)
      let split = try? lexer.processWords(input, environment: env)
      // Both entry points run the same lexer: they fail together.
      #expect((single == nil) == (split == nil), "for \(input)")
    }
  }
}

@Suite("Shell lexer limits")
struct ShellLexerLimitTests {
  @Test func aPatternTooCostlyToMatchIsAnErrorNotAHang() {
    let value = String(repeating: "a", count: 2_000)
    let pattern = String(repeating: "*a", count: 500) + "b"
    let environment = ShellVariables([("A", value)])
    var lexer = ShellLexer()
    lexer.patternStepBudget = 100_000
    for word in ["${A##\(pattern)}", "${A//\(pattern)/x}", "${A/\(pattern)/x}"] {
      #expect(throws: ShellLexError.self, "\(word.prefix(12))") {
        _ = try lexer.processWord(Array(word.utf8), environment: environment)
      }
    }
    // `%%` reverses the pattern, which then fails on its first rune: cheap, no error.
    #expect(throws: Never.self) {
      _ = try lexer.processWord(Array("${A%%\(pattern)}".utf8), environment: environment)
    }
    // A pattern of ordinary size still matches within the budget.
    let small = try? lexer.processWord(Array("${A##*a}".utf8), environment: environment)
    #expect(small?.value == [])
  }
}
