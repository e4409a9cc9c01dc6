import Foundation
import Testing

/// Builds the Dockerfile `planner suggest` proposes and the original with a real BuildKit, and
/// checks that both give the same image: the same files (path, type, mode, owner, link target and
/// bytes; modification times aside) and the same configuration.
@Suite(
  "planner's proposals build the same image with a real BuildKit", .serialized, .daemonTurn,
  .enabled(
    if: SimulationSetup.isAvailable,
    "needs PLANNER_DOCKER_HOST set to a daemon's socket URL (Scripts/buildkit.sh start), /usr/bin/docker from Debian's docker.io, and the image local/busybox:1 (Scripts/buildkit.sh base-image)"
  )
)
struct RealBuildKitSuggestTests {
  // Each case writes a short git history (`ScriptedHistory`), runs `planner suggest --format
  // json` on it, exports its last commit as the build context (fresh mtimes, modes as under
  // umask 0022) and builds it twice: with its own Dockerfile, and with the proposal given by
  // `-f` from outside the context. The context therefore holds the committed Dockerfile in both
  // builds: a `COPY . .` copies the same Dockerfile into both images, and the comparison sees only
  // what the order of the instructions changes.
  //
  // The Dockerfiles run package managers by name (`npm ci`, `pip install -r`, `go mod download`,
  // `apt-get install`, …), so that planner recognises them, on `local/suggest-tools:1`: busybox
  // plus stand-in scripts with those names (`SuggestTools`) that read and write what the real
  // tools do, deterministically. The files are compared from BuildKit's tar exporter
  // (`--output type=tar`), which keeps owners (the local exporter writes every file as the
  // caller); the configuration from `docker image inspect` of a tagged build of each file.
  // Nothing here prunes the builder's cache: identical steps give identical layers, and other
  // suites' pruning cannot change a result.

  @Test("the proposal builds the same image", arguments: SuggestBuildCase.all)
  func proposalBuildsTheSameImage(_ buildCase: SuggestBuildCase) throws {
    guard let planner = SimulationSetup.planner else {
      try Test.cancel(
        "no planner executable at \(SimulationSetup.plannerPath); run 'swift build' first")
    }
    let folder = SimulationSetup.folder.appendingPathComponent("suggest-\(buildCase.slug)")
    try? FileManager.default.removeItem(at: folder)
    defer { SimulationSetup.remove(folder) }
    let repository = folder.appendingPathComponent("repository")
    let commits = try ScriptedHistory(try buildCase.commits()).record(in: repository)
    guard let head = commits.last else {
      Issue.record("\(buildCase.name): the history has no commit")
      return
    }
    let original = try String(
      contentsOf: repository.appendingPathComponent("Dockerfile"), encoding: .utf8)
    let outcome = try SuggestOutcome.run(
      planner: planner, dockerfile: repository.appendingPathComponent("Dockerfile"),
      context: repository, commits: commits.count, target: buildCase.target)
    let hasProposal = outcome.proposed != original
    print("\(buildCase.name): \(outcome.summary)")
    for note in outcome.notes { print("  note: \(note)") }
    if hasProposal {
      for line in outcome.proposed.split(separator: "\n", omittingEmptySubsequences: false) {
        print("  | \(line)")
      }
    }

    switch buildCase.expectation {
    case .proposal(let moves):
      #expect(outcome.has(moves), Self.missing(moves, outcome, buildCase))
    case .knownImageChange:
      #expect(hasProposal, "\(buildCase.name): planner proposes nothing (\(outcome.notes))")
    case .knownMissingMoves(let moves, let reason):
      withKnownIssue(Comment(rawValue: reason)) {
        #expect(outcome.has(moves), Self.missing(moves, outcome, buildCase))
      }
    case .noProposal(let reason):
      #expect(!hasProposal, "\(buildCase.name): planner proposes a change, though \(reason)")
    }
    #expect(
      outcome.moves.isEmpty != hasProposal,
      "\(buildCase.name): the moves listed (\(outcome.summary)) do not match the file")
    guard hasProposal else { return }
    Self.expectCommentsKept(original: original, proposed: outcome.proposed, label: buildCase.name)

    let problems = try Self.imageDifferences(
      proposed: outcome.proposed, buildCase: buildCase, head: head, repository: repository,
      folder: folder)
    if case .knownImageChange(let reason) = buildCase.expectation {
      withKnownIssue(Comment(rawValue: reason)) {
        #expect(problems.isEmpty, "\(buildCase.name): \(problems.joined(separator: "; "))")
      }
    } else {
      for problem in problems {
        Issue.record("\(buildCase.name): the proposal changes the image: \(problem)")
      }
    }
  }

  static func missing(
    _ moves: [String], _ outcome: SuggestOutcome, _ buildCase: SuggestBuildCase
  ) -> Comment {
    Comment(
      rawValue: "\(buildCase.name): expected the moves \(moves), planner proposes "
        + "\(outcome.summary) (\(outcome.notes))")
  }

  /// Builds the last commit with its Dockerfile and with the proposal, and returns what differs:
  /// files, configuration, or the proposal failing to build.
  static func imageDifferences(
    proposed: String, buildCase: SuggestBuildCase, head: String, repository: URL, folder: URL
  ) throws -> [String] {
    let builder = DockerBuilder(folder: folder)
    try SuggestTools.build(with: builder, in: folder.appendingPathComponent("tools"))
    let context = folder.appendingPathComponent("context")
    try ScriptedHistory.export(commit: head, from: repository, into: context)
    let proposalFolder = folder.appendingPathComponent("proposal")
    try FileManager.default.createDirectory(at: proposalFolder, withIntermediateDirectories: true)
    let proposal = proposalFolder.appendingPathComponent("Dockerfile")
    try Data(proposed.utf8).write(to: proposal)

    var images: [(files: [String: ImageTarball.Entry], config: [String: String])] = []
    for (label, dockerfile) in [
      ("original", context.appendingPathComponent("Dockerfile")), ("proposal", proposal),
    ] {
      let tarball = folder.appendingPathComponent("\(label).tar")
      do {
        try builder.export(
          dockerfile: dockerfile, context: context, target: buildCase.target, to: tarball)
      } catch let failure as ScriptedProcess.Failure where label == "proposal" {
        let reason = Self.buildError(in: failure.output)
        print("\(buildCase.name): the proposal does not build: \(reason)")
        return ["the proposal does not build: \(reason)"]
      }
      let files = try ImageTarball.read(Array(try Data(contentsOf: tarball)))
      try FileManager.default.removeItem(at: tarball)
      let config = try builder.configuration(
        dockerfile: dockerfile, context: context, target: buildCase.target,
        tag: "planner-suggest-test/\(buildCase.slug):\(label)")
      images.append((files, config))
    }
    let fileDifferences = ImageTarball.differences(images[0].files, images[1].files)
    let configDifferences = ImageConfiguration.differences(images[0].config, images[1].config)
    let same = fileDifferences.isEmpty && configDifferences.isEmpty
    print(
      "\(buildCase.name): image \(same ? "same" : "DIFFERENT"): \(images[0].files.count) paths "
        + "(\(fileDifferences.count) differ), configuration "
        + (configDifferences.isEmpty ? "same" : "different")
        + (ImageConfiguration.envOrderDiffers(images[0].config, images[1].config)
          ? " (the Env list is in another order)" : ""))
    return fileDifferences + configDifferences
  }

  /// BuildKit's error line of a failed build, with the step output line before it (what the
  /// failing command said), or the end of the output.
  static func buildError(in output: String) -> String {
    let lines = output.split(separator: "\n").map(String.init)
    guard let error = lines.lastIndex(where: { $0.contains(" ERROR: ") }) else {
      return String(output.suffix(300))
    }
    var said = error > 0 ? lines[error - 1] : ""
    // `#8 0.123 text`: drop the vertex and the time.
    if let match = said.wholeMatch(of: #/#\d+ [0-9.]+ (.*)/#) { said = String(match.1) }
    let failed = lines[error].drop { $0 != "E" }
    return said.isEmpty ? String(failed) : "\(failed) (it said: \(said))"
  }

  /// Every comment line of the original is in the proposal, and a comment block directly above an
  /// instruction is still directly above it.
  static func expectCommentsKept(original: String, proposed: String, label: String) {
    let proposedLines = proposed.components(separatedBy: "\n")
    let trimmed = proposedLines.map { $0.trimmingCharacters(in: .whitespaces) }
    for block in commentBlocks(in: original) {
      let found = trimmed.indices.contains { start in
        start + block.comments.count < trimmed.count
          && Array(trimmed[start..<(start + block.comments.count)]) == block.comments
          && trimmed[start + block.comments.count].hasPrefix(block.instruction)
      }
      #expect(
        found,
        "\(label): the comment \(block.comments) no longer sits above '\(block.instruction)'")
    }
    let comments = original.components(separatedBy: "\n")
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("#") }
    for comment in comments where !trimmed.contains(comment) {
      Issue.record("\(label): the proposal lost the comment '\(comment)'")
    }
  }

  /// Comment lines directly above an instruction, with the instruction's first line (without a
  /// trailing continuation backslash).
  static func commentBlocks(in text: String) -> [(comments: [String], instruction: String)] {
    var blocks: [(comments: [String], instruction: String)] = []
    var pending: [String] = []
    var continues = false
    for raw in text.components(separatedBy: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if continues {
        continues = line.hasSuffix("\\")
        continue
      }
      if line.hasPrefix("#") {
        pending.append(line)
      } else if line.isEmpty {
        pending = []
      } else {
        var first = line
        if first.hasSuffix("\\") {
          first = String(first.dropLast()).trimmingCharacters(in: .whitespaces)
        }
        if !pending.isEmpty { blocks.append((pending, first)) }
        pending = []
        continues = line.hasSuffix("\\")
      }
    }
    return blocks
  }
}

// MARK: - planner suggest

/// The fields of `planner suggest --format json` the tests read.
struct SuggestOutcome: Decodable {
  struct Saving: Decodable {
    var originalSeconds: Double
    var proposedSeconds: Double
    var percent: Double
    var originalRebuilds: Int
    var proposedRebuilds: Int
  }

  struct Move: Decodable {
    var id: String
    var lines: [Int]
    var seconds: Double
  }

  var proposed: String
  var saving: Saving
  var moves: [Move]
  var notes: [String]

  /// Whether the moves include `ids`, an id listed twice meaning two such moves.
  func has(_ ids: [String]) -> Bool {
    let wanted = Dictionary(ids.map { ($0, 1) }, uniquingKeysWith: +)
    let found = Dictionary(moves.map { ($0.id, 1) }, uniquingKeysWith: +)
    return wanted.allSatisfy { found[$0.key, default: 0] >= $0.value }
  }

  /// `PL102 12.0 s, PL101 3.0 s; 80.1 s → 20.2 s (74.8%)`, or `no proposal; …`.
  var summary: String {
    let listed = moves.map { "\($0.id) \(Self.format($0.seconds)) s" }.joined(separator: ", ")
    return (listed.isEmpty ? "no proposal" : listed)
      + "; \(Self.format(saving.originalSeconds)) s → \(Self.format(saving.proposedSeconds)) s"
      + " (\(Self.format(saving.percent))%)"
  }

  static func format(_ value: Double) -> String {
    String(format: "%.1f", value)
  }

  /// Runs `planner suggest --format json` on one Dockerfile of a repository.
  static func run(
    planner: String, dockerfile: URL, context: URL, commits: Int, target: String? = nil
  ) throws -> SuggestOutcome {
    var arguments = ["suggest", "--format", "json", "--commits", String(commits)]
    if let target { arguments += ["--target", target] }
    arguments += ["-f", dockerfile.path, "--context", context.path]
    let environment = [
      "PATH": "/usr/bin:/bin", "HOME": context.path, "LC_ALL": "C",
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]
    let output = try ScriptedProcess.run(
      planner, arguments, environment: environment, directory: context)
    do {
      return try JSONDecoder().decode(SuggestOutcome.self, from: Data(output.standardOutput.utf8))
    } catch {
      throw ScriptedProcess.Failure(
        command: "planner " + arguments.joined(separator: " "), status: 0,
        output: "unreadable JSON (\(error)):\n\(output.standardOutput.prefix(2000))"
          + "\n\(output.standardError.prefix(2000))")
    }
  }
}

// MARK: - Building

extension SuggestTools {
  /// Builds `image` from the scripts, written into `folder`; quick once BuildKit has cached it.
  static func build(with builder: DockerBuilder, in folder: URL) throws {
    let manager = FileManager.default
    let bin = folder.appendingPathComponent("bin")
    try manager.createDirectory(at: bin, withIntermediateDirectories: true)
    for file in files {
      let url = bin.appendingPathComponent(file.name)
      try Data(file.text.utf8).write(to: url)
      try manager.setAttributes(
        [.posixPermissions: file.isProgram ? 0o755 : 0o644], ofItemAtPath: url.path)
    }
    try Data(dockerfile.utf8).write(to: folder.appendingPathComponent("Dockerfile"))
    try ScriptedProcess.run(
      RealBuildKitSetup.docker,
      ["build", "-q", "--network=none", "-t", image, folder.path],
      environment: builder.environment)
  }
}

extension DockerBuilder {
  /// Builds and writes the image's files as a tar archive (BuildKit's tar exporter).
  func export(dockerfile: URL, context: URL, target: String?, to tarball: URL) throws {
    var arguments = ["build", "--progress=plain", "--network=none"]
    if let target { arguments += ["--target", target] }
    arguments += [
      "-f", dockerfile.path, "--output", "type=tar,dest=\(tarball.path)", context.path,
    ]
    try ScriptedProcess.run(RealBuildKitSetup.docker, arguments, environment: environment)
  }

  /// Builds, tags, reads the image's configuration and removes the tag again: each field of
  /// `ImageConfiguration.fields` as canonical JSON.
  func configuration(dockerfile: URL, context: URL, target: String?, tag: String) throws
    -> [String: String]
  {
    var arguments = ["build", "-q", "--network=none"]
    if let target { arguments += ["--target", target] }
    arguments += ["-f", dockerfile.path, "-t", tag, context.path]
    try ScriptedProcess.run(RealBuildKitSetup.docker, arguments, environment: environment)
    defer {
      _ = try? ScriptedProcess.run(
        RealBuildKitSetup.docker, ["image", "rm", tag], environment: environment,
        allowFailure: true)
    }
    let inspected = try ScriptedProcess.run(
      RealBuildKitSetup.docker, ["image", "inspect", "--format", "{{json .Config}}", tag],
      environment: environment)
    return try ImageConfiguration.fields(of: Data(inspected.standardOutput.utf8))
  }
}

/// The parts of an image's configuration a Dockerfile sets, as `docker image inspect` shows them.
enum ImageConfiguration {
  static let names = [
    "Cmd", "Entrypoint", "Env", "ExposedPorts", "Healthcheck", "Labels", "OnBuild", "Shell",
    "StopSignal", "User", "Volumes", "WorkingDir",
  ]

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Each field as JSON with sorted keys (`null` when absent); `Env` also sorted, as
  /// `Env (sorted)`, since only the set of variables matters to a container.
  static func fields(of json: Data) throws -> [String: String] {
    guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
      throw Failure(description: "the configuration is not a JSON object")
    }
    var fields: [String: String] = [:]
    for name in names {
      fields[name] = try canonical(object[name] ?? NSNull())
    }
    if let env = object["Env"] as? [String] {
      fields["Env (sorted)"] = try canonical(env.sorted())
    }
    return fields
  }

  static func canonical(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(
      withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
  }

  /// The fields that differ, the environment compared as a set.
  static func differences(_ original: [String: String], _ proposal: [String: String])
    -> [String]
  {
    (names.filter { $0 != "Env" } + ["Env (sorted)"]).compactMap { name in
      let before = original[name] ?? "null"
      let after = proposal[name] ?? "null"
      return before == after ? nil : "configuration \(name): \(before) became \(after)"
    }
  }

  static func envOrderDiffers(_ original: [String: String], _ proposal: [String: String]) -> Bool {
    original["Env"] != proposal["Env"]
  }
}

/// The files of a tar archive as BuildKit's tar exporter writes them (ustar, with PAX and GNU
/// long-name records when a name or a value does not fit).
enum ImageTarball {
  /// One path of the image; modification times are left out.
  struct Entry: Equatable {
    /// The tar type flag: `0` file, `1` hard link, `2` symbolic link, `5` folder, …
    var type: UInt8
    var mode: Int
    var uid: Int
    var gid: Int
    var link: String
    var content: [UInt8]

    var kind: String {
      switch type {
      case UInt8(ascii: "0"): "file"
      case UInt8(ascii: "1"): "hard link"
      case UInt8(ascii: "2"): "symbolic link"
      case UInt8(ascii: "5"): "folder"
      default: "type \(Character(Unicode.Scalar(type)))"
      }
    }
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func read(_ bytes: [UInt8]) throws -> [String: Entry] {
    var entries: [String: Entry] = [:]
    var offset = 0
    var extended: [String: String] = [:]
    var longName: String?
    var longLink: String?
    while offset + 512 <= bytes.count {
      let header = Array(bytes[offset..<(offset + 512)])
      if header.allSatisfy({ $0 == 0 }) { break }
      let declaredSize = try number(header[124..<136])
      var type = header[156]
      if type == 0 { type = UInt8(ascii: "0") }
      let start = offset + 512
      let size =
        type == UInt8(ascii: "x") ? declaredSize : Int(extended["size"] ?? "") ?? declaredSize
      guard start + size <= bytes.count else {
        throw Failure(description: "the archive ends inside an entry at byte \(offset)")
      }
      let data = Array(bytes[start..<(start + size)])
      offset = start + (size + 511) / 512 * 512
      switch type {
      case UInt8(ascii: "x"):
        extended = records(data)
        continue
      case UInt8(ascii: "g"):
        continue
      case UInt8(ascii: "L"):
        longName = text(data[...])
        continue
      case UInt8(ascii: "K"):
        longLink = text(data[...])
        continue
      default:
        break
      }
      let prefix = text(header[345..<500])
      let short = text(header[0..<100])
      var name = extended["path"] ?? longName ?? (prefix.isEmpty ? short : prefix + "/" + short)
      while name.hasPrefix("./") { name.removeFirst(2) }
      while name.hasSuffix("/") { name.removeLast() }
      let entry = Entry(
        type: type, mode: try number(header[100..<108]) & 0o7777,
        uid: try Int(extended["uid"] ?? "") ?? number(header[108..<116]),
        gid: try Int(extended["gid"] ?? "") ?? number(header[116..<124]),
        link: extended["linkpath"] ?? longLink ?? text(header[157..<257]),
        content: type == UInt8(ascii: "0") || type == UInt8(ascii: "7") ? data : [])
      if !name.isEmpty && name != "." { entries[name] = entry }
      extended = [:]
      longName = nil
      longLink = nil
    }
    return entries
  }

  private static func text(_ field: ArraySlice<UInt8>) -> String {
    String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
  }

  /// An octal field, or a base-256 one (high bit set) for large values.
  private static func number(_ field: ArraySlice<UInt8>) throws -> Int {
    if let first = field.first, first & 0x80 != 0 {
      return field.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
    }
    let digits = text(field).trimmingCharacters(in: .whitespaces)
    if digits.isEmpty { return 0 }
    guard let value = Int(digits, radix: 8) else {
      throw Failure(description: "'\(digits)' is not an octal number")
    }
    return value
  }

  /// PAX records: `<length> <key>=<value>\n`, one after another.
  private static func records(_ data: [UInt8]) -> [String: String] {
    var result: [String: String] = [:]
    var index = 0
    while index < data.count {
      guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
        let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
        index + length <= data.count
      else { break }
      let record = String(decoding: data[(space + 1)..<(index + length - 1)], as: UTF8.self)
      if let equals = record.firstIndex(of: "=") {
        result[String(record[..<equals])] = String(record[record.index(after: equals)...])
      }
      index += length
    }
    return result
  }

  /// What differs between two images' files, at most `limit` lines.
  static func differences(
    _ original: [String: Entry], _ proposal: [String: Entry], limit: Int = 20
  ) -> [String] {
    var found: [String] = []
    let paths = Set(original.keys).union(proposal.keys).sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    }
    for path in paths {
      switch (original[path], proposal[path]) {
      case (let before?, nil):
        found.append("/\(path) (\(before.kind)) is missing from the proposal's image")
      case (nil, let after?):
        found.append("/\(path) (\(after.kind)) is only in the proposal's image")
      case (let before?, let after?) where before != after:
        var parts: [String] = []
        if before.type != after.type { parts.append("\(before.kind) became \(after.kind)") }
        if before.mode != after.mode {
          parts.append(
            "mode \(String(before.mode, radix: 8)) became \(String(after.mode, radix: 8))")
        }
        if before.uid != after.uid || before.gid != after.gid {
          parts.append("owner \(before.uid):\(before.gid) became \(after.uid):\(after.gid)")
        }
        if before.link != after.link {
          parts.append("link '\(before.link)' became '\(after.link)'")
        }
        if before.content != after.content {
          parts.append(
            "content (\(before.content.count) bytes) became other content "
              + "(\(after.content.count) bytes)")
        }
        found.append("/\(path): " + parts.joined(separator: ", "))
      default:
        break
      }
    }
    if found.count > limit {
      let hidden = found.count - limit
      found = Array(found.prefix(limit)) + ["and \(hidden) more paths"]
    }
    return found
  }
}

// MARK: - Savings on real public Dockerfiles

/// Runs `planner suggest` on real public Dockerfiles, each in a generated project with 50
/// commits of realistic edits, and measures what the proposals save. Needs only git and the
/// planner executable, so it always runs.
@Suite("planner's proposals on real public Dockerfiles")
struct SuggestSavingsTests {
  // Each Dockerfile is recorded in `PublicDockerfile` as found on GitHub (repository and commit
  // in the record). Around it: its manifests (with a lockfile), README.md, docs/setup.md and a few
  // source files named as such a project would, so that every path the file copies exists. The
  // history (`PublicDockerfile.history`, one `git fast-import`) edits mostly sources, sometimes
  // the documentation, adds a source file now and then, and bumps the lockfile every 10 commits.
  // The saving of a file is 1 - proposedSeconds / originalSeconds over those 50 commits.

  /// What `planner suggest` found for one Dockerfile.
  struct Measurement {
    var file: PublicDockerfile
    var outcome: SuggestOutcome

    var savingPercent: Double {
      let original = outcome.saving.originalSeconds
      return original > 0 ? (1 - outcome.saving.proposedSeconds / original) * 100 : 0
    }

    var splits: Bool { outcome.moves.contains { $0.id == "PL102" } }

    var row: String {
      let name = file.repository.padding(toLength: 42, withPad: " ", startingAt: 0)
      let saving = String(format: "%5.1f%%", savingPercent)
      return "\(name) \(SuggestOutcome.format(outcome.saving.originalSeconds)) s → "
        + "\(SuggestOutcome.format(outcome.saving.proposedSeconds)) s \(saving)  "
        + (outcome.moves.isEmpty
          ? "no proposal"
          : outcome.moves.map { "\($0.id) \(SuggestOutcome.format($0.seconds)) s" }
            .joined(separator: ", "))
    }
  }

  static func measure(_ files: [PublicDockerfile], label: String) throws -> [Measurement] {
    guard let planner = SimulationSetup.planner else {
      try Test.cancel(
        "no planner executable at \(SimulationSetup.plannerPath); run 'swift build' first")
    }
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-suggest-savings-\(label)-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    var measurements: [Measurement] = []
    for file in files {
      let repository = root.appendingPathComponent(file.slug)
      let history = file.history()
      try FastImportHistory.record(history, in: repository)
      let outcome = try SuggestOutcome.run(
        planner: planner, dockerfile: repository.appendingPathComponent("Dockerfile"),
        context: repository, commits: history.count)
      let measurement = Measurement(file: file, outcome: outcome)
      print("\(label): \(measurement.row)")
      for note in outcome.notes { print("  note: \(note)") }
      measurements.append(measurement)
    }
    return measurements
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  @Test func copyingEverythingFirstLosesAtLeastHalfItsRebuildTimeInTheMedian() throws {
    #expect(Set(PublicDockerfile.copyFirst.map(\.repository)).count >= 8)
    let measurements = try Self.measure(PublicDockerfile.copyFirst, label: "copy first")
    for measurement in measurements {
      let name = measurement.file.repository
      switch measurement.file.expectation {
      case .split:
        // A file that already copies its manifest, after the big COPY, needs only the reorder.
        #expect(
          measurement.splits || measurement.outcome.moves.contains { $0.id == "PL101" },
          "\(name): the install still follows the copy of everything (\(measurement.row))")
      case .knownMissingSplit(let reason):
        withKnownIssue(Comment(rawValue: reason)) {
          #expect(measurement.splits, "\(name): no manifest-first split")
        }
      case .noSplit(let reason):
        #expect(!measurement.splits, "\(name): a manifest-first split, though \(reason)")
      }
      #expect(
        measurement.outcome.saving.proposedSeconds <= measurement.outcome.saving.originalSeconds,
        "\(name): the proposal costs more than the original")
    }
    let median = Self.median(measurements.map(\.savingPercent))
    let shown = String(format: "%.1f", median)
    print("copy first: median saving \(shown)% over \(measurements.count) files")
    #expect(median >= 50, "the median saving is \(median)%")
  }

  @Test func cacheFriendlyFilesAreNeverMadeMoreExpensive() throws {
    #expect(Set(PublicDockerfile.cacheFriendly.map(\.repository)).count >= 4)
    let measurements = try Self.measure(PublicDockerfile.cacheFriendly, label: "cache-friendly")
    for measurement in measurements {
      #expect(
        measurement.outcome.saving.proposedSeconds <= measurement.outcome.saving.originalSeconds,
        "\(measurement.file.repository): the proposal costs more (\(measurement.row))")
      #expect(
        !measurement.splits,
        "\(measurement.file.repository): a manifest split of a file that copies its manifests first"
      )
    }
  }
}
