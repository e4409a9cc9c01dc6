/// What the image-hygiene rules know about a Dockerfile's surroundings.
package struct HygieneInput: Sendable {
  /// The name used in findings.
  package var file: String
  /// Context-relative paths the context sends today (after the ignore file); nil when unknown.
  package var contextFiles: [String]?
  /// Context-relative paths before the ignore file; nil when unknown.
  package var allContextPaths: [String]?
  /// Whether the context has an ignore file; nil when unknown (a Dockerfile from standard input).
  package var hasIgnoreFile: Bool?
  /// Shell scripts, Makefiles and CI files of the repository, path → bytes (for PL309).
  package var scripts: [String: [UInt8]]
  /// The stage built, as `docker build --target` names it (case-insensitively); nil for the
  /// last stage.
  package var target: String?

  package init(
    file: String, contextFiles: [String]? = nil, allContextPaths: [String]? = nil,
    hasIgnoreFile: Bool? = nil, scripts: [String: [UInt8]] = [:], target: String? = nil
  ) {
    self.file = file
    self.contextFiles = contextFiles
    self.allContextPaths = allContextPaths
    self.hasIgnoreFile = hasIgnoreFile
    self.scripts = scripts
    self.target = target
  }
}

/// The image-hygiene rules PL301–PL309: advice on image size and reproducibility, from
/// "Creating Smaller Docker Containers".
///
/// Input: the Dockerfile's bytes and what is known of its context and repository. Output: the
/// findings, sorted by file (the Dockerfile first, then scripts by path), line and rule id. A
/// file that does not parse gets none (`planner parse --check` reports why).
///
/// Every rule prefers silence to a guess: a command it cannot read, a variable it cannot
/// expand, a script it cannot see count as possibly doing the right thing. Rules about what the
/// image holds look only at the stages whose layers ship: the target stage (the last one unless
/// `input.target` names another) and the stages it is built on, not stages that only feed
/// `COPY --from`. A target no stage has gets no findings.
package enum Hygiene {
  package static func check(source: [UInt8], input: HygieneInput) -> [Finding] {
    guard case .success(let tree) = DockerfileParser(file: input.file).parse(source) else {
      return []
    }
    return check(tree: tree, input: input)
  }

  /// The same for a file already parsed, and modelled when `dockerfile` is given (without
  /// build arguments, as here).
  static func check(tree: SyntaxTree, dockerfile: Dockerfile? = nil, input: HygieneInput)
    -> [Finding]
  {
    let dockerfile = dockerfile ?? Dockerfile.build(from: tree, file: input.file).0
    let scan = HygieneScan(
      tree: tree, dockerfile: dockerfile, file: input.file, target: input.target)
    // No stages, or a target no stage has: nothing is built.
    guard !scan.finalChain.isEmpty else { return [] }
    let lifetimes = PackageLifetimes(scan)
    var findings = UpdateWithoutInstall.check(scan)
    findings += BuildDepsRemovedLater.check(scan, lifetimes: lifetimes)
    findings += PackageCacheLeft.check(scan)
    findings += DevDependencies.check(scan, contextFiles: input.contextFiles)
    findings += BuildToolsInFinalStage.check(scan, lifetimes: lifetimes)
    findings += ContextHygiene.check(scan, input: input)
    findings += PackageUpgrade.check(scan)
    findings += LargeBaseImage.check(scan)
    findings += FlattenImage.check(scan, scripts: input.scripts)
    return findings.sorted { left, right in
      let leftOrder = (left.file == input.file ? 0 : 1, left.file)
      let rightOrder = (right.file == input.file ? 0 : 1, right.file)
      if leftOrder != rightOrder { return leftOrder < rightOrder }
      if left.range.start != right.range.start { return left.range.start < right.range.start }
      return (left.rule, left.subject) < (right.rule, right.subject)
    }
  }
}
