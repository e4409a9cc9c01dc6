import Foundation
import Testing

/// Replays realistic edits on real open-source trees, with their real Dockerfiles and ignore
/// files, through a real BuildKit, and checks that `planner simulate` predicts, for every step
/// of every commit, whether BuildKit takes it from its cache.
@Suite(
  "planner's simulation agrees with a real BuildKit on real repositories", .serialized,
  .daemonTurn,
  .enabled(
    if: SimulationSetup.isAvailable,
    "needs PLANNER_DOCKER_HOST set to a daemon's socket URL (Scripts/buildkit.sh start), /usr/bin/docker from Debian's docker.io, and the image local/busybox:1 (Scripts/buildkit.sh base-image)"
  )
)
struct RealRepositorySimulationTests {
  // The mirrors under /opt/swift-packages hold one commit each, so each repository's history is
  // written here (`RealRepositoryHistory`): its tree at HEAD, with the Dockerfile rewritten to
  // build offline (`OfflineDockerfile`: every FROM image becomes local/busybox:1 and every RUN an
  // `echo` of its own text, the rest as written), then edits chosen from that tree. Each commit's
  // context folder is exported from git at a fixed path (fresh mtimes, modes as under umask 0022)
  // and built with the same Dockerfile path and context the project uses; the builder's cache is
  // pruned before each repository only, so a step may hit any earlier build's record. planner
  // then simulates the same commits with `--cold-start --cache all`, and every (commit, step)
  // pair is compared as in `RealBuildKitSimulationTests` (FROM steps apart, for the reasons given
  // there).

  @Test func everyStepsStatusEqualsBuildKits() throws {
    guard let planner = SimulationSetup.planner else {
      try Test.cancel(
        "no planner executable at \(SimulationSetup.plannerPath); run 'swift build' first")
    }
    var total = RealBuildKitSimulationTests.Tally()
    var used: [String] = []
    let clock = ContinuousClock()
    let start = clock.now
    let available = RealRepository.all.filter {
      guard $0.history.isAvailable else {
        print(
          "\($0.name): skipped, no mirror at "
            + RealRepositoryHistory.gitDirectory(of: $0.history.mirror))
        return false
      }
      return true
    }
    if available.isEmpty {
      try Test.cancel("none of the repositories has a mirror under /opt/swift-packages")
    }
    for repository in available {
      let began = clock.now
      do {
        let tally = try Self.replay(repository, planner: planner)
        total.compared += tally.compared
        total.agreeing += tally.agreeing
        total.fromSteps += tally.fromSteps
        used.append(repository.name)
      } catch {
        Issue.record("\(repository.name): \(error)")
      }
      print("\(repository.name): took \(clock.now - began)")
    }
    print(
      "all \(used.count) repositories: (commit, step) pairs agreeing: "
        + "\(total.agreeing)/\(total.compared) (FROM steps not compared: \(total.fromSteps)); "
        + "took \(clock.now - start)")
  }

  static func replay(_ repository: RealRepository, planner: String) throws
    -> RealBuildKitSimulationTests.Tally
  {
    let folder = SimulationSetup.folder.appendingPathComponent("real-\(repository.slug)")
    try? FileManager.default.removeItem(at: folder)
    defer { SimulationSetup.remove(folder) }
    let work = folder.appendingPathComponent("repository")
    let recorded = try repository.history.record(in: work)

    let builder = DockerBuilder(folder: folder)
    try builder.pruneCache()
    let export = folder.appendingPathComponent("export")
    var builds: [[BuildKitBlock]] = []
    for commit in recorded.ids {
      try RealRepositoryHistory.export(
        commit: commit, folder: repository.context, from: work, into: export)
      let progress = try builder.build(
        dockerfile: export.appendingPathComponent(repository.history.dockerfile),
        context: export.appendingPathComponent(repository.context).standardizedFileURL,
        buildArgs: repository.buildArgs)
      builds.append(BuildKitBlock.parse(progress))
    }

    let report = try simulate(
      planner: planner, repository: repository, in: work, commits: recorded.ids.count)
    #expect(report.builder == "buildkit", "\(repository.name): planner simulated \(report.builder)")
    try #require(
      report.commits.count == recorded.ids.count,
      "\(repository.name): planner reports \(report.commits.count) commits, \(recorded.ids.count) built"
    )
    print("\(repository.name): -f \(repository.history.dockerfile) --context \(repository.context)")
    for line in recorded.dockerfile.split(separator: "\n", omittingEmptySubsequences: false) {
      print("  | \(line)")
    }
    var tally = RealBuildKitSimulationTests.Tally()
    for (index, (planned, blocks)) in zip(report.commits, builds).enumerated() {
      #expect(
        planned.commit == recorded.ids[index],
        "\(repository.name): planner's commit \(index + 1) is \(planned.commit)")
      let label = "\(repository.name), commit \(index + 1) '\(recorded.subjects[index])'"
      RealBuildKitSimulationTests.compare(planned.steps, blocks, label, into: &tally)
      print("  \(label): BuildKit \(BuildKitBlock.summary(blocks))")
    }
    print(
      "\(repository.name): (commit, step) pairs agreeing: \(tally.agreeing)/\(tally.compared)"
        + " (FROM steps not compared: \(tally.fromSteps))")
    return tally
  }

  static func simulate(
    planner: String, repository: RealRepository, in work: URL, commits: Int
  ) throws -> RealBuildKitSimulationTests.SimulationReport {
    var arguments = [
      "simulate", "--format", "json", "--cold-start", "--cache", "all", "--commits",
      String(commits),
    ]
    for (name, value) in repository.buildArgs { arguments += ["--build-arg", "\(name)=\(value)"] }
    arguments += [
      "-f", work.appendingPathComponent(repository.history.dockerfile).path,
      "--context", work.appendingPathComponent(repository.context).standardizedFileURL.path,
    ]
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": work.path, "LC_ALL": "C",
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]
    let output = try ScriptedProcess.run(
      planner, arguments, environment: environment, directory: work)
    // Diagnostics on a real Dockerfile are worth reading, though they fail nothing.
    for line in output.standardError.split(separator: "\n") {
      print("\(repository.name): planner says: \(line)")
    }
    do {
      return try JSONDecoder().decode(
        RealBuildKitSimulationTests.SimulationReport.self, from: Data(output.standardOutput.utf8))
    } catch {
      throw ScriptedProcess.Failure(
        command: "planner " + arguments.joined(separator: " "), status: 0,
        output: "unreadable JSON (\(error)):\n\(output.standardOutput.prefix(2000))")
    }
  }
}

// MARK: - Repositories

/// A real repository, the Dockerfile and context its project builds, and a history of edits.
struct RealRepository: Sendable {
  typealias Commit = RealRepositoryHistory.Commit
  typealias File = RealRepositoryHistory.File

  var history: RealRepositoryHistory
  /// The context folder, relative to the repository's root ("." for the root).
  var context: String
  /// The build arguments the project passes, if any.
  var buildArgs: [(String, String)]

  var name: String { history.mirror }

  var slug: String {
    String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
  }

  init(
    _ mirror: String, dockerfile: String, context: String, buildArgs: [(String, String)] = [],
    rewrite: OfflineDockerfile = OfflineDockerfile(),
    standIns: [(path: String, text: String)] = [], _ commits: [Commit]
  ) {
    self.history = RealRepositoryHistory(
      mirror: mirror, dockerfile: dockerfile, rewrite: rewrite, standIns: standIns,
      commits: commits)
    self.context = context
    self.buildArgs = buildArgs
  }

  static let swiftComment = "// A comment added by a test."
  static let hashComment = "# A comment added by a test."
  static let prose = "Edited by a test."

  static let all = [
    hummingbird, openAPIExample, jwt, nioSSL, wasmKit, configurationExample, nimble,
  ]

  /// A server framework whose Dockerfile resolves dependencies from `Package.*` before copying
  /// everything; its .dockerignore drops `.build` and `.git`.
  static let hummingbird = RealRepository(
    "hummingbird-project/hummingbird", dockerfile: "Dockerfile", context: ".",
    [
      Commit(
        "append a comment to a source file",
        [.append(.first(under: "Sources/", ending: ".swift"), swiftComment)]),
      Commit(
        "check in Package.resolved, which .gitignore lists",
        [
          .writeIgnoredByGit(
            "Package.resolved", #"{ "originHash" : "0", "pins" : [ ], "version" : 3 }"# + "\n")
        ]
      ),
      Commit("append a comment to Package.swift", [.append(.path("Package.swift"), swiftComment)]),
      Commit("edit the README", [.append(.path("README.md"), prose)]),
      Commit(
        "append a comment to a test file",
        [.append(.first(under: "Tests/", ending: ".swift"), swiftComment)]),
      Commit(
        "add a source file",
        [
          .write(
            "Sources/Hummingbird/PlannerTestAddition.swift",
            "// Added by a test.\nenum PlannerTestAddition {}\n")
        ]),
      Commit("delete a document", [.delete(.first(under: "docs/", ending: ".md"))]),
      Commit(
        "make a script non-executable",
        [.chmod(.first(under: "scripts/", ending: ".sh", mode: 0o100755), mode: 0o644)]),
      Commit("ignore the README in .dockerignore", [.append(.path(".dockerignore"), "README.md")]),
      Commit("edit the now ignored README", [.append(.path("README.md"), prose)]),
      Commit(
        "comment the Dockerfile",
        [
          .replace(
            "Dockerfile", "# Copy entire repo into container\n",
            with: "# Copy entire repo into container: sources, tests and scripts\n")
        ]),
      Commit(
        "set an ENV before the tests",
        [
          .replace(
            "Dockerfile", "\nRUN echo 'swift test",
            with: "\nENV SWIFT_BACKTRACE=enable=no\nRUN echo 'swift test")
        ]),
      Commit("revert 'set an ENV before the tests'", [.revert(12)]),
    ])

  static let openAPIFolder = "Examples/metrics-middleware-example/"

  /// An example server of swift-openapi-generator. Its compose file builds `docker/Dockerfile`
  /// with the example folder as context (`context: ..`), which is why the Dockerfile copies
  /// `../Sources/`; the runtime stage copies the binary from the builder stage.
  static let openAPIExample = RealRepository(
    "apple/swift-openapi-generator", dockerfile: openAPIFolder + "docker/Dockerfile",
    context: openAPIFolder,
    rewrite: OfflineDockerfile(effects: [
      // The binary the runtime stage copies: bytes that change with the sources, as a
      // compiler's would.
      (
        "swift build -c release",
        "mkdir -p .build/release && find Package.swift Sources -type f | sort | xargs cat"
          + " | md5sum > .build/release/HelloWorldVaporServer"
      )
    ]),
    standIns: [
      // The mirror holds no manifest for the example; the Dockerfile copies one.
      (
        openAPIFolder + "Package.swift",
        """
        // swift-tools-version:5.9
        // A stand-in for the example's manifest, which the mirror does not hold.
        import PackageDescription

        let package = Package(
          name: "metrics-middleware-example",
          targets: [
            .target(name: "MetricsMiddleware"),
            .executableTarget(name: "HelloWorldVaporServer", dependencies: ["MetricsMiddleware"]),
          ]
        )

        """
      )
    ],
    [
      Commit(
        "append a comment to a source file",
        [.append(.first(under: openAPIFolder + "Sources/", ending: ".swift"), swiftComment)]),
      Commit("edit the example's README", [.append(.path(openAPIFolder + "README.md"), prose)]),
      Commit(
        "append a comment to Package.swift",
        [.append(.path(openAPIFolder + "Package.swift"), swiftComment)]),
      Commit(
        "add a source file",
        [
          .write(
            openAPIFolder + "Sources/MetricsMiddleware/PlannerTestAddition.swift",
            "// Added by a test.\nenum PlannerTestAddition {}\n")
        ]),
      Commit("revert 'add a source file'", [.revert(4)]),
      Commit(
        "ignore YAML files in .dockerignore",
        [.append(.path(openAPIFolder + ".dockerignore"), "**/*.yaml")]),
      Commit(
        "edit the now ignored OpenAPI document",
        [.append(.first(under: openAPIFolder + "Sources/", ending: "openapi.yaml"), hashComment)]
      ),
      Commit(
        "delete the Prometheus configuration",
        [.delete(.path(openAPIFolder + "docker/prometheus.yml"))]),
      Commit(
        "comment the Dockerfile",
        [
          .replace(
            openAPIFolder + "docker/Dockerfile", "FROM local/busybox:1 AS builder\n",
            with: "# Build the server.\nFROM local/busybox:1 AS builder\n")
        ]),
      Commit(
        "change the runtime's PORT",
        [.replace(openAPIFolder + "docker/Dockerfile", "ENV PORT=8080", with: "ENV PORT=9090")]),
      Commit(
        "edit a file outside the context", [.append(.path("README.md"), prose)]),
    ])

  /// A devcontainer: the context is `.devcontainer` (devcontainer.json names no other), and
  /// devcontainer.json passes VARIANT and NODE_VERSION as build arguments.
  static let jwt = RealRepository(
    "vapor/jwt", dockerfile: ".devcontainer/Dockerfile", context: ".devcontainer",
    buildArgs: [("VARIANT", "5.6-focal"), ("NODE_VERSION", "lts/*")],
    [
      Commit(
        "append a comment to a source file (outside the context)",
        [.append(.first(under: "Sources/", ending: ".swift"), swiftComment)]),
      Commit(
        "append a comment to the node script",
        [.append(.path(".devcontainer/library-scripts/node-debian.sh"), hashComment)]),
      Commit(
        "append a comment to the common script",
        [.append(.path(".devcontainer/library-scripts/common-debian.sh"), hashComment)]),
      Commit(
        "edit devcontainer.json",
        [.append(.path(".devcontainer/devcontainer.json"), "// Edited by a test.")]),
      Commit(
        "make the common script executable",
        [.chmod(.path(".devcontainer/library-scripts/common-debian.sh"), mode: 0o755)]),
      Commit(
        "change the UPGRADE_PACKAGES default",
        [
          .replace(
            ".devcontainer/Dockerfile", #"ARG UPGRADE_PACKAGES="false""#,
            with: #"ARG UPGRADE_PACKAGES="true""#)
        ]),
      Commit(
        "change the NODE_VERSION default, which the build argument overrides",
        [
          .replace(
            ".devcontainer/Dockerfile", #"ARG NODE_VERSION="none""#,
            with: #"ARG NODE_VERSION="16""#)
        ]),
      Commit(
        "comment the Dockerfile",
        [
          .replace(
            ".devcontainer/Dockerfile", "# [Option] Install zsh\n",
            with: "# [Option] Install zsh (true or false)\n")
        ]),
      Commit(
        "move NVM_DIR",
        [
          .replace(
            ".devcontainer/Dockerfile", "ENV NVM_DIR=/usr/local/share/nvm",
            with: "ENV NVM_DIR=/opt/nvm")
        ]),
      Commit(
        "add a library script nothing copies",
        [.write(".devcontainer/library-scripts/extra-debian.sh", "#!/bin/sh\necho extra\n")]),
      Commit("delete devcontainer.json", [.delete(.path(".devcontainer/devcontainer.json"))]),
      Commit("revert 'move NVM_DIR'", [.revert(9)]),
      Commit(
        "append a comment to Package.swift (outside the context)",
        [.append(.path("Package.swift"), swiftComment)]),
    ])

  /// A CI image: no COPY; its compose file builds `docker/Dockerfile` with `context: .` (the
  /// docker folder). Global ARGs are re-declared in the stage, so their defaults reach the RUNs.
  static let nioSSL = RealRepository(
    "apple/swift-nio-ssl", dockerfile: "docker/Dockerfile", context: "docker",
    [
      Commit(
        "append a comment to a source file (outside the context)",
        [.append(.first(under: "Sources/NIOSSL/", ending: ".swift"), swiftComment)]),
      Commit(
        "edit the compose file",
        [.append(.path("docker/docker-compose.yaml"), hashComment)]),
      Commit(
        "bump the swift_version default",
        [.replace("docker/Dockerfile", "ARG swift_version=5.7", with: "ARG swift_version=5.8")]),
      Commit(
        "switch the ubuntu_version default",
        [
          .replace(
            "docker/Dockerfile", "ARG ubuntu_version=focal", with: "ARG ubuntu_version=jammy")
        ]),
      Commit(
        "change LANG",
        [.replace("docker/Dockerfile", "ENV LANG en_US.UTF-8", with: "ENV LANG C.UTF-8")]),
      Commit(
        "comment the Dockerfile",
        [
          .replace(
            "docker/Dockerfile", "# dependencies\n", with: "# dependencies of the tests\n")
        ]),
      Commit(
        "add a .dockerignore for the compose files",
        [.write("docker/.dockerignore", "docker-compose.*.yaml\n")]),
      Commit(
        "delete a compose file",
        [.delete(.first(under: "docker/docker-compose.", ending: ".yaml"))]),
      Commit(
        "make an integration test script executable (outside the context)",
        [.chmod(.first(under: "IntegrationTests/", ending: ".sh", mode: 0o100644), mode: 0o755)]),
      Commit("revert 'change LANG'", [.revert(5)]),
      Commit(
        "restore the swift_version default",
        [.replace("docker/Dockerfile", "ARG swift_version=5.8", with: "ARG swift_version=5.7")]),
    ])

  /// A ClusterFuzzLite image: the context is the repository (the Dockerfile copies
  /// `.clusterfuzzlite/build.sh`). `$SRC` comes from the OSS-Fuzz base image; busybox has none,
  /// so the paths become `/wasmkit` and `/`.
  static let wasmKit = RealRepository(
    "swiftwasm/WasmKit", dockerfile: ".clusterfuzzlite/Dockerfile", context: ".",
    [
      Commit(
        "append a comment to a source file",
        [.append(.first(under: "Sources/", ending: ".swift"), swiftComment)]),
      Commit(
        "append a comment to the fuzzing build script",
        [.append(.path(".clusterfuzzlite/build.sh"), hashComment)]),
      Commit("append a comment to Package.swift", [.append(.path("Package.swift"), swiftComment)]),
      Commit(
        "add a source file",
        [
          .write(
            "Sources/WasmKit/PlannerTestAddition.swift",
            "// Added by a test.\nenum PlannerTestAddition {}\n")
        ]),
      Commit("delete an example's document", [.delete(.first(under: "Examples/", ending: ".md"))]),
      Commit(
        "make a CI script executable",
        [.chmod(.first(under: "CI/", ending: ".sh", mode: 0o100644), mode: 0o755)]),
      Commit(
        "add a .dockerignore for the documentation", [.write(".dockerignore", "Documentation/\n")]),
      Commit(
        "edit a now ignored document",
        [.append(.first(under: "Documentation/", ending: ".md"), prose)]),
      Commit(
        "comment the Dockerfile",
        [.append(.path(".clusterfuzzlite/Dockerfile"), "# The build script runs last.")]),
      Commit(
        "move SWIFT_PREFIX",
        [
          .replace(
            ".clusterfuzzlite/Dockerfile", "ENV SWIFT_PREFIX=/opt/swift\n",
            with: "ENV SWIFT_PREFIX=/opt/swift-6.3\n")
        ]),
      Commit("revert 'move SWIFT_PREFIX'", [.revert(10)]),
      Commit(
        "append a comment to a test file",
        [.append(.first(under: "Tests/", ending: ".swift"), swiftComment)]),
    ])

  static let configurationFolder = "Examples/reloading-example/"

  /// An example app of swift-configuration, built as its README says (`docker build .` in the
  /// example folder): a build stage and a run image that copies the staged binary.
  static let configurationExample = RealRepository(
    "apple/swift-configuration", dockerfile: configurationFolder + "Dockerfile",
    context: configurationFolder,
    rewrite: OfflineDockerfile(effects: [
      // The binary the run image copies, with bytes that change with the inputs; the staging
      // RUN copies it; the run image's user exists for `COPY --chown` and `USER`.
      (
        #"--product "App""#,
        "mkdir -p .build/release && find Package.swift Sources Tests -type f | sort"
          + " | xargs cat | md5sum > .build/release/App"
      ),
      (#"/App" ./"#, "cp /build/.build/release/App ./"),
      (
        "useradd",
        "echo 'hummingbird:x:999:999::/app:/bin/sh' >> /etc/passwd"
          + " && echo 'hummingbird:x:999:' >> /etc/group"
      ),
    ]),
    standIns: [
      // The mirror holds no manifest for the example; the Dockerfile copies `Package.*`.
      (
        configurationFolder + "Package.swift",
        """
        // swift-tools-version:6.0
        // A stand-in for the example's manifest, which the mirror does not hold.
        import PackageDescription

        let package = Package(
          name: "reloading-example",
          targets: [
            .executableTarget(name: "App"),
            .testTarget(name: "AppTests", dependencies: ["App"]),
          ]
        )

        """
      )
    ],
    [
      Commit(
        "append a comment to a source file",
        [.append(.first(under: configurationFolder + "Sources/", ending: ".swift"), swiftComment)]
      ),
      Commit(
        "edit the example's README", [.append(.path(configurationFolder + "README.md"), prose)]),
      Commit(
        "append a comment to a test file",
        [.append(.first(under: configurationFolder + "Tests/", ending: ".swift"), swiftComment)]),
      Commit(
        "edit the test fixture",
        [.append(.first(under: configurationFolder + "Tests/", ending: ".yaml"), hashComment)]),
      Commit(
        "append a comment to Package.swift",
        [.append(.path(configurationFolder + "Package.swift"), swiftComment)]),
      Commit(
        "add a source file",
        [
          .write(
            configurationFolder + "Sources/App/PlannerTestAddition.swift",
            "// Added by a test.\nenum PlannerTestAddition {}\n")
        ]),
      Commit(
        "delete a deployment manifest",
        [.delete(.first(under: configurationFolder + "deploy/", ending: ".yaml"))]),
      Commit(
        "comment the Dockerfile",
        [
          .replace(
            configurationFolder + "Dockerfile", "# Switch to the staging area\n",
            with: "# Switch to the staging area, which the run image copies\n")
        ]),
      Commit(
        "change SWIFT_BACKTRACE",
        [
          .replace(
            configurationFolder + "Dockerfile", "interactive=no,",
            with: "interactive=no,color=no,")
        ]),
      Commit(
        "add a .dockerignore for the test fixtures",
        [.write(configurationFolder + ".dockerignore", "Tests/AppTests/Fixtures/\n")]),
      Commit(
        "edit the now ignored test fixture",
        [.append(.first(under: configurationFolder + "Tests/", ending: ".yaml"), hashComment)]),
      Commit("revert 'add a source file'", [.revert(6)]),
      Commit("edit a file outside the context", [.append(.path("README.md"), prose)]),
    ])

  /// A test image built with `docker build -f Dockerfile.test .`: everything copied to `/`. An
  /// ignore file named after the Dockerfile takes precedence over `.dockerignore`.
  static let nimble = RealRepository(
    "Quick/Nimble", dockerfile: "Dockerfile.test", context: ".",
    [
      Commit(
        "append a comment to a source file",
        [.append(.first(under: "Sources/", ending: ".swift"), swiftComment)]),
      Commit("edit the README", [.append(.path("README.md"), prose)]),
      Commit(
        "add an ignore file for Dockerfile.test",
        [.write("Dockerfile.test.dockerignore", "README.md\n.github/\n")]),
      Commit("edit the now ignored README", [.append(.path("README.md"), prose)]),
      Commit(
        "add a .dockerignore, which Dockerfile.test.dockerignore overrides",
        [.write(".dockerignore", "Sources/\n")]),
      Commit(
        "bump a pinned dependency in Package.resolved",
        [.replace("Package.resolved", #""version" : "1.3.0""#, with: #""version" : "1.3.1""#)]),
      Commit(
        "make the test script non-executable", [.chmod(.path("test"), mode: 0o644)]),
      Commit("comment Dockerfile.test", [.append(.path("Dockerfile.test"), "# Run the tests.")]),
      Commit("revert 'comment Dockerfile.test'", [.revert(8)]),
      Commit("delete a script", [.delete(.first(under: "script/", ending: ""))]),
      Commit(
        "ignore Dockerfile.test too",
        [.append(.path("Dockerfile.test.dockerignore"), "Dockerfile.test")]),
      Commit(
        "comment the now ignored Dockerfile.test",
        [.append(.path("Dockerfile.test"), "# Run the tests.")]),
    ])
}
