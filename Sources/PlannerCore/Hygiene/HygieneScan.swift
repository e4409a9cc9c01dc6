/// A Dockerfile read for the hygiene rules: every instruction with the variables it runs with,
/// the commands of every RUN, and the stages whose layers end up in the final image.
struct HygieneScan {
  /// One instruction of a stage.
  struct Step {
    var stage: Int
    var instruction: Instruction
    /// The variables set when it runs (ENV and ARG of the stage and the stages it is built on).
    var environment: Environment
    /// A RUN's commands; nil for other instructions and for a here-document that is not a
    /// shell script.
    var script: ShellScript?
    /// A RUN's command line and shell here-document bodies, blanks folded: for checks that
    /// only need to know whether a word appears.
    var text: String = ""
    /// A RUN's command line and here-document bodies as written, one per line.
    var rawText: String = ""

    var line: Int { instruction.range.start.line }

    var mounts: [Instruction.Mount] {
      if case .run(let run) = instruction.kind { return run.mounts }
      return []
    }

    /// The words of `text`, split at blanks and shell punctuation.
    var words: Set<String> { HygieneScan.words(of: text) }

    /// Whether a RUN mount (a cache, a tmpfs, a bind) covers `path`, or lies inside it; also
    /// true when a mount's target is not known statically.
    func mounts(over path: String) -> Bool {
      mounts.contains { mount in
        guard let target = mount.options?.target ?? Self.rawTarget(of: mount) else { return true }
        let cleaned = target.hasSuffix("/") && target.count > 1 ? String(target.dropLast()) : target
        return cleaned == path || path.hasPrefix(cleaned + "/") || cleaned.hasPrefix(path + "/")
      }
    }

    private static func rawTarget(of mount: Instruction.Mount) -> String? {
      let field = mount.fields.first { ["target", "dst", "destination"].contains($0.key) }
      return field?.value?.expanded
    }
  }

  /// Variables known at a point of a stage.
  struct Environment: Hashable, Sendable {
    /// Values known statically.
    var values: [String: String] = [:]
    /// Every name set, known or not.
    var names: Set<String> = []

    func isSet(_ name: String) -> Bool { names.contains(name) }

    mutating func set(_ name: String, _ value: String?) {
      names.insert(name)
      values[name] = value
    }
  }

  var file: String
  var tree: SyntaxTree
  var dockerfile: Dockerfile
  /// Every instruction after a FROM, in file order.
  var steps: [Step] = []
  /// The stages whose layers are in the final image: the target stage (the last one unless
  /// `--target` names another) and the stages it is built on, the first stage first. Empty when
  /// no stage has the target's name.
  var finalChain: [Int] = []

  init(tree: SyntaxTree, dockerfile: Dockerfile, file: String, target: String? = nil) {
    self.file = file
    self.tree = tree
    self.dockerfile = dockerfile
    var ends: [Int: Environment] = [:]
    for stage in dockerfile.stages {
      var environment = stage.baseStage.flatMap { ends[$0] } ?? Environment()
      for instruction in stage.instructions {
        var step = Step(stage: stage.index, instruction: instruction, environment: environment)
        switch instruction.kind {
        case .env(let pairs):
          for pair in pairs {
            environment.set(pair.key.expanded ?? pair.key.raw, pair.value.expanded)
          }
        case .arg(let args):
          for arg in args {
            switch arg.value {
            case .known(let value): environment.set(arg.name, value)
            case .unknown: environment.set(arg.name, nil)
            case .unset: break
            }
          }
        case .run(let run):
          (step.script, step.rawText) = Self.read(run.command, environment: environment.values)
          step.text = Self.folded(step.rawText)
        default:
          break
        }
        steps.append(step)
      }
      ends[stage.index] = environment
    }
    if let index = Self.targetStage(target, in: dockerfile) {
      finalChain = ancestry(of: index).reversed()
    }
    isDevelopmentImage = looksMeantForDevelopment()
  }

  /// The stage `docker build --target` builds: the last stage named `target` (BuildKit compares
  /// names case-insensitively), or the last stage without a target.
  static func targetStage(_ target: String?, in dockerfile: Dockerfile) -> Int? {
    guard let target else { return dockerfile.stages.indices.last }
    let name = target.lowercased()
    return dockerfile.stages.last { $0.name == name }?.index
  }

  /// The steps of the stages whose layers are in the final image, in order.
  var finalSteps: [Step] { steps.filter { finalChain.contains($0.stage) } }

  /// `stage` and the stages it is built on, itself first.
  func ancestry(of stage: Int) -> [Int] {
    var chain = [stage]
    var index = stage
    while let base = dockerfile.stages[index].baseStage, base < index {
      chain.append(base)
      index = base
    }
    return chain
  }

  func finding(
    _ rule: String, at range: SourceRange, _ message: String, subject: String,
    fix: Finding.Fix? = nil, file: String? = nil
  ) -> Finding {
    Finding(
      rule: rule, level: RuleCatalog.rule(rule)?.level ?? .warning, file: file ?? self.file,
      range: range, message: message, subject: subject, fix: fix)
  }

  // MARK: - Reading RUN

  /// The commands of a RUN, and its text (the command line, then the here-document bodies).
  /// Exec form is one command (a shell's `-c` script is read); a here-document is read as the
  /// script when the command line only names a shell.
  static func read(_ command: Instruction.CommandLine, environment: [String: String])
    -> (ShellScript?, String)
  {
    if command.isExecForm {
      let line = command.arguments.map(Self.quoted).joined(separator: " ")
      return (ShellScript.read(line: line, environment: environment), line)
    }
    let line = command.arguments.first ?? ""
    guard !command.heredocs.isEmpty else {
      return (ShellScript.read(line: line, environment: environment), line)
    }
    let bodies = command.heredocs.map { heredoc in
      var body = String(decoding: heredoc.content, as: UTF8.self)
      if heredoc.chomp {
        body = body.split(separator: "\n", omittingEmptySubsequences: false)
          .map { $0.drop { $0 == "\t" } }.joined(separator: "\n")
      }
      return body
    }
    let text = ([line] + bodies).joined(separator: "\n")
    let rest = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      .filter { !$0.containsLiterally("<<") }
    let isShell =
      rest.isEmpty
      || ShellScript.shells.contains(String(rest[0].split(separator: "/").last ?? rest[0]))
        && rest.dropFirst().allSatisfy {
          $0.hasPrefix("-") || $0.hasPrefix("+") || $0 == "pipefail"
        }
    guard isShell else {
      return (ShellScript.read(line: rest.joined(separator: " "), environment: environment), text)
    }
    var script = ShellScript()
    for body in bodies {
      if body.hasPrefix("#!") {
        let shebang = body.prefix { $0 != "\n" }.split(separator: " ").flatMap {
          $0.split(separator: "/")
        }
        guard shebang.contains(where: { ShellScript.shells.contains(String($0)) }) else {
          return (nil, text)
        }
      }
      let read = ShellScript.read(script: body, environment: environment)
      script.commands += read.commands
      script.isComplete = script.isComplete && read.isComplete
    }
    return (script, text)
  }

  /// An exec-form argument as one shell word.
  private static func quoted(_ argument: String) -> String {
    if !argument.isEmpty,
      argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@+%".contains($0) })
    {
      return argument
    }
    return "'" + argument.replacingAll("'", with: #"'\''"#) + "'"
  }

  static func folded(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The words of a text, split at blanks and shell punctuation.
  static func words(of text: String) -> Set<String> {
    // ASCII text (nearly every command) is split on its bytes; other text by Characters, where
    // Unicode spaces separate too.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      return Set(text.pieces { wordSeparators[Int($0)] })
    }
    return Set(
      text.split(whereSeparator: { $0.isWhitespace || ";|&()\"'`{}".contains($0) }).map(
        String.init))
  }

  /// The ASCII bytes that end a word: whitespace and `;|&()"'`{}`.
  private static let wordSeparators: [Bool] = {
    var table = [Bool](repeating: false, count: 128)
    for byte in [9, 10, 11, 12, 13, 32] + Array(";|&()\"'`{}".utf8) { table[Int(byte)] = true }
    return table
  }()

  // MARK: - The final image

  /// The image the final image is built on (the first stage of the final chain), when known.
  var baseImage: ImageReference? {
    guard let first = finalChain.first, let text = dockerfile.stages[first].baseImage.expanded
    else { return nil }
    return ImageReference(text)
  }

  /// The final image's ENTRYPOINT and CMD set in this file, as words.
  var finalCommand: (entrypoint: [String]?, cmd: [String]?) {
    var entrypoint: [String]?
    var cmd: [String]?
    func words(_ line: Instruction.CommandLine) -> [String] {
      line.isExecForm
        ? line.arguments
        : (line.arguments.first ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }
    for step in finalSteps {
      switch step.instruction.kind {
      case .entrypoint(let line): entrypoint = words(line)
      case .cmd(let line): cmd = words(line)
      default: break
      }
    }
    return (entrypoint, cmd)
  }

  /// Whether the final image's command only opens a shell or an interpreter, or keeps the
  /// container idle (`CMD ["bash"]`, `sleep infinity`): a toolbox or a development environment,
  /// where compilers and dev dependencies are the point. An image without a command in this
  /// file is not one: most images get their command from the base or from compose.
  var opensShellOnly: Bool {
    let (entrypoint, cmd) = finalCommand
    if let entrypoint { return Self.isBare(entrypoint) && (cmd.map(Self.isBare) ?? true) }
    if let cmd { return Self.isBare(cmd) }
    return false
  }

  /// Programs that, run without arguments, wait at a prompt.
  private static let interpreters: Set<String> = [
    "sh", "bash", "ash", "dash", "zsh", "fish", "ksh", "python", "python3", "node", "irb", "ruby",
    "php", "pwsh", "perl",
  ]

  private static func isBare(_ words: [String]) -> Bool {
    guard let first = words.first else { return true }
    let name = String(first.split(separator: "/").last ?? Substring(first))
    let arguments = words.dropFirst()
    if interpreters.contains(name), arguments.allSatisfy({ $0.hasPrefix("-") }) { return true }
    if name == "sleep", arguments.first == "infinity" { return true }
    if name == "tail", arguments.contains("/dev/null") { return true }
    return false
  }

  /// Whether the final image looks meant for development, tests or CI: its file's name, its
  /// stage's name or its command says so (`Dockerfile.dev`, `AS test`, `npm run dev`), or it is
  /// a toolbox that only opens a shell. Found once: three rules ask, and the words of the names
  /// and the command took 60,000 instructions a time.
  private(set) var isDevelopmentImage = false

  private func looksMeantForDevelopment() -> Bool {
    if opensShellOnly { return true }
    func tokens(_ text: String) -> Set<String> {
      Set(text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
    }
    let fileName = String(file.split(separator: "/").last ?? Substring(file))
    if !tokens(fileName).isDisjoint(with: Self.developmentNames)
      || file.containsLiterally(".devcontainer")
    {
      return true
    }
    if let last = finalChain.last, let name = dockerfile.stages[last].name,
      !tokens(name).isDisjoint(with: Self.developmentNames)
    {
      return true
    }
    let (entrypoint, cmd) = finalCommand
    let commandWords = tokens(((entrypoint ?? []) + (cmd ?? [])).joined(separator: " "))
    return !commandWords.isDisjoint(with: Self.developmentCommands)
  }

  /// Words in a file or stage name that mark a development image.
  private static let developmentNames: Set<String> = [
    "dev", "devel", "develop", "development", "devcontainer", "test", "tests", "testing", "ci",
    "debug", "local",
  ]

  /// Words in the final command that mark a development image.
  private static let developmentCommands: Set<String> = [
    "dev", "develop", "development", "test", "tests", "nodemon", "watch", "reload", "pytest",
    "jest", "mocha", "vitest", "rspec", "storybook",
  ]
}
