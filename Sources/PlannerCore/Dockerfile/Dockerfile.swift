/// A whole Dockerfile, typed and cut into stages the way BuildKit sees it: `instructions.Parse`
/// (stages and the ARGs before the first FROM) plus the parts of `dockerfile2llb/convert.go`
/// that can be decided without building: variable scopes, stage references and the errors
/// BuildKit raises before running anything.
///
/// Input: a `SyntaxTree`, the file's display name and the `--build-arg` values. Output: the model
/// and the diagnostics of this step (the tree's own warnings are not repeated). It never traps;
/// problems become diagnostics, and the model is filled as far as the input allows.
///
/// Static expansion follows BuildKit's scoping:
/// - Global scope (FROM lines and the ARGs before the first FROM): the built-in platform
///   arguments, each overridable by a build argument, then every global ARG in order (a build
///   argument wins over its default; a default is expanded with what came before it).
/// - A stage sees only what it declares: ENV and ARG apply in order; `ARG NAME` without a value
///   takes the build argument, else the global value (built-in arguments included). ARG values
///   join the environment later instructions expand with, as in BuildKit's `dispatchArg`.
/// - A stage `FROM` an earlier stage starts with that stage's variables at its end, then runs the
///   ENV and ARG triggers of that stage's ONBUILD instructions. A stage on `scratch` starts with
///   only the default `PATH`. A stage on an image may get any variable from the image's
///   configuration, which planner cannot see: names it has not set stay unknown there.
///
/// The built-in platform arguments (`BUILDPLATFORM`, `BUILDOS`, `BUILDOSVERSION`, `BUILDARCH`,
/// `BUILDVARIANT`, `TARGETPLATFORM`, `TARGETOS`, `TARGETOSVERSION`, `TARGETARCH`,
/// `TARGETVARIANT`, `TARGETSTAGE`) assume a linux/amd64 builder building for linux/amd64 unless a
/// build argument gives them; planner cannot know the real platforms.
struct Dockerfile: Hashable, Sendable, Codable {
  /// The ARG instructions before the first FROM (BuildKit's meta args).
  var globalArgs: [Instruction]
  var stages: [Stage]
  var directives: [ParserDirective]
  /// `\` or the backtick chosen by `# escape=`.
  var escapeToken: UInt8

  /// One build stage: a FROM and the instructions up to the next FROM.
  struct Stage: Hashable, Sendable, Codable {
    /// The position among the stages, as `COPY --from=<index>` counts.
    var index: Int
    /// The name after `AS`, in lower case (BuildKit compares stage names case-insensitively).
    var name: String?
    /// The name as written.
    var nameAsWritten: String?
    /// The FROM instruction itself.
    var from: Instruction
    /// The base as written, and expanded with the global scope.
    var baseImage: Instruction.Expandable
    /// `--platform`, as written and expanded.
    var platform: Instruction.Expandable?
    /// The earlier stage this one is built on, when the base names one.
    var baseStage: Int?
    /// The instructions after FROM.
    var instructions: [Instruction]

    /// BuildKit's name for the stage in messages: its name or `stage-<index>`.
    var displayName: String { name ?? "stage-\(index)" }
  }

  /// `system.DefaultPathEnv` for Linux: the PATH BuildKit sets when the base has none.
  static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

  /// BuildKit's `defaultArgs` for a linux/amd64 build; `target` is the target stage's name.
  static func builtinArgs(target: String) -> [(String, String)] {
    [
      ("BUILDPLATFORM", "linux/amd64"), ("BUILDOS", "linux"), ("BUILDOSVERSION", ""),
      ("BUILDARCH", "amd64"), ("BUILDVARIANT", ""), ("TARGETPLATFORM", "linux/amd64"),
      ("TARGETOS", "linux"), ("TARGETOSVERSION", ""), ("TARGETARCH", "amd64"),
      ("TARGETVARIANT", ""), ("TARGETSTAGE", target),
    ]
  }

  /// Names BuildKit reserves (`validateStageNames`).
  static let reservedStageNames: Set<String> = ["context", "scratch"]
}

// MARK: - Building the model

extension Dockerfile {
  static func build(from tree: SyntaxTree, file: String, buildArgs: [String: String] = [:])
    -> (Dockerfile, [Diagnostic])
  {
    var builder = Builder(tree: tree, file: file, buildArgs: buildArgs)
    builder.run()
    let dockerfile = Dockerfile(
      globalArgs: builder.globalArgs, stages: builder.stages, directives: tree.directives,
      escapeToken: tree.escapeToken)
    return (dockerfile, builder.diagnostics)
  }

  /// The state of one `build`.
  private struct Builder {
    let tree: SyntaxTree
    let file: String
    let buildArgs: [String: String]
    let lexer: ShellLexer
    var globalArgs: [Instruction] = []
    var stages: [Stage] = []
    var diagnostics: [Diagnostic] = []
    /// Each stage's variables at its end, by stage index.
    var finalScopes: [Scope] = []
    /// The global scope once every global ARG is applied (BuildKit's `opt.globalArgs`).
    var global = Scope(isComplete: true)

    init(tree: SyntaxTree, file: String, buildArgs: [String: String]) {
      self.tree = tree
      self.file = file
      self.buildArgs = buildArgs
      self.lexer = ShellLexer(escapeToken: tree.escapeToken)
    }

    mutating func error(_ message: String, at range: SourceRange) {
      diagnostics.append(Diagnostic(.error, message, file: file, range: range))
    }

    mutating func warning(_ message: String, at range: SourceRange) {
      diagnostics.append(Diagnostic(.warning, message, file: file, range: range))
    }

    mutating func run() {
      splitIntoStages()
      guard !stages.isEmpty else { return }
      global = globalScope()
      nameStages()
      for index in stages.indices { expandStage(index) }
      resolveStageReferences()
    }

    /// `instructions.Parse`: ARGs before the first FROM are global; every FROM opens a stage.
    mutating func splitIntoStages() {
      let parser = InstructionParser(file: file, escapeToken: tree.escapeToken)
      let placements = tree.layout.placements
      let exactRanges = placements.count == tree.instructions.count
      for (position, node) in tree.instructions.enumerated() {
        let range = exactRanges ? placements[position].range : nil
        let (instruction, found) = parser.parse(node, range: range)
        diagnostics += found
        if case .from(let from) = instruction.kind {
          stages.append(
            Stage(
              index: stages.count, name: from.stageName, nameAsWritten: from.stageNameAsWritten,
              from: instruction, baseImage: from.image, platform: from.platform, baseStage: nil,
              instructions: []))
        } else if !stages.isEmpty {
          stages[stages.count - 1].instructions.append(instruction)
        } else if case .arg = instruction.kind {
          globalArgs.append(instruction)
        } else if case .unknown = instruction.kind {
          // Already reported; BuildKit fails on the keyword before it looks for a stage.
          continue
        } else {
          error("no build stage in current context", at: instruction.range)
        }
      }
      if stages.isEmpty {
        let range =
          tree.instructions.isEmpty
          ? SourceRange.lines(1, 1) : .lines(tree.lineCount, tree.lineCount)
        error("dockerfile contains no stages to build", at: range)
      }
    }

    /// BuildKit's `defaultArgs` then `buildMetaArgs`.
    mutating func globalScope() -> Scope {
      var scope = Scope(isComplete: true)
      let target = stages.last?.name ?? ""
      for (name, value) in Dockerfile.builtinArgs(target: target) {
        scope.assign(name, .known(buildArgs[name] ?? value))
      }
      for position in globalArgs.indices {
        guard case .arg(var args) = globalArgs[position].kind else { continue }
        for a in args.indices {
          let name = args[a].name
          if var defaultValue = args[a].defaultValue {
            switch scope.process(defaultValue.raw, lexer: lexer) {
            case .known(let value, _): defaultValue.expanded = value
            case .unknown: defaultValue.expanded = nil
            case .failed(let message):
              defaultValue.expanded = nil
              // Nothing is unknown in the global scope, so the failure is BuildKit's too.
              if buildArgs[name] == nil { error(message, at: globalArgs[position].range) }
            }
            args[a].defaultValue = defaultValue
          }
          if let given = buildArgs[name] {
            scope.assign(name, .known(given))
          } else if let defaultValue = args[a].defaultValue {
            scope.assign(name, defaultValue.expanded.map { .known($0) } ?? .unknown)
          }
          args[a].value = scope.binding(of: name)
        }
        globalArgs[position].kind = .arg(args)
      }
      return scope
    }

    /// Expands every FROM with the global scope, checks it and names the stages
    /// (`buildDispatchStates`, `addState`, `validateStageNames`).
    mutating func nameStages() {
      var namesSoFar: [String: Int] = [:]
      for index in stages.indices {
        var stage = stages[index]
        let range = stage.from.range
        switch global.process(stage.baseImage.raw, lexer: lexer) {
        case .failed(let message): error(message, at: range)
        case .unknown: break
        case .known(let value, _):
          stage.baseImage.expanded = value
          if value.isEmpty {
            error("base name (\(stage.baseImage.raw)) should not be blank", at: range)
          }
        }
        if var platform = stage.platform, !platform.raw.isEmpty {
          switch global.process(platform.raw, lexer: lexer) {
          case .failed(let message):
            error("failed to process arguments for platform : \(message)", at: range)
          case .unknown: break
          case .known(let value, let unsetNames):
            platform.expanded = value
            if value.isEmpty {
              var message = "empty platform value from expression \(platform.raw)"
              let options = global.names.sorted()
              for unset in unsetNames.sorted() {
                if let match = InstructionParser.suggestion(
                  for: unset, among: options, caseSensitive: true)
                {
                  message += " (did you mean \(match)?)"
                  break
                }
              }
              error(message, at: range)
            }
          }
          stage.platform = platform
        }
        if case .from(var from) = stage.from.kind {
          from.image = stage.baseImage
          from.platform = stage.platform
          stage.from.kind = .from(from)
        }
        // `addState`: the base is looked up by its exact expanded text among the stages defined
        // so far, before this stage's own name is registered.
        if let expanded = stage.baseImage.expanded { stage.baseStage = namesSoFar[expanded] }
        if let name = stage.name {
          if Dockerfile.reservedStageNames.contains(name) {
            warning(
              "Stage name should not use the same name as reserved stage \(GoValues.quoted(name))",
              at: range)
          }
          if namesSoFar[name] != nil {
            warning(
              "Duplicate stage name \(GoValues.quoted(name)), stage names should be unique",
              at: range)
          }
          namesSoFar[name] = index
        }
        stages[index] = stage
      }
    }

    /// Runs the stage's instructions over its scope, filling every expansion.
    mutating func expandStage(_ index: Int) {
      var scope: Scope
      if let base = stages[index].baseStage, base < finalScopes.count {
        scope = finalScopes[base]
        // The base stage's ONBUILD triggers run first (`initOnBuildTriggers`).
        for instruction in stages[base].instructions {
          guard case .onbuild(let onbuild) = instruction.kind, var trigger = onbuild.trigger else {
            continue
          }
          _ = apply(&trigger, to: &scope)
        }
      } else if stages[index].baseImage.expanded == "scratch" {
        scope = Scope(isComplete: true)
        scope.assign("PATH", .known(Dockerfile.defaultPath))
      } else {
        scope = Scope(isComplete: false)
      }
      for position in stages[index].instructions.indices {
        var instruction = stages[index].instructions[position]
        let errors = apply(&instruction, to: &scope)
        for message in errors { error(message, at: instruction.range) }
        stages[index].instructions[position] = instruction
      }
      finalScopes.append(scope)
    }

    /// Expands `instruction` with `scope`, then applies its ENV or ARG to the scope. Returns the
    /// errors of RUN mounts that use variables (literal mounts were checked when the instruction
    /// was parsed).
    func apply(_ instruction: inout Instruction, to scope: inout Scope) -> [String] {
      var usesVariables: [Bool] = []
      if case .run(let run) = instruction.kind {
        usesVariables = run.mounts.map { mount in
          mount.fields.contains { field in field.value.map { $0.expanded == nil } ?? false }
        }
      }
      let current = scope
      let lexer = self.lexer
      let errors = InstructionParser.expand(
        &instruction, word: { current.expand($0, lexer: lexer) },
        words: { current.expandWords($0, lexer: lexer) })

      switch instruction.kind {
      case .env(let pairs):
        // BuildKit expands all pairs first, then sets them in order.
        for pair in pairs {
          guard let key = pair.key.expanded else {
            scope.isPoisoned = true
            continue
          }
          scope.assign(key, pair.value.expanded.map { .known($0) } ?? .unknown)
        }
      case .arg(var args):
        // `dispatchArg`: one name after the other, each default seeing the ones before it.
        for a in args.indices {
          let name = args[a].name
          if var defaultValue = args[a].defaultValue {
            defaultValue.expanded = scope.expand(defaultValue.raw, lexer: lexer)
            args[a].defaultValue = defaultValue
          }
          if let given = buildArgs[name] {
            scope.assign(name, .known(given))
          } else if let defaultValue = args[a].defaultValue {
            scope.assign(name, defaultValue.expanded.map { .known($0) } ?? .unknown)
          } else if let inherited = global.values[Array(name.utf8)] {
            scope.assign(name, inherited)
          }
          args[a].value = scope.binding(of: name)
        }
        instruction.kind = .arg(args)
      default:
        break
      }
      return errors.filter { $0.mount < usesVariables.count && usesVariables[$0.mount] }.map(
        \.message)
    }

    /// `toCommand` and `detectRunMount` resolve `COPY --from` and `RUN --mount=from=`;
    /// `validateCircularDependency` and `dispatch` check the result.
    mutating func resolveStageReferences() {
      var byName: [String: Int] = [:]
      for stage in stages { if let name = stage.name { byName[name] = stage.index } }
      // Unknown names become image states appended after the stages; an index counts them.
      var imageStates = 0
      var dependencies: [[(stage: Int, range: SourceRange)]] = Array(
        repeating: [], count: stages.count)
      var forwardReferences: [(message: String, range: SourceRange)] = []

      for s in stages.indices {
        for position in stages[s].instructions.indices {
          var instruction = stages[s].instructions[position]
          switch instruction.kind {
          case .copy(var copy):
            guard let from = copy.from, !from.isEmpty else { break }
            let processed = try? lexer.processWord(
              Array(from.utf8), environment: ShellVariables([]))
            guard let processed, String(decoding: processed.value, as: UTF8.self) == from else {
              error(
                "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                at: instruction.range)
              break
            }
            if let index = GoValues.atoi(from) {
              if index < 0 || index >= stages.count + imageStates {
                error("invalid stage index \(index)", at: instruction.range)
                break
              }
              copy.fromStage = index < stages.count ? index : nil
            } else if let index = byName[string(GoText.lowercased(Array(from.utf8)))] {
              copy.fromStage = index
            } else {
              imageStates += 1
            }
            if let source = copy.fromStage {
              dependencies[s].append((source, instruction.range))
              if source > s {
                forwardReferences.append(
                  (
                    "cannot copy from stage \(GoValues.quoted(from)), it needs to be defined before current stage \(GoValues.quoted(stages[s].displayName))",
                    instruction.range
                  ))
              }
            }
            instruction.kind = .copy(copy)
          case .run(var run):
            for m in run.mounts.indices {
              // BuildKit resolves `from=` before expanding, as written.
              guard let field = run.mounts[m].fields.last(where: { $0.key == "from" }),
                let from = field.value?.raw, !from.isEmpty
              else { continue }
              if let index = byName[string(GoText.lowercased(Array(from.utf8)))] {
                run.mounts[m].fromStage = index
                dependencies[s].append((index, instruction.range))
              } else {
                imageStates += 1
              }
            }
            instruction.kind = .run(run)
          default:
            break
          }
          stages[s].instructions[position] = instruction
        }
      }
      // BuildKit checks for cycles before it dispatches anything.
      if !checkCycles(dependencies) {
        for reference in forwardReferences { error(reference.message, at: reference.range) }
      }
    }

    /// `validateCircularDependency`: reports the first stage, in order, from which a cycle is
    /// reachable. Returns whether there was one.
    mutating func checkCycles(_ dependencies: [[(stage: Int, range: SourceRange)]]) -> Bool {
      // Depth-first, with an explicit stack so that a long chain of stages cannot exhaust ours.
      var visited = Set<Int>()
      var onPath = Set<Int>()
      for start in stages.indices where !visited.contains(start) {
        visited.insert(start)
        onPath.insert(start)
        var stack: [(stage: Int, next: Int)] = [(start, 0)]
        // The COPY or RUN of each edge taken from `start` down to the top of the stack.
        var path: [SourceRange] = []
        while let top = stack.last {
          let edges = dependencies[top.stage]
          guard top.next < edges.count else {
            onPath.remove(top.stage)
            stack.removeLast()
            if !path.isEmpty { path.removeLast() }
            continue
          }
          stack[stack.count - 1].next += 1
          let edge = edges[top.next]
          if onPath.contains(edge.stage) {
            error(
              "circular dependency detected on stage: \(stages[start].displayName)",
              at: path.first ?? edge.range)
            return true
          }
          if visited.contains(edge.stage) { continue }
          visited.insert(edge.stage)
          onPath.insert(edge.stage)
          path.append(edge.range)
          stack.append((edge.stage, 0))
        }
      }
      return false
    }
  }
}

private func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

// MARK: - Scopes

extension Dockerfile {
  /// The variables visible at one point of a build, for static expansion with BuildKit's lexer.
  struct Scope: ShellEnvironment, Hashable, Sendable {
    /// What a variable holds.
    enum Value: Hashable, Sendable {
      case known([UInt8])
      /// Set, to something not known statically.
      case unknown

      static func known(_ text: String) -> Value { .known(Array(text.utf8)) }
    }

    var values: [[UInt8]: Value] = [:]
    /// Whether a name missing from `values` is certainly unset. False in a stage built on an
    /// image, whose configuration may set any variable.
    var isComplete: Bool
    /// Set when an ENV's name is not known: any variable may then hold anything.
    var isPoisoned = false

    init(isComplete: Bool) {
      self.isComplete = isComplete
    }

    var names: [String] { values.keys.map { String(decoding: $0, as: UTF8.self) } }

    mutating func assign(_ name: String, _ value: Value) {
      values[Array(name.utf8)] = value
    }

    /// What `name` holds here, as an ARG reports it.
    func binding(of name: String) -> Instruction.Arg.Value {
      if isPoisoned { return .unknown }
      switch values[Array(name.utf8)] {
      case .known(let bytes): return .known(String(decoding: bytes, as: UTF8.self))
      case .unknown: return .unknown
      case nil: return isComplete ? .unset : .unknown
      }
    }

    func value(of name: [UInt8]) -> [UInt8]? {
      switch values[name] {
      case .known(let bytes): bytes
      case .unknown: []
      case nil: nil
      }
    }

    /// The outcome of expanding one word in a scope.
    enum Processed {
      /// The lexer failed, with BuildKit's message.
      case failed(String)
      /// The word uses a variable whose value is not known.
      case unknown
      case known(String, unsetNames: Set<String>)
    }

    /// `ProcessWordWithMatches`, told apart by what is known.
    func process(_ raw: String, lexer: ShellLexer) -> Processed {
      let word: ShellWord
      do {
        word = try lexer.processWord(Array(raw.utf8), environment: self)
      } catch {
        return .failed(error.message)
      }
      if isPoisoned, !(word.usedNames.isEmpty && word.unsetNames.isEmpty) { return .unknown }
      if word.usedNames.contains(where: { values[$0] == .unknown }) { return .unknown }
      if !isComplete, !word.unsetNames.isEmpty { return .unknown }
      return .known(
        String(decoding: word.value, as: UTF8.self),
        unsetNames: Set(word.unsetNames.map { String(decoding: $0, as: UTF8.self) }))
    }

    /// The expansion when every name the word uses is known; nil otherwise or when the lexer
    /// fails.
    func expand(_ raw: String, lexer: ShellLexer) -> String? {
      guard case .known(let value, _) = process(raw, lexer: lexer) else { return nil }
      return value
    }

    /// `ProcessWords` (EXPOSE) when every name it uses is known.
    func expandWords(_ raw: String, lexer: ShellLexer) -> [String]? {
      guard expand(raw, lexer: lexer) != nil,
        let words = try? lexer.processWords(Array(raw.utf8), environment: self)
      else { return nil }
      return words.map { String(decoding: $0, as: UTF8.self) }
    }
  }
}
