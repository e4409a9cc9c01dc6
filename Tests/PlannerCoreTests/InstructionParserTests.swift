import Testing

@testable import PlannerCore

/// Expected texts come from BuildKit's sources (`instructions/parse.go`, `bflag.go`,
/// `commands_runmount.go`, `commands_rundevice.go`, `commands_runnetwork.go`,
/// `commands_runsecurity.go`, `linter/ruleset.go`, Go's `time` and `strconv` packages) and from
/// BuildKit's own `parse_test.go` cases.
@Suite("Instruction parser")
struct InstructionParserTests {
  /// Parses `source` and returns its last instruction, typed.
  func parse(_ source: String) throws -> (instruction: Instruction, diagnostics: [Diagnostic]) {
    let tree = try DockerfileParser().parse(source).get()
    let node = try #require(tree.instructions.last)
    return InstructionParser(escapeToken: tree.escapeToken).parse(node)
  }

  func errors(_ source: String) throws -> [String] {
    try parse(source).diagnostics.filter { $0.severity == .error }.map(\.message)
  }

  func warnings(_ source: String) throws -> [String] {
    try parse(source).diagnostics.filter { $0.severity == .warning }.map(\.message)
  }

  // MARK: Errors

  struct ErrorCase: CustomTestStringConvertible, Sendable {
    var source: String
    var message: String
    var testDescription: String { source }
  }

  static let errorCases: [ErrorCase] = [
    // Argument counts (parse_test.go: TestCommandsExactlyOneArgument and friends).
    .init(source: "MAINTAINER", message: "MAINTAINER requires exactly one argument"),
    .init(source: "WORKDIR", message: "WORKDIR requires exactly one argument"),
    .init(source: "USER", message: "USER requires exactly one argument"),
    .init(source: "STOPSIGNAL", message: "STOPSIGNAL requires exactly one argument"),
    .init(source: "ENV", message: "ENV requires at least one argument"),
    .init(source: "LABEL", message: "LABEL requires at least one argument"),
    .init(source: "ONBUILD", message: "ONBUILD requires at least one argument"),
    .init(source: "HEALTHCHECK", message: "HEALTHCHECK requires at least one argument"),
    .init(source: "EXPOSE", message: "EXPOSE requires at least one argument"),
    .init(source: "VOLUME", message: "VOLUME requires at least one argument"),
    .init(source: "ARG", message: "ARG requires at least one argument"),
    .init(
      source: "ADD arg1",
      message:
        "ADD requires at least two arguments, but only one was provided. Destination could not be determined"
    ),
    .init(
      source: "COPY arg1",
      message:
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined"
    ),
    .init(source: "ENV =arg2", message: "ENV names can not be blank"),
    .init(source: "LABEL =arg2", message: "LABEL names can not be blank"),
    .init(source: "ARG =x", message: "ARG names can not be blank"),
    .init(source: "FROM a b", message: "FROM requires either one or three arguments"),
    .init(source: "FROM", message: "FROM requires either one or three arguments"),
    .init(
      source: "FROM alpine AS 1st",
      message:
        "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
    .init(
      source: "FROM alpine AS my$stage",
      message:
        "invalid name for build stage: \"my$stage\", name can't start with a number or contain symbols"
    ),
    // ONBUILD triggers.
    .init(source: "ONBUILD FROM scratch", message: "FROM isn't allowed as an ONBUILD trigger"),
    .init(
      source: "ONBUILD maintainer me", message: "MAINTAINER isn't allowed as an ONBUILD trigger"),
    .init(
      source: "ONBUILD ONBUILD RUN touch foobar",
      message: "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
    // Flags (bflag.go).
    .init(source: "MAINTAINER --boo joe@example.com", message: "unknown flag: --boo"),
    .init(source: "ENV --x=1 A=b", message: "unknown flag: --x"),
    .init(source: "COPY --form=build a b", message: "unknown flag: --form (did you mean from?)"),
    .init(source: "COPY --checksum=sha256:0 a b", message: "unknown flag: --checksum"),
    .init(
      source: "FROM --platfrom=linux/amd64 alpine",
      message: "unknown flag: --platfrom (did you mean platform?)"),
    .init(source: "COPY --from=a --from=b x y", message: "duplicate flag specified: --from"),
    .init(source: "COPY --link --link x y", message: "duplicate flag specified: --link"),
    .init(source: "COPY --from x y", message: "missing a value on flag: --from"),
    .init(source: "COPY --exclude x y", message: "missing a value on flag: --exclude"),
    .init(source: "COPY --link= x y", message: "missing a value on flag: --link"),
    .init(
      source: "COPY --link=yes x y", message: "expecting boolean value for flag --link, not: yes"),
    .init(source: "RUN --mount true", message: "missing a value on flag: --mount"),
    // HEALTHCHECK.
    .init(source: "HEALTHCHECK NONE foo", message: "HEALTHCHECK NONE takes no arguments"),
    .init(source: "HEALTHCHECK CMD", message: "Missing command after HEALTHCHECK CMD"),
    .init(source: "HEALTHCHECK foo bar", message: "Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
    .init(
      source: "HEALTHCHECK --interval=50ns CMD true",
      message: "Interval \"interval\" cannot be less than 1ms"),
    .init(
      source: "HEALTHCHECK --start-period=999us CMD true",
      message: "Interval \"start-period\" cannot be less than 1ms"),
    .init(
      source: "HEALTHCHECK --timeout=-1s CMD true",
      message: "Interval \"timeout\" cannot be less than 1ms"),
    .init(source: "HEALTHCHECK --timeout=abc CMD true", message: "time: invalid duration \"abc\""),
    .init(
      source: "HEALTHCHECK --timeout=10 CMD true", message: "time: missing unit in duration \"10\""),
    .init(
      source: "HEALTHCHECK --timeout=10x CMD true",
      message: "time: unknown unit \"x\" in duration \"10x\""),
    .init(source: "HEALTHCHECK --timeout=.s CMD true", message: "time: invalid duration \".s\""),
    .init(
      source: "HEALTHCHECK --retries=-1 CMD true", message: "--retries cannot be negative (-1)"),
    .init(
      source: "HEALTHCHECK --retries=x CMD true",
      message: "strconv.ParseInt: parsing \"x\": invalid syntax"),
    .init(
      source: "HEALTHCHECK --retries=9999999999 CMD true",
      message: "strconv.ParseInt: parsing \"9999999999\": value out of range"),
    // Levenshtein distance 3 is too far for a suggestion; 2 is close enough.
    .init(source: "HEALTHCHECK --retry=3 CMD true", message: "unknown flag: --retry"),
    .init(
      source: "HEALTHCHECK --retires=3 CMD true",
      message: "unknown flag: --retires (did you mean retries?)"),
    // SHELL and VOLUME.
    .init(source: "SHELL /bin/sh -c", message: "SHELL requires the arguments to be in JSON form"),
    .init(source: "SHELL []", message: "SHELL requires at least one argument"),
    .init(source: "VOLUME [\"\"]", message: "VOLUME specified can not be an empty string"),
    .init(source: "VOLUME [\" \"]", message: "VOLUME specified can not be an empty string"),
    // Here-documents.
    .init(
      source: "COPY a <<EOF\nx\nEOF\n", message: "COPY cannot accept a heredoc as a destination"),
    .init(
      source: "ADD a <<-EOF\nx\nEOF\n", message: "ADD cannot accept a heredoc as a destination"),
    // RUN flags.
    .init(source: "RUN --network=bridge true", message: "invalid network mode \"bridge\""),
    .init(source: "RUN --security=foo true", message: "security \"foo\" is not valid"),
    .init(
      source: "RUN --mont=type=cache true", message: "unknown flag: --mont (did you mean mount?)"),
    // RUN --mount (commands_runmount.go).
    .init(source: "RUN --mount= true", message: "failed to parse csv mounts: EOF"),
    .init(
      source: "RUN --mount=target=\\\"x true",
      message:
        "failed to parse csv mounts: parse error on line 1, column 8: bare \" in non-quoted field"),
    .init(
      source: "RUN --mount=from=$STAGE,target=/x true",
      message: "'from' doesn't support variable expansion, define alias stage instead"),
    .init(
      source: "RUN --mount=type=secret true",
      message: "invalid secret mount. one of source, target required"),
    .init(
      source: "RUN --mount=type=bind,mode=0755,target=/x true",
      message: "mode not allowed for \"bind\" type mounts"),
    .init(
      source: "RUN --mount=type=tmpfs,uid=1,target=/x true",
      message: "uid not allowed for \"tmpfs\" type mounts"),
    .init(
      source: "RUN --mount=type=cachee,target=/x true",
      message: "unsupported mount type \"cachee\" (did you mean cache?)"),
    .init(
      source: "RUN --mount=type=cache,target=/x,sharing=lock true",
      message: "unsupported sharing value \"lock\" (did you mean locked?)"),
    .init(
      source: "RUN --mount=type=cache,taget=/x true",
      message: "unexpected key 'taget' in 'taget=/x' (did you mean target?)"),
    .init(
      source: "RUN --mount=type=bind,required,target=/x true",
      message: "unexpected key 'required' for mount type 'bind'"),
    .init(
      source: "RUN --mount=type=cache,size=1m,target=/x true",
      message: "unexpected key 'size' for mount type 'cache'"),
    .init(
      source: "RUN --mount=type=tmpfs,size=abc,target=/t true",
      message: "invalid value for size: abc"),
    .init(
      source: "RUN --mount=type=cache,target=/x,uid=x true", message: "invalid value x for uid"),
    .init(
      source: "RUN --mount=type=cache,target=/x,mode=9 true", message: "invalid value 9 for mode"),
    .init(
      source: "RUN --mount=type=bind,target=/x,ro=maybe true",
      message: "invalid value for ro: maybe"),
    .init(
      source: "RUN --mount=type=cache,target=/x,foo true",
      message: "invalid field 'foo' must be a key=value pair"),
    .init(
      source: "RUN --mount=type=secret,id=x,from=y true",
      message: "secret mount should not have a from"),
    .init(
      source: "RUN --mount=type=secret,id=x,sharing=locked true",
      message: "secret mount should not define sharing"),
    .init(
      source: "RUN --mount=type=secret,source=a,id=b true",
      message: "both source and id can't be set"),
    .init(
      source: "RUN --mount=type=bind,target=/x,sharing=locked true",
      message: "invalid cache sharing set for bind mount"),
    // RUN --device (commands_rundevice.go).
    .init(source: "RUN --device=a,b true", message: "invalid field 'b' must be a key=value pair"),
    .init(source: "RUN --device=a,name=b true", message: "device name already set to a"),
    .init(
      source: "RUN --device=name=a,required=maybe true",
      message: "invalid value for required: maybe"),
    .init(
      source: "RUN --device=name=a,requird=true true",
      message: "unexpected key 'requird' in 'requird=true' (did you mean required?)"),
  ]

  @Test("reports BuildKit's error", arguments: errorCases)
  func reportsBuildKitsError(_ example: ErrorCase) throws {
    #expect(try errors(example.source) == [example.message])
  }

  @Test func onlyTheFirstErrorOfAnInstructionIsReportedAsBuildKitStopsThere() throws {
    // The argument count is checked before the flags.
    #expect(
      try errors("COPY --bogus a") == [InstructionParser.Messages.noDestinationArgument("COPY")])
    // FROM checks its arguments before its flags too.
    #expect(try errors("FROM --bogus=1 a b") == ["FROM requires either one or three arguments"])
    // HEALTHCHECK parses its flags before it looks at the type.
    #expect(try errors("HEALTHCHECK --bogus=1 FOO") == ["unknown flag: --bogus"])
  }

  @Test func instructionsThatNeverParseFlagsIgnoreThem() throws {
    #expect(try errors("ARG --bogus=1 A").isEmpty)
    #expect(try errors("STOPSIGNAL --bogus SIGKILL").isEmpty)
    #expect(try errors("HEALTHCHECK --bogus=1 NONE").isEmpty)
  }

  @Test func aDoubleDashEndsTheFlags() throws {
    var flags = InstructionParser.FlagSet()
    flags.add("from", .string)
    #expect(flags.parse(["--from=a", "--", "--bogus"]) == nil)
    #expect(flags.string("from") == "a")
    #expect(flags.parse(["bogus"])?.text == "arg should start with -- : bogus")
  }

  // MARK: Warnings

  @Test func anUnknownInstructionIsAWarningWithBuildKitsSuggestion() throws {
    let (instruction, diagnostics) = try parse("RUNN echo hi")
    #expect(diagnostics.map(\.severity) == [.warning])
    #expect(diagnostics.map(\.message) == ["unknown instruction: RUNN (did you mean RUN?)"])
    #expect(instruction.kind == .unknown("runn"))
    #expect(instruction.keyword == "RUNN")
    // parse_test.go only checks the prefix; `foo` is two edits from `from`, `xyz` three from all.
    // Go keeps a mixed-case keyword's suggestion lower case.
    #expect(try warnings("foo bar") == ["unknown instruction: foo (did you mean from?)"])
    #expect(try warnings("FOO bar") == ["unknown instruction: FOO (did you mean FROM?)"])
    #expect(try warnings("xyz baz") == ["unknown instruction: xyz"])
    #expect(try warnings("copyy a b") == ["unknown instruction: copyy (did you mean copy?)"])
    #expect(try warnings("Copyy a b") == ["unknown instruction: Copyy (did you mean copy?)"])
  }

  @Test func maintainerIsDeprecated() throws {
    let (instruction, diagnostics) = try parse("MAINTAINER Jane <jane@example.com>")
    #expect(
      diagnostics.map(\.message) == ["Maintainer instruction is deprecated in favor of using label"]
    )
    #expect(diagnostics.map(\.severity) == [.warning])
    #expect(instruction.kind == .maintainer("Jane <jane@example.com>"))
  }

  @Test func fromLintsStageNameCasing() throws {
    #expect(try warnings("FROM alpine AS Build") == ["Stage name 'Build' should be lowercase"])
    #expect(
      try warnings("FROM alpine as build") == ["'as' and 'FROM' keywords' casing do not match"])
    #expect(
      try warnings("from alpine AS build") == ["'AS' and 'from' keywords' casing do not match"])
    #expect(try warnings("From alpine as build").isEmpty)
    #expect(try warnings("FROM alpine AS build").isEmpty)
  }

  @Test func problemsOfAnOnbuildTriggerAreWarnings() throws {
    let (instruction, diagnostics) = try parse("ONBUILD COPY onlyone")
    #expect(diagnostics.map(\.severity) == [.warning])
    #expect(
      diagnostics.map(\.message) == [InstructionParser.Messages.noDestinationArgument("COPY")])
    guard case .onbuild(let onbuild) = instruction.kind else {
      Issue.record("not an ONBUILD: \(instruction.kind)")
      return
    }
    #expect(onbuild.expression == "COPY onlyone")
    #expect(onbuild.trigger?.kind.name == "copy")
  }

  // MARK: Payloads

  @Test func fromKeepsImagePlatformAndName() throws {
    let (instruction, _) = try parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS Builder")
    guard case .from(let from) = instruction.kind else {
      Issue.record("not a FROM: \(instruction.kind)")
      return
    }
    #expect(from.image == .init(raw: "golang:1.22", expanded: "golang:1.22"))
    #expect(from.platform == .init(raw: "$BUILDPLATFORM", expanded: nil))
    #expect(from.stageName == "builder")
    #expect(from.stageNameAsWritten == "Builder")
    #expect(instruction.flags == [.init(name: "platform", value: "$BUILDPLATFORM")])
  }

  @Test func runKeepsShellAndExecForms() throws {
    let shell = try parse("RUN npm ci && npm run build").instruction
    #expect(
      shell.kind
        == .run(
          .init(
            command: .init(isExecForm: false, arguments: ["npm ci && npm run build"], heredocs: []),
            mounts: [], network: nil, security: nil, devices: [])))
    let exec = try parse("RUN [\"npm\", \"ci\"]").instruction
    guard case .run(let run) = exec.kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.command.isExecForm)
    #expect(run.command.arguments == ["npm", "ci"])
  }

  @Test func runParsesItsMounts() throws {
    let source = """
      RUN --mount=type=cache,target=/root/.npm,id=npm,sharing=LOCKED,uid=1000,mode=0755 \\
          --mount=type=bind,source=package.json,target=package.json \\
          --mount=type=tmpfs,target=/tmp,size=64m \\
          --mount=type=secret,id=token,env=TOKEN,required \\
          --mount=type=ssh \\
          --mount=type=bind,from=build,src=/out,dst=/in,rw npm ci
      """
    let (instruction, diagnostics) = try parse(source)
    #expect(diagnostics.isEmpty)
    guard case .run(let run) = instruction.kind else {
      Issue.record("not a RUN")
      return
    }
    let options = run.mounts.map(\.options)
    #expect(
      options[0]
        == .init(
          type: "cache", target: "/root/.npm", readOnly: false, id: "npm", sharing: "locked",
          required: false, mode: 0o755, uid: 1000))
    #expect(
      options[1]
        == .init(
          type: "bind", source: "package.json", target: "package.json", readOnly: true,
          required: false))
    #expect(
      options[2]
        == .init(
          type: "tmpfs", target: "/tmp", readOnly: false, required: false, sizeLimit: 64 << 20))
    #expect(
      options[3] == .init(type: "secret", readOnly: true, id: "token", required: true, env: "TOKEN")
    )
    #expect(options[4] == .init(type: "ssh", readOnly: true, required: false))
    #expect(
      options[5]
        == .init(
          type: "bind", from: "build", source: "/out", target: "/in", readOnly: false,
          required: false))
    #expect(
      run.mounts[0].fields.first
        == .init(key: "type", value: .init(raw: "cache", expanded: "cache")))
    #expect(instruction.flagValues("mount").count == 6)
  }

  @Test func aMountThatUsesAVariableWaitsForItsScope() throws {
    let (instruction, diagnostics) = try parse("RUN --mount=type=cache,target=$HOME/.cache true")
    #expect(diagnostics.isEmpty)
    guard case .run(let run) = instruction.kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.mounts[0].options == nil)
    #expect(
      run.mounts[0].fields[1]
        == .init(key: "target", value: .init(raw: "$HOME/.cache", expanded: nil)))
  }

  @Test func runParsesNetworkSecurityAndDevices() throws {
    let (instruction, diagnostics) = try parse(
      "RUN --network=none --security=insecure --device=name=gpu,required --device=/dev/fuse true")
    #expect(diagnostics.isEmpty)
    guard case .run(let run) = instruction.kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.network == "none")
    #expect(run.security == "insecure")
    #expect(
      run.devices == [
        .init(name: "gpu", isRequired: true), .init(name: "/dev/fuse", isRequired: false),
      ])
    let plain = try parse("RUN true").instruction
    guard case .run(let defaults) = plain.kind else { return }
    #expect(defaults.network == nil)
    #expect(defaults.security == nil)
  }

  @Test func runKeepsItsHeredocs() throws {
    let (instruction, _) = try parse("RUN <<EOF\necho hi\nEOF\n")
    guard case .run(let run) = instruction.kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.command.arguments == ["<<EOF"])
    #expect(run.command.heredocs.map { String(decoding: $0.name, as: UTF8.self) } == ["EOF"])
    #expect(instruction.range.start.line == 1)
    #expect(instruction.range.end.line == 3)
  }

  @Test func cmdEntrypointAndShellKeepTheirArguments() throws {
    #expect(
      try parse("CMD [\"node\", \"server.js\"]").instruction.kind
        == .cmd(.init(isExecForm: true, arguments: ["node", "server.js"], heredocs: [])))
    #expect(
      try parse("ENTRYPOINT exec node server.js").instruction.kind
        == .entrypoint(.init(isExecForm: false, arguments: ["exec node server.js"], heredocs: [])))
    #expect(
      try parse("SHELL [\"/bin/bash\", \"-c\"]").instruction.kind == .shell(["/bin/bash", "-c"]))
  }

  @Test func copyParsesEveryFlag() throws {
    let source =
      "COPY --from=build --chown=app:app --chmod=755 --link --parents --exclude=*.md --exclude=tmp src/ ./ /app/"
    let (instruction, diagnostics) = try parse(source)
    #expect(diagnostics.isEmpty)
    #expect(
      instruction.kind
        == .copy(
          .init(
            sources: [.init(raw: "src/", expanded: "src/"), .init(raw: "./", expanded: "./")],
            inlineSources: [],
            destination: .init(raw: "/app/", expanded: "/app/"), from: "build", fromStage: nil,
            chown: .init(raw: "app:app", expanded: "app:app"), chmod: "755", link: true,
            parents: true,
            exclude: ["*.md", "tmp"], checksum: nil, keepGitDir: nil, unpack: nil)))
  }

  @Test func addParsesEveryFlag() throws {
    let source =
      "ADD --checksum=sha256:abc --keep-git-dir=false --unpack=TRUE --link=false --chown=1:1 --exclude=x https://example.com/a.tar.gz /opt/"
    let (instruction, diagnostics) = try parse(source)
    #expect(diagnostics.isEmpty)
    guard case .add(let add) = instruction.kind else {
      Issue.record("not an ADD")
      return
    }
    #expect(add.checksum == .init(raw: "sha256:abc", expanded: "sha256:abc"))
    #expect(add.keepGitDir == false)
    #expect(add.unpack == true)
    #expect(add.link == false)
    #expect(add.exclude == ["x"])
    #expect(add.sources.map(\.raw) == ["https://example.com/a.tar.gz"])
    #expect(add.from == nil)
    let bare = try parse("ADD a b").instruction
    guard case .add(let plain) = bare.kind else { return }
    #expect(plain.keepGitDir == nil)
    #expect(plain.unpack == nil)
  }

  @Test func copyTakesHeredocSources() throws {
    let (instruction, diagnostics) = try parse(
      "COPY <<EOF <<-'TABS' /app/\nhello $X\nEOF\n\tindented\nTABS\n")
    #expect(diagnostics.isEmpty)
    guard case .copy(let copy) = instruction.kind else {
      Issue.record("not a COPY")
      return
    }
    #expect(copy.sources.isEmpty)
    #expect(
      copy.inlineSources == [
        .init(name: "EOF", content: "hello $X\n", expands: true),
        .init(name: "TABS", content: "indented\n", expands: false),
      ])
  }

  @Test func envAndLabelTakeBothForms() throws {
    let env = try parse("ENV A=1 B=\"two words\"").instruction
    #expect(
      env.kind
        == .env([
          .init(
            key: .init(raw: "A", expanded: "A"), value: .init(raw: "1", expanded: "1"),
            isLegacyForm: false),
          .init(
            key: .init(raw: "B", expanded: "B"),
            value: .init(raw: "\"two words\"", expanded: "two words"),
            isLegacyForm: false),
        ]))
    let legacy = try parse("ENV NODE_ENV production mode").instruction
    #expect(
      legacy.kind
        == .env([
          .init(
            key: .init(raw: "NODE_ENV", expanded: "NODE_ENV"),
            value: .init(raw: "production mode", expanded: "production mode"), isLegacyForm: true)
        ]))
    let label = try parse("LABEL org.opencontainers.image.title=planner version=$V").instruction
    guard case .label(let labels) = label.kind else {
      Issue.record("not a LABEL")
      return
    }
    #expect(labels.map(\.key.raw) == ["org.opencontainers.image.title", "version"])
    #expect(labels.map(\.value.expanded) == ["planner", nil])
  }

  @Test func argDeclaresSeveralNames() throws {
    let (instruction, diagnostics) = try parse("ARG A B=2 C=\"x y\"")
    #expect(diagnostics.isEmpty)
    #expect(
      instruction.kind
        == .arg([
          .init(name: "A"), .init(name: "B", defaultValue: .init(raw: "2", expanded: "2")),
          .init(name: "C", defaultValue: .init(raw: "\"x y\"", expanded: "x y")),
        ]))
  }

  @Test func exposeSortsItsPortsAsBuildKitDoes() throws {
    #expect(
      try parse("EXPOSE 8080 80/udp").instruction.kind
        == .expose([
          .init(raw: "80/udp", expanded: ["80/udp"]), .init(raw: "8080", expanded: ["8080"]),
        ]))
  }

  @Test func healthcheckParsesItsOptions() throws {
    let source =
      "HEALTHCHECK --interval=30s --timeout=1.5s --start-period=1m --start-interval=2s --retries=3 CMD curl -f http://localhost/"
    let (instruction, diagnostics) = try parse(source)
    #expect(diagnostics.isEmpty)
    guard case .healthcheck(let health) = instruction.kind else {
      Issue.record("not a HEALTHCHECK")
      return
    }
    #expect(health.test == ["CMD-SHELL", "curl -f http://localhost/"])
    #expect(health.interval == .seconds(30))
    #expect(health.timeout == .milliseconds(1500))
    #expect(health.startPeriod == .seconds(60))
    #expect(health.startInterval == .seconds(2))
    #expect(health.retries == 3)
    #expect(!health.isNone)

    let exec = try parse("HEALTHCHECK --interval=0s CMD [\"curl\", \"-f\"]").instruction
    guard case .healthcheck(let execHealth) = exec.kind else { return }
    #expect(execHealth.test == ["CMD", "curl", "-f"])
    #expect(execHealth.interval == nil)

    let none = try parse("healthcheck none").instruction
    guard case .healthcheck(let noneHealth) = none.kind else { return }
    #expect(noneHealth.test == ["NONE"])
    #expect(noneHealth.isNone)
  }

  @Test func onbuildKeepsItsExpressionAndTrigger() throws {
    let (instruction, diagnostics) = try parse("  onbuild   RUN echo hi")
    #expect(diagnostics.isEmpty)
    guard case .onbuild(let onbuild) = instruction.kind else {
      Issue.record("not an ONBUILD")
      return
    }
    #expect(onbuild.expression == "RUN echo hi")
    #expect(onbuild.trigger?.keyword == "RUN")
    #expect(onbuild.trigger?.kind.name == "run")
  }

  @Test func singleValueInstructionsExpandOnlyWithoutVariables() throws {
    #expect(
      try parse("WORKDIR /app").instruction.kind == .workdir(.init(raw: "/app", expanded: "/app")))
    #expect(
      try parse("WORKDIR $HOME/app").instruction.kind
        == .workdir(.init(raw: "$HOME/app", expanded: nil)))
    #expect(
      try parse("USER 'node'").instruction.kind == .user(.init(raw: "'node'", expanded: "node")))
    #expect(
      try parse("STOPSIGNAL SIGTERM").instruction.kind
        == .stopsignal(.init(raw: "SIGTERM", expanded: "SIGTERM")))
    #expect(
      try parse("VOLUME [\"/data\", \" /logs \"]").instruction.kind
        == .volume([.init(raw: "/data", expanded: "/data"), .init(raw: "/logs", expanded: "/logs")])
    )
    #expect(
      try parse("VOLUME /a /b").instruction.kind
        == .volume([.init(raw: "/a", expanded: "/a"), .init(raw: "/b", expanded: "/b")]))
  }

  @Test func flagsAreKeptInOrderWithTheirValues() throws {
    let instruction = try parse("COPY --link --from=x --exclude=a --exclude=b a b").instruction
    #expect(
      instruction.flags == [
        .init(name: "link", value: nil), .init(name: "from", value: "x"),
        .init(name: "exclude", value: "a"),
        .init(name: "exclude", value: "b"),
      ])
    #expect(instruction.flagValues("exclude") == ["a", "b"])
  }

  @Test func theRangeCoversContinuationLines() throws {
    let (instruction, _) = try parse("FROM alpine\nRUN a \\\n  b\n")
    #expect(instruction.range.start.line == 2)
    #expect(instruction.range.end.line == 3)
    #expect(instruction.original == "RUN a   b")
  }

  @Test func theParserNeverTrapsOnOddInput() throws {
    let sources = [
      "COPY", "ADD", "FROM --platform", "HEALTHCHECK CMD []", "ONBUILD", "RUN --mount=,,,",
      "RUN --device=",
      "RUN --mount=\"a,b\"\"c\" x", "HEALTHCHECK --interval=9223372036854775807h CMD x",
      "HEALTHCHECK --interval=1.00000000000000000000000000001s CMD x", "EXPOSE ${",
      "ENV A=${B:?oops}", "ARG A= B==",
    ]
    for source in sources { _ = try parse(source) }
  }

  // MARK: Go value parsing

  @Test func durationsParseLikeGo() throws {
    #expect(try GoValues.parseDuration("1h2m3.5s").get() == 3_723_500_000_000)
    #expect(try GoValues.parseDuration("0").get() == 0)
    #expect(try GoValues.parseDuration("-1.5ms").get() == -1_500_000)
    #expect(try GoValues.parseDuration("1\u{00B5}s").get() == 1000)
    #expect(throws: InstructionParser.Message.self) { try GoValues.parseDuration("").get() }
    #expect(throws: InstructionParser.Message("time: invalid duration \"9999999999h\"")) {
      try GoValues.parseDuration("9999999999h").get()
    }
    #expect(
      throws: InstructionParser.Message(
        "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"")
    ) {
      try GoValues.parseDuration("1é").get()
    }
  }

  @Test func csvFieldsParseLikeGo() throws {
    #expect(try GoValues.csvFields("a,\"b,c\",\"d\"\"e\",").get() == ["a", "b,c", "d\"e", ""])
    #expect(
      throws: InstructionParser.Message(
        "parse error on line 1, column 3: extraneous or missing \" in quoted-field")
    ) {
      try GoValues.csvFields("\"a\"b").get()
    }
    #expect(
      throws: InstructionParser.Message(
        "parse error on line 1, column 2: extraneous or missing \" in quoted-field")
    ) {
      try GoValues.csvFields("\"ab").get()
    }
  }

  @Test func sizesParseLikeGoUnits() {
    #expect(GoValues.ramInBytes("64m") == 64 << 20)
    #expect(GoValues.ramInBytes("1.5 GiB") == 3 << 29)
    #expect(GoValues.ramInBytes("10") == 10)
    #expect(GoValues.ramInBytes("1.2.3") == nil)
    #expect(GoValues.ramInBytes("m") == nil)
    #expect(GoValues.ramInBytes("1x") == nil)
  }
}
