import Foundation
import Testing

@testable import PlannerCore

/// Expected values follow BuildKit's `dockerfile2llb/convert.go` (`buildDispatchStates`,
/// `addState`, `toCommand`, `dispatchArg`, `dispatchEnv`, `buildMetaArgs`), `validations.go`
/// and its `convert_test.go` cases.
@Suite("Dockerfile model")
struct DockerfileModelTests {
  func build(_ source: String, buildArgs: [String: String] = [:]) throws -> (
    Dockerfile, [Diagnostic]
  ) {
    let tree = try DockerfileParser().parse(source).get()
    return Dockerfile.build(from: tree, file: "Dockerfile", buildArgs: buildArgs)
  }

  func errors(_ source: String, buildArgs: [String: String] = [:]) throws -> [String] {
    try build(source, buildArgs: buildArgs).1.filter { $0.severity == .error }.map(\.message)
  }

  /// The expanded path of every WORKDIR, stage after stage.
  func workdirs(_ source: String, buildArgs: [String: String] = [:]) throws -> [String?] {
    let (dockerfile, _) = try build(source, buildArgs: buildArgs)
    return dockerfile.stages.flatMap(\.instructions).compactMap { instruction in
      guard case .workdir(let path) = instruction.kind else { return nil }
      return .some(path.expanded)
    }
  }

  func copies(_ dockerfile: Dockerfile) -> [Instruction.Copy] {
    dockerfile.stages.flatMap(\.instructions).compactMap { instruction in
      guard case .copy(let copy) = instruction.kind else { return nil }
      return copy
    }
  }

  // MARK: Stages

  @Test func stageNamesResolveAsBuildKitResolvesThem() throws {
    let source = """
      FROM golang:1.22 AS Build
      RUN go build -o /out/app
      FROM build AS test
      FROM BUILD AS upper
      FROM upper
      COPY --from=build /out/app /a
      COPY --from=Build /out/app /b
      COPY --from=0 /out/app /c
      COPY --from=nginx:1.27 /etc/nginx /d
      """
    let (dockerfile, diagnostics) = try build(source)
    #expect(!diagnostics.hasErrors)
    #expect(dockerfile.stages.map(\.index) == [0, 1, 2, 3])
    #expect(dockerfile.stages.map(\.name) == ["build", "test", "upper", nil])
    #expect(dockerfile.stages.map(\.nameAsWritten) == ["Build", "test", "upper", nil])
    #expect(dockerfile.stages.map(\.displayName) == ["build", "test", "upper", "stage-3"])
    // The base is looked up by its exact text among the lower-cased names of earlier stages.
    #expect(dockerfile.stages.map(\.baseStage) == [nil, 0, nil, 2])
    #expect(
      dockerfile.stages.map(\.baseImage.expanded) == ["golang:1.22", "build", "BUILD", "upper"])
    // `--from` is looked up case-insensitively, by name or index; anything else is an image.
    #expect(copies(dockerfile).map(\.fromStage) == [0, 0, 0, nil])
    #expect(dockerfile.stages[0].instructions.count == 1)
    #expect(dockerfile.stages[3].instructions.count == 4)
  }

  @Test func aFromThatNamesItselfOrALaterStageIsAnImage() throws {
    let (dockerfile, diagnostics) = try build(
      "FROM later AS first\nFROM alpine AS later\nFROM self AS self\n")
    #expect(!diagnostics.hasErrors)
    #expect(dockerfile.stages.map(\.baseStage) == [nil, nil, nil])
  }

  @Test func copyingFromALaterStageIsAnError() throws {
    let source = "FROM alpine\nCOPY --from=later /x /x\nFROM alpine AS later\n"
    #expect(
      try errors(source) == [
        "cannot copy from stage \"later\", it needs to be defined before current stage \"stage-0\""
      ])
    #expect(copies(try build(source).0).map(\.fromStage) == [1])
  }

  @Test func circularDependenciesAreReportedOnTheFirstStageThatReachesThem() throws {
    // convert_test.go: TestDockerfileCircularDependencies.
    #expect(
      try errors("FROM busybox AS stage0\nCOPY --from=stage0 f1 /sub/\n") == [
        "circular dependency detected on stage: stage0"
      ])
    let source = """
      FROM busybox AS stage0
      COPY --from=stage2 f1 /sub/
      FROM busybox AS stage1
      COPY --from=stage0 f2 /sub/
      FROM busybox AS stage2
      COPY --from=stage1 f2 /sub/
      """
    #expect(try errors(source) == ["circular dependency detected on stage: stage0"])
    let (_, diagnostics) = try build(source)
    #expect(diagnostics.first { $0.severity == .error }?.range.start.line == 2)
  }

  @Test func duplicateStageNamesWarnAndTheLastOneWins() throws {
    let source = "FROM alpine AS a\nFROM busybox AS A\nFROM a\nCOPY --from=a / /\n"
    let (dockerfile, diagnostics) = try build(source)
    #expect(
      diagnostics.map(\.message) == [
        "Stage name 'A' should be lowercase",
        "Duplicate stage name \"a\", stage names should be unique",
      ])
    #expect(!diagnostics.hasErrors)
    #expect(dockerfile.stages[2].baseStage == 1)
    #expect(copies(dockerfile).map(\.fromStage) == [1])
  }

  @Test func reservedStageNamesWarn() throws {
    let (_, diagnostics) = try build("FROM alpine AS context\nFROM alpine AS scratch\n")
    #expect(
      diagnostics.map(\.message) == [
        "Stage name should not use the same name as reserved stage \"context\"",
        "Stage name should not use the same name as reserved stage \"scratch\"",
      ])
    #expect(diagnostics.allSatisfy { $0.severity == .warning })
  }

  @Test func copyFromChecksIndexesAndVariables() throws {
    #expect(try errors("FROM alpine\nCOPY --from=5 / /\n") == ["invalid stage index 5"])
    #expect(try errors("FROM alpine\nCOPY --from=-1 / /\n") == ["invalid stage index -1"])
    #expect(
      try errors("FROM alpine\nCOPY --from=$STAGE / /\n") == [
        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"
      ])
    // An image named by an earlier --from counts as a state after the stages (BuildKit's
    // `findStateByIndex` counts unregistered states), so index 1 is that image here.
    let (dockerfile, diagnostics) = try build(
      "FROM alpine\nCOPY --from=nginx / /a\nCOPY --from=1 / /b\n")
    #expect(!diagnostics.hasErrors)
    #expect(copies(dockerfile).map(\.fromStage) == [nil, nil])
  }

  @Test func mountFromResolvesStagesByNameOnly() throws {
    let source = """
      FROM golang AS build
      FROM alpine
      RUN --mount=from=build,target=/src --mount=from=Build,target=/s2 --mount=from=0,target=/x --mount=type=cache,target=/c true
      """
    let (dockerfile, diagnostics) = try build(source)
    #expect(!diagnostics.hasErrors)
    guard case .run(let run) = dockerfile.stages[1].instructions[0].kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.mounts.map(\.fromStage) == [0, 0, nil, nil])
  }

  @Test func instructionsBeforeTheFirstFromMustBeArgs() throws {
    #expect(try errors("RUN echo hi\nFROM alpine\n") == ["no build stage in current context"])
    #expect(try errors("ARG A=1\n") == ["dockerfile contains no stages to build"])
    let (dockerfile, _) = try build("ARG A=1\nARG B\nFROM alpine\n")
    #expect(dockerfile.globalArgs.count == 2)
    #expect(dockerfile.stages.count == 1)
  }

  @Test func anUnknownInstructionIsAWarningAndTheBuildGoesOn() throws {
    let (dockerfile, diagnostics) = try build("FROM alpine\nRUNN echo hi\nRUN echo ok\n")
    #expect(diagnostics.map(\.message) == ["unknown instruction: RUNN (did you mean RUN?)"])
    #expect(diagnostics.map(\.severity) == [.warning])
    #expect(!diagnostics.hasErrors)
    #expect(dockerfile.stages[0].instructions.map(\.kind.name) == ["runn", "run"])
    #expect(diagnostics.first?.range.start.line == 2)
  }

  @Test func rangesComeFromTheSourceLayout() throws {
    let (dockerfile, _) = try build("FROM alpine\n  RUN a \\\n    b\n")
    let range = try #require(dockerfile.stages.first?.instructions.first?.range)
    #expect(range.start == SourcePosition(line: 2, column: 3))
    #expect(range.end.line == 3)
  }

  // MARK: Scopes

  @Test func globalArgsReachFromLinesButAStageOnlyAfterRedeclaring() throws {
    let source = """
      ARG VERSION=1.0
      FROM scratch AS base
      WORKDIR /v$VERSION
      ARG VERSION
      WORKDIR /v$VERSION
      FROM alpine:${VERSION}
      """
    #expect(try workdirs(source) == ["/v", "/v1.0"])
    let (dockerfile, _) = try build(source)
    #expect(
      dockerfile.stages[1].baseImage == .init(raw: "alpine:${VERSION}", expanded: "alpine:1.0"))
    guard case .arg(let global) = dockerfile.globalArgs[0].kind else {
      Issue.record("not an ARG")
      return
    }
    #expect(global[0].value == .known("1.0"))
  }

  @Test func aBuildArgumentOverridesDefaults() throws {
    let source = """
      ARG VERSION=1.0
      FROM scratch
      ARG VERSION
      WORKDIR /v$VERSION
      ARG MODE=dev
      WORKDIR /$MODE
      FROM alpine:${VERSION}
      """
    #expect(try workdirs(source) == ["/v1.0", "/dev"])
    let overridden = ["VERSION": "2.0", "MODE": "prod"]
    #expect(try workdirs(source, buildArgs: overridden) == ["/v2.0", "/prod"])
    #expect(try build(source, buildArgs: overridden).0.stages[1].baseImage.expanded == "alpine:2.0")
  }

  @Test func anUndeclaredBuildArgumentIsIgnored() throws {
    #expect(try workdirs("FROM scratch\nWORKDIR /$OTHER\n", buildArgs: ["OTHER": "x"]) == ["/"])
  }

  @Test func envAndArgApplyInOrder() throws {
    let source = """
      FROM scratch
      ENV A=1
      ENV B=$A A=2
      WORKDIR /$A/$B
      ARG X=1 Y=$X
      WORKDIR /$X$Y
      """
    // One ENV expands all its pairs before it sets them; one ARG sets its names one by one.
    #expect(try workdirs(source) == ["/2/1", "/11"])
  }

  @Test func aStageInheritsTheVariablesOfTheStageItIsBuiltOn() throws {
    let source = """
      FROM scratch AS base
      ENV PREFIX=/opt
      ARG TOOL=make
      FROM base AS child
      WORKDIR $PREFIX/$TOOL
      FROM scratch
      WORKDIR /$PREFIX
      """
    #expect(try workdirs(source) == ["/opt/make", "/"])
  }

  @Test func aStageOnAnImageDoesNotKnowTheImagesVariables() throws {
    let source = """
      FROM node:22
      WORKDIR $HOME/app
      ENV APP=/srv
      WORKDIR $APP
      ARG NAME
      """
    #expect(try workdirs(source) == [nil, "/srv"])
    let (dockerfile, _) = try build(source)
    guard case .arg(let args) = dockerfile.stages[0].instructions[3].kind else {
      Issue.record("not an ARG")
      return
    }
    #expect(args[0].value == .unknown)
    let (scratch, _) = try build("FROM scratch\nARG NAME\n")
    guard case .arg(let scratchArgs) = scratch.stages[0].instructions[0].kind else { return }
    #expect(scratchArgs[0].value == .unset)
    #expect(try workdirs("FROM scratch\nWORKDIR $PATH\n") == [Dockerfile.defaultPath])
  }

  @Test func builtinPlatformArgumentsNeedDeclaringInsideAStage() throws {
    let source = """
      FROM --platform=$BUILDPLATFORM golang AS build
      FROM scratch AS final
      WORKDIR /$TARGETARCH
      ARG TARGETARCH TARGETSTAGE
      WORKDIR /$TARGETARCH/$TARGETSTAGE
      """
    #expect(try workdirs(source) == ["/", "/amd64/final"])
    #expect(try workdirs(source, buildArgs: ["TARGETARCH": "arm64"]) == ["/", "/arm64/final"])
    let (dockerfile, _) = try build(source)
    #expect(dockerfile.stages[0].platform == .init(raw: "$BUILDPLATFORM", expanded: "linux/amd64"))
  }

  @Test func fromChecksItsExpandedValues() throws {
    #expect(try errors("ARG IMAGE\nFROM $IMAGE\n") == ["base name ($IMAGE) should not be blank"])
    #expect(
      try errors("FROM --platform=$TARGETPLATFOMR alpine\n") == [
        "empty platform value from expression $TARGETPLATFOMR (did you mean TARGETPLATFORM?)"
      ])
  }

  @Test func onbuildTriggersOfTheBaseStageRunFirst() throws {
    let source = """
      FROM scratch AS base
      ONBUILD ENV GREETING=hi
      WORKDIR /$GREETING
      FROM base
      WORKDIR /$GREETING
      """
    #expect(try workdirs(source) == ["/", "/hi"])
  }

  @Test func mountsAreCheckedOnceTheirVariablesAreKnown() throws {
    let (dockerfile, diagnostics) = try build(
      "FROM scratch\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE true\n")
    #expect(!diagnostics.hasErrors)
    guard case .run(let run) = dockerfile.stages[0].instructions[1].kind else {
      Issue.record("not a RUN")
      return
    }
    #expect(run.mounts[0].options?.target == "/root/.cache")
    #expect(run.mounts[0].options?.type == "cache")

    #expect(
      try errors("FROM scratch\nARG KIND=secret\nRUN --mount=type=$KIND true\n") == [
        "invalid secret mount. one of source, target required"
      ])
    // A literal mount is checked once, when it is parsed.
    #expect(
      try errors("FROM scratch\nRUN --mount=type=secret true\n") == [
        "invalid secret mount. one of source, target required"
      ])
  }

  @Test func exposeSplitsItsExpandedWords() throws {
    let (dockerfile, _) = try build("FROM scratch\nARG PORTS=\"80 443\"\nEXPOSE $PORTS 8080\n")
    #expect(
      dockerfile.stages[0].instructions[1].kind
        == .expose([
          .init(raw: "$PORTS", expanded: ["80", "443"]), .init(raw: "8080", expanded: ["8080"]),
        ]))
  }

  @Test func copySourcesAndDestinationExpandInScope() throws {
    let (dockerfile, _) = try build(
      "FROM scratch\nARG APP=web\nCOPY --chown=$APP apps/$APP/ /srv/$APP/\n")
    let copy = try #require(copies(dockerfile).first)
    #expect(copy.sources == [.init(raw: "apps/$APP/", expanded: "apps/web/")])
    #expect(copy.destination == .init(raw: "/srv/$APP/", expanded: "/srv/web/"))
    #expect(copy.chown == .init(raw: "$APP", expanded: "web"))
  }

  @Test func aGlobalArgWhoseDefaultCannotBeExpandedIsAnError() throws {
    let messages = try errors("ARG A=${B:?required}\nFROM alpine\n")
    #expect(messages.count == 1)
    #expect(messages.first?.contains("B: required") == true)
    // A build argument replaces the default, which BuildKit then never expands.
    #expect(try errors("ARG A=${B:?required}\nFROM alpine\n", buildArgs: ["A": "x"]).isEmpty)
  }

  @Test func aLongCycleOfStagesNeitherTrapsNorGoesUnreported() throws {
    // Each stage copies from the next; the last one copies from the first.
    var lines: [String] = []
    for index in 0..<3000 {
      lines += ["FROM alpine AS s\(index)", "COPY --from=s\((index + 1) % 3000) / /"]
    }
    let (dockerfile, diagnostics) = try build(lines.joined(separator: "\n"))
    #expect(dockerfile.stages.count == 3000)
    #expect(
      diagnostics.filter { $0.severity == .error }.map(\.message) == [
        "circular dependency detected on stage: s0"
      ])
  }

  @Test(
    "builds every Dockerfile of the BuildKit parser corpus without trapping", arguments: corpusFiles
  )
  func buildsCorpusDockerfiles(path: String) throws {
    guard let corpus = SharedCorpus.corpus("buildkit-parser") else { return }
    let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
    guard case .success(let tree) = DockerfileParser().parse(bytes) else { return }
    let (dockerfile, diagnostics) = Dockerfile.build(from: tree, file: path)
    let instructionCount =
      dockerfile.globalArgs.count + dockerfile.stages.reduce(0) { $0 + 1 + $1.instructions.count }
    // Every instruction lands somewhere unless BuildKit has no stage for it.
    #expect(
      instructionCount == tree.instructions.count
        || diagnostics.contains { $0.message == "no build stage in current context" }
        || tree.instructions.contains { !Self.knownKeywords.contains($0.keyword) })
  }

  static let knownKeywords: Set<String> = Set(
    InstructionParser.Messages.instructionNames.map { $0.lowercased() })

  static var corpusFiles: [String] {
    guard let corpus = SharedCorpus.corpus("buildkit-parser") else { return [] }
    var files: [String] = []
    for base in ["", "extra/"] {
      let folder = corpus.appendingPathComponent(base)
      for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .sorted()
      {
        let path = base + name + "/Dockerfile"
        if FileManager.default.fileExists(atPath: corpus.appendingPathComponent(path).path) {
          files.append(path)
        }
      }
    }
    return files
  }

  @Test func theModelEncodesAndDecodes() throws {
    let (dockerfile, _) = try build(
      "# escape=`\nARG V=1\nFROM alpine:$V AS base\nRUN --mount=type=cache,target=/c echo hi\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN true\n"
    )
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(dockerfile)
    #expect(try JSONDecoder().decode(Dockerfile.self, from: data) == dockerfile)
    #expect(dockerfile.escapeToken == UInt8(ascii: "`"))
    #expect(dockerfile.directives.map(\.name) == ["escape"])
  }
}
