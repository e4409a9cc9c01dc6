/// Finds the here-documents an instruction line opens, as BuildKit's `heredocsFromLine` and
/// `ParseHeredoc` do.
///
/// The line is split into shell words with quotes and escapes kept; every word of the form
/// `[fd]<<[-]NAME` opens a here-document. The delimiter is read a second time with quotes
/// removed: if that changes it, part of it was quoted and the body is not expanded.
enum HeredocScanner {
  struct Failure: Error, Equatable {
    var message: String
  }

  static func heredocs(inLine line: [UInt8]) -> Result<[Heredoc], Failure> {
    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.rawQuotes = true
    lexer.rawEscapes = true
    lexer.skipUnsetEnv = true
    // BuildKit ignores a lexing error here: the line then opens no here-document.
    let words = (try? lexer.processWords(line, environment: ShellVariables([]))) ?? []
    var found: [Heredoc] = []
    for word in words {
      switch heredoc(fromWord: word) {
      case .success(let heredoc?): found.append(heredoc)
      case .success(nil): continue
      case .failure(let failure): return .failure(failure)
      }
    }
    return .success(found)
  }

  /// `ParseHeredoc`: the word must match `^(\d*)<<(-?)\s*([^<]*)$` and its rest be one shell word.
  static func heredoc(fromWord word: [UInt8]) -> Result<Heredoc?, Failure> {
    var i = 0
    while i < word.count, (0x30...0x39).contains(word[i]) { i += 1 }
    let digits = word[0..<i]
    guard i + 1 < word.count, word[i] == UInt8(ascii: "<"), word[i + 1] == UInt8(ascii: "<") else {
      return .success(nil)
    }
    i += 2
    var chomp = false
    if i < word.count, word[i] == UInt8(ascii: "-") {
      chomp = true
      i += 1
    }
    // The lexer keeps the blanks after `<<` in the word (`<<  EOF`); `\s*` drops them.
    while i < word.count, [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(word[i]) { i += 1 }
    let rest = Array(word[i...])
    if rest.contains(UInt8(ascii: "<")) || rest.isEmpty { return .success(nil) }

    // Go's strconv.ParseUint: an empty or overflowing number gives 0 (the error is ignored).
    var fd: UInt = 0
    for digit in digits {
      let (times, overflow1) = fd.multipliedReportingOverflow(by: 10)
      let (plus, overflow2) = times.addingReportingOverflow(UInt(digit - 0x30))
      if overflow1 || overflow2 {
        fd = 0
        break
      }
      fd = plus
    }

    var lexer = ShellLexer(escapeToken: UInt8(ascii: "\\"))
    lexer.skipUnsetEnv = true
    let words: [[UInt8]]
    do {
      words = try lexer.processWords(rest, environment: ShellVariables([]))
    } catch {
      return .failure(Failure(message: error.message))
    }
    guard words.count == 1 else { return .success(nil) }
    lexer.rawQuotes = true
    let rawWords: [[UInt8]]
    do {
      rawWords = try lexer.processWords(rest, environment: ShellVariables([]))
    } catch {
      return .failure(Failure(message: error.message))
    }
    guard rawWords.count == words.count else {
      return .failure(
        Failure(
          message:
            "internal lexing of heredoc produced inconsistent results: \(String(decoding: rest, as: UTF8.self))"
        ))
    }
    func quoteCount(_ bytes: [UInt8]) -> Int {
      bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "'") || $1 == UInt8(ascii: "\"") ? 1 : 0) }
    }
    return .success(
      Heredoc(
        name: words[0], fileDescriptor: fd,
        expand: quoteCount(words[0]) == quoteCount(rawWords[0]), chomp: chomp))
  }
}
