import Dispatch
import PlannerCore

// For `ProcessInfo`, the environment handed to git: the rest of the executable uses POSIX calls.
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation  // Apple platforms, where Foundation is one library
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Something that went wrong, or that the user should know, while reading the repository's
/// history: one plain sentence each. The warnings (`isWarning`) do not stop planner.
enum PlannerHistoryError: Error, CustomStringConvertible {
  /// No executable named `git` on `PATH`.
  case gitMissing
  /// git could not be started although it was found.
  case launchFailed(String, reason: String)
  /// The folder is not inside a git repository; `detail` is git's own message.
  case notARepository(String, detail: String)
  /// The repository has no commit yet.
  case emptyRepository(String)
  /// Fewer commits than asked for; a warning, planner goes on with those.
  case shortHistory(found: Int, requested: Int, isShallow: Bool)
  /// The oldest commit of a shallow clone, whose changes git cannot show; a warning, planner
  /// leaves the commit out.
  case shallowBoundary(commit: String)
  /// A file's blob could not be read, typically a partial clone that could not fetch it;
  /// `reason` is git's message. A warning.
  case blobMissing(path: String, commit: String, reason: String)
  /// The file did not exist at that commit; a warning, the caller goes on without it.
  case fileAbsent(path: String, commit: String)
  /// git printed a history planner could not fully read.
  case malformedOutput(Diagnostic)
  /// git exited with a failure: the command, the exit status and the start of its stderr.
  case gitFailed(arguments: [String], status: Int32, stderr: String)

  /// Whether planner goes on after reporting it.
  /// A file that was simply not there at a commit.
  var isAbsence: Bool {
    if case .fileAbsent = self { return true }
    return false
  }

  var isWarning: Bool {
    switch self {
    case .shortHistory, .shallowBoundary, .blobMissing, .fileAbsent: true
    case .malformedOutput(let diagnostic): diagnostic.severity != .error
    case .gitMissing, .launchFailed, .notARepository, .emptyRepository, .gitFailed: false
    }
  }

  var description: String {
    switch self {
    case .gitMissing:
      "git is not installed or not on PATH; install git, or pass a recorded history with "
        + "--history-file"
    case .launchFailed(let path, let reason):
      "cannot run '\(path)': \(reason)"
    case .notARepository(let path, let detail):
      "'\(quoted(path))' is not in a git repository (\(detail))"
    case .emptyRepository(let path):
      "the repository at '\(quoted(path))' has no commits yet, so there is no history to learn from"
    case .shortHistory(let found, let requested, true):
      "the history has only \(found) \(found == 1 ? "commit" : "commits") (shallow clone?), "
        + "fewer than the \(requested) asked for; run 'git fetch --unshallow' to read more"
    case .shortHistory(let found, let requested, false):
      "the history has only \(found) \(found == 1 ? "commit" : "commits"), fewer than the "
        + "\(requested) asked for; planner uses all of them"
    case .shallowBoundary(let commit):
      "commit \(commit.prefix(12)) is where this shallow clone's history stops, so what it "
        + "changed is unknown; planner leaves it out"
    case .blobMissing(let path, let commit, let reason):
      "cannot read '\(quoted(path))' at commit \(commit.prefix(12)) (\(reason)); planner goes "
        + "on without that version"
    case .fileAbsent(let path, let commit):
      "'\(quoted(path))' did not exist at commit \(commit.prefix(12)); planner goes on without it"
    case .malformedOutput(let diagnostic):
      "git printed a history planner could not fully read: \(diagnostic.description)"
    case .gitFailed(let arguments, let status, let stderr):
      "'git \(arguments.joined(separator: " "))' failed with exit status \(status)"
        + (stderr.isEmpty ? "" : ": \(stderr)")
    }
  }

  /// `text` with control characters escaped, so a path holding a newline stays on one line.
  private func quoted(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\\": result += "\\\\"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        result += "\\u{\(String(scalar.value, radix: 16))}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}

/// A file's content as one `git cat-file --batch` request found it.
enum BlobLookup: Hashable, Sendable {
  case found([UInt8])
  /// Nothing at that path in that commit: the file did not exist yet, or the path is a folder.
  case absent
  /// The path names a blob git could not read, typically one a partial clone could not fetch;
  /// `reason` is git's message.
  case missing(reason: String)

  var bytes: [UInt8]? {
    if case .found(let bytes) = self { bytes } else { nil }
  }
}

/// A git repository on disk, read by running `git` with argument arrays (never a shell), one
/// streaming process per question.
struct GitRepository {
  /// Bytes read from git's output at a time.
  static let chunkSize = 262_144

  /// Any folder inside the working tree (or a bare repository), absolute.
  let directory: String

  init(at folder: String) {
    directory = Disk.absolute(folder)
  }

  /// Streams the last `commits` (at least 1) first-parent commits, newest first, to `handler`
  /// in batches as git prints them, from one `git log` process (`GitLogParser.logArguments`).
  /// Returns the warnings: a history shorter than asked for, a shallow clone's boundary commit
  /// (left out), unreadable records. When git fails midway, `handler` has already seen the
  /// commits before the failure.
  @discardableResult
  func log(
    commits: Int, paths: [String]? = nil, from start: String? = nil, knownShallow: Bool? = nil,
    handler: ([Commit]) -> Void
  ) throws(PlannerHistoryError) -> [PlannerHistoryError] {
    let requested = max(1, commits)
    let isShallow: Bool
    if let knownShallow {
      isShallow = knownShallow
    } else {
      isShallow = try probe().isShallow
    }

    var warnings: [PlannerHistoryError] = []
    var found = 0

    // In a shallow clone a commit without parents is (almost always) where the clone stops:
    // git shows it as adding every file, which would count as a change to every path.
    func deliver(_ batch: [Commit]) {
      found += batch.count
      var kept = batch
      if isShallow {
        for commit in batch where commit.parents.isEmpty {
          warnings.append(.shallowBoundary(commit: commit.id))
        }
        kept.removeAll { $0.parents.isEmpty }
      }
      if !kept.isEmpty { handler(kept) }
    }

    let arguments = GitLogParser.logArguments(commits: requested, paths: paths, from: start)
    let process = try GitProcess(arguments: arguments, in: directory)
    var parser = GitLogParser(file: "git log")
    let readFailure = process.readOutput { chunk in deliver(parser.feed(chunk)) }
    let (last, diagnostics) = parser.finish()
    deliver(last)
    let exit = process.wait()
    guard exit.status == 0, readFailure == nil else {
      // `git log` fails in a repository without commits; say so rather than quote git.
      if found == 0, try capture(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).status != 0
      {
        throw .emptyRepository(directory)
      }
      throw .gitFailed(
        arguments: arguments, status: exit.status, stderr: readFailure ?? exit.stderr)
    }
    // Counted from the log itself rather than with a separate `git rev-list --count`.
    if found < requested {
      warnings.insert(
        .shortHistory(found: found, requested: requested, isShallow: isShallow), at: 0)
    }
    for diagnostic in diagnostics {
      if diagnostic.severity == .error { throw .malformedOutput(diagnostic) }
      warnings.append(.malformedOutput(diagnostic))
    }
    return warnings
  }

  /// One `git rev-parse` for what planner needs to know before reading: that this is a
  /// repository, the folder's path from its root, and whether the clone is shallow.
  func probe() throws(PlannerHistoryError) -> (prefix: String, isShallow: Bool, top: String) {
    // Outside any repository, say so without starting git (a few milliseconds a file).
    guard Self.mayBeInRepository(directory) else {
      throw .notARepository(directory, detail: "no .git in this folder or above it")
    }
    let result = try capture([
      "rev-parse", "--is-shallow-repository", "--show-prefix", "--show-toplevel",
    ])
    guard result.status == 0 else { throw .notARepository(directory, detail: result.stderr) }
    let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
    var prefix = lines.count > 1 ? String(lines[1]) : ""
    if prefix.hasSuffix("/") { prefix.removeLast() }
    let top = lines.count > 2 ? String(lines[2]) : ""
    return (prefix, lines.first == "true", top)
  }

  /// False only when git certainly finds no repository: no `.git` in the folder or any folder
  /// above it, and no `GIT_DIR` in the environment to point elsewhere.
  static func mayBeInRepository(_ folder: String) -> Bool {
    if getenv("GIT_DIR") != nil { return true }
    return Disk.foldersUpward(from: folder).contains { Disk.exists(Disk.join($0, ".git")) }
  }

  /// The content of each `<commit>:<path>`, in order, from one `git cat-file --batch` process.
  ///
  /// A partial clone fetches a blob it lacks when asked for it; when that fails, git 2.39's
  /// `cat-file` stops altogether. planner then records that request as missing, with git's
  /// message, and starts a new process for the rest: each unreadable blob costs one process, and
  /// the others are still read. Throws only when the folder is not a repository.
  func lookUpBlobs(
    _ requests: [(commit: String, path: String)], knownRepository: Bool = false
  ) throws(PlannerHistoryError) -> [BlobLookup] {
    guard !requests.isEmpty else { return [] }
    // A caller that has just read the log knows this is a repository: one process less.
    if !knownRepository {
      let probe = try capture(["rev-parse", "--is-inside-work-tree"])
      guard probe.status == 0 else {
        throw .notARepository(directory, detail: probe.stderr)
      }
    }
    return try lookUp(requests.map { "\($0.commit):\($0.path)" })
  }

  /// The content of each object name (a blob id, or `<commit>:<path>`), in order, from one
  /// `git cat-file --batch` process (more only when blobs are missing; see `lookUpBlobs`).
  func lookUp(_ objectNames: [String]) throws(PlannerHistoryError) -> [BlobLookup] {
    var results = [BlobLookup?](repeating: nil, count: objectNames.count)
    // A NUL cannot be sent, and git has no such path; the rest are sent in order.
    var pending = objectNames.indices.filter { !objectNames[$0].utf8.contains(0) }[...]
    while !pending.isEmpty {
      let names = pending.map { Array(objectNames[$0].utf8) }
      let outcome = try catFile(names)
      for (offset, lookup) in outcome.lookups.enumerated() {
        results[pending[pending.startIndex + offset]] = lookup
      }
      pending = pending.dropFirst(outcome.lookups.count)
      guard let failed = pending.first else { break }
      // git stopped at `failed`.
      let reason =
        outcome.failure.isEmpty
        ? "git cat-file ended with exit status \(outcome.status)" : outcome.failure
      results[failed] = .missing(reason: reason)
      pending = pending.dropFirst()
    }
    return results.map { $0 ?? .absent }
  }

  /// The full id of a revision (`HEAD~2`, a tag, a short id); nil when git cannot resolve it.
  func resolveCommit(_ revision: String) -> String? {
    guard !revision.hasPrefix("-"),
      let result = try? capture(["rev-parse", "--verify", "--quiet", revision + "^{commit}"]),
      result.status == 0
    else { return nil }
    let id = result.output.trimming(\.isWhitespace)
    return id.isEmpty ? nil : id
  }

  /// The best common ancestor of two commits (ids), or nil when they have none.
  func mergeBase(_ first: String, _ second: String) -> String? {
    guard let result = try? capture(["merge-base", first, second]), result.status == 0 else {
      return nil
    }
    let id = result.output.trimming(\.isWhitespace)
    return id.isEmpty ? nil : id
  }

  /// A path as the user gave it (relative to the working folder, or absolute) made relative to
  /// the top of a repository (`top`, as `git rev-parse --show-toplevel` prints it); nil outside
  /// it.
  static func relativePath(of path: String, top: String) -> String? {
    let root = Disk.realPath(top) ?? Disk.absolute(top)
    // The folder's links (and `..` after them) resolved as the disk has them; the name kept.
    let parts = path.split(separator: "/")
    let name = parts.last.map(String.init) ?? ""
    let written = (path.hasPrefix("/") ? "/" : "") + parts.dropLast().joined(separator: "/")
    let folder = Disk.realPath(written.isEmpty ? "." : written) ?? Disk.absolute(written)
    let full = (folder == "/" ? "" : folder) + "/" + name
    guard full.utf8.starts(with: (root + "/").utf8) else { return nil }
    return String(decoding: Array(full.utf8.dropFirst(root.utf8.count + 1)), as: UTF8.self)
  }

  /// Every file of a commit's tree below `folder` (repository-relative, "" for all), with its
  /// mode, blob id and size in bytes, from one `git ls-tree -r -l -z` process. Submodules are
  /// left out.
  func listTree(_ commit: String, under folder: String) throws(PlannerHistoryError) -> [(
    path: String, mode: UInt32, blob: String, size: Int
  )] {
    var arguments = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    if !folder.isEmpty { arguments += ["--", folder] }
    let process = try GitProcess(arguments: arguments, in: directory)
    var output: [UInt8] = []
    let readFailure = process.readOutput { output += $0 }
    let exit = process.wait()
    guard exit.status == 0, readFailure == nil else {
      throw .gitFailed(
        arguments: arguments, status: exit.status, stderr: readFailure ?? exit.stderr)
    }
    return Self.parseTree(output)
  }

  /// `git ls-tree -r -l -z` output: `<mode> <type> <object> <size, padded>\t<path>\0` per
  /// entry; only blobs are kept. Read in place: a tree lists tens of thousands of files.
  static func parseTree(_ output: [UInt8]) -> [(
    path: String, mode: UInt32, blob: String, size: Int
  )] {
    var files: [(path: String, mode: UInt32, blob: String, size: Int)] = []
    output.withUnsafeBufferPointer { bytes in
      var start = 0
      while start < bytes.count {
        let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
        defer { start = end + 1 }
        guard let tab = bytes[start..<end].firstIndex(of: UInt8(ascii: "\t")) else { continue }
        let fields = bytes[start..<tab].split(separator: UInt8(ascii: " "))
        guard fields.count == 4, fields[1].elementsEqual("blob".utf8),
          let mode = Self.number(fields[0], radix: 8), let size = Self.number(fields[3], radix: 10)
        else { continue }
        files.append(
          (
            String(decoding: UnsafeBufferPointer(rebasing: bytes[(tab + 1)..<end]), as: UTF8.self),
            UInt32(truncatingIfNeeded: mode),
            String(decoding: UnsafeBufferPointer(rebasing: fields[2]), as: UTF8.self), size
          ))
      }
    }
    return files
  }

  /// The digits of `bytes` as a number; nil when there are none or one is not a digit.
  private static func number(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, radix: Int) -> Int? {
    guard !bytes.isEmpty, bytes.count < 19 else { return nil }
    var value = 0
    for byte in bytes {
      let digit = Int(byte) - Int(UInt8(ascii: "0"))
      guard digit >= 0, digit < radix else { return nil }
      value = value * radix + digit
    }
    return value
  }

  /// The warning each lookup deserves: an absent file or a missing blob.
  static func warnings(
    for lookups: [BlobLookup], of requests: [(commit: String, path: String)]
  ) -> [PlannerHistoryError] {
    zip(lookups, requests).compactMap { lookup, request in
      switch lookup {
      case .found: nil
      case .absent: .fileAbsent(path: request.path, commit: request.commit)
      case .missing(let reason):
        .blobMissing(path: request.path, commit: request.commit, reason: reason)
      }
    }
  }

  // MARK: - Processes

  /// One `cat-file --batch` process for `names`: the replies it gave before it ended, and, if it
  /// stopped early, its exit status and the last line of its stderr.
  private func catFile(
    _ names: [[UInt8]]
  ) throws(PlannerHistoryError) -> (lookups: [BlobLookup], status: Int32, failure: String) {
    // Requests are lines, unless a path holds a newline or a carriage return (which git strips
    // from the end of a line): then they are NUL-terminated (`-z`, git 2.38 or later).
    let isNULTerminated = names.contains {
      $0.contains(UInt8(ascii: "\n")) || $0.contains(UInt8(ascii: "\r"))
    }
    var input: [UInt8] = []
    for name in names {
      input += name
      input.append(isNULTerminated ? 0 : UInt8(ascii: "\n"))
    }
    let arguments = ["cat-file", "--batch"] + (isNULTerminated ? ["-z"] : [])
    let process = try GitProcess(arguments: arguments, in: directory, input: input)
    var reader = CatFileReplyReader(names: names)
    var lookups: [BlobLookup] = []
    let readFailure = process.readOutput { chunk in lookups += reader.feed(chunk) }
    let exit = process.wait()
    if lookups.count == names.count { return (lookups, exit.status, "") }
    let failure = readFailure ?? exit.stderr
    return (lookups, exit.status, failure)
  }

  /// Runs a short git command and returns its whole output.
  private func capture(
    _ arguments: [String]
  ) throws(PlannerHistoryError) -> (status: Int32, output: String, stderr: String) {
    let process = try GitProcess(arguments: arguments, in: directory)
    var output: [UInt8] = []
    _ = process.readOutput { output += $0 }
    let exit = process.wait()
    return (exit.status, String(decoding: output, as: UTF8.self), exit.stderr)
  }
}

/// Reads `git cat-file --batch` replies, one per request and in order, from chunks that may split
/// anywhere: `<object> blob <size>\n<content>\n`, or `<request> missing\n` when the name does not
/// resolve, or `<object> missing\n` when it resolves to an object the clone lacks.
private struct CatFileReplyReader {
  let names: [[UInt8]]
  private var buffer: [UInt8] = []
  private var next = 0

  init(names: [[UInt8]]) {
    self.names = names
  }

  mutating func feed(_ chunk: ArraySlice<UInt8>) -> [BlobLookup] {
    buffer += chunk
    var lookups: [BlobLookup] = []
    var start = 0
    while next < names.count, let (lookup, end) = reply(from: start) {
      lookups.append(lookup)
      start = end
      next += 1
    }
    buffer.removeSubrange(0..<start)
    return lookups
  }

  /// The reply starting at `buffer[start]` and where it ends, or nil until it is all there.
  private func reply(from start: Int) -> (BlobLookup, Int)? {
    let rest = buffer[start...]
    // The request echoed back (it may hold a newline, so compare it whole).
    let name = names[next]
    for word in [" missing\n", " ambiguous\n"] {
      let echo = name + Array(word.utf8)
      if rest.starts(with: echo) { return (.absent, start + echo.count) }
      if rest.count < echo.count, echo.starts(with: rest) { return nil }
    }
    guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
    let header = rest[..<newline].split(separator: UInt8(ascii: " "))
    let object = String(decoding: header.first ?? [], as: UTF8.self)
    guard header.count == 3, let size = Int(String(decoding: header[2], as: UTF8.self)),
      size >= 0
    else {
      return (.missing(reason: "object \(object) is missing"), newline + 1)
    }
    let contentEnd = newline + 1 + size
    guard buffer.count > contentEnd else { return nil }  // content plus its newline
    let isBlob = header[1].elementsEqual("blob".utf8)
    return (isBlob ? .found(Array(buffer[(newline + 1)..<contentEnd])) : .absent, contentEnd + 1)
  }
}

/// One running git process: stdout is read on the caller's thread in 256 KiB chunks, stderr is
/// collected on another thread, and stdin, when there is any, is written on a third, so no pipe
/// can fill up and block both sides.
private struct GitProcess {
  private let process: Subprocess
  private let errors: StreamCollector

  /// Starts `git -C directory <arguments>`, with `input` on its stdin (empty stdin without).
  init(
    arguments: [String], in directory: String, input: [UInt8]? = nil
  ) throws(PlannerHistoryError) {
    Self.ignoreBrokenPipes()
    let git = try Self.locateGit()
    var environment = ProcessInfo.processInfo.environment
    // A partial clone's fetch of a missing blob must fail, not wait for a password.
    environment["GIT_TERMINAL_PROMPT"] = "0"
    do {
      // A 1 MiB pipe lets git run ahead while planner parses a chunk, instead of stopping
      // every 64 KiB.
      process = try Subprocess(
        executable: git, arguments: [git, "-C", directory] + arguments,
        environment: environment, withInput: input != nil, outputPipeSize: 1 << 20)
    } catch {
      throw .launchFailed(git, reason: error.description)
    }
    errors = StreamCollector(reading: process.errors)
    if let descriptor = process.input, let input {
      DispatchQueue.global().async {
        Disk.write(input, to: descriptor)  // false when git ended early: its exit status says why
        close(descriptor)
      }
    }
  }

  /// Calls `body` with stdout in chunks of 256 KiB (the last one shorter) until git closes it;
  /// returns a message when reading failed. A pipe hands over a few hundred bytes per `read`,
  /// so the chunk is filled first: fewer, larger chunks for the parser.
  ///
  /// On a long stream (past 256 KiB), a `read` that brings less than 16 KiB means planner is
  /// waiting on git, one small write at a time: each write then wakes planner on the other core
  /// and the two ping-pong. Waiting 2 ms before the next `read` lets the pipe fill instead. On
  /// `history --commits 10000` this took the run from 1.35 to 1.21 times the `git log` it
  /// reads; the most it adds is 2 ms after git's last write.
  func readOutput(_ body: (ArraySlice<UInt8>) -> Void) -> String? {
    let descriptor = process.output
    var chunk = [UInt8](repeating: 0, count: GitRepository.chunkSize)
    var filled = 0
    var total = 0
    while true {
      let count = chunk.withUnsafeMutableBytes {
        read(descriptor, $0.baseAddress.map { $0 + filled }, $0.count - filled)
      }
      if count > 0 {
        filled += count
        total += count
        if count < 16_384, total > 262_144 { usleep(2_000) }
        if filled == chunk.count {
          body(chunk[...])
          filled = 0
        }
      } else if count == 0 {
        if filled > 0 { body(chunk[..<filled]) }
        return nil
      } else if errno != EINTR {
        if filled > 0 { body(chunk[..<filled]) }
        return "reading git's output failed: \(SystemError())"
      }
    }
  }

  /// Waits for git to end: its exit status and the last line of its stderr.
  func wait() -> (status: Int32, stderr: String) {
    close(process.output)  // if reading stopped early, git gets EPIPE
    let status = process.wait()
    let stderr = String(decoding: errors.wait(), as: UTF8.self)
    let lastLine = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    return (status, lastLine)
  }

  /// The first `git` on `PATH`.
  private static func locateGit() throws(PlannerHistoryError) -> String {
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") where folder.hasPrefix("/") {
      let candidate = Disk.join(String(folder), "git")
      if Disk.isExecutable(candidate) { return candidate }
    }
    throw .gitMissing
  }

  /// A write to a pipe whose reader has ended must fail with EPIPE, not kill planner.
  private static func ignoreBrokenPipes() {
    _ = brokenPipesIgnored
  }

  private static let brokenPipesIgnored: Bool = {
    _ = signal(SIGPIPE, SIG_IGN)
    return true
  }()
}

/// Collects everything a pipe delivers on a background thread (the first 64 KiB of it; the rest
/// is read and dropped so the writer never blocks), and closes it.
private final class StreamCollector: @unchecked Sendable {
  private let finished = DispatchSemaphore(value: 0)
  /// Set by the reading thread before it signals `finished`.
  private var bytes: [UInt8] = []

  init(reading descriptor: Int32, limit: Int = 65_536) {
    DispatchQueue.global().async { [self] in
      var kept: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
          if kept.count < limit { kept += chunk[..<min(count, limit - kept.count)] }
        } else if count < 0, errno == EINTR {
          continue
        } else {
          break
        }
      }
      close(descriptor)
      bytes = kept
      finished.signal()
    }
  }

  /// Everything collected, once the pipe has closed.
  func wait() -> [UInt8] {
    finished.wait()
    return bytes
  }
}
