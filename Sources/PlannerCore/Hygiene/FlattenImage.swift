/// PL309: an image flattened with `docker export … | docker import` (or `docker container
/// export` / `docker image import`, or podman), in a RUN or in a script of the repository. A
/// comment that mentions it is not a finding.
enum FlattenImage {
  static let message =
    "'docker export | docker import' flattens the image and drops its history, configuration "
    + "and shared layers: a multi-stage build ships only the final stage's files and keeps them"

  static func check(_ scan: HygieneScan, scripts: [String: [UInt8]]) -> [Finding] {
    var findings: [Finding] = []
    for step in scan.steps where !step.rawText.isEmpty {
      if logicalLines(step.rawText).contains(where: { flattens($0.3) }) {
        findings.append(
          scan.finding(
            "PL309", at: step.instruction.range, message, subject: step.instruction.original))
      }
    }
    for path in scripts.keys.sorted() {
      let text = String(decoding: scripts[path] ?? [], as: UTF8.self)
      for (line, first, last, content) in logicalLines(text) where flattens(content) {
        findings.append(
          scan.finding(
            "PL309",
            at: SourceRange(
              start: .init(line: line, column: first),
              end: .init(line: last.line, column: last.column)),
            message, subject: HygieneScan.folded(content), file: path))
      }
    }
    return findings
  }

  /// The logical lines of a script (continuations joined, comment lines skipped), with the
  /// first line, the column of its first non-blank byte and the end of its last line.
  static func logicalLines(_ text: String) -> [(Int, Int, SourcePosition, String)] {
    var result: [(Int, Int, SourcePosition, String)] = []
    // Split the bytes, not the characters: "\r\n" is one Character, which a split at "\n"
    // never finds, so a script with Windows line endings would be one line.
    let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .map { line in
        String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
      }
    var index = 0
    while index < lines.count {
      let start = index
      let first = lines[index]
      let indent = first.prefix { $0 == " " || $0 == "\t" }
      var content = String(first)
      while content.hasSuffix("\\"), index + 1 < lines.count {
        content = String(content.dropLast()) + " " + lines[index + 1]
        index += 1
      }
      if !first.dropFirst(indent.count).hasPrefix("#") {
        result.append(
          (
            start + 1, indent.utf8.count + 1,
            SourcePosition(line: index + 1, column: lines[index].utf8.count + 1), content
          ))
      }
      index += 1
    }
    return result
  }

  /// Whether a line pipes `docker export` into `docker import`.
  static func flattens(_ line: String) -> Bool {
    // The two verbs are words of the line: without them in its bytes, nothing to read.
    guard line.containsLiterally("export"), line.containsLiterally("import") else { return false }
    var tokens: [String] = []
    for word in line.split(whereSeparator: \.isWhitespace) {
      var current = ""
      for character in word {
        if character == "|" {
          if !current.isEmpty { tokens.append(current) }
          tokens.append("|")
          current = ""
        } else if !"\"'`()$;".contains(character) {
          current.append(character)
        }
      }
      if !current.isEmpty { tokens.append(current) }
    }
    func isEngine(_ token: String) -> Bool {
      let name = token.split(separator: "/").last.map(String.init) ?? token
      return name == "docker" || name == "podman"
    }
    /// The position after `docker [group] verb` starting at `index`, when it is there.
    func command(_ verb: String, group: String, at index: Int) -> Bool {
      guard index < tokens.count, isEngine(tokens[index]) else { return false }
      var next = index + 1
      while next < tokens.count, tokens[next].hasPrefix("-") { next += 1 }
      if next < tokens.count, tokens[next] == group { next += 1 }
      return next < tokens.count && tokens[next] == verb
    }
    for index in tokens.indices where command("export", group: "container", at: index) {
      guard let pipe = tokens[index...].firstIndex(of: "|") else { return false }
      var next = pipe + 1
      if next < tokens.count, tokens[next] == "sudo" { next += 1 }
      if command("import", group: "image", at: next) { return true }
    }
    return false
  }
}
