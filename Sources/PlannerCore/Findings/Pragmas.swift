/// `# planner …` comments that steer the report:
///
/// - `# planner ignore=PL303,PL304` on the lines directly above an instruction: no finding of
///   those rules at that instruction, and no move of those kinds that involves it;
/// - `# planner global ignore=PL308` on any comment line outside an instruction: none in the file;
/// - `# planner pin` above an instruction: it never moves (nothing crosses it, and it is never
///   split or merged).
///
/// The prefix may be written `planner:` and is case-insensitive; other words may share the line
/// (`# planner: pin cost=10s`). An id that no rule has gets a warning at the comment's line.
///
/// ```dockerfile
/// # planner ignore=PL303
/// RUN apk add curl          # no PL303 here
/// # planner pin
/// COPY . .                  # stays where it is
/// ```
package struct Pragmas: Hashable, Sendable {
  /// Rule ids ignored at the instruction that starts on a line.
  package var ignored: [Int: Set<String>] = [:]
  /// Rule ids ignored in the whole file.
  package var globallyIgnored: Set<String> = []
  /// The first lines of pinned instructions.
  package var pinned: Set<Int> = []
  /// Unknown rule ids and malformed lists, as warnings.
  package var diagnostics: [Diagnostic] = []
  /// The file the pragmas are in: a line's pragma applies to findings in that file only.
  package var file = ""

  package init() {}

  /// Whether the file has no pragma and no pragma warning.
  package var isEmpty: Bool {
    ignored.isEmpty && globallyIgnored.isEmpty && pinned.isEmpty && diagnostics.isEmpty
  }

  /// Whether a rule is ignored at the instruction starting on `line` (or in the whole file).
  package func ignores(_ rule: String, atLine line: Int) -> Bool {
    globallyIgnored.contains(rule) || ignored[line]?.contains(rule) == true
  }

  /// Whether a finding survives the pragmas (and the rules a configuration turns off).
  package func keeps(_ finding: Finding, disabled: Set<String> = []) -> Bool {
    guard !disabled.contains(finding.rule), !globallyIgnored.contains(finding.rule) else {
      return false
    }
    return finding.file != file || ignored[finding.range.start.line]?.contains(finding.rule) != true
  }

  /// The pragmas of a parsed file.
  static func read(_ tree: SyntaxTree, file: String) -> Pragmas {
    var pragmas = Pragmas()
    pragmas.file = file
    guard mayHoldPragma(tree.source) else { return pragmas }
    let layout = tree.layout
    for placement in layout.placements {
      let firstCommentLine = placement.range.start.line - placement.comments.count
      for (offset, comment) in placement.comments.enumerated() {
        guard let words = plannerWords(comment) else { continue }
        let line = firstCommentLine + offset
        let parsed = pragmas.parse(words, line: line, file: file)
        if parsed.pin { pragmas.pinned.insert(placement.range.start.line) }
        if !parsed.ignore.isEmpty {
          if parsed.global {
            pragmas.globallyIgnored.formUnion(parsed.ignore)
          } else {
            pragmas.ignored[placement.range.start.line, default: []].formUnion(parsed.ignore)
          }
        }
      }
    }
    // Global pragmas may also stand apart from any instruction: after a blank line, at the end.
    var attached: Set<Int> = []
    for placement in layout.placements {
      let first = placement.range.start.line - placement.comments.count
      attached.formUnion(first...placement.range.end.line)
    }
    let lines = tree.source.split(separator: 0x0A, omittingEmptySubsequences: false)
    for (index, bytes) in lines.enumerated() where !attached.contains(index + 1) {
      let text = String(decoding: bytes, as: UTF8.self)
      guard let words = plannerWords(text) else { continue }
      let parsed = pragmas.parse(words, line: index + 1, file: file)
      if parsed.global { pragmas.globallyIgnored.formUnion(parsed.ignore) }
    }
    return pragmas
  }

  /// Whether `source` has the word `planner`, in any case, somewhere: a file without it (most)
  /// has no pragma, and its comments need not be read. The reorderer asks for the pragmas of
  /// each text it makes. No other scalar lowercases to one of the word's letters, so a
  /// byte search in ASCII case finds every line `plannerText` accepts.
  static func mayHoldPragma(_ source: [UInt8]) -> Bool {
    let word = Array("planner".utf8)
    guard source.count >= word.count else { return false }
    for start in 0...(source.count - word.count) where source[start] | 0x20 == word[0] {
      var matched = 1
      while matched < word.count, source[start + matched] | 0x20 == word[matched] { matched += 1 }
      if matched == word.count { return true }
    }
    return false
  }

  /// The words after `# planner` or `# planner:`, or nil when the line is no planner comment.
  static func plannerWords(_ line: String) -> [Substring]? {
    plannerText(line)?.split(whereSeparator: \.isWhitespace)
  }

  /// What follows `# planner` or `# planner:` on a comment line, or nil when the line is no
  /// planner comment (`# plannerish` is not): shared with the `cost=` reading of `StepCost`.
  static func plannerText(_ line: String) -> Substring? {
    var text = Substring(line).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    guard text.first == "#" else { return nil }
    text = text.dropFirst().drop { $0.isWhitespace }
    guard text.lowercased().hasPrefix("planner") else { return nil }
    text = text.dropFirst("planner".count)
    if text.first == ":" {
      text = text.dropFirst()
    } else if let first = text.first, !first.isWhitespace {
      return nil
    }
    return text
  }

  private mutating func parse(_ words: [Substring], line: Int, file: String) -> (
    global: Bool, pin: Bool, ignore: Set<String>
  ) {
    var global = false
    var pin = false
    var ignore: Set<String> = []
    for word in words {
      let lowered = word.lowercased()
      if lowered == "global" {
        global = true
      } else if lowered == "pin" {
        pin = true
      } else if lowered == "ignore" {
        warn(
          "'ignore' in a planner comment needs '=' and rule ids, as in 'ignore=PL303'", line, file)
      } else if let equals = lowered.firstIndex(of: "="), !lowered.hasPrefix("ignore="),
        lowered[..<equals] != "cost"
      {
        warn(
          "unknown setting '\(word.prefix { $0 != "=" })' in a planner comment (planner reads ignore=, global, pin and cost=)",
          line, file)
      } else if lowered.hasPrefix("ignore=") {
        let ids = word.dropFirst("ignore=".count).split(separator: ",")
        if ids.isEmpty {
          warn("'ignore=' in a planner comment needs rule ids, as in 'ignore=PL303'", line, file)
        }
        for id in ids {
          let upper = id.uppercased()
          if RuleCatalog.rule(upper) == nil {
            warn("unknown rule '\(id)' in a planner comment (see `planner rules`)", line, file)
          } else {
            ignore.insert(upper)
          }
        }
      }
    }
    return (global, pin, ignore)
  }

  private mutating func warn(_ message: String, _ line: Int, _ file: String) {
    diagnostics.append(
      Diagnostic(.warning, message, file: file, range: .lines(line, line)))
  }
}

extension Pragmas {
  /// The pragmas of a file's bytes; none when it does not parse.
  package static func read(_ source: [UInt8], file: String) -> Pragmas {
    guard case .success(let tree) = DockerfileParser(file: file).parse(source) else {
      return Pragmas()
    }
    return read(tree, file: file)
  }
}
