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
