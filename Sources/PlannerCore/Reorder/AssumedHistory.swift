/// A stand-in history for a Dockerfile outside a git repository: the context's files changing as
/// they usually do, so that proposals can still be ranked. Savings computed on it are estimates,
/// and reports say so.
///
/// Over `commits` commits, each one edits one source file (taking the context's files in turn);
/// every tenth also edits the dependency manifests and lockfiles; nothing else changes. That is
/// roughly what the history of an application repository looks like: sources change at almost
/// every commit, dependencies every week or two.
enum AssumedHistory {
  /// Names that dependency installs read (manifests and lockfiles).
  static let manifestNames: [String] = [
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "bun.lockb", "bun.lock", "requirements*.txt", "constraints*.txt", "pyproject.toml",
    "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg", "go.mod",
    "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile", "Gemfile.lock", "composer.json",
    "composer.lock", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle",
    "settings.gradle.kts", "*.csproj", "*.fsproj", "*.sln", "Package.swift", "Package.resolved",
  ]

  /// The names above without wildcards, looked up at once; the others matched one by one.
  private static let exactNames = Set(manifestNames.filter { !$0.containsLiterally("*") })
  private static let namePatterns = manifestNames.filter { $0.containsLiterally("*") }

  static func isManifest(_ path: String) -> Bool {
    let name = String(path.split(separator: "/").last ?? Substring(path))
    return exactNames.contains(name)
      || namePatterns.contains { pattern in
        // Each pattern is a prefix or a suffix around one `*`: most names fail on the
        // literal part, before the matcher is asked.
        let parts = pattern.split(separator: "*", maxSplits: 1, omittingEmptySubsequences: false)
        guard name.hasPrefix(parts[0]), name.hasSuffix(parts.last ?? "") else { return false }
        return (try? IgnoreMatcher.filepathMatch(pattern, name)) == true
      }
  }

  /// The commits, newest first, as `git log` would give them; paths are context-relative.
  /// Made once per list of files: every Dockerfile of a batch with one context asks for them.
  static func commits(files: [String], count: Int = 50) -> [Commit] {
    made.value(for: Question(files: files, count: count)) { make(files: files, count: count) }
  }

  private struct Question: Hashable, Sendable {
    var files: [String]
    var count: Int
  }

  private static let made = SharedMemo<Question, [Commit]>(limit: 8)

  private static func make(files: [String], count: Int) -> [Commit] {
    let sorted = files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let manifests = sorted.filter(isManifest)
    let sources = sorted.filter { !isManifest($0) }
    var commits: [Commit] = []
    var versions: [String: Int] = [:]
    for index in 0..<count {
      var changed: [String] = []
      if !sources.isEmpty { changed.append(sources[index % sources.count]) }
      if index % 10 == 9 { changed += manifests }
      let changes = changed.map { path in
        let version = versions[path, default: 0]
        versions[path] = version + 1
        return FileChange(
          path: path, status: .modified, oldMode: 0o100644, newMode: 0o100644,
          oldBlob: blob(path, version), newBlob: blob(path, version + 1))
      }
      commits.insert(
        Commit(
          id: blob("commit", index), parents: [blob("commit", index - 1)], authorTime: index,
          subject: "assumed change \(index + 1)", changes: changes), at: 0)
    }
    return commits
  }

  /// A made-up blob id, the same for the same path and version.
  /// FNV-1a of `path`, a NUL and the version in decimal, as 40 hexadecimal digits.
  private static func blob(_ path: String, _ version: Int) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
      for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
      }
    }
    feed(path.utf8)
    feed(CollectionOfOne(0))
    feed(String(version).utf8)
    let digits = Array("0123456789abcdef".utf8)
    var hex = [UInt8](repeating: UInt8(ascii: "0"), count: 40)
    for position in 0..<16 {
      hex[39 - position] = digits[Int((hash >> (4 * UInt64(position))) & 0xF)]
    }
    return String(decoding: hex, as: UTF8.self)
  }
}
