/// PL308: the final image is built on a large official image whose family has a slim or Alpine
/// variant of the same version: node, python, ruby, rust, golang, php (not its Apache variant),
/// perl and debian.
///
/// Only the image the final stage is (eventually) built on counts: a large build stage does not
/// ship. Never for scratch, a stage, a digest, a reference planner cannot expand, a tag that is
/// already slim, Alpine or anything it does not recognise (Windows, dated, threaded…), and not
/// for images that look meant for development or only open a shell. The advice names both
/// variants, with the musl caveat when it names Alpine.
enum LargeBaseImage {
  static let codenames: Set<String> = [
    "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie",
  ]
  /// Node's release lines and LTS names, which have `-slim` and `-alpine` tags too.
  static let nodeNames: Set<String> = [
    "lts", "current", "argon", "boron", "carbon", "dubnium", "erbium", "fermium", "gallium",
    "hydrogen", "iron", "jod",
  ]

  static func check(_ scan: HygieneScan) -> [Finding] {
    guard !scan.isDevelopmentImage, let first = scan.finalChain.first else {
      return []
    }
    let stage = scan.dockerfile.stages[first]
    guard stage.baseStage == nil, let text = stage.baseImage.expanded,
      let image = ImageReference(text), image.digest == nil, let name = image.officialName,
      let (slim, alpine) = variants(of: name, tag: image.tag ?? "latest")
    else { return [] }
    let repository = (image.registry.map { $0 + "/" } ?? "") + image.path
    var message = "the final image is built on '\(text)', and "
    switch (slim, alpine) {
    case (let slim?, let alpine?):
      message +=
        "'\(repository):\(slim)' (same glibc) or '\(repository):\(alpine)' is a fraction of "
        + "the size; Alpine uses musl, and some programs rely on glibc-only behaviour (such as "
        + "strftime's '%P'), so test before switching"
    case (let slim?, nil):
      message += "'\(repository):\(slim)' is a fraction of the size, with the same glibc"
    case (nil, let alpine?):
      message +=
        "'\(repository):\(alpine)' is a fraction of the size; Alpine uses musl, and some "
        + "programs rely on glibc-only behaviour (such as strftime's '%P'), so test before "
        + "switching"
    case (nil, nil):
      return []
    }
    return [scan.finding("PL308", at: stage.from.range, message, subject: text)]
  }

  /// The slim and Alpine tags of the same version when `tag` is a large variant of `name`;
  /// nil when the tag is not one planner recognises.
  static func variants(of name: String, tag: String) -> (slim: String?, alpine: String?)? {
    let parts = tag.split(separator: "-").map(String.init)
    func isVersion(_ text: String) -> Bool {
      text.first?.isNumber == true && text.allSatisfy { $0.isNumber || $0 == "." }
    }
    switch name {
    case "node", "python", "ruby", "rust", "perl", "golang":
      let versions = name == "node" ? nodeNames : []
      var version: String?
      var codename: String?
      switch parts.count {
      case 1 where parts[0] == "latest": break
      case 1 where codenames.contains(parts[0]): codename = parts[0]
      case 1 where isVersion(parts[0]) || versions.contains(parts[0]): version = parts[0]
      case 2
      where (isVersion(parts[0]) || versions.contains(parts[0]))
        && codenames.contains(parts[1]):
        version = parts[0]
        codename = parts[1]
      default: return nil
      }
      let alpine = [version, "alpine"].compactMap { $0 }.joined(separator: "-")
      let slim =
        name == "node"
        ? [version, codename, "slim"].compactMap { $0 }.joined(separator: "-")
        : [version, "slim", codename].compactMap { $0 }.joined(separator: "-")
      switch name {
      case "golang": return (nil, alpine)
      case "perl": return (slim, nil)
      default: return (slim, alpine)
      }
    case "php":
      var rest = parts[...]
      var version: String?
      var variant: String?
      if rest == ["latest"] { rest = [] }
      if let first = rest.first, isVersion(first) {
        version = first
        rest = rest.dropFirst()
      }
      if let first = rest.first, ["cli", "fpm", "zts"].contains(first) {
        variant = first
        rest = rest.dropFirst()
      }
      if let first = rest.first, codenames.contains(first) { rest = rest.dropFirst() }
      guard rest.isEmpty else { return nil }
      return (nil, [version, variant, "alpine"].compactMap { $0 }.joined(separator: "-"))
    case "debian":
      let releases: Set<String> = ["stable", "oldstable", "testing", "unstable", "sid"]
      guard parts.count == 1 else { return nil }
      let release = parts[0] == "latest" ? "stable" : parts[0]
      guard codenames.contains(release) || releases.contains(release) || isVersion(release) else {
        return nil
      }
      return (release + "-slim", nil)
    default:
      return nil
    }
  }
}
