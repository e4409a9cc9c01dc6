import Foundation

/// Finds the upstream conformance data in `../shared` (next to the repository), which tests read
/// but never copy. `PLANNER_SHARED` overrides the location.
enum SharedCorpus {
  /// The repository root, found from this file's path.
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // PlannerCoreTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The `shared` folder, or nil when it is absent (tests then skip, saying so).
  static let root: URL? = {
    if let path = ProcessInfo.processInfo.environment["PLANNER_SHARED"] {
      return URL(fileURLWithPath: path)
    }
    let candidate = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { return nil }
    return candidate
  }()

  /// A folder under `shared/corpora`, or nil when absent.
  static func corpus(_ name: String) -> URL? {
    guard let root else { return nil }
    let url = root.appendingPathComponent("corpora").appendingPathComponent(name)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// The sentence a skipped test prints.
  static func skipNote(_ name: String) -> String {
    "skipped: ../shared/corpora/\(name) is absent (set PLANNER_SHARED to its folder to run this test)"
  }
}
