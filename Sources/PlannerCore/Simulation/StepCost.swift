/// What one step costs when it runs, and where the figure comes from.
struct StepCost: Hashable, Sendable {
  enum Source: String, Hashable, Sendable, Codable { case estimate, timings, pragma, config }
  var seconds: Double
  var source: Source
  /// A short reason, e.g. "package install (npm ci)", "COPY of 12.3 MB", "# planner: cost=45s",
  /// "BuildKit log #8".
  var basis: String

  /// The cost a `# planner: cost=…` comment pins, with the comment spelled the canonical way.
  static func pragma(seconds: Double) -> StepCost {
    StepCost(
      seconds: seconds, source: .pragma,
      basis: "# planner: cost=\(CostEstimator.format(seconds))s")
  }

  /// The cost a configuration file gives to steps whose text contains `match`.
  static func configured(_ override: SimulationOptions.CostOverride) -> StepCost {
    StepCost(
      seconds: override.seconds, source: .config,
      basis: ".planner.json cost for '\(override.match)'")
  }

  /// The cost a BuildKit log measured for a step (`entry.seconds`, 0 when it has none).
  static func timings(_ entry: BuildTimings.Entry) -> StepCost {
    StepCost(seconds: entry.seconds ?? 0, source: .timings, basis: "BuildKit log #\(entry.vertex)")
  }
}

/// A `# planner: cost=…` comment: the seconds it gives, or why its value could not be read.
enum PragmaCost: Hashable, Sendable {
  case seconds(Double)
  /// A diagnostic message (lowercase, no final period) for a malformed value.
  case invalid(String)
}

/// Default costs of steps, from one table of rules the README quotes.
///
/// Input: a step's kind and what it runs or copies. Output: a ``StepCost`` whose `basis` names the
/// rule that chose it. The figures are deliberately round: they rank steps (an `npm ci` costs more
/// than an `echo`) rather than predict a build's wall-clock time; a `# planner: cost=…` comment or
/// a BuildKit log (``BuildTimings``) replaces them where the real figure is known.
enum CostEstimator {
  /// What kind of work a rule recognises; the first word of a ``StepCost/basis``.
  enum Category: String, Hashable, Sendable, CaseIterable {
    case packageInstall = "package install"
    case build = "build"
    case download = "download"
    case tests = "tests"
  }

  /// Which arguments a rule's tool must be given.
  enum Arguments: Hashable, Sendable {
    /// Any arguments at all (`make`, `curl`).
    case any
    /// These words, consecutive, somewhere among the arguments (`install` in
    /// `apt-get -y install curl`, `run build` in `npm run build`).
    case words([String])
    /// An argument that starts with this text (`dependency:` in `mvn dependency:go-offline`).
    case prefix(String)
    /// No argument other than options (`yarn` alone installs).
    case bare
  }

  /// One line of the cost table: a tool, what it must be given, and what that costs.
  struct Rule: Hashable, Sendable {
    var category: Category
    /// The command name, without its directory (`gradlew` matches `./gradlew`).
    var tool: String
    var arguments: Arguments
    var seconds: Double
    /// How the basis names it: "npm ci", "mvn dependency:*".
    var label: String

    init(_ category: Category, _ label: String, _ seconds: Double) {
      // Split on bytes: split on characters, the 70 rules took 0.49 million instructions to
      // build at every start; 0.24 now.
      let words = label.pieces(separatedBy: UInt8(ascii: " "))
      self.category = category
      self.tool = words.first ?? label
      let rest = Array(words.dropFirst())
      if rest == ["(bare)"] {
        self.arguments = .bare
        self.label = tool
      } else if let last = rest.last, rest.count == 1, last.hasSuffix("*") {
        self.arguments = .prefix(String(last.dropLast()))
        self.label = label
      } else {
        self.arguments = rest.isEmpty ? .any : .words(rest)
        self.label = label
      }
      self.seconds = seconds
    }
  }

  /// The cost table for RUN. A command is split at `&&`, `||`, `;`, `|` and newlines; each part is
  /// matched against these rules (wrappers such as `sudo`, `env VAR=…`, `time`, `npx`, `sh -c` and
  /// leading `VAR=value` assignments are skipped), and the most expensive match of the whole
  /// command is its cost. A label reads "tool arguments": "(bare)" means the tool given no
  /// arguments but options, a final `*` an argument prefix.
  static let runRules: [Rule] = [
    // Package installs: network plus unpacking; the dominant cost of most images.
    Rule(.packageInstall, "apt-get install", 30),
    Rule(.packageInstall, "apt install", 30),
    Rule(.packageInstall, "apt-get update", 10),
    Rule(.packageInstall, "apt update", 10),
    Rule(.packageInstall, "apk add", 10),
    Rule(.packageInstall, "dnf install", 30),
    Rule(.packageInstall, "microdnf install", 30),
    Rule(.packageInstall, "yum install", 30),
    Rule(.packageInstall, "npm ci", 25),
    Rule(.packageInstall, "npm install", 30),
    Rule(.packageInstall, "npm i", 30),
    Rule(.packageInstall, "yarn install", 25),
    Rule(.packageInstall, "yarn (bare)", 25),
    Rule(.packageInstall, "pnpm install", 20),
    Rule(.packageInstall, "pnpm i", 20),
    Rule(.packageInstall, "bun install", 8),
    Rule(.packageInstall, "pip install", 20),
    Rule(.packageInstall, "pip3 install", 20),
    Rule(.packageInstall, "python -m pip install", 20),
    Rule(.packageInstall, "python3 -m pip install", 20),
    Rule(.packageInstall, "uv sync", 8),
    Rule(.packageInstall, "uv pip install", 8),
    Rule(.packageInstall, "poetry install", 25),
    Rule(.packageInstall, "pipenv install", 25),
    Rule(.packageInstall, "bundle install", 30),
    Rule(.packageInstall, "gem install", 15),
    Rule(.packageInstall, "composer install", 20),
    Rule(.packageInstall, "go mod download", 15),
    Rule(.packageInstall, "cargo fetch", 20),
    Rule(.packageInstall, "mvn dependency:*", 40),
    Rule(.packageInstall, "dotnet restore", 20),
    // Compilers and builds.
    Rule(.build, "go build", 20),
    Rule(.build, "go install", 20),
    Rule(.build, "cargo build", 60),
    Rule(.build, "cargo install", 60),
    Rule(.build, "mvn package", 60),
    Rule(.build, "mvn install", 60),
    Rule(.build, "mvn verify", 60),
    Rule(.build, "gradle build", 60),
    Rule(.build, "gradlew", 60),
    Rule(.build, "dotnet build", 30),
    Rule(.build, "dotnet publish", 40),
    Rule(.build, "make", 30),
    Rule(.build, "cmake", 30),
    Rule(.build, "gcc", 10),
    Rule(.build, "g++", 10),
    Rule(.build, "cc", 10),
    Rule(.build, "clang", 10),
    Rule(.build, "clang++", 10),
    Rule(.build, "npm run build", 30),
    Rule(.build, "yarn build", 30),
    Rule(.build, "yarn run build", 30),
    Rule(.build, "pnpm build", 30),
    Rule(.build, "pnpm run build", 30),
    Rule(.build, "tsc", 15),
    Rule(.build, "webpack", 20),
    Rule(.build, "vite build", 15),
    // Downloads.
    Rule(.download, "curl", 3),
    Rule(.download, "wget", 3),
    Rule(.download, "git clone", 5),
    // Tests.
    Rule(.tests, "npm test", 20),
    Rule(.tests, "npm run test", 20),
    Rule(.tests, "yarn test", 20),
    Rule(.tests, "pnpm test", 20),
    Rule(.tests, "go test", 30),
    Rule(.tests, "pytest", 20),
    Rule(.tests, "cargo test", 60),
    Rule(.tests, "mvn test", 60),
    Rule(.tests, "dotnet test", 30),
  ]

  /// A RUN whose parts match no rule (`echo`, `chmod`, `useradd`).
  static let defaultRunSeconds = 1.0
  /// COPY and ADD: a fixed overhead plus the bytes at ``copyBytesPerSecond``.
  static let copyOverheadSeconds = 0.1
  static let copyBytesPerSecond = 100_000_000.0
  /// ADD of a URL or a git repository.
  static let remoteAddSeconds = 3.0
  /// FROM: pulling the base image, charged only when it is not cached.
  static let pullSeconds = 5.0
  /// WORKDIR, and metadata instructions (ENV, LABEL, …) under the legacy builder.
  static let metadataSeconds = 0.05

  /// RUN estimates already made, by command. The replays of one suggest build the plans of
  /// several texts that share most of their RUNs, and a batch shares its commands: the rules
  /// were matched against the same command again and again (0.14 million instructions of
  /// Examples/node-app's suggest).
  private static let runEstimates = SharedMemo<String, StepCost>(limit: 4096)

  /// The estimate of a RUN: a chain costs what its known commands cost together; the basis
  /// names the dearest.
  private static func estimateRun(_ command: String) -> StepCost {
    let parts = commandParts(command)
    let rules = parts.map(rule(matching:))
    let matches = rules.compactMap { $0 }
    let unknown = zip(parts, rules).filter { words, rule in
      rule == nil && !(words.first.map(builtins.contains) ?? true)
    }.count
    if let dearest = mostExpensive(matches) {
      let total = matches.reduce(0) { $0 + $1.seconds } + Double(unknown) * defaultRunSeconds
      let others = matches.count > 1 ? " and \(matches.count - 1) more" : ""
      return StepCost(
        seconds: total, source: .estimate,
        basis: "\(dearest.category.rawValue) (\(dearest.label))\(others)")
    }
    return StepCost(
      seconds: defaultRunSeconds * Double(max(1, unknown)), source: .estimate,
      basis: unknown > 1 ? "\(unknown) shell commands" : "shell command")
  }

  /// Default estimate for a step kind and command. `kind` is one of "from", "run", "copy", "add",
  /// "workdir", or any other lower-case keyword (a metadata instruction).
  ///
  /// For RUN, `command` is the shell command text (or exec-form arguments joined by spaces). For
  /// COPY and ADD, `bytes` is the size of what is copied (nil when unknown: the overhead alone),
  /// and `isRemote` says the source is a URL or a git repository.
  static func estimate(kind: String, command: String?, bytes: Int?, isRemote: Bool) -> StepCost {
    switch kind.lowercased() {
    case "from":
      return StepCost(seconds: pullSeconds, source: .estimate, basis: "base image pull")
    case "run":
      let command = command ?? ""
      return runEstimates.value(for: command) { estimateRun(command) }
    case "copy", "add":
      let keyword = kind.uppercased()
      if isRemote {
        return StepCost(
          seconds: remoteAddSeconds, source: .estimate, basis: "\(keyword) of a URL")
      }
      guard let bytes else {
        return StepCost(
          seconds: copyOverheadSeconds, source: .estimate, basis: "\(keyword) of unknown size")
      }
      let size = Double(max(bytes, 0))
      return StepCost(
        seconds: copyOverheadSeconds + size / copyBytesPerSecond, source: .estimate,
        basis: "\(keyword) of "
          + (size < 100_000 ? "\(format(size / 1_000)) kB" : "\(format(size / 1_000_000)) MB"))
    case "workdir":
      return StepCost(seconds: metadataSeconds, source: .estimate, basis: "WORKDIR")
    default:
      return StepCost(
        seconds: metadataSeconds, source: .estimate, basis: "metadata (\(kind.uppercased()))")
    }
  }

  /// The most expensive rule any part of `command` matches; the first in command order on a tie.
  static func mostExpensiveRule(in command: String) -> Rule? {
    mostExpensive(commandParts(command).compactMap(rule(matching:)))
  }

  /// The dearest of `rules`; the first of equals.
  private static func mostExpensive(_ rules: [Rule]) -> Rule? {
    var best: Rule?
    for rule in rules where best.map({ rule.seconds > $0.seconds }) ?? true { best = rule }
    return best
  }

  /// The most expensive rule one simple command (already split into words) matches.
  private static func rule(matching words: [String]) -> Rule? {
    guard let start = toolIndex(in: words) else { return nil }
    let tool = baseName(words[start])
    let arguments = Array(words[(start + 1)...])
    var best: Rule?
    // The table read in order, not grouped by tool: a dozen look-ups a file cost less than
    // grouping it at every start (91,000 instructions).
    for rule in runRules where rule.tool == tool && accepts(rule.arguments, arguments) {
      if best.map({ rule.seconds > $0.seconds }) ?? true { best = rule }
    }
    return best
  }

  private static func accepts(_ pattern: Arguments, _ arguments: [String]) -> Bool {
    switch pattern {
    case .any:
      return true
    case .bare:
      return arguments.allSatisfy { $0.hasPrefix("-") }
    case .prefix(let prefix):
      return arguments.contains { $0.hasPrefix(prefix) }
    case .words(let words):
      guard words.count <= arguments.count else { return false }
      return (0...(arguments.count - words.count)).contains {
        Array(arguments[$0..<($0 + words.count)]) == words
      }
    }
  }

  /// Commands with no rule cost the default each, except shell built-ins that do nothing worth
  /// timing; so merging two RUNs never looks like a saving.
  private static let builtins: Set<String> = [
    "cd", "export", "set", "unset", "echo", "true", ":", "test", "[",
  ]

  /// Words that run the command after them: the tool is the first word that is none of these,
  /// nor an option of one of them, nor a `VAR=value` assignment.
  private static let wrappers: Set<String> = [
    "sudo", "env", "time", "nice", "nohup", "exec", "command", "npx", "then", "do", "else", "!",
    "sh", "bash", "ash", "dash", "zsh",
  ]

  private static func toolIndex(in words: [String]) -> Int? {
    var index = 0
    var afterWrapper = false
    while index < words.count {
      let word = words[index]
      if wrappers.contains(baseName(word)) {
        afterWrapper = true
      } else if afterWrapper && word.hasPrefix("-") {
        // An option of the wrapper (`sudo -E`, `sh -c`, `npx --yes`).
      } else if isAssignment(word) {
        // `VAR=value` before the command, or after `env`.
      } else {
        return index
      }
      index += 1
    }
    return nil
  }

  private static func isAssignment(_ word: String) -> Bool {
    guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
    return word[..<equals].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
  }

  private static func baseName(_ word: String) -> String {
    word.lastComponent() ?? word
  }

  /// `command` split into simple commands at `&&`, `||`, `;`, `|`, `&` and newlines, each split
  /// into words at whitespace. Quotes are dropped rather than honoured, so `sh -c 'a && b'` reads
  /// as the two commands it runs; a lone `\` (a line continuation) is no word.
  static func commandParts(_ command: String) -> [[String]] {
    var parts: [[String]] = []
    var words: [String] = []
    var word = ""
    func endWord() {
      if !word.isEmpty && word != "\\" { words.append(word) }
      word = ""
    }
    func endPart() {
      endWord()
      if !words.isEmpty { parts.append(words) }
      words = []
    }
    // By scalar: "\r\n" is two separators, not one whitespace character.
    for scalar in command.unicodeScalars {
      switch scalar {
      case "&", "|", ";", "\n", "\r":
        endPart()
      case "\"", "'", "`", "(", ")", "{", "}":
        endWord()
      case " ", "\t":
        endWord()
      default:
        if !scalar.isASCII && scalar.properties.isWhitespace || scalar == "\u{0B}"
          || scalar == "\u{0C}"
        {
          endWord()
        } else {
          word.unicodeScalars.append(scalar)
        }
      }
    }
    endPart()
    return parts
  }

  /// A `# planner: cost=45s` comment among `comments` (the comment lines directly above an
  /// instruction, as written, each starting with `#`).
  ///
  /// The prefix `planner:` (or `planner` and a space) is case-insensitive, and other words may
  /// share the line (`# planner: pin cost=10s`). A value is a bare number of seconds (`cost=45`)
  /// or a sequence of numbers with units `h`, `m`, `s` and `ms` (`45s`, `1.5m`, `2m30s`,
  /// `500ms`); spaces around `=` are allowed. Returns nil when no comment gives a cost, the first
  /// malformed value as ``PragmaCost/invalid(_:)`` (so that the mistake is reported), and
  /// otherwise the last cost given (the one closest to the instruction).
  static func pragma(in comments: [String]) -> PragmaCost? {
    var found: PragmaCost?
    for comment in comments {
      for value in costValues(in: comment) {
        guard let value else {
          return .invalid("'cost' in a planner comment needs a value, as in 'cost=45s'")
        }
        guard let seconds = parseDuration(value) else {
          return .invalid(
            "invalid cost '\(value)' in a planner comment; "
              + "write a duration such as 'cost=45s', 'cost=2m30s' or 'cost=500ms'")
        }
        found = .seconds(seconds)
      }
    }
    return found
  }

  /// The values of every `cost=` on a `# planner` comment line, in order; nil for a `cost` with
  /// no `=` or nothing after it.
  private static func costValues(in comment: String) -> [String?] {
    guard let text = Pragmas.plannerText(comment) else { return [] }
    let characters = Array(text)
    var values: [String?] = []
    var index = 0
    while index < characters.count {
      let isWordStart = index == 0 || characters[index - 1].isWhitespace
      guard isWordStart, index + 4 <= characters.count,
        String(characters[index..<(index + 4)]).lowercased() == "cost"
      else {
        index += 1
        continue
      }
      var cursor = index + 4
      while cursor < characters.count, characters[cursor].isWhitespace { cursor += 1 }
      let afterCost = index + 4
      if afterCost < characters.count, !characters[afterCost].isWhitespace,
        characters[afterCost] != "="
      {
        index += 1  // `costly`, another word
        continue
      }
      guard cursor < characters.count, characters[cursor] == "=" else {
        values.append(nil)
        index = cursor
        continue
      }
      cursor += 1
      while cursor < characters.count, characters[cursor].isWhitespace { cursor += 1 }
      var end = cursor
      while end < characters.count, !characters[end].isWhitespace { end += 1 }
      values.append(end > cursor ? String(characters[cursor..<end]) : nil)
      index = end
    }
    return values
  }

  /// Seconds in `45`, `45s`, `1.5m`, `2m30s`, `500ms`, `1h`; nil when malformed or not finite.
  static func parseDuration(_ value: String) -> Double? {
    let characters = Array(value.lowercased())
    var index = 0
    var total = 0.0
    var sawUnit = false
    var terms = 0
    while index < characters.count {
      var number = ""
      while index < characters.count, characters[index].isASCII,
        characters[index].isNumber || characters[index] == "."
      {
        number.append(characters[index])
        index += 1
      }
      guard number.contains(where: \.isNumber), number.filter({ $0 == "." }).count <= 1,
        let amount = Double(number)
      else { return nil }
      var unit = ""
      while index < characters.count, characters[index].isLetter {
        unit.append(characters[index])
        index += 1
      }
      let scale: Double
      switch unit {
      case "": scale = 1
      case "ms": scale = 0.001
      case "s": scale = 1
      case "m": scale = 60
      case "h": scale = 3600
      default: return nil
      }
      if unit.isEmpty {
        // A bare number is the whole value (`45`), never a term of `2m30`.
        guard terms == 0, index == characters.count else { return nil }
      } else {
        sawUnit = true
      }
      total += amount * scale
      terms += 1
    }
    guard terms > 0, total.isFinite, sawUnit || terms == 1 else { return nil }
    return total
  }

  /// `x` with at most one decimal (`45`, `1.5`, `12.3`), the same text on every machine.
  static func format(_ x: Double) -> String {
    guard x.isFinite, abs(x) < 1e15 else { return "\(x)" }
    let tenths = Int((x * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    let fraction = magnitude % 10
    return fraction == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(fraction)"
  }
}
