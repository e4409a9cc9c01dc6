/// A path of the image, or a whole tree: `/app/package.json`, or `/app/node_modules` with
/// `recursive` meaning it and everything below. Paths are absolute and cleaned.
struct PathPattern: Hashable, Sendable, Comparable {
  var path: String
  var recursive: Bool

  /// Whether some path could match both.
  func overlaps(_ other: PathPattern) -> Bool {
    if path == other.path { return true }
    if recursive, Self.isBelow(other.path, path) { return true }
    if other.recursive, Self.isBelow(path, other.path) { return true }
    return false
  }

  private static func isBelow(_ path: String, _ tree: String) -> Bool {
    tree == "/" || path.hasPrefix(tree + "/")
  }

  static func < (left: PathPattern, right: PathPattern) -> Bool {
    left.path != right.path
      ? left.path.utf8.lexicographicallyPrecedes(right.path.utf8)
      : !left.recursive && right.recursive
  }
}

/// One recognised dependency install and the files it reads from its working folder, so that
/// the reorderer can copy exactly those files before it.
struct DependencyInstall: Hashable, Sendable {
  /// The command as recognised, such as `npm ci`.
  var tool: String
  /// The folder it runs in (absolute).
  var workdir: String
  /// File names or `filepath.Match` patterns, relative to `workdir`, that it reads.
  var manifests: [String]
  /// It needs the whole folder (`pip install .`, `cargo build`): no manifest-first split.
  var readsWholeFolder: Bool
}

/// What a RUN's shell command reads and writes in the image, as far as planner can tell.
struct CommandEffects: Hashable, Sendable {
  var reads: [PathPattern] = []
  var writes: [PathPattern] = []
  /// Some part could not be analysed: it may read and write anything.
  var isOpaque = false
  var opaqueReasons: [String] = []
  /// It changes shell state a later command of the same shell would see (`cd`, `export`,
  /// `source`, `set`…): two RUNs must not be merged across it.
  var changesShellState = false
  var installs: [DependencyInstall] = []
  /// `apt-get update`, `apk update`: a refresh of the package index.
  var refreshesPackageIndex = false
}

/// One command of a chain and the operator after it (`&&`, `||`, `;`, `|`, or `""` at the end).
struct ChainPart: Hashable, Sendable {
  var text: String
  var separator: String
}

/// Reads shell command lines statically: splits chains, follows `cd`, and knows what common
/// tools read and write. Anything it does not know makes the command opaque, which the
/// reorderer treats as a barrier.
enum CommandAnalyzer {
  // MARK: - Splitting

  /// Splits a command line at top-level `&&`, `||`, `;`, `|` and newlines. Quotes, escapes,
  /// `$(…)`, backquotes, `( … )` and `{ …; }` are kept whole. Unbalanced input gives one part.
  static func split(_ command: String) -> [ChainPart] {
    let bytes = Array(command.utf8)
    var parts: [ChainPart] = []
    var start = 0
    var index = 0
    var depth = 0
    var quote: UInt8?
    func close(_ end: Int, separator: String, next: Int) {
      let text = String(decoding: bytes[start..<end], as: UTF8.self)
        .trimmingSpaces()
      if !text.isEmpty || separator != "" {
        parts.append(ChainPart(text: text, separator: separator))
      }
      start = next
    }
    while index < bytes.count {
      let byte = bytes[index]
      if let open = quote {
        if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
          index += 2
          continue
        }
        if byte == open { quote = nil }
        index += 1
        continue
      }
      switch byte {
      case UInt8(ascii: "\\"):
        index += 2
        continue
      case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
        quote = byte
      case UInt8(ascii: "("), UInt8(ascii: "{"):
        depth += 1
      case UInt8(ascii: ")"), UInt8(ascii: "}"):
        depth = max(0, depth - 1)
      case UInt8(ascii: "#") where depth == 0 && (index == 0 || bytes[index - 1] == 0x20):
        // A comment runs to the end of the line.
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        continue
      case UInt8(ascii: "&")
      where depth == 0 && index + 1 < bytes.count
        && bytes[index + 1] == UInt8(ascii: "&"):
        close(index, separator: "&&", next: index + 2)
        index += 2
        continue
      case UInt8(ascii: "|") where depth == 0:
        let isOr = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "|")
        close(index, separator: isOr ? "||" : "|", next: index + (isOr ? 2 : 1))
        index += isOr ? 2 : 1
        continue
      case UInt8(ascii: ";"), 0x0A:
        if depth == 0 { close(index, separator: ";", next: index + 1) }
      default:
        break
      }
      index += 1
    }
    guard quote == nil, depth == 0 else {
      return [ChainPart(text: command.trimmingSpaces(), separator: "")]
    }
    close(bytes.count, separator: "", next: bytes.count)
    // Empty parts (`a ;; b`, a trailing `;`) are dropped; the last separator is "".
    parts = parts.filter { !$0.text.isEmpty }
    if !parts.isEmpty { parts[parts.count - 1].separator = "" }
    return parts
  }

  // MARK: - Variables

  /// Prefixes of environment variables that common tools read without being told to (npm's
  /// `npm_config_*`, pip's `PIP_*`, Go's `GOFLAGS`…), and names every program may use.
  static let toolVariablePrefixes = [
    "npm_config_", "NPM_", "NODE_", "YARN_", "PNPM_", "BUN_", "PIP_", "PYTHON", "UV_", "POETRY_",
    "PIPENV_", "VIRTUAL_ENV", "GO", "CGO_", "CARGO_", "RUST", "BUNDLE_", "GEM_", "RUBY",
    "COMPOSER_", "MAVEN_", "GRADLE_", "JAVA_", "DOTNET_", "NUGET_", "DEBIAN_", "APT_",
    "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "LANG",
    "LC_", "TZ", "PATH", "HOME", "USER", "SHELL", "TERM", "TMPDIR", "SSL_", "CC", "CXX", "CFLAGS",
    "LDFLAGS", "MAKEFLAGS", "PKG_CONFIG",
  ]

  /// Whether a RUN's command may read the variable `name` from its environment: it names it
  /// (`$NAME`, `${NAME}`), a tool it runs reads such variables, or it cannot be analysed. A RUN
  /// that may not read an ARG behaves the same on either side of it (planner's assumption,
  /// shared by the reorderer and the image checker).
  static func mayRead(variable name: String, command: String, isExecForm: Bool) -> Bool {
    if command.containsLiterally("$" + name) || command.containsLiterally("${" + name) {
      return true
    }
    if toolVariablePrefixes.contains(where: { name.hasPrefix($0) }) { return true }
    return analyze(command, isExecForm: isExecForm, workdir: "/").isOpaque
  }

  // MARK: - Analysing

  /// What `command` does when run in `workdir` as `user` (nil or empty: root) with the variables
  /// of `environment`. Exec form is one command, not interpreted by a shell.
  static func analyze(
    _ command: String, isExecForm: Bool = false, workdir: String, user: String? = nil,
    environment: [String: String] = [:]
  ) -> CommandEffects {
    let question = Question(
      command: command, isExecForm: isExecForm, workdir: workdir, user: user,
      environment: environment)
    return answers.value(for: question) { answer(question) }
  }

  /// The inputs of one analysis.
  private struct Question: Hashable, Sendable {
    var command: String
    var isExecForm: Bool
    var workdir: String
    var user: String?
    var environment: [String: String]
  }

  /// Analyses already made. An analysis depends on its inputs only, and the candidates of one
  /// suggest, their constraints and their image checks analyse the same few commands again and
  /// again (23 analyses of about 5 commands for each generated service in `make bench`).
  private static let answers = SharedMemo<Question, CommandEffects>(limit: 4096)

  private static func answer(_ question: Question) -> CommandEffects {
    let (command, isExecForm, workdir, user, environment) = (
      question.command, question.isExecForm, question.workdir, question.user,
      question.environment
    )
    var context = Context(
      workdir: workdir,
      home: (user ?? "").isEmpty || user == "root" ? "/root" : "/home/\(user ?? "")",
      environment: environment)
    var effects = CommandEffects()
    if isExecForm {
      context.analyze(
        words: command.split(separator: " ").map { .known(String($0)) }, into: &effects)
    } else {
      context.analyze(line: command, into: &effects, depth: 0)
    }
    effects.reads = Array(Set(effects.reads)).sorted()
    effects.writes = Array(Set(effects.writes)).sorted()
    return effects
  }

  /// A word after quote removal: known text, or text that depends on a variable planner does
  /// not know.
  enum Word: Hashable {
    case known(String)
    case unknown(String)

    var text: String {
      switch self {
      case .known(let text), .unknown(let text): text
      }
    }

    var isKnown: Bool {
      if case .known = self { return true }
      return false
    }
  }

  /// The state of one analysis: the working folder as `cd` moves it.
  struct Context {
    var workdir: String?
    var home: String
    var environment: [String: String]

    mutating func analyze(line: String, into effects: inout CommandEffects, depth: Int) {
      guard depth < 4 else {
        opaque("nested shells", into: &effects)
        return
      }
      for part in CommandAnalyzer.split(line) {
        guard let words = CommandAnalyzer.words(part.text, environment: environment) else {
          opaque("cannot read '\(part.text.prefix(40))'", into: &effects)
          continue
        }
        analyze(words: words, into: &effects, depth: depth)
      }
    }

    func opaque(_ reason: String, into effects: inout CommandEffects) {
      effects.isOpaque = true
      effects.opaqueReasons.append(reason)
    }

    /// An absolute pattern for a path word, or nil (and opaque) when it is not known.
    func path(_ word: Word, recursive: Bool = false) -> PathPattern? {
      guard word.isKnown else { return nil }
      var text = word.text
      if text == "~" || text.hasPrefix("~/") { text = home + text.dropFirst() }
      if !text.hasPrefix("/") {
        guard let workdir else { return nil }
        text = workdir + "/" + text
      }
      // A glob reads or writes anything its directory part may hold.
      if text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
        let directory = ImagePath.resolve(
          String(text.prefix { $0 != "*" && $0 != "?" && $0 != "[" }), against: "/")
        let parent =
          text.prefix { $0 != "*" && $0 != "?" && $0 != "[" }.hasSuffix("/")
          ? directory : ImagePath.resolve(directory + "/..", against: "/")
        return PathPattern(path: parent, recursive: true)
      }
      return PathPattern(path: ImagePath.resolve(text, against: "/"), recursive: recursive)
    }

    mutating func analyze(
      words original: [Word], into effects: inout CommandEffects, depth: Int = 0
    ) {
      var words = original
      // Redirections: `> file`, `>> file`, `2> file`, `&> file`, `< file`.
      var index = 0
      while index < words.count {
        let text = words[index].text
        let operators = [">>", ">", "2>>", "2>", "&>", "1>", "<"]
        if let op = operators.first(where: {
          text == $0 || (text.hasPrefix($0) && text.count > $0.count && !text.hasPrefix($0 + "&"))
        }) {
          var target: Word?
          if text == op {
            if index + 1 < words.count { target = words[index + 1] }
            words.removeSubrange(index..<min(words.count, index + 2))
          } else {
            let rest = String(text.dropFirst(op.count))
            target = words[index].isKnown ? .known(rest) : .unknown(rest)
            words.remove(at: index)
          }
          if let target, target.text != "/dev/null" {
            if let pattern = path(target) {
              if op == "<" { effects.reads.append(pattern) } else { effects.writes.append(pattern) }
            } else {
              opaque("a redirection to '\(target.text)'", into: &effects)
            }
          }
          continue
        }
        if text.hasPrefix("2>&") || text.hasPrefix(">&") || text == "2>&1" {
          words.remove(at: index)
          continue
        }
        index += 1
      }
      // Assignments before the command, and wrappers that run the rest.
      while let first = words.first {
        let text = first.text
        if text.containsLiterally("="), !text.hasPrefix("="), !text.hasPrefix("-"),
          text.prefix(while: { $0 != "=" }).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        {
          words.removeFirst()
          continue
        }
        if ["sudo", "time", "nohup", "exec", "command", "nice", "env", "stdbuf"].contains(text) {
          words.removeFirst()
          while let option = words.first?.text, option.hasPrefix("-") { words.removeFirst() }
          continue
        }
        break
      }
      guard let name = words.first?.text else { return }
      let arguments = Array(words.dropFirst())
      let tool = String(name.split(separator: "/").last ?? Substring(name))
      if !words[0].isKnown {
        opaque("the command '\(name)' is not known statically", into: &effects)
        return
      }
      switch tool {
      case "true", "false", ":", "echo", "printf", "test", "[", "exit", "sleep", "whoami", "id",
        "uname", "date", "pwd", "which", "nproc":
        return
      case "cd", "pushd":
        effects.changesShellState = true
        guard let target = arguments.first else {
          workdir = home
          return
        }
        workdir = path(target).map(\.path)
      case "popd":
        effects.changesShellState = true
        workdir = nil
      case "export", "set", "unset", "source", ".", "alias", "umask", "ulimit", "shopt", "trap":
        effects.changesShellState = true
        if tool == "source" || tool == "." {
          opaque("'\(tool)' runs a script", into: &effects)
        }
      case "sh", "bash", "dash", "ash", "zsh":
        if let flag = arguments.firstIndex(where: {
          $0.text == "-c"
            || $0.text.hasPrefix("-") && $0.text.hasSuffix("c") && !$0.text.hasPrefix("--")
        }),
          flag + 1 < arguments.count
        {
          var inner = self
          inner.analyze(line: arguments[flag + 1].text, into: &effects, depth: depth + 1)
        } else {
          opaque("'\(tool)' runs a script", into: &effects)
        }
      default:
        if !Knowledge.apply(tool: tool, arguments: arguments, context: &self, effects: &effects) {
          opaque("'\(tool)' is not a command planner knows", into: &effects)
        }
      }
    }
  }

  /// Words of one simple command after quote removal and expansion of the variables known;
  /// nil when the text does not lex.
  static func words(_ text: String, environment: [String: String]) -> [Word]? {
    var words: [Word] = []
    var current = ""
    var known = true
    var started = false
    var quote: Character?
    var characters = Array(text)[...]
    func finish() {
      if started { words.append(known ? .known(current) : .unknown(current)) }
      current = ""
      known = true
      started = false
    }
    while let character = characters.popFirst() {
      if quote == "'" {
        if character == "'" { quote = nil } else { current.append(character) }
        continue
      }
      switch character {
      case "'" where quote == nil, "\"":
        started = true
        if character == "\"" { quote = quote == "\"" ? nil : "\"" } else { quote = "'" }
      case "\\":
        if let next = characters.popFirst() { current.append(next) }
        started = true
      case "$":
        started = true
        var name = ""
        if characters.first == "{" {
          characters.removeFirst()
          while let next = characters.popFirst(), next != "}" { name.append(next) }
        } else {
          while let next = characters.first, next.isLetter || next.isNumber || next == "_" {
            name.append(next)
            characters.removeFirst()
          }
        }
        if let value = environment[name], !name.isEmpty {
          current += value
        } else {
          known = false
          current += "$" + name
        }
      case " ", "\t", "\n":
        // A `where` on a case with several patterns would guard only the last one.
        if quote == nil {
          finish()
        } else {
          started = true
          current.append(character)
        }
      default:
        started = true
        current.append(character)
      }
    }
    guard quote == nil else { return nil }
    finish()
    return words
  }
}
