extension Planner {
  package enum SuggestFormat: String, CaseIterable, Sendable {
    case text, json, markdown, diff
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

    package init(
      source: [UInt8], file: String, contextFiles: [String], history: SimulationInput?,
      manifestContents: [String: [UInt8]] = [:]
    ) {
      self.source = source
      self.file = file
      self.contextFiles = contextFiles
      self.history = history
      self.manifestContents = manifestContents
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
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
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
    var options = options
    options.perBuildArgs.formUnion(perBuildArgs(in: input.source, given: options.buildArgs))
    var reorderer = Reorderer(
      history: history, options: options, file: input.file, contextFiles: input.contextFiles)
    reorderer.manifestContents = input.manifestContents
    let (found, diagnostics) = reorderer.propose(input.source)
    guard let proposal = found else {
      return SuggestOutcome(
        report: [], diagnostics: diagnostics, proposed: input.source, savingPercent: 0)
    }
    let report = SuggestReport(
      file: input.file, source: input.source, proposal: proposal,
      commits: history.commits.count, measured: measured,
      advice: IgnoreAdvice.find(
        reorderer: reorderer, source: input.source, ignore: history.ignoreFile))
    let bytes: [UInt8] =
      switch format {
      case .text: Array(report.text().utf8)
      case .markdown: Array(report.markdown().utf8)
      case .diff: Array(report.diff.utf8)
      case .json: JSONOutput.encode(report)
      }
    return SuggestOutcome(
      report: bytes, diagnostics: diagnostics, proposed: proposal.proposed,
      savingPercent: report.saving.percent)
  }
}
