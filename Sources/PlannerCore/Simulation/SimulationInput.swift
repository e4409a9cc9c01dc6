/// What a simulation replays: the window's commits and the files that decide each build.
package struct SimulationInput: Sendable {
  /// A file whose content at each commit matters (the Dockerfile, the ignore file).
  package struct WatchedFile: Sendable {
    /// The display name, for diagnostics and reports.
    package var name: String
    /// Its path relative to the repository root; nil when it is outside the repository (or read
    /// from standard input): `current` then applies to every commit.
    package var path: String?
    /// Its content at the newest commit (or on disk, without git); nil when it does not exist.
    package var current: [UInt8]?
    /// The content of each blob id the file had in the window, as far as it could be read.
    package var blobs: [String: [UInt8]]

    package init(name: String, path: String?, current: [UInt8]?, blobs: [String: [UInt8]] = [:]) {
      self.name = name
      self.path = path
      self.current = current
      self.blobs = blobs
    }
  }

  /// The content and mode of one path; what BuildKit's checksum of a git checkout depends on.
  package struct FileState: Hashable, Sendable {
    package var blob: String
    package var mode: UInt32

    package init(blob: String, mode: UInt32) {
      self.blob = blob
      self.mode = mode
    }
  }

  /// The window's commits, newest first (as `git log` gives them).
  package var commits: [Commit]
  /// The context folder relative to the repository root (`""` for the root).
  package var contextPrefix: String
  package var dockerfile: WatchedFile
  package var ignoreFile: WatchedFile?
  /// Paths of the newest commit's tree that no commit of the window touched, with their state,
  /// relative to the repository root. Needed only when the ignore file changes in the window (it
  /// may then send or hold back files that never changed); nil when not read.
  package var untouched: [(path: String, state: FileState)]?
  /// The size in bytes of each file of the newest commit's tree (repository-relative paths), for
  /// estimating what a COPY costs; nil when not known.
  package var sizes: [String: Int]?

  package init(
    commits: [Commit], contextPrefix: String, dockerfile: WatchedFile, ignoreFile: WatchedFile?,
    untouched: [(path: String, state: FileState)]? = nil, sizes: [String: Int]? = nil
  ) {
    self.commits = commits
    self.contextPrefix = contextPrefix
    self.dockerfile = dockerfile
    self.ignoreFile = ignoreFile
    self.untouched = untouched
    self.sizes = sizes
  }

  /// The blob ids of `path` over the window (before and after every change), for fetching.
  package static func blobs(of path: String, in commits: [Commit]) -> Set<String> {
    var blobs: Set<String> = []
    for commit in commits {
      for change in commit.changes where change.path == path {
        if change.oldMode != 0 { blobs.insert(change.oldBlob) }
        if change.newMode != 0 { blobs.insert(change.newBlob) }
      }
    }
    return blobs
  }

  /// Whether any commit of the window changed `path`.
  package static func changes(_ path: String?, in commits: [Commit]) -> Bool {
    guard let path else { return false }
    return commits.contains { $0.changes.contains { $0.path == path } }
  }
}
