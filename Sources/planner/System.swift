import Dispatch
import PlannerCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few system services planner uses, through POSIX calls. The executable does without
/// Foundation, which added 0.3 ms to every start (2.0 ms against 1.7 for `--version`) and 40%
/// more protocol conformances for the runtime to search (6,289 against 4,487), and paths are
/// strings joined and cleaned here: `URL` and `FileManager` cost a suggest 1.5 of its 27.3
/// million instructions. Only git's environment comes from FoundationEssentials.

/// A failed system call: its `errno`, described as `strerror` does, in lower case.
struct SystemError: Error, CustomStringConvertible {
  let code: Int32

  init(_ code: Int32 = errno) { self.code = code }

  var description: String { String(cString: strerror(code)).lowercased() }
}

/// Files and folders.
enum Disk {
  enum Kind { case file, directory, other }

  /// What `path` is, following symbolic links; nil when nothing is there.
  static func kind(of path: String) -> Kind? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  static func exists(_ path: String) -> Bool { kind(of: path) != nil }

  /// A regular file this process may run.
  static func isExecutable(_ path: String) -> Bool {
    kind(of: path) == .file && access(path, X_OK) == 0
  }

  /// The whole content of a file; a folder is refused with "is a directory".
  static func read(_ path: String) throws(SystemError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError() }
    defer { close(descriptor) }
    return try readAll(descriptor)
  }

  /// Calls `body` with a file's content, `size` bytes at a time, until the file ends or `body`
  /// returns false.
  static func read(
    _ path: String, inChunksOf size: Int, _ body: ([UInt8]) -> Bool
  ) throws(SystemError) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError() }
    defer { close(descriptor) }
    while true {
      let chunk = try read(descriptor, upTo: size)
      if chunk.isEmpty || !body(chunk) { return }
    }
  }

  /// Everything `descriptor` gives until its end.
  static func readAll(_ descriptor: Int32) throws(SystemError) -> [UInt8] {
    // A regular file is read at its size and one byte more, which finds its end; a pipe, or a
    // file that grew meanwhile, in chunks after that.
    var info = stat()
    let isFile = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    let first = isFile ? Int(info.st_size) + 1 : 65_536
    var bytes = try read(descriptor, upTo: first)
    guard bytes.count == first else { return bytes }
    while true {
      let chunk = try read(descriptor, upTo: 65_536)
      if chunk.isEmpty { return bytes }
      bytes += chunk
    }
  }

  /// Up to `limit` bytes, fewer only at the end; empty at the end. Read into the array's
  /// uninitialized storage: zeroing a 64 KiB chunk first took 65,000 instructions a file.
  static func read(_ descriptor: Int32, upTo limit: Int) throws(SystemError) -> [UInt8] {
    var failure: SystemError?
    let bytes = [UInt8](unsafeUninitializedCapacity: limit) { buffer, filled in
      filled = 0
      while filled < limit {
        let count = systemRead(descriptor, buffer.baseAddress.map { $0 + filled }, limit - filled)
        if count > 0 {
          filled += count
        } else if count == 0 {
          break
        } else if errno != EINTR {
          failure = SystemError()
          break
        }
      }
    }
    if let failure { throw failure }
    return bytes
  }

  /// Writes all of `bytes`; false when the descriptor refused them (a closed pipe).
  @discardableResult
  static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let count = systemWrite(descriptor, base + offset, buffer.count - offset)
        if count > 0 {
          offset += count
        } else if count < 0, errno == EINTR {
          continue
        } else {
          return false
        }
      }
      return true
    }
  }

  /// The target of a symbolic link, as stored; nil when `path` is not one.
  static func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count >= 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The absolute path with every symbolic link resolved; nil when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The size of a regular file; nil for anything else.
  static func size(of path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  /// The path of `name` in `folder`.
  static func join(_ folder: String, _ name: String) -> String {
    folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// The working folder; "/" when it cannot be read.
  static func currentFolder() -> String {
    guard let buffer = getcwd(nil, 0) else { return "/" }
    defer { free(buffer) }
    return String(cString: buffer)
  }

  /// `path` made absolute against the working folder and cleaned without looking at the disk:
  /// `.` and `..` resolved as written (not through symbolic links), `..` stopping at the root,
  /// no trailing `/`. The empty path is the working folder.
  static func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return ImagePath.resolve(path, against: "/") }
    return ImagePath.resolve(path.isEmpty ? "." : path, against: currentFolder())
  }

  /// The folder that holds `path`, an absolute path from `absolute`; the root holds itself.
  static func parent(_ path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex
    else { return "/" }
    return String(path[..<slash])
  }

  /// `folder` (an absolute path from `absolute`) and every folder above it, the root last.
  static func foldersUpward(from folder: String) -> [String] {
    var folders = [folder]
    while let last = folders.last, last != "/" { folders.append(parent(last)) }
    return folders
  }

  /// The names in a folder, in no particular order; empty when it cannot be read.
  static func names(in folder: String) -> [String] {
    entries(in: folder)?.map(\.name) ?? []
  }

  /// The entries of a folder (without `.` and `..`) with their `d_type`; nil when it cannot be
  /// read, with `errno` saying why.
  private static func entries(in folder: String) -> [(name: String, type: Int32)]? {
    guard let stream = opendir(folder) else { return nil }
    defer { closedir(stream) }
    var entries: [(name: String, type: Int32)] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { entries.append((name, Int32(entry.pointee.d_type))) }
    }
    return entries
  }

  /// Everything under `root` (a folder), relative to it, in no particular order, with what each
  /// entry is; symbolic links are reported, not followed.
  static func walk(
    _ root: String, _ visit: (_ relative: String, _ isFolder: Bool, _ isLink: Bool) -> Void
  ) throws(SystemError) {
    var pending = [""]
    while let relative = pending.popLast() {
      guard let entries = entries(in: relative.isEmpty ? root : join(root, relative)) else {
        if relative.isEmpty { throw SystemError() }
        continue  // a folder that cannot be read sends nothing, as with the enumerator before
      }
      for (name, type) in entries {
        let path = relative.isEmpty ? name : relative + "/" + name
        var isFolder = false
        var isLink = false
        switch type {
        case Int32(DT_DIR): isFolder = true
        case Int32(DT_LNK): isLink = true
        case Int32(DT_UNKNOWN):
          var info = stat()
          if lstat(join(root, path), &info) == 0 {
            isFolder = info.st_mode & S_IFMT == S_IFDIR
            isLink = info.st_mode & S_IFMT == S_IFLNK
          }
        default: break
        }
        visit(path, isFolder, isLink)
        if isFolder { pending.append(path) }
      }
    }
  }
}

// POSIX `read` and `write`, which `Disk.read` and `Disk.write` would otherwise shadow.
#if canImport(Glibc)
  private let systemRead = Glibc.read
  private let systemWrite = Glibc.write
#elseif canImport(Musl)
  private let systemRead = Musl.read
  private let systemWrite = Musl.write
#elseif canImport(Darwin)
  private let systemRead = Darwin.read
  private let systemWrite = Darwin.write
#endif

/// A child process started with `posix_spawn`, its standard streams on pipes.
final class Subprocess {
  let pid: pid_t
  /// The read ends of its stdout and stderr, and the write end of its stdin (nil when its
  /// stdin is /dev/null). Each is the caller's to close.
  let output: Int32
  let errors: Int32
  let input: Int32?

  /// Starts `executable` with `arguments` (the first is the program's name) and `environment`.
  init(
    executable: String, arguments: [String], environment: [String: String], withInput: Bool,
    outputPipeSize: Int32? = nil
  ) throws(SystemError) {
    func makePipe() throws(SystemError) -> (read: Int32, write: Int32) {
      var ends: [Int32] = [0, 0]
      guard pipe(&ends) == 0 else { throw SystemError() }
      // Not inherited: the child gets its ends through dup2, which clears the flag.
      _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
      _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
      return (ends[0], ends[1])
    }
    let out = try makePipe()
    let err = try makePipe()
    let inn = withInput ? try makePipe() : nil
    if let outputPipeSize {
      // Linux's F_SETPIPE_SZ (1031); where it is refused, the default size works too.
      _ = fcntl(out.write, 1031, outputPipeSize)
    }
    #if canImport(Darwin)
      var actions: posix_spawn_file_actions_t = nil  // an opaque pointer there
    #else
      var actions = posix_spawn_file_actions_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let inn {
      posix_spawn_file_actions_adddup2(&actions, inn.read, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, out.write, 1)
    posix_spawn_file_actions_adddup2(&actions, err.write, 2)

    let argv = arguments.map { strdup($0) } + [nil]
    let envp =
      environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var child = pid_t()
    let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
    // The child has its own copies; the parent keeps only its ends.
    close(out.write)
    close(err.write)
    if let inn { close(inn.read) }
    guard status == 0 else {
      close(out.read)
      close(err.read)
      if let inn { close(inn.write) }
      throw SystemError(status)
    }
    pid = child
    output = out.read
    errors = err.read
    input = inn?.write
  }

  /// Waits for the process to end: its exit status, or the number of the signal that ended it.
  func wait() -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      if errno != EINTR { return -1 }
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : signal
  }
}

/// A value computed on another thread, waited for where it is needed.
final class Background<Value: Sendable>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let work: @Sendable () -> Value
  /// Set by the worker before it signals `done`.
  private var result: Value?

  init(_ work: @escaping @Sendable () -> Value) {
    self.work = work
    DispatchQueue.global().async { [self] in
      result = work()
      done.signal()
    }
  }

  /// The value, once computed.
  var value: Value {
    done.wait()
    defer { done.signal() }  // for the next read
    return result ?? work()  // `result` is always set by then
  }
}
