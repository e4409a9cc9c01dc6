/// One thing planner reports about a file: a cache move with its measured saving, `.dockerignore`
/// advice, or an image-hygiene rule. Every output format (text, JSON, Markdown, SARIF, rdjson,
/// GitLab, GitHub annotations, Checkstyle) is made from these.
package struct Finding: Hashable, Sendable, Encodable {
  /// How serious a finding is: the same three levels as a diagnostic, in the same order.
  package typealias Level = Diagnostic.Severity

  /// A change to a file that fixes the finding: each replacement removes `range` (end
  /// exclusive; empty to insert) and puts `text` in its place. Whole lines are replaced, so
  /// columns are 1 and `text` ends with the file's line ending.
  package struct Fix: Hashable, Sendable, Encodable {
    package struct Replacement: Hashable, Sendable, Encodable {
      package var range: SourceRange
      package var text: String

      package init(range: SourceRange, text: String) {
        self.range = range
        self.text = text
      }
    }
    package var description: String
    /// The file the replacements apply to (the finding's own file, or its `.dockerignore`).
    package var file: String
    package var replacements: [Replacement]

    package init(description: String, file: String, replacements: [Replacement]) {
      self.description = description
      self.file = file
      self.replacements = replacements
    }
  }

  /// The rule's id, such as `PL101`; a row of ``RuleCatalog``.
  package var rule: String
  package var level: Level
  /// The file as the user named it (relative, as given on the command line).
  package var file: String
  /// Where: the instruction (or line) the finding is about.
  package var range: SourceRange
  package var message: String
  /// What the finding is about, independent of its line (the instruction's text, a package
  /// name): with `rule` and `file`, it makes the fingerprint that stays put when lines move.
  package var subject: String
  /// The rebuild seconds a cache move saves over the replayed window.
  package var seconds: Double?
  /// The rebuilds it avoids over the window.
  package var rebuilds: Int?
  package var fix: Fix?

  package init(
    rule: String, level: Level, file: String, range: SourceRange, message: String,
    subject: String, seconds: Double? = nil, rebuilds: Int? = nil, fix: Fix? = nil
  ) {
    self.rule = rule
    self.level = level
    self.file = file
    self.range = range
    self.message = message
    self.subject = subject
    self.seconds = seconds
    self.rebuilds = rebuilds
    self.fix = fix
  }

  /// A stable fingerprint: the rule, the file and the subject (whitespace runs folded), hashed
  /// with 64-bit FNV-1a. It does not change when the finding's line moves.
  package var fingerprint: String {
    let folded = subject.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return Self.fnv1a("\(rule)\u{0}\(file)\u{0}\(folded)")
  }

  package static func fnv1a(_ text: String) -> String {
    FNV1a.hex(FNV1a.hash(text.utf8), width: 16)
  }
}
