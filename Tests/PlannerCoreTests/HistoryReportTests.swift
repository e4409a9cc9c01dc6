import Foundation
import Testing

@testable import PlannerCore

@Suite("History report")
struct HistoryReportTests {
  static func commit(_ id: String, _ paths: [String]) -> Commit {
    Commit(
      id: id, parents: [], authorTime: 0, subject: id,
      changes: paths.map {
        FileChange(
          path: $0, status: .modified, oldMode: 0o100644, newMode: 0o100644,
          oldBlob: String(repeating: "0", count: 40), newBlob: String(repeating: "1", count: 40))
      })
  }

  static let dockerfile = Array(
    """
    FROM node:22
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    RUN --mount=type=bind,source=scripts,target=/s sh /s/build.sh

    """.utf8)

  /// Newest first: four commits in `app/` (the context), one outside it.
  static let commits = [
    commit("e", ["app/src/index.js"]),
    commit("d", ["app/package.json", "app/src/index.js"]),
    commit("c", ["app/docs/guide.md"]),
    commit("b", ["other/x.txt"]),
    commit("a", ["app/scripts/build.sh", "app/src/index.js"]),
  ]

  func report(ignore: String? = nil) throws -> [String: Any] {
    try report(
      ignoreHistory: ignore.map {
        IgnoreFileHistory(name: ".dockerignore", current: Array($0.utf8))
      })
  }

  func report(ignoreHistory: IgnoreFileHistory?) throws -> [String: Any] {
    let outcome = Planner.history(
      model: ChangeModel(commits: Self.commits), dockerfile: Self.dockerfile, file: "Dockerfile",
      contextPrefix: "app", ignoreHistory: ignoreHistory, limit: 3, format: .json)
    #expect(!outcome.hasErrors)
    let object = try JSONSerialization.jsonObject(with: Data(outcome.report))
    return try #require(object as? [String: Any])
  }

  func stepCommits(_ report: [String: Any]) -> [Int] {
    ((report["steps"] as? [[String: Any]]) ?? []).compactMap { $0["commits"] as? Int }
  }

  @Test func eachStepCountsTheCommitsThatChangedWhatItReads() throws {
    let report = try report()
    // package manifests: d; everything in the context: e, d, c, a; the bind mount: a.
    #expect(stepCommits(report) == [1, 4, 1])
    let rates = ((report["steps"] as? [[String: Any]]) ?? []).compactMap {
      $0["invalidationRate"] as? Double
    }
    #expect(rates == [2.0 / 7.0, 5.0 / 7.0, 2.0 / 7.0])
    #expect(report["commits"] as? Int == 5)
  }

  @Test func ignoredPathsInvalidateNothing() throws {
    #expect(stepCommits(try report(ignore: "docs\n")) == [1, 3, 1])
  }

  @Test func eachCommitIsJudgedWithItsOwnIgnoreFile() throws {
    // `docs` became ignored at commit 1 (d): the older commit c still invalidated `COPY . .`.
    func ignoringDocs(from older: Int) -> IgnoreFileHistory {
      IgnoreFileHistory(
        name: ".dockerignore",
        versions: [.init(from: 0, text: Array("docs\n".utf8)), .init(from: older, text: nil)])
    }
    #expect(stepCommits(try report(ignoreHistory: ignoringDocs(from: 2))) == [1, 4, 1])
    #expect(stepCommits(try report(ignoreHistory: ignoringDocs(from: 3))) == [1, 3, 1])
  }

  @Test func aChangeToALinksTargetCountsForTheStepThatCopiesTheLink() throws {
    let dockerfile = Array("FROM x\nCOPY app/links/d* /d/\nCOPY app/links/notes /n/\n".utf8)
    let commits = [
      Self.commit("b", ["app/docs/guide.md"]),
      Self.commit("a", ["app/notes.txt"]),
    ]
    let outcome = Planner.history(
      model: ChangeModel(commits: commits), dockerfile: dockerfile, file: "Dockerfile",
      contextPrefix: "", ignoreHistory: nil,
      links: ["app/links/docs": "../docs", "app/links/notes": "../notes.txt"], limit: 3,
      format: .json)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(outcome.report)) as? [String: Any])
    #expect(stepCommits(object) == [1, 1])
  }

  @Test func theMostChangedPathsComeFirst() throws {
    let paths = ((try report()["mostChanged"] as? [[String: Any]]) ?? []).compactMap {
      $0["path"] as? String
    }
    #expect(paths == ["app/src/index.js", "app/docs/guide.md", "app/package.json"])
  }
}
