import Foundation

/// A git history of realistic edits on a real open-source tree: the tree of a bare mirror under
/// `/opt/swift-packages` becomes the first commit, with its Dockerfile rewritten to build
/// offline (`OfflineDockerfile`), and each later commit edits files chosen from that tree.
///
/// git runs as in `ScriptedHistory`: argument arrays, no machine configuration, a fixed identity,
/// and commit `n` dated `n` minutes after a fixed start.
struct RealRepositoryHistory: Sendable {
  /// A file of the imported tree, named or chosen by a rule, so that the edits follow the tree.
  enum File: Sendable {
    case path(String)
    /// The first file in byte order whose path starts with `folder` and ends with `suffix`, and
    /// whose git mode is `mode` when one is given.
    case first(under: String, ending: String, mode: Int? = nil)
  }

  /// One change to the working tree.
  enum Edit: Sendable {
    /// Appends a line (a comment in the file's own syntax) to a file.
    case append(File, String)
    /// Writes a new file, mode 0644.
    case write(String, String)
    /// Writes a new file, mode 0644, and adds it even though `.gitignore` lists it.
    case writeIgnoredByGit(String, String)
    case delete(File)
    case chmod(File, mode: Int)
    /// Replaces the only occurrence of a text in a file.
    case replace(String, String, with: String)
    /// Undoes an earlier commit (0-based; 0 is the import), as `git revert` does.
    case revert(Int)
  }

  /// One commit after the import: its subject and its edits.
  struct Commit: Sendable {
    var subject: String
    var edits: [Edit]

    init(_ subject: String, _ edits: [Edit]) {
      self.subject = subject
      self.edits = edits
    }
  }

  /// What `record` wrote: every commit's id and subject (with the chosen files), oldest first.
  struct Recorded {
    var ids: [String]
    var subjects: [String]
    /// The rewritten Dockerfile of the first commit.
    var dockerfile: String
  }

  /// `owner/name` of the mirror.
  var mirror: String
  /// The Dockerfile's path in the tree.
  var dockerfile: String
  var rewrite: OfflineDockerfile
  /// Files the mirror lacks but the Dockerfile needs, added by the first commit.
  var standIns: [(path: String, text: String)]
  var commits: [Commit]

  static func gitDirectory(of mirror: String) -> String { "/opt/swift-packages/\(mirror).git" }

  var isAvailable: Bool { FileManager.default.fileExists(atPath: Self.gitDirectory(of: mirror)) }

  /// Writes the history into a new repository at `repository`, which must not exist yet.
  func record(in repository: URL) throws -> Recorded {
    let manager = FileManager.default
    try manager.createDirectory(at: repository, withIntermediateDirectories: true)
    let archive = repository.deletingLastPathComponent().appendingPathComponent("mirror.tar")
    try GitRunner(repository: URL(fileURLWithPath: Self.gitDirectory(of: mirror))).run([
      "-c", "tar.umask=0022", "archive", "--format=tar", "-o", archive.path, "HEAD",
    ])
    try ScriptedProcess.run(
      "/usr/bin/tar", ["-x", "-m", "-p", "-f", archive.path, "-C", repository.path])
    try manager.removeItem(at: archive)

    let dockerfileURL = repository.appendingPathComponent(dockerfile)
    let original = try String(contentsOf: dockerfileURL, encoding: .utf8)
    let rewritten = try rewrite.apply(to: original)
    try Data(rewritten.utf8).write(to: dockerfileURL)
    for standIn in standIns {
      try Data(standIn.text.utf8).write(to: repository.appendingPathComponent(standIn.path))
    }
    let git = GitRunner(repository: repository)
    try git.run(["init", "-q", "--initial-branch=main", "."])
    try git.run(["add", "--all", "."])
    let importSubject = "import \(mirror) with its Dockerfile rewritten to build offline"
    try git.run(["commit", "-q", "--no-verify", "-m", importSubject], minute: 0)
    var ids = [try head(git)]
    var subjects = [importSubject]

    let tree = try Self.files(of: git)
    for (offset, commit) in commits.enumerated() {
      var touched: [String] = []
      for edit in commit.edits {
        touched += try apply(edit, in: repository, tree: tree, git: git, ids: ids)
      }
      let subject =
        touched.isEmpty ? commit.subject : "\(commit.subject) (\(touched.joined(separator: ", ")))"
      try git.run(["add", "--all", "."])
      // An edit that changes nothing (a file .gitignore lists, say) would test nothing.
      guard try git.changesAreStaged() else {
        throw ScriptedProcess.Failure(
          command: "commit '\(subject)'", status: 0, output: "the edits change no file git tracks")
      }
      try git.run(["commit", "-q", "--no-verify", "-m", subject], minute: offset + 1)
      ids.append(try head(git))
      subjects.append(subject)
    }
    return Recorded(ids: ids, subjects: subjects, dockerfile: rewritten)
  }

  private func head(_ git: GitRunner) throws -> String {
    let id = try git.run(["rev-parse", "--verify", "HEAD^{commit}"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard id.count == 40 else {
      throw ScriptedProcess.Failure(
        command: "git rev-parse HEAD", status: 0, output: "not a commit id: '\(id)'")
    }
    return id
  }

  /// Replaces `destination` with the files of `commit` under `folder` ("." for all), at their
  /// paths in the repository, as `ScriptedHistory.export` does: fresh modification times and the
  /// modes of a checkout under umask 0022.
  static func export(commit: String, folder: String, from repository: URL, into destination: URL)
    throws
  {
    let manager = FileManager.default
    if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
    try manager.createDirectory(at: destination, withIntermediateDirectories: true)
    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: destination.path)
    let archive = destination.deletingLastPathComponent().appendingPathComponent("export.tar")
    try GitRunner(repository: repository).run([
      "-c", "tar.umask=0022", "archive", "--format=tar", "-o", archive.path, commit, "--", folder,
    ])
    try ScriptedProcess.run(
      "/usr/bin/tar", ["-x", "-m", "-p", "-f", archive.path, "-C", destination.path])
    try manager.removeItem(at: archive)
  }

  /// The imported tree's files and their git modes, in byte order.
  private static func files(of git: GitRunner) throws -> [(path: String, mode: Int)] {
    let listing = try git.run(["ls-tree", "-r", "-z", "HEAD"])
    let entries = listing.split(separator: "\0").compactMap {
      entry -> (path: String, mode: Int)? in
      // "<mode> <type> <object>\t<path>"
      guard let tab = entry.firstIndex(of: "\t"),
        let mode = entry.split(separator: " ").first.flatMap({ Int($0, radix: 8) })
      else { return nil }
      return (String(entry[entry.index(after: tab)...]), mode)
    }
    return entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
  }

  private func resolve(_ file: File, in tree: [(path: String, mode: Int)]) throws -> String {
    switch file {
    case .path(let path):
      return path
    case .first(let folder, let suffix, let mode):
      let match = tree.first { file in
        file.path.hasPrefix(folder) && file.path.hasSuffix(suffix)
          && (mode == nil || mode == file.mode)
      }
      guard let match else {
        throw ScriptedProcess.Failure(
          command: "choose a file of \(mirror)", status: 0,
          output: "no file under '\(folder)' ends with '\(suffix)'"
            + (mode.map { " with mode \(String($0, radix: 8))" } ?? ""))
      }
      return match.path
    }
  }

  /// Applies one edit and returns the chosen files it touched, for the commit's subject.
  private func apply(
    _ edit: Edit, in repository: URL, tree: [(path: String, mode: Int)], git: GitRunner,
    ids: [String]
  ) throws -> [String] {
    let manager = FileManager.default
    switch edit {
    case .append(let file, let line):
      let path = try resolve(file, in: tree)
      let url = repository.appendingPathComponent(path)
      let old = try Data(contentsOf: url)
      let separator = old.last.map { $0 == UInt8(ascii: "\n") ? "" : "\n" } ?? ""
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: Data((separator + line + "\n").utf8))
      return [path]
    case .write(let path, let text), .writeIgnoredByGit(let path, let text):
      let url = repository.appendingPathComponent(path)
      try manager.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
      try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
      if case .writeIgnoredByGit = edit { try git.run(["add", "--force", "--", path]) }
      return []
    case .delete(let file):
      let path = try resolve(file, in: tree)
      try manager.removeItem(at: repository.appendingPathComponent(path))
      return [path]
    case .chmod(let file, let mode):
      let path = try resolve(file, in: tree)
      try manager.setAttributes(
        [.posixPermissions: mode], ofItemAtPath: repository.appendingPathComponent(path).path)
      return [path]
    case .replace(let path, let old, let new):
      let url = repository.appendingPathComponent(path)
      let text = try String(contentsOf: url, encoding: .utf8)
      let parts = text.components(separatedBy: old)
      guard parts.count == 2 else {
        throw ScriptedProcess.Failure(
          command: "edit \(path)", status: 0,
          output: "'\(old)' occurs \(parts.count - 1) times, not once")
      }
      try Data(parts.joined(separator: new).utf8).write(to: url)
      return []
    case .revert(let index):
      guard ids.indices.contains(index) else {
        throw ScriptedProcess.Failure(
          command: "git revert", status: 0, output: "no commit \(index) to revert yet")
      }
      try git.run(["revert", "--no-commit", ids[index]])
      return []
    }
  }
}

extension GitRunner {
  /// Whether the index differs from `HEAD`.
  func changesAreStaged() throws -> Bool {
    let date = "@\(Self.epoch) +0000"
    let result = try ScriptedProcess.run(
      Self.executable, ["-C", repository.path, "diff", "--cached", "--quiet"],
      environment: [
        "PATH": "/usr/bin:/bin", "HOME": repository.path, "LC_ALL": "C", "TZ": "UTC",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_DATE": date,
      ], allowFailure: true)
    guard result.status <= 1 else {
      throw ScriptedProcess.Failure(
        command: "git diff --cached --quiet", status: result.status,
        output: result.standardError)
    }
    return result.status == 1
  }
}

/// The smallest rewrite of a real Dockerfile that builds offline on `local/busybox:1` and keeps
/// its cache structure:
/// - `FROM <image>` becomes `FROM local/busybox:1` (its `AS name` kept, `--platform` dropped);
///   `FROM <earlier stage>` stays.
/// - A RUN keeps its flags (`--mount` and the like) and its command becomes
///   `echo '<the command as written>' > /dev/null`: as distinct as the original and
///   deterministic. Continuation lines stay continuation lines, and the comment and blank lines
///   inside them stay untouched (Docker drops them before the shell sees the command). A RUN whose
///   text contains a key of `effects` also runs that key's shell, for what later steps need of
///   the real command's result.
/// - `COPY`/`ADD` lose `--link` and `--checksum`, which Docker 20.10 does not parse; a
///   `# syntax=` directive is dropped (it would pull a frontend image).
/// - Every other line stays as written.
struct OfflineDockerfile: Sendable {
  static let baseImage = "local/busybox:1"

  var effects: [(key: String, shell: String)] = []

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func apply(to original: String) throws -> String {
    let lines = original.components(separatedBy: "\n")
    var output: [String] = []
    var stages: [String] = []
    var used = Set<String>()
    var index = 0
    while index < lines.count {
      let line = lines[index]
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") {
        if !(output.isEmpty && trimmed.lowercased().hasPrefix("# syntax=")) { output.append(line) }
        index += 1
        continue
      }
      // The instruction's lines: until a line that is neither a comment nor blank and does not
      // end with a backslash.
      var end = index
      while end < lines.count {
        let current = lines[end].trimmingCharacters(in: .whitespaces)
        let isFiller = end > index && (current.isEmpty || current.hasPrefix("#"))
        if !isFiller && !current.hasSuffix("\\") { break }
        end += 1
      }
      let instruction = Array(lines[index...min(end, lines.count - 1)])
      index = end + 1
      let keyword = trimmed.prefix { !$0.isWhitespace }.uppercased()
      switch keyword {
      case "FROM":
        output += rewriteFrom(instruction, stages: &stages)
      case "RUN":
        output += try rewriteRun(instruction, used: &used)
      case "COPY", "ADD":
        output += instruction.enumerated().map { offset, line in
          offset == 0 ? Self.dropFlags(["--link", "--checksum"], from: line) : line
        }
      default:
        output += instruction
      }
    }
    let unused = effects.map(\.key).filter { !used.contains($0) }
    guard unused.isEmpty else {
      throw Failure(description: "no RUN contains \(unused.map { "'\($0)'" })")
    }
    return output.joined(separator: "\n")
  }

  private func rewriteFrom(_ instruction: [String], stages: inout [String]) -> [String] {
    let words = instruction.joined(separator: " ").split(whereSeparator: \.isWhitespace)
      .map(String.init)
    let operands = Array(words.dropFirst().filter { !$0.hasPrefix("--") })
    let isOnStage = operands.first.map { stages.contains($0.lowercased()) } ?? true
    if operands.count >= 3, operands[1].lowercased() == "as" {
      stages.append(operands[2].lowercased())
    }
    if isOnStage { return instruction }
    let rest = operands.dropFirst().joined(separator: " ")
    return ["FROM \(Self.baseImage)" + (rest.isEmpty ? "" : " \(rest)")]
  }

  private func rewriteRun(_ instruction: [String], used: inout Set<String>) throws -> [String] {
    let text = instruction.joined(separator: "\n")
    guard !text.contains("<<") else {
      throw Failure(description: "a heredoc, which Docker 20.10 does not parse: \(text)")
    }
    // `RUN`, its flags, then the command.
    let first = instruction[0]
    var rest = Substring(first).drop { $0.isWhitespace }.dropFirst(3)
    var head = "RUN"
    while true {
      let spaced = rest.drop { $0.isWhitespace }
      guard spaced.hasPrefix("--") else { break }
      let flag = spaced.prefix { !$0.isWhitespace }
      head += " " + flag
      rest = spaced.dropFirst(flag.count)
    }
    let command = rest.drop { $0.isWhitespace }
    var body = [head + " echo '" + Self.quoted(String(command))]
    var last = 0
    for line in instruction.dropFirst() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") {
        body.append(line)
      } else {
        body.append(Self.quoted(line))
        last = body.count - 1
      }
    }
    let effect = effects.filter { text.contains($0.key) }
    for match in effect { used.insert(match.key) }
    body[last] += "' > /dev/null" + effect.map { " && " + $0.shell }.joined()
    return body
  }

  private static func quoted(_ text: String) -> String {
    text.replacingOccurrences(of: "'", with: #"'\''"#)
  }

  private static func dropFlags(_ names: [String], from line: String) -> String {
    line.split(separator: " ", omittingEmptySubsequences: false)
      .filter { word in !names.contains { word == $0 || word.hasPrefix($0 + "=") } }
      .joined(separator: " ")
  }
}

extension DockerBuilder {
  /// Builds `context` with the Dockerfile at `dockerfile` and returns the plain progress output.
  func build(dockerfile: URL, context: URL, buildArgs: [(String, String)]) throws -> String {
    var arguments = ["build", "--progress=plain", "--network=none"]
    for (name, value) in buildArgs { arguments += ["--build-arg", "\(name)=\(value)"] }
    arguments += ["-f", dockerfile.path, context.path]
    // The progress goes to standard error.
    return try ScriptedProcess.run(RealBuildKitSetup.docker, arguments, environment: environment)
      .standardError
  }
}
