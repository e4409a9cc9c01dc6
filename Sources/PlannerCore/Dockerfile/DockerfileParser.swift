/// Parses Dockerfile bytes into BuildKit's raw syntax tree, with BuildKit's exact rules.
///
/// Input: the file's bytes and its display name. Output: a `SyntaxTree` whose dump equals
/// BuildKit's `parser.Parse(…).AST.Dump()`, whose instruction lines equal BuildKit's start and end
/// lines, and which keeps the source so that nothing is lost; or the error diagnostic BuildKit's
/// parser would fail with. It never traps and runs in time linear in the input.
///
/// The rules, from `frontend/dockerfile/parser/parser.go`: lines end at `\n` and lose trailing
/// `\r`/`\n`; a UTF-8 BOM is dropped from the first line; parser directives are read only in the
/// leading comment block; a line ending in the escape character (not itself escaped) continues,
/// and comment and blank lines inside a continuation are skipped; RUN, COPY and ADD (also under
/// ONBUILD) read here-documents after the line; a line over 64 KiB ends the scan with an error.
struct DockerfileParser {
  /// Go's `bufio.MaxScanTokenSize`.
  static let maxLineLength = 64 * 1024

  var file: String

  init(file: String = "Dockerfile") {
    self.file = file
  }

  struct Failure: Error, Hashable {
    var diagnostic: Diagnostic
  }

  func parse(_ text: String) -> Result<SyntaxTree, Failure> {
    parse(Array(text.utf8))
  }

  func parse(_ source: [UInt8]) -> Result<SyntaxTree, Failure> {
    var state = State(source: source, file: file)
    return state.run()
  }
}

extension DockerfileParser {
  /// The scanning state of one parse.
  fileprivate struct State {
    let source: [UInt8]
    let file: String
    var lines = LineScanner()
    var lineStarts: [Int] = []
    var currentLine = 0
    var escapeToken = UInt8(ascii: "\\")
    var directives: [ParserDirective] = []
    var seenDirectives: Set<String> = []
    var directivesDone = false
    var instructions: [SyntaxNode] = []
    var warnings: [Diagnostic] = []

    init(source: [UInt8], file: String) {
      self.source = source
      self.file = file
    }

    /// An error at `line`, pointing at its first non-blank byte (the keyword, for an instruction).
    mutating func fail(_ message: String, line: Int) -> Result<SyntaxTree, Failure> {
      let line = max(line, 1)
      var column = 1
      if line <= lineStarts.count {
        let start = lineStarts[line - 1]
        let end = line < lineStarts.count ? lineStarts[line] : source.count
        column = GoText.leadingSpaceEnd(source, from: start, to: end) - start + 1
        if line == 1, end - start >= 3, source[start] == 0xEF, source[start + 1] == 0xBB,
          source[start + 2] == 0xBF
        {
          column = GoText.leadingSpaceEnd(source, from: start + 3, to: end) - start + 1
        }
      }
      let position = SourcePosition(line: line, column: column)
      return .failure(
        Failure(
          diagnostic: Diagnostic(
            .error, message, file: file, range: .init(start: position, end: position))))
    }

    /// The next physical line, as `start..<end` byte offsets including its `\n`.
    mutating func nextLine() -> Range<Int>? {
      guard let range = lines.next(in: source) else { return nil }
      lineStarts.append(range.lowerBound)
      return range
    }

    mutating func run() -> Result<SyntaxTree, Failure> {
      while let raw = nextLine() {
        var start = raw.lowerBound
        if currentLine == 0, raw.count >= 3, source[start] == 0xEF, source[start + 1] == 0xBB,
          source[start + 2] == 0xBF
        {
          start += 3
        }
        // processLine(stripLeftWhitespace: true)
        var end = trimNewline(start, raw.upperBound)
        start = GoText.leadingSpaceEnd(source, from: start, to: end)
        let physicalLine = currentLine + 1
        switch parseDirective(start, end, line: physicalLine) {
        case .failure(let error): return fail(error.message, line: physicalLine)
        case .success: break
        }
        if start < end, source[start] == UInt8(ascii: "#") { end = start }
        currentLine += 1

        let startLine = currentLine
        var (contentEnd, isEndOfLine) = trimContinuation(start, end)
        if isEndOfLine && contentEnd == start { continue }
        var logical = Array(source[start..<contentEnd])

        var hasEmptyContinuationLine = false
        while !isEndOfLine, let next = nextLine() {
          let lineEnd = trimNewline(next.lowerBound, next.upperBound)
          currentLine += 1
          let firstNonSpace = GoText.leadingSpaceEnd(
            source, from: next.lowerBound, to: next.upperBound)
          if firstNonSpace < next.upperBound, source[firstNonSpace] == UInt8(ascii: "#") {
            continue
          }
          if GoText.leadingSpaceEnd(source, from: next.lowerBound, to: lineEnd) == lineEnd {
            hasEmptyContinuationLine = true
            continue
          }
          let (pieceEnd, endsHere) = trimContinuation(next.lowerBound, lineEnd)
          isEndOfLine = endsHere
          logical.append(contentsOf: source[next.lowerBound..<pieceEnd])
        }

        if hasEmptyContinuationLine {
          let text = String(decoding: logical, as: UTF8.self)
          warnings.append(
            Diagnostic(
              .warning, "Empty continuation line found in: \(text)", file: file,
              range: .lines(currentLine, currentLine)))
        }

        var node: SyntaxNode
        switch LineParsers.node(fromLine: logical, escapeToken: escapeToken) {
        case .success(let parsed): node = parsed
        case .failure(let failure): return fail(failure.message, line: startLine)
        }

        if contains(logical, UInt8(ascii: "<"), UInt8(ascii: "<")), canContainHeredoc(node) {
          let found: [Heredoc]
          switch HeredocScanner.heredocs(inLine: logical) {
          case .success(let heredocs): found = heredocs
          case .failure(let failure): return fail(failure.message, line: startLine)
          }
          for var heredoc in found {
            let terminator = heredoc.name
            var terminated = false
            heredoc.bodyStartLine = currentLine + 1
            while let body = nextLine() {
              currentLine += 1
              var candidateStart = body.lowerBound
              let candidateEnd = trimNewline(body.lowerBound, body.upperBound)
              if heredoc.chomp {
                while candidateStart < candidateEnd, source[candidateStart] == 0x09 {
                  candidateStart += 1
                }
              }
              if source[candidateStart..<candidateEnd].elementsEqual(terminator) {
                terminated = true
                break
              }
              heredoc.content.append(contentsOf: source[body])
            }
            guard terminated else { return fail("unterminated heredoc", line: startLine) }
            heredoc.terminatorLine = currentLine
            node.heredocs.append(heredoc)
          }
        }
        node.startLine = startLine
        node.endLine = currentLine
        instructions.append(node)
      }

      if instructions.isEmpty { return fail("file with no instructions", line: currentLine) }
      if lines.isTooLong {
        return fail(
          "dockerfile line greater than max allowed size of \(DockerfileParser.maxLineLength - 1)",
          line: currentLine + 1)
      }
      return .success(
        SyntaxTree(
          source: source, lineStarts: lineStarts, instructions: instructions,
          directives: directives,
          escapeToken: escapeToken, warnings: warnings))
    }

    func contains(_ bytes: [UInt8], _ a: UInt8, _ b: UInt8) -> Bool {
      guard bytes.count >= 2 else { return false }
      for i in 0..<(bytes.count - 1) where bytes[i] == a && bytes[i + 1] == b { return true }
      return false
    }

    /// Go's `bytes.TrimRight(line, "\r\n")`.
    func trimNewline(_ start: Int, _ end: Int) -> Int {
      var end = end
      while end > start, source[end - 1] == 0x0A || source[end - 1] == 0x0D { end -= 1 }
      return end
    }

    /// BuildKit's continuation pattern ``([^\e])\e[ \t]*$|^\e[ \t]*$``: where the kept content
    /// ends, and whether the line ends the instruction.
    func trimContinuation(_ start: Int, _ end: Int) -> (end: Int, isEndOfLine: Bool) {
      var last = end
      while last > start, source[last - 1] == 0x20 || source[last - 1] == 0x09 { last -= 1 }
      guard last > start, source[last - 1] == escapeToken else { return (end, true) }
      let escapeIndex = last - 1
      if escapeIndex > start, source[escapeIndex - 1] == escapeToken { return (end, true) }
      return (escapeIndex, false)
    }

    /// BuildKit's `DirectiveParser.ParseLine` on a left-trimmed line.
    mutating func parseDirective(_ start: Int, _ end: Int, line: Int) -> Result<
      Void, DirectiveError
    > {
      if directivesDone { return .success(()) }
      guard start < end, source[start] == UInt8(ascii: "#") else {
        directivesDone = true
        return .success(())
      }
      var i = GoText.leadingSpaceEnd(source, from: start + 1, to: end)
      func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
      func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
      // Go's `\s` in a regexp: `[\t\n\f\r ]` (no vertical tab).
      func isRegexSpace(_ b: UInt8) -> Bool {
        b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D || b == 0x20
      }
      guard i < end, isLetter(source[i]) else {
        directivesDone = true
        return .success(())
      }
      let keyStart = i
      while i < end, isLetter(source[i]) || isDigit(source[i]) { i += 1 }
      let key = String(decoding: source[keyStart..<i], as: UTF8.self).lowercased()
      while i < end, isRegexSpace(source[i]) { i += 1 }
      guard i < end, source[i] == UInt8(ascii: "=") else {
        directivesDone = true
        return .success(())
      }
      i += 1
      // `\s*(.+?)\s*$`: leading blanks are skipped greedily but the value needs one character,
      // so a value made only of blanks is its last blank.
      let afterEquals = i
      while i < end, isRegexSpace(source[i]) { i += 1 }
      var valueStart = i
      var valueEnd = end
      if valueStart == end {
        guard end > afterEquals else {
          directivesDone = true
          return .success(())
        }
        valueStart = end - 1
      } else {
        while valueEnd > valueStart, isRegexSpace(source[valueEnd - 1]) { valueEnd -= 1 }
      }
      guard ["syntax", "escape", "check"].contains(key) else {
        directivesDone = true
        return .success(())
      }
      if seenDirectives.contains(key) {
        return .failure(DirectiveError(message: "only one \(key) parser directive can be used"))
      }
      seenDirectives.insert(key)
      let value = Array(source[valueStart..<valueEnd])
      directives.append(
        ParserDirective(name: key, value: String(decoding: value, as: UTF8.self), line: line))
      if key == "escape" {
        guard value == [UInt8(ascii: "`")] || value == [UInt8(ascii: "\\")] else {
          return .failure(
            DirectiveError(
              message:
                "invalid escape token '\(String(decoding: value, as: UTF8.self))' does not match ` or \\"
            ))
        }
        escapeToken = value[0]
      }
      return .success(())
    }

    struct DirectiveError: Error {
      var message: String
    }

    /// `Node.canContainHeredoc`: RUN, COPY and ADD in shell form, also as an ONBUILD trigger.
    func canContainHeredoc(_ node: SyntaxNode) -> Bool {
      var target = node
      if node.known == .onbuild, let trigger = node.trigger { target = trigger }
      guard target.known?.canContainHeredoc == true else { return false }
      return !target.isJSON
    }
  }
}

/// Splits the source into lines exactly as BuildKit's `bufio.Scanner` with a line-preserving
/// split function does, including where it gives up on a line longer than 64 KiB.
struct LineScanner {
  var position = 0
  /// Set when the scanner stopped at a line that does not fit its 64 KiB buffer.
  var isTooLong = false
  private var stopped = false

  mutating func next(in source: [UInt8]) -> Range<Int>? {
    guard !stopped, position < source.count else { return nil }
    let limit = DockerfileParser.maxLineLength
    let searchEnd = min(source.count, position + limit)
    var newline = position
    while newline < searchEnd, source[newline] != 0x0A { newline += 1 }
    let end: Int
    if newline < searchEnd {
      end = newline + 1
    } else if source.count - position < limit {
      // The last line, without a newline, fits the buffer.
      end = source.count
    } else {
      stopped = true
      isTooLong = true
      return nil
    }
    defer { position = end }
    return position..<end
  }
}
