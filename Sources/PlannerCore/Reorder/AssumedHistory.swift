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
  /// Each pattern is a prefix or a suffix around one `*`: most names fail on the literal parts,
  /// before the matcher is asked.
  private static let namePatterns = manifestNames.compactMap { pattern in
    pattern.utf8.firstIndex(of: UInt8(ascii: "*")).map { star in
      (
        pattern, prefix: String(pattern[..<star]),
        suffix: String(pattern[pattern.utf8.index(after: star)...])
      )
    }
  }

  static func isManifest(_ path: String) -> Bool {
    // The last component, found on bytes: splitting on characters cost 20,000 instructions.
    let name = path.lastComponent() ?? path
    return exactNames.contains(name)
      || namePatterns.contains { pattern, prefix, suffix in
        name.hasPrefix(prefix) && name.hasSuffix(suffix)
          && (try? IgnoreMatcher.filepathMatch(pattern, name)) == true
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
    var manifests: [String] = []
    var sources: [String] = []
    for file in files.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      if isManifest(file) { manifests.append(file) } else { sources.append(file) }
    }
    var commits: [Commit] = []
    commits.reserveCapacity(count)
    // Each id is made once: a change's old blob is the path's last new one, a commit's parent
    // the commit before (half of the 0.4 million instructions the ids took).
    var current: [String: (version: Int, blob: String)] = [:]
    var parent = blob("commit", -1)
    for index in 0..<count {
      var changed: [String] = []
      if !sources.isEmpty { changed.append(sources[index % sources.count]) }
      if index % 10 == 9 { changed += manifests }
      let changes = changed.map { path in
        let (version, old) = current[path] ?? (0, blob(path, 0))
        let new = blob(path, version + 1)
        current[path] = (version + 1, new)
        return FileChange(
          path: path, status: .modified, oldMode: 0o100644, newMode: 0o100644,
          oldBlob: old, newBlob: new)
      }
      let id = blob("commit", index)
      commits.append(
        Commit(
          id: id, parents: [parent], authorTime: index, subject: "assumed change \(index + 1)",
          changes: changes))
      parent = id
    }
    return commits.reversed()
  }

  /// A made-up blob id, the same for the same path and version.
  /// FNV-1a of `path`, a NUL and the version in decimal, as 40 hexadecimal digits.
  private static func blob(_ path: String, _ version: Int) -> String {
    var hash = FNV1a.hash(path.utf8)
    hash = FNV1a.hash(CollectionOfOne(0), continuing: hash)
    hash = FNV1a.hash(String(version).utf8, continuing: hash)
    return FNV1a.hex(hash, width: 40)
  }
}
