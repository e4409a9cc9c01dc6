/// The `.dockerignore` file: which one applies to a build, and the patterns it holds, read
/// exactly as BuildKit reads them (moby/patternmatcher's `ignorefile.ReadAll`).
package enum IgnoreFile {
  /// The patterns of an ignore file, in order, ready for `IgnoreMatcher(patterns:)`.
  ///
  /// Like `ReadAll`: the text is split into lines at `\n` (a `\r` before it is dropped), a
  /// UTF-8 byte order mark is stripped from the first line, a line whose first character is `#`
  /// is a comment (`  # x` is the pattern `# x`), lines are trimmed of white space and dropped
  /// when empty. A leading `!` (an exception) is set aside and the rest trimmed again; the
  /// pattern is then `filepath.Clean`ed and loses one leading `/`, and the `!` is put back.
  /// A `!` alone stays `!`; the matcher rejects it.
  ///
  /// Bytes that are not UTF-8 become U+FFFD. Upstream fails on a line longer than 64 KiB
  /// (`bufio.Scanner`'s limit); planner reads it.
  static func patterns(from text: [UInt8]) -> [String] {
    var patterns: [String] = []
    var isFirstLine = true
    for var line in lines(of: text) {
      if isFirstLine {
        isFirstLine = false
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
      }
      if line.first == UInt8(ascii: "#") { continue }
      var pattern = GoText.trimSpace(Array(line))
      if pattern.isEmpty { continue }
      let isException = pattern[0] == UInt8(ascii: "!")
      if isException { pattern = GoText.trimSpace(Array(pattern.dropFirst())) }
      if !pattern.isEmpty {
        pattern = IgnoreMatcher.clean(pattern)
        if pattern.count > 1 && pattern[0] == UInt8(ascii: "/") { pattern.removeFirst() }
      }
      if isException { pattern.insert(UInt8(ascii: "!"), at: 0) }
      patterns.append(String(decoding: pattern, as: UTF8.self))
    }
    return patterns
  }

  /// The lines as `bufio.ScanLines` gives them: split at `\n`, one trailing `\r` dropped, and
  /// no empty line after a final `\n`.
  private static func lines(of text: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if text.last == UInt8(ascii: "\n") || text.isEmpty { lines.removeLast() }
    return lines.map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
  }

  /// The ignore file that applies to a build from a local context, or nil when there is none.
  ///
  /// BuildKit first looks for `<Dockerfile name>.dockerignore` next to the Dockerfile (for
  /// `docker/build.Dockerfile`, `docker/build.Dockerfile.dockerignore`) and uses it **instead of**
  /// the context's `.dockerignore`; the two are never merged. Otherwise the `.dockerignore` at
  /// the root of the context applies. (Git and remote-tarball contexts apply no ignore file.)
  ///
  /// Paths are plain `/`-separated strings, relative or absolute, as the caller spells them
  /// (say, both relative to the working directory, like `docker build -f`); a candidate is the
  /// Dockerfile's directory part or `contextPath` joined with the file name, and `exists` is
  /// asked about that exact string, which is also what is returned. A Dockerfile read from
  /// standard input (`-`) or with no file name has no ignore file of its own.
  package static func choose(dockerfilePath: String, contextPath: String, exists: (String) -> Bool)
    -> String?
  {
    let hasFileName = !dockerfilePath.isEmpty && !dockerfilePath.hasSuffix("/")
    if hasFileName && dockerfilePath != "-" {
      let ownFile = dockerfilePath + ".dockerignore"
      if exists(ownFile) { return ownFile }
    }
    let root: String
    if contextPath.isEmpty {
      root = ".dockerignore"
    } else if contextPath.hasSuffix("/") {
      root = contextPath + ".dockerignore"
    } else {
      root = contextPath + "/.dockerignore"
    }
    return exists(root) ? root : nil
  }

  /// Where the line holding `pattern` (or, without one, a lone `!`) is in the ignore file's
  /// text, for a diagnostic; the first line when it cannot be told.
  static func position(of pattern: String?, in text: [UInt8]) -> SourcePosition {
    let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() {
      let content = String(decoding: line, as: UTF8.self).trimmingSpaces()
      let matches =
        pattern.map { !$0.isEmpty && content.contains($0) } ?? (content == "!")
      if matches, !content.hasPrefix("#") {
        let column =
          line.firstIndex { $0 != 0x20 && $0 != 0x09 }.map { $0 - line.startIndex + 1 } ?? 1
        return SourcePosition(line: index + 1, column: column)
      }
    }
    return SourcePosition(line: 1, column: 1)
  }

  /// The diagnostic for an ignore file the matcher refuses.
  static func diagnostic(
    for error: IgnorePatternError, in text: [UInt8], file: String,
    severity: Diagnostic.Severity = .error, note: String = ""
  ) -> Diagnostic {
    let position = position(of: error.pattern, in: text)
    return Diagnostic(
      severity, "invalid pattern: \(error)\(note)", file: file,
      range: SourceRange(start: position, end: position))
  }
}
