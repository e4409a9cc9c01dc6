import Foundation
import Testing

@testable import PlannerCore

/// Builds with a real BuildKit and checks that it copies exactly the files planner predicts.
@Suite(
  "A real BuildKit copies the files planner predicts", .daemonTurn,
  .enabled(
    if: RealBuildKitSetup.isAvailable,
    "needs PLANNER_DOCKER_HOST set to a daemon's socket URL (Scripts/buildkit.sh start) and /usr/bin/docker from Debian's docker.io"
  )
)
struct RealBuildKitTests {
  // What is compared: the build context after the ignore file (`COPY . /ctx/`, against the
  // report's `paths`) and the files each COPY source selects (against `steps[].paths`).
  //
  // Runs only when `PLANNER_DOCKER_HOST` holds a daemon's socket URL and Debian's `docker.io`
  // client is at `/usr/bin/docker`; a private daemon comes from `Scripts/buildkit.sh`:
  //
  //     state=$(mktemp -d /tmp/planner-buildkit.XXXXXX)
  //     eval "$(Scripts/buildkit.sh start "$state")"
  //     PLANNER_DOCKER_HOST=$DOCKER_HOST swift test --filter RealBuildKit
  //     Scripts/buildkit.sh stop "$state"
  //
  // Every build is `FROM scratch` and exported with `--output type=local`, so it needs no image,
  // registry, container or network. Each case gets fresh folders, so the client's per-context
  // file cache (moby/buildkit#2592) never serves an old copy.
  //
  // BuildKit also sends and copies directories: empty ones, and excluded ones it had to enter
  // because an exception might re-include something below them (they arrive empty). planner
  // lists files only, so only files (and symbolic links) are compared.

  // MARK: - The build context after the ignore file

  @Test("the exported context equals planner's context paths", arguments: IgnoreCase.all)
  func contextEqualsPlannersPaths(_ example: IgnoreCase) throws {
    let workspace = try Workspace()
    defer { workspace.remove() }
    try workspace.write(example.files, under: "context", content: { $0 })
    for (path, text) in example.ignoreFiles { try workspace.write(text, at: path) }
    try workspace.write("FROM scratch\nCOPY . /ctx/\n", at: example.dockerfile)

    let (report, errors) = try workspace.plannerReport(dockerfile: example.dockerfile)
    #expect(errors.isEmpty, "planner: \(errors.map(\.description))")
    let exported = try workspace.build(dockerfile: example.dockerfile)
    Self.expectSameFiles(
      buildKit: try workspace.files(under: exported.appendingPathComponent("ctx")),
      planner: report.paths, "\(example.name) (ignore file: \(report.ignoreFile ?? "none"))",
      known: example.docker2010)
  }

  // MARK: - COPY sources

  /// Every context file holds its own path, so a copied file says where it came from whatever
  /// BuildKit named it, and each COPY writes into its own folder.
  @Test func eachCopyReadsTheFilesPlannerSelects() throws {
    let workspace = try Workspace()
    defer { workspace.remove() }
    let files = [
      "src/app.js", "src/lib.js", "src/readme.txt", "src/vendor.js/bundle", "src/deep/inner.js",
      "src/deep/n.txt", "notes.txt", "docs/guide.txt", "docs/x.md", "dir/one", "dir/.hidden",
      "dir/sub/two", "dir/skipped/three", "a1/f", "ab/g", "b.cfg", "bx/sub/h", "c/ignored",
      "links/notes -> ../notes.txt", "links/docs -> ../docs",
    ]
    try workspace.write(files, under: "context", content: { $0 })
    // The ignore file applies first: COPY never sees dir/skipped.
    try workspace.write("dir/skipped\n", at: "context/.dockerignore")
    // BuildKit follows a symbolic link that a source names or matches, and links on the way to
    // a source; links inside a copied directory stay links.
    let copies: [(source: String, folder: String, known: KnownDifference?)] = [
      ("src/*.js", "a", nil),  // a directory matching the wildcard gives its contents
      ("**/*.txt", "b", nil),  // `**` is a plain `*` in COPY: one level only
      ("dir", "c", nil),  // a directory gives its contents
      ("[ab]*/", "d", nil),  // a file matches a source with a trailing slash too
      ("*.nomatch", "e", nil),  // a wildcard with no match copies nothing and is no error
      ("src/*.none dir/one", "f", nil),
      ("dir/*", "g", nil),  // `*` matches hidden files
      ("../src/../notes.txt", "h", nil),  // `..` stops at the context root
      ("./s?c/deep/", "i", nil),
      ("*/deep/*.js", "j", nil),
      ("links/notes", "k", nil),  // a link to a file: the file
      ("links/d*", "l", nil),  // a wildcard matching a link to a directory: its contents
      ("links/docs/guide.txt", "m", nil),  // a link on the way to the source
    ]
    // COPY --exclude and COPY --parents are not tested: this BuildKit (Docker 20.10's built-in
    // Dockerfile frontend) rejects them ("Unknown flag: exclude"); model tests cover them.
    let dockerfile =
      "FROM scratch\n" + copies.map { "COPY \($0.source) /\($0.folder)/\n" }.joined()
    try workspace.write(dockerfile, at: "context/Dockerfile")

    let (report, errors) = try workspace.plannerReport(dockerfile: "context/Dockerfile")
    for error in errors {
      Issue.record("planner: \(error.description)")
    }
    let exported = try workspace.build(dockerfile: "context/Dockerfile")
    for copy in copies {
      let instruction = "COPY \(copy.source) /\(copy.folder)/"
      guard let step = report.steps.first(where: { $0.instruction == instruction }) else {
        Issue.record("planner reports no step for '\(instruction)'")
        continue
      }
      let folder = exported.appendingPathComponent(copy.folder)
      let copied = try workspace.files(under: folder)
      let sources = try copied.map {
        try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
      }
      #expect(Set(sources).count == copied.count, "two sources of '\(instruction)' collided")
      Self.expectSameFiles(buildKit: sources, planner: step.paths, instruction, known: copy.known)
    }
  }

  /// planner reports an error for a literal source that is not in the context; BuildKit fails.
  @Test func aLiteralSourceTheIgnoreFileRemovedFailsTheBuild() throws {
    let workspace = try Workspace()
    defer { workspace.remove() }
    try workspace.write(["app/main.swift", "app/secret.env"], under: "context", content: { $0 })
    try workspace.write("**/*.env\n", at: "context/.dockerignore")
    try workspace.write(
      "FROM scratch\nCOPY app/main.swift /a/\nCOPY app/secret.env /b/\n", at: "context/Dockerfile")

    let (_, errors) = try workspace.plannerReport(dockerfile: "context/Dockerfile")
    #expect(errors.map(\.message).contains { $0.contains("'/app/secret.env' is not in the build") })
    #expect(errors.count == 1, "planner: \(errors.map(\.description))")
    let failure = #expect(throws: ProcessFailure.self) {
      try workspace.build(dockerfile: "context/Dockerfile")
    }
    #expect(failure?.output.contains("not found") == true, "\(failure?.output ?? "")")
  }

  // MARK: - Real trees

  @Test(
    "the exported context of a real tree equals planner's context paths",
    arguments: RealTree.available, RealTree.IgnoreVariant.allCases)
  func realTreeContextEqualsPlannersPaths(tree: RealTree, variant: RealTree.IgnoreVariant)
    throws
  {
    let workspace = try Workspace()
    defer { workspace.remove() }
    try tree.export(into: workspace, folder: "context")
    for (path, text) in variant.files { try workspace.write(text, at: path) }
    try workspace.write("FROM scratch\nCOPY . /ctx/\n", at: variant.dockerfile)

    let (report, errors) = try workspace.plannerReport(dockerfile: variant.dockerfile)
    #expect(errors.isEmpty, "planner: \(errors.map(\.description))")
    let exported = try workspace.build(dockerfile: variant.dockerfile)
    let buildKit = try workspace.files(under: exported.appendingPathComponent("ctx"))
    Self.expectSameFiles(
      buildKit: buildKit, planner: report.paths,
      "\(tree.repository) with \(variant.rawValue) (ignore file: \(report.ignoreFile ?? "none"))")
    // A comparison of two empty lists would prove nothing.
    #expect(
      buildKit.count > 10,
      "\(tree.repository) with \(variant.rawValue): only \(buildKit.count) files")
  }

  // MARK: - Comparing

  /// Records one issue listing the paths only one side has, both directions, 20 of each at most.
  /// A difference exactly equal to `known` is recorded as a known issue instead of a failure.
  static func expectSameFiles(
    buildKit: [String], planner: [String], _ label: String, known: KnownDifference? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let real = Set(buildKit)
    let predicted = Set(planner)
    guard real != predicted else { return }
    let onlyReal = sortedByBytes(real.subtracting(predicted))
    let onlyPredicted = sortedByBytes(predicted.subtracting(real))
    func list(_ paths: [String]) -> String {
      let shown = paths.prefix(20).map { "    \($0)\n" }.joined()
      return shown + (paths.count > 20 ? "    … and \(paths.count - 20) more\n" : "")
    }
    let message = Comment(
      rawValue: """
        \(label): BuildKit copied \(real.count) files, planner predicts \(predicted.count)
          only in BuildKit's result (\(onlyReal.count)):
        \(list(onlyReal))  only in planner's result (\(onlyPredicted.count)):
        \(list(onlyPredicted))
        """)
    if let known, known.onlyInBuildKit == onlyReal, known.onlyInPlanner == onlyPredicted {
      withKnownIssue(Comment(rawValue: known.reason), sourceLocation: sourceLocation) {
        Issue.record(message, sourceLocation: sourceLocation)
      }
    } else {
      Issue.record(message, sourceLocation: sourceLocation)
    }
  }

  static func sortedByBytes(_ paths: some Collection<String>) -> [String] {
    paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// A known disagreement between BuildKit and planner for one case: the exact paths each side
  /// has alone, and why. Some are planner's (symbolic links in COPY sources); the ignore-file
  /// ones are Docker 20.10's: planner follows current BuildKit (moby/patternmatcher and fsutil's
  /// `MatchesUsingParentResults`), while Docker 20.10's client walks the context with a 2020
  /// fsutil that calls the older `fileutils.PatternMatcher.Matches`.
  struct KnownDifference: Sendable {
    var reason: String
    var onlyInBuildKit: [String] = []
    var onlyInPlanner: [String] = []

    /// An excluded directory is entered only when an exception's text starts with its path.
    static func exceptionNotReached(_ onlyInPlanner: [String]) -> Self {
      Self(
        reason:
          "Docker 20.10 enters an excluded directory only for an exception whose text starts "
          + "with the directory's path, so a wildcard exception re-includes nothing inside it",
        onlyInPlanner: onlyInPlanner)
    }

    /// A pattern is tried on one parent only: the one with as many components as the pattern.
    static func parentAtPatternDepthOnly(_ onlyInBuildKit: [String]) -> Self {
      Self(
        reason:
          "Docker 20.10 tries a pattern on one parent only, the one with as many components as "
          + "the pattern, so '**/node_modules' does not exclude node_modules/pkg/README.md",
        onlyInBuildKit: onlyInBuildKit)
    }

    /// Each path is matched whole, parents included, against every pattern in turn.
    static func wholePathMatching(onlyInBuildKit: [String] = [], onlyInPlanner: [String] = [])
      -> Self
    {
      Self(
        reason:
          "Docker 20.10 matches each path whole against every pattern in turn (the last pattern "
          + "that matches the path or a parent wins); current fsutil decides a path from its "
          + "parent directory's result, which remembers only the patterns it evaluated",
        onlyInBuildKit: onlyInBuildKit, onlyInPlanner: onlyInPlanner)
    }

    /// `**x` is the regular expression `^(.*/)?x$`, not a suffix test.
    static func doubleStarIsNotASuffix(_ onlyInBuildKit: [String]) -> Self {
      Self(
        reason:
          "Docker 20.10 reads '**.md' as the regular expression ^(.*/)?\\.md$ (a file named "
          + "'.md'); current patternmatcher treats a leading '**' as a suffix test",
        onlyInBuildKit: onlyInBuildKit)
    }
  }
}

/// Where the daemon and the client are; read once.
enum RealBuildKitSetup {
  static let docker = "/usr/bin/docker"
  /// The daemon's socket URL, from `PLANNER_DOCKER_HOST`.
  static let host = ProcessInfo.processInfo.environment["PLANNER_DOCKER_HOST"].flatMap {
    $0.isEmpty ? nil : $0
  }
  static let isAvailable = host != nil && FileManager.default.isExecutableFile(atPath: docker)
}

// MARK: - Ignore-file cases

extension RealBuildKitTests {
  /// A small context, the ignore files around it, and where its Dockerfile is. Paths are relative
  /// to the workspace, whose `context` folder is the build context.
  struct IgnoreCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Relative to the context; a path ending in `/` is an empty directory, `link -> target` a
    /// symbolic link. Each file holds its own path.
    var files: [String] = IgnoreCase.tree
    var ignoreFiles: [(path: String, text: String)]
    var dockerfile = "context/Dockerfile"
    /// How Docker 20.10's BuildKit is known to differ from planner here, if it does.
    var docker2010: KnownDifference?

    var testDescription: String { name }

    init(
      _ name: String, files: [String] = IgnoreCase.tree, dockerfile: String = "context/Dockerfile",
      _ ignoreFiles: [(path: String, text: String)]
    ) {
      self.name = name
      self.files = files
      self.ignoreFiles = ignoreFiles
      self.dockerfile = dockerfile
    }

    /// A case whose only ignore file is the context's `.dockerignore`.
    init(_ name: String, dockerignore: String, docker2010: KnownDifference? = nil) {
      self.init(name, [("context/.dockerignore", dockerignore)])
      self.docker2010 = docker2010
    }

    static let tree = [
      "README.md", "CHANGELOG.md", "notes.txt", ".env", ".hidden/config", ".hidden/.deeper",
      "src/main.swift", "src/util.swift", "src/README.md", "src/gen/out.swift",
      "src/gen/keep.swift", "src/.main.swift.swp", "docs/index.md", "docs/api/ref.md",
      "docs/api/keep.md", "build/obj.o", "build/keep.txt", "a b/c d.txt", "café/menü.txt",
      "日本語.txt", "node_modules/pkg/index.js", "node_modules/pkg/README.md",
      "sub/node_modules/x.js", "sub/build/y.o", "x.swp", "Dockerfile.old", "empty/",
      "docs/empty/", "links/readme -> ../README.md", "links/src -> ../src",
    ]

    static let all: [IgnoreCase] = [
      IgnoreCase("no ignore file", []),
      IgnoreCase("an empty ignore file", dockerignore: ""),
      IgnoreCase("directory names exclude everything below", dockerignore: "docs\nnode_modules\n"),
      IgnoreCase("a trailing slash changes nothing", dockerignore: "docs/\nbuild/\nnotes.txt/\n"),
      IgnoreCase("a leading slash changes nothing", dockerignore: "/docs\n/sub/build\n/x.swp\n"),
      IgnoreCase("a star stays inside one component", dockerignore: "*.md\n*/*.js\n*/*/*.md\n"),
      IgnoreCase(
        "a double star crosses directories",
        dockerignore: "**/*.md\n**/node_modules\n**/build\n**/.*.swp\n"),
      IgnoreCase(
        "a final double star takes what is below", dockerignore: "docs/**\nsrc/**/*.swift\n"),
      IgnoreCase("question marks and classes", dockerignore: "src/?til.swift\n[a-c]*\n*.sw[op]\n"),
      IgnoreCase(
        "an exception re-includes a file inside an excluded directory",
        dockerignore: "docs\n!docs/api/keep.md\nbuild\n!build/keep.txt\n"),
      IgnoreCase(
        "an exception before its pattern has no effect",
        dockerignore: "!docs/api/keep.md\ndocs\n!build/keep.txt\nbuild/\n"),
      IgnoreCase(
        "wildcard exceptions inside excluded directories",
        dockerignore: "src/gen\n!src/gen/k*.swift\n**/*.md\n!**/README.md\n"),
      IgnoreCase(
        "an allowlist excludes everything but its exceptions",
        dockerignore: "*\n!src\n!README.md\nsrc/gen\n"),
      IgnoreCase(
        "comments, blank lines, spaces and CRLF",
        dockerignore:
          "# docs\n\n#node_modules\n  # not a comment but a pattern\r\n  build  \r\n\t*.swp\n"
          + "notes.txt # not a comment\n./src/../CHANGELOG.md\n"),
      IgnoreCase(
        "the Dockerfile and the ignore file can ignore themselves",
        dockerignore: "Dockerfile\n.dockerignore\n"),
      IgnoreCase(
        "a wildcard can ignore the Dockerfile and the ignore file", dockerignore: "Docker*\n.*\n"),
      IgnoreCase(
        "hidden files follow the same rules",
        dockerignore: ".*\n!.hidden\n.hidden/.*\n**/.*.swp\n"),
      IgnoreCase(
        "spaces and non-ASCII names", dockerignore: "a b\ncafé/*.txt\n日本*\n!a b/c d.txt\n"),
      IgnoreCase(
        "the Dockerfile's own ignore file replaces the root one",
        dockerfile: "context/build.Dockerfile",
        [("context/.dockerignore", "src\n"), ("context/build.Dockerfile.dockerignore", "docs\n")]),
      IgnoreCase(
        "the own ignore file of a Dockerfile in a subfolder replaces the root one",
        dockerfile: "context/docker/app.Dockerfile",
        [
          ("context/.dockerignore", "src\n"),
          ("context/docker/app.Dockerfile.dockerignore", "docker\n**/*.md\n"),
        ]),
      IgnoreCase(
        "the own ignore file of a Dockerfile outside the context applies",
        dockerfile: "ci.Dockerfile",
        [("context/.dockerignore", "src\n"), ("ci.Dockerfile.dockerignore", "docs\n*.txt\n")]),
      IgnoreCase(
        "the root ignore file applies to a Dockerfile outside the context without its own",
        dockerfile: "ci.Dockerfile", [("context/.dockerignore", "src\n.hidden\n")]),
      IgnoreCase(
        "a double-star directory pattern with an unrelated exception",
        dockerignore: "**/node_modules\n!README.md\n"),
      IgnoreCase(
        "literal exceptions reach into excluded directories at any depth",
        dockerignore: "**/build\n!sub/build/y.o\nsrc/*\n!src/gen/keep.swift\n"),
      IgnoreCase(
        "an allowlist with a folder and a wildcard inside a literal folder",
        dockerignore: "*\n!src/gen\n!docs/api/*.md\n"),
      IgnoreCase("every folder out except what is below one", dockerignore: "*/\n!src/**\n"),
      IgnoreCase(
        "a name followed by a double star is a prefix", dockerignore: "docs**\nsrc/gen**\nnode**\n"),
      IgnoreCase(
        "a wildcard exception re-includes a file in a folder that is not excluded itself",
        dockerignore: "**/gen/**\n!**/keep.swift\n"),
      // Where Docker 20.10's context walker differs from planner, which models current BuildKit.
      IgnoreCase(
        "a wildcard exception inside an excluded directory", dockerignore: "docs\n!**/keep.md\n",
        docker2010: .exceptionNotReached(["docs/api/keep.md"])),
      IgnoreCase(
        "a wildcard exception below a literal one inside an excluded directory",
        dockerignore: "sub\n!sub/**/*.o\n", docker2010: .exceptionNotReached(["sub/build/y.o"])),
      IgnoreCase(
        "an allowlist of wildcard exceptions after a lone double star",
        dockerignore: "**\n!**/*.swift\n",
        docker2010: .exceptionNotReached([
          "src/gen/keep.swift", "src/gen/out.swift", "src/main.swift", "src/util.swift",
        ])),
      IgnoreCase(
        "a double-star directory pattern with an exception inside it",
        dockerignore: "**/node_modules\n!node_modules/pkg/index.js\n",
        docker2010: .parentAtPatternDepthOnly(["node_modules/pkg/README.md"])),
      IgnoreCase(
        "a pattern after an exception excludes again",
        dockerignore: "docs\n!docs/api/keep.md\ndocs\n",
        docker2010: .wholePathMatching(onlyInPlanner: ["docs/api/keep.md"])),
      IgnoreCase(
        "an exception for a directory re-includes a file excluded before",
        dockerignore: "docs/api/keep.md\n!docs\n",
        docker2010: .wholePathMatching(onlyInBuildKit: ["docs/api/keep.md"])),
      IgnoreCase(
        "an exception for a parent after patterns that excluded below it",
        dockerignore: "docs/api\n!docs/api/keep.md\n**/api\n!docs\n",
        docker2010: .wholePathMatching(onlyInBuildKit: ["docs/api/ref.md"])),
      IgnoreCase(
        "a double star directly before a name", dockerignore: "**.md\n**.swp\n**menü.txt\n",
        docker2010: .doubleStarIsNotASuffix([
          "CHANGELOG.md", "README.md", "docs/api/keep.md", "docs/api/ref.md", "docs/index.md",
          "node_modules/pkg/README.md", "src/.main.swift.swp", "src/README.md", "x.swp",
        ])),
      IgnoreCase(
        "an ignore file named after another Dockerfile does not apply",
        [("context/.dockerignore", "docs\n"), ("context/other.Dockerfile.dockerignore", "src\n")]),
    ]
  }
}

// MARK: - Real trees

extension RealBuildKitTests {
  /// An open-source tree from a bare repository in `/opt/swift-packages`, exported at its newest
  /// tag, with the clutter of a developer's checkout added (a `.git` folder, `.build`, editor
  /// files), so that the ignore files have something to remove.
  struct RealTree: Sendable, CustomTestStringConvertible {
    var repository: String

    var testDescription: String { repository }

    static let candidates = [
      "apple/swift-nio", "apple/swift-collections", "apple/swift-argument-parser",
      "apple/swift-log",
    ]

    /// The candidates present on this machine.
    static var available: [RealTree] {
      candidates.filter { FileManager.default.fileExists(atPath: gitDirectory(of: $0)) }.map {
        RealTree(repository: $0)
      }
    }

    static func gitDirectory(of repository: String) -> String {
      "/opt/swift-packages/\(repository).git"
    }

    static let clutter = [
      ".build/debug/main.o", ".build/checkouts/swift-log/README.md", ".build/repositories/x/HEAD",
      ".swiftpm/xcode/package.xcworkspace/contents.xcworkspacedata", ".DS_Store",
      "Sources/.DS_Store", "Sources/.main.swift.swp", "Package.swift.swp", "notes/todo.md",
      "Tests/.build/leftover.o",
    ]

    /// Extracts the tree into `folder` of the workspace, with fresh modification times.
    func export(into workspace: Workspace, folder: String) throws {
      let gitDirectory = Self.gitDirectory(of: repository)
      let tags = try workspace.run(
        "/usr/bin/git", ["-C", gitDirectory, "tag", "--sort=-v:refname"])
      let tag = tags.split(separator: "\n").first.map(String.init) ?? "HEAD"
      let archive = workspace.url("tree.tar")
      _ = try workspace.run(
        "/usr/bin/git", ["-C", gitDirectory, "archive", "--format=tar", "-o", archive.path, tag])
      let destination = workspace.url(folder)
      try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
      _ = try workspace.run(
        "/usr/bin/tar", ["-x", "-m", "-f", archive.path, "-C", destination.path])
      _ = try workspace.run("/usr/bin/git", ["init", "-q", destination.path])
      try workspace.write(Self.clutter, under: folder, content: { "clutter: \($0)\n" })
    }

    /// Ignore files such as real projects keep.
    enum IgnoreVariant: String, CaseIterable, Sendable, CustomTestStringConvertible {
      case serverApp = "a server app's .dockerignore"
      case allowlist = "an allowlist .dockerignore"
      case testsOut = "a .dockerignore that drops tests and tooling"
      case ownIgnoreFile = "ci.Dockerfile.dockerignore outside the context"

      var testDescription: String { rawValue }

      var dockerfile: String { self == .ownIgnoreFile ? "ci.Dockerfile" : "context/Dockerfile" }

      var files: [(path: String, text: String)] {
        switch self {
        case .serverApp:
          return [
            (
              "context/.dockerignore",
              """
              # Build artefacts and editor files
              .build/
              **/.build
              .swiftpm/
              *.xcodeproj
              **/*.swp
              **/.DS_Store

              # Version control and CI
              .git
              .github/

              # Documentation stays out of the image, except the README
              **/*.md
              !README.md
              docs/**
              Tests/

              """
            )
          ]
        case .allowlist:
          return [
            (
              "context/.dockerignore",
              """
              # Send only what the image build needs
              *
              !Package.swift
              !Package.resolved
              !Sources/
              !README.md
              Sources/**/*.docc
              **/.DS_Store
              """
            )
          ]
        case .testsOut:
          return [
            (
              "context/.dockerignore",
              """
              .git*
              **/.build
              .swiftpm
              Benchmarks/
              IntegrationTests/
              Tests/**/*.swift
              !Tests/**/*Tests.swift
              dev/
              docker/
              *.yml
              .*.yml
              !.github/workflows/*.yml
              **/*.sh
              LICENSE.txt
              CONTRIBUTORS.txt
              CODE_OF_CONDUCT.md
              Dockerfile
              .dockerignore

              """
            )
          ]
        case .ownIgnoreFile:
          return [
            ("context/.dockerignore", "Sources\n"),
            (
              "ci.Dockerfile.dockerignore",
              """
              .git
              **/*.md
              !**/README.md
              Sources/*/*.docc
              /Tests
              **/Benchmarks/**
              .spi.yml
              **/.DS_Store
              .build

              """
            ),
          ]
        }
      }
    }
  }
}

// MARK: - A workspace: folders, processes, builds

extension RealBuildKitTests {
  /// The planner report fields the tests compare.
  struct Report: Decodable {
    struct Step: Decodable {
      var instruction: String
      var paths: [String]
    }
    var ignoreFile: String?
    var paths: [String]
    var steps: [Step]
  }

  /// A fresh temporary folder for one case: the context, the Dockerfile, the output, the CLI's
  /// configuration and logs.
  struct Workspace {
    let root: URL

    init() throws {
      root = FileManager.default.temporaryDirectory
        .appendingPathComponent("planner-real-buildkit-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func write(_ text: String, at path: String) throws {
      let file = url(path)
      try FileManager.default.createDirectory(
        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: file)
    }

    /// Writes files below a folder of the workspace; a path ending in `/` is an empty directory,
    /// and `link -> target` a symbolic link.
    func write(_ paths: [String], under folder: String, content: (String) -> String) throws {
      for path in paths {
        if let arrow = path.range(of: " -> ") {
          let link = url(folder + "/" + path[..<arrow.lowerBound])
          try FileManager.default.createDirectory(
            at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
          try FileManager.default.createSymbolicLink(
            atPath: link.path, withDestinationPath: String(path[arrow.upperBound...]))
        } else if path.hasSuffix("/") {
          try FileManager.default.createDirectory(
            at: url(folder + "/" + path), withIntermediateDirectories: true)
        } else {
          try write(content(path), at: folder + "/" + path)
        }
      }
    }

    /// Every file and symbolic link below a folder, relative to it; none when it is absent.
    func files(under folder: URL) throws -> [String] {
      let manager = FileManager.default
      guard manager.fileExists(atPath: folder.path) else { return [] }
      var found: [String] = []
      var pending = [""]
      while let relative = pending.popLast() {
        let directory = relative.isEmpty ? folder.path : folder.path + "/" + relative
        for name in try manager.contentsOfDirectory(atPath: directory) {
          let child = relative.isEmpty ? name : relative + "/" + name
          // attributesOfItem does not follow a symbolic link.
          let type = try manager.attributesOfItem(atPath: folder.path + "/" + child)[.type]
          if type as? FileAttributeType == .typeDirectory {
            pending.append(child)
          } else {
            found.append(child)
          }
        }
      }
      return found
    }

    /// planner's `context` report for a Dockerfile of the workspace and the `context` folder,
    /// with the ignore file chosen as planner chooses it, and planner's error diagnostics.
    func plannerReport(dockerfile: String) throws -> (Report, errors: [Diagnostic]) {
      let context = url("context")
      let ignorePath = IgnoreFile.choose(
        dockerfilePath: url(dockerfile).path, contextPath: context.path,
        exists: { FileManager.default.fileExists(atPath: $0) })
      let ignore = try ignorePath.map { path in
        (
          name: String(path.dropFirst(root.path.count + 1)),
          text: Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        )
      }
      let paths = try files(under: context)
      var links: [String: String] = [:]
      for path in paths {
        if let target = try? FileManager.default.destinationOfSymbolicLink(
          atPath: context.path + "/" + path)
        {
          links[path] = target
        }
      }
      let outcome = Planner.context(
        dockerfile: Array(try Data(contentsOf: url(dockerfile))), file: "Dockerfile",
        contextName: "context", paths: paths, links: links, ignore: ignore, byStep: true,
        format: .json)
      let report = try JSONDecoder().decode(Report.self, from: Data(outcome.report))
      return (report, outcome.diagnostics.filter { $0.severity == .error })
    }

    /// Builds the `context` folder with a Dockerfile of the workspace and exports the result to a
    /// folder, which it returns.
    func build(dockerfile: String) throws -> URL {
      let output = url("output")
      let environment = [
        "PATH": "/usr/bin:/bin", "HOME": root.path, "DOCKER_BUILDKIT": "1",
        "DOCKER_HOST": RealBuildKitSetup.host ?? "", "DOCKER_CONFIG": url("docker-config").path,
      ]
      _ = try run(
        RealBuildKitSetup.docker,
        [
          "build", "--network=none", "--progress=plain", "--output",
          "type=local,dest=\(output.path)", "-f", url(dockerfile).path, url("context").path,
        ], environment: environment)
      return output
    }

    /// Runs a program with an argument array and returns its standard output; a non-zero exit
    /// throws, with the output and standard error.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil)
      throws -> String
    {
      let log = url("process-\(UUID().uuidString).log")
      let errors = url("process-\(UUID().uuidString).err")
      _ = FileManager.default.createFile(atPath: log.path, contents: nil)
      _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
      let out = try FileHandle(forWritingTo: log)
      let err = try FileHandle(forWritingTo: errors)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = arguments
      if let environment { process.environment = environment }
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = out
      process.standardError = err
      try process.run()
      process.waitUntilExit()
      try out.close()
      try err.close()
      let output = try String(contentsOf: log, encoding: .utf8)
      guard process.terminationStatus == 0 else {
        let message = try String(contentsOf: errors, encoding: .utf8)
        throw ProcessFailure(
          command: ([executable] + arguments).joined(separator: " "),
          status: process.terminationStatus, output: String((output + message).suffix(4000)))
      }
      return output
    }
  }

  struct ProcessFailure: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String

    var description: String { "'\(command)' exited with status \(status):\n\(output)" }
  }
}

/// One daemon serves every real-build suite, and one suite's `docker builder prune` would break
/// another's builds: each test case takes its turn. Used as a suite trait (`.daemonTurn`).
struct DaemonTurn: SuiteTrait, TestTrait, TestScoping {
  var isRecursive: Bool { true }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    // Scoped per test case: a whole parameterized test would otherwise hold the turn its cases
    // are waiting for.
    guard testCase != nil else { return try await function() }
    await Self.queue.acquire()
    do {
      try await function()
    } catch {
      await Self.queue.release()
      throw error
    }
    await Self.queue.release()
  }

  private static let queue = Queue()

  /// A first-come, first-served lock that suspends instead of blocking a thread.
  private actor Queue {
    private var isHeld = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
      guard isHeld else {
        isHeld = true
        return
      }
      await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
      if waiting.isEmpty { isHeld = false } else { waiting.removeFirst().resume() }
    }
  }
}

extension Trait where Self == DaemonTurn {
  static var daemonTurn: Self { DaemonTurn() }
}
