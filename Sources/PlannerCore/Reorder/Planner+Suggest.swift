extension Planner {
  package enum SuggestFormat: String, CaseIterable, Sendable {
    case text, json, markdown, diff
    case sarif, rdjson, gitlab, github, checkstyle

    /// The CI formats render every file's findings as one document, made by the caller.
    package var findingFormat: FindingFormat? { FindingFormat(rawValue: rawValue) }
  }

  /// One Dockerfile to improve, and what planner knows about its repository.
  package struct SuggestInput: Sendable {
    package var source: [UInt8]
    /// The name used in reports and diffs.
    package var file: String
    /// The files the context sends today (context-relative, after the ignore file).
    package var contextFiles: [String]
    /// The window to replay; nil outside a repository (an assumed history is used instead).
    package var history: SimulationInput?
    /// The content of dependency manifests in the context (context-relative paths), so that a
    /// split copies what they name and stays away from installs that run scripts.
    package var manifestContents: [String: [UInt8]]
    /// What the image-hygiene rules know of the context (the VCS folders it sends, whether it
    /// has an ignore file, scripts that flatten images).
    package var hygiene: HygieneInput?
    /// Rules turned off by configuration: no finding and no move of theirs.
    package var disabledRules: Set<String>

    package init(
      source: [UInt8], file: String, contextFiles: [String], history: SimulationInput?,
      manifestContents: [String: [UInt8]] = [:], hygiene: HygieneInput? = nil,
      disabledRules: Set<String> = []
    ) {
      self.source = source
      self.file = file
      self.contextFiles = contextFiles
      self.history = history
      self.manifestContents = manifestContents
      self.hygiene = hygiene
      self.disabledRules = disabledRules
    }

    /// Whether a context file is one whose content `manifestContents` should hold.
    package static func isManifest(_ path: String) -> Bool {
      AssumedHistory.isManifest(path) || path.hasSuffix(".yarnrc.yml")
        || path.split(separator: "/").last == "Gemfile"
    }
  }

  /// What `planner suggest` found for one file.
  package struct SuggestOutcome: Sendable {
    package var report: [UInt8]
    package var diagnostics: [Diagnostic]
    /// The proposed file; equal to the source when there is nothing to propose.
    package var proposed: [UInt8]
    /// The share of the replayed rebuild seconds the proposal saves, in percent.
    package var savingPercent: Double
    /// Every finding (moves, advice, hygiene) after pragmas and configuration, for the CI
    /// formats and `--fail-level`.
    package var findings: [Finding]

    package var hasErrors: Bool { diagnostics.hasErrors }
  }

  /// The files of `paths` (context-relative) that the ignore file lets through.
  package static func sentFiles(_ paths: [String], ignore: [UInt8]?) -> [String] {
    guard let ignore, let matcher = try? IgnoreMatcher(patterns: IgnoreFile.patterns(from: ignore))
    else { return paths }
    var filter = ContextFilter(matcher)
    return paths.filter { filter.sends($0) }
  }

  /// Names CI usually fills with a new value at every build.
  static let perBuildArgNames: Set<String> = [
    "VERSION", "APP_VERSION", "BUILD_VERSION", "RELEASE", "GIT_COMMIT", "GIT_SHA", "GIT_HASH",
    "GIT_REVISION", "COMMIT", "COMMIT_SHA", "COMMIT_HASH", "SHA", "REVISION", "VCS_REF",
    "SOURCE_COMMIT", "SOURCE_VERSION", "BUILD_DATE", "BUILD_TIME", "BUILD_NUMBER", "BUILD_ID",
    "CI_COMMIT_SHA", "GITHUB_SHA",
  ]

  /// The ARGs of a Dockerfile that look like per-build values: declared without a default,
  /// not given with --build-arg, named like a version or a commit.
  static func perBuildArgs(in source: [UInt8], given: [String: String]) -> Set<String> {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(source) else {
      return []
    }
    return perBuildArgs(in: Dockerfile.build(from: tree, file: "Dockerfile").0, given: given)
  }

  /// The same, in a file already modelled (with or without the given values: they do not
  /// decide whether an ARG has a default).
  static func perBuildArgs(in dockerfile: Dockerfile, given: [String: String]) -> Set<String> {
    var names: Set<String> = []
    for instruction in dockerfile.globalArgs + dockerfile.stages.flatMap(\.instructions) {
      guard case .arg(let args) = instruction.kind else { continue }
      for arg in args
      where arg.defaultValue == nil && given[arg.name] == nil
        && perBuildArgNames.contains(arg.name.uppercased())
      {
        names.insert(arg.name)
      }
    }
    return names
  }

  /// `planner suggest`: moves that keep the image and save rebuild time, measured on the window.
  package static func suggest(
    _ input: SuggestInput, options: SimulationOptions, format: SuggestFormat
  ) -> SuggestOutcome {
    let measured = input.history != nil
    let history =
      input.history
      ?? SimulationInput(
        commits: AssumedHistory.commits(files: input.contextFiles), contextPrefix: "",
        dockerfile: .init(name: input.file, path: nil, current: input.source), ignoreFile: nil)
    var reorderer = Reorderer(
      history: history, options: options, file: input.file, contextFiles: input.contextFiles)
    // The file is parsed and modelled once, for this, the proposal and the hygiene rules.
    let model = try? reorderer.parsed(input.source).get()
    if let model {
      reorderer.options.perBuildArgs.formUnion(
        perBuildArgs(in: model.dockerfile, given: options.buildArgs))
    }
    let options = reorderer.options
    reorderer.manifestContents = input.manifestContents
    reorderer.disabled = input.disabledRules
    var (found, diagnostics) = reorderer.propose(input.source)
    // A proposal means the file parsed.
    guard let proposal = found, let model else {
      return SuggestOutcome(
        report: [], diagnostics: diagnostics, proposed: input.source, savingPercent: 0,
        findings: [])
    }
    let (tree, pragmas) = (model.tree, model.pragmas)
    diagnostics += pragmas.diagnostics
    var hygieneInput = input.hygiene ?? HygieneInput(file: input.file)
    hygieneInput.file = input.file
    hygieneInput.target = options.target
    // The reorderer's model is the hygiene rules' when no build argument changes it.
    let unchanged = options.buildArgs.isEmpty ? model.dockerfile : nil
    let hygiene = Hygiene.check(tree: tree, dockerfile: unchanged, input: hygieneInput).filter {
      pragmas.keeps($0, disabled: input.disabledRules)
    }
    // Advice is reported at the first step that reads the context: a pragma there silences it.
    let instructions = InstructionLines(tree: tree, dockerfile: unchanged, file: input.file)
    let adviceLine = instructions.firstContextRead.start.line
    let advice =
      input.disabledRules.contains("PL201") || pragmas.ignores("PL201", atLine: adviceLine)
      ? []
      : IgnoreAdvice.find(reorderer: reorderer, source: input.source, ignore: history.ignoreFile)
    let report = SuggestReport(
      file: input.file, source: input.source, proposal: proposal,
      commits: history.commits.count, measured: measured, advice: advice, hygiene: hygiene)
    let findings = report.findings(
      source: input.source, instructions: instructions, proposed: proposal.proposed,
      ignoreFile: history.ignoreFile
    ).filter { pragmas.keeps($0, disabled: input.disabledRules) }
    let bytes: [UInt8] =
      switch format {
      case .text: Array(report.text().utf8)
      case .markdown: Array(report.markdown().utf8)
      case .diff: Array(report.diff.utf8)
      case .json: JSONOutput.encode(report)
      case .sarif, .rdjson, .gitlab, .github, .checkstyle: []
      }
    return SuggestOutcome(
      report: bytes, diagnostics: diagnostics, proposed: proposal.proposed,
      savingPercent: report.saving.percent, findings: findings)
  }
}
