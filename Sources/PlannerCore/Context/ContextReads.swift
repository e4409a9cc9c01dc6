/// One step that reads the build context: a COPY or ADD without `--from`, or a RUN whose bind
/// mount takes the context. These are the steps a context change can invalidate.
struct ContextRead: Hashable, Sendable, Codable {
  /// The stage's index and name.
  var stage: Int
  var stageName: String?
  /// Where the instruction is.
  var range: SourceRange
  /// The instruction's first line, as written.
  var instruction: String
  /// The sources (or mount sources) as BuildKit resolves them, relative to the context root.
  var sources: [String]
  /// The context files the step reads, sorted by bytes.
  var paths: [String]
}

/// Finds, for every step of a Dockerfile, the context files it reads.
///
/// Input: the typed model and the build context (after the ignore file). Output: one
/// `ContextRead` per reading step, in file order, and diagnostics: an error for a literal source
/// that is not in the context (BuildKit fails the step), a warning for a source planner cannot
/// resolve statically (then assumed to read the whole context, which over-counts rather than
/// misses a change).
enum ContextReads {
  static func analyze(_ dockerfile: Dockerfile, context: BuildContext, file: String) -> (
    [ContextRead], [Diagnostic]
  ) {
    var reads: [ContextRead] = []
    var diagnostics: [Diagnostic] = []
    for step in ContextSteps.find(in: dockerfile) {
      var paths: Set<String> = []
      var resolved: [String] = []
      for source in step.sources {
        guard let value = source.value else {
          diagnostics.append(.sourceNotKnownStatically(source.raw, file: file, range: step.range))
          resolved.append(source.raw)
          paths.formUnion(context.files)
          continue
        }
        resolved.append(BuildContext.relative(value))
        switch SourceSelection.select(
          value, in: context, parents: step.parents, excludes: step.excludes)
        {
        case .files(let files): paths.formUnion(files)
        case .notFound(let path):
          diagnostics.append(
            Diagnostic(
              .error,
              "'\(path)' is not in the build context: BuildKit fails this step ('\(path)': not found)",
              file: file, range: step.range))
        case .badPattern(let message):
          diagnostics.append(Diagnostic(.error, message, file: file, range: step.range))
        }
      }
      reads.append(
        ContextRead(
          stage: step.stage, stageName: step.stageName, range: step.range,
          instruction: step.instruction,
          sources: resolved, paths: paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }))
    }
    return (reads, diagnostics)
  }
}

/// The steps of a Dockerfile that read the build context, with their sources as written and as
/// resolved: shared by `planner context` (which lists the files) and `planner history` (which
/// tests changed paths).
enum ContextSteps {
  struct Step: Sendable {
    var stage: Int
    var stageName: String?
    var range: SourceRange
    /// The instruction's first line, as written.
    var instruction: String
    /// Each source's statically expanded value (nil when unknown) and its text as written.
    var sources: [(value: String?, raw: String)]
    var parents: Bool
    var excludes: [String]
  }

  /// COPY and ADD without `--from` (ADD downloads and git sources left out), and RUN bind mounts
  /// of the context, in file order. ONBUILD triggers run in other builds and are not included.
  static func find(in dockerfile: Dockerfile) -> [Step] {
    var steps: [Step] = []
    for stage in dockerfile.stages {
      for instruction in stage.instructions {
        var sources: [(value: String?, raw: String)] = []
        var parents = false
        var excludes: [String] = []
        switch instruction.kind {
        case .copy(let copy), .add(let copy):
          guard copy.from == nil else { continue }
          let isAdd: Bool = if case .add = instruction.kind { true } else { false }
          for source in copy.sources where !(isAdd && isRemote(source.expanded ?? source.raw)) {
            sources.append((source.expanded, source.raw))
          }
          parents = copy.parents
          excludes = copy.exclude
        case .run(let run):
          for mount in run.mounts {
            guard let options = mount.options else {
              // Values not known statically: a bind mount of the context unless it says otherwise.
              if mount.fields.contains(where: { $0.key == "type" && $0.value?.raw != "bind" }) {
                continue
              }
              if mount.fields.contains(where: { $0.key == "from" }) { continue }
              let raw =
                mount.fields.first(where: { ["source", "src"].contains($0.key) })?.value?.raw ?? ""
              sources.append((nil, raw))
              continue
            }
            guard options.type == "bind", options.from == nil else { continue }
            sources.append((options.source ?? "", options.source ?? ""))
          }
        default:
          continue
        }
        guard !sources.isEmpty else { continue }
        let firstLine =
          instruction.original.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        steps.append(
          Step(
            stage: stage.index, stageName: stage.name, range: instruction.range,
            instruction: firstLine,
            sources: sources, parents: parents, excludes: excludes))
      }
    }
    return steps
  }

  /// ADD sources that are downloads or git repositories, not context files.
  static func isRemote(_ source: String) -> Bool {
    let lower = source.lowercased()
    return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("git@")
      || lower.hasPrefix("git://") || lower.hasPrefix("ssh://")
      || (lower.hasSuffix(".git") && lower.containsLiterally("://"))
  }
}

extension Diagnostic {
  static func sourceNotKnownStatically(_ raw: String, file: String, range: SourceRange) -> Self {
    .init(
      .warning,
      "'\(raw)' is not known statically; planner assumes the step reads the whole context",
      file: file, range: range)
  }
}
