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

  @Test func thereIsAtLeastOneExample() {
    #expect(!Self.names.isEmpty)
  }

  @Test("outputs are up to date", arguments: names)
  func outputsAreUpToDate(name: String) throws {
    let folder = Self.root.appendingPathComponent(name)
    let source = Array(try Data(contentsOf: folder.appendingPathComponent("Dockerfile")))
    let dump = Planner.parse(source, file: "Examples/\(name)/Dockerfile", format: .buildkitDump)
    let json = Planner.parse(source, file: "Dockerfile", format: .json)
    #expect(!dump.hasErrors && !json.hasErrors)
    let expectedDump = Array(try Data(contentsOf: folder.appendingPathComponent("parse.dump")))
    let expectedJSON = Array(try Data(contentsOf: folder.appendingPathComponent("parse.json")))
    #expect(dump.report == expectedDump, "Examples/\(name)/parse.dump is stale: run make examples")
    #expect(json.report == expectedJSON, "Examples/\(name)/parse.json is stale: run make examples")
  }
}
