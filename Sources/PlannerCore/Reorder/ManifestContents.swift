import Foundation

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
    let folder =
      path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : ""
    let text = String(decoding: content, as: UTF8.self)
    switch name {
    case "package.json":
      guard let object = try? JSONSerialization.jsonObject(with: Data(content)) as? [String: Any],
        let scripts = object["scripts"] as? [String: Any]
      else { return .alsoReads([]) }
      if let script = npmLifecycleScripts.first(where: { scripts[$0] != nil }) {
        return .needsSources("package.json has a '\(script)' script, which runs during the install")
      }
      return .alsoReads([])
    case "Gemfile":
      if text.split(whereSeparator: \.isNewline).contains(where: {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix("gemspec")
      }) {
        return .needsSources("the Gemfile reads a gemspec")
      }
      return .alsoReads([])
    case "go.mod":
      if text.range(of: #"=>\s*\.{1,2}/"#, options: .regularExpression) != nil {
        return .needsSources("go.mod replaces a module with a local folder")
      }
      return .alsoReads([])
    case ".yarnrc.yml":
      for line in text.split(whereSeparator: \.isNewline)
      where line.trimmingCharacters(in: .whitespaces).hasPrefix("yarnPath:") {
        let value =
          line.split(separator: ":", maxSplits: 1).last.map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
              in: CharacterSet(charactersIn: "\"'"))
          } ?? ""
        let target = BuildContext.relative(folder.isEmpty ? value : folder + "/" + value)
        return exists(target)
          ? .alsoReads([target]) : .needsSources("yarnPath is not in the context")
      }
      return .alsoReads([])
    default:
      guard name.hasSuffix(".txt"),
        name.lowercased().contains("requirements")
          || name.lowercased().contains("constraints")
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
        .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
      if line.isEmpty { continue }
      let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard let first = words.first else { continue }
      if ["-r", "--requirement", "-c", "--constraint"].contains(first), words.count >= 2 {
        let target = BuildContext.relative(folder.isEmpty ? words[1] : folder + "/" + words[1])
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
}
