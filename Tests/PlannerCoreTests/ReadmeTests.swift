import Foundation
import Testing

@testable import PlannerCore

/// The README is documentation other tools and people rely on: its rule table is the catalog's.
@Suite("README")
struct ReadmeTests {
  @Test func theRuleTableIsTheCatalogs() throws {
    let readme = try String(
      contentsOf: SharedCorpus.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let table = String(decoding: RuleCatalog.table(.markdown), as: UTF8.self)
    #expect(
      readme.contains(table),
      "README's rule table is stale: paste `planner rules --format markdown`")
  }

  @Test func everyRuleIdIsUniqueAndWellFormed() {
    let ids = RuleCatalog.all.map(\.id)
    #expect(Set(ids).count == ids.count)
    #expect(ids == ids.sorted())
    for id in ids {
      #expect(id.count == 5 && id.hasPrefix("PL") && Int(id.dropFirst(2)) != nil)
    }
  }
}
