import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

@Suite("Dockerfile parser")
struct DockerfileParserTests {
  func dump(_ text: String) throws -> String {
    String(decoding: try DockerfileParser().parse(text).get().dump(), as: UTF8.self)
  }

  func dump(_ bytes: [UInt8]) throws -> String {
    String(decoding: try DockerfileParser().parse(bytes).get().dump(), as: UTF8.self)
  }

  @Test func continuationLinesJoinWithNoSeparatorAndKeepLeadingWhitespace() throws {
    #expect(try dump("RUN echo a \\\n    b\n") == "(run \"echo a     b\")\n")
    #expect(try dump("RUN a\\\nb\n") == "(run \"ab\")\n")
  }

  @Test func commentAndBlankLinesInsideAContinuationAreSkipped() throws {
    let tree = try DockerfileParser().parse("RUN a \\\n# note\n\n  b\nFROM x\n").get()
    #expect(String(decoding: tree.dump(), as: UTF8.self) == "(run \"a   b\")\n(from \"x\")\n")
    #expect(tree.instructions[0].endLine == 4)
    #expect(tree.warnings.count == 1)
  }

  @Test func anEscapeFollowedByBlanksStillContinues() throws {
    #expect(try dump("RUN a \\  \t\nb\n") == "(run \"a b\")\n")
  }

  @Test func anEscapedEscapeAtTheEndDoesNotContinue() throws {
    #expect(try dump("RUN a\\\\\nFROM b\n") == "(run \"a\\\\\\\\\")\n(from \"b\")\n")
  }

  @Test func aContinuationAtEndOfFileEndsTheInstruction() throws {
    #expect(try dump("FROM x\nRUN a \\") == "(from \"x\")\n(run \"a\")\n")
  }

  @Test func crlfLineEndingsParseLikeLF() throws {
    #expect(try dump("FROM x\r\nRUN a \\\r\n  b\r\n") == "(from \"x\")\n(run \"a   b\")\n")
  }

  @Test func aByteOrderMarkIsDroppedFromTheFirstLineOnly() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("FROM x\n".utf8)
    #expect(try dump(bytes) == "(from \"x\")\n")
  }

  @Test func theEscapeDirectiveChangesTheContinuationCharacter() throws {
    let text = "# escape=`\nFROM x\nRUN a `\n  b\nRUN c \\\nCMD d\n"
    #expect(try dump(text) == "(from \"x\")\n(run \"a   b\")\n(run \"c \\\\\")\n(cmd \"d\")\n")
  }

  @Test func directivesAreReadOnlyAtTheTop() throws {
    // After an ordinary comment, `# escape=` is just a comment.
    let text = "# hello\n# escape=`\nFROM x\nRUN a \\\n b\n"
    #expect(try dump(text) == "(from \"x\")\n(run \"a  b\")\n")
    let tree = try DockerfileParser().parse("# Syntax = a/b:1\n#check=skip=all\nFROM x\n").get()
    #expect(tree.directives.map(\.name) == ["syntax", "check"])
    #expect(tree.directives.map(\.value) == ["a/b:1", "skip=all"])
  }

  @Test func directiveErrorsPointAtTheirLine() {
    expectParseError(
      "# escape=`\n1️⃣# escape=\\\nFROM x\n", at: "1️⃣", "only one escape parser directive can be used")
    expectParseError(
      "1️⃣# escape=x\nFROM x\n", at: "1️⃣", "invalid escape token 'x' does not match ` or \\")
  }

  @Test func heredocErrorsPointAtTheInstruction() {
    expectParseError("FROM x\n1️⃣RUN <<EOF\necho\n", at: "1️⃣", "unterminated heredoc")
    expectParseError("FROM x\n  1️⃣COPY <<A <<B /x\nA\nb\n", at: "1️⃣", "unterminated heredoc")
  }

  @Test func aLineThatDoesNotLexOpensNoHeredoc() throws {
    // BuildKit ignores the lexer's error on the whole line: an unterminated quote means no words,
    // so no heredoc, and the instruction is an ordinary one-line COPY.
    let tree = try DockerfileParser().parse("FROM x\nCOPY <<'EOF /x\nEOF\n").get()
    #expect(tree.instructions.map(\.heredocs.count) == [0, 0, 0])
    #expect(tree.instructions.map(\.keyword) == ["from", "copy", "eof"])
  }

  @Test func argumentErrorsPointAtTheInstruction() {
    expectParseError("FROM x\n1️⃣ENV PATH\n", at: "1️⃣", "ENV must have two arguments")
    expectParseError(
      "FROM x\n1️⃣LABEL a=b c\n", at: "1️⃣",
      "Syntax error - can't find = in \"c\". Must be of the form: name=value")
    expectParseError(
      "1️⃣CMD [\"a\", 1]\n", at: "1️⃣",
      "when using JSON array syntax, arrays must be comprised of strings only")
  }

  @Test func emptyInputIsRejected() {
    expectParseError("1️⃣", at: "1️⃣", "file with no instructions")
  }

  @Test func invalidJSONFallsBackToShellForm() throws {
    #expect(try dump("CMD [\"a\"] b\n") == "(cmd \"[\\\"a\\\"] b\")\n")
    #expect(try dump("CMD [\"a\", 1e999]\n") == "(cmd \"[\\\"a\\\", 1e999]\")\n")
    #expect(try dump("COPY [\"a\" \"b\"]\n") == "(copy \"[\\\"a\\\"\" \"\\\"b\\\"]\")\n")
    #expect(try dump("RUN [\"a\\u00e9\"]\n") == "(run \"aé\")\n")
  }

  @Test func heredocsAreReadAfterTheLine() throws {
    let tree = try DockerfileParser().parse(
      "FROM x\nRUN <<A 3<<-\"B\" cat\none\nA\n\ttwo\n\tB\nCMD c\n"
    ).get()
    let run = tree.instructions[1]
    #expect(run.heredocs.map { String(decoding: $0.name, as: UTF8.self) } == ["A", "B"])
    #expect(run.heredocs.map(\.content) == [Array("one\n".utf8), Array("\ttwo\n".utf8)])
    #expect(run.heredocs.map(\.expand) == [true, false])
    #expect(run.heredocs.map(\.fileDescriptor) == [0, 3])
    #expect((run.startLine, run.endLine) == (2, 6))
    #expect(tree.instructions[2].startLine == 7)
  }

  @Test func aLineOver64KiBIsRejected() {
    let long = "RUN " + String(repeating: "a", count: 70_000) + "\n"
    switch DockerfileParser().parse("FROM x\n" + long) {
    case .success: Issue.record("a 70 kB line parsed")
    case .failure(let failure):
      #expect(
        failure.diagnostic.message == "dockerfile line greater than max allowed size of 65535")
    }
    // The longest line the scanner accepts: 65,535 bytes plus its newline.
    let fits = "RUN " + String(repeating: "a", count: 65_531) + "\n"
    #expect((try? DockerfileParser().parse(fits).get()) != nil)
  }

  @Test func flagsAreReadAsBuildKitReadsThem() throws {
    #expect(try dump("COPY --chown=a:b -- --x /y\n") == "(copy [\"--chown=a:b\"] \"--x\" \"/y\")\n")
    #expect(
      try dump("RUN --mount=type=\"cache\",target=/x echo\n")
        == "(run [\"--mount=type=cache,target=/x\"] \"echo\")\n")
    // The flag scanner reads bytes: a non-ASCII flag is re-encoded as Latin-1 code points.
    #expect(try dump("RUN --x=é y\n") == "(run [\"--x=Ã©\"] \"y\")\n")
  }

  @Test func unknownKeywordsKeepOneEmptyArgument() throws {
    #expect(try dump("FOOBAR a b\n") == "(foobar \"\")\n")
  }

  @Test func onbuildNestsItsTrigger() throws {
    #expect(try dump("ONBUILD RUN --x=1 [\"a\"]\n") == "(onbuild (run [\"--x=1\"] \"a\"))\n")
    let tree = try DockerfileParser().parse("ONBUILD ADD <<EOF /x\nhi\nEOF\n").get()
    #expect(tree.instructions[0].heredocs.count == 1)
  }

  @Test func layoutRendersTheFileBackByteForByte() throws {
    let text =
      "\u{FEFF}# syntax=x\n\n# about base\nFROM x AS a\r\n  RUN a \\\n  # c\n  b\nCOPY <<EOF /x\nbody\nEOF\n\n# end\n"
    let tree = try DockerfileParser().parse(text).get()
    let layout = tree.layout
    #expect(layout.render(tree.source) == Array(text.utf8))
    #expect(layout.placements.map(\.comments) == [["# about base"], [], []])
    let run = layout.placements[1]
    #expect(String(decoding: tree.source[run.text], as: UTF8.self) == "RUN a \\\n  # c\n  b")
    #expect(run.range.start == SourcePosition(line: 5, column: 3))
    #expect(run.range.end == SourcePosition(line: 7, column: 4))
  }

  /// Fragments that exercise every rule of the line scanner.
  static let fragments: [String] = [
    "FROM alpine", "RUN echo hi", "RUN a \\", "\\", "  ", "\t", "# c", "#escape=`", "# syntax=x",
    "`", "COPY <<EOF /x", "EOF", "RUN <<-'E' cat", "\tE", "ENV a=b c=\"d e\"", "ENV k v",
    "CMD [\"a\", \"b\"]", "CMD [1]", "LABEL x", "ONBUILD RUN x", "HEALTHCHECK NONE", "\r", "é",
    "\u{00A0}", "--", "ARG A=1", "USER", "<<", "\"", "'", "{", "[", "\u{FEFF}",
  ]

  @Test func renderingAParsedFileGivesItBackOnGeneratedInputs() async {
    let line = Gen.element(of: Self.fragments).compactMap { $0 }
    let ending = Gen.element(of: ["\n", "\r\n", "", " \\\n"]).compactMap { $0 }
    let piece = zip(line, ending).map { $0 + $1 }
    await propertyCheck(count: 300, input: piece.array(of: 0...24)) { pieces in
      let bytes = Array(pieces.joined().utf8)
      guard case .success(let tree) = DockerfileParser().parse(bytes) else { return }
      #expect(tree.layout.render(bytes) == bytes)
      #expect(tree.instructions.allSatisfy { $0.startLine >= 1 && $0.endLine >= $0.startLine })
    }
  }

  @Test func randomBytesParseOrAreRejected() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let bytes = (0..<Int.random(in: 0...4096, using: &generator)).map { _ in
        UInt8.random(in: 0...255, using: &generator)
      }
      switch DockerfileParser().parse(bytes) {
      case .success(let tree): #expect(tree.layout.render(bytes) == bytes)
      case .failure(let failure): #expect(failure.diagnostic.severity == .error)
      }
    }
  }
}

@Suite("Go-compatible decoding")
struct GoCompatibilityTests {
  @Test(arguments: [
    ("[\"a\", \"b\"]", GoJSONArray.Outcome.strings([Array("a".utf8), Array("b".utf8)])),
    ("  [ ]  ", .strings([])),
    ("[\"a\"] tail", .invalid),
    ("[\"a\", 1]", .notStringArray),
    ("[\"a\", 1e999]", .invalid),
    ("[[\"nested\"]]", .notStringArray),
    ("[{\"k\": [null, true]}]", .notStringArray),
    ("[{\"k\" 1}]", .invalid),
    ("[\"\\ud83d\\ude00\", \"\\ud800\"]", .strings([Array("😀".utf8), Array("\u{FFFD}".utf8)])),
    ("[\"tab\there\"]", .invalid),
    ("[01]", .invalid),
    ("not json", .invalid),
  ])
  func jsonArraysDecodeAsGoDecodesThem(text: String, expected: GoJSONArray.Outcome) {
    #expect(GoJSONArray.decode(Array(text.utf8)[...]) == expected)
  }

  @Test func deepNestingIsRejectedWithoutRecursion() {
    let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
    #expect(GoJSONArray.decode(Array(deep.utf8)[...]) == .invalid)
  }

  @Test(arguments: [
    (Int64(0), "0s"), (1_500_000, "1.5ms"), (30_000_000_000, "30s"), (90_000_000_000, "1m30s"),
    (3_600_000_000_000, "1h0m0s"), (1_000, "1µs"), (-2_500_000_000, "-2.5s"),
  ])
  func durationsPrintAsGoPrintsThem(nanoseconds: Int64, expected: String) {
    #expect(GoDuration.string(nanoseconds: nanoseconds) == expected)
  }

  @Test func quotingMatchesStrconvQuote() {
    var out: [UInt8] = []
    GoText.quote(
      [0x61, 0x22, 0x5C, 0x0A, 0x01, 0x7F, 0xFF, 0xE2, 0x98, 0x83, 0xC2, 0x85], into: &out)
    #expect(String(decoding: out, as: UTF8.self) == #""a\"\\\n\x01\x7f\xff☃\u0085""#)
  }
}
