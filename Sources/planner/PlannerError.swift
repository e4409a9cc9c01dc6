/// A failure of the environment rather than of the user's Dockerfile: one plain sentence.
enum PlannerError: Error, CustomStringConvertible {
  case unreadableFile(String, reason: String)
  /// The Dockerfile itself cannot be read (exit status 3).
  case missingDockerfile(String, reason: String)
  case unwritableFile(String, reason: String)

  var description: String {
    switch self {
    case .unreadableFile(let path, let reason), .missingDockerfile(let path, let reason):
      "cannot read '\(path)': \(reason)"
    case .unwritableFile(let path, let reason):
      "cannot write '\(path)': \(reason)"
    }
  }
}
