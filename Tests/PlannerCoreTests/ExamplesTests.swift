import Foundation
import Testing

@testable import PlannerCore

/// The Examples are end-to-end tests: each one's checked-in outputs must be what planner prints
/// today. After an intended change, run `make examples` and review the diff.
@Suite("Examples")
struct ExamplesTests {
  static let root = SharedCorpus.repositoryRoot.appendingPathComponent("Examples")

  static var names: [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return entries.filter {
      FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/Dockerfile").path)
    }.sorted()
  }

  static func files(in folder: URL) throws -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
    var files: [String] = []
    while let path = enumerator.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(
        atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        files.append(path)
      }
    }
    return files
  }

  @Test func thereIsAtLeastOneExample() {
    #expect(!Self.names.isEmpty)
  }

  @Test("outputs are up to date", arguments: names)
  func outputsAreUpToDate(name: String) throws {
    let folder = Self.root.appendingPathComponent(name)
    let expected = Self.root.appendingPathComponent("expected").appendingPathComponent(name)
    let source = Array(try Data(contentsOf: folder.appendingPathComponent("Dockerfile")))
    let dump = Planner.parse(source, file: "Examples/\(name)/Dockerfile", format: .buildkitDump)
    let json = Planner.parse(source, file: "Dockerfile", format: .json)
    #expect(!dump.hasErrors && !json.hasErrors)
    let expectedDump = Array(try Data(contentsOf: expected.appendingPathComponent("parse.dump")))
    let expectedJSON = Array(try Data(contentsOf: expected.appendingPathComponent("parse.json")))
    #expect(dump.report == expectedDump, "Examples/\(name)/parse.dump is stale: run make examples")
    #expect(json.report == expectedJSON, "Examples/\(name)/parse.json is stale: run make examples")

    // The context, listed from the example's files (the walk is the executable's; here the
    // same paths come from the folder listing).
    let paths = try Self.files(in: folder)
    let ignore = try? Data(contentsOf: folder.appendingPathComponent(".dockerignore"))
    let context = Planner.context(
      dockerfile: source, file: "Dockerfile", contextName: ".", paths: paths,
      ignore: ignore.map { (".dockerignore", Array($0)) }, byStep: true, format: .text)
    let expectedContext = Array(
      try Data(contentsOf: expected.appendingPathComponent("context.txt")))
    #expect(
      context.report == expectedContext,
      "Examples/expected/\(name)/context.txt is stale: run make examples")
  }

  static let executable = SharedCorpus.repositoryRoot.appendingPathComponent(".build/debug/planner")

  static var namesWithHistory: [String] {
    names.filter {
      FileManager.default.fileExists(
        atPath: root.appendingPathComponent("histories/\($0).json").path)
    }
  }

  /// The recorded history replayed into a git repository, then `planner simulate` run there by
  /// the built executable (`make test` builds it first), must print the checked-in outputs.
  @Test(
    "simulate and suggest on the replayed history print the checked-in outputs",
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: executable.path),
      "needs .build/debug/planner: run 'swift build' first (make test does)"),
    arguments: namesWithHistory)
  func simulateOutputsAreUpToDate(name: String) throws {
    let repository = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-example-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: repository) }
    _ = try Self.run(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "python3",
        SharedCorpus.repositoryRoot.appendingPathComponent("Scripts/replay-history.py").path,
        Self.root.appendingPathComponent(name).path, repository.path,
      ], in: SharedCorpus.repositoryRoot)
    let expected = Self.root.appendingPathComponent("expected").appendingPathComponent(name)
    for (command, format, file) in [
      ("simulate", "text", "simulate.txt"), ("simulate", "json", "simulate.json"),
      ("suggest", "text", "suggest.txt"), ("suggest", "json", "suggest.json"),
    ] {
      let output = try Self.run(
        Self.executable, [command, "--commits", "50", "--format", format], in: repository)
      let recorded = try Data(contentsOf: expected.appendingPathComponent(file))
      #expect(output == recorded, "Examples/expected/\(name)/\(file) is stale: run make examples")
    }
  }

  /// Runs a program with an argument array; returns its standard output (standard error is
  /// dropped: warnings are not part of the checked-in outputs).
  static func run(_ executable: URL, _ arguments: [String], in folder: URL) throws -> Data {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(executable.lastPathComponent) \(arguments) failed")
    return data
  }
}
