import Foundation
import Testing

@testable import PlannerCore

/// The Examples are end-to-end tests: each one's checked-in outputs must be what planner prints
/// today. After an intended change, run `make examples` and review the diff. The outputs of
/// the replayed histories (simulate, suggest in every format, comment) are checked by
/// `make check-examples` (Scripts/examples.sh), which CI runs; here, the parse and context
/// outputs, in process.
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
}
