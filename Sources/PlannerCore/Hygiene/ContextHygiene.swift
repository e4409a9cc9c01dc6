/// PL306: the build context has no `.dockerignore`, or lets VCS and editor folders through to a
/// step that copies them.
///
/// BuildKit transfers only the paths the steps name, so a missing ignore file matters only when
/// a step reads the root of the context: a COPY or ADD (without `--from`) of `.`, `./`, `/` or
/// `*`, or a RUN bind mount of the context's root. A Dockerfile that copies named files and
/// folders needs no ignore file. A folder is reported once per kind, at the first step whose
/// sources select files in it (a folder no step reads costs nothing). A source not known
/// statically is not guessed at.
enum ContextHygiene {
  /// Folder (or file) names the image never needs.
  static let kinds = [".git", ".svn", ".hg", ".idea", ".vscode", ".DS_Store"]

  static func check(_ scan: HygieneScan, input: HygieneInput) -> [Finding] {
    let steps = ContextSteps.find(in: scan.dockerfile)
    guard !steps.isEmpty else { return [] }
    var findings: [Finding] = []
    if input.hasIgnoreFile == false, steps.contains(where: readsRoot) {
      let present = kinds.filter { kind in
        (input.allContextPaths ?? input.contextFiles ?? []).contains { contains(kind, $0) }
      }
      let named = present.isEmpty ? "" : ", \(BuildDepsRemovedLater.list(present)) included,"
      findings.append(
        scan.finding(
          "PL306", at: .lines(1, 1),
          "the build context has no .dockerignore: every file of the context\(named) is sent to "
            + "the builder and may be copied into the image; add a .dockerignore that excludes "
            + "what the image does not need",
          subject: ".dockerignore"))
    }
    guard let files = input.contextFiles else { return findings }
    let context = BuildContext(paths: files)
    for kind in kinds {
      let inside = Set(files.filter { contains(kind, $0) })
      guard !inside.isEmpty else { continue }
      for step in steps {
        var selected = 0
        for source in step.sources {
          guard let value = source.value,
            case .files(let paths) = SourceSelection.select(
              value, in: context, parents: step.parents, excludes: step.excludes)
          else { continue }
          selected += paths.filter(inside.contains).count
        }
        guard selected > 0 else { continue }
        // The executable may pass one entry for a whole folder: no count of files is known.
        let what = kind == ".DS_Store" ? "\(kind) files" : "the \(kind) folder"
        findings.append(
          scan.finding(
            "PL306", at: step.range,
            "'\(step.instruction)' copies \(what) into the image: exclude '\(kind)' in "
              + ".dockerignore",
            subject: kind))
        break
      }
    }
    return findings
  }

  /// Whether a step reads the root of the context: a source that names the root itself (`.`,
  /// `./`, `/`) or every entry in it (`*`). A bind mount without a source mounts the root.
  private static func readsRoot(_ step: ContextSteps.Step) -> Bool {
    step.sources.contains { source in
      guard let path = source.value ?? (source.raw.containsLiterally("$") ? nil : source.raw) else {
        return false
      }
      // BuildKit cleans a source against the root, which `..` cannot leave.
      var resolved: [Substring] = []
      for component in path.split(separator: "/") where component != "." {
        if component == ".." { _ = resolved.popLast() } else { resolved.append(component) }
      }
      return resolved.isEmpty || resolved == ["*"]
    }
  }

  /// Whether a context path is, or lies in, a folder or file named `kind`.
  private static func contains(_ kind: String, _ path: String) -> Bool {
    // Most paths do not hold the name at all: their bytes say so before any split.
    path.containsLiterally(kind)
      && path.utf8.split(separator: UInt8(ascii: "/")).contains {
        $0.elementsEqual(kind.utf8)
      }
  }
}
