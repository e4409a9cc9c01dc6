/// An image reference of a FROM line, cut into its parts: `[registry/]path[:tag][@digest]`.
struct ImageReference: Hashable, Sendable {
  /// The registry host, nil for Docker Hub.
  var registry: String?
  /// The repository path (`node`, `library/node`, `bitnami/node`).
  var path: String
  /// The tag; nil when none is written (`latest`).
  var tag: String?
  var digest: String?

  init?(_ text: String) {
    guard !text.isEmpty, !text.containsLiterally("$"), !text.contains(where: \.isWhitespace) else {
      return nil
    }
    var rest = Substring(text)
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
    }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard let first = components.first, !first.isEmpty else { return nil }
    if components.count > 1,
      first.containsLiterally(".") || first.containsLiterally(":") || first == "localhost"
    {
      registry = first
      components.removeFirst()
    }
    guard var last = components.popLast(), !last.isEmpty else { return nil }
    if let colon = last.firstIndex(of: ":") {
      tag = String(last[last.index(after: colon)...])
      last = String(last[..<colon])
      if tag?.isEmpty == true { return nil }
    }
    path = (components + [last]).joined(separator: "/")
  }

  /// The name of a Docker Official Image (`node` for `node`, `library/node` and
  /// `docker.io/library/node`); nil for any other image.
  var officialName: String? {
    guard registry == nil || registry == "docker.io" || registry == "index.docker.io" else {
      return nil
    }
    let parts = path.split(separator: "/")
    if parts.count == 1 { return String(parts[0]) }
    if parts.count == 2, parts[0] == "library" { return String(parts[1]) }
    return nil
  }
}
