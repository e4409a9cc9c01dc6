/// One first-parent commit as `git log --raw` describes it: who it is, and which paths it changed
/// compared with its first parent.
///
/// Strings are decoded from git's bytes as UTF-8. Git prints paths and subjects byte for byte
/// (with `-z` it never quotes them), so a valid UTF-8 path keeps its exact bytes: two paths that
/// differ only in Unicode normalization stay two paths. Bytes that are not valid UTF-8 are
/// replaced by U+FFFD (the decoding is lossy), so such a path no longer matches the file on disk
/// byte for byte, and two paths that differ only in their invalid bytes become one. The parser
/// reports how many paths that happened to (`GitLogParser`).
package struct Commit: Hashable, Sendable, Codable {
  /// The full object id (40 hex digits, 64 in a SHA-256 repository).
  package var id: String
  /// Parent ids, first parent first; empty for a root commit and for the oldest commit of a
  /// shallow clone, whose parents are not in the clone.
  package var parents: [String]
  /// Author time, seconds since 1970 (`%at`).
  package var authorTime: Int
  /// The subject line (`%s`: the first paragraph of the message, joined into one line).
  package var subject: String
  /// What changed against the first parent, in git's order (by path). A merge is compared with
  /// its first parent only, so it lists everything the merged branch brought in. A rename is a
  /// deletion plus an addition.
  package var changes: [FileChange]

  package init(
    id: String, parents: [String], authorTime: Int, subject: String, changes: [FileChange]
  ) {
    self.id = id
    self.parents = parents
    self.authorTime = authorTime
    self.subject = subject
    self.changes = changes
  }

  /// Whether the commit is a merge (more than one parent).
  var isMerge: Bool { parents.count > 1 }
}

/// One path that a commit changed: one line of `git log --raw`.
package struct FileChange: Hashable, Sendable, Codable {
  /// What happened to the path. Renames and copies are not statuses of their own: planner reads
  /// the history with `--no-renames`, and a recording made with renames is read as a deletion
  /// plus an addition (a copy as an addition).
  package enum Status: String, Hashable, Sendable, Codable {
    case added = "A"
    case modified = "M"
    case deleted = "D"
    /// The kind of entry changed: file, symlink or submodule (`T`).
    case typeChanged = "T"
    /// Unmerged (`U`); git prints it only for conflicted index entries, never for commits.
    case unmerged = "U"
    /// Unknown (`X`); git's own "should not happen" status.
    case unknown = "X"
  }

  /// The path, `/`-separated and relative to the repository root.
  package var path: String
  package var status: Status
  /// The mode before the change as git prints it in octal (`0o100644`, `0o100755`, `0o120000`
  /// for a symlink, `0o160000` for a submodule); 0 when the path was added.
  package var oldMode: UInt32
  /// The mode after the change; 0 when the path was deleted.
  package var newMode: UInt32
  /// The blob id before the change; all zeros when the path was added.
  package var oldBlob: String
  /// The blob id after the change; all zeros when the path was deleted.
  package var newBlob: String

  package init(
    path: String, status: Status, oldMode: UInt32, newMode: UInt32, oldBlob: String,
    newBlob: String
  ) {
    self.path = path
    self.status = status
    self.oldMode = oldMode
    self.newMode = newMode
    self.oldBlob = oldBlob
    self.newBlob = newBlob
  }

  /// Whether only the mode changed (`chmod +x`) and not the content. BuildKit checksums the mode
  /// with the content, so this still invalidates a COPY of the path.
  var isModeOnly: Bool {
    status == .modified && oldBlob == newBlob && oldMode != newMode
  }
}
