import Foundation

/// A git history written commit by commit into a fresh repository, for tests that replay it with
/// a real builder.
///
/// The repository does not depend on the machine: git runs with argument arrays, no system or
/// global configuration, a fixed author and committer, and dates one minute apart from a fixed
/// start. Every written file gets its mode set explicitly, so the umask does not matter.
struct ScriptedHistory: Sendable {
  /// One change to the working tree.
  enum Change: Sendable {
    /// Writes a file (creating its folders) and sets its mode.
    case write(String, String, mode: Int = 0o644)
    case delete(String)
    case chmod(String, mode: Int)
  }

  /// One commit: its subject and the changes it makes to the previous commit's tree.
  struct Commit: Sendable {
    var subject: String
    var changes: [Change]

    /// `dockerfile` and `dockerignore`, when given, replace `Dockerfile` and `.dockerignore` at
    /// the root.
    init(
      _ subject: String, dockerfile: String? = nil, dockerignore: String? = nil,
      _ changes: [Change] = []
    ) {
      self.subject = subject
      var all: [Change] = []
      if let dockerfile { all.append(.write("Dockerfile", dockerfile)) }
      if let dockerignore { all.append(.write(".dockerignore", dockerignore)) }
      self.changes = all + changes
    }
  }

  var commits: [Commit]

  init(_ commits: [Commit]) { self.commits = commits }

  /// Writes the commits into a new repository at `repository` (which must not exist yet) and
  /// returns their full ids, oldest first.
  func record(in repository: URL) throws -> [String] {
    let manager = FileManager.default
    try manager.createDirectory(at: repository, withIntermediateDirectories: true)
    let git = GitRunner(repository: repository)
    try git.run(["init", "-q", "--initial-branch=main", "."])
    var ids: [String] = []
    for (index, commit) in commits.enumerated() {
      for change in commit.changes {
        try apply(change, in: repository)
      }
      try git.run(["add", "--all", "."])
      try git.run(
        ["commit", "-q", "--allow-empty", "--no-verify", "-m", commit.subject], minute: index)
      let id = try git.run(["rev-parse", "--verify", "HEAD^{commit}"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
      guard id.count == 40 else {
        throw ScriptedProcess.Failure(
          command: "git rev-parse HEAD", status: 0, output: "not a commit id: '\(id)'")
      }
      ids.append(id)
    }
    return ids
  }

  private func apply(_ change: Change, in repository: URL) throws {
    let manager = FileManager.default
    switch change {
    case .write(let path, let text, let mode):
      let file = repository.appendingPathComponent(path)
      try manager.createDirectory(
        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: file)
      try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
    case .delete(let path):
      try manager.removeItem(at: repository.appendingPathComponent(path))
    case .chmod(let path, let mode):
      try manager.setAttributes(
        [.posixPermissions: mode], ofItemAtPath: repository.appendingPathComponent(path).path)
    }
  }

  /// Replaces `folder` with the tree of `commit`, every file with a fresh modification time (so
  /// that the docker client hashes it again, moby/buildkit#2592) and the modes a checkout under
  /// umask 0022 gives: 0644, or 0755 for executables and folders.
  static func export(commit: String, from repository: URL, into folder: URL) throws {
    let manager = FileManager.default
    if manager.fileExists(atPath: folder.path) { try manager.removeItem(at: folder) }
    try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
    let archive = folder.deletingLastPathComponent().appendingPathComponent("export.tar")
    try GitRunner(repository: repository).run([
      "-c", "tar.umask=0022", "archive", "--format=tar", "-o", archive.path, commit,
    ])
    // -p applies the archive's modes whatever the umask; -m gives fresh modification times.
    try ScriptedProcess.run(
      "/usr/bin/tar", ["-x", "-m", "-p", "-f", archive.path, "-C", folder.path])
    try manager.removeItem(at: archive)
  }
}

/// git with a fixed identity and dates and without the machine's configuration.
struct GitRunner: Sendable {
  static let executable = "/usr/bin/git"
  /// 2024-01-01T00:00:00Z; commit `n` is dated `n` minutes later.
  static let epoch = 1_704_067_200

  var repository: URL

  @discardableResult
  func run(_ arguments: [String], minute: Int = 0) throws -> String {
    let date = "@\(Self.epoch + 60 * minute) +0000"
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": repository.path, "LC_ALL": "C", "TZ": "UTC",
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
      "GIT_AUTHOR_NAME": "Planner Test", "GIT_AUTHOR_EMAIL": "planner@example.invalid",
      "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_NAME": "Planner Test",
      "GIT_COMMITTER_EMAIL": "planner@example.invalid", "GIT_COMMITTER_DATE": date,
    ]
    return try ScriptedProcess.run(
      Self.executable, ["-C", repository.path] + arguments, environment: environment
    ).standardOutput
  }
}

/// Runs a program with an argument array, its output and errors captured in files (a pipe could
/// fill up and block it).
enum ScriptedProcess {
  struct Output {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  struct Failure: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String

    var description: String { "'\(command)' exited with status \(status):\n\(output)" }
  }

  /// Throws `Failure` (with the end of both streams) when the program exits with a non-zero
  /// status, unless `allowFailure` is set.
  @discardableResult
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    directory: URL? = nil, allowFailure: Bool = false
  ) throws -> Output {
    let manager = FileManager.default
    let scratch = manager.temporaryDirectory
      .appendingPathComponent("planner-process-\(UUID().uuidString)")
    try manager.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? manager.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out")
    let errURL = scratch.appendingPathComponent("err")
    _ = manager.createFile(atPath: outURL.path, contents: nil)
    _ = manager.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let result = Output(
      status: process.terminationStatus,
      standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    guard result.status == 0 || allowFailure else {
      throw Failure(
        command: ([executable] + arguments).joined(separator: " "), status: result.status,
        output: String((result.standardOutput + result.standardError).suffix(4000)))
    }
    return result
  }
}
