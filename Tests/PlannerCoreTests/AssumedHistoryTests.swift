import Testing

@testable import PlannerCore

/// The stand-in history of a Dockerfile outside a repository: its shape, and ids that stay the
/// same from run to run (reports computed on it must be deterministic).
@Suite("Assumed history")
struct AssumedHistoryTests {
  /// FNV-1a of the bytes as 40 digits, as the tests' recorded repositories make their blob ids
  /// (written apart from planner's own).
  static func expectedID(_ text: String) -> String { RecordedRepository.blobID(text) }

  @Test func commitsComeNewestFirstWithOneSourceEachAndTheManifestsEveryTenth() {
    let files = ["src/b.js", "package.json", "src/a.js", "package-lock.json"]
    let commits = AssumedHistory.commits(files: files, count: 20)
    #expect(commits.count == 20)
    #expect(commits.map(\.authorTime) == Array((0..<20).reversed()))
    let oldest = commits.reversed().map { $0.changes.map(\.path) }
    #expect(oldest[0] == ["src/a.js"])
    #expect(oldest[1] == ["src/b.js"])
    #expect(oldest[9] == ["src/b.js", "package-lock.json", "package.json"])
    #expect(oldest[19] == ["src/b.js", "package-lock.json", "package.json"])
    #expect(oldest[10] == ["src/a.js"])
  }

  @Test func idsAreFNVOfPathAndVersionAndEachVersionFollowsTheLast() {
    let commits = Array(AssumedHistory.commits(files: ["app.py"], count: 3).reversed())
    #expect(commits[0].id == Self.expectedID("commit\u{0}0"))
    #expect(commits[0].parents == [Self.expectedID("commit\u{0}-1")])
    #expect(commits[2].id == Self.expectedID("commit\u{0}2"))
    let changes = commits.flatMap(\.changes)
    #expect(changes[0].oldBlob == Self.expectedID("app.py\u{0}0"))
    #expect(changes[0].newBlob == Self.expectedID("app.py\u{0}1"))
    #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.newBlob == $1.oldBlob })
    #expect(
      changes.allSatisfy { change in
        change.newBlob.count == 40
          && change.newBlob.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
      })
  }

  @Test(
    arguments: [
      ("package.json", true), ("services/api/package.json", true), ("requirements-dev.txt", true),
      ("deploy/requirements.txt", true), ("App.csproj", true), ("src/app.js", false),
      ("requirements.txt.bak", false), ("mypackage.json", false), ("docs/go.mod.md", false),
    ])
  func manifestsAreKnownByTheirLastComponent(path: String, isManifest: Bool) {
    #expect(AssumedHistory.isManifest(path) == isManifest)
  }
}
