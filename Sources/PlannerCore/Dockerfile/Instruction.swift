/// One Dockerfile instruction, typed the way BuildKit's `frontend/dockerfile/instructions` package
/// types it (`parse.go`, `commands.go` and the `commands_run*.go` hooks).
///
/// An instruction keeps what was written (`keyword`, `flags`, `original`, and the `raw` side of
/// every ``Expandable``) next to what BuildKit makes of it. Where BuildKit expands variables when
/// it builds (`SupportsSingleWordExpansion.Expand` in `commands.go`, called from `dispatch` in
/// `dockerfile2llb/convert.go`), the value is an ``Expandable``: its `expanded` side is the
/// result when every variable it uses is known statically, else nil. Shell-form RUN, CMD and
/// ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER and ONBUILD are never expanded by BuildKit and keep
/// plain strings.
///
/// `InstructionParser` builds instructions from `SyntaxNode`s; `Dockerfile.build` fills the
/// expansions from each stage's scope and resolves stage references.
struct Instruction: Hashable, Sendable, Codable {
  var kind: Kind
  /// The keyword as written (`RUN`, `run`, `Run`).
  var keyword: String
  /// The `--name[=value]` words before the arguments, in the order written.
  var flags: [Flag]
  /// From the keyword through the last continuation or heredoc line.
  var range: SourceRange
  /// BuildKit's logical line: continuation characters removed and lines joined.
  var original: String

  /// The values given to flag `name`, in order (`--exclude=a --exclude=b` gives both). A flag
  /// written without `=` (`--link`) gives nil.
  func flagValues(_ name: String) -> [String?] {
    flags.filter { $0.name == name }.map(\.value)
  }

  /// What an instruction does, with the payload each kind needs.
  indirect enum Kind: Hashable, Sendable, Codable {
    case from(From)
    case run(Run)
    case cmd(CommandLine)
    case entrypoint(CommandLine)
    case shell([String])
    case copy(Copy)
    case add(Copy)
    case env([KeyValue])
    case label([KeyValue])
    case arg([Arg])
    case expose([Port])
    case healthcheck(Healthcheck)
    case onbuild(Onbuild)
    case stopsignal(Expandable)
    case user(Expandable)
    case volume([Expandable])
    case workdir(Expandable)
    case maintainer(String)
    /// A keyword BuildKit does not know, lower-cased. BuildKit fails the build on it.
    case unknown(String)
  }

  /// One `--name` or `--name=value` word.
  struct Flag: Hashable, Sendable, Codable {
    var name: String
    /// Nil when the flag was written without `=`.
    var value: String?
  }

  /// Text that BuildKit expands when it builds: `$VAR`, `${VAR:-default}`, quotes and escapes.
  struct Expandable: Hashable, Sendable, Codable {
    /// As written, quotes and escapes included.
    var raw: String
    /// The expansion when every variable it uses is known statically; nil otherwise.
    var expanded: String?

    init(raw: String, expanded: String? = nil) {
      self.raw = raw
      self.expanded = expanded
    }
  }

  /// `FROM [--platform=…] image [AS name]`.
  struct From: Hashable, Sendable, Codable {
    /// The base: an image reference or the name of an earlier stage.
    var image: Expandable
    /// `--platform`, expanded with the global ARGs.
    var platform: Expandable?
    /// The stage name in lower case, as BuildKit compares names.
    var stageName: String?
    /// The stage name as written after `AS`.
    var stageNameAsWritten: String?
  }

  /// The command of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD (BuildKit's
  /// `ShellDependantCmdLine`).
  struct CommandLine: Hashable, Sendable, Codable {
    /// JSON (exec) form: the arguments are run as they are, without a shell.
    var isExecForm: Bool
    /// Exec form: the JSON strings. Shell form: one string, the command line as written.
    var arguments: [String]
    /// Here-documents the command line opens (`RUN <<EOF`).
    var heredocs: [Heredoc]
  }

  /// RUN with its `--mount`, `--network`, `--security` and `--device` flags.
  struct Run: Hashable, Sendable, Codable {
    var command: CommandLine
    var mounts: [Mount]
    /// `--network` (`default`, `none` or `host`); nil when not given.
    var network: String?
    /// `--security` (`sandbox` or `insecure`); nil when not given.
    var security: String?
    var devices: [Device]
  }

  /// One `RUN --mount=…` (`commands_runmount.go`).
  struct Mount: Hashable, Sendable, Codable {
    /// The flag value as written.
    var raw: String
    /// The CSV fields in order.
    var fields: [Field]
    /// What BuildKit makes of the fields once each value is expanded; nil while a value is not
    /// known statically or when BuildKit rejects the mount (a diagnostic says why).
    var options: Options?
    /// The stage `from=` names, set by `Dockerfile.build`; nil for the build context, an image
    /// or no `from=`.
    var fromStage: Int?

    /// One `key=value` (or bare `key`) CSV field.
    struct Field: Hashable, Sendable, Codable {
      /// The key in lower case.
      var key: String
      /// The value, expanded with the stage's variables; nil for a bare key such as `ro`.
      var value: Expandable?
    }

    /// BuildKit's `instructions.Mount`.
    struct Options: Hashable, Sendable, Codable {
      /// `bind` (the default), `cache`, `tmpfs`, `secret` or `ssh`.
      var type: String
      /// `from=`: a stage name or an image; not expanded by BuildKit when it resolves stages.
      var from: String?
      var source: String?
      var target: String?
      var readOnly: Bool
      /// `id=`: the cache or secret id.
      var id: String?
      /// `sharing=` for cache mounts: `shared`, `private` or `locked`.
      var sharing: String?
      var required: Bool
      var mode: UInt64?
      var uid: UInt64?
      var gid: UInt64?
      /// `size=` of a tmpfs mount, in bytes.
      var sizeLimit: Int64?
      /// `env=` of a secret mount.
      var env: String?
    }
  }

  /// One `RUN --device=…` (`commands_rundevice.go`).
  struct Device: Hashable, Sendable, Codable {
    var name: String
    var isRequired: Bool
  }

  /// COPY and ADD: sources, destination and flags.
  struct Copy: Hashable, Sendable, Codable {
    /// Paths, URLs or git references, in order (here-documents excluded).
    var sources: [Expandable]
    /// Sources given as here-documents (`COPY <<EOF /dest`).
    var inlineSources: [InlineSource]
    var destination: Expandable
    /// COPY `--from`: a stage name, a stage index or an image. BuildKit does not expand it.
    var from: String?
    /// The stage `--from` names, set by `Dockerfile.build`; nil for an image or no `--from`.
    var fromStage: Int?
    var chown: Expandable?
    /// `--chmod`, as written (BuildKit's `Expand` for COPY and ADD leaves it alone).
    var chmod: String?
    var link: Bool
    /// COPY `--parents`.
    var parents: Bool
    /// `--exclude` patterns, as written.
    var exclude: [String]
    /// ADD `--checksum`.
    var checksum: Expandable?
    /// ADD `--keep-git-dir`; nil when not given.
    var keepGitDir: Bool?
    /// ADD `--unpack`; nil when not given.
    var unpack: Bool?
  }

  /// A COPY or ADD source written as a here-document.
  struct InlineSource: Hashable, Sendable, Codable {
    /// The delimiter, which is also the file name.
    var name: String
    /// The body, leading tabs removed for `<<-`.
    var content: String
    /// False when the delimiter was quoted: BuildKit then does not expand the body.
    var expands: Bool
  }

  /// One ENV or LABEL pair.
  struct KeyValue: Hashable, Sendable, Codable {
    var key: Expandable
    var value: Expandable
    /// Written in the legacy `ENV key value` form (BuildKit's `NoDelim`).
    var isLegacyForm: Bool
  }

  /// One `name[=default]` of an ARG instruction.
  struct Arg: Hashable, Sendable, Codable {
    /// The variable name. BuildKit never expands it.
    var name: String
    /// The default after `=`, expanded in the ARG's scope.
    var defaultValue: Expandable?
    /// What the variable holds after this ARG; set by `Dockerfile.build`.
    var value: Value = .unknown

    /// The value an ARG gives its variable.
    enum Value: Hashable, Sendable, Codable {
      /// No default, no build argument and (in a stage) no global value.
      case unset
      case known(String)
      /// Depends on something that is not known statically.
      case unknown
    }
  }

  /// One EXPOSE word. BuildKit expands it into one or more words (`ProcessWords`).
  struct Port: Hashable, Sendable, Codable {
    var raw: String
    var expanded: [String]?
  }

  /// HEALTHCHECK NONE, or CMD with its options (BuildKit's `HealthConfig`).
  struct Healthcheck: Hashable, Sendable, Codable {
    /// `["NONE"]`, `["CMD", args…]` (exec form) or `["CMD-SHELL", command]`.
    var test: [String]
    /// The command; nil for NONE.
    var command: CommandLine?
    /// Options; nil when absent or zero, as BuildKit leaves them.
    var interval: Duration?
    var timeout: Duration?
    var startPeriod: Duration?
    var startInterval: Duration?
    var retries: Int?

    var isNone: Bool { command == nil }
  }

  /// ONBUILD and the instruction it registers for images built from this one.
  struct Onbuild: Hashable, Sendable, Codable {
    /// BuildKit's `Expression`: the line without `ONBUILD`, heredoc bodies appended.
    var expression: String
    /// The trigger, parsed; BuildKit parses it only when a later build runs it.
    var trigger: Instruction?
  }
}

extension Instruction.Kind {
  /// The keyword in lower case, as BuildKit dispatches on it.
  var name: String {
    switch self {
    case .from: "from"
    case .run: "run"
    case .cmd: "cmd"
    case .entrypoint: "entrypoint"
    case .shell: "shell"
    case .copy: "copy"
    case .add: "add"
    case .env: "env"
    case .label: "label"
    case .arg: "arg"
    case .expose: "expose"
    case .healthcheck: "healthcheck"
    case .onbuild: "onbuild"
    case .stopsignal: "stopsignal"
    case .user: "user"
    case .volume: "volume"
    case .workdir: "workdir"
    case .maintainer: "maintainer"
    case .unknown(let keyword): keyword
    }
  }
}

extension Instruction {
  /// Fills every `expanded` value BuildKit would compute, using `word` for one-word expansion
  /// (`ProcessWord`) and `words` for EXPOSE (`ProcessWords`). Each returns nil when the result
  /// is not known statically. Mount options are not recomputed here; see
  /// `InstructionParser.expand`.
  mutating func expandWords(word: (String) -> String?, words: (String) -> [String]?) {
    func fill(_ value: inout Expandable) { value.expanded = word(value.raw) }
    func fillOptional(_ value: inout Expandable?) {
      if var present = value {
        present.expanded = word(present.raw)
        value = present
      }
    }
    switch kind {
    case .from(var from):
      fill(&from.image)
      fillOptional(&from.platform)
      kind = .from(from)
    case .run(var run):
      for m in run.mounts.indices {
        for f in run.mounts[m].fields.indices {
          fillOptional(&run.mounts[m].fields[f].value)
        }
      }
      kind = .run(run)
    case .copy(var copy):
      fillCopy(&copy, fill: fill, fillOptional: fillOptional)
      kind = .copy(copy)
    case .add(var copy):
      fillCopy(&copy, fill: fill, fillOptional: fillOptional)
      fillOptional(&copy.checksum)
      kind = .add(copy)
    case .env(var pairs):
      for i in pairs.indices {
        fill(&pairs[i].key)
        fill(&pairs[i].value)
      }
      kind = .env(pairs)
    case .label(var pairs):
      for i in pairs.indices {
        fill(&pairs[i].key)
        fill(&pairs[i].value)
      }
      kind = .label(pairs)
    case .arg(var args):
      for i in args.indices { fillOptional(&args[i].defaultValue) }
      kind = .arg(args)
    case .expose(var ports):
      for i in ports.indices { ports[i].expanded = words(ports[i].raw) }
      kind = .expose(ports)
    case .stopsignal(var value):
      fill(&value)
      kind = .stopsignal(value)
    case .user(var value):
      fill(&value)
      kind = .user(value)
    case .workdir(var value):
      fill(&value)
      kind = .workdir(value)
    case .volume(var values):
      for i in values.indices { fill(&values[i]) }
      kind = .volume(values)
    case .cmd, .entrypoint, .shell, .healthcheck, .onbuild, .maintainer, .unknown:
      break
    }
  }

  private func fillCopy(
    _ copy: inout Copy, fill: (inout Expandable) -> Void, fillOptional: (inout Expandable?) -> Void
  ) {
    fillOptional(&copy.chown)
    for i in copy.sources.indices { fill(&copy.sources[i]) }
    fill(&copy.destination)
  }
}
