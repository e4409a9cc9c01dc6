/// The files of a build context that BuildKit receives: every file under the context folder that
/// the ignore file does not exclude, as `/`-separated paths relative to the context root.
///
/// Paths are kept sorted by their bytes, so the files under any directory form one contiguous
/// range: a directory lookup is a binary search, not a scan.
struct BuildContext: Hashable, Sendable {
  /// The files, sorted by their UTF-8 bytes. A symbolic link is a file of its own here.
  let files: [String]
  private let keys: [[UInt8]]
  /// Symbolic links of the context and what each points to, as a path from the context root
  /// (BuildKit resolves an absolute target inside the context, and `..` stops at the root).
  let links: [String: String]

  /// The context made of `paths` (files, relative to the context root) less what `ignore`
  /// excludes. Paths are cleaned (`./a` is `a`); `.` and paths that leave the root are dropped.
  ///
  /// `links` maps each symbolic link among `paths` to its target as stored in the link.
  init(
    paths: some Sequence<String>, ignore: IgnoreMatcher? = nil, links: [String: String] = [:],
    directories: some Sequence<String> = [String]()
  ) {
    var kept: [[UInt8]] = []
    var filter = ignore.map { ContextFilter($0) }
    var sentDirectories: Set<String> = []
    for directory in directories {
      let cleaned = BuildContext.relative(directory)
      if cleaned.isEmpty || BuildContext.leavesRoot(directory) { continue }
      if let decided = filter?.sends(cleaned), !decided { continue }
      sentDirectories.insert(cleaned)
    }
    self.emptyDirectories = sentDirectories
    for path in paths {
      // A path that leaves the root (`../x`, `/x`) is not part of the context.
      if BuildContext.leavesRoot(path) { continue }
      let cleaned = BuildContext.relative(path)
      if cleaned.isEmpty { continue }
      if let decided = filter?.sends(cleaned), !decided { continue }
      kept.append(Array(cleaned.utf8))
    }
    kept.sort { $0.lexicographicallyPrecedes($1) }
    var unique: [[UInt8]] = []
    unique.reserveCapacity(kept.count)
    for key in kept where unique.last != key { unique.append(key) }
    keys = unique
    files = unique.map { String(decoding: $0, as: UTF8.self) }
    var resolvedLinks: [String: String] = [:]
    for (link, target) in links {
      let path = BuildContext.relative(link)
      let directory = path.split(separator: "/").dropLast().joined(separator: "/")
      resolvedLinks[path] = BuildContext.relative(
        target.hasPrefix("/") || directory.isEmpty ? target : directory + "/" + target)
    }
    self.links = resolvedLinks.filter { link, _ in
      let key = Array(link.utf8)
      var low = 0
      var high = unique.count
      while low < high {
        let middle = (low + high) / 2
        if unique[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
      }
      return low < unique.count && unique[low] == key
    }
  }

  /// `path` with every symbolic link on it followed, as BuildKit resolves a COPY source: a link
  /// in the middle of the path, or the path itself being one. Nil after 255 links: a loop, which
  /// fails the build.
  func resolvingLinks(_ path: String) -> String? {
    guard !links.isEmpty else { return path }
    var current = path
    var hops = 0
    var restart = true
    while restart, hops < 255 {
      restart = false
      var prefix = ""
      let components = current.split(separator: "/")
      for (index, component) in components.enumerated() {
        prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
        if let target = links[prefix] {
          let rest = components[(index + 1)...].joined(separator: "/")
          current = BuildContext.relative(rest.isEmpty ? target : target + "/" + rest)
          hops += 1
          restart = true
          break
        }
      }
    }
    return restart ? nil : current
  }

  /// Folders of the context that the walk found, empty ones included.
  private let emptyDirectories: Set<String>

  /// Whether `path` (a file the walk or a list names) lies outside the context root.
  static func leavesRoot(_ path: String) -> Bool {
    if path.hasPrefix("/") { return true }
    var depth = 0
    for part in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
      if part.elementsEqual("..".utf8) {
        depth -= 1
        if depth < 0 { return true }
      } else if !part.elementsEqual(".".utf8) {
        depth += 1
      }
    }
    return false
  }

  /// A path as BuildKit resolves a COPY source or bind mount: relative to the context root,
  /// `..` clamped at the root, leading and trailing `/` ignored. The root itself is `""`.
  static func relative(_ path: String) -> String {
    if isClean(path) { return path }
    // Split on the `/` byte: a `/` followed by a combining mark is one Character.
    var parts: [Substring.UTF8View.SubSequence] = []
    for part in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
      if part.elementsEqual(".".utf8) { continue }
      if part.elementsEqual("..".utf8) {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    var bytes: [UInt8] = []
    for (index, part) in parts.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: "/")) }
      bytes.append(contentsOf: part)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether `relative` would return `path` as it is: no `/` at either end, no empty, `.` or
  /// `..` part. Most paths are, and this test reads their bytes once without copying them.
  static func isClean(_ path: String) -> Bool { isClean(bytes: path.utf8) }

  /// The same for a path's bytes.
  static func isClean(bytes: some Collection<UInt8>) -> Bool {
    var partLength = 0
    var dots = 0
    for byte in bytes {
      if byte == UInt8(ascii: "/") {
        // An empty part (`//`, a leading `/`), or a `.` or `..` part.
        if partLength == 0 || dots == partLength && dots <= 2 { return false }
        partLength = 0
        dots = 0
      } else {
        partLength += 1
        if byte == UInt8(ascii: ".") { dots += 1 }
      }
    }
    return partLength > 0 && !(dots == partLength && dots <= 2)
  }

  /// The index range of the files under `directory` (`""` is the root).
  func rangeOfFiles(under directory: String) -> Range<Int> {
    if directory.isEmpty { return 0..<keys.count }
    let prefix = Array(directory.utf8) + [UInt8(ascii: "/")]
    let start = lowerBound(prefix)
    var end = prefix
    end[end.count - 1] = UInt8(ascii: "/") + 1  // the first key after every "directory/…"
    return start..<lowerBound(end)
  }

  /// The files under `directory`.
  func files(under directory: String) -> ArraySlice<String> {
    files[rangeOfFiles(under: directory)]
  }

  /// Whether `path` is a file of the context.
  func containsFile(_ path: String) -> Bool {
    let key = Array(path.utf8)
    let index = lowerBound(key)
    return index < keys.count && keys[index] == key
  }

  /// Whether `path` is a directory of the context (holds at least one file).
  func containsDirectory(_ path: String) -> Bool {
    path.isEmpty || emptyDirectories.contains(path) || !rangeOfFiles(under: path).isEmpty
  }

  /// The entries directly inside `directory`: names, and whether each is a directory.
  func entries(of directory: String) -> [(name: String, isDirectory: Bool)] {
    let range = rangeOfFiles(under: directory)
    let skip = directory.isEmpty ? 0 : directory.utf8.count + 1
    var entries: [(name: String, isDirectory: Bool)] = []
    for index in range {
      let rest = keys[index].dropFirst(skip)
      let slash = rest.firstIndex(of: UInt8(ascii: "/"))
      let name = String(decoding: rest[..<(slash ?? rest.endIndex)], as: UTF8.self)
      if let last = entries.last, last.name == name { continue }
      entries.append((name, slash != nil))
    }
    return entries
  }

  private func lowerBound(_ key: [UInt8]) -> Int {
    var low = 0
    var high = keys.count
    while low < high {
      let middle = (low + high) / 2
      if keys[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
    }
    return low
  }
}

/// Whether BuildKit sends a file, decided the way its file walker (fsutil) decides it: each
/// directory on the way down is matched with its parent's result, an excluded directory is
/// skipped unless an exception could re-include something below it, and the file is matched
/// last. This differs from matching the whole path at once in a few cases with exceptions
/// (`docs`, `!docs/a`, `docs` sends `docs/a`), and BuildKit's walk is what reaches the builder.
struct ContextFilter {
  let matcher: IgnoreMatcher
  /// Per directory: the walk's decision, and whether the walker skips the directory.
  private var directories: [String: (decision: IgnoreMatcher.Decision, skipped: Bool)] = [:]
  /// The last path asked about, and the directories on its way down (where each one's `/` is,
  /// and the walk's answer). Paths mostly come sorted, so the next one shares most of them:
  /// they are found by comparing bytes, without making and hashing a string per directory.
  private var previous: [UInt8] = []
  private var chain: [(slash: Int, decision: IgnoreMatcher.Decision, skipped: Bool)] = []

  init(_ matcher: IgnoreMatcher) {
    self.matcher = matcher
  }

  /// Whether the file at `path` (relative to the context root, cleaned) is sent.
  mutating func sends(_ path: String) -> Bool {
    var text = path
    return text.withUTF8 { sends(path, bytes: $0) }
  }

  /// `sends`, with the path's bytes: each directory on the way down is the path up to one of
  /// its `/`s.
  private mutating func sends(_ path: String, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var common = 0
    let limit = min(bytes.count, previous.count)
    while common < limit, bytes[common] == previous[common] { common += 1 }
    previous.removeAll(keepingCapacity: true)
    previous.append(contentsOf: bytes)
    // The previous path's directories this one shares: those whose `/` is within the common
    // prefix (the same bytes up to the same `/`).
    var kept = 0
    while kept < chain.count, chain[kept].slash < common { kept += 1 }
    chain.removeSubrange(kept...)
    if let last = chain.last, last.skipped { return false }
    var parent = chain.last?.decision
    var start = (chain.last?.slash ?? -1) + 1
    for offset in min(start, bytes.count)..<bytes.count where bytes[offset] == UInt8(ascii: "/") {
      defer { start = offset + 1 }
      guard offset > start else { continue }  // an empty component ("a//b")
      let directory = String(
        decoding: UnsafeBufferPointer(rebasing: bytes[..<offset]), as: UTF8.self)
      let known: (decision: IgnoreMatcher.Decision, skipped: Bool)
      if let found = directories[directory] {
        known = found
      } else {
        let decision = matcher.decide(directory, parent: parent)
        known = (decision, decision.isExcluded && !matcher.mayReincludeBelow(directory))
        directories[directory] = known
      }
      chain.append((offset, known.decision, known.skipped))
      if known.skipped { return false }
      parent = known.decision
    }
    return !matcher.decide(path, parent: parent).isExcluded
  }
}
