/// What a manifest's content says about the files an install reads beyond the manifest itself:
/// other files it names (a requirements file that includes another), or a reason the install
/// needs the sources (an npm lifecycle script, `-e .`, a `gemspec`, a local `replace`). Without
/// the content, nothing is known against the split.
enum ManifestContents {
  enum Verdict: Equatable {
    /// The install also reads these context files.
    case alsoReads([String])
    /// The install needs more than its manifests; the reason says what.
    case needsSources(String)
  }

  /// npm runs these scripts during `npm ci` and `npm install`; they may read any file.
  static let npmLifecycleScripts = [
    "preinstall", "install", "postinstall", "prepare", "prepublish",
  ]

  /// The verdict for one manifest at `path` (context-relative) with `content`; `exists` says
  /// whether a context file exists.
  static func verdict(path: String, content: [UInt8], exists: (String) -> Bool) -> Verdict {
    let name = String(path.split(separator: "/").last ?? Substring(path))
    let folder = path.beforeLastSlash() ?? ""
    let text = String(decoding: content, as: UTF8.self)
    switch name {
    case "package.json":
      // Unreadable JSON (a repeated key included) reads nothing more: npm would refuse it.
      guard case .success(let document) = JSONDocument.parse(content),
        case .object(let members) = document.value
      else { return .alsoReads([]) }
      func member(_ name: String) -> JSONDocument.Value? {
        members.last { $0.key.string == name }?.value.value
      }
      if member("workspaces") != nil {
        return .needsSources("package.json declares workspaces, whose manifests the install reads")
      }
      for key in ["dependencies", "devDependencies", "optionalDependencies"] {
        guard case .object(let dependencies) = member(key) else { continue }
        let values = dependencies.compactMap(\.value.string)
        if values.contains(where: { $0.hasPrefix("file:") || $0.hasPrefix("link:") }) {
          return .needsSources("package.json depends on a local folder")
        }
      }
      var scripts: Set<String> = []
      if case .object(let entries) = member("scripts") {
        scripts = Set(entries.compactMap(\.key.string))
      }
      if let script = npmLifecycleScripts.first(where: { scripts.contains($0) }) {
        return .needsSources("package.json has a '\(script)' script, which runs during the install")
      }
      return .alsoReads([])
    case "Gemfile":
      if text.split(whereSeparator: \.isNewline).contains(where: {
        $0.trimmingSpaces().hasPrefix("gemspec")
      }) {
        return .needsSources("the Gemfile reads a gemspec")
      }
      return .alsoReads([])
    case "go.mod":
      if replacesWithLocalFolder(content) {
        return .needsSources("go.mod replaces a module with a local folder")
      }
      return .alsoReads([])
    case ".yarnrc.yml":
      for line in text.split(whereSeparator: \.isNewline)
      where line.trimmingSpaces().hasPrefix("yarnPath:") {
        var value = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingSpaces() } ?? ""
        value = String(value.drop { $0 == "\"" || $0 == "'" })
        while value.last == "\"" || value.last == "'" { value.removeLast() }
        let target = BuildContext.relative(folder.isEmpty ? value : folder + "/" + value)
        return exists(target)
          ? .alsoReads([target]) : .needsSources("yarnPath is not in the context")
      }
      return .alsoReads([])
    default:
      guard name.hasSuffix(".txt"),
        name.lowercased().containsLiterally("requirements")
          || name.lowercased().containsLiterally("constraints")
      else { return .alsoReads([]) }
      return requirements(text, folder: folder, exists: exists)
    }
  }

  /// A pip requirements file: `-r`/`-c` name more files; `-e`, `.` or a local path install the
  /// project.
  static func requirements(_ text: String, folder: String, exists: (String) -> Bool) -> Verdict {
    var files: [String] = []
    for raw in text.split(whereSeparator: \.isNewline) {
      let line =
        raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
        .map { $0.trimmingSpaces() } ?? ""
      if line.isEmpty { continue }
      let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard let first = words.first else { continue }
      // `-r base.txt`, `-rbase.txt`, `--requirement=base.txt`, and the same for `-c`.
      var named: String?
      if ["-r", "--requirement", "-c", "--constraint"].contains(first), words.count >= 2 {
        named = words[1]
      } else if let option = ["--requirement=", "--constraint=", "-r", "-c"].first(where: {
        first.hasPrefix($0) && first.count > $0.count
      }) {
        named = String(first.dropFirst(option.count))
      }
      if ["-f", "--find-links"].contains(first) || first.hasPrefix("--find-links=") {
        let value =
          first.containsLiterally("=")
          ? String(first.split(separator: "=").last ?? "") : (words.count >= 2 ? words[1] : "")
        if !value.containsLiterally("://") {
          return .needsSources("'\(line)' reads local packages")
        }
        continue
      }
      if let named {
        let target = BuildContext.relative(folder.isEmpty ? named : folder + "/" + named)
        guard exists(target) else {
          return .needsSources("'\(line)' names a file not in the context")
        }
        files.append(target)
      } else if first == "-e" || first == "--editable" || first.hasPrefix(".")
        || first.hasPrefix("/")
        || first.hasPrefix("file:")
      {
        return .needsSources("'\(line)' installs a local folder")
      }
    }
    return .alsoReads(files)
  }

  /// Whether a go.mod has a `replace` whose target is a local folder: `=>`, then spaces or tabs
  /// (the separators of Go's modfile lexer), then `./` or `../`.
  static func replacesWithLocalFolder(_ content: [UInt8]) -> Bool {
    for index in content.indices.dropLast() where content[index] == UInt8(ascii: "=") {
      guard content[index + 1] == UInt8(ascii: ">") else { continue }
      var next = index + 2
      while next < content.count, [0x20, 0x09, 0x0D].contains(content[next]) { next += 1 }
      let target = content[next...]
      if target.starts(with: "./".utf8) || target.starts(with: "../".utf8) { return true }
    }
    return false
  }
}
