/// What `planner context` prints: the context's files after the ignore rules, and which step
/// reads which of them.
struct ContextReport: Encodable {
  /// The context folder as the user gave it.
  var context: String
  /// The ignore file that applied, relative to the working folder; nil when there is none.
  var ignoreFile: String?
  /// Every file of the context, sorted by bytes.
  var paths: [String]
  /// Every step that reads the context, in file order.
  var steps: [ContextRead]
  /// Context files that no step reads.
  var unread: [String]

  init(context: String, ignoreFile: String?, buildContext: BuildContext, steps: [ContextRead]) {
    self.context = context
    self.ignoreFile = ignoreFile
    self.paths = buildContext.files
    self.steps = steps
    var read: Set<String> = []
    for step in steps { read.formUnion(step.paths) }
    self.unread = buildContext.files.filter { !read.contains($0) }
  }

  /// A path for a one-path-a-line report: as it is, or Go-quoted when it holds a control
  /// character (a newline in a file name must not split the line).
  static func display(_ path: String) -> String {
    guard path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return path }
    var quoted: [UInt8] = []
    GoText.quote(Array(path.utf8), into: &quoted)
    return String(decoding: quoted, as: UTF8.self)
  }

  /// One path a line; with `byStep`, the paths under each reading step, then the unread ones.
  func text(file: String, byStep: Bool) -> String {
    let display = Self.display
    guard byStep else { return paths.map { display($0) + "\n" }.joined() }
    var out = ""
    for step in steps {
      let stage = step.stageName.map { " (stage \($0))" } ?? " (stage \(step.stage))"
      out += "\(file):\(step.range.start.line): \(step.instruction)\(stage)\n"
      for path in step.paths { out += "  \(display(path))\n" }
      if step.paths.isEmpty { out += "  (nothing)\n" }
    }
    out += "read by no step:\n"
    for path in unread { out += "  \(display(path))\n" }
    if unread.isEmpty { out += "  (nothing)\n" }
    return out
  }
}

extension Planner {
  /// The output format of reports that have a text and a JSON form.
  package enum TextOrJSON: String, CaseIterable, Sendable {
    case text, json
  }

  /// `planner context`: the context's files after the ignore rules, optionally by step.
  ///
  /// - Parameters:
  ///   - dockerfile: the Dockerfile's bytes and its display name.
  ///   - contextName: the context folder as the user gave it.
  ///   - paths: the context's files, relative to the context folder.
  ///   - links: the symbolic links among `paths`, with their targets as stored.
  ///   - directories: the context's folders, empty ones included (a COPY of one is no error).
  ///   - ignore: the ignore file's display name and bytes, when one applies.
  package static func context(
    dockerfile: [UInt8], file: String, contextName: String, paths: [String],
    links: [String: String] = [:], directories: [String] = [],
    ignore: (name: String, text: [UInt8])?,
    byStep: Bool,
    format: TextOrJSON
  ) -> Outcome {
    var diagnostics: [Diagnostic] = []
    var matcher: IgnoreMatcher?
    if let ignore {
      do {
        matcher = try IgnoreMatcher(patterns: IgnoreFile.patterns(from: ignore.text))
      } catch {
        diagnostics.append(IgnoreFile.diagnostic(for: error, in: ignore.text, file: ignore.name))
        return Outcome(report: [], diagnostics: diagnostics)
      }
    }
    let buildContext = BuildContext(
      paths: paths, ignore: matcher, links: links, directories: directories)
    var steps: [ContextRead] = []
    switch DockerfileParser(file: file).parse(dockerfile) {
    case .failure(let failure):
      diagnostics.append(failure.diagnostic)
    case .success(let tree):
      let (model, modelDiagnostics) = Dockerfile.build(from: tree, file: file)
      diagnostics += tree.warnings + modelDiagnostics.filter { $0.severity == .error }
      let (reads, readDiagnostics) = ContextReads.analyze(model, context: buildContext, file: file)
      steps = reads
      diagnostics += readDiagnostics
    }
    let report = ContextReport(
      context: contextName, ignoreFile: ignore?.name, buildContext: buildContext, steps: steps)
    switch format {
    case .text:
      return Outcome(
        report: Array(report.text(file: file, byStep: byStep).utf8), diagnostics: diagnostics)
    case .json: return Outcome(report: JSONOutput.encode(report), diagnostics: diagnostics)
    }
  }
}
