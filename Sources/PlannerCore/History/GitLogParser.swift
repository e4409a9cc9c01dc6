/// Reads the history in planner's recorded format, a chunk at a time, into `Commit`s.
///
/// **The format** is exactly what `git` prints for `GitLogParser.logArguments(commits:)`, so a
/// test or an example can save that output to a file (`--history-file`) and replay it without
/// git. With `-z` nothing is quoted and every path is NUL-terminated; for each commit, newest
/// first:
///
/// ```
/// 0x1E <id> 0x1F <parent ids, space-separated> 0x1F <author time> 0x1F <subject> NUL
/// then, when the commit changed anything, a newline and one entry per changed path:
/// :<old mode> <new mode> <old blob> <new blob> <status> NUL <path> NUL
/// ```
///
/// The subject comes last in the header, so a subject that contains 0x1E or 0x1F is still read
/// whole; it cannot contain NUL. A rename or copy entry (`R100`, `C75`), which planner's own
/// arguments never produce, is followed by two paths and is read as a deletion plus an addition
/// (a copy as an addition).
///
/// **Chunks may split anywhere**, even inside a multi-byte character; `feed` returns each commit
/// once the next commit's header has been read, and `finish` returns the last. The parser keeps only the unfinished
/// field and the commit being read, and looks at every byte a bounded number of times, so time is
/// linear in the input and memory does not grow with the number of commits.
///
/// **It never traps.** A malformed record becomes a diagnostic and is skipped: a commit that is
/// not fully understood is left out whole rather than counted with half its changes, and reading
/// resumes at the next commit header. Diagnostics point at the record with a 1-based line and a
/// byte column in the input.
package struct GitLogParser {
  /// The `--format` of planner's log command: the subject last, so it may contain anything but
  /// NUL.
  static let format = "%x1e%H%x1f%P%x1f%at%x1f%s"

  /// The arguments after `git` that print the last `commits` first-parent commits in the
  /// recorded format, limited to commits touching `paths` when given.
  ///
  /// Every option that a user's configuration could change is spelled out: merges are compared
  /// with their first parent (`--diff-merges=first-parent`, git 2.31 or later) whatever
  /// `log.diffMerges` says; renames are a deletion plus an addition whatever `diff.renames` says;
  /// `--no-follow` overrides `log.follow`; `--root` shows what the first commit added whatever
  /// `log.showRoot` says; signatures and colours stay out of the output. Paths are literal
  /// pathspecs, so `*` or `:` in a file name matches only that file.
  ///
  /// With `paths`, git counts only the commits that touch them towards `commits`, and lists only
  /// their changes to those paths: a window of "the last N commits touching these paths", not of
  /// the last N commits.
  package static func logArguments(commits: Int, paths: [String]? = nil, from start: String? = nil)
    -> [String]
  {
    var arguments = [
      "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--no-follow",
      "--root", "--raw", "--no-abbrev", "-z", "--no-color", "--no-show-signature",
      "--encoding=UTF-8", "--format=\(format)", "--max-count=\(max(0, commits))",
    ]
    // A resolved commit id (never an option: callers resolve revisions first).
    if let start { arguments.append(start) }
    arguments.append("--")
    arguments += (paths ?? []).map { ":(literal)\($0)" }
    return arguments
  }

  /// The command a user runs to record a history, for messages.
  static var recordingCommand: String {
    "git "
      + logArguments(commits: 50).map { $0 == "--format=\(format)" ? "'\($0)'" : $0 }
      .joined(separator: " ")
  }

  /// How many malformed records are reported one by one; the rest are counted in one warning.
  static let diagnosticLimit = 20

  private enum State {
    /// Before the first commit header.
    case start
    /// After a header or a complete entry: another entry of this commit, or the next header.
    case entryOrHeader
    /// After an entry's status line: its path comes next.
    case path(Entry)
    /// After a rename or copy's first path: the second path comes next.
    case secondPath(Entry, source: String)
    /// After a malformed record: skip fields until one starts a commit header.
    case skipping
  }

  /// One `:<old mode> <new mode> <old blob> <new blob> <status>` line, before its path.
  private struct Entry {
    enum Kind {
      case plain(FileChange.Status)
      case renamed
      case copied
    }
    var kind: Kind
    var oldMode: UInt32
    var newMode: UInt32
    var oldBlob: String
    var newBlob: String
  }

  /// The name diagnostics use for the input.
  let file: String

  private var buffer: [UInt8] = []
  /// The first byte of `buffer` not yet consumed: the start of the unfinished field.
  private var fieldStart = 0
  /// Where to look for the next NUL: the unfinished field has none before this index.
  private var scanFrom = 0
  /// Where `buffer[0]` is in the whole input, and what lies before it, for diagnostics.
  private var consumedBytes = 0
  private var consumedLines = 0
  private var consumedLineStart = 0

  private var state = State.start
  private var current: Commit?
  private var sawInput = false
  private var commitCount = 0
  private var diagnostics: [Diagnostic] = []
  private var unreportedProblems = 0
  private var invalidPaths = 0

  /// A parser for one input; `file` names it in diagnostics (`history.log`, `git log`).
  package init(file: String = "git log") {
    self.file = file
  }

  /// Reads the next chunk of the input and returns the commits it completed, in input order
  /// (newest first, as git prints them).
  package mutating func feed(_ chunk: ArraySlice<UInt8>) -> [Commit] {
    guard !chunk.isEmpty else { return [] }
    sawInput = true
    buffer.append(contentsOf: chunk)
    var completed: [Commit] = []
    while let end = buffer[scanFrom...].firstIndex(of: 0) {
      consume(fieldFrom: fieldStart, to: end, into: &completed)
      fieldStart = end + 1
      scanFrom = fieldStart
    }
    scanFrom = buffer.count
    compact()
    return completed
  }

  /// Ends the input: returns the last commit and every diagnostic. The parser is then ready for
  /// a new input.
  package mutating func finish() -> ([Commit], [Diagnostic]) {
    var completed: [Commit] = []
    let rest = buffer[fieldStart...]
    let end = buffer.count
    var isCommitCut = false
    switch state {
    case .path, .secondPath: isCommitCut = true
    case .entryOrHeader:
      isCommitCut = rest.first != 0x1E && rest.contains { $0 != UInt8(ascii: "\n") }
    case .start, .skipping: break
    }
    if rest.allSatisfy({ $0 == UInt8(ascii: "\n") }) && !isCommitCut {
      finishCommit(into: &completed)
    } else if isCommitCut {
      // The input stops inside a commit: git was cut short, or the file was truncated.
      let id = current?.id
      report(at: end) { .truncatedHistory(commit: id, file: $0, range: $1) }
      current = nil
    } else if rest.first == 0x1E {
      finishCommit(into: &completed)
      report(at: end) { .truncatedHistory(commit: nil, file: $0, range: $1) }
    } else if case .start = state {
      report(at: fieldStart) { .notARecordedHistory(file: $0, range: $1) }
    }
    if invalidPaths > 0 {
      diagnostics.append(.invalidUTF8Paths(invalidPaths, file: file))
    }
    if unreportedProblems > 0 {
      diagnostics.append(.moreProblems(unreportedProblems, file: file))
    }
    if sawInput, commitCount == 0, diagnostics.contains(where: { $0.severity == .warning }) {
      diagnostics.append(.noCommitRead(file: file))
    }
    let result = (completed, diagnostics)
    self = GitLogParser(file: file)
    return result
  }

  // MARK: - Fields

  /// Handles one NUL-terminated field, `buffer[start..<end]`.
  private mutating func consume(fieldFrom start: Int, to end: Int, into completed: inout [Commit]) {
    let field = buffer[start..<end]
    switch state {
    case .start, .skipping:
      if field.first == 0x1E {
        startCommit(field, at: start, into: &completed)
      } else if case .start = state {
        report(at: start) { .notARecordedHistory(file: $0, range: $1) }
        state = .skipping
      }
    case .entryOrHeader:
      if field.first == 0x1E {
        startCommit(field, at: start, into: &completed)
      } else if let entry = Self.entry(field) {
        state = .path(entry)
      } else {
        let id = current?.id
        abandonCommit(at: start) { .malformedChange(commit: id, file: $0, range: $1) }
      }
    case .path(let entry):
      guard let path = decodePath(field) else {
        let id = current?.id
        abandonCommit(at: start) { .emptyPath(commit: id, file: $0, range: $1) }
        return
      }
      switch entry.kind {
      case .plain(let status):
        current?.changes.append(
          FileChange(
            path: path, status: status, oldMode: entry.oldMode, newMode: entry.newMode,
            oldBlob: entry.oldBlob, newBlob: entry.newBlob))
        state = .entryOrHeader
      case .renamed, .copied:
        state = .secondPath(entry, source: path)
      }
    case .secondPath(let entry, let source):
      guard let destination = decodePath(field) else {
        let id = current?.id
        abandonCommit(at: start) { .emptyPath(commit: id, file: $0, range: $1) }
        return
      }
      let zero = String(repeating: "0", count: entry.oldBlob.count)
      if case .renamed = entry.kind {
        current?.changes.append(
          FileChange(
            path: source, status: .deleted, oldMode: entry.oldMode, newMode: 0,
            oldBlob: entry.oldBlob, newBlob: zero))
      }
      current?.changes.append(
        FileChange(
          path: destination, status: .added, oldMode: 0, newMode: entry.newMode, oldBlob: zero,
          newBlob: entry.newBlob))
      state = .entryOrHeader
    }
  }

  /// Completes the commit being read, if any, and starts the one whose header is `field`.
  private mutating func startCommit(
    _ field: ArraySlice<UInt8>, at start: Int, into completed: inout [Commit]
  ) {
    finishCommit(into: &completed)
    if let commit = Self.header(field) {
      current = commit
      state = .entryOrHeader
    } else {
      report(at: start) { .malformedHeader(file: $0, range: $1) }
      state = .skipping
    }
  }

  private mutating func finishCommit(into completed: inout [Commit]) {
    if let current {
      completed.append(current)
      commitCount += 1
    }
    current = nil
  }

  /// Leaves out the commit being read and skips to the next header.
  private mutating func abandonCommit(
    at index: Int, _ diagnostic: (String, SourceRange) -> Diagnostic
  ) {
    report(at: index, diagnostic)
    current = nil
    state = .skipping
  }

  /// Records a problem at `buffer[index]`. Only the first few are located and kept, so garbage
  /// input costs no more than well-formed input.
  private mutating func report(at index: Int, _ diagnostic: (String, SourceRange) -> Diagnostic) {
    if diagnostics.count < Self.diagnosticLimit {
      diagnostics.append(diagnostic(file, range(at: index)))
    } else {
      unreportedProblems += 1
    }
  }

  /// The path in `field`, decoded as UTF-8 (lossily, counting paths that were not valid); nil
  /// for an empty field, which git never prints as a path.
  private mutating func decodePath(_ field: ArraySlice<UInt8>) -> String? {
    guard !field.isEmpty else { return nil }
    if let path = String(validating: field, as: UTF8.self) { return path }
    invalidPaths += 1
    return String(decoding: field, as: UTF8.self)
  }

  // MARK: - Records

  /// `0x1E <id> 0x1F <parents> 0x1F <author time> 0x1F <subject>`, or nil when malformed.
  private static func header(_ field: ArraySlice<UInt8>) -> Commit? {
    var parts: [ArraySlice<UInt8>] = []
    var partStart = field.startIndex + 1
    var index = partStart
    while parts.count < 3, index < field.endIndex {
      if field[index] == 0x1F {
        parts.append(field[partStart..<index])
        partStart = index + 1
      }
      index += 1
    }
    guard parts.count == 3, isObjectID(parts[0]), let time = integer(parts[2]) else { return nil }
    var parents: [String] = []
    for parent in parts[1].split(separator: UInt8(ascii: " ")) {
      guard isObjectID(parent) else { return nil }
      parents.append(String(decoding: parent, as: UTF8.self))
    }
    return Commit(
      id: String(decoding: parts[0], as: UTF8.self), parents: parents, authorTime: time,
      subject: String(decoding: field[partStart...], as: UTF8.self), changes: [])
  }

  /// `[\n]:<old mode> <new mode> <old blob> <new blob> <status>`, or nil when malformed.
  private static func entry(_ field: ArraySlice<UInt8>) -> Entry? {
    var line = field
    if line.first == UInt8(ascii: "\n") { line = line.dropFirst() }
    guard line.first == UInt8(ascii: ":") else { return nil }
    // Five space-separated parts; found by hand because the generic `split` costs several
    // thousand instructions a line, and a long history has hundreds of thousands of lines.
    var parts: [ArraySlice<UInt8>] = []
    parts.reserveCapacity(5)
    var partStart = line.startIndex + 1
    var index = partStart
    while index < line.endIndex {
      if line[index] == UInt8(ascii: " ") {
        parts.append(line[partStart..<index])
        partStart = index + 1
      }
      index += 1
    }
    parts.append(line[partStart..<line.endIndex])
    guard parts.count == 5,
      let oldMode = octal(parts[0]), let newMode = octal(parts[1]),
      isObjectID(parts[2]), isObjectID(parts[3]), parts[2].count == parts[3].count,
      let letter = parts[4].first,
      parts[4].dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
    else { return nil }
    let kind: Entry.Kind
    switch letter {
    case UInt8(ascii: "R"): kind = .renamed
    case UInt8(ascii: "C"): kind = .copied
    default:
      guard parts[4].count == 1,
        let status = FileChange.Status(rawValue: String(UnicodeScalar(letter)))
      else { return nil }
      kind = .plain(status)
    }
    return Entry(
      kind: kind, oldMode: oldMode, newMode: newMode,
      oldBlob: String(decoding: parts[2], as: UTF8.self),
      newBlob: String(decoding: parts[3], as: UTF8.self))
  }

  /// Whether `bytes` is a full object id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
  private static func isObjectID(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard bytes.count == 40 || bytes.count == 64 else { return false }
    return bytes.withUnsafeBufferPointer { buffer in
      var valid = true
      for byte in buffer {
        // `0`–`9` and `a`–`f`, branch-free: this runs for two ids of every changed path.
        let digit = byte &- UInt8(ascii: "0") < 10
        let letter = byte &- UInt8(ascii: "a") < 6
        valid = valid && (digit || letter)
      }
      return valid
    }
  }

  /// A file mode in octal, at most 0o7777777.
  private static func octal(_ bytes: ArraySlice<UInt8>) -> UInt32? {
    guard (1...7).contains(bytes.count) else { return nil }
    var value: UInt32 = 0
    for byte in bytes {
      guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { return nil }
      value = value * 8 + UInt32(byte - UInt8(ascii: "0"))
    }
    return value
  }

  /// A decimal integer with an optional minus sign, nil when it does not fit in an `Int`.
  private static func integer(_ bytes: ArraySlice<UInt8>) -> Int? {
    guard bytes.count <= 20 else { return nil }
    return Int(String(decoding: bytes, as: UTF8.self))
  }

  // MARK: - Positions

  /// Drops the consumed prefix of the buffer, remembering how many lines it held.
  private mutating func compact() {
    guard fieldStart > 0 else { return }
    for index in 0..<fieldStart where buffer[index] == UInt8(ascii: "\n") {
      consumedLines += 1
      consumedLineStart = consumedBytes + index + 1
    }
    buffer.removeSubrange(0..<fieldStart)
    consumedBytes += fieldStart
    scanFrom -= fieldStart
    fieldStart = 0
  }

  /// The position of `buffer[index]` in the whole input: 1-based line, byte column.
  private func range(at index: Int) -> SourceRange {
    var line = consumedLines
    var lineStart = consumedLineStart
    for offset in 0..<min(index, buffer.count) where buffer[offset] == UInt8(ascii: "\n") {
      line += 1
      lineStart = consumedBytes + offset + 1
    }
    let position = SourcePosition(line: line + 1, column: consumedBytes + index - lineStart + 1)
    return SourceRange(start: position, end: position)
  }
}

extension Diagnostic {
  static func notARecordedHistory(file: String, range: SourceRange) -> Self {
    .init(
      .warning,
      "expected a commit header starting with byte 0x1E; this does not look like a recorded "
        + "history",
      file: file, range: range)
  }

  static func malformedHeader(file: String, range: SourceRange) -> Self {
    .init(
      .warning,
      "malformed commit header (expected id, parents, author time and subject); "
        + "planner skips this commit",
      file: file, range: range)
  }

  static func malformedChange(commit: String?, file: String, range: SourceRange) -> Self {
    .init(
      .warning,
      "malformed change line\(Self.inCommit(commit)) (expected ':<old mode> <new mode> "
        + "<old blob> <new blob> <status>'); planner skips this commit",
      file: file, range: range)
  }

  static func emptyPath(commit: String?, file: String, range: SourceRange) -> Self {
    .init(
      .warning, "empty path\(Self.inCommit(commit)); planner skips this commit",
      file: file, range: range)
  }

  static func truncatedHistory(commit: String?, file: String, range: SourceRange) -> Self {
    .init(
      .warning,
      "the history ends in the middle of \(commit.map { "commit \($0.prefix(12))" } ?? "a commit"); "
        + "planner leaves that commit out",
      file: file, range: range)
  }

  static func invalidUTF8Paths(_ count: Int, file: String) -> Self {
    .init(
      .note,
      "\(count) \(count == 1 ? "path is" : "paths are") not valid UTF-8; planner replaced the "
        + "invalid bytes with U+FFFD, so such a path may not match the file it names",
      file: file, range: .lines(1, 1))
  }

  static func moreProblems(_ count: Int, file: String) -> Self {
    .init(
      .warning, "\(count) more malformed \(count == 1 ? "record" : "records") not shown",
      file: file, range: .lines(1, 1))
  }

  static func noCommitRead(file: String) -> Self {
    .init(
      .error,
      "no commit could be read; record the history with \(GitLogParser.recordingCommand) > FILE",
      file: file, range: .lines(1, 1))
  }

  private static func inCommit(_ commit: String?) -> String {
    commit.map { " in commit \($0.prefix(12))" } ?? ""
  }
}
