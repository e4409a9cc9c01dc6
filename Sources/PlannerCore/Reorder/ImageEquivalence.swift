/// Decides whether a proposed Dockerfile builds the same image as the original, without using
/// any of the reorderer's constraints: it re-derives what each build produces from the two files.
///
/// Input: the two files' bytes, the build context's files (after the ignore file), the build
/// arguments and the target stage. Output: a `Verdict` that says "same" only when every stage the
/// target reaches ends with the same image configuration, the same last writer at every path and
/// the same set of RUN steps, each seeing the same inputs. It never traps: a file that does not
/// parse, a build BuildKit would fail, or anything the model cannot follow gives "different",
/// because a false "different" only hides a proposal while a false "same" ships a broken image.
///
/// The filesystem is a map from path to the identity of its history, folded instruction by
/// instruction. Identities are numbered structurally in one table shared by both files, so equal
/// histories get equal numbers.
/// - A COPY or ADD of context files replaces each destination file, placed by BuildKit's rules: a
///   folder source copies its contents, a file into a folder keeps its base name, a wildcard match
///   on a folder copies that folder's contents. The file's identity is its content source (the
///   context path) with `--chown` and `--chmod`, so copying the same file twice gives the same
///   identity. Into a destination without a trailing `/` that this build touched, the file also
///   depends on what is there (a folder there takes the file under its base name).
/// - COPY (above what it writes) and WORKDIR create missing folders: a folder gains "a folder
///   owned by X" in its history unless this build already wrote it or something under it, so
///   either instruction may create it when both would give it the same owner.
/// - `COPY --from` a stage merges into its destination, with an identity made of the source
///   stage's identities under the source path. `COPY --from` an image, ADD of a download and ADD
///   of a file that may be an archive merge what they name into the destination.
/// - A RUN is a sequence of operations, split at `&&` where running the parts as separate RUNs
///   cannot change the outcome (see `groups(of:)`). An operation's identity is its text, the shell,
///   the environment it sees (ENV and valued ARGs), the working folder, the user, the RUN's flags
///   and mounts, and the identities at every path it reads, including the folder of every path it
///   writes. Splitting or merging RUNs at such an `&&` therefore keeps every identity, while moving
///   an operation across a write it reads does not. An operation `CommandAnalyzer` cannot follow,
///   or whose effects depend on a working folder or user that is not known, reads and writes
///   everything.
/// - RUN operations and VOLUME merge into what they write: the path's new identity is the
///   writer's composed with the previous one, so the order of writers at a path counts.
/// - A stage built on another stage starts from that stage's final map and configuration, after
///   one operation for the base stage's ONBUILD triggers.
///
/// Two assumptions go beyond the files: a base image's own user is root (true of nearly every
/// image; it decides who owns WORKDIR folders and where `~` is), and the analyser's account of a
/// command it recognises is complete (`npm ci` reads its manifests, not the scripts they name).
///
/// Every RUN operation is also compared as a multiset, even when it writes nothing: a RUN that now
/// sees different inputs may fail or print something else. Differences are listed configuration
/// first, then RUN operations, then paths, stage by stage in file order.
enum ImageEquivalence {
  /// Whether the two files build the same image, and if not, the first few reasons.
  struct Verdict: Hashable, Sendable {
    var isSame: Bool
    /// Human-readable reasons, most important first; empty when `isSame`.
    var differences: [String]
  }

  /// How many differences a verdict lists before it summarises the rest.
  static let differenceLimit = 10

  /// Compares the image `proposed` builds with the one `original` builds.
  ///
  /// - Parameters:
  ///   - file: The display name both files are parsed under.
  ///   - contextFiles: The build context's files after the ignore file, relative to its root.
  ///   - buildArgs: The `--build-arg` values.
  ///   - target: The stage built; nil builds the last one.
  static func check(
    original: [UInt8], proposed: [UInt8], file: String, contextFiles: [String],
    buildArgs: [String: String] = [:], target: String? = nil
  ) -> Verdict {
    var checker = Checker(
      original: original, file: file, contextFiles: contextFiles, buildArgs: buildArgs,
      target: target)
    return checker.check(proposed)
  }

  /// A file the caller has parsed and modelled already, with the same build arguments: the
  /// reorderer's model of each text, which the checker would otherwise make again (the parse
  /// and the model of both files were 0.45 of a six-line check's 1.55 million instructions).
  /// The parser is shared anyway; what keeps the checker independent of the reorderer is its
  /// own reading of the model.
  struct Model {
    var dockerfile: Dockerfile
    var diagnostics: [Diagnostic]
  }

  /// Checks any number of proposals against one original, which is evaluated once: the
  /// reorderer checks several candidates and then the merged RUNs against the same file.
  struct Checker {
    let original: [UInt8]
    private let target: String?
    private var evaluator: Evaluator
    private let before: Evaluation

    /// `model`, when given, is `original` parsed and modelled with `buildArgs`.
    init(
      original: [UInt8], file: String, contextFiles: [String], buildArgs: [String: String] = [:],
      target: String? = nil, model: Model? = nil
    ) {
      self.original = original
      self.target = target
      evaluator = Evaluator(
        context: BuildContext(paths: contextFiles).files, file: file, buildArgs: buildArgs)
      before = evaluator.evaluate(original, model: model, target: target)
    }

    /// Every proposal is numbered in the same identity table as the original. `model`, when
    /// given, is `proposed` parsed and modelled with the checker's build arguments.
    mutating func check(_ proposed: [UInt8], model: Model? = nil) -> Verdict {
      let after = evaluator.evaluate(proposed, model: model, target: target)
      var differences =
        before.failures.map { "original: \($0)" } + after.failures.map { "proposal: \($0)" }
      if differences.isEmpty { differences = compare(before, after) }
      if differences.count > differenceLimit {
        let hidden = differences.count - differenceLimit
        differences = Array(differences.prefix(differenceLimit))
        differences.append("and \(hidden) more difference\(hidden == 1 ? "" : "s")")
      }
      return Verdict(isSame: differences.isEmpty, differences: differences)
    }
  }
}

// MARK: - Identities

/// One fact an identity is made of: a kind, some texts and the identities it depends on.
private struct IdentityNode: Hashable {
  var kind: String
  var texts: [String]
  var children: [Int]
}

/// Numbers each distinct `IdentityNode`. Both builds share one table, so equal histories get
/// equal numbers, and comparing two identities is comparing two integers.
private struct IdentityTable {
  private var numbers: [IdentityNode: Int] = [:]

  /// The number of the node; 0 is never given out and means "nothing".
  mutating func intern(_ kind: String, _ texts: [String] = [], _ children: [Int] = []) -> Int {
    let node = IdentityNode(kind: kind, texts: texts, children: children)
    if let number = numbers[node] { return number }
    let number = numbers.count + 1
    numbers[node] = number
    return number
  }
}

/// A configuration value: its text and, when the text is not known statically, the identity of
/// what it depends on (0 when it is known).
private struct Setting: Hashable {
  var text: String
  var dependency: Int = 0
}

// MARK: - Filesystem

/// An instruction, or one operation of a RUN, as messages name it. Only a failed check prints
/// one, so the text is abbreviated when it is read: the abbreviation, made for every write of
/// both files, took 0.1 million instructions of a suggest whose check passed.
private struct Writer: Hashable, CustomStringConvertible {
  /// What goes before the quoted text: `RUN ` for an operation, `the ONBUILD triggers of `.
  private var lead: String
  /// The instruction's or operation's text, as written.
  private var quoted: String
  var line: Int

  init(lead: String = "", quoting quoted: String, line: Int) {
    (self.lead, self.quoted, self.line) = (lead, quoted, line)
  }

  /// One line, abbreviated: `RUN npm ci`, `COPY . .`.
  var text: String { lead + Evaluator.abbreviated(quoted) }

  /// The same writer, named with `lead` before what it was named.
  func led(by lead: String) -> Writer {
    Writer(lead: lead + self.lead, quoting: quoted, line: line)
  }

  var description: String { "\(text) (line \(line))" }

  // Writers are the same when messages show them the same.
  static func == (a: Writer, b: Writer) -> Bool { a.line == b.line && a.text == b.text }

  func hash(into hasher: inout Hasher) {
    hasher.combine(line)
    hasher.combine(text)
  }
}

/// The last writer of every path a build wrote, as the identity of the path's history.
private struct FileSystem {
  /// What is known about one path.
  struct Entry: Hashable {
    /// Whether the identity also covers everything under the path that has no entry of its own.
    var isRecursive: Bool
    var identity: Int
    /// The instruction that wrote it last, for messages.
    var writer: Writer
    /// Whether the last write replaced it with a copied file (so it is not a folder).
    var isCopiedFile = false
  }

  /// Keys are clean absolute paths. The root always has a recursive entry: the base.
  private(set) var entries: [String: Entry]
  /// Every strict ancestor of a key of `entries`: folders that exist because something was
  /// written under them.
  private var folders: Set<String> = []
  /// The root's identity when the stage started: a path covered only by it is as the base has it.
  let origin: Int

  init(root: Int, writer: Writer) {
    entries = ["/": Entry(isRecursive: true, identity: root, writer: writer)]
    origin = root
  }

  /// A stage's start from another stage's final files.
  init(continuing base: FileSystem) {
    entries = base.entries
    folders = base.folders
    origin = base.entries["/"]?.identity ?? 0
  }

  /// The strict ancestors of a clean absolute path, root first.
  static func ancestors(of path: String) -> [String] {
    guard path != "/" else { return [] }
    var result = ["/"]
    let bytes = path.utf8
    for index in bytes.indices.dropFirst() where bytes[index] == UInt8(ascii: "/") {
      result.append(String(path[..<index]))
    }
    return result
  }

  /// The paths with an entry strictly under `path`.
  func descendants(of path: String) -> [String] {
    guard folders.contains(path) else { return [] }
    let prefix = path == "/" ? "/" : path + "/"
    return entries.keys.filter { $0 != path && $0.hasPrefix(prefix) }
  }

  /// The identity that covers `path` from above: the deepest recursive strict ancestor's.
  func cover(of path: String) -> Int {
    for ancestor in Self.ancestors(of: path).reversed() {
      if let entry = entries[ancestor], entry.isRecursive { return entry.identity }
    }
    return 0
  }

  /// Whether this build wrote nothing at or under `path` and nothing over it since the stage
  /// started, other than copying a file to the path itself: what is there is what the base has,
  /// or a copied file.
  func isUntouchedOrCopiedFile(_ path: String) -> Bool {
    if let entry = entries[path], entry.isRecursive || !entry.isCopiedFile { return false }
    return !folders.contains(path) && cover(of: path) == origin
  }

  private mutating func set(_ path: String, _ entry: Entry) {
    if entries.updateValue(entry, forKey: path) == nil {
      for ancestor in Self.ancestors(of: path) { folders.insert(ancestor) }
    }
  }

  /// Records a write. A replacing write (a copied file; never recursive) makes the path's
  /// identity the writer's; a merging one (RUN, WORKDIR, VOLUME, a copy into a folder) composes
  /// the writer with what was there, and a recursive merge does so for everything under the path
  /// too.
  mutating func write(
    _ path: String, isRecursive: Bool, identity: Int, replaces: Bool, writer: Writer,
    table: inout IdentityTable
  ) {
    let above = cover(of: path)
    if isRecursive {
      for descendant in descendants(of: path) {
        guard var entry = entries[descendant] else { continue }
        entry.identity = table.intern("then", [], [identity, entry.identity])
        entry.writer = writer
        entry.isCopiedFile = false
        set(descendant, entry)
      }
      var previous = above
      if let existing = entries[path] {
        previous =
          existing.isRecursive
          ? existing.identity : table.intern("with", [], [existing.identity, above])
      }
      let composed = table.intern("then", [], [identity, previous])
      set(path, Entry(isRecursive: true, identity: composed, writer: writer))
    } else if let existing = entries[path] {
      // A recursive entry cannot be split into the path and what is under it: compose both.
      let replacing = replaces && !existing.isRecursive
      let composed = replacing ? identity : table.intern("then", [], [identity, existing.identity])
      set(
        path,
        Entry(
          isRecursive: existing.isRecursive, identity: composed, writer: writer,
          isCopiedFile: replacing))
    } else {
      let composed = replaces ? identity : table.intern("then", [], [identity, above])
      set(
        path, Entry(isRecursive: false, identity: composed, writer: writer, isCopiedFile: replaces))
    }
  }

  /// `mkdir -p` as COPY (for the folders above what it writes) and WORKDIR do it: a folder this
  /// build already wrote at or under exists and is left alone; any other may come from the base
  /// or from this write, so its history gains `identity` (a folder and its owner, the same for
  /// both instructions, so it does not matter which of them creates it).
  mutating func createFolder(
    _ folder: String, identity: Int, writer: Writer, table: inout IdentityTable
  ) {
    guard folder != "/", !folders.contains(folder) else { return }
    if let entry = entries[folder], !entry.isCopiedFile { return }
    write(
      folder, isRecursive: false, identity: identity, replaces: false, writer: writer, table: &table
    )
  }

  /// `createFolder` for every folder above `path`.
  mutating func createFolders(
    above path: String, identity: Int, writer: Writer, table: inout IdentityTable
  ) {
    for folder in Self.ancestors(of: path) {
      createFolder(folder, identity: identity, writer: writer, table: &table)
    }
  }

  /// The identity of everything a read of `path` can see: the entries at the path and at each of
  /// its ancestors, and for a recursive read every entry under it.
  func reads(_ path: String, isRecursive: Bool, table: inout IdentityTable) -> Int {
    // Ancestors come root first; descendants in any fixed order will do.
    var seen = Self.ancestors(of: path) + [path]
    if isRecursive { seen += descendants(of: path).sorted() }
    var paths: [String] = []
    var identities: [Int] = []
    for key in seen {
      guard let entry = entries[key] else { continue }
      paths.append(key + (entry.isRecursive ? "/**" : ""))
      identities.append(entry.identity)
    }
    return table.intern("reads", paths, identities)
  }
}

// MARK: - Image configuration

/// The image configuration a stage ends with. Nil means "as the base image has it".
private struct ImageConfig: Hashable {
  var environment: [String: Setting] = [:]
  var workdir: Setting?
  var user: Setting?
  var shell: [String]?
  var cmd: Setting?
  var entrypoint: Setting?
  var labels: [String: Setting] = [:]
  var ports: Set<Setting> = []
  var volumes: Set<Setting> = []
  var healthcheck: String?
  var stopSignal: Setting?
  var onbuild: [String] = []
  var maintainer: String?
}

/// Everything one stage has built so far.
private struct StageState {
  var config = ImageConfig()
  var files: FileSystem
  /// ARG values in effect (RUN sees them; the image configuration does not keep them).
  var arguments: [String: Setting] = [:]
  /// The working folder when it is known as an absolute path.
  var workdir: String?
  /// The identity of the base: what the base image's own environment, working folder, user and
  /// shell depend on.
  var base: Int
  /// Whether this stage has set CMD (an ENTRYPOINT then keeps it).
  var isCommandSet = false
  /// Every RUN operation's identity, with the operations that had it, in file order.
  var runs: [Int: [Writer]] = [:]
  /// The stages this one uses: its base, `COPY --from` and `RUN --mount=from=` sources.
  var references: Set<Int> = []
}

/// One stage of one evaluated file.
private struct StageOutcome {
  /// The name BuildKit matches (`--from=name`), else the stage's index.
  var key: String
  var displayName: String
  var state: StageState
}

/// One evaluated file.
private struct Evaluation {
  var stages: [StageOutcome] = []
  /// The stage built and every stage it reaches, in file order.
  var reached: [Int] = []
  var target: Int?
  /// Why the file does not build, or why the model cannot follow it.
  var failures: [String] = []
}

// MARK: - Evaluation

/// Folds each file's instructions into stage states, numbering identities in one shared table.
private struct Evaluator {
  var table = IdentityTable()
  let context: [String]
  let file: String
  let buildArgs: [String: String]
  /// The file being evaluated and its stages so far.
  var dockerfile = Dockerfile(globalArgs: [], stages: [], directives: [], escapeToken: 0)
  var done: [StageState] = []
  /// The stage being evaluated.
  var state = StageState(files: FileSystem(root: 0, writer: Writer(quoting: "", line: 0)), base: 0)
  var failures: [String] = []
  /// The identity of every context file together, for a source planner cannot resolve.
  var wholeContextIdentity = 0

  init(context: [String], file: String, buildArgs: [String: String]) {
    self.context = context
    self.file = file
    self.buildArgs = buildArgs
  }

  mutating func evaluate(
    _ bytes: [UInt8], model given: ImageEquivalence.Model? = nil, target: String?
  ) -> Evaluation {
    let model: ImageEquivalence.Model
    if let given {
      model = given
    } else {
      switch DockerfileParser(file: file).parse(bytes) {
      case .success(let tree):
        let (built, diagnostics) = Dockerfile.build(from: tree, file: file, buildArgs: buildArgs)
        model = .init(dockerfile: built, diagnostics: diagnostics)
      case .failure(let failure):
        return Evaluation(failures: [failure.diagnostic.description])
      }
    }
    let (built, diagnostics) = (model.dockerfile, model.diagnostics)
    let errors = diagnostics.filter { $0.severity == .error }.map(\.description)
    guard errors.isEmpty else { return Evaluation(failures: errors) }
    dockerfile = built
    done = []
    failures = []
    wholeContextIdentity = table.intern("context", context)

    let targetIndex: Int?
    if let target {
      let name = target.lowercased()
      targetIndex = built.stages.first { $0.name == name }?.index
      if targetIndex == nil { failures.append("target stage '\(target)' is not in the file") }
    } else {
      targetIndex = built.stages.indices.last
    }
    for stage in built.stages { evaluateStage(stage) }

    var evaluation = Evaluation(target: targetIndex, failures: failures)
    let names = built.stages.compactMap(\.name)
    for (index, stage) in built.stages.enumerated() where done.indices.contains(index) {
      var key = stage.name ?? "#\(index)"
      if let name = stage.name, names.filter({ $0 == name }).count > 1 { key += "#\(index)" }
      evaluation.stages.append(
        StageOutcome(key: key, displayName: stage.displayName, state: done[index]))
    }
    if let targetIndex, done.indices.contains(targetIndex) {
      var reached: Set<Int> = [targetIndex]
      var pending = [targetIndex]
      while let next = pending.popLast() {
        for reference in done[next].references.sorted()
        where done.indices.contains(reference) && !reached.contains(reference) {
          reached.insert(reference)
          pending.append(reference)
        }
      }
      evaluation.reached = reached.sorted()
    }
    return evaluation
  }

  // MARK: Stages

  mutating func evaluateStage(_ stage: Dockerfile.Stage) {
    let fromDescription = describe(stage.from)
    if let base = stage.baseStage, done.indices.contains(base) {
      state = done[base]
      state.files = FileSystem(continuing: done[base].files)
      state.runs = [:]
      state.references = [base]
      state.isCommandSet = false
      runTriggers(of: base, writer: fromDescription)
    } else {
      let image = stage.baseImage
      let platform = stage.platform
      let root = table.intern(
        "image",
        [
          image.raw, image.expanded ?? "?", platform?.raw ?? "", platform?.expanded ?? "?",
        ] + dockerfile.globalArgs.map(\.original))
      state = StageState(files: FileSystem(root: root, writer: fromDescription), base: root)
      if image.expanded == "scratch" { state.workdir = "/" }
    }
    for instruction in stage.instructions { apply(instruction) }
    done.append(state)
  }

  /// BuildKit runs the base stage's ONBUILD triggers first. They are one operation that reads
  /// and writes everything: the same in both files whenever the base stage is.
  mutating func runTriggers(of base: Int, writer: Writer) {
    let triggers = state.config.onbuild
    guard !triggers.isEmpty else { return }
    var children = [
      state.files.reads("/", isRecursive: true, table: &table), environmentIdentity(),
    ]
    for instruction in dockerfile.stages[base].instructions {
      guard case .onbuild(let onbuild) = instruction.kind, let trigger = onbuild.trigger else {
        continue
      }
      var froms: [String] = []
      switch trigger.kind {
      case .copy(let copy), .add(let copy): froms += copy.from.map { [$0] } ?? []
      case .run(let run):
        froms += run.mounts.compactMap { $0.fields.last { $0.key == "from" }?.value?.raw }
      default: break
      }
      for from in froms {
        guard let index = stageIndex(named: from), done.indices.contains(index) else { continue }
        state.references.insert(index)
        let source = done[index].files
        children.append(source.reads("/", isRecursive: true, table: &table))
      }
    }
    let identity = table.intern("onbuild", triggers, children)
    let description = writer.led(by: "the ONBUILD triggers of ")
    state.runs[identity, default: []].append(description)
    state.files.write(
      "/", isRecursive: true, identity: identity, replaces: false, writer: description,
      table: &table)
    state.base = table.intern("triggered", [], [state.base, identity])
    state.config.onbuild = []
  }

  /// Whether an ARG before the first FROM gives `name` a value a stage's `ARG name` inherits.
  func hasGlobalValue(_ name: String) -> Bool {
    dockerfile.globalArgs.contains { instruction in
      guard case .arg(let args) = instruction.kind else { return false }
      return args.contains { $0.name == name && $0.value != .unset }
    }
  }

  /// The stage a `--from` names: a stage name (any case) or an index.
  func stageIndex(named from: String) -> Int? {
    if let index = Int(from) { return dockerfile.stages.indices.contains(index) ? index : nil }
    let name = from.lowercased()
    return dockerfile.stages.last { $0.name == name }?.index
  }

  // MARK: Instructions

  mutating func apply(_ instruction: Instruction) {
    switch instruction.kind {
    case .from:
      break
    case .run(let run):
      applyRun(run, instruction)
    case .copy(let copy):
      applyCopy(copy, isAdd: false, instruction)
    case .add(let copy):
      applyCopy(copy, isAdd: true, instruction)
    case .cmd(let line):
      state.config.cmd = commandSetting(line)
      state.isCommandSet = true
    case .entrypoint(let line):
      state.config.entrypoint = commandSetting(line)
      // BuildKit's `dispatchEntrypoint`: a CMD this stage did not set is dropped.
      if !state.isCommandSet { state.config.cmd = Setting(text: "none (reset by ENTRYPOINT)") }
    case .shell(let words):
      state.config.shell = words
    case .env(let pairs):
      // BuildKit expands every pair with the environment before the instruction.
      let before = environmentIdentity()
      for pair in pairs {
        let key = pair.key.expanded ?? "?\(pair.key.raw)"
        state.config.environment[key] = setting(pair.value, before: before)
      }
    case .label(let pairs):
      let before = environmentIdentity()
      for pair in pairs {
        let key = pair.key.expanded ?? "?\(pair.key.raw)"
        state.config.labels[key] = setting(pair.value, before: before)
      }
    case .arg(let args):
      for arg in args {
        // BuildKit's `dispatchArg` gives a RUN the variable only when it has a value: a default,
        // a build argument or a global value. The model's `.unknown` also covers a name the base
        // image might set, which an ARG without a value leaves as it is.
        if arg.defaultValue == nil, buildArgs[arg.name] == nil, !hasGlobalValue(arg.name) {
          continue
        }
        switch arg.value {
        case .known(let value): state.arguments[arg.name] = Setting(text: value)
        case .unset: state.arguments[arg.name] = nil
        case .unknown:
          let raw = arg.defaultValue?.raw ?? ""
          state.arguments[arg.name] = Setting(
            text: raw,
            dependency: table.intern("argument", [arg.name, raw], [environmentIdentity()]))
        }
      }
    case .expose(let ports):
      let before = environmentIdentity()
      for port in ports {
        if let words = port.expanded {
          for word in words { state.config.ports.insert(Setting(text: Self.normalizedPort(word))) }
        } else {
          state.config.ports.insert(
            Setting(text: port.raw, dependency: table.intern("unresolved", [port.raw], [before])))
        }
      }
    case .healthcheck(let check):
      var text = Self.rendered(check.test)
      let options: [(String, String?)] = [
        ("interval", check.interval.map { "\($0)" }), ("timeout", check.timeout.map { "\($0)" }),
        ("start-period", check.startPeriod.map { "\($0)" }),
        ("start-interval", check.startInterval.map { "\($0)" }),
        ("retries", check.retries.map { "\($0)" }),
      ]
      for case (let name, let value?) in options { text += " --\(name)=\(value)" }
      state.config.healthcheck = text
    case .onbuild(let onbuild):
      state.config.onbuild.append(onbuild.expression)
    case .stopsignal(let value):
      state.config.stopSignal = setting(value, before: environmentIdentity())
    case .user(let value):
      state.config.user = setting(value, before: environmentIdentity())
    case .volume(let values):
      applyVolume(values, instruction)
    case .workdir(let value):
      applyWorkdir(value, instruction)
    case .maintainer(let text):
      state.config.maintainer = text
    case .unknown(let keyword):
      let line = instruction.range.start.line
      failures.append("unknown instruction '\(keyword)' (line \(line)): BuildKit fails the build")
    }
  }

  mutating func applyWorkdir(_ value: Instruction.Expandable, _ instruction: Instruction) {
    let writer = describe(instruction)
    let user = state.config.user ?? Setting(text: "", dependency: state.base)
    guard let path = absolutePath(value.expanded) else {
      // A folder planner cannot place: it may be anywhere.
      let dependency = table.intern("unresolved", [value.raw], [environmentIdentity()])
      state.workdir = nil
      state.config.workdir = Setting(text: value.raw, dependency: dependency)
      let identity = table.intern(
        "workdir", [value.raw, user.text], [dependency, user.dependency])
      state.files.write(
        "/", isRecursive: true, identity: identity, replaces: false, writer: writer, table: &table)
      return
    }
    state.workdir = path
    state.config.workdir = Setting(text: path)
    // BuildKit's mkdir: 0755, parents included, owned by the current user.
    let folder = folderIdentity(owner: state.config.user)
    state.files.createFolders(above: path, identity: folder, writer: writer, table: &table)
    state.files.createFolder(path, identity: folder, writer: writer, table: &table)
  }

  /// A folder created with mode 0755 for `owner`: a USER (WORKDIR) or a `--chown` (COPY). No
  /// owner means root, as for a base image's own user; root's spellings are one owner.
  mutating func folderIdentity(owner: Setting?) -> Int {
    let owner = owner ?? Setting(text: "root")
    let isRoot =
      owner.dependency == 0 && ["", "root", "0", "root:root", "0:0"].contains(owner.text)
    return isRoot
      ? table.intern("folder", ["root"]) : table.intern("folder", [owner.text], [owner.dependency])
  }

  mutating func applyVolume(_ values: [Instruction.Expandable], _ instruction: Instruction) {
    let writer = describe(instruction)
    let before = environmentIdentity()
    for value in values {
      let volume = setting(value, before: before)
      state.config.volumes.insert(volume)
      let identity = table.intern("volume", [volume.text], [volume.dependency])
      let path = absolutePath(value.expanded) ?? "/"
      state.files.write(
        path, isRecursive: true, identity: identity, replaces: false, writer: writer, table: &table)
    }
  }

  // MARK: RUN

  mutating func applyRun(_ run: Instruction.Run, _ instruction: Instruction) {
    let line = instruction.range.start.line
    let shell =
      state.config.shell.map { Setting(text: Self.rendered($0)) }
      ?? Setting(text: "(base image shell)", dependency: state.base)
    let user = state.config.user ?? Setting(text: "(base image user)", dependency: state.base)
    let workdir =
      state.workdir.map { Setting(text: $0) }
      ?? state.config.workdir ?? Setting(text: "(base image folder)", dependency: state.base)
    var flags = [
      "network=\(run.network ?? "")", "security=\(run.security ?? "")",
    ]
    flags += run.devices.map { "device=\($0.name),\($0.isRequired)" }
    flags += run.mounts.map { "mount=\($0.raw)" }.sorted()
    // The ARGs the command may not read do not count (the reorderer's assumption too).
    let text = run.command.arguments.joined(separator: " ")
    let unread = Set(
      state.arguments.keys.filter {
        !CommandAnalyzer.mayRead(
          variable: $0, command: text, isExecForm: run.command.isExecForm)
      })
    var children = [
      environmentIdentity(excluding: unread), shell.dependency, user.dependency,
      workdir.dependency,
    ]
    for mount in run.mounts { children.append(mountIdentity(mount)) }

    for operation in operations(of: run.command) {
      var reads: [Int] = []
      for pattern in operation.reads {
        reads.append(state.files.reads(pattern.path, isRecursive: pattern.recursive, table: &table))
      }
      // A write needs its folder (`touch /out/app` fails without `/out`): it reads the parent.
      for pattern in operation.writes where pattern.path != "/" {
        let parent = FileSystem.ancestors(of: pattern.path).last ?? "/"
        reads.append(state.files.reads(parent, isRecursive: false, table: &table))
      }
      let identity = table.intern(
        "run",
        [operation.text, run.command.isExecForm ? "exec" : shell.text, workdir.text, user.text]
          + flags,
        children + reads)
      let writer = Writer(lead: "RUN ", quoting: operation.label, line: line)
      state.runs[identity, default: []].append(writer)
      for pattern in operation.writes {
        state.files.write(
          pattern.path, isRecursive: pattern.recursive, identity: identity, replaces: false,
          writer: writer, table: &table)
      }
    }
  }

  /// One operation of a RUN: its text and the clean absolute paths it reads and writes.
  struct Operation {
    /// What the identity holds: the command, here-document bodies included.
    var text: String
    /// What messages show.
    var label: String
    var reads: [(path: String, recursive: Bool)]
    var writes: [(path: String, recursive: Bool)]

    static func opaque(_ text: String, label: String? = nil) -> Operation {
      Operation(text: text, label: label ?? text, reads: [("/", true)], writes: [("/", true)])
    }
  }

  /// The operations of a RUN command, in order.
  mutating func operations(of command: Instruction.CommandLine) -> [Operation] {
    if command.isExecForm {
      let text = Self.rendered(command.arguments)
      // The analyser reads exec form as words joined by spaces: an argument with a blank or a
      // quote in it would be read as several.
      let isPlain = command.arguments.allSatisfy { argument in
        !argument.isEmpty && !argument.contains { $0.isWhitespace || "'\"\\".contains($0) }
      }
      guard isPlain else { return [.opaque(text)] }
      return [effects(of: command.arguments.joined(separator: " "), text: text, isExecForm: true)]
    }
    let line = command.arguments.joined(separator: " ")
    // A here-document is a script planner does not follow; another shell may not be POSIX.
    if !command.heredocs.isEmpty {
      let bodies = command.heredocs.map { heredoc in
        let name = String(decoding: heredoc.name, as: UTF8.self)
        let content = String(decoding: heredoc.content, as: UTF8.self)
        let opening = "\(heredoc.fileDescriptor)<<\(heredoc.chomp ? "-" : "")\(name)"
        return "\(opening) \(heredoc.expand)\n\(content)"
      }
      return [.opaque(([line] + bodies).joined(separator: "\n"), label: line)]
    }
    if let shell = state.config.shell, !Self.isPosixShell(shell) { return [.opaque(line)] }
    return Self.groups(of: line).map { effects(of: $0, text: $0, isExecForm: false) }
  }

  /// The command's parts, split where running them as separate RUNs changes nothing, and kept
  /// together elsewhere:
  /// - only at `&&`: after `||`, `|` or `;` the next part depends on how the previous one ended;
  /// - not before a later `||` or `;`: the shell reads `a && b || c` as `(a && b) || c`, so `c`
  ///   would rescue a failing `a` that a RUN of its own cannot;
  /// - not after a part that changes the shell's state: what follows a `cd` or an `export`
  ///   depends on it, so everything from there to the end is one operation.
  static func groups(of line: String) -> [String] {
    let parts = CommandAnalyzer.split(line)
    // The last part with `||` or `;` after it: no split point before it.
    let lastRescue =
      parts.indices.last { parts[$0].separator == "||" || parts[$0].separator == ";" } ?? -1
    var groups: [String] = []
    var current = ""
    for (index, part) in parts.enumerated() {
      current += part.text
      if index == parts.count - 1 { break }
      if part.separator == "&&", index >= lastRescue,
        !CommandAnalyzer.analyze(current, workdir: "/").changesShellState
      {
        groups.append(current)
        current = ""
      } else {
        current += " \(part.separator) "
      }
    }
    if !current.isEmpty { groups.append(current) }
    return groups
  }

  /// The analyser's reads and writes for one operation, as clean absolute paths. When the working
  /// folder or the user is not known, the operation is analysed twice, with different guesses:
  /// if the results differ it depends on them, and it is treated as reading and writing
  /// everything. A base image's own user counts as root, as it is for most images.
  mutating func effects(of command: String, text: String, isExecForm: Bool) -> Operation {
    var environment: [String: String] = [:]
    for (name, value) in state.arguments where value.dependency == 0 {
      environment[name] = value.text
    }
    for (name, value) in state.config.environment where value.dependency == 0 {
      environment[name] = value.text
    }
    // `CommandAnalyzer.words` splits at a blank inside double quotes, so `touch "/a b"` would
    // read as two paths: not followed until it keeps such a word whole.
    if Self.hasBlankInDoubleQuotes(command) { return .opaque(text) }
    let user = state.config.user
    let isUserKnown = user.map { $0.dependency == 0 } ?? true
    func analyzed(_ workdir: String, _ user: String?) -> CommandEffects {
      CommandAnalyzer.analyze(
        command, isExecForm: isExecForm, workdir: workdir, user: user, environment: environment)
    }
    let effects = analyzed(state.workdir ?? "/", isUserKnown ? user?.text : nil)
    if state.workdir == nil || !isUserKnown {
      let other = analyzed(
        state.workdir ?? "/planner-unknown-folder",
        isUserKnown ? user?.text : "planner-unknown-user")
      guard effects.reads == other.reads, effects.writes == other.writes,
        effects.isOpaque == other.isOpaque
      else { return .opaque(text) }
    }
    if effects.isOpaque { return .opaque(text) }
    let base = state.workdir ?? "/"
    return Operation(
      text: text, label: text,
      reads: effects.reads.map { (ImagePath.resolve($0.path, against: base), $0.recursive) },
      writes: effects.writes.map { (ImagePath.resolve($0.path, against: base), $0.recursive) })
  }

  /// What a mount brings in beyond its flag text: the files it binds.
  mutating func mountIdentity(_ mount: Instruction.Mount) -> Int {
    guard let options = mount.options else {
      // Not known statically: it may bind any context file or any stage.
      var children = [wholeContextIdentity]
      for index in done.indices {
        let files = done[index].files
        children.append(files.reads("/", isRecursive: true, table: &table))
      }
      return table.intern("mount", [mount.raw], children + [environmentIdentity()])
    }
    guard options.type == "bind" else { return table.intern("mount", [mount.raw]) }
    let source = options.source ?? ""
    if let index = mount.fromStage, done.indices.contains(index) {
      state.references.insert(index)
      let files = done[index].files
      let path = ImagePath.resolve(
        SourceSelection.literalDirectory(of: source + "/x"), against: "/")
      return table.intern(
        "mount", [mount.raw], [files.reads(path, isRecursive: true, table: &table)])
    }
    if options.from != nil { return table.intern("mount", [mount.raw]) }
    guard let reader = try? SourceSelection.Reader(source: source) else {
      return table.intern("mount", [mount.raw], [wholeContextIdentity])
    }
    return table.intern("mount", [mount.raw] + context.filter(reader.reads))
  }

  // MARK: COPY and ADD

  /// Where a COPY or ADD writes: an absolute path, and whether it names a folder.
  struct Destination {
    var path: String
    var isFolder: Bool
  }

  mutating func applyCopy(_ copy: Instruction.Copy, isAdd: Bool, _ instruction: Instruction) {
    let writer = describe(instruction)
    let before = environmentIdentity()
    let chown = copy.chown.map { setting($0, before: before) } ?? Setting(text: "")
    let flags = [
      isAdd ? "add" : "copy", "chown=\(chown.text)", "chmod=\(copy.chmod ?? "")",
    ]
    guard let destination = destination(copy.destination) else {
      // A destination planner cannot place may be anywhere, with any of the sources.
      var children = [before, chown.dependency, wholeContextIdentity]
      if let index = copy.fromStage, done.indices.contains(index) {
        state.references.insert(index)
        let files = done[index].files
        children.append(files.reads("/", isRecursive: true, table: &table))
      }
      let identity = table.intern("copy", flags + [instruction.original], children)
      state.files.write(
        "/", isRecursive: true, identity: identity, replaces: false, writer: writer, table: &table)
      return
    }

    var writes: [(path: String, recursive: Bool, identity: Int, replaces: Bool)] = []
    if let from = copy.from {
      // From a stage or an image: the files are not listed, so the copy merges into the folder.
      for source in copy.sources {
        let identity: Int
        if let index = copy.fromStage, done.indices.contains(index) {
          state.references.insert(index)
          let files = done[index].files
          let path =
            source.expanded.map {
              ImagePath.resolve(SourceSelection.literalDirectory(of: $0 + "/x"), against: "/")
            } ?? "/"
          identity = table.intern(
            "copy-from-stage",
            flags + [
              dockerfile.stages[index].displayName, source.raw, path, "\(copy.parents)",
            ] + copy.exclude,
            [files.reads(path, isRecursive: true, table: &table), chown.dependency])
        } else {
          identity = table.intern(
            "copy-from-image", flags + [from, source.raw, source.expanded ?? "?"] + copy.exclude,
            [chown.dependency, before])
        }
        writes.append((destination.path, true, identity, false))
      }
    } else {
      var placed: [Placement] = []
      for source in copy.sources {
        guard let value = source.expanded else {
          let identity = table.intern(
            "copy-unresolved", flags + [source.raw],
            [wholeContextIdentity, before, chown.dependency])
          writes.append((destination.path, true, identity, false))
          continue
        }
        if isAdd, ContextSteps.isRemote(value) {
          let identity = table.intern(
            "download",
            flags + [
              value, copy.checksum?.expanded ?? copy.checksum?.raw ?? "",
              "\(copy.keepGitDir.map { "\($0)" } ?? "")", "\(copy.unpack.map { "\($0)" } ?? "")",
            ],
            [chown.dependency])
          writes.append((destination.path, true, identity, false))
          continue
        }
        switch Self.placements(
          of: value, parents: copy.parents, excludes: copy.exclude, in: context)
        {
        case .success(let found): placed += found
        case .failure(let failure):
          failures.append("\(failure.message) (line \(instruction.range.start.line))")
        }
      }
      let isFolder = destination.isFolder || placed.count + copy.inlineSources.count > 1
      // Into a path without a trailing `/`, a folder already there takes the file under its base
      // name: unless the path is as the base has it, the file depends on what is there.
      let copiesAFile =
        placed.contains { $0.relative == nil } || !copy.inlineSources.isEmpty
      var shape = 0
      if !isFolder, copiesAFile, !state.files.isUntouchedOrCopiedFile(destination.path) {
        shape = state.files.reads(destination.path, isRecursive: true, table: &table)
      }
      for placement in placed {
        let target: String
        if let relative = placement.relative {
          target = Self.joined(destination.path, relative)
        } else if isFolder {
          let name = placement.contextPath.split(separator: "/").last.map(String.init) ?? ""
          target = Self.joined(destination.path, name)
        } else {
          target = destination.path
        }
        let identity = table.intern(
          "file", flags + [placement.contextPath], [chown.dependency, shape])
        writes.append((target, false, identity, true))
        // ADD unpacks a local archive (found by its content) into the destination.
        if isAdd, placement.relative == nil, copy.unpack != false {
          let unpacked = table.intern(
            "unpack", flags + [placement.contextPath], [chown.dependency])
          writes.append((destination.path, true, unpacked, false))
        }
      }
      for inline in copy.inlineSources {
        let target =
          isFolder ? ImagePath.resolve(inline.name, against: destination.path) : destination.path
        let identity = table.intern(
          "inline", flags + [inline.name, inline.content, "\(inline.expands)"],
          [chown.dependency, inline.expands ? before : 0, shape])
        writes.append((target, false, identity, true))
      }
    }
    let folders = folderIdentity(owner: copy.chown == nil ? nil : chown)
    for write in writes {
      state.files.createFolders(above: write.path, identity: folders, writer: writer, table: &table)
      state.files.write(
        write.path, isRecursive: write.recursive, identity: write.identity,
        replaces: write.replaces, writer: writer, table: &table)
    }
  }

  /// A COPY destination as BuildKit resolves it: relative to the working folder, a folder when
  /// it ends in `/` or is `.`. Nil when it cannot be placed statically.
  func destination(_ value: Instruction.Expandable) -> Destination? {
    guard let text = value.expanded, let path = absolutePath(text) else { return nil }
    let isFolder = text.hasSuffix("/") || text == "." || text.hasSuffix("/.") || text.isEmpty
    return Destination(path: path, isFolder: isFolder)
  }

  /// A path as an absolute, clean one, resolved against the working folder; nil when it is
  /// relative and the working folder is not known.
  func absolutePath(_ text: String?) -> String? {
    guard let text else { return nil }
    if text.hasPrefix("/") { return ImagePath.resolve(text, against: "/") }
    guard let workdir = state.workdir else { return nil }
    return ImagePath.resolve(text, against: workdir)
  }

  /// A context file a COPY source writes, and its path relative to the destination folder; nil
  /// when the source names the file itself (it goes to the destination, or under it with its base
  /// name when the destination is a folder).
  struct Placement {
    var contextPath: String
    var relative: String?
  }

  /// Why a COPY source fails.
  struct PlacementFailure: Error {
    var message: String
  }

  /// The context files one source copies, placed by BuildKit's rules (cache model §4).
  static func placements(
    of source: String, parents: Bool, excludes: [String], in context: [String]
  ) -> Result<[Placement], PlacementFailure> {
    let reader: SourceSelection.Reader
    do {
      reader = try SourceSelection.Reader(source: source, parents: parents, excludes: excludes)
    } catch {
      return .failure(PlacementFailure(message: "invalid pattern in COPY source '\(source)'"))
    }
    let path = reader.path
    if reader.isLiteral,
      !context.contains(where: { $0 == path || $0.hasPrefix(path + "/") })
    {
      return .failure(
        PlacementFailure(message: "'/\(path)' is not in the build context: BuildKit fails the step")
      )
    }
    let selected = context.filter(reader.reads)
    if parents {
      var base = ""
      if let pivot = source.firstByteRange(of: "/./") {
        base = BuildContext.relative(String(source[..<pivot.lowerBound]))
      }
      return .success(
        selected.map { file in
          let relative =
            base.isEmpty || !file.hasPrefix(base + "/")
            ? file : String(file.dropFirst(base.count + 1))
          return Placement(contextPath: file, relative: relative)
        })
    }
    if path.isEmpty {
      return .success(selected.map { Placement(contextPath: $0, relative: $0) })
    }
    if reader.isLiteral {
      return .success(
        selected.map { file in
          Placement(
            contextPath: file, relative: file == path ? nil : String(file.dropFirst(path.count + 1))
          )
        })
    }
    // A wildcard match on a folder copies that folder's contents.
    let depth = path.split(separator: "/").count
    return .success(
      selected.map { file in
        let parts = file.split(separator: "/")
        return Placement(
          contextPath: file,
          relative: parts.count <= depth ? nil : parts[depth...].joined(separator: "/"))
      })
  }

  // MARK: Values

  /// The identity of the environment a RUN sees: ENV and valued ARGs, on top of the base's.
  mutating func environmentIdentity(excluding unread: Set<String> = []) -> Int {
    var texts: [String] = []
    var children = [state.base]
    for (name, value) in state.config.environment.sorted(by: { $0.key < $1.key }) {
      texts.append("env \(name)=\(value.text)")
      children.append(value.dependency)
    }
    for (name, value) in state.arguments.sorted(by: { $0.key < $1.key })
    where !unread.contains(name) {
      texts.append("arg \(name)=\(value.text)")
      children.append(value.dependency)
    }
    return table.intern("environment", texts, children)
  }

  /// An expanded value, or its text with what it depends on when it is not known statically.
  mutating func setting(_ value: Instruction.Expandable, before environment: Int) -> Setting {
    if let expanded = value.expanded { return Setting(text: expanded) }
    return Setting(
      text: value.raw, dependency: table.intern("unresolved", [value.raw], [environment]))
  }

  /// CMD or ENTRYPOINT as the image stores it: the shell form gets the current shell in front.
  func commandSetting(_ line: Instruction.CommandLine) -> Setting {
    if line.isExecForm { return Setting(text: Self.rendered(line.arguments)) }
    let command = line.arguments.joined(separator: " ")
    guard let shell = state.config.shell else {
      return Setting(
        text: "(base image shell) " + Self.rendered([command]), dependency: state.base)
    }
    return Setting(text: Self.rendered(shell + [command]))
  }

  func describe(_ instruction: Instruction) -> Writer {
    Writer(quoting: instruction.original, line: instruction.range.start.line)
  }

  // MARK: Text helpers

  /// `text` on one line, runs of blanks as one space, cut to 60 characters.
  static func abbreviated(_ text: String) -> String {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    let line = words.joined(separator: " ")
    return line.count > 60 ? String(line.prefix(59)) + "…" : line
  }

  /// A JSON array of strings, as the image configuration shows it.
  static func rendered(_ words: [String]) -> String {
    let quoted = words.map { word in
      "\""
        + word.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
    return "[" + quoted.joined(separator: ", ") + "]"
  }

  /// A clean absolute folder and a clean relative path (a context file's, which the build
  /// context has cleaned) joined, without cleaning again.
  static func joined(_ folder: String, _ relative: String) -> String {
    if relative.isEmpty { return folder }
    return folder == "/" ? "/" + relative : folder + "/" + relative
  }

  /// EXPOSE's default protocol is tcp, and protocols compare in lower case.
  static func normalizedPort(_ word: String) -> String {
    let parts = word.split(separator: "/", maxSplits: 1)
    guard parts.count == 2 else { return word + "/tcp" }
    return "\(parts[0])/\(parts[1].lowercased())"
  }

  /// Whether a blank appears between double quotes (outside single quotes and escapes).
  static func hasBlankInDoubleQuotes(_ text: String) -> Bool {
    var quote: Character?
    var isEscaped = false
    for character in text {
      if isEscaped {
        isEscaped = false
        continue
      }
      switch (quote, character) {
      case ("'", "'"): quote = nil
      case ("'", _): continue
      case (_, "\\"): isEscaped = true
      case (nil, "'"): quote = "'"
      case (nil, "\""): quote = "\""
      case ("\"", "\""): quote = nil
      case ("\"", " "), ("\"", "\t"), ("\"", "\n"): return true
      default: continue
      }
    }
    return false
  }

  /// Shells whose command line `CommandAnalyzer` understands.
  static func isPosixShell(_ shell: [String]) -> Bool {
    guard let program = shell.first else { return false }
    let name = program.split(separator: "/").last.map(String.init) ?? program
    return ["sh", "bash", "dash", "ash", "zsh"].contains(name)
  }
}

// MARK: - Comparison

extension ImageEquivalence {
  fileprivate static func compare(_ original: Evaluation, _ proposal: Evaluation) -> [String] {
    var differences: [String] = []
    let originalKeys = original.reached.map { original.stages[$0].key }
    let proposedKeys = proposal.reached.map { proposal.stages[$0].key }
    guard let a = original.target, let b = proposal.target, original.stages.indices.contains(a),
      proposal.stages.indices.contains(b)
    else { return ["the target stage is not known"] }
    if original.stages[a].key != proposal.stages[b].key {
      differences.append(
        "the target stage was '\(original.stages[a].displayName)' and is now "
          + "'\(proposal.stages[b].displayName)'")
      return differences
    }
    if Set(originalKeys) != Set(proposedKeys) {
      differences.append(
        "the build used stages \(names(originalKeys)) and now uses \(names(proposedKeys))")
      return differences
    }
    for index in original.reached {
      let before = original.stages[index]
      guard let after = proposal.stages.first(where: { $0.key == before.key }) else { continue }
      differences += compare(before.state, after.state, stage: before.displayName)
    }
    return differences
  }

  private static func names(_ keys: [String]) -> String {
    keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
  }

  private static func compare(_ a: StageState, _ b: StageState, stage: String) -> [String] {
    var differences = compareConfig(a.config, b.config).map { "stage '\(stage)': \($0)" }

    // RUN operations that lost their match, paired by text where possible.
    var lost: [Writer] = []
    var gained: [Writer] = []
    for (identity, writers) in a.runs {
      lost += writers.dropFirst(b.runs[identity]?.count ?? 0)
    }
    for (identity, writers) in b.runs {
      gained += writers.dropFirst(a.runs[identity]?.count ?? 0)
    }
    let order = { (x: Writer, y: Writer) in (x.line, x.text) < (y.line, y.text) }
    lost.sort(by: order)
    gained.sort(by: order)
    var unmatched: [String] = []
    for writer in lost {
      if let index = gained.firstIndex(where: { $0.text == writer.text }) {
        unmatched.append(
          "\(writer) now runs (line \(gained[index].line)) with different files, variables or "
            + "settings")
        gained.remove(at: index)
      } else {
        unmatched.append("\(writer) no longer runs with the same files, variables and settings")
      }
    }
    unmatched += gained.map {
      "\($0) runs in the proposal with files, variables or settings no RUN of the original had"
    }
    differences += unmatched.map { "stage '\(stage)': \($0)" }

    let paths = Set(a.files.entries.keys).union(b.files.entries.keys).sorted()
    for path in paths {
      let before = a.files.entries[path]
      let after = b.files.entries[path]
      guard before?.identity != after?.identity || before?.isRecursive != after?.isRecursive else {
        continue
      }
      let message: String
      switch (before, after) {
      case (let before?, let after?) where before.writer == after.writer:
        message = "\(path) is last written by \(before.writer) in both, but from different inputs"
      case (let before?, let after?) where before.writer.text == after.writer.text:
        message =
          "\(path) is last written by \(before.writer.text) in both (line \(before.writer.line), "
          + "now line \(after.writer.line)), but from different inputs"
      case (let before?, let after?):
        message =
          "\(path) was last written by \(before.writer) and is now last written by \(after.writer)"
      case (let before?, nil):
        message = "\(path) was written by \(before.writer) and is no longer written"
      case (nil, let after?):
        message = "\(path) is now written by \(after.writer), which the original does not write"
      case (nil, nil):
        continue
      }
      differences.append("stage '\(stage)': \(message)")
    }

    return differences
  }

  private static func compareConfig(_ a: ImageConfig, _ b: ImageConfig) -> [String] {
    var differences: [String] = []
    func text(_ setting: Setting?) -> String {
      setting.map { "'\($0.text)'" } ?? "as in the base image"
    }
    func check(_ name: String, _ before: Setting?, _ after: Setting?) {
      guard before != after else { return }
      if before?.text == after?.text {
        differences.append("\(name) is \(text(before)) in both, but from different variables")
      } else {
        differences.append("\(name) was \(text(before)) and is now \(text(after))")
      }
    }
    func checkMap(_ name: String, _ before: [String: Setting], _ after: [String: Setting]) {
      for key in Set(before.keys).union(after.keys).sorted() {
        let was = before[key]
        let now = after[key]
        guard was != now else { continue }
        if was?.text == now?.text {
          differences.append("\(name) \(key) is \(text(was)) in both, but from different variables")
        } else {
          let before = was.map { "'\($0.text)'" } ?? "unset"
          let after = now.map { "'\($0.text)'" } ?? "unset"
          differences.append("\(name) \(key) was \(before) and is now \(after)")
        }
      }
    }
    func checkSet(_ name: String, _ before: Set<Setting>, _ after: Set<Setting>) {
      guard before != after else { return }
      let list = { (values: Set<Setting>) in
        "[" + values.map(\.text).sorted().joined(separator: ", ") + "]"
      }
      differences.append("\(name) was \(list(before)) and is now \(list(after))")
    }
    checkMap("ENV", a.environment, b.environment)
    check("WORKDIR", a.workdir, b.workdir)
    check("USER", a.user, b.user)
    check(
      "SHELL", a.shell.map { Setting(text: Evaluator.rendered($0)) },
      b.shell.map { Setting(text: Evaluator.rendered($0)) })
    check("CMD", a.cmd, b.cmd)
    check("ENTRYPOINT", a.entrypoint, b.entrypoint)
    checkMap("LABEL", a.labels, b.labels)
    checkSet("EXPOSE", a.ports, b.ports)
    checkSet("VOLUME", a.volumes, b.volumes)
    check(
      "HEALTHCHECK", a.healthcheck.map { Setting(text: $0) },
      b.healthcheck.map { Setting(text: $0) })
    check("STOPSIGNAL", a.stopSignal, b.stopSignal)
    if a.onbuild != b.onbuild {
      differences.append(
        "ONBUILD was \(Evaluator.rendered(a.onbuild)) and is now \(Evaluator.rendered(b.onbuild))")
    }
    check(
      "MAINTAINER", a.maintainer.map { Setting(text: $0) }, b.maintainer.map { Setting(text: $0) })
    return differences
  }
}
