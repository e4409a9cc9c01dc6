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
enum DevDependencies {
  static func check(_ scan: HygieneScan, contextFiles: [String]?) -> [Finding] {
    guard !scan.isDevelopmentImage else { return [] }
    let knownBase = scan.baseImage?.officialName != nil
    func inContext(_ name: String) -> Bool {
      (contextFiles ?? []).contains { $0 == name || $0.hasSuffix("/" + name) }
    }
    var commands: [(position: Int, command: ShellScript.Command)] = []
    for (position, step) in scan.steps.enumerated() where scan.finalChain.contains(step.stage) {
      for command in step.script?.commands ?? [] { commands.append((position, command)) }
    }
    var findings: [Finding] = []
    for (index, entry) in commands.enumerated() {
      let step = scan.steps[entry.position]
      let later = commands[(index + 1)...]
      // What runs after it: the rest of its RUN, then the later steps of the final image.
      var laterText: String {
        let rest = later.prefix { $0.position == entry.position }.map(\.command.text)
        let laterSteps = scan.steps.indices.filter {
          $0 > entry.position && scan.finalChain.contains(scan.steps[$0].stage)
        }.map { scan.steps[$0].text }
        return (rest + laterSteps).joined(separator: " ")
      }
      let message: String?
      switch entry.command.name {
      case "npm":
        message =
          knownBase && !inContext(".npmrc")
          ? npm(entry.command, step, later: later, laterText: laterText, scan: scan) : nil
      case "yarn":
        message =
          knownBase
          ? yarn(entry.command, step, later: later, laterText: laterText, scan: scan) : nil
      case "composer":
        message = knownBase ? composer(entry.command, step, laterText: laterText) : nil
      case "bundle", "bundler":
        message =
          knownBase && !inContext(".bundle/config")
          ? bundle(entry.command, step, before: commands[..<index], laterText: laterText) : nil
      default:
        message = PipInstall(entry.command).flatMap { pip($0, laterText: laterText) }
      }
      guard let message else { continue }
      findings.append(
        scan.finding(
          "PL304", at: step.instruction.range, message,
          subject: HygieneScan.folded(entry.command.text)))
    }
    return findings
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
  private static func productionEnvironment(
    _ command: ShellScript.Command, _ step: HygieneScan.Step
  ) -> Bool {
    let names = [
      "NODE_ENV", "npm_config_production", "NPM_CONFIG_PRODUCTION", "npm_config_omit",
      "NPM_CONFIG_OMIT", "npm_config_only", "NPM_CONFIG_ONLY", "YARN_PRODUCTION",
    ]
    if names.contains(where: { step.text.contains($0) }) { return true }
    for name in names where step.environment.isSet(name) {
      guard name == "NODE_ENV", let value = step.environment.values[name] else { return true }
      if value == "production" { return true }
    }
    return false
  }

  private static func npm(
    _ command: ShellScript.Command, _ step: HygieneScan.Step,
    later: ArraySlice<(position: Int, command: ShellScript.Command)>, laterText: String,
    scan: HygieneScan
  ) -> String? {
    let operands = command.operands(skipping: npmValueOptions).map(\.text)
    guard let subcommand = operands.first,
      ["ci", "install", "i", "clean-install"].contains(subcommand),
      operands.count == 1, !command.hasOption(["-g", "--global"]),
      !isProductionNPM(command), !productionEnvironment(command, step)
    else { return nil }
    guard !removesDevDependencies(later, laterText) else { return nil }
    let name = "npm \(subcommand)"
    if let build = laterBuild(later, scan: scan) {
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
        value.contains("dev") || value.hasPrefix("prod")
      {
        return true
      }
    }
    return false
  }

  private static func yarn(
    _ command: ShellScript.Command, _ step: HygieneScan.Step,
    later: ArraySlice<(position: Int, command: ShellScript.Command)>, laterText: String,
    scan: HygieneScan
  ) -> String? {
    let operands = command.operands(skipping: yarnValueOptions).map(\.text)
    guard operands.isEmpty || operands == ["install"],
      !command.hasOption(["--production", "--prod"])
        || command.value(of: ["--production"])?.text == "false",
      !productionEnvironment(command, step), !removesDevDependencies(later, laterText),
      !laterText.contains("focus")
    else { return nil }
    let name = operands.isEmpty ? "yarn" : "yarn install"
    if let build = laterBuild(later, scan: scan) {
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
  private static func removesDevDependencies(
    _ later: ArraySlice<(position: Int, command: ShellScript.Command)>, _ laterText: String
  ) -> Bool {
    if laterText.contains("prune") || laterText.contains("node_modules") { return true }
    return later.contains { entry in
      let command = entry.command
      switch command.name {
      case "npm":
        let subcommand = command.operands(skipping: npmValueOptions).first?.text ?? ""
        return ["ci", "install", "i", "clean-install", "prune"].contains(subcommand)
          && isProductionNPM(command)
      case "yarn":
        let operands = command.operands(skipping: yarnValueOptions).map(\.text)
        return (operands.isEmpty || operands == ["install"])
          && command.hasOption(["--production", "--prod"])
      default: return false
      }
    }
  }

  /// The first later `npm run …`, `yarn <script>` or `npx …` of the final image.
  private static func laterBuild(
    _ later: ArraySlice<(position: Int, command: ShellScript.Command)>, scan: HygieneScan
  ) -> (text: String, line: Int)? {
    for entry in later {
      let command = entry.command
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
      if isBuild {
        let words = [command.program] + command.arguments.prefix(2).map(\.text)
        return (words.joined(separator: " "), scan.steps[entry.position].line)
      }
    }
    return nil
  }

  // MARK: - PHP, Python, Ruby

  private static func composer(
    _ command: ShellScript.Command, _ step: HygieneScan.Step, laterText: String
  ) -> String? {
    let laterWords = HygieneScan.words(of: laterText)
    guard command.operands.first?.text == "install", !command.hasOption(["--no-dev"]),
      !step.environment.isSet("COMPOSER_NO_DEV"), !step.text.contains("COMPOSER_NO_DEV"),
      !(laterWords.contains("--no-dev")
        && !laterWords.isDisjoint(with: ["install", "update", "remove", "reinstall"]))
    else { return nil }
    return "'composer install' installs the require-dev packages into the final image: use "
      + "'composer install --no-dev'"
  }

  /// Words that name a development or test requirement set.
  private static let developmentWords: Set<String> = [
    "dev", "devel", "develop", "development", "test", "tests", "testing",
  ]

  private static func pip(_ install: PipInstall, laterText: String) -> String? {
    guard !laterText.contains("uninstall") else { return nil }
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

  private static func bundle(
    _ command: ShellScript.Command, _ step: HygieneScan.Step,
    before: ArraySlice<(position: Int, command: ShellScript.Command)>, laterText: String
  ) -> String? {
    let operands = command.operands(skipping: bundleValueOptions).map(\.text)
    guard operands.isEmpty || operands == ["install"],
      !command.hasOption(["--without", "--only"]),
      !step.environment.isSet("BUNDLE_WITHOUT"), !step.environment.isSet("BUNDLE_ONLY"),
      !step.text.contains("BUNDLE_WITHOUT"), !step.text.contains("BUNDLE_ONLY")
    else { return nil }
    let configured = before.contains { entry in
      ["bundle", "bundler"].contains(entry.command.name)
        && entry.command.operands.first?.text == "config"
        && entry.command.arguments.contains { $0.text == "without" || $0.text == "only" }
    }
    guard !configured, !step.text.contains("without") else { return nil }
    // The gems are removed again (their folder, or Ruby itself).
    let laterWords = HygieneScan.words(of: laterText)
    if laterText.contains("/var/lib/gems") || laterText.contains("/usr/local/bundle")
      || laterWords.contains("ruby")
        && !laterWords.isDisjoint(with: ["purge", "remove", "del", "rm", "erase"])
    {
      return nil
    }
    return "'bundle install' installs every Gemfile group, development and test included, into the "
      + "final image: set BUNDLE_WITHOUT=development:test or run "
      + "'bundle config set without development test' first"
  }
}
