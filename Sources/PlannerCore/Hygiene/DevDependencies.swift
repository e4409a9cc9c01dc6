/// PL304: development dependencies installed into the final image.
///
/// - `npm ci` / `npm install` (no packages named, not global) without `--omit=dev`,
///   `--only=production` or `--production`, while NODE_ENV is not `production`;
/// - `yarn` / `yarn install` without `--production`, same NODE_ENV rule;
/// - `composer install` without `--no-dev` (or COMPOSER_NO_DEV);
/// - `pip install -r` a requirements file named for development or tests
///   (`requirements-dev.txt`, `test-requirements.txt`, `requirements/dev.txt`), or a `[dev]` or
///   `[test]` extra;
/// - `bundle install` without `--without` / `--only`, BUNDLE_WITHOUT / BUNDLE_ONLY, or a
///   `bundle config … without`.
///
/// Not reported when a later command of the final image (in the same RUN or after it) removes
/// them again (`npm prune --omit=dev`, a production install, removing node_modules, `pip
/// uninstall`, removing the gems or Ruby), for images that look meant for development, tests
/// or CI, and, for the tools whose behaviour an environment variable changes, when the base
/// image is not an official one (it may set NODE_ENV or BUNDLE_WITHOUT).
///
/// Options given through a variable (`composer install $COMPOSER_FLAGS`) are read word by word,
/// as the shell splits the expansion; a variable planner cannot expand may give the option, so
/// an npm, yarn, composer or bundle command with one is not reported.
enum DevDependencies {
  /// A command of the final image, with the position of its RUN among the scan's steps.
  typealias Entry = (position: Int, command: ShellScript.Command)

  static func check(_ scan: HygieneScan, contextFiles: [String]?) -> [Finding] {
    guard !scan.isDevelopmentImage else { return [] }
    let knownBase = scan.baseImage?.officialName != nil
    func inContext(_ name: String) -> Bool {
      (contextFiles ?? []).contains { $0 == name || $0.hasSuffix("/" + name) }
    }
    var commands: [Entry] = []
    var runs: [Int: Mentions] = [:]
    for (position, step) in scan.steps.enumerated() where scan.finalChain.contains(step.stage) {
      runs[position] = Mentions(step.text)
      for command in step.script?.commands ?? [] { commands.append((position, command)) }
    }
    let afterwards = Afterwards.find(after: commands, runs: runs, in: scan)
    var findings: [Finding] = []
    // Whether an earlier command ran `bundle config … without` (or `only`).
    var bundleConfigured = false
    for (index, entry) in commands.enumerated() {
      let step = scan.steps[entry.position]
      let run = runs[entry.position] ?? Mentions()
      let later = afterwards[index]
      // Options may come from a variable: its value is read word by word, and a value that is
      // not known may give any option.
      let command = entry.command.splittingExpansions()
      let message: String?
      switch command.name {
      case "npm":
        message =
          knownBase && !inContext(".npmrc") && !command.hasUnknownArgument
          ? npm(command, step, run: run, later: later) : nil
      case "yarn":
        message =
          knownBase && !command.hasUnknownArgument
          ? yarn(command, step, run: run, later: later) : nil
      case "composer":
        message =
          knownBase && !command.hasUnknownArgument
          ? composer(command, step, run: run, later: later) : nil
      case "bundle", "bundler":
        message =
          knownBase && !inContext(".bundle/config") && !bundleConfigured
            && !command.hasUnknownArgument
          ? bundle(command, step, run: run, later: later) : nil
        if command.operands.first?.text == "config",
          command.arguments.contains(where: { $0.text == "without" || $0.text == "only" })
        {
          bundleConfigured = true
        }
      default:
        message = PipInstall(entry.command).flatMap { pip($0, later: later) }
      }
      guard let message else { continue }
      findings.append(
        scan.finding(
          "PL304", at: step.instruction.range, message,
          subject: HygieneScan.folded(entry.command.text)))
    }
    return findings
  }

  /// The phrases and words the checks look for, found in a text.
  ///
  /// A text is read once, and what later commands hold is gathered by union: searching the
  /// text of a RUN again for each of its commands made a RUN of thousands of chained commands
  /// take quadratic time.
  struct Mentions {
    /// Phrases looked for anywhere in the text.
    static let phrases: Set<String> = [
      // Settings that make an install leave development dependencies out.
      "NODE_ENV", "npm_config_production", "NPM_CONFIG_PRODUCTION", "npm_config_omit",
      "NPM_CONFIG_OMIT", "npm_config_only", "NPM_CONFIG_ONLY", "YARN_PRODUCTION",
      "COMPOSER_NO_DEV", "BUNDLE_WITHOUT", "BUNDLE_ONLY", "without",
      // Ways of removing them again.
      "prune", "node_modules", "focus", "uninstall", "/var/lib/gems", "/usr/local/bundle",
    ]
    /// Words (split at blanks and shell punctuation) looked for.
    static let words: Set<String> = [
      "--no-dev", "install", "update", "remove", "reinstall", "ruby", "purge", "del", "rm",
      "erase",
    ]

    private var phrases: Set<String> = []
    private var words: Set<String> = []

    init() {}

    init(_ text: String) { read(text) }

    /// Adds what `text` holds.
    mutating func read(_ text: String) {
      phrases.formUnion(Self.phrases.filter { text.containsLiterally($0) })
      words.formUnion(HygieneScan.words(of: text).intersection(Self.words))
    }

    mutating func formUnion(_ other: Mentions) {
      phrases.formUnion(other.phrases)
      words.formUnion(other.words)
    }

    func contains(_ phrase: String) -> Bool {
      assert(Self.phrases.contains(phrase), "'\(phrase)' is not looked for")
      return phrases.contains(phrase)
    }

    func contains(word: String) -> Bool {
      assert(Self.words.contains(word), "'\(word)' is not looked for")
      return words.contains(word)
    }
  }

  /// What runs after a command of the final image, as far as the checks ask.
  struct Afterwards {
    /// What the rest of the command's RUN and the later steps hold.
    var text = Mentions()
    /// A later command of the final image installs again for production, or prunes (npm, yarn).
    var reinstallsForProduction = false
    /// The first later `npm run …`, `yarn <script>` or `npx …` of the final image, and its line.
    var build: (text: String, line: Int)?

    /// What runs after each of `commands`, in order: found in one pass from the last command
    /// back. `runs` holds what each RUN's text holds.
    static func find(after commands: [Entry], runs: [Int: Mentions], in scan: HygieneScan)
      -> [Afterwards]
    {
      // What the final image's steps after each step hold.
      var stepsAfter: [Int: Mentions] = [:]
      var text = Mentions()
      for position in runs.keys.sorted(by: >) {
        stepsAfter[position] = text
        text.formUnion(runs[position] ?? Mentions())
      }
      var result = Array(repeating: Afterwards(), count: commands.count)
      var restOfRun = Mentions()
      var next = Afterwards()
      for index in commands.indices.reversed() {
        let (position, command) = commands[index]
        if index + 1 == commands.count || commands[index + 1].position != position {
          restOfRun = Mentions()
        }
        next.text = restOfRun
        next.text.formUnion(stepsAfter[position] ?? Mentions())
        result[index] = next
        restOfRun.read(command.text)
        let split = command.splittingExpansions()
        if DevDependencies.reinstallsForProduction(split) { next.reinstallsForProduction = true }
        if let text = DevDependencies.buildText(split) {
          next.build = (text, scan.steps[position].line)
        }
      }
      return result
    }
  }

  // MARK: - Node

  private static let npmValueOptions: Set<String> = [
    "--omit", "--only", "--include", "--prefix", "--registry", "--cache", "--loglevel", "-w",
    "--workspace", "--userconfig", "--install-strategy",
  ]

  private static let yarnValueOptions: Set<String> = [
    "--network-timeout", "--modules-folder", "--cache-folder", "--mutex", "--registry", "--cwd",
    "--network-concurrency", "--global-folder", "--link-folder",
  ]

  /// Whether NODE_ENV (or npm's own settings) may make an install skip devDependencies.
  private static func productionEnvironment(_ step: HygieneScan.Step, run: Mentions) -> Bool {
    let names = [
      "NODE_ENV", "npm_config_production", "NPM_CONFIG_PRODUCTION", "npm_config_omit",
      "NPM_CONFIG_OMIT", "npm_config_only", "NPM_CONFIG_ONLY", "YARN_PRODUCTION",
    ]
    if names.contains(where: { run.contains($0) }) { return true }
    for name in names where step.environment.isSet(name) {
      guard name == "NODE_ENV", let value = step.environment.values[name] else { return true }
      if value == "production" { return true }
    }
    return false
  }

  private static func npm(
    _ command: ShellScript.Command, _ step: HygieneScan.Step, run: Mentions, later: Afterwards
  ) -> String? {
    let operands = command.operands(skipping: npmValueOptions).map(\.text)
    guard let subcommand = operands.first,
      ["ci", "install", "i", "clean-install"].contains(subcommand),
      operands.count == 1, !command.hasOption(["-g", "--global"]),
      !isProductionNPM(command), !productionEnvironment(step, run: run)
    else { return nil }
    guard !removesDevDependencies(later) else { return nil }
    let name = "npm \(subcommand)"
    if let build = later.build {
      return "'\(name)' installs devDependencies into the final image, and '\(build.text)' on line "
        + "\(build.line) uses them: build in an earlier stage and install with "
        + "'npm ci --omit=dev' in the final one"
    }
    return
      "'\(name)' installs devDependencies into the final image: use '\(name) --omit=dev' or set "
      + "NODE_ENV=production"
  }

  private static func isProductionNPM(_ command: ShellScript.Command) -> Bool {
    if command.hasOption(["--production", "--prod"]),
      command.value(of: ["--production"])?.text != "false"
    {
      return true
    }
    for name in ["--omit", "--only"] {
      if let value = command.value(of: [name])?.text,
        value.containsLiterally("dev") || value.hasPrefix("prod")
      {
        return true
      }
    }
    return false
  }

  private static func yarn(
    _ command: ShellScript.Command, _ step: HygieneScan.Step, run: Mentions, later: Afterwards
  ) -> String? {
    let operands = command.operands(skipping: yarnValueOptions).map(\.text)
    guard operands.isEmpty || operands == ["install"],
      !command.hasOption(["--production", "--prod"])
        || command.value(of: ["--production"])?.text == "false",
      !productionEnvironment(step, run: run), !removesDevDependencies(later),
      !later.text.contains("focus")
    else { return nil }
    let name = operands.isEmpty ? "yarn" : "yarn install"
    if let build = later.build {
      return "'\(name)' installs devDependencies into the final image, and '\(build.text)' on line "
        + "\(build.line) uses them: build in an earlier stage and install with "
        + "'yarn install --production' in the final one"
    }
    return
      "'\(name)' installs devDependencies into the final image: use 'yarn install --production' "
      + "(Yarn 1; 'yarn workspaces focus --production' with Yarn 2 and later) or set "
      + "NODE_ENV=production"
  }

  /// Whether a later command of the final image removes devDependencies again.
  private static func removesDevDependencies(_ later: Afterwards) -> Bool {
    later.text.contains("prune") || later.text.contains("node_modules")
      || later.reinstallsForProduction
  }

  /// Whether a command installs again for production, or prunes (its arguments read word by
  /// word; one not known may be such an option).
  static func reinstallsForProduction(_ command: ShellScript.Command) -> Bool {
    switch command.name {
    case "npm":
      let subcommand = command.operands(skipping: npmValueOptions).first?.text ?? ""
      return ["ci", "install", "i", "clean-install", "prune"].contains(subcommand)
        && (isProductionNPM(command) || command.hasUnknownArgument)
    case "yarn":
      let operands = command.operands(skipping: yarnValueOptions).map(\.text)
      return (operands.isEmpty || operands == ["install"])
        && (command.hasOption(["--production", "--prod"]) || command.hasUnknownArgument)
    default: return false
    }
  }

  /// The words naming a command when it is an `npm run …`, `yarn <script>` or `npx …`: a
  /// build that uses devDependencies.
  static func buildText(_ command: ShellScript.Command) -> String? {
    let operands = command.operands.map(\.text)
    let isBuild: Bool
    switch command.name {
    case "npm": isBuild = ["run", "run-script"].contains(operands.first ?? "")
    case "yarn":
      isBuild =
        !operands.isEmpty
        && !["install", "add", "remove", "global", "cache", "config", "workspaces"].contains(
          operands[0])
    case "npx", "pnpm": isBuild = true
    default: isBuild = false
    }
    guard isBuild else { return nil }
    return ([command.program] + command.arguments.prefix(2).map(\.text)).joined(separator: " ")
  }

  // MARK: - PHP, Python, Ruby

  private static func composer(
    _ command: ShellScript.Command, _ step: HygieneScan.Step, run: Mentions, later: Afterwards
  ) -> String? {
    let reinstalls = ["install", "update", "remove", "reinstall"].contains {
      later.text.contains(word: $0)
    }
    guard command.operands.first?.text == "install", !command.hasOption(["--no-dev"]),
      !step.environment.isSet("COMPOSER_NO_DEV"), !run.contains("COMPOSER_NO_DEV"),
      !(later.text.contains(word: "--no-dev") && reinstalls)
    else { return nil }
    return "'composer install' installs the require-dev packages into the final image: use "
      + "'composer install --no-dev'"
  }

  /// Words that name a development or test requirement set.
  private static let developmentWords: Set<String> = [
    "dev", "devel", "develop", "development", "test", "tests", "testing",
  ]

  private static func pip(_ install: PipInstall, later: Afterwards) -> String? {
    guard !later.text.contains("uninstall") else { return nil }
    func words(_ text: String) -> Set<String> {
      Set(text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
    }
    if let file = install.requirementFiles.first(where: {
      !words($0).isDisjoint(with: developmentWords)
    }) {
      return "'pip install -r \(file)' installs development requirements into the final image: "
        + "install them in a build or test stage"
    }
    for operand in install.operands {
      guard let open = operand.text.firstIndex(of: "["), operand.text.hasSuffix("]") else {
        continue
      }
      let extras = operand.text[operand.text.index(after: open)...].dropLast()
      if !words(String(extras)).isDisjoint(with: developmentWords) {
        return "'pip install \(operand.text)' installs development extras into the final image: "
          + "install them in a build or test stage"
      }
    }
    return nil
  }

  private static let bundleValueOptions: Set<String> = [
    "--jobs", "-j", "--retry", "--path", "--gemfile", "--binstubs", "--with", "--shebang",
    "--standalone", "--trust-policy",
  ]

  /// `bundle install`; the caller has checked that no earlier `bundle config` sets `without`
  /// or `only`.
  private static func bundle(
    _ command: ShellScript.Command, _ step: HygieneScan.Step, run: Mentions, later: Afterwards
  ) -> String? {
    let operands = command.operands(skipping: bundleValueOptions).map(\.text)
    guard operands.isEmpty || operands == ["install"],
      !command.hasOption(["--without", "--only"]),
      !step.environment.isSet("BUNDLE_WITHOUT"), !step.environment.isSet("BUNDLE_ONLY"),
      !run.contains("BUNDLE_WITHOUT"), !run.contains("BUNDLE_ONLY"), !run.contains("without")
    else { return nil }
    // The gems are removed again (their folder, or Ruby itself).
    let removes = ["purge", "remove", "del", "rm", "erase"].contains {
      later.text.contains(word: $0)
    }
    if later.text.contains("/var/lib/gems") || later.text.contains("/usr/local/bundle")
      || later.text.contains(word: "ruby") && removes
    {
      return nil
    }
    return "'bundle install' installs every Gemfile group, development and test included, into the "
      + "final image: set BUNDLE_WITHOUT=development:test or run "
      + "'bundle config set without development test' first"
  }
}
