/// The simple commands of a RUN or of a script, read statically: what the hygiene rules look at.
///
/// Chains are cut with `CommandAnalyzer.split` and words read with `CommandAnalyzer.words`, so a
/// RUN is lexed exactly as the reorderer lexes it. On top of that, reading goes into subshells,
/// `{ …; }` groups, `sh -c '…'`, the bodies of `if`, `while` and `for`, and past the wrappers
/// that run another command (`sudo`, `env`, `xargs`…). Variables known statically are expanded;
/// any other stays an unknown word, and a part that does not lex makes the script incomplete.
struct ShellScript: Hashable, Sendable {
  typealias Word = CommandAnalyzer.Word

  /// One simple command.
  struct Command: Hashable, Sendable {
    /// The program's name: the last path component of its first word (`apt-get`, `pip3`).
    var name: String
    /// The first word as written (`/usr/bin/apt-get`, `./install.sh`).
    var program: String
    var arguments: [Word]
    /// `NAME=value` words before the command, or after `env`.
    var assignments: [String: Word] = [:]
    /// Run by `xargs`: more arguments come from its input.
    var isThroughXargs = false
    /// The text the command was read from.
    var text: String

    /// The arguments that are not options (`-y`, `--no-cache`), in order.
    var operands: [Word] { arguments.filter { !$0.text.hasPrefix("-") } }

    /// The arguments that are neither options nor the values of `valueOptions`
    /// (`--jobs 4`).
    func operands(skipping valueOptions: Set<String>) -> [Word] {
      var operands: [Word] = []
      var index = 0
      while index < arguments.count {
        let text = arguments[index].text
        if valueOptions.contains(text) {
          index += 2
          continue
        }
        if !text.hasPrefix("-") { operands.append(arguments[index]) }
        index += 1
      }
      return operands
    }

    func hasOption(_ names: Set<String>) -> Bool {
      arguments.contains { word in
        names.contains(word.text)
          || names.contains(String(word.text.prefix { $0 != "=" }))
            && word.text.containsLiterally("=")
      }
    }

    /// The value of an option written `--name value` or `--name=value`.
    func value(of names: Set<String>) -> Word? {
      for (index, word) in arguments.enumerated() {
        if names.contains(word.text), index + 1 < arguments.count { return arguments[index + 1] }
        if let equals = word.text.firstIndex(of: "="),
          names.contains(String(word.text[..<equals]))
        {
          let value = String(word.text[word.text.index(after: equals)...])
          return word.isKnown ? .known(value) : .unknown(value)
        }
      }
      return nil
    }

    /// The command with every argument that holds blanks split into words, as the shell splits
    /// an unquoted expansion (`composer install $COMPOSER_FLAGS`, where the flags are
    /// `--no-dev --optimize-autoloader`). A quoted argument with blanks is split too: the words
    /// do not say which blanks came from a variable. A part that still holds an unexpanded
    /// variable stays unknown; the others are known.
    func splittingExpansions() -> Command {
      var split = self
      split.arguments = arguments.flatMap { word -> [Word] in
        let parts = word.text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard parts.count > 1 || !word.isKnown else { return [word] }
        return parts.map { part in
          word.isKnown || !part.containsLiterally("$")
            ? .known(String(part)) : .unknown(String(part))
        }
      }
      return split
    }

    /// Whether an argument depends on a variable planner does not know: it may give any flag.
    var hasUnknownArgument: Bool { arguments.contains { !$0.isKnown } }

    /// A shell that reads its script from its input (`curl … | sh -`): in practice an
    /// installer's setup script.
    var readsScriptFromInput: Bool {
      ShellScript.shells.contains(name) && operands.allSatisfy { $0.text == "-" }
    }

    /// It runs a vendor's installer, named for installing (`newrelic-install install`,
    /// `install.sh`), which adds software rather than removing the system's packages.
    var isInstaller: Bool {
      let lowered = name.lowercased()
      return lowered.containsLiterally("install") && !lowered.containsLiterally("uninstall")
        && !operands.contains { ["uninstall", "remove", "purge"].contains($0.text.lowercased()) }
    }

    /// It runs a script planner cannot see: a shell reading a file or its input, a `.sh` file,
    /// or a program given by its path that is not a common tool.
    var runsLocalScript: Bool {
      if ShellScript.shells.contains(name) || name == "source" || name == "." { return true }
      if name.hasSuffix(".sh") { return true }
      return program.containsLiterally("/") && !ShellScript.commonTools.contains(name)
    }
  }

  var commands: [Command] = []
  /// False when some part could not be read: a quote that does not close, a command whose name
  /// is a variable, shells nested too deep.
  var isComplete = true

  static let shells: Set<String> = ["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"]

  /// Programs that are often called by their path and never run a hidden script.
  static let commonTools: Set<String> = [
    "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "dpkg", "rpm", "pip", "pip3", "python",
    "python3", "node", "npm", "yarn", "composer", "bundle", "gem", "rm", "cp", "mv", "ln", "mkdir",
    "chmod", "chown", "echo", "cat", "tar", "curl", "wget", "sed", "find", "test", "true", "false",
    "env", "sleep", "docker",
  ]

  /// Reads one command line (a shell-form RUN, an argument of `sh -c`).
  static func read(line: String, environment: [String: String]) -> ShellScript {
    var script = ShellScript()
    var variables = environment
    script.read(line, variables: &variables, depth: 0)
    return script
  }

  /// Reads a script file or a here-document body: comment lines dropped, `\`-newline joined.
  static func read(script text: String, environment: [String: String]) -> ShellScript {
    read(line: logicalText(text), environment: environment)
  }

  /// The script with comment lines blanked, carriage returns dropped and line continuations
  /// joined, so that one command is on one line.
  static func logicalText(_ text: String) -> String {
    var lines: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      lines.append(trimmed.hasPrefix("#") ? "" : line)
    }
    var joined = ""
    for (index, line) in lines.enumerated() {
      var line = line
      if line.hasSuffix("\r") { line = line.dropLast() }
      if line.hasSuffix("\\"), index + 1 < lines.count {
        joined += line.dropLast()
      } else {
        joined += line
        if index + 1 < lines.count { joined += "\n" }
      }
    }
    return joined
  }

  /// Keywords that open or continue a compound command; the command after them is read.
  private static let leadingKeywords = ["if", "then", "else", "elif", "do", "while", "until", "!"]
  /// Words that only close a compound command.
  private static let closingWords: Set<String> = ["fi", "done", "esac", "then", "else", "do", "}"]

  private mutating func read(_ line: String, variables: inout [String: String], depth: Int) {
    guard depth < 5 else {
      isComplete = false
      return
    }
    for part in CommandAnalyzer.split(line) {
      readPart(part.text, variables: &variables, depth: depth)
    }
  }

  private mutating func readPart(_ part: String, variables: inout [String: String], depth: Int) {
    var text = Substring(part)
    var stripped = true
    while stripped {
      stripped = false
      text = text.drop { $0 == " " || $0 == "\t" }
      for keyword in Self.leadingKeywords
      where text.hasPrefix(keyword + " ") || text.hasPrefix(keyword + "\t") {
        text = text.dropFirst(keyword.count)
        stripped = true
      }
    }
    while text.last == " " || text.last == "\t" { text = text.dropLast() }
    if text.isEmpty || Self.closingWords.contains(String(text)) { return }
    // A subshell or a group: its commands run here too.
    if text.hasPrefix("("), !text.hasPrefix("(("), text.hasSuffix(")") {
      var inner = variables
      read(String(text.dropFirst().dropLast()), variables: &inner, depth: depth + 1)
      return
    }
    if text.hasPrefix("{"), text.hasSuffix("}") {
      read(String(text.dropFirst().dropLast()), variables: &variables, depth: depth + 1)
      return
    }
    guard var words = CommandAnalyzer.words(String(text), environment: variables) else {
      isComplete = false
      return
    }
    words = Self.removingRedirections(words)
    var command = Command(name: "", program: "", arguments: [], text: String(text))
    while let first = words.first, let (name, value) = Self.assignment(first) {
      command.assignments[name] = value
      words.removeFirst()
    }
    if words.isEmpty {
      // `NAME=value` alone sets a shell variable that later words expand.
      for (name, value) in command.assignments {
        if value.isKnown { variables[name] = value.text } else { variables[name] = nil }
      }
      return
    }
    unwrap(&words, into: &command)
    guard let first = words.first else { return }
    guard first.isKnown else {
      isComplete = false
      return
    }
    command.program = first.text
    command.name = String(first.text.split(separator: "/").last ?? Substring(first.text))
    command.arguments = Array(words.dropFirst())
    if Self.shells.contains(command.name), let inner = Self.inlineScript(of: command.arguments) {
      var nested = variables
      read(inner, variables: &nested, depth: depth + 1)
      return
    }
    if command.name == "export" {
      for word in command.arguments {
        guard let (name, value) = Self.assignment(word) else { continue }
        if value.isKnown { variables[name] = value.text } else { variables[name] = nil }
      }
    }
    commands.append(command)
  }

  /// The wrappers' options that take a value (the next word, when not joined to it).
  private static let valueOptions: [String: Set<String>] = [
    "sudo": ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
    "env": ["-u", "-C", "-S", "--unset", "--chdir"],
    "xargs": ["-I", "-n", "-P", "-L", "-s", "-a", "-d", "-E", "--max-args", "--max-procs"],
    "nice": ["-n"], "timeout": ["-s", "-k", "--signal", "--kill-after"],
    "stdbuf": ["-i", "-o", "-e"],
  ]

  /// Drops the wrappers that run the rest of the words as a command, keeping what they tell.
  private func unwrap(_ words: inout [Word], into command: inout Command) {
    while let first = words.first?.text {
      let name = String(first.split(separator: "/").last ?? Substring(first))
      // `bundle exec tool …` runs the tool; `gosu user tool …` runs it as another user.
      if name == "bundle" || name == "bundler", words.count > 2, words[1].text == "exec" {
        words.removeFirst(2)
        continue
      }
      if name == "gosu" || name == "su-exec", words.count > 2 {
        words.removeFirst(2)
        continue
      }
      guard
        ["sudo", "env", "xargs", "nice", "nohup", "time", "exec", "command", "stdbuf", "timeout"]
          .contains(name)
      else { return }
      words.removeFirst()
      if name == "xargs" { command.isThroughXargs = true }
      let takesValue = Self.valueOptions[name] ?? []
      while let option = words.first {
        if option.text.hasPrefix("-"), option.text != "-" {
          words.removeFirst()
          if takesValue.contains(option.text), !words.isEmpty { words.removeFirst() }
        } else if name == "env", let (variable, value) = Self.assignment(option) {
          command.assignments[variable] = value
          words.removeFirst()
        } else {
          break
        }
      }
      // `timeout 30 cmd`: the duration.
      if name == "timeout", let duration = words.first?.text,
        duration.first?.isNumber == true
      {
        words.removeFirst()
      }
    }
  }

  /// The script of `sh -c 'script'` (also `-ec`, `-xc`…), when there is one.
  private static func inlineScript(of arguments: [Word]) -> String? {
    var index = 0
    while index < arguments.count {
      let text = arguments[index].text
      guard text.hasPrefix("-") || text.hasPrefix("+"), !text.hasPrefix("--") else { return nil }
      let letters = text.dropFirst()
      if !letters.isEmpty, letters.allSatisfy(\.isLetter), letters.containsLiterally("c") {
        return index + 1 < arguments.count ? arguments[index + 1].text : nil
      }
      // `-o pipefail`: the option's value.
      index += letters.hasSuffix("o") ? 2 : 1
    }
    return nil
  }

  /// `NAME=value` as a name and its value.
  static func assignment(_ word: Word) -> (String, Word)? {
    let text = word.text
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
    let name = text[..<equals]
    guard let first = name.first, first.isLetter || first == "_",
      name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
    else { return nil }
    let value = String(text[text.index(after: equals)...])
    return (String(name), word.isKnown ? .known(value) : .unknown(value))
  }

  /// The words without `> file`, `2>&1`, `< file` and the like.
  static func removingRedirections(_ words: [Word]) -> [Word] {
    let operators: Set<String> = [">", ">>", "<", "2>", "2>>", "&>", "1>", "1>>", "<<<"]
    var kept: [Word] = []
    var index = 0
    while index < words.count {
      let text = words[index].text
      if operators.contains(text) {
        index += 2
        continue
      }
      if text.hasPrefix(">") || text.hasPrefix("<") || text.hasPrefix("2>") || text.hasPrefix("&>")
        || text.hasPrefix("1>")
      {
        index += 1
        continue
      }
      kept.append(words[index])
      index += 1
    }
    return kept
  }
}
