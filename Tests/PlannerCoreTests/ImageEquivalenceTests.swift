import Testing

@testable import PlannerCore

/// The checker must say "same" for reorderings that cannot change the image and "different" for
/// everything else; each test gives the original first and the proposal second.
@Suite("Image equivalence")
struct ImageEquivalenceTests {
  /// A small Node project's context, without `node_modules`.
  static let nodeContext = ["package.json", "package-lock.json", "src/index.js", "README.md"]

  func verdict(
    _ original: String, _ proposed: String, context: [String] = Self.nodeContext,
    buildArgs: [String: String] = [:], target: String? = nil
  ) -> ImageEquivalence.Verdict {
    let (original, proposed) = (Array(original.utf8), Array(proposed.utf8))
    let verdict = ImageEquivalence.check(
      original: original, proposed: proposed, file: "Dockerfile", contextFiles: context,
      buildArgs: buildArgs, target: target)
    // The same verdict when the caller gives the files modelled, as the reorderer does.
    func model(_ bytes: [UInt8]) -> ImageEquivalence.Model? {
      guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(bytes) else {
        return nil
      }
      let (dockerfile, diagnostics) = Dockerfile.build(
        from: tree, file: "Dockerfile", buildArgs: buildArgs)
      return .init(dockerfile: dockerfile, diagnostics: diagnostics)
    }
    var checker = ImageEquivalence.Checker(
      original: original, file: "Dockerfile", contextFiles: context, buildArgs: buildArgs,
      target: target, model: model(original))
    #expect(checker.check(proposed, model: model(proposed)) == verdict)
    return verdict
  }

  func expectSame(
    _ original: String, _ proposed: String, context: [String] = Self.nodeContext,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let result = verdict(original, proposed, context: context)
    #expect(result.isSame, "\(result.differences)", sourceLocation: sourceLocation)
    #expect(result.differences.isEmpty, sourceLocation: sourceLocation)
  }

  /// Expects "different", and returns the differences for closer checks.
  @discardableResult
  func expectDifferent(
    _ original: String, _ proposed: String, context: [String] = Self.nodeContext,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> [String] {
    let result = verdict(original, proposed, context: context)
    #expect(!result.isSame, sourceLocation: sourceLocation)
    #expect(!result.differences.isEmpty, sourceLocation: sourceLocation)
    return result.differences
  }

  static let node = """
    FROM node:22
    WORKDIR /app
    COPY . .
    RUN npm ci
    EXPOSE 3000
    CMD ["node", "src/index.js"]
    """

  static let manifestFirst = """
    FROM node:22
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    EXPOSE 3000
    CMD ["node", "src/index.js"]
    """

  // MARK: Same

  @Test func identicalFilesBuildTheSameImage() {
    expectSame(Self.node, Self.node)
    expectSame(Self.manifestFirst, Self.manifestFirst)
  }

  @Test func movedCommentsAndBlankLinesChangeNothing() {
    let original = """
      # syntax=docker/dockerfile:1
      FROM node:22
      # the app lives here
      WORKDIR /app

      COPY . .
      RUN npm ci
      """
    let proposed = """
      # syntax=docker/dockerfile:1
      FROM node:22

      WORKDIR /app
      COPY . .
      # the app lives here


      RUN npm ci
      """
    expectSame(original, proposed)
  }

  @Test func manifestFirstIsTheSameWhenTheContextHasNoDependencies() {
    expectSame(Self.node, Self.manifestFirst)
  }

  @Test func manifestFirstIsDifferentWhenTheContextHasNodeModules() {
    let context = Self.nodeContext + ["node_modules/left-pad/index.js"]
    let differences = expectDifferent(Self.node, Self.manifestFirst, context: context)
    #expect(
      differences.contains {
        $0.hasPrefix("stage 'stage-0': /app/node_modules/left-pad/index.js")
      }, "\(differences)")
  }

  @Test func hoistingAPackageInstallAboveTheSourceCopyIsTheSame() {
    let original = """
      FROM debian:12
      WORKDIR /app
      COPY . .
      RUN apt-get install -y curl
      """
    let proposed = """
      FROM debian:12
      WORKDIR /app
      RUN apt-get install -y curl
      COPY . .
      """
    expectSame(original, proposed)
  }

  @Test func aMovedLabelIsTheSame() {
    let original = """
      FROM alpine:3
      LABEL org.opencontainers.image.source=https://example.com/app
      COPY src/index.js /srv/
      RUN touch /srv/ready
      """
    let proposed = """
      FROM alpine:3
      COPY src/index.js /srv/
      RUN touch /srv/ready
      LABEL org.opencontainers.image.source=https://example.com/app
      """
    expectSame(original, proposed)
  }

  @Test func environmentOrderDoesNotMatterButValuesDo() {
    let original = """
      FROM alpine:3
      ENV A=1
      ENV B=2
      """
    expectSame(original, "FROM alpine:3\nENV B=2\nENV A=1\n")
    expectSame(original, "FROM alpine:3\nENV A=1 B=2\n")
    expectDifferent(original, "FROM alpine:3\nENV B=2\nENV A=3\n")
  }

  @Test func mergingAnalysableRunsAtAndIsTheSame() {
    let split = """
      FROM alpine:3
      RUN mkdir -p /x
      RUN touch /x/y
      """
    let merged = """
      FROM alpine:3
      RUN mkdir -p /x && touch /x/y
      """
    expectSame(split, merged)
    expectSame(merged, split)
  }

  @Test func independentRunsMayTradePlaces() {
    let original = """
      FROM alpine:3
      RUN mkdir -p /x
      RUN mkdir -p /y
      """
    let proposed = """
      FROM alpine:3
      RUN mkdir -p /y
      RUN mkdir -p /x
      """
    expectSame(original, proposed)
  }

  @Test func manifestFirstWithFileDestinationsIsTheSame() {
    let proposed = """
      FROM node:22
      WORKDIR /app
      COPY package.json /app/package.json
      COPY package-lock.json /app/package-lock.json
      RUN npm ci
      COPY . .
      EXPOSE 3000
      CMD ["node", "src/index.js"]
      """
    expectSame(Self.node, proposed)
  }

  @Test func mergingAnIndexRefreshWithItsInstallIsTheSame() {
    let split = """
      FROM debian:12
      RUN apt-get update
      RUN apt-get install -y curl
      """
    let merged = """
      FROM debian:12
      RUN apt-get update \\
        && apt-get install -y curl
      """
    expectSame(split, merged)
  }

  @Test func aValuelessArgChangesNothingButABuildArgumentDoes() {
    let original = """
      FROM alpine:3
      ARG VERSION
      RUN touch /built
      """
    let proposed = """
      FROM alpine:3
      RUN touch /built
      ARG VERSION
      """
    expectSame(original, proposed)
    // With a value, it still changes nothing for a RUN that cannot read it (`touch` does not);
    // one that names it sees the difference.
    let given = ImageEquivalence.check(
      original: Array(original.utf8), proposed: Array(proposed.utf8), file: "Dockerfile",
      contextFiles: [], buildArgs: ["VERSION": "2"])
    #expect(given.isSame)
    let naming = ImageEquivalence.check(
      original: Array(
        original.replacingOccurrences(of: "touch /built", with: "echo $VERSION > /built").utf8),
      proposed: Array(
        proposed.replacingOccurrences(of: "touch /built", with: "echo $VERSION > /built").utf8),
      file: "Dockerfile", contextFiles: [], buildArgs: ["VERSION": "2"])
    #expect(!naming.isSame)
  }

  @Test func relativePathsNeedAKnownWorkingFolder() {
    // The base image's folder is not known: `touch built` may write anywhere, even /x.
    let original = """
      FROM alpine:3
      COPY README.md /x
      RUN touch built
      """
    let proposed = """
      FROM alpine:3
      RUN touch built
      COPY README.md /x
      """
    expectDifferent(original, proposed)
    let withWorkdir = { (text: String) in
      text.replacingOccurrences(of: "FROM alpine:3\n", with: "FROM alpine:3\nWORKDIR /app\n")
    }
    expectSame(withWorkdir(original), withWorkdir(proposed))
  }

  @Test func aStageTheTargetDoesNotReachMayChange() {
    let original = """
      FROM alpine:3 AS unused
      RUN touch /a
      RUN cat /a

      FROM alpine:3
      RUN touch /b
      """
    let proposed = """
      FROM alpine:3 AS unused
      RUN cat /a
      RUN touch /a

      FROM alpine:3
      RUN touch /b
      """
    expectSame(original, proposed)
    let result = verdict(original, proposed, target: "unused")
    #expect(!result.isSame)
  }

  // MARK: Different

  @Test func aRunMovedAboveTheCopyThatWritesWhatItReadsIsDifferent() {
    let original = """
      FROM alpine:3
      WORKDIR /app
      COPY README.md /app/x
      RUN cat /app/x
      """
    let proposed = """
      FROM alpine:3
      WORKDIR /app
      RUN cat /app/x
      COPY README.md /app/x
      """
    let differences = expectDifferent(original, proposed)
    #expect(differences.contains { $0.contains("RUN cat /app/x (line 4)") }, "\(differences)")
  }

  @Test func aRunMovedAcrossAnEnvItSeesIsDifferent() {
    let original = """
      FROM alpine:3
      ENV MODE=production
      RUN touch /built
      """
    let proposed = """
      FROM alpine:3
      RUN touch /built
      ENV MODE=production
      """
    let differences = expectDifferent(original, proposed)
    #expect(differences.contains { $0.contains("/built") }, "\(differences)")
  }

  @Test func aRunMovedAcrossAValuedArgItMayReadIsDifferent() {
    let original = """
      FROM alpine:3
      ARG VERSION=1
      RUN echo "$VERSION" > /built
      """
    let proposed = """
      FROM alpine:3
      RUN echo "$VERSION" > /built
      ARG VERSION=1
      """
    expectDifferent(original, proposed)
    // An unknown program may read any variable.
    expectDifferent(
      original.replacingOccurrences(of: #"echo "$VERSION" > /built"#, with: "./build.sh"),
      proposed.replacingOccurrences(of: #"echo "$VERSION" > /built"#, with: "./build.sh"))
    // One that cannot read it runs the same on either side.
    expectSame(
      original.replacingOccurrences(of: #"echo "$VERSION" > /built"#, with: "touch /built"),
      proposed.replacingOccurrences(of: #"echo "$VERSION" > /built"#, with: "touch /built"))
  }

  @Test func swappedCmdsAreDifferent() {
    let original = """
      FROM alpine:3
      CMD ["a"]
      CMD ["b"]
      """
    let proposed = """
      FROM alpine:3
      CMD ["b"]
      CMD ["a"]
      """
    let differences = expectDifferent(original, proposed)
    #expect(differences == [#"stage 'stage-0': CMD was '["b"]' and is now '["a"]'"#])
  }

  @Test func aShellFormCmdKeepsTheShellInEffect() {
    let original = """
      FROM alpine:3
      SHELL ["/bin/bash", "-c"]
      CMD serve
      """
    let proposed = """
      FROM alpine:3
      CMD serve
      SHELL ["/bin/bash", "-c"]
      """
    expectDifferent(original, proposed)
  }

  @Test func anEntrypointWithoutACmdOfItsOwnResetsTheInheritedCmd() {
    let original = """
      FROM alpine:3 AS base
      CMD ["serve"]

      FROM base
      CMD ["run"]
      ENTRYPOINT ["app"]
      """
    let proposed = """
      FROM alpine:3 AS base
      CMD ["serve"]

      FROM base
      ENTRYPOINT ["app"]
      CMD ["run"]
      """
    expectSame(original, proposed)
    let reset = """
      FROM alpine:3 AS base
      CMD ["serve"]

      FROM base
      ENTRYPOINT ["app"]
      """
    expectDifferent(original, reset)
  }

  @Test func aSplitAcrossCdIsDifferent() {
    let merged = """
      FROM alpine:3
      RUN cd /tmp && touch built
      """
    let split = """
      FROM alpine:3
      RUN cd /tmp
      RUN touch built
      """
    expectDifferent(merged, split)
    expectDifferent(split, merged)
  }

  @Test func anOpaqueRunMovedAcrossACopyIsDifferent() throws {
    let command = "./configure.sh --prefix=/opt/app"
    try #require(CommandAnalyzer.analyze(command, workdir: "/app").isOpaque)
    let original = """
      FROM alpine:3
      WORKDIR /app
      COPY README.md /etc/motd
      RUN \(command)
      """
    let proposed = """
      FROM alpine:3
      WORKDIR /app
      RUN \(command)
      COPY README.md /etc/motd
      """
    expectDifferent(original, proposed)
  }

  @Test func aSplitAtOrIsDifferent() {
    let merged = """
      FROM alpine:3
      RUN test -f /a || touch /a
      """
    let split = """
      FROM alpine:3
      RUN test -f /a
      RUN touch /a
      """
    expectDifferent(merged, split)
  }

  @Test func aRunMovedAboveTheCopyIntoItsFolderIsDifferent() {
    let original = """
      FROM alpine:3
      COPY src /srv/
      RUN cat /srv/index.js
      """
    let proposed = """
      FROM alpine:3
      RUN cat /srv/index.js
      COPY src /srv/
      """
    let differences = expectDifferent(original, proposed)
    #expect(
      differences.first
        == "stage 'stage-0': RUN cat /srv/index.js (line 3) now runs (line 2) with different "
        + "files, variables or settings")
  }

  /// Messages name a writer on one line, blanks collapsed, cut to 60 characters.
  @Test func aLongWriterIsAbbreviatedInTheMessages() {
    let command =
      "cat /srv/index.js \\\n    /srv/a-rather-long-file-name.js /srv/another-long-name.js"
    let original = "FROM alpine:3\nCOPY src /srv/\nRUN \(command)\n"
    let proposed = "FROM alpine:3\nRUN \(command)\nCOPY src /srv/\n"
    let differences = expectDifferent(original, proposed)
    #expect(
      differences.first
        == "stage 'stage-0': RUN cat /srv/index.js /srv/a-rather-long-file-name.js /srv/anot… "
        + "(line 3) now runs (line 2) with different files, variables or settings")
    // The whole COPY line is quoted: a file it writes is now written by the RUN first.
    let copyLast = expectDifferent(
      "FROM alpine:3\nRUN mkdir -p /srv && echo hi > /srv/index.js\nCOPY src /srv/\n",
      "FROM alpine:3\nCOPY src /srv/\nRUN mkdir -p /srv && echo hi > /srv/index.js\n",
      context: ["src/index.js"])
    #expect(
      copyLast.contains {
        $0.contains("was last written by COPY src /srv/ (line 3) and is now last written by RUN")
      }, "\(copyLast)")
  }

  @Test func aWorkdirMovedAcrossACopyThatCreatesItsFolderIsDifferent() {
    // Whichever comes first creates /app: WORKDIR as the user, COPY as root.
    let original = """
      FROM alpine:3
      USER node
      COPY README.md /app/
      WORKDIR /app
      """
    let proposed = """
      FROM alpine:3
      USER node
      WORKDIR /app
      COPY README.md /app/
      """
    expectDifferent(original, proposed)
    // As root, either creates the same folder.
    let asRoot = { (text: String) in text.replacingOccurrences(of: "USER node\n", with: "") }
    expectSame(asRoot(original), asRoot(proposed))
  }

  @Test func aManifestSplitMayCreateTheWorkdirBeforeTheSourceCopy() {
    let original = """
      FROM python:3.12
      COPY . /app
      WORKDIR /app
      COPY requirements.txt .
      RUN pip install -r requirements.txt
      CMD ["python", "app.py"]
      """
    let proposed = """
      FROM python:3.12
      WORKDIR /app
      COPY requirements.txt .
      RUN pip install -r requirements.txt
      COPY . /app
      CMD ["python", "app.py"]
      """
    expectSame(original, proposed, context: ["app.py", "requirements.txt", "tasks/models.py"])
  }

  @Test func onbuildTriggersKeepTheirOrder() {
    let original = """
      FROM alpine:3 AS base
      ONBUILD RUN touch /a
      ONBUILD RUN touch /b

      FROM base
      RUN touch /c
      """
    let proposed = """
      FROM alpine:3 AS base
      ONBUILD RUN touch /b
      ONBUILD RUN touch /a

      FROM base
      RUN touch /c
      """
    expectSame(original, original)
    let differences = expectDifferent(original, proposed)
    #expect(differences.first?.hasPrefix("stage 'base': ONBUILD was") == true, "\(differences)")
  }

  @Test func aQuotedPathWithABlankIsOneFile() {
    let original = """
      FROM alpine:3
      WORKDIR /app
      COPY ["README.md", "/app/my file"]
      RUN touch "/app/my file"
      """
    let proposed = """
      FROM alpine:3
      WORKDIR /app
      RUN touch "/app/my file"
      COPY ["README.md", "/app/my file"]
      """
    expectDifferent(original, proposed)
  }

  @Test func aCopyFromAStageSeesThatStagesFinalFiles() {
    let original = """
      FROM alpine:3 AS build
      RUN mkdir -p /out
      RUN touch /out/app

      FROM alpine:3
      COPY --from=build /out /usr/local/bin/
      """
    let proposed = """
      FROM alpine:3 AS build
      RUN touch /out/app
      RUN mkdir -p /out

      FROM alpine:3
      COPY --from=build /out /usr/local/bin/
      """
    let differences = expectDifferent(original, proposed)
    #expect(differences.contains { $0.hasPrefix("stage 'build':") }, "\(differences)")
    #expect(differences.contains { $0.contains("/usr/local/bin") }, "\(differences)")
  }

  @Test func theSetOfStagesMustBeTheSame() {
    let original = """
      FROM alpine:3 AS build
      RUN touch /a

      FROM alpine:3
      COPY --from=build /a /a
      """
    let renamed = """
      FROM alpine:3 AS builder
      RUN touch /a

      FROM alpine:3
      COPY --from=builder /a /a
      """
    expectDifferent(original, renamed)
  }

  @Test func aDifferentBaseImageIsDifferent() {
    expectDifferent("FROM alpine:3\nRUN touch /a\n", "FROM alpine:3.20\nRUN touch /a\n")
  }

  @Test func aMissingContextFileIsNeverTheSame() {
    let source = "FROM alpine:3\nCOPY missing.txt /\n"
    let differences = expectDifferent(source, source)
    #expect(
      differences.first?.hasPrefix("original: '/missing.txt' is not in the build context") == true)
  }

  @Test func unparseableFilesAreNeverTheSame() {
    let broken = "FROM alpine:3\nRUN <<EOF\necho unterminated\n"
    let differences = expectDifferent(broken, broken)
    #expect(differences.first?.hasPrefix("original: Dockerfile:") == true, "\(differences)")
    expectDifferent(Self.node, "")
    expectDifferent("", Self.node)
  }

  @Test func neverTrapsOnOddInput() {
    let inputs = [
      "", "\u{0}\u{1}", "FROM", "RUN x", "FROM a\nCOPY --from=9 / /\n",
      "FROM a\nWORKDIR $X\nCOPY . .",
      "FROM a AS b\nFROM b AS a\nFROM a\n", "FROM scratch\nADD https://example.com/x.tgz /\n",
      "FROM a\nCOPY [\"a\", \n", "FROM a\nRUN --mount=type=bind,from=$X true\n",
    ]
    for original in inputs {
      for proposed in inputs {
        _ = verdict(original, proposed)
      }
    }
    var bytes: [UInt8] = []
    for value in 0..<512 { bytes.append(UInt8(truncatingIfNeeded: value &* 37 &+ 11)) }
    _ = ImageEquivalence.check(
      original: bytes, proposed: Array(Self.node.utf8), file: "Dockerfile", contextFiles: [])
  }

  @Test func differencesAreCappedAndRepeatable() {
    let original = (0..<20).map { "ENV V\($0)=a" }.joined(separator: "\n")
    let proposed = (0..<20).map { "ENV V\($0)=b" }.joined(separator: "\n")
    let first = verdict("FROM alpine:3\n" + original, "FROM alpine:3\n" + proposed)
    let second = verdict("FROM alpine:3\n" + original, "FROM alpine:3\n" + proposed)
    #expect(first == second)
    #expect(first.differences.count == ImageEquivalence.differenceLimit + 1)
    #expect(first.differences.last == "and 10 more differences")
  }
}
