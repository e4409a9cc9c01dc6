#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces a file's contents so that a reader sees either the old file or the new one, never a
/// mix, and a crash leaves one of the two on disk.
enum AtomicFile {
  /// Replaces the file at `path` with `bytes`.
  ///
  /// The bytes go to a new temporary file in the same folder (a unique hidden name, created with
  /// `O_EXCL`), which gets the original's permission bits (and its owner and group when the
  /// process may set them), is flushed with `fsync` and then renamed over the original; the
  /// folder is flushed last. A symbolic link is followed: its target is replaced and the link
  /// stays. Like any rename-based write, this gives the path a new inode, so other hard links
  /// keep the old contents.
  ///
  /// A file the user may not write is refused, even when the folder would allow the rename. On
  /// a failure before the rename the original is untouched and the temporary file removed.
  /// Flushing the folder after the rename is best effort, since some file systems refuse it.
  static func write(_ bytes: [UInt8], to path: String) throws {
    func failure(_ code: Int32) -> PlannerError {
      .unwritableFile(path, reason: String(cString: strerror(code)).lowercased())
    }

    guard let resolved = realpath(path, nil) else { throw failure(errno) }
    let target = String(cString: resolved)
    free(resolved)
    var original = stat()
    guard stat(target, &original) == 0 else { throw failure(errno) }
    switch original.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw PlannerError.unwritableFile(path, reason: "is a directory")
    default: throw PlannerError.unwritableFile(path, reason: "is not a regular file")
    }
    // The rename needs only the folder's permission; a file its user may not write stays as is.
    guard access(target, W_OK) == 0 else { throw failure(errno) }

    let (folder, name) = Self.split(target)
    var temporary = ""
    var descriptor: Int32 = -1
    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
      temporary = Disk.join(folder, ".\(name).planner-\(suffix)")
      descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      if descriptor >= 0 || errno != EEXIST { break }
    }
    guard descriptor >= 0 else { throw failure(errno) }

    do {
      // Owner first: changing it may clear the set-user-ID and set-group-ID bits.
      if fchown(descriptor, original.st_uid, original.st_gid) != 0 {
        _ = fchown(descriptor, uid_t.max, original.st_gid)
      }
      guard fchmod(descriptor, original.st_mode & 0o7777) == 0 else { throw failure(errno) }
      guard Disk.write(bytes, to: descriptor) else { throw failure(errno) }
      guard fsync(descriptor) == 0 else { throw failure(errno) }
      let closed = close(descriptor)
      descriptor = -1
      guard closed == 0 else { throw failure(errno) }
      guard rename(temporary, target) == 0 else { throw failure(errno) }
    } catch {
      if descriptor >= 0 { close(descriptor) }
      unlink(temporary)
      throw error
    }

    let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// The folder part (without the last `/`, "." when there is none) and the name.
  static func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }
}
