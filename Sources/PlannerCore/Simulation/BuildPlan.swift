/// One Dockerfile compiled into the steps a builder runs, each with the fields of its cache key
/// (`buildkit-cache-model.md` §2) except the two that depend on the build: its parent's key and
/// the content it reads.
///
/// Under BuildKit the steps are FROM, RUN, COPY, ADD and WORKDIR (other than `/`); the other
/// instructions only change the state later steps see (ENV and valued ARGs for RUN, WORKDIR and
/// USER for paths and owners, SHELL for shell-form RUN). Under the legacy builder every
/// instruction is a step.
///
/// What planner cannot see is taken as constant over the window: the base image behind a tag
/// (and its environment), the content of `ADD <url>` and of `COPY --from=<image>`.
struct BuildPlan: Sendable {
  /// A class, not a struct: every build of a replay keeps its steps in its results, and a copy
  /// of a reference is one count where a copy of the fields was a dozen. Set while the plan is
  /// made (`BuildPlan.make`), read only afterwards.
  final class Step: @unchecked Sendable {
    enum Kind: String, Sendable, Codable {
      case from, run, copy, add, workdir
      /// Any other instruction: a step under the legacy builder only.
      case metadata
    }

    var kind: Kind
    var stage: Int
    /// The stage's name (`AS name`, lowercased), nil for a stage without one.
    var stageName: String?
    /// 1-based line of the keyword.
    var line: Int
    /// The instruction's first line, as written.
    var instruction: String
    /// Every field of the key except the parent and the content, as one canonical text.
    var definition: String
    /// The instruction's own text (its logical line); tells an edited instruction from a changed
    /// environment when explaining a miss.
    var text: String
    /// `NAME=value` entries of the environment the step's key includes (RUN), in order.
    var environment: [String]
    /// `definition` and `text` hashed, once per plan: a replay adds them at every commit.
    var definitionDigest = Digest()
    var textDigest = Digest()
    /// Whether the key changes at every build because the step sees a per-build argument
    /// (`BuildPlan.seesPerBuildValue`), found with the digests.
    var seesPerBuildValue = false
    /// Context sources the step reads (COPY, ADD, bind mounts).
    var readers: [SourceSelection.Reader]
    /// A source not known statically: assumed to read the whole context.
    var readsWholeContext: Bool
    /// Stages whose output the step reads by content (`COPY --from`, `RUN --mount=from=`).
    var sourceStages: [Int]
    /// `COPY --link` (without `--chmod`): the copy does not depend on the steps before it.
    var isLinked: Bool
    var cost: StepCost

    var readsContext: Bool { readsWholeContext || !readers.isEmpty }

    init(
      kind: Kind, stage: Int, stageName: String?, line: Int, instruction: String,
      definition: String, text: String, environment: [String],
      readers: [SourceSelection.Reader], readsWholeContext: Bool, sourceStages: [Int],
      isLinked: Bool, cost: StepCost
    ) {
      self.kind = kind
      self.stage = stage
      self.stageName = stageName
      self.line = line
      self.instruction = instruction
      self.definition = definition
      self.text = text
      self.environment = environment
      self.readers = readers
      self.readsWholeContext = readsWholeContext
      self.sourceStages = sourceStages
      self.isLinked = isLinked
      self.cost = cost
    }

    /// Sets the digests of `definition` and `text`, once they are final.
    func hashText() {
      definitionDigest = Digest(label: definition)
      textDigest = Digest(label: text)
      seesPerBuildValue = BuildPlan.seesPerBuildValue(self)
    }
  }

  struct Stage: Sendable {
    var index: Int
    var name: String?
    /// The earlier stage this one is built on.
    var baseStage: Int?
    /// The FROM, as a step (its definition names the image; for a stage base, the stage).
    var from: Step
    var steps: [Step]
    /// Whether the target reaches it.
    var isBuilt: Bool
  }

  var stages: [Stage]
  /// The target stage's index.
  var target: Int

  /// The value a per-build argument holds in a step's environment: the simulator gives a step
  /// that sees it a new key at every build.
  static let perBuildValue = "\u{2}per-build"

  /// Whether a step's key changes at every build because it sees a per-build argument.
  static func seesPerBuildValue(_ step: Step) -> Bool {
    step.environment.contains { $0.hasSuffix("=" + perBuildValue) }
  }

  /// Every step, FROM first in each stage.
  var allSteps: [Step] { stages.flatMap { [$0.from] + $0.steps } }
}

extension BuildPlan {
  /// Parses and compiles one Dockerfile. Returns nil with the errors that make BuildKit reject it
  /// (and the warnings worth showing) when it cannot be built.
  static func make(
    source: [UInt8], file: String, options: SimulationOptions, timings: BuildTimings? = nil,
    copiedBytes: (Step) -> Int? = { _ in nil }
  ) -> (BuildPlan?, [Diagnostic]) {
    let tree: SyntaxTree
    switch DockerfileParser(file: file).parse(source) {
    case .failure(let failure): return (nil, [failure.diagnostic])
    case .success(let parsed): tree = parsed
    }
    let (dockerfile, found) = Dockerfile.build(
      from: tree, file: file, buildArgs: options.buildArgs)
    return make(
      tree: tree, dockerfile: dockerfile, found: found, file: file, options: options,
      timings: timings, copiedBytes: copiedBytes)
  }

  /// Compiles a Dockerfile already parsed and modelled (with `options.buildArgs`); `found` are
  /// the model's diagnostics.
  static func make(
    tree: SyntaxTree, dockerfile: Dockerfile, found: [Diagnostic], file: String,
    options: SimulationOptions, timings: BuildTimings? = nil,
    copiedBytes: (Step) -> Int? = { _ in nil }
  ) -> (BuildPlan?, [Diagnostic]) {
    var diagnostics = found.filter { $0.severity == .error }
    guard !diagnostics.hasErrors else { return (nil, diagnostics) }

    var compiler = Compiler(
      tree: tree, dockerfile: dockerfile, file: file, options: options, timings: timings)
    guard let target = compiler.targetIndex() else {
      let range = dockerfile.stages.last?.from.range ?? .lines(1, 1)
      diagnostics.append(
        Diagnostic(
          .error, "target stage \(GoValues.quoted(options.target ?? "")) could not be found",
          file: file, range: range))
      return (nil, diagnostics)
    }
    let plan = compiler.compile(target: target)
    for s in plan.stages.indices {
      for t in plan.stages[s].steps.indices where plan.stages[s].steps[t].cost.source == .estimate {
        let step = plan.stages[s].steps[t]
        guard step.kind == .copy || step.kind == .add, let bytes = copiedBytes(step) else {
          continue
        }
        plan.stages[s].steps[t].cost = CostEstimator.estimate(
          kind: step.kind.rawValue, command: nil, bytes: bytes, isRemote: false)
      }
    }
    for s in plan.stages.indices {
      plan.stages[s].from.hashText()
      for t in plan.stages[s].steps.indices { plan.stages[s].steps[t].hashText() }
    }
    return (plan, diagnostics + compiler.diagnostics)
  }

  /// The state of one compilation.
  private struct Compiler {
    let tree: SyntaxTree
    let dockerfile: Dockerfile
    let file: String
    let options: SimulationOptions
    let timings: BuildTimings?
    var diagnostics: [Diagnostic] = []
    /// The comment lines directly above each instruction, by its first line.
    let comments: [Int: [String]]

    init(
      tree: SyntaxTree, dockerfile: Dockerfile, file: String, options: SimulationOptions,
      timings: BuildTimings?
    ) {
      self.tree = tree
      self.dockerfile = dockerfile
      self.file = file
      self.options = options
      self.timings = timings
      var comments: [Int: [String]] = [:]
      for placement in tree.layout.placements where !placement.comments.isEmpty {
        comments[placement.range.start.line] = placement.comments
      }
      self.comments = comments
    }

    /// What later steps of a stage see.
    struct State {
      var environment: [(name: String, value: String)] = []
      var workdir = "/"
      var user = ""
      var shell = ["/bin/sh", "-c"]

      mutating func set(_ name: String, _ value: String) {
        environment.removeAll { $0.name == name }
        environment.append((name, value))
      }
    }

    func targetIndex() -> Int? {
      guard let target = options.target else { return dockerfile.stages.indices.last }
      let lower = target.lowercased()
      if let stage = dockerfile.stages.last(where: { $0.name == lower }) { return stage.index }
      return nil
    }

    mutating func compile(target: Int) -> BuildPlan {
      let built = reachedStages(from: target)
      var finalStates: [State] = []
      var stages: [Stage] = []
      for stage in dockerfile.stages {
        var state = State()
        if let base = stage.baseStage, base < finalStates.count { state = finalStates[base] }
        let from = fromStep(stage)
        var steps: [Step] = []
        for instruction in stage.instructions {
          if let step = self.step(instruction, stage: stage.index, state: &state) {
            steps.append(step)
          }
        }
        finalStates.append(state)
        stages.append(
          Stage(
            index: stage.index, name: stage.name, baseStage: stage.baseStage, from: from,
            steps: steps, isBuilt: built.contains(stage.index)))
      }
      return BuildPlan(stages: stages, target: target)
    }

    /// BuildKit builds the target and what it reaches; the legacy builder every stage up to it.
    func reachedStages(from target: Int) -> Set<Int> {
      if options.builder == .legacy { return Set(0...target) }
      var reached: Set<Int> = []
      var pending = [target]
      while let index = pending.popLast() {
        guard index < dockerfile.stages.count, reached.insert(index).inserted else { continue }
        let stage = dockerfile.stages[index]
        if let base = stage.baseStage { pending.append(base) }
        for instruction in stage.instructions {
          switch instruction.kind {
          case .copy(let copy), .add(let copy):
            if let source = copy.fromStage { pending.append(source) }
          case .run(let run):
            pending += run.mounts.compactMap(\.fromStage)
          default: break
          }
        }
      }
      return reached
    }

    mutating func fromStep(_ stage: Dockerfile.Stage) -> Step {
      let definition: String
      if let base = stage.baseStage {
        definition = "stage \(base)"
      } else {
        let image = stage.baseImage.expanded ?? stage.baseImage.raw
        let platform = stage.platform.map { $0.expanded ?? $0.raw } ?? ""
        definition = "image \(image) \(platform)"
      }
      let step = makeStep(
        .from, stage: stage.index, instruction: stage.from, definition: definition,
        text: stage.from.original, command: nil)
      if stage.baseStage != nil || stage.baseImage.expanded == "scratch" {
        step.cost = StepCost(seconds: 0, source: .estimate, basis: "no pull")
      }
      return step
    }

    /// The step an instruction makes, updating the state; nil for an instruction that only
    /// changes the state (under BuildKit).
    mutating func step(_ instruction: Instruction, stage: Int, state: inout State) -> Step? {
      let legacy = options.builder == .legacy
      switch instruction.kind {
      case .run(let run):
        return runStep(instruction, run: run, stage: stage, state: state)
      case .copy(let copy), .add(let copy):
        return copyStep(instruction, copy: copy, stage: stage, state: state)
      case .workdir(let value):
        let path = ImagePath.resolve(value.expanded ?? value.raw, against: state.workdir)
        state.workdir = path
        guard path != "/" || legacy else { return nil }
        return makeStep(
          .workdir, stage: stage, instruction: instruction,
          definition: Self.fields(["workdir", path, state.user]), text: instruction.original,
          command: nil)
      case .env(let pairs):
        for pair in pairs {
          state.set(pair.key.expanded ?? pair.key.raw, pair.value.expanded ?? pair.value.raw)
        }
      case .arg(let args):
        for arg in args {
          if options.perBuildArgs.contains(arg.name) {
            state.set(arg.name, BuildPlan.perBuildValue)
            continue
          }
          switch arg.value {
          case .known(let value): state.set(arg.name, value)
          case .unknown:
            // Unknown only through a default that uses a variable of the base image. Without a
            // default, a build argument or a global value (all known), the ARG has no value:
            // it adds nothing to any key, whatever the image may set under that name.
            guard let defaultValue = arg.defaultValue else { break }
            state.set(arg.name, "\u{2}unknown " + defaultValue.raw)
          case .unset: break
          }
        }
      case .user(let value):
        state.user = value.expanded ?? value.raw
      case .shell(let words):
        state.shell = words
      default:
        break
      }
      guard legacy else { return nil }
      // The legacy builder commits an image for every instruction; its config is compared.
      return makeStep(
        .metadata, stage: stage, instruction: instruction,
        definition: Self.fields(
          ["meta", instruction.kind.name, instruction.original]
            + state.environment.map { "\($0.name)=\($0.value)" }),
        text: instruction.original, command: nil)
    }

    mutating func runStep(
      _ instruction: Instruction, run: Instruction.Run, stage: Int, state: State
    )
      -> Step
    {
      let command = run.command
      var text: [String]
      if command.isExecForm {
        text = ["exec"] + command.arguments
      } else {
        text = ["shell"] + state.shell + command.arguments
      }
      text += command.heredocs.map { String(decoding: $0.content, as: UTF8.self) }
      var readers: [SourceSelection.Reader] = []
      var readsWholeContext = false
      var sourceStages: [Int] = []
      var mounts: [(target: String, text: String)] = []
      for mount in run.mounts {
        guard let options = mount.options else {
          // Values not known statically: counted as a bind mount of the whole context.
          readsWholeContext = readsWholeContext || !mount.fields.contains { $0.key == "from" }
          mounts.append(("", mount.raw))
          continue
        }
        let target = ImagePath.resolve(options.target ?? "", against: state.workdir)
        var fields = [
          options.type, target, options.source ?? "", options.from ?? "", options.id ?? "",
          options.sharing ?? "", options.readOnly ? "ro" : "rw", options.required ? "req" : "",
        ]
        fields += [options.mode, options.uid, options.gid].map { $0.map(String.init) ?? "" }
        fields += [options.sizeLimit.map(String.init) ?? "", options.env ?? ""]
        mounts.append((target, Self.fields(fields)))
        guard options.type == "bind" else { continue }
        if let source = mount.fromStage {
          sourceStages.append(source)
        } else if options.from == nil {
          addReader(options.source ?? "", to: &readers, instruction: instruction)
        }
      }
      mounts.sort { $0.target < $1.target }
      let environment = state.environment.map { "\($0.name)=\($0.value)" }
      let fields =
        ["run"] + text
        + [
          "env", environment.joined(separator: "\u{1}"), state.workdir, state.user,
          run.network ?? "", run.security ?? "",
        ] + mounts.map(\.text) + run.devices.map { "\($0.name) \($0.isRequired)" }
      let shellCommand =
        command.isExecForm
        ? command.arguments.joined(separator: " ") : (command.arguments.first ?? "")
      let step = makeStep(
        .run, stage: stage, instruction: instruction, definition: Self.fields(fields),
        text: Self.fields(text), command: shellCommand)
      step.environment = environment
      step.readers = readers
      step.readsWholeContext = readsWholeContext
      step.sourceStages = sourceStages
      return step
    }

    mutating func copyStep(
      _ instruction: Instruction, copy: Instruction.Copy, stage: Int, state: State
    ) -> Step {
      let isAdd: Bool = if case .add = instruction.kind { true } else { false }
      let destination = copy.destination.expanded ?? copy.destination.raw
      let resolved =
        destination.hasPrefix("/")
        ? destination
        : ImagePath.resolve(destination, against: state.workdir)
          + (destination.hasSuffix("/") ? "/" : "")
      var fields = [
        isAdd ? "add" : "copy", resolved, copy.chown.map { $0.expanded ?? $0.raw } ?? "",
        copy.chmod ?? "", copy.parents ? "parents" : "", copy.link ? "link" : "",
        copy.exclude.joined(separator: "\u{1}"), copy.from ?? "",
        copy.unpack.map { "\($0)" } ?? "", copy.checksum.map { $0.expanded ?? $0.raw } ?? "",
      ]
      var readers: [SourceSelection.Reader] = []
      var readsWholeContext = false
      var isRemote = false
      for source in copy.sources {
        let value = source.expanded ?? source.raw
        let remote = isAdd && ContextSteps.isRemote(value)
        isRemote = isRemote || remote
        // The key holds the base name of a source; a download's whole address.
        fields.append(remote ? value : String(value.split(separator: "/").last ?? ""))
        guard copy.from == nil, !remote else { continue }
        guard source.expanded != nil else {
          diagnostics.append(
            .sourceNotKnownStatically(source.raw, file: file, range: instruction.range))
          readsWholeContext = true
          continue
        }
        addReader(value, to: &readers, instruction: instruction, copy: copy)
      }
      for inline in copy.inlineSources {
        fields += [inline.name, inline.content, inline.expands ? "expand" : ""]
      }
      let step = makeStep(
        isAdd ? .add : .copy, stage: stage, instruction: instruction,
        definition: Self.fields(fields), text: instruction.original, command: nil,
        isRemote: isRemote)
      step.readers = readers
      step.readsWholeContext = readsWholeContext
      step.sourceStages = copy.fromStage.map { [$0] } ?? []
      step.isLinked = copy.link && copy.chmod == nil && options.builder == .buildkit
      return step
    }

    mutating func addReader(
      _ source: String, to readers: inout [SourceSelection.Reader], instruction: Instruction,
      copy: Instruction.Copy? = nil
    ) {
      do {
        readers.append(
          try SourceSelection.Reader(
            source: source, parents: copy?.parents ?? false, excludes: copy?.exclude ?? []))
      } catch {
        diagnostics.append(
          Diagnostic(
            .error, "invalid pattern in '\(source)': \(error)", file: file,
            range: instruction.range))
      }
    }

    mutating func makeStep(
      _ kind: Step.Kind, stage: Int, instruction: Instruction, definition: String, text: String,
      command: String?, isRemote: Bool = false
    ) -> Step {
      let line = instruction.range.start.line
      let firstLine = tree.firstLine(at: instruction.range)
      var cost = CostEstimator.estimate(
        kind: kind == .metadata ? instruction.kind.name : kind.rawValue, command: command,
        bytes: nil, isRemote: isRemote)
      let stageInfo = dockerfile.stages[stage]
      if let entry = timings?.entry(
        stage: stageInfo.nameAsWritten, stageIndex: stage, stageCount: dockerfile.stages.count,
        instruction: instruction.original), entry.seconds != nil
      {
        cost = .timings(entry)
      }
      if kind == .run, !options.costOverrides.isEmpty {
        // The command as written, here-document bodies included (`RUN <<EOF` … `npm ci`).
        var written = instruction.original
        if case .run(let run) = instruction.kind {
          for heredoc in run.command.heredocs {
            written += "\n" + String(decoding: heredoc.content, as: UTF8.self)
          }
        }
        if let override = options.costOverrides.filter({ written.contains($0.match) })
          .max(by: { ($0.match.count, $1.match) < ($1.match.count, $0.match) })
        {
          cost = .configured(override)
        }
      }
      switch CostEstimator.pragma(in: comments[line] ?? []) {
      case .seconds(let seconds): cost = .pragma(seconds: seconds)
      case .invalid(let message):
        diagnostics.append(
          Diagnostic(.warning, message, file: file, range: .lines(line - 1, line - 1)))
      case nil: break
      }
      return Step(
        kind: kind, stage: stage, stageName: stageInfo.name, line: line, instruction: firstLine,
        definition: definition,
        text: text, environment: [], readers: [], readsWholeContext: false, sourceStages: [],
        isLinked: false, cost: cost)
    }

    /// Joins key fields with a separator that no Dockerfile text holds.
    static func fields(_ parts: [String]) -> String { parts.joined(separator: "\u{0}") }
  }
}

extension SyntaxTree {
  /// The first line of an instruction as written, from its keyword, without the line ending.
  func firstLine(at range: SourceRange) -> String {
    let bytes = byteRange(ofLine: range.start.line)
    let start = min(bytes.lowerBound + max(0, range.start.column - 1), bytes.upperBound)
    var end = bytes.upperBound
    while end > start, source[end - 1] == 0x0A || source[end - 1] == 0x0D { end -= 1 }
    return String(decoding: source[start..<end], as: UTF8.self)
  }
}

/// Paths inside the image.
package enum ImagePath {
  /// An absolute, cleaned path: `path` as BuildKit resolves it against the working folder
  /// (`..` stops at the root, `/` separates even before a combining mark). The same lexical
  /// rules clean a path on the host, and the image check's paths.
  package static func resolve(_ path: String, against workdir: String) -> String {
    let joined = path.hasPrefix("/") ? path : workdir + "/" + path
    // Most paths are clean already: one pass over their bytes says so.
    if joined.utf8.first == UInt8(ascii: "/"), BuildContext.isClean(bytes: joined.utf8.dropFirst())
    {
      return joined
    }
    return "/" + BuildContext.relative(joined)
  }
}
