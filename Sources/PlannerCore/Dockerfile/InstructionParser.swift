/// Turns one `SyntaxNode` into a typed `Instruction`, with BuildKit's validation and its exact
/// error texts (`frontend/dockerfile/instructions`: `parse.go`, `bflag.go`, the
/// `commands_run*.go` hooks; lint texts from `linter/ruleset.go`).
///
/// Input: a node from `DockerfileParser`. Output: the instruction and its diagnostics. Nothing is
/// thrown: where BuildKit's `ParseInstruction` fails, the diagnostic is an error with BuildKit's
/// message and the instruction is still returned, filled as far as the input allows, so one run
/// reports every problem. An unknown keyword is a warning (BuildKit fails the build on it).
///
/// Values that need no variable are expanded here (quotes and escapes removed, as BuildKit's
/// lexer does); values that use variables are left for `Dockerfile.build`, which knows the
/// scope.
struct InstructionParser {
  var file: String
  /// The escape character of the file (`# escape=`), used by the shell lexer.
  var escapeToken: UInt8

  init(file: String = "Dockerfile", escapeToken: UInt8 = UInt8(ascii: "\\")) {
    self.file = file
    self.escapeToken = escapeToken
  }

  /// Parses `node`. `range` overrides the location derived from the node's lines.
  func parse(_ node: SyntaxNode, range: SourceRange? = nil) -> (Instruction, [Diagnostic]) {
    let range = range ?? .lines(node.startLine, node.endLine)
    let request = Request(node: node)
    var report = Report()
    let kind = parseKind(request, node: node, range: range, report: &report)
    var instruction = Instruction(
      kind: kind, keyword: request.command, flags: request.flagList, range: range,
      original: request.original)
    let lexer = ShellLexer(escapeToken: escapeToken)
    let mountErrors = Self.expand(
      &instruction,
      word: { Self.variableFreeWord($0, lexer: lexer) },
      words: { Self.variableFreeWords($0, lexer: lexer) })
    if report.error == nil, let first = mountErrors.first { report.fail(first.message) }

    var diagnostics = report.warnings.map { Diagnostic(.warning, $0, file: file, range: range) }
    diagnostics += report.nested
    if let error = report.error {
      diagnostics.append(Diagnostic(.error, error, file: file, range: range))
    }
    return (instruction, diagnostics)
  }

  /// Fills the expansions of `instruction` (see `Instruction.expandWords`) and recomputes the
  /// options of every RUN mount whose values are now all known. Returns BuildKit's message for
  /// each mount it rejects, with the mount's position.
  static func expand(
    _ instruction: inout Instruction, word: (String) -> String?, words: (String) -> [String]?
  ) -> [(mount: Int, message: String)] {
    instruction.expandWords(word: word, words: words)
    guard case .run(var run) = instruction.kind else { return [] }
    var errors: [(mount: Int, message: String)] = []
    for i in run.mounts.indices {
      switch Self.mountOptions(run.mounts[i]) {
      case .none: run.mounts[i].options = nil
      case .some(.success(let options)): run.mounts[i].options = options
      case .some(.failure(let message)):
        run.mounts[i].options = nil
        errors.append((i, message.text))
      }
    }
    instruction.kind = .run(run)
    return errors
  }
}

// MARK: - Requests and reports

extension InstructionParser {
  /// BuildKit's `parseRequest`: what `ParseInstruction` reads from a node.
  fileprivate struct Request {
    /// The keyword as written.
    var command: String
    /// BuildKit's `nodeArgs`: the argument chain, ONBUILD's trigger flattened into it.
    var args: [String]
    /// The flag words, `--` included.
    var flags: [String]
    var isJSON: Bool
    var heredocs: [Heredoc]
    var original: String

    init(node: SyntaxNode) {
      command = string(node.value)
      args = Self.nodeArgs(node)
      flags = node.flags.map(string)
      isJSON = node.isJSON
      heredocs = node.heredocs
      original = string(node.original)
    }

    static func nodeArgs(_ node: SyntaxNode) -> [String] {
      var result = node.arguments.map(string)
      if let trigger = node.trigger {
        result.append(string(trigger.value))
        result += nodeArgs(trigger)
      }
      return result
    }

    /// The flags as name and value, in order.
    var flagList: [Instruction.Flag] {
      flags.map { word in
        var body = Substring(word)
        if body.hasPrefix("--") { body = body.dropFirst(2) }
        guard let equals = body.firstIndex(of: "=") else {
          return .init(name: String(body), value: nil)
        }
        return .init(
          name: String(body[..<equals]), value: String(body[body.index(after: equals)...]))
      }
    }

    /// BuildKit's `handleJSONArgs`: exec form keeps the strings, shell form joins them.
    func commandArguments(_ args: [String]) -> [String] {
      if args.isEmpty { return [] }
      return isJSON ? args : [args.joined(separator: " ")]
    }

    func commandLine(_ args: [String]) -> Instruction.CommandLine {
      .init(isExecForm: isJSON, arguments: commandArguments(args), heredocs: heredocs)
    }
  }

  /// What one instruction's parse found: BuildKit stops at its first error, so only the first is
  /// kept; warnings (BuildKit's lint rules) accumulate.
  fileprivate struct Report {
    var error: String?
    var warnings: [String] = []
    /// Diagnostics of an ONBUILD trigger.
    var nested: [Diagnostic] = []

    mutating func fail(_ message: String) {
      if error == nil { error = message }
    }

    mutating func fail(_ message: Message?) {
      if let message { fail(message.text) }
    }
  }

  /// An error message, so that `Result` can carry it.
  struct Message: Error, Hashable {
    var text: String
    init(_ text: String) { self.text = text }
  }
}

private func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

// MARK: - BuildKit's messages

extension InstructionParser {
  /// The texts of `parse.go`'s `err…` helpers and its inline errors.
  enum Messages {
    static func atLeastOneArgument(_ command: String) -> String {
      "\(command) requires at least one argument"
    }
    static func exactlyOneArgument(_ command: String) -> String {
      "\(command) requires exactly one argument"
    }
    static func noDestinationArgument(_ command: String) -> String {
      "\(command) requires at least two arguments, but only one was provided. Destination could not be determined"
    }
    static func badHeredoc(_ command: String, _ option: String) -> String {
      "\(command) cannot accept a heredoc as \(option)"
    }
    static func blankNames(_ command: String) -> String { "\(command) names can not be blank" }
    static func tooManyArguments(_ command: String) -> String {
      "Bad input to \(command), too many arguments"
    }
    static func notJSON(_ command: String) -> String {
      "\(command) requires the arguments to be in JSON form"
    }
    static let chainedOnbuild = "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    static func forbiddenTrigger(_ trigger: String) -> String {
      "\(trigger) isn't allowed as an ONBUILD trigger"
    }
    static let fromArguments = "FROM requires either one or three arguments"
    static func invalidStageName(_ name: String) -> String {
      "invalid name for build stage: \(GoValues.quoted(name)), name can't start with a number or contain symbols"
    }
    static let healthcheckNoneArguments = "HEALTHCHECK NONE takes no arguments"
    static let healthcheckMissingCommand = "Missing command after HEALTHCHECK CMD"
    static func healthcheckUnknownType(_ type: String) -> String {
      "Unknown type \(GoValues.quoted(type)) in HEALTHCHECK (try CMD)"
    }
    static func intervalTooShort(_ flag: String) -> String {
      "Interval \(GoValues.quoted(flag)) cannot be less than 1ms"
    }
    static func negativeRetries(_ retries: Int64) -> String {
      "--retries cannot be negative (\(retries))"
    }
    static let emptyVolume = "VOLUME specified can not be an empty string"
    static func unknownInstruction(_ keyword: String) -> String {
      let message = "unknown instruction: \(keyword)"
      guard let match = suggestion(for: keyword, among: instructionNames, caseSensitive: false)
      else { return message }
      return message + " (did you mean \(match)?)"
    }
    /// `linter.RuleMaintainerDeprecated`.
    static let maintainerDeprecated = "Maintainer instruction is deprecated in favor of using label"
    /// `linter.RuleStageNameCasing`.
    static func stageNameCasing(_ name: String) -> String {
      "Stage name '\(name)' should be lowercase"
    }
    /// `linter.RuleFromAsCasing`.
    static func fromAsCasing(from: String, as keyword: String) -> String {
      "'\(keyword)' and '\(from)' keywords' casing do not match"
    }

    /// `command.Commands`, upper-cased as `allInstructionNames` returns them (sorted here: Go
    /// iterates a map, so ties between suggestions are ours to break).
    static let instructionNames = [
      "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
      "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]
  }
}

// MARK: - Flags (bflag.go)

extension InstructionParser {
  /// BuildKit's `BFlags`: the flags an instruction declares, then one `Parse` of the words.
  struct FlagSet {
    enum FlagType { case bool, string, strings }

    private var types: [String: FlagType] = [:]
    /// Values after `parse`: a string flag's value, or a bool flag's `true`/`false`.
    private(set) var values: [String: String] = [:]
    /// Values of a `strings` flag, in order.
    private(set) var lists: [String: [String]] = [:]
    /// Flags given at least once.
    private(set) var used: Set<String> = []

    mutating func add(_ name: String, _ type: FlagType, default value: String? = nil) {
      types[name] = type
      switch type {
      case .bool: values[name] = value ?? "false"
      case .string: values[name] = value ?? ""
      case .strings: lists[name] = []
      }
    }

    func bool(_ name: String) -> Bool { values[name] == "true" }
    func string(_ name: String) -> String { values[name] ?? "" }
    func strings(_ name: String) -> [String] { lists[name] ?? [] }
    /// The value when the flag was given, else nil.
    func given(_ name: String) -> String? { used.contains(name) ? values[name] : nil }

    /// `BFlags.Parse`: returns BuildKit's error for the first bad word.
    mutating func parse(_ words: [String]) -> Message? {
      for word in words {
        // `--` ends the flags (POSIX utility syntax).
        if word == "--" { return nil }
        guard word.hasPrefix("--") else { return Message("arg should start with -- : \(word)") }
        let flagName: String
        let value: String
        let hasValue: Bool
        if let equals = word.firstIndex(of: "=") {
          flagName = String(word[..<equals])
          value = String(word[word.index(after: equals)...])
          hasValue = true
        } else {
          flagName = word
          value = ""
          hasValue = false
        }
        let name = String(flagName.dropFirst(2))
        guard let type = types[name] else {
          let message = "unknown flag: \(flagName)"
          guard
            let match = InstructionParser.suggestion(
              for: name, among: types.keys.sorted(), caseSensitive: true)
          else { return Message(message) }
          return Message(message + " (did you mean \(match)?)")
        }
        if used.contains(name), type != .strings {
          return Message("duplicate flag specified: \(flagName)")
        }
        used.insert(name)
        switch type {
        case .bool:
          if hasValue && value.isEmpty { return Message("missing a value on flag: \(flagName)") }
          switch value.lowercased() {
          case "true", "": values[name] = "true"
          case "false": values[name] = "false"
          default: return Message("expecting boolean value for flag \(flagName), not: \(value)")
          }
        case .string:
          guard hasValue else { return Message("missing a value on flag: \(flagName)") }
          values[name] = value
        case .strings:
          guard hasValue else { return Message("missing a value on flag: \(flagName)") }
          lists[name, default: []].append(value)
        }
      }
      return nil
    }
  }
}

// MARK: - Instructions (parse.go)

extension InstructionParser {
  fileprivate func parseKind(
    _ request: Request, node: SyntaxNode, range: SourceRange, report: inout Report
  ) -> Instruction.Kind {
    let args = request.args
    var flags = FlagSet()
    switch node.keyword {
    case "env":
      report.fail(flags.parse(request.flags))
      return .env(parseKeyValues(args, command: "ENV", report: &report))
    case "label":
      report.fail(flags.parse(request.flags))
      return .label(parseKeyValues(args, command: "LABEL", report: &report))
    case "maintainer":
      report.warnings.append(Messages.maintainerDeprecated)
      if args.count != 1 { report.fail(Messages.exactlyOneArgument("MAINTAINER")) }
      report.fail(flags.parse(request.flags))
      return .maintainer(args.first ?? "")
    case "add", "copy":
      return parseCopy(request, isAdd: node.keyword == "add", report: &report)
    case "from":
      return parseFrom(request, report: &report)
    case "onbuild":
      return parseOnbuild(request, node: node, range: range, report: &report)
    case "workdir":
      if args.count != 1 { report.fail(Messages.exactlyOneArgument("WORKDIR")) }
      report.fail(flags.parse(request.flags))
      return .workdir(.init(raw: args.first ?? ""))
    case "run":
      return parseRun(request, report: &report)
    case "cmd":
      report.fail(flags.parse(request.flags))
      return .cmd(request.commandLine(args))
    case "entrypoint":
      report.fail(flags.parse(request.flags))
      return .entrypoint(request.commandLine(args))
    case "healthcheck":
      return .healthcheck(parseHealthcheck(request, report: &report))
    case "expose":
      if args.isEmpty { report.fail(Messages.atLeastOneArgument("EXPOSE")) }
      report.fail(flags.parse(request.flags))
      // BuildKit sorts the ports (`sort.Strings`, byte order).
      let sorted = args.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      return .expose(sorted.map { Instruction.Port(raw: $0, expanded: nil) })
    case "user":
      if args.count != 1 { report.fail(Messages.exactlyOneArgument("USER")) }
      report.fail(flags.parse(request.flags))
      return .user(.init(raw: args.first ?? ""))
    case "volume":
      if args.isEmpty { report.fail(Messages.atLeastOneArgument("VOLUME")) }
      report.fail(flags.parse(request.flags))
      var volumes: [Instruction.Expandable] = []
      for volume in args {
        let trimmed = string(GoText.trimSpace(Array(volume.utf8)))
        if trimmed.isEmpty { report.fail(Messages.emptyVolume) }
        volumes.append(.init(raw: trimmed))
      }
      return .volume(volumes)
    case "stopsignal":
      // BuildKit's parseStopSignal never parses flags: they are ignored.
      if args.count != 1 { report.fail(Messages.exactlyOneArgument("STOPSIGNAL")) }
      return .stopsignal(.init(raw: args.first ?? ""))
    case "arg":
      return .arg(parseArg(args, report: &report))
    case "shell":
      report.fail(flags.parse(request.flags))
      let shell = request.commandArguments(args)
      if shell.isEmpty {
        report.fail(Messages.atLeastOneArgument("SHELL"))
      } else if !request.isJSON {
        report.fail(Messages.notJSON("SHELL"))
      }
      return .shell(shell)
    default:
      report.warnings.append(Messages.unknownInstruction(request.command))
      return .unknown(node.keyword)
    }
  }

  /// `parseKvps`: the raw parser gives key, value and delimiter triples.
  private func parseKeyValues(_ args: [String], command: String, report: inout Report)
    -> [Instruction.KeyValue]
  {
    if args.isEmpty { report.fail(Messages.atLeastOneArgument(command)) }
    if args.count % 3 != 0 { report.fail(Messages.tooManyArguments(command)) }
    var pairs: [Instruction.KeyValue] = []
    var j = 0
    while j + 2 < args.count {
      if args[j].isEmpty { report.fail(Messages.blankNames(command)) }
      pairs.append(
        .init(
          key: .init(raw: args[j]), value: .init(raw: args[j + 1]),
          isLegacyForm: args[j + 2].isEmpty))
      j += 3
    }
    return pairs
  }

  private func parseArg(_ args: [String], report: inout Report) -> [Instruction.Arg] {
    // BuildKit's parseArg does not parse flags: they are ignored.
    if args.isEmpty { report.fail(Messages.atLeastOneArgument("ARG")) }
    return args.map { word in
      guard let equals = word.firstIndex(of: "=") else { return .init(name: word) }
      let name = String(word[..<equals])
      if name.isEmpty { report.fail(Messages.blankNames("ARG")) }
      return .init(name: name, defaultValue: .init(raw: String(word[word.index(after: equals)...])))
    }
  }

  private func parseFrom(_ request: Request, report: inout Report) -> Instruction.Kind {
    let args = request.args
    // Lint rules BuildKit runs before parsing FROM (ParseInstructionWithLinter).
    if args.count == 3, args[2] != args[2].lowercased() {
      report.warnings.append(Messages.stageNameCasing(args[2]))
    }
    if args.count >= 3 {
      let command = request.command
      let isLower = command.lowercased() == command
      let isUpper = command.uppercased() == command
      let matches =
        (!isLower && !isUpper)
        || (isLower ? args[1].lowercased() == args[1] : args[1].uppercased() == args[1])
      if !matches { report.warnings.append(Messages.fromAsCasing(from: command, as: args[1])) }
    }

    var stageName: String?
    var stageNameAsWritten: String?
    if args.count == 3, args[1].lowercased() == "as" {
      let lowered = string(GoText.lowercased(Array(args[2].utf8)))
      if Self.isValidStageName(lowered) {
        stageName = lowered
        stageNameAsWritten = args[2]
      } else {
        report.fail(Messages.invalidStageName(args[2]))
      }
    } else if args.count != 1 {
      report.fail(Messages.fromArguments)
    }
    var flags = FlagSet()
    flags.add("platform", .string)
    report.fail(flags.parse(request.flags))
    let platform = flags.given("platform").map { Instruction.Expandable(raw: $0) }
    return .from(
      .init(
        image: .init(raw: args.first ?? ""), platform: platform, stageName: stageName,
        stageNameAsWritten: stageNameAsWritten))
  }

  /// `^[a-z][a-z0-9-_.]*$`.
  static func isValidStageName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, (0x61...0x7A).contains(first) else { return false }
    return bytes.allSatisfy { b in
      (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "-")
        || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }
  }

  private func parseOnbuild(
    _ request: Request, node: SyntaxNode, range: SourceRange, report: inout Report
  )
    -> Instruction.Kind
  {
    let args = request.args
    if args.isEmpty { report.fail(Messages.atLeastOneArgument("ONBUILD")) }
    var flags = FlagSet()
    report.fail(flags.parse(request.flags))
    var forbidden = false
    if let first = args.first {
      let trigger = string(GoText.trimSpace(Array(first.utf8))).uppercased()
      switch trigger {
      case "ONBUILD":
        report.fail(Messages.chainedOnbuild)
        forbidden = true
      case "MAINTAINER", "FROM":
        report.fail(Messages.forbiddenTrigger(trigger))
        forbidden = true
      default: break
      }
    }

    var expression = Self.removingOnbuildKeyword(request.original)
    for heredoc in request.heredocs {
      expression += "\n" + string(heredoc.content) + string(heredoc.name)
    }

    var trigger: Instruction?
    if !forbidden, var child = node.trigger {
      // The trigger runs later, in builds that start from this image: BuildKit parses it only
      // then, so its problems are warnings here.
      child.heredocs = node.heredocs
      child.startLine = node.startLine
      child.endLine = node.endLine
      let (parsed, diagnostics) = parse(child, range: range)
      trigger = parsed
      report.nested += diagnostics.map { diagnostic in
        var warning = diagnostic
        warning.severity = .warning
        return warning
      }
    }
    return .onbuild(.init(expression: expression, trigger: trigger))
  }

  /// `(?i)^\s*ONBUILD\s*` removed, `\s` being `[\t\n\f\r ]`.
  static func removingOnbuildKeyword(_ original: String) -> String {
    let bytes = Array(original.utf8)
    func isSpace(_ b: UInt8) -> Bool {
      b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D || b == 0x20
    }
    var i = 0
    while i < bytes.count, isSpace(bytes[i]) { i += 1 }
    let keyword = Array("onbuild".utf8)
    guard i + keyword.count <= bytes.count,
      zip(bytes[i..<(i + keyword.count)], keyword).allSatisfy({ a, b in a | 0x20 == b })
    else { return original }
    i += keyword.count
    while i < bytes.count, isSpace(bytes[i]) { i += 1 }
    return string(Array(bytes[i...]))
  }

  private func parseCopy(_ request: Request, isAdd: Bool, report: inout Report) -> Instruction.Kind
  {
    let command = isAdd ? "ADD" : "COPY"
    let args = request.args
    if args.count < 2 { report.fail(Messages.noDestinationArgument(command)) }
    var flags = FlagSet()
    flags.add("exclude", .strings)
    flags.add("chown", .string)
    flags.add("chmod", .string)
    flags.add("link", .bool)
    if isAdd {
      flags.add("keep-git-dir", .bool)
      flags.add("checksum", .string)
      flags.add("unpack", .bool)
    } else {
      flags.add("parents", .bool)
      flags.add("from", .string)
    }
    report.fail(flags.parse(request.flags))

    var sources: [Instruction.Expandable] = []
    var inline: [Instruction.InlineSource] = []
    var destination = Instruction.Expandable(raw: "")
    if let last = args.last {
      destination = .init(raw: last)
      if Self.heredoc(last) != nil { report.fail(Messages.badHeredoc(command, "a destination")) }
      var bodies: [String: Heredoc] = [:]
      for heredoc in request.heredocs { bodies[string(heredoc.name)] = heredoc }
      for source in args.dropLast() {
        if let heredoc = Self.heredoc(source) {
          let name = string(heredoc.name)
          var content = bodies[name].map { string($0.content) } ?? ""
          if heredoc.chomp { content = Self.chomped(content) }
          inline.append(.init(name: name, content: content, expands: heredoc.expand))
        } else {
          sources.append(.init(raw: source))
        }
      }
    }

    func optional(_ name: String) -> Instruction.Expandable? {
      flags.given(name).map { Instruction.Expandable(raw: $0) }
    }
    let copy = Instruction.Copy(
      sources: sources, inlineSources: inline, destination: destination,
      from: isAdd ? nil : flags.given("from"), fromStage: nil,
      chown: optional("chown"), chmod: flags.given("chmod"), link: flags.bool("link"),
      parents: !isAdd && flags.bool("parents"), exclude: flags.strings("exclude"),
      checksum: isAdd ? optional("checksum") : nil,
      keepGitDir: isAdd && flags.used.contains("keep-git-dir") ? flags.bool("keep-git-dir") : nil,
      unpack: isAdd && flags.used.contains("unpack") ? flags.bool("unpack") : nil)
    return isAdd ? .add(copy) : .copy(copy)
  }

  /// `parser.MustParseHeredoc`.
  static func heredoc(_ word: String) -> Heredoc? {
    switch HeredocScanner.heredoc(fromWord: Array(word.utf8)) {
    case .success(let heredoc): heredoc
    case .failure: nil
    }
  }

  /// `parser.ChompHeredocContent`: leading tabs removed from every line.
  static func chomped(_ content: String) -> String {
    var out: [UInt8] = []
    var atLineStart = true
    for b in content.utf8 {
      if atLineStart, b == 0x09 { continue }
      atLineStart = b == 0x0A
      out.append(b)
    }
    return string(out)
  }

  private func parseRun(_ request: Request, report: inout Report) -> Instruction.Kind {
    // The pre-hooks declare the flags, in the order Go runs the files' init functions.
    var flags = FlagSet()
    flags.add("device", .strings)
    flags.add("mount", .strings)
    flags.add("network", .string, default: "default")
    flags.add("security", .string, default: "sandbox")
    report.fail(flags.parse(request.flags))
    let command = request.commandLine(request.args)

    // The post-hooks, in the same order.
    var devices: [Instruction.Device] = []
    for value in flags.strings("device") {
      switch Self.device(value) {
      case .success(let device): devices.append(device)
      case .failure(let message): report.fail(message.text)
      }
    }
    var mounts: [Instruction.Mount] = []
    for value in flags.strings("mount") {
      let (mount, error) = Self.mount(value)
      mounts.append(mount)
      if let error { report.fail(error) }
    }
    let network = flags.string("network")
    if !["default", "none", "host"].contains(network) {
      report.fail("invalid network mode \(GoValues.quoted(network))")
    }
    let security = flags.string("security")
    if !["insecure", "sandbox"].contains(security) {
      report.fail("security \(GoValues.quoted(security)) is not valid")
    }
    return .run(
      .init(
        command: command, mounts: mounts, network: flags.given("network"),
        security: flags.given("security"), devices: devices))
  }

  private func parseHealthcheck(_ request: Request, report: inout Report) -> Instruction.Healthcheck
  {
    let args = request.args
    guard let first = args.first else {
      report.fail(Messages.atLeastOneArgument("HEALTHCHECK"))
      return .init(test: [], command: nil)
    }
    var type = first.uppercased()
    let rest = Array(args.dropFirst())
    if type == "NONE" {
      // BuildKit does not parse flags for NONE.
      if !rest.isEmpty { report.fail(Messages.healthcheckNoneArguments) }
      return .init(test: [type], command: nil)
    }
    var flags = FlagSet()
    for name in ["interval", "timeout", "start-period", "start-interval", "retries"] {
      flags.add(name, .string)
    }
    report.fail(flags.parse(request.flags))

    var health = Instruction.Healthcheck(test: [], command: nil)
    if type == "CMD" {
      let command = request.commandArguments(rest)
      if command.isEmpty { report.fail(Messages.healthcheckMissingCommand) }
      if !request.isJSON { type = "CMD-SHELL" }
      health.test = [type] + command
      health.command = .init(isExecForm: request.isJSON, arguments: command, heredocs: [])
    } else {
      report.fail(Messages.healthcheckUnknownType(type))
    }

    func interval(_ name: String) -> Duration? {
      let value = flags.string(name)
      if value.isEmpty { return nil }
      switch GoValues.parseDuration(value) {
      case .failure(let message):
        report.fail(message.text)
        return nil
      case .success(let nanoseconds):
        if nanoseconds == 0 { return nil }
        if nanoseconds < 1_000_000 {
          report.fail(Messages.intervalTooShort(name))
          return nil
        }
        return .nanoseconds(nanoseconds)
      }
    }
    health.interval = interval("interval")
    health.timeout = interval("timeout")
    health.startPeriod = interval("start-period")
    health.startInterval = interval("start-interval")
    let retries = flags.string("retries")
    if !retries.isEmpty {
      switch GoValues.parseInt32(retries) {
      case .failure(let message): report.fail(message.text)
      case .success(let value):
        if value < 0 {
          report.fail(Messages.negativeRetries(value))
        } else {
          health.retries = Int(value)
        }
      }
    }
    return health
  }
}

// MARK: - RUN --mount and --device (commands_runmount.go, commands_rundevice.go)

extension InstructionParser {
  static let mountTypes = ["bind", "cache", "tmpfs", "secret", "ssh"]
  static let sharingModes = ["shared", "private", "locked"]
  /// The keys `parseMount` suggests from, in its order.
  static let mountKeys = [
    "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode",
    "uid", "gid", "src", "dst", "destination", "ro", "rw", "readwrite", "env",
  ]

  /// A mount as `ParseInstruction` sees it (no expander): the CSV must parse, and `from=` must not
  /// use a variable. Everything else is checked once the values are expanded.
  static func mount(_ value: String) -> (Instruction.Mount, String?) {
    var mount = Instruction.Mount(raw: value, fields: [], options: nil, fromStage: nil)
    let fields: [String]
    switch GoValues.csvFields(value) {
    case .failure(let message): return (mount, "failed to parse csv mounts: \(message.text)")
    case .success(let parsed): fields = parsed
    }
    var error: String?
    for field in fields {
      let (key, value) = cut(field)
      let lowered = key.lowercased()
      mount.fields.append(.init(key: lowered, value: value.map { Instruction.Expandable(raw: $0) }))
      if lowered == "from", let value, error == nil {
        let bytes = Array(value.utf8)
        if let dollar = bytes.firstIndex(of: UInt8(ascii: "$")), dollar != bytes.count - 1 {
          error = "'\(lowered)' doesn't support variable expansion, define alias stage instead"
        }
      }
    }
    return (mount, error)
  }

  /// `parseMount` with an expander: nil while a value is not known, else the options or
  /// BuildKit's error.
  static func mountOptions(_ mount: Instruction.Mount) -> Result<
    Instruction.Mount.Options, Message
  >? {
    guard case .success(let written) = GoValues.csvFields(mount.raw),
      written.count == mount.fields.count
    else { return nil }
    var values: [String?] = []
    for field in mount.fields {
      if let value = field.value {
        guard let expanded = value.expanded else { return nil }
        values.append(expanded)
      } else {
        values.append(nil)
      }
    }

    var m = Instruction.Mount.Options(type: "bind", readOnly: false, required: false)
    var readOnlyIsAutomatic = true
    func unexpectedKey(_ key: String) -> Message {
      Message("unexpected key '\(key)' for mount type '\(m.type)'")
    }
    for (index, field) in mount.fields.enumerated() {
      let key = field.key
      guard let value = values[index] else {
        switch key {
        case "readonly", "ro":
          m.readOnly = true
          readOnlyIsAutomatic = false
        case "readwrite", "rw":
          m.readOnly = false
          readOnlyIsAutomatic = false
        case "required":
          guard m.type == "secret" || m.type == "ssh" else { return .failure(unexpectedKey(key)) }
          m.required = true
        default:
          return .failure(Message("invalid field '\(written[index])' must be a key=value pair"))
        }
        continue
      }
      func invalidValue() -> Message { Message("invalid value for \(key): \(value)") }
      switch key {
      case "type":
        let type = value.lowercased()
        guard mountTypes.contains(type) else {
          return .failure(
            withSuggestion(
              "unsupported mount type \(GoValues.quoted(value))", value: value,
              among: mountTypes.sorted(),
              caseSensitive: true))
        }
        m.type = type
      case "from": m.from = value
      case "source", "src": m.source = value
      case "target", "dst", "destination": m.target = value
      case "readonly", "ro":
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.readOnly = flag
        readOnlyIsAutomatic = false
      case "readwrite", "rw":
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.readOnly = !flag
        readOnlyIsAutomatic = false
      case "required":
        guard m.type == "secret" || m.type == "ssh" else { return .failure(unexpectedKey(key)) }
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.required = flag
      case "size":
        guard m.type == "tmpfs" else { return .failure(unexpectedKey(key)) }
        guard let size = GoValues.ramInBytes(value) else { return .failure(invalidValue()) }
        m.sizeLimit = size
      case "id": m.id = value
      case "sharing":
        let sharing = value.lowercased()
        guard sharingModes.contains(sharing) else {
          return .failure(
            withSuggestion(
              "unsupported sharing value \(GoValues.quoted(value))", value: value,
              among: sharingModes.sorted(), caseSensitive: true))
        }
        m.sharing = sharing
      case "mode":
        guard let mode = GoValues.parseUint32(value, base: 8) else {
          return .failure(Message("invalid value \(value) for mode"))
        }
        m.mode = mode
      case "uid":
        guard let uid = GoValues.parseUint32(value, base: 10) else {
          return .failure(Message("invalid value \(value) for uid"))
        }
        m.uid = uid
      case "gid":
        guard let gid = GoValues.parseUint32(value, base: 10) else {
          return .failure(Message("invalid value \(value) for gid"))
        }
        m.gid = gid
      case "env": m.env = value
      default:
        return .failure(
          withSuggestion(
            "unexpected key '\(key)' in '\(written[index])'", value: key, among: mountKeys,
            caseSensitive: true))
      }
    }

    let fileInfoAllowed = ["secret", "ssh", "cache"].contains(m.type)
    if !fileInfoAllowed {
      for (isSet, what) in [(m.mode != nil, "mode"), (m.uid != nil, "uid"), (m.gid != nil, "gid")]
      where isSet {
        return .failure(Message("\(what) not allowed for \(GoValues.quoted(m.type)) type mounts"))
      }
    }
    if readOnlyIsAutomatic { m.readOnly = !(m.type == "cache" || m.type == "tmpfs") }
    if m.type == "secret" {
      if !(m.from ?? "").isEmpty { return .failure(Message("secret mount should not have a from")) }
      if !(m.sharing ?? "").isEmpty {
        return .failure(Message("secret mount should not define sharing"))
      }
      if (m.source ?? "").isEmpty, (m.target ?? "").isEmpty, (m.id ?? "").isEmpty {
        return .failure(Message("invalid secret mount. one of source, target required"))
      }
      if !(m.source ?? "").isEmpty, !(m.id ?? "").isEmpty {
        return .failure(Message("both source and id can't be set"))
      }
    }
    if !(m.sharing ?? "").isEmpty, m.type != "cache" {
      return .failure(Message("invalid cache sharing set for \(m.type) mount"))
    }
    return .success(m)
  }

  /// `ParseDevice`.
  static func device(_ value: String) -> Result<Instruction.Device, Message> {
    let fields: [String]
    switch GoValues.csvFields(value) {
    case .failure(let message):
      return .failure(Message("failed to parse csv devices: \(message.text)"))
    case .success(let parsed): fields = parsed
    }
    var device = Instruction.Device(name: "", isRequired: false)
    for field in fields {
      let (rawKey, value) = cut(field)
      let key = rawKey.lowercased()
      guard let value else {
        if key == "required" {
          device.isRequired = true
        } else if device.name.isEmpty {
          device.name = field
        } else {
          return .failure(Message("invalid field '\(field)' must be a key=value pair"))
        }
        continue
      }
      switch key {
      case "name":
        if !device.name.isEmpty {
          return .failure(Message("device name already set to \(device.name)"))
        }
        device.name = value
      case "required":
        guard let flag = GoValues.parseBool(value) else {
          return .failure(Message("invalid value for \(key): \(value)"))
        }
        device.isRequired = flag
      default:
        if device.name.isEmpty {
          device.name = field
          continue
        }
        return .failure(
          withSuggestion(
            "unexpected key '\(key)' in '\(field)'", value: key, among: ["name", "required"],
            caseSensitive: true))
      }
    }
    return .success(device)
  }

  /// Go's `strings.Cut(s, "=")`.
  private static func cut(_ field: String) -> (String, String?) {
    guard let equals = field.firstIndex(of: "=") else { return (field, nil) }
    return (String(field[..<equals]), String(field[field.index(after: equals)...]))
  }
}

// MARK: - Suggestions (util/suggest)

extension InstructionParser {
  /// `suggest.WrapErrorMaybe`: the option within edit distance 2 of `value`, the first of the
  /// closest; nil when `value` is itself an option or nothing is close.
  static func suggestion(for value: String, among options: [String], caseSensitive: Bool) -> String?
  {
    let original = value
    let value = caseSensitive ? value : value.lowercased()
    var match: String?
    var best = 3
    for option in options {
      let candidate = caseSensitive ? option : option.lowercased()
      if candidate == value { return nil }
      let distance = levenshtein(Array(value.unicodeScalars), Array(candidate.unicodeScalars))
      if distance < best {
        match = candidate
        best = distance
      }
    }
    guard let match else { return nil }
    return caseSensitive ? match : match.applyingCase(of: original)
  }

  static func withSuggestion(
    _ message: String, value: String, among options: [String], caseSensitive: Bool
  )
    -> Message
  {
    guard let match = suggestion(for: value, among: options, caseSensitive: caseSensitive) else {
      return Message(message)
    }
    return Message(message + " (did you mean \(match)?)")
  }

  static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

extension String {
  /// `suggest.matchCase`: upper case when `original` is all upper case, else lower case.
  fileprivate func applyingCase(of original: String) -> String {
    original == original.uppercased() && original != original.lowercased()
      ? uppercased() : lowercased()
  }
}

// MARK: - Expansion

extension InstructionParser {
  /// The expansion of a word that uses no variable; nil when it uses one or the lexer fails.
  static func variableFreeWord(_ raw: String, lexer: ShellLexer) -> String? {
    guard let word = try? lexer.processWord(Array(raw.utf8), environment: ShellVariables([])),
      word.usedNames.isEmpty, word.unsetNames.isEmpty
    else { return nil }
    return string(word.value)
  }

  static func variableFreeWords(_ raw: String, lexer: ShellLexer) -> [String]? {
    guard variableFreeWord(raw, lexer: lexer) != nil,
      let words = try? lexer.processWords(Array(raw.utf8), environment: ShellVariables([]))
    else { return nil }
    return words.map(string)
  }
}

// MARK: - Go value parsing

/// The Go standard library parsers BuildKit's instruction parsing relies on, with their error
/// texts.
enum GoValues {
  typealias Message = InstructionParser.Message

  /// Go's `%q` (and `%#v` of a string): `strconv.Quote`.
  static func quoted(_ text: String) -> String {
    var out: [UInt8] = []
    GoText.quote(Array(text.utf8), into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `strconv.ParseBool`.
  static func parseBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "TRUE", "true", "True": true
    case "0", "f", "F", "FALSE", "false", "False": false
    default: nil
    }
  }

  /// `strconv.ParseUint(text, base, 32)` for base 8 or 10.
  static func parseUint32(_ text: String, base: UInt64) -> UInt64? {
    if text.isEmpty { return nil }
    var value: UInt64 = 0
    for b in text.utf8 {
      guard b >= 0x30, UInt64(b - 0x30) < base else { return nil }
      value = value * base + UInt64(b - 0x30)
      if value > UInt64(UInt32.max) { return nil }
    }
    return value
  }

  /// `strconv.ParseInt(text, 10, 32)`, with its error text.
  static func parseInt32(_ text: String) -> Result<Int64, Message> {
    func failure(_ reason: String) -> Result<Int64, Message> {
      .failure(Message("strconv.ParseInt: parsing \(GoValues.quoted(text)): \(reason)"))
    }
    var bytes = Substring(text).utf8[...]
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    if bytes.isEmpty { return failure("invalid syntax") }
    var value: UInt64 = 0
    var overflow = false
    for b in bytes {
      guard (0x30...0x39).contains(b) else { return failure("invalid syntax") }
      if !overflow {
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (plus, o2) = times.addingReportingOverflow(UInt64(b - 0x30))
        if o1 || o2 { overflow = true } else { value = plus }
      }
    }
    let limit: UInt64 = negative ? 1 << 31 : (1 << 31) - 1
    if overflow || value > limit { return failure("value out of range") }
    return .success(negative ? -Int64(value) : Int64(value))
  }

  /// `strconv.Atoi`: nil when the text is not a decimal integer.
  static func atoi(_ text: String) -> Int? {
    var bytes = Substring(text).utf8[...]
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    if bytes.isEmpty { return nil }
    var value = 0
    for b in bytes {
      guard (0x30...0x39).contains(b) else { return nil }
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (plus, o2) = times.addingReportingOverflow(Int(b - 0x30))
      if o1 || o2 { return nil }
      value = plus
    }
    return negative ? -value : value
  }

  /// `time.ParseDuration`, in nanoseconds, with its error texts.
  static func parseDuration(_ text: String) -> Result<Int64, Message> {
    let quoted = timeQuoted(text)
    let invalid = Message("time: invalid duration \(quoted)")
    var s = Array(text.utf8)[...]
    var total: UInt64 = 0
    var negative = false
    if let c = s.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
      negative = c == UInt8(ascii: "-")
      s = s.dropFirst()
    }
    if Array(s) == [UInt8(ascii: "0")] { return .success(0) }
    if s.isEmpty { return .failure(invalid) }
    let limit: UInt64 = 1 << 63
    func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    while let c = s.first {
      guard c == UInt8(ascii: ".") || isDigit(c) else { return .failure(invalid) }
      // Integer part.
      var v: UInt64 = 0
      var consumed = 0
      while let d = s.first, isDigit(d) {
        if v > limit / 10 { return .failure(invalid) }
        v = v * 10 + UInt64(d - 0x30)
        if v > limit { return .failure(invalid) }
        s = s.dropFirst()
        consumed += 1
      }
      let hasInteger = consumed > 0
      // Fraction.
      var fraction: UInt64 = 0
      var scale: Double = 1
      var hasFraction = false
      if s.first == UInt8(ascii: ".") {
        s = s.dropFirst()
        var overflow = false
        while let d = s.first, isDigit(d) {
          hasFraction = true
          s = s.dropFirst()
          if overflow { continue }
          if fraction > (limit - 1) / 10 {
            overflow = true
            continue
          }
          let next = fraction * 10 + UInt64(d - 0x30)
          if next > limit {
            overflow = true
            continue
          }
          fraction = next
          scale *= 10
        }
      }
      if !hasInteger && !hasFraction { return .failure(invalid) }
      // Unit.
      var unitEnd = s.startIndex
      while unitEnd < s.endIndex, s[unitEnd] != UInt8(ascii: "."), !isDigit(s[unitEnd]) {
        unitEnd += 1
      }
      if unitEnd == s.startIndex {
        return .failure(Message("time: missing unit in duration \(quoted)"))
      }
      let unitBytes = Array(s[s.startIndex..<unitEnd])
      s = s[unitEnd...]
      let unitText = String(decoding: unitBytes, as: UTF8.self)
      let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
      ]
      // A unit with invalid UTF-8 must not decode into `µs`.
      guard let unit = units[unitText], unitText.utf8.elementsEqual(unitBytes) else {
        return .failure(
          Message("time: unknown unit \(timeQuoted(unitBytes)) in duration \(quoted)"))
      }
      if v > limit / unit { return .failure(invalid) }
      v *= unit
      if fraction > 0 {
        v += UInt64(Double(fraction) * (Double(unit) / scale))
        if v > limit { return .failure(invalid) }
      }
      let (sum, overflow) = total.addingReportingOverflow(v)
      if overflow || sum > limit { return .failure(invalid) }
      total = sum
    }
    if negative { return .success(total == limit ? Int64.min : -Int64(total)) }
    if total > limit - 1 { return .failure(invalid) }
    return .success(Int64(total))
  }

  /// The `time` package's own `quote`: non-ASCII and control bytes as `\xNN`.
  static func timeQuoted(_ text: String) -> String { timeQuoted(Array(text.utf8)) }

  static func timeQuoted(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for b in bytes {
      if b >= 0x80 || b < 0x20 {
        out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
      } else {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
        out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// `units.RAMInBytes`: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$` with binary multiples.
  static func ramInBytes(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    var i = 0
    func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    guard i > 0 else { return nil }
    var dots = 0
    while i + 1 < bytes.count, bytes[i] == UInt8(ascii: "."), isDigit(bytes[i + 1]) {
      dots += 1
      i += 1
      while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    }
    // `strconv.ParseFloat` rejects a number with two dots.
    guard dots <= 1, let number = Double(String(decoding: bytes[0..<i], as: UTF8.self)) else {
      return nil
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
    var multiplier: Double = 1
    if i < bytes.count {
      let powers: [UInt8: Double] = [
        UInt8(ascii: "k"): 1, UInt8(ascii: "m"): 2, UInt8(ascii: "g"): 3, UInt8(ascii: "t"): 4,
        UInt8(ascii: "p"): 5,
      ]
      if let power = powers[bytes[i] | 0x20] {
        multiplier = Double(1 << (10 * Int(power)))
        i += 1
      }
    }
    if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "i") { i += 1 }
    if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "b") { i += 1 }
    guard i == bytes.count else { return nil }
    let size = number * multiplier
    guard size < 9.2e18 else { return nil }
    return Int64(size)
  }

  /// `csvvalue.Fields`: one CSV record, with `encoding/csv`'s error texts.
  static func csvFields(_ text: String) -> Result<[String], Message> {
    var line = Array(text.utf8)
    if line.last == 0x0A {
      line.removeLast()
      if line.last == 0x0D { line.removeLast() }
    }
    if line.isEmpty { return .failure(Message("EOF")) }
    let quote = UInt8(ascii: "\"")
    let comma = UInt8(ascii: ",")
    func parseError(column: Int, _ reason: String) -> Result<[String], Message> {
      .failure(Message("parse error on line 1, column \(column): \(reason)"))
    }
    var fields: [[UInt8]] = []
    var i = 0
    let n = line.count
    fieldLoop: while true {
      if i == n || line[i] != quote {
        let end = line[i...].firstIndex(of: comma) ?? n
        if let bare = line[i..<end].firstIndex(of: quote) {
          return parseError(column: bare + 1, "bare \" in non-quoted field")
        }
        fields.append(Array(line[i..<end]))
        if end < n {
          i = end + 1
          continue
        }
        break
      }
      i += 1
      var halfOpen = false
      while true {
        guard let closing = line[i...].firstIndex(of: quote) else {
          return parseError(column: i + 1, "extraneous or missing \" in quoted-field")
        }
        if halfOpen, !fields.isEmpty {
          fields[fields.count - 1] += line[i..<closing]
        } else {
          fields.append(Array(line[i..<closing]))
        }
        halfOpen = false
        i = closing + 1
        if i < n, line[i] == quote {
          fields[fields.count - 1].append(quote)
          i += 1
          halfOpen = true
        } else if i < n, line[i] == comma {
          i += 1
          continue fieldLoop
        } else if i == n {
          break fieldLoop
        } else {
          return parseError(column: i, "extraneous or missing \" in quoted-field")
        }
      }
    }
    return .success(fields.map { String(decoding: $0, as: UTF8.self) })
  }
}
