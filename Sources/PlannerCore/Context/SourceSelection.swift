/// Which context files one COPY or ADD source, or one bind mount, reads: BuildKit's rules from
/// the cache model (§4), so that a file counts for a step exactly when BuildKit would checksum it.
///
/// - Sources are relative to the context root; `..` is clamped and leading or trailing `/` is
///   ignored.
/// - Without `--parents`, wildcards use Go's `filepath.Match` one path component at a time: `*`
///   and `?` stay inside a component and `**` means the same as `*`. A match on a directory reads
///   the directory's contents. A wildcard that matches nothing reads nothing; a literal path that
///   does not exist is an error.
/// - With `--parents`, the source is matched with `.dockerignore` semantics (`**` crosses
///   directories), and a `/./` in it only marks where the kept parents start.
/// - `--exclude` patterns use `.dockerignore` semantics relative to the copied source: to a
///   directory source, or to the directory part of a file or wildcard source.
///
/// `Reader` decides for one path; `select` applies it to a whole context.
enum SourceSelection {
  /// What a source reads, or why it cannot be read.
  enum Outcome: Hashable, Sendable {
    case files([String])
    /// A literal path that is not in the context: BuildKit fails the step.
    case notFound(String)
    /// A pattern Go's matcher rejects.
    case badPattern(String)
  }

  /// Whether a source reads a given path whenever that path exists in the context. Testing one
  /// path at a time lets a commit's changed paths (some of which no longer exist) be checked
  /// without listing the context as it was at that commit.
  struct Reader: Sendable {
    private enum Kind: Sendable {
      case everything
      case literal(String)
      case components([String])
      case ignoreSemantics(IgnoreMatcher)
    }
    private let kind: Kind
    private let excluder: IgnoreMatcher?
    private let patternBase: String
    /// The source, relative to the context root.
    let path: String

    init(source: String, parents: Bool = false, excludes: [String] = []) throws(IgnorePatternError)
    {
      let path = BuildContext.relative(
        parents ? source.replacingAll("/./", with: "/") : source)
      self.path = path
      if path.isEmpty {
        kind = .everything
      } else if !SourceSelection.hasWildcard(path) {
        kind = .literal(path)
      } else if parents {
        kind = .ignoreSemantics(try IgnoreMatcher(patterns: [path]))
      } else {
        let components = path.split(separator: "/").map(String.init)
        // Check the components now, so a malformed pattern fails here rather than per path.
        for component in components { _ = try IgnoreMatcher.filepathMatch(component, "") }
        kind = .components(components)
      }
      excluder = excludes.isEmpty ? nil : try IgnoreMatcher(patterns: excludes)
      patternBase = SourceSelection.literalDirectory(of: path)
    }

    var isLiteral: Bool {
      if case .literal = kind { return true }
      return false
    }

    func reads(_ candidate: String) -> Bool {
      let relative: String
      switch kind {
      case .everything:
        relative = candidate
      case .literal(let literal):
        if candidate == literal {
          relative = String(candidate.split(separator: "/").last ?? Substring(candidate))
        } else if candidate.hasPrefix(literal + "/") {
          relative = String(candidate.dropFirst(literal.count + 1))
        } else {
          return false
        }
      case .ignoreSemantics(let matcher):
        guard matcher.isExcluded(candidate) else { return false }
        relative = Self.strip(patternBase, from: candidate)
      case .components(let patterns):
        let parts = candidate.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= patterns.count else { return false }
        for (pattern, part) in zip(patterns, parts) {
          guard (try? IgnoreMatcher.filepathMatch(pattern, String(part))) == true else {
            return false
          }
        }
        relative = Self.strip(patternBase, from: candidate)
      }
      guard let excluder else { return true }
      return !excluder.isExcluded(relative)
    }

    private static func strip(_ base: String, from path: String) -> String {
      base.isEmpty || !path.hasPrefix(base + "/") ? path : String(path.dropFirst(base.count + 1))
    }
  }

  /// Whether a source path has a `filepath.Match` wildcard.
  static func hasWildcard(_ text: String) -> Bool {
    text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
  }

  /// The leading components of `path` before the first one with a wildcard, or before the last
  /// one when there is none: the directory a file or wildcard source is copied from.
  static func literalDirectory(of path: String) -> String {
    let parts = path.split(separator: "/")
    var kept: [Substring] = []
    for part in parts.dropLast() {
      if hasWildcard(String(part)) { break }
      kept.append(part)
    }
    return kept.joined(separator: "/")
  }

  /// The files `source` selects in `context`. A symbolic link that the source names or matches
  /// is followed, as BuildKit follows it (a link to a file reads that file, to a directory its
  /// contents), and so is a link on the way to a literal source; links inside a copied directory
  /// stay links.
  static func select(
    _ source: String, in context: BuildContext, parents: Bool = false, excludes: [String] = []
  ) -> Outcome {
    let reader: Reader
    do {
      reader = try Reader(source: source, parents: parents, excludes: excludes)
    } catch {
      return .badPattern("invalid pattern in '\(source)': \(error)")
    }
    if reader.isLiteral {
      guard let resolved = context.resolvingLinks(reader.path) else {
        return .notFound("/" + reader.path)
      }
      if resolved != reader.path {
        guard context.containsFile(resolved) || context.containsDirectory(resolved) else {
          return .notFound("/" + reader.path)
        }
        return .files(resolved.isEmpty ? context.files : Self.contents(of: resolved, in: context))
      }
      if !context.containsFile(reader.path), !context.containsDirectory(reader.path) {
        return .notFound("/" + reader.path)
      }
    }
    var selected = context.files.filter(reader.reads)
    // A wildcard's own matches that are links: follow them (one entry each, then no further).
    if !reader.isLiteral, !context.links.isEmpty {
      let depth = reader.path.split(separator: "/").count
      var expanded: [String] = []
      for path in selected {
        if context.links[path] != nil, path.split(separator: "/").count == depth, !parents {
          if let target = context.resolvingLinks(path) {
            expanded += Self.contents(of: target, in: context)
          }
        } else {
          expanded.append(path)
        }
      }
      selected = Array(Set(expanded)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
    return .files(selected)
  }

  /// A file itself, or the files under a directory.
  private static func contents(of path: String, in context: BuildContext) -> [String] {
    context.containsFile(path) ? [path] : Array(context.files(under: path))
  }
}
