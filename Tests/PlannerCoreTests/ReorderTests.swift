import Foundation
import Testing

@testable import PlannerCore

/// The constraints, one rule at a time: for each, an order it allows and one it forbids.
@Suite("Reorder constraints")
struct ConstraintsTests {
  /// The items of the last stage of a Dockerfile.
  static func items(_ text: String, context: [String] = []) throws -> [StageItem] {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
    let stage = try #require(dockerfile.stages.last)
    return StageItems.make(stage, contextFiles: context)
  }

  /// The rule that ties instruction `a` to the later instruction `b` (0-based, FROM excluded).
  static func tie(_ text: String, _ a: Int, _ b: Int, context: [String] = []) throws
    -> Constraints.Tie.Rule?
  {
    let all = try items(text, context: context)
    return Constraints.tie(all[a], all[b], all: all)?.rule
  }

  @Test func filesAWriterAndAReaderKeepTheirOrderIndependentStepsDoNot() throws {
    let context = ["src/app.js", "package.json"]
    // RUN reads what COPY wrote.
    #expect(
      try Self.tie("FROM a\nCOPY src /src\nRUN cat /src/app.js\n", 0, 1, context: context) == .files
    )
    // An install that reads nothing the COPY wrote may move above it.
    #expect(
      try Self.tie("FROM a\nCOPY src /src\nRUN apt-get install -y curl\n", 0, 1, context: context)
        == nil)
    // Two writers of one path.
    #expect(try Self.tie("FROM a\nRUN mkdir -p /data\nRUN touch /data\n", 0, 1) == .files)
  }

  @Test func aManifestCopiedBeforeLetsTheInstallCrossTheBigCopy() throws {
    let text = """
      FROM node
      WORKDIR /app
      COPY package.json ./
      COPY . .
      RUN npm ci

      """
    let context = ["package.json", "src/app.js"]
    #expect(try Self.tie(text, 2, 3, context: context) == nil)
    // Without the manifest COPY, the install reads what the big COPY writes.
    let unsplit = "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
    #expect(try Self.tie(unsplit, 1, 2, context: context) == .files)
    // A context holding node_modules would be overwritten by the big COPY after the install.
    #expect(
      try Self.tie(text, 2, 3, context: context + ["node_modules/x/index.js"]) == .files)
  }

  @Test func variablesARunNeverCrossesEnvOrArgAndUsesStayAfterDefinitions() throws {
    #expect(try Self.tie("FROM a\nENV X=1\nRUN echo\n", 0, 1) == .variables)
    #expect(try Self.tie("FROM a\nRUN echo $V\nARG V=1\n", 0, 1) == .variables)
    // An ARG a RUN cannot read (its value is not kept in the image) does not tie them.
    #expect(try Self.tie("FROM a\nARG V=1\nRUN mkdir -p /x\n", 0, 1) == nil)
    #expect(try Self.tie("FROM a\nARG GOFLAGS=-x\nRUN go build ./...\n", 0, 1) == .variables)
    #expect(try Self.tie("FROM a\nARG V=1\nRUN ./build.sh\n", 0, 1) != nil)
    #expect(try Self.tie("FROM a\nENV D=/x\nCOPY a $D\n", 0, 1, context: ["a"]) == .variables)
    // A COPY that uses no variable may cross an ENV.
    #expect(try Self.tie("FROM a\nENV D=/x\nCOPY a /y\n", 0, 1, context: ["a"]) == nil)
  }

  @Test func stateWorkdirUserAndShellTieWhatDependsOnThem() throws {
    #expect(try Self.tie("FROM a\nWORKDIR /w\nRUN mkdir -p /x\n", 0, 1) == .state)
    #expect(try Self.tie("FROM a\nWORKDIR /w\nCOPY a b\n", 0, 1, context: ["a"]) == .state)
    #expect(try Self.tie("FROM a\nWORKDIR /w\nCOPY a /b\n", 0, 1, context: ["a"]) == nil)
    #expect(try Self.tie("FROM a\nUSER app\nRUN mkdir -p /x\n", 0, 1) == .state)
    #expect(
      try Self.tie("FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN mkdir -p /x\n", 0, 1) == .state)
    #expect(
      try Self.tie("FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [\"mkdir\", \"/x\"]\n", 0, 1) == nil)
  }

  @Test func configTheLastCmdWinsLabelsAndPortsMoveFreely() throws {
    #expect(try Self.tie("FROM a\nCMD [\"a\"]\nCMD [\"b\"]\n", 0, 1) == .config)
    #expect(try Self.tie("FROM a\nLABEL a=1\nCOPY x /x\n", 0, 1, context: ["x"]) == nil)
    #expect(try Self.tie("FROM a\nLABEL a=1\nLABEL a=2\n", 0, 1) == .variables)
    #expect(try Self.tie("FROM a\nEXPOSE 80\nRUN mkdir -p /x\n", 0, 1) == nil)
  }

  @Test func anApostropheInsideDoubleQuotesDoesNotHideAVariable() throws {
    let items = try Self.items("FROM a\nARG SHA\nLABEL description=\"it's $SHA\"\n")
    #expect(items[1].uses.contains("SHA"))
    #expect(Constraints.predecessors(of: items)[1] == [0])
  }

  @Test func ownershipTheFirstCreatorOfAFolderDecidesItsOwner() throws {
    let context = ["package.json", "src/a.js"]
    // The chowned COPY creates /app as 1000; WORKDIR (root) must not create it first.
    let chowned = try Self.items(
      "FROM a\nCOPY --chown=1000 . /app\nWORKDIR /app\n", context: context)
    #expect(Constraints.predecessors(of: chowned)[1].contains(0))
    // Without --chown both make it root's: they may swap.
    let plain = try Self.items("FROM a\nCOPY . /app\nWORKDIR /app\n", context: context)
    #expect(Constraints.predecessors(of: plain)[1].isEmpty)
    // A split COPY with the same owner comes first: the WORKDIR stays after it, not after the
    // COPY of everything.
    let split = try Self.items(
      "FROM a\nCOPY --chown=1000 package.json /app/\nCOPY --chown=1000 . /app\nWORKDIR /app\n",
      context: context)
    #expect(Constraints.predecessors(of: split)[2] == [0])
  }

  @Test func barriersNothingCrossesAnOpaqueCommandOrOnbuild() throws {
    #expect(try Self.tie("FROM a\nRUN ./configure\nRUN mkdir -p /x\n", 0, 1) == .barrier)
    #expect(try Self.tie("FROM a\nONBUILD RUN x\nLABEL a=1\n", 0, 1) == .barrier)
    #expect(try Self.tie("FROM a\nRUN <<EOF\nmkdir /x\nEOF\nLABEL a=1\n", 0, 1) == .barrier)
  }
}

@Suite("Manifest-first split")
struct ManifestSplitTests {
  static func splits(_ text: String, context: [String]) throws -> [ManifestSplit.Split] {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
    let items = dockerfile.stages.map { StageItems.make($0, contextFiles: context) }
    return ManifestSplit.find(in: dockerfile, items: items)
  }

  @Test func npmPipAndGoGetTheirManifestsCopiedFirst() throws {
    let node = try Self.splits(
      "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
      context: ["package.json", "package-lock.json", "src/a.js", "README.md"])
    #expect(node.map(\.text) == ["COPY package-lock.json package.json ./"])
    #expect(node.first?.copyLine == 3)
    #expect(node.first?.installLine == 4)

    let python = try Self.splits(
      "FROM python\nWORKDIR /srv\nCOPY . /srv\nRUN pip install -r requirements.txt\n",
      context: ["requirements.txt", "app.py"])
    #expect(python.map(\.text) == ["COPY requirements.txt /srv/"])

    let go = try Self.splits(
      "FROM golang\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /bin/app .\n",
      context: ["go.mod", "go.sum", "main.go"])
    #expect(go.map(\.text) == ["COPY go.mod go.sum ./"])
  }

  @Test func itDoesNotApplyWhenTheInstallNeedsTheSourcesOrIsAlreadySplit() throws {
    #expect(
      try Self.splits(
        "FROM python\nWORKDIR /srv\nCOPY . .\nRUN pip install .\n",
        context: ["pyproject.toml", "app.py"]
      ).isEmpty)
    #expect(
      try Self.splits(
        "FROM node\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
        context: ["package.json", "src/a.js"]
      ).isEmpty)
    // The manifests are not in the folder the install runs in.
    #expect(
      try Self.splits(
        "FROM node\nWORKDIR /app\nCOPY . /elsewhere\nRUN npm ci\n",
        context: ["package.json", "src/a.js"]
      ).isEmpty)
  }

  static func splits(
    _ text: String, context: [String], contents: [String: String]
  ) throws -> [ManifestSplit.Split] {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
    let items = dockerfile.stages.map { StageItems.make($0, contextFiles: context) }
    return ManifestSplit.find(
      in: dockerfile, items: items, contents: contents.mapValues { Array($0.utf8) })
  }

  @Test func whatTheManifestsSayDecides() throws {
    let node = "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
    let context = ["package.json", "package-lock.json", "scripts/setup.js"]
    // An install script may read anything: no split.
    #expect(
      try Self.splits(
        node, context: context,
        contents: ["package.json": #"{"scripts": {"postinstall": "node scripts/setup.js"}}"#]
      ).isEmpty)
    #expect(
      try Self.splits(
        node, context: context, contents: ["package.json": #"{"scripts": {"test": "x"}}"#]
      )
      .count == 1)

    let python = "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    let files = ["requirements.txt", "requirements/base.txt", "app.py"]
    // A nested requirements file is copied too, into its own folder.
    let nested = try Self.splits(
      python, context: files,
      contents: [
        "requirements.txt": "-r requirements/base.txt\nflask\n", "requirements/base.txt": "six\n",
      ])
    #expect(
      nested.map(\.text) == [
        "COPY requirements.txt ./\nCOPY requirements/base.txt /app/requirements/"
      ])
    // Installing the project itself needs the sources.
    #expect(
      try Self.splits(python, context: files, contents: ["requirements.txt": "-e .\n"]).isEmpty)
  }

  @Test func everySpellingOfAnIncludedFileAndEveryLocalSourceCounts() {
    let exists: (String) -> Bool = { ["base.txt", "c.txt"].contains($0) }
    func verdict(_ text: String, name: String = "requirements.txt") -> ManifestContents.Verdict {
      ManifestContents.verdict(path: name, content: Array(text.utf8), exists: exists)
    }
    #expect(verdict("-rbase.txt\n--constraint=c.txt\n") == .alsoReads(["base.txt", "c.txt"]))
    #expect(verdict("--requirement=base.txt\n") == .alsoReads(["base.txt"]))
    #expect(verdict("-r missing.txt\n") != .alsoReads([]))
    #expect(verdict("--find-links ./wheels\nflask\n") != .alsoReads([]))
    #expect(verdict("--find-links https://example.com/w\nflask\n") == .alsoReads([]))
    #expect(verdict(#"{"workspaces": ["a"]}"#, name: "package.json") != .alsoReads([]))
    #expect(
      verdict(#"{"dependencies": {"x": "file:../x"}}"#, name: "package.json") != .alsoReads([]))
    #expect(verdict(#"{"dependencies": {"x": "^1.0.0"}}"#, name: "package.json") == .alsoReads([]))
    // go.mod: a replace with a local folder needs the sources; one with a module version does not.
    for local in [
      "replace a => ./a\n", "replace (\n\ta =>\t../a\n)\n", "replace a v1 =>  ../../a\n",
    ] {
      #expect(verdict("module m\n" + local, name: "go.mod") != .alsoReads([]), "\(local)")
    }
    for remote in [
      "replace a => b v1.0.0\n", "replace a => .../a\n", "replace a =>\n./a\n", "x = > ./a\n",
    ] {
      #expect(verdict("module m\n" + remote, name: "go.mod") == .alsoReads([]), "\(remote)")
    }
  }

  @Test func theNewCopyGoesAboveTheBigCopyAndItsComments() throws {
    let text = "FROM node\nWORKDIR /app\n  # everything\n  COPY . .\nRUN npm ci\n"
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let found = try Self.splits(text, context: ["package.json", "a.js"])
    let out = String(decoding: ManifestSplit.apply(found, to: tree), as: UTF8.self)
    #expect(
      out
        == "FROM node\nWORKDIR /app\n  COPY package.json ./\n  # everything\n  COPY . .\nRUN npm ci\n"
    )
  }
}

@Suite("Suggest")
struct SuggestTests {
  static let node = """
    FROM node:22
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "src/app.js"]

    """

  static func repository(_ dockerfile: String, edits: Int = 10) -> RecordedRepository {
    var repository = RecordedRepository([
      "Dockerfile": dockerfile, "package.json": "{}", "package-lock.json": "{}",
      "src/app.js": "0", "README.md": "hi",
    ])
    for index in 1...edits {
      repository.commit("edit \(index)", ["src/app.js": "\(index)"])
      if index % 5 == 0 { repository.commit("bump \(index)", ["package-lock.json": "{\(index)}"]) }
    }
    return repository
  }

  static func suggest(_ repository: RecordedRepository, format: Planner.SuggestFormat = .json)
    -> Planner.SuggestOutcome
  {
    var input = repository.input(ignore: nil)
    input.dockerfile.path = nil
    let files = ["Dockerfile", "package.json", "package-lock.json", "src/app.js", "README.md"]
    return Planner.suggest(
      .init(
        source: input.dockerfile.current ?? [], file: "Dockerfile", contextFiles: files,
        history: input), options: .init(), format: format)
  }

  @Test func aCopyOfEverythingBeforeTheInstallIsSplitAndTheSavingMeasured() throws {
    let outcome = Self.suggest(Self.repository(Self.node))
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any])
    let proposed = try #require(report["proposed"] as? String)
    #expect(
      proposed == """
        FROM node:22
        WORKDIR /app
        COPY package-lock.json package.json ./
        RUN npm ci
        COPY . .
        CMD ["node", "src/app.js"]

        """)
    let saving = try #require(report["saving"] as? [String: Any])
    let original = try #require(saving["originalSeconds"] as? Double)
    let after = try #require(saving["proposedSeconds"] as? Double)
    // The install re-runs only at the two lockfile bumps instead of at every commit.
    #expect(after < original * 0.5)
    #expect(saving["commits"] as? Int == 12)
    let moves = try #require(report["moves"] as? [[String: Any]])
    #expect(moves.first?["id"] as? String == "PL102")
    #expect(moves.first?["lines"] as? [Int] == [3, 4])
    #expect(outcome.savingPercent > 50)
  }

  @Test func aCacheFriendlyFileGetsNoProposal() throws {
    let friendly = """
      FROM node:22
      WORKDIR /app
      COPY package.json package-lock.json ./
      RUN npm ci
      COPY . .

      """
    let outcome = Self.suggest(Self.repository(friendly), format: .text)
    #expect(outcome.proposed == Array(friendly.utf8))
    #expect(String(decoding: outcome.report, as: UTF8.self).contains("no change to propose"))
    #expect(outcome.savingPercent == 0)
  }

  @Test func theDiffAppliesAndTheTextReportNamesTheMove() throws {
    let diff = String(
      decoding: Self.suggest(Self.repository(Self.node), format: .diff).report, as: UTF8.self)
    #expect(diff.hasPrefix("--- Dockerfile\n+++ Dockerfile\n"))
    #expect(diff.contains("+COPY package-lock.json package.json ./"))
    let text = String(
      decoding: Self.suggest(Self.repository(Self.node), format: .text).report, as: UTF8.self)
    #expect(text.contains("PL102"))
  }

  @Test func outsideARepositoryTheSavingIsAnEstimate() throws {
    let outcome = Planner.suggest(
      .init(
        source: Array(Self.node.utf8), file: "Dockerfile",
        contextFiles: ["package.json", "package-lock.json", "src/a.js", "src/b.js"], history: nil),
      options: .init(), format: .text)
    let text = String(decoding: outcome.report, as: UTF8.self)
    #expect(text.contains("assumed"))
    #expect(outcome.proposed != Array(Self.node.utf8))
  }

  @Test func anArgWithANewValueAtEveryBuildSinksToItsFirstUse() throws {
    let text = """
      FROM debian
      ARG GIT_COMMIT
      WORKDIR /app
      RUN apt-get install -y curl
      RUN echo "$GIT_COMMIT" > /app/version

      """
    let outcome = Planner.suggest(
      .init(source: Array(text.utf8), file: "Dockerfile", contextFiles: ["a"], history: nil),
      options: .init(), format: .json)
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any])
    let moves = try #require(report["moves"] as? [[String: Any]])
    #expect(moves.map { $0["id"] as? String } == ["PL106"])
    #expect(
      report["proposed"] as? String == """
        FROM debian
        WORKDIR /app
        RUN apt-get install -y curl
        ARG GIT_COMMIT
        RUN echo "$GIT_COMMIT" > /app/version

        """)
  }

  /// The advice passes over a candidate whose pattern matches no changed path's first
  /// component, without compiling it: a candidate's matcher must exclude no path whose first
  /// component the pattern does not match.
  @Test func ignoreAdviceCandidatesMatchThroughTheFirstComponentOnly() throws {
    let names = [".git", ".github", "docs", "doc", "README.md", "a.md", "src", "x.mdx", ".idea"]
    var paths: [String] = []
    for first in names {
      paths.append(first)
      for second in names { paths += [first + "/" + second, first + "/" + second + "/z"] }
    }
    for candidate in IgnoreAdvice.candidates {
      let matcher = try IgnoreMatcher(patterns: [candidate.pattern])
      var excluded = 0
      for path in paths where matcher.isExcluded(path) {
        excluded += 1
        let first = String(path.split(separator: "/")[0])
        #expect(try IgnoreMatcher.filepathMatch(candidate.pattern, first), "\(path)")
      }
      // Each candidate that one of the names spells excludes something here.
      if names.contains(where: { (try? IgnoreMatcher.filepathMatch(candidate.pattern, $0)) == true }
      ) {
        #expect(excluded > 0, "\(candidate.pattern)")
      }
    }
  }

  @Test func ignoreAdviceIsForPathsThatCostRebuildsNotForOnesAlreadyIgnoredOrNamed() throws {
    let dockerfile = "FROM alpine\nCOPY docs/ /docs/\nCOPY . /app\nRUN mkdir -p /x\n"
    var repository = RecordedRepository([
      "Dockerfile": dockerfile, "README.md": "0", "docs/a.txt": "0", "src/a.c": "0",
      ".dockerignore": ".git\n",
    ])
    for index in 1...6 {
      repository.commit("readme \(index)", ["README.md": "\(index)"])
      repository.commit("docs \(index)", ["docs/a.txt": "\(index)"])
    }
    func advice(ignore: String) -> [String] {
      var history = repository.input()
      history.dockerfile.path = nil
      history.ignoreFile = .init(name: ".dockerignore", path: nil, current: Array(ignore.utf8))
      let outcome = Planner.suggest(
        .init(
          source: Array(dockerfile.utf8), file: "Dockerfile",
          contextFiles: ["Dockerfile", "README.md", "docs/a.txt", "src/a.c", ".dockerignore"],
          history: history), options: .init(), format: .json)
      let report = try? JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any]
      return (report?["advice"] as? [[String: Any]] ?? []).compactMap { $0["pattern"] as? String }
    }
    // README.md edits re-run COPY . /app: ignore '*.md'. docs/ is named by a COPY: never.
    #expect(advice(ignore: ".git\n") == ["*.md"])
    // Already ignored: nothing to add.
    #expect(advice(ignore: ".git\n*.md\n").isEmpty)
  }

  @Test func aFileThatDoesNotParseIsAnError() {
    let outcome = Planner.suggest(
      .init(
        source: Array("FROM a\nRUN <<EOF\n".utf8), file: "Dockerfile", contextFiles: [],
        history: nil),
      options: .init(), format: .text)
    #expect(outcome.hasErrors)
    #expect(outcome.diagnostics.contains { $0.message == "unterminated heredoc" })
    #expect(outcome.proposed == Array("FROM a\nRUN <<EOF\n".utf8))
  }
}

@Suite("RUN merges")
struct RunMergeTests {
  static func merges(_ text: String, together: Bool = true) throws -> (
    [RunMerge.Merge], String
  ) {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
    let found = RunMerge.find(in: tree, dockerfile: dockerfile) { _, _, _ in together }
    return (found, String(decoding: RunMerge.apply(found, to: tree), as: UTF8.self))
  }

  @Test func anIndexRefreshJoinsItsInstall() throws {
    let (found, text) = try Self.merges(
      "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n", together: false)
    #expect(found.map(\.id) == ["PL104"])
    #expect(text == "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\n")
  }

  @Test func runsThatAlwaysRebuildTogetherBecomeOne() throws {
    let (found, text) = try Self.merges("FROM a\nRUN mkdir -p /x\n\nRUN touch /x/y\n")
    #expect(found.map(\.id) == ["PL103"])
    #expect(text == "FROM a\nRUN mkdir -p /x && \\\n    touch /x/y\n")
    // Not when they rebuild at different commits.
    #expect(try Self.merges("FROM a\nRUN mkdir -p /x\nRUN touch /x/y\n", together: false).0.isEmpty)
  }

  @Test func neverAcrossShellStateCommentsFlagsOrOtherChains() throws {
    for text in [
      "FROM a\nRUN cd /x\nRUN touch y\n",
      "FROM a\nRUN export A=1\nRUN touch /y\n",
      "FROM a\nRUN touch /x # why\nRUN touch /y\n",
      "FROM a\nRUN --network=none touch /x\nRUN touch /y\n",
      "FROM a\nRUN touch /x || true\nRUN touch /y\n",
      "FROM a\nRUN [\"touch\", \"/x\"]\nRUN touch /y\n",
      "FROM a\nRUN touch /x\n# the second one\nRUN touch /y\n",
      "FROM a\nRUN touch /x\n# a note\n\nRUN touch /y\n",
    ] {
      #expect(try Self.merges(text).0.isEmpty, "\(text)")
    }
  }
}

@Suite("RUN splits")
struct RunSplitTests {
  static func split(_ text: String, context: [String]) throws -> String {
    guard case .success(let tree) = DockerfileParser(file: "Dockerfile").parse(Array(text.utf8))
    else { throw CancellationError() }
    let (dockerfile, _) = Dockerfile.build(from: tree, file: "Dockerfile")
    let items = dockerfile.stages.map { StageItems.make($0, contextFiles: context) }
    return String(
      decoding: RunSplit.apply(RunSplit.find(in: dockerfile, items: items), to: tree), as: UTF8.self
    )
  }

  @Test func theStableHeadOfAChainAfterACopyBecomesItsOwnRun() throws {
    let text =
      "FROM a\nCOPY . /app\nRUN apt-get update && apt-get install -y make && make -C /app\n"
    #expect(
      try Self.split(text, context: ["main.c"])
        == "FROM a\nCOPY . /app\nRUN apt-get update && \\\n    apt-get install -y make\nRUN make -C /app\n"
    )
  }

  @Test func notWhenTheHeadReadsTheCopyOrChangesShellStateOrNothingComesBefore() throws {
    for text in [
      "FROM a\nCOPY . /app\nRUN cat /app/main.c && make -C /app\n",
      "FROM a\nCOPY . /app\nRUN cd /app && make\n",
      "FROM a\nRUN apt-get update && make -C /app\n",
      "FROM a\nCOPY . /app\nRUN apt-get update || make -C /app\n",
    ] {
      #expect(try Self.split(text, context: ["main.c"]) == text, "\(text)")
    }
  }
}
