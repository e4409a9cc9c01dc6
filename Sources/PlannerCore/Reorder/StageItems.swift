/// The instructions of one stage as the reorderer sees them: what each defines, uses, reads and
/// writes, so that `Constraints` can tell which pairs may swap.
///
/// A class, not a struct: the constraints and the search pass items around pair by pair, and a
/// copy of a reference is one count where a copy of the fields was a dozen. Set while
/// `StageItems.make` makes them, read only afterwards.
final class StageItem: @unchecked Sendable {
  /// The instruction's position among the stage's instructions (FROM excluded).
  var position: Int
  var instruction: Instruction
  /// The working folder the instruction starts in (`/` until a WORKDIR says otherwise).
  var workdir = "/"
  /// The variables it sets (ENV keys, ARG names).
  var defines: Set<String> = []
  /// The variables its text expands (`$NAME`, `${NAME…}`).
  var uses: Set<String> = []
  /// A RUN sees the whole environment, whatever its text says.
  var seesEnvironment = false
  /// What later instructions' meaning depends on, when this instruction sets it.
  var setsState: Set<State> = []
  /// The state its meaning depends on.
  var dependsOn: Set<State> = []
  /// Paths of the image's filesystem it reads and writes.
  var reads: [PathPattern] = []
  var writes: [Write] = []
  /// Nothing may cross it: it cannot be analysed.
  var barrier: String?
  /// For instructions where only the last one counts (CMD, ENTRYPOINT…): which setting.
  var configKey: String?
  /// Folders it creates when they are missing (WORKDIR, and COPY for the folders above what it
  /// writes), with the owner they get: the first creator decides who owns a folder.
  var createsFolders: [String: String] = [:]

  enum State: String, Hashable, Sendable {
    case workdir, user, shell
  }

  /// One written path, and where the bytes come from when they come from the build context (so
  /// that two copies of the same context file are known to write the same bytes).
  struct Write: Hashable, Sendable {
    var pattern: PathPattern
    var contextSource: String?
    /// `--chown` and `--chmod` of the COPY: same source and same attributes, same file.
    var attributes = ""
  }

  var keyword: String { instruction.kind.name }

  init(position: Int, instruction: Instruction, workdir: String) {
    self.position = position
    self.instruction = instruction
    self.workdir = workdir
  }
}

/// Builds the items of a stage from the typed model and the context's files.
enum StageItems {
  /// Items for every instruction of `stage`, in order. `contextFiles` are the files the context
  /// sends (context-relative, after the ignore file), used to know exactly which paths a COPY
  /// writes; `environment` the variables known statically when the stage starts.
  static func make(
    _ stage: Dockerfile.Stage, contextFiles: [String], environment start: [String: String] = [:]
  ) -> [StageItem] {
    make(stage, context: BuildContext(paths: contextFiles), environment: start)
  }

  /// The same, with the context already made (once for every stage of every candidate).
  static func make(
    _ stage: Dockerfile.Stage, context: BuildContext, environment start: [String: String] = [:]
  ) -> [StageItem] {
    var environment = start
    var workdir = "/"
    var user = ""
    var items: [StageItem] = []
    /// Folders known to exist: working folders and the parents of files written.
    var folders: Set<String> = ["/"]
    for (position, instruction) in stage.instructions.enumerated() {
      defer {
        if let last = items.last {
          for write in last.writes {
            var parent = write.pattern.path
            while !parent.isEmpty, let folder = parent.beforeLastSlash() {
              parent = folder
              folders.insert(parent.isEmpty ? "/" : parent)
            }
            if write.pattern.recursive { folders.insert(write.pattern.path) }
          }
          if case .workdir = last.instruction.kind { folders.insert(workdir) }
        }
      }
      let item = StageItem(position: position, instruction: instruction, workdir: workdir)
      item.uses = variables(in: instruction)
      switch instruction.kind {
      case .env(let pairs):
        for pair in pairs {
          let key = pair.key.expanded ?? pair.key.raw
          item.defines.insert(key)
          if let value = pair.value.expanded { environment[key] = value }
        }
      case .arg(let args):
        for arg in args {
          item.defines.insert(arg.name)
          if case .known(let value) = arg.value { environment[arg.name] = value }
        }
      case .workdir(let value):
        guard let path = value.expanded else {
          item.barrier = "WORKDIR \(value.raw) is not known statically"
          break
        }
        workdir = ImagePath.resolve(path, against: workdir)
        item.setsState = [.workdir]
        item.dependsOn = [.workdir, .user]
        item.writes = [.init(pattern: PathPattern(path: workdir, recursive: false))]
        for folder in StageItems.folders(of: workdir, including: true) {
          item.createsFolders[folder] = StageItems.owner(user)
        }
      case .user(let value):
        user = value.expanded ?? value.raw
        item.setsState = [.user]
      case .shell:
        item.setsState = [.shell]
      case .run(let run):
        item.seesEnvironment = true
        item.dependsOn = [.workdir, .user]
        if !run.command.isExecForm { item.dependsOn.insert(.shell) }
        guard run.command.heredocs.isEmpty else {
          item.barrier = "a here-document script is not analysed"
          break
        }
        let command =
          run.command.isExecForm
          ? run.command.arguments.joined(separator: " ") : (run.command.arguments.first ?? "")
        let effects = CommandAnalyzer.analyze(
          command, isExecForm: run.command.isExecForm, workdir: workdir, user: user,
          environment: environment)
        if effects.isOpaque {
          item.barrier = effects.opaqueReasons.first ?? "the command is not analysed"
        }
        item.reads = effects.reads
        item.writes = effects.writes.map { .init(pattern: $0) }
      case .copy(let copy), .add(let copy):
        // A relative destination is resolved against WORKDIR; --chown names the user itself.
        if !(copy.destination.expanded ?? copy.destination.raw).hasPrefix("/") {
          item.dependsOn = [.workdir]
        }
        item.writes = writes(
          of: copy, workdir: workdir, context: context, instruction: instruction,
          folders: folders)
        // COPY makes missing folders as root, or as --chown says.
        let owner = StageItems.owner(copy.chown.map { $0.expanded ?? $0.raw } ?? "")
        for write in item.writes {
          for folder in StageItems.folders(
            of: write.pattern.path, including: write.pattern.recursive)
          {
            item.createsFolders[folder] = owner
          }
        }
        if item.writes.isEmpty {
          item.barrier = "its destination is not known statically"
        }
      case .volume(let values):
        for value in values {
          guard let path = value.expanded else {
            item.barrier = "VOLUME \(value.raw) is not known statically"
            continue
          }
          let absolute = ImagePath.resolve(path, against: workdir)
          item.writes.append(.init(pattern: PathPattern(path: absolute, recursive: true)))
        }
      case .cmd, .entrypoint, .healthcheck, .stopsignal, .maintainer:
        item.configKey = instruction.kind.name
      case .label(let pairs):
        item.configKey = nil
        item.uses.formUnion(pairs.map { "label:" + ($0.key.expanded ?? $0.key.raw) })
        item.defines.formUnion(pairs.map { "label:" + ($0.key.expanded ?? $0.key.raw) })
      case .expose:
        break
      case .onbuild:
        item.barrier = "ONBUILD runs in other builds"
      case .from, .unknown:
        item.barrier = "\(instruction.kind.name.uppercased()) is not reordered"
      }
      items.append(item)
    }
    return items
  }

  /// The paths a COPY or ADD writes: each file exactly when the sources are literal context
  /// paths, else everything under the destination.
  static func writes(
    of copy: Instruction.Copy, workdir: String, context: BuildContext, instruction: Instruction,
    folders: Set<String> = []
  ) -> [StageItem.Write] {
    guard let rawDestination = copy.destination.expanded else { return [] }
    let isAdd: Bool = if case .add = instruction.kind { true } else { false }
    let destination = ImagePath.resolve(rawDestination, against: workdir)
    // BuildKit copies into a destination that ends in `/` or is an existing folder: `.`, the
    // working folder, or one this stage made.
    let lastComponent = rawDestination.split(separator: "/").last ?? ""
    let intoFolder =
      rawDestination.hasSuffix("/") || copy.sources.count + copy.inlineSources.count > 1
      || lastComponent == "." || lastComponent == ".." || destination == workdir
      || folders.contains(destination)
    var writes: [StageItem.Write] = []
    var exact = copy.from == nil && !copy.parents && copy.exclude.isEmpty && !isAdd
    if exact {
      for source in copy.sources {
        guard let value = source.expanded, !SourceSelection.hasWildcard(value) else {
          exact = false
          break
        }
        let path = BuildContext.relative(value)
        if path.isEmpty || context.containsDirectory(path) {
          // A folder's contents go under the destination.
          for file in path.isEmpty ? context.files : Array(context.files(under: path)) {
            let relative = path.isEmpty ? file : String(file.dropFirst(path.count + 1))
            writes.append(
              .init(
                pattern: PathPattern(
                  path: ImagePath.resolve(relative, against: destination), recursive: false),
                contextSource: file))
          }
        } else if context.containsFile(path) {
          let name = String(path.split(separator: "/").last ?? Substring(path))
          let target =
            intoFolder ? ImagePath.resolve(name, against: destination) : destination
          writes.append(
            .init(pattern: PathPattern(path: target, recursive: false), contextSource: path))
        } else {
          exact = false
          break
        }
      }
    }
    if !exact {
      return [.init(pattern: PathPattern(path: destination, recursive: true))]
    }
    let attributes = (copy.chown.map { $0.expanded ?? $0.raw } ?? "") + ":" + (copy.chmod ?? "")
    for index in writes.indices { writes[index].attributes = attributes }
    for inline in copy.inlineSources {
      writes.append(
        .init(
          pattern: PathPattern(
            path: ImagePath.resolve(inline.name, against: destination), recursive: false)))
    }
    return writes
  }

  /// The folders above `path` (and `path` itself when `including`), the root left out.
  static func folders(of path: String, including: Bool) -> [String] {
    var folders: [String] = []
    var current = including ? path : path.beforeLastSlash() ?? ""
    while !current.isEmpty, current != "/" {
      folders.append(current)
      current = current.beforeLastSlash() ?? ""
    }
    return folders
  }

  /// An owner as a comparable name: root however it is written.
  static func owner(_ text: String) -> String {
    ["", "root", "0", "root:root", "0:0"].contains(text) ? "root" : text
  }

  /// The names an instruction's text expands: `$NAME` and `${NAME…}` outside single quotes.
  /// RUN is left out (the shell expands it from the whole environment).
  static func variables(in instruction: Instruction) -> Set<String> {
    if case .run = instruction.kind { return [] }
    var names: Set<String> = []
    let bytes = Array(instruction.original.utf8)
    var index = 0
    var inSingleQuotes = false
    var inDoubleQuotes = false
    func isNameByte(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
        || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
    while index < bytes.count {
      let byte = bytes[index]
      // A `'` inside double quotes is an ordinary character (`"it's $VERSION"` expands).
      if byte == UInt8(ascii: "'"), !inDoubleQuotes { inSingleQuotes.toggle() }
      if byte == UInt8(ascii: "\""), !inSingleQuotes { inDoubleQuotes.toggle() }
      guard byte == UInt8(ascii: "$"), !inSingleQuotes, index + 1 < bytes.count else {
        index += 1
        continue
      }
      var start = index + 1
      if bytes[start] == UInt8(ascii: "{") { start += 1 }
      var end = start
      while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
      if end > start { names.insert(String(decoding: bytes[start..<end], as: UTF8.self)) }
      index = max(end, index + 1)
    }
    return names
  }
}
