@testable import PlannerCore

/// A repository history written in a test: files before the window, then commits that edit,
/// delete or chmod them. It gives `SimulationInput`s without running git, with the Dockerfile
/// and ignore file versions of every commit.
struct RecordedRepository {
  struct File {
    var content: String
    var mode: UInt32 = 0o100644
  }

  /// The files as they are now.
  private(set) var files: [String: File]
  /// The files before the first commit.
  let initial: [String: File]
  /// Newest first, as git gives them.
  private(set) var commits: [Commit] = []
  private(set) var blobs: [String: [UInt8]] = [:]

  init(_ files: [String: String]) {
    self.files = files.mapValues { File(content: $0) }
    self.initial = self.files
    for file in self.files.values { remember(file.content) }
  }

  /// A stand-in for git's blob id: FNV-1a of the content, as 40 hex digits.
  static func blobID(_ content: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in content.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 40 - hex.count) + hex
  }

  private mutating func remember(_ content: String) {
    blobs[Self.blobID(content)] = Array(content.utf8)
  }

  /// One commit: each edit sets a file's content (nil deletes it); `modes` sets modes.
  @discardableResult
  mutating func commit(
    _ subject: String, _ edits: [String: String?] = [:], modes: [String: UInt32] = [:]
  ) -> String {
    var changes: [FileChange] = []
    let paths = Set(edits.keys).union(modes.keys).sorted()
    for path in paths {
      let old = files[path]
      var new = old
      if let edit = edits[path] {
        if let content = edit {
          new = File(content: content, mode: old?.mode ?? 0o100644)
          remember(content)
        } else {
          new = nil
        }
      }
      if let mode = modes[path] { new?.mode = mode }
      files[path] = new
      let status: FileChange.Status =
        old == nil ? .added : new == nil ? .deleted : .modified
      changes.append(
        FileChange(
          path: path, status: status, oldMode: old?.mode ?? 0, newMode: new?.mode ?? 0,
          oldBlob: old.map { Self.blobID($0.content) } ?? String(repeating: "0", count: 40),
          newBlob: new.map { Self.blobID($0.content) } ?? String(repeating: "0", count: 40)))
    }
    let id = Self.blobID("commit \(commits.count) \(subject)")
    let parent = commits.first?.id ?? String(repeating: "a", count: 40)
    commits.insert(
      Commit(
        id: id, parents: [parent], authorTime: 1_700_000_000 + commits.count, subject: subject,
        changes: changes), at: 0)
    return id
  }

  /// What `planner simulate` would read for this repository.
  func input(
    dockerfile: String = "Dockerfile", ignore: String? = ".dockerignore", prefix: String = ""
  ) -> SimulationInput {
    var touched: Set<String> = []
    for commit in commits { for change in commit.changes { touched.insert(change.path) } }
    let untouched = initial.keys.sorted().filter { !touched.contains($0) }.compactMap {
      path -> (path: String, state: SimulationInput.FileState)? in
      guard let file = initial[path] else { return nil }
      return (path, .init(blob: Self.blobID(file.content), mode: file.mode))
    }
    let ignoreFile = ignore.map { path in
      SimulationInput.WatchedFile(
        name: path, path: path, current: files[path].map { Array($0.content.utf8) },
        blobs: blobs)
    }
    return SimulationInput(
      commits: commits, contextPrefix: prefix,
      dockerfile: .init(
        name: dockerfile, path: dockerfile,
        current: files[dockerfile].map { Array($0.content.utf8) },
        blobs: blobs),
      ignoreFile: ignoreFile, untouched: untouched)
  }
}
