/// `.planner.json`: settings a repository keeps for every run, found from the Dockerfile's folder
/// upward (the executable looks; this type reads). Command-line flags win over it.
///
/// ```json
/// {
///   "commits": 100,
///   "builder": "buildkit",
///   "cache": "previous",
///   "target": "runtime",
///   "buildArgs": {"NODE_VERSION": "22"},
///   "perBuildArgs": ["GIT_SHA"],
///   "costs": {"npm ci": "90s", "go build": 40},
///   "disable": ["PL308"],
///   "minSaving": 10,
///   "failLevel": "warning"
/// }
/// ```
///
/// Every key is optional. An unknown key, a value of the wrong type or an unknown rule id is an
/// error at its line: a typo must not silently leave a setting unapplied.
package struct PlannerConfiguration: Hashable, Sendable {
  package var commits: Int?
  package var builder: SimulationOptions.Builder?
  package var cache: SimulationOptions.CacheScope?
  package var target: String?
  package var buildArgs: [String: String] = [:]
  package var perBuildArgs: [String] = []
  /// Seconds for RUN steps whose instruction text contains the key; the longest key that
  /// matches wins, and a `# planner: cost=` comment wins over it.
  package var costs: [SimulationOptions.CostOverride] = []
  package var disable: Set<String> = []
  package var minSaving: Double?
  package var failLevel: FailLevel?

  /// The lowest level of finding that makes a run fail (exit status 1).
  package enum FailLevel: String, CaseIterable, Sendable {
    case error, warning, note, none

    /// Whether findings of `level` reach this threshold.
    package func isReached(by level: Finding.Level) -> Bool {
      switch self {
      case .none: false
      case .error: level >= .error
      case .warning: level >= .warning
      case .note: true
      }
    }
  }

  package init() {}

  package static let keys = [
    "commits", "builder", "cache", "target", "buildArgs", "perBuildArgs", "costs", "disable",
    "minSaving", "failLevel",
  ]

  /// Reads a configuration file; any diagnostic of severity error means it must not be used.
  package static func parse(_ bytes: [UInt8], file: String) -> (
    PlannerConfiguration, [Diagnostic]
  ) {
    var configuration = PlannerConfiguration()
    var diagnostics: [Diagnostic] = []
    func fail(_ message: String, at position: SourcePosition) {
      diagnostics.append(
        Diagnostic(.error, message, file: file, range: SourceRange(start: position, end: position)))
    }
    let root: JSONDocument.Located
    switch JSONDocument.parse(bytes) {
    case .failure(let error):
      fail(error.message, at: error.position)
      return (configuration, diagnostics)
    case .success(let value): root = value
    }
    guard case .object(let members) = root.value else {
      fail("the configuration must be a JSON object", at: root.position)
      return (configuration, diagnostics)
    }
    for (keyNode, value) in members {
      let key = keyNode.string ?? ""
      func expect(_ kind: String) {
        fail("'\(key)' must be \(kind), not \(value.value.kindName)", at: value.position)
      }
      func choice<T: RawRepresentable & CaseIterable>(_: T.Type) -> T? where T.RawValue == String {
        guard let text = value.string else {
          expect("a string")
          return nil
        }
        guard let parsed = T(rawValue: text) else {
          let options = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
          fail("'\(key)' must be one of \(options), not '\(text)'", at: value.position)
          return nil
        }
        return parsed
      }
      func strings() -> [JSONDocument.Located]? {
        guard case .array(let items) = value.value else {
          expect("an array of strings")
          return nil
        }
        for item in items where item.string == nil {
          fail("'\(key)' must hold strings only", at: item.position)
          return nil
        }
        return items
      }
      switch key {
      case "commits":
        guard case .number(let number) = value.value, number >= 1, number.rounded() == number,
          number <= 1_000_000
        else {
          fail("'commits' must be a whole number of commits, 1 or more", at: value.position)
          continue
        }
        configuration.commits = Int(number)
      case "builder": configuration.builder = choice(SimulationOptions.Builder.self)
      case "cache": configuration.cache = choice(SimulationOptions.CacheScope.self)
      case "failLevel": configuration.failLevel = choice(FailLevel.self)
      case "target":
        guard let text = value.string, !text.isEmpty else {
          fail("'target' must be the name of a stage", at: value.position)
          continue
        }
        configuration.target = text
      case "buildArgs":
        guard case .object(let arguments) = value.value else {
          expect("an object of names and values")
          continue
        }
        for (name, argument) in arguments {
          guard let text = argument.string else {
            fail("build argument '\(name.string ?? "")' must be a string", at: argument.position)
            continue
          }
          configuration.buildArgs[name.string ?? ""] = text
        }
      case "perBuildArgs":
        configuration.perBuildArgs = strings()?.compactMap(\.string) ?? []
      case "disable":
        for item in strings() ?? [] {
          let id = (item.string ?? "").uppercased()
          if RuleCatalog.rule(id) == nil {
            fail("unknown rule '\(item.string ?? "")' (see `planner rules`)", at: item.position)
          } else {
            configuration.disable.insert(id)
          }
        }
      case "minSaving":
        guard case .number(let number) = value.value, number >= 0 else {
          fail("'minSaving' must be a percentage, 0 or more", at: value.position)
          continue
        }
        configuration.minSaving = number
      case "costs":
        guard case .object(let entries) = value.value else {
          expect("an object of command texts and durations")
          continue
        }
        for (match, duration) in entries {
          let seconds: Double?
          switch duration.value {
          case .number(let number): seconds = number >= 0 ? number : nil
          case .string(let text): seconds = CostEstimator.parseDuration(text)
          default: seconds = nil
          }
          guard let seconds, let text = match.string, !text.isEmpty else {
            fail(
              "a cost must be a duration such as \"45s\", \"2m30s\" or a number of seconds",
              at: duration.position)
            continue
          }
          configuration.costs.append(.init(match: text, seconds: seconds))
        }
      default:
        let hint = closest(key, in: keys).map { " (did you mean '\($0)'?)" } ?? ""
        fail("unknown key '\(key)'\(hint)", at: keyNode.position)
      }
    }
    configuration.costs.sort { $0.match < $1.match }
    return (configuration, diagnostics)
  }

  /// The known word nearest to a misspelt one, when it is near enough to be a typo (the edit
  /// distance BuildKit's suggestions use, with a longer reach for long words).
  static func closest(_ word: String, in words: [String]) -> String? {
    let lowered = Array(word.lowercased().unicodeScalars)
    let best = words.map {
      ($0, InstructionParser.levenshtein(lowered, Array($0.lowercased().unicodeScalars)))
    }.min { $0.1 < $1.1 }
    guard let best, best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
  }

}
