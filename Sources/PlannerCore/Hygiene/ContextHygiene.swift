/// PL306: the build context has no `.dockerignore`, or lets VCS and editor folders through to a
/// step that copies them.
///
/// Only for a Dockerfile that reads the context (a COPY or ADD without `--from`, a bind mount):
/// one that copies nothing needs no ignore file. A folder is reported once per kind, at the
/// first step whose sources select files in it (BuildKit transfers only what steps read, so a
/// folder no step reads costs nothing); a source not known statically is not guessed at.
enum ContextHygiene {
  /// Folder (or file) names the image never needs.
  static let kinds = [".git", ".svn", ".hg", ".idea", ".vscode", ".DS_Store"]

  static func check(_ scan: HygieneScan, input: HygieneInput) -> [Finding] {
    let steps = ContextSteps.find(in: scan.dockerfile)
    guard !steps.isEmpty else { return [] }
    var findings: [Finding] = []
    if input.hasIgnoreFile == false {
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
        let count = selected == 1 ? "1 file" : "\(selected) files"
        findings.append(
          scan.finding(
            "PL306", at: step.range,
            "'\(step.instruction)' copies \(kind) (\(count)) into the image: exclude '\(kind)' "
              + "in .dockerignore",
            subject: kind))
        break
      }
    }
    return findings
  }

  /// Whether a context path is, or lies in, a folder or file named `kind`.
  private static func contains(_ kind: String, _ path: String) -> Bool {
    path.split(separator: "/").contains { $0 == kind }
  }
}
