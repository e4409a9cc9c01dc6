/// A `pip install` (also `pip3`, `pip3.12`, `python -m pip`), with what the hygiene rules ask of
/// it: its options, requirement files and package operands.
struct PipInstall: Hashable, Sendable {
  var command: ShellScript.Command
  /// Option words, as written.
  var options: [String]
  /// `-r FILE` / `--requirement FILE`.
  var requirementFiles: [String]
  /// Packages, paths and URLs to install.
  var operands: [ShellScript.Word]

  /// Options of `pip install` that take a value.
  private static let valueOptions: Set<String> = [
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-t", "--target", "--prefix", "--root", "-f", "--find-links",
    "--trusted-host", "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--proxy", "--retries",
    "--timeout", "--exists-action", "--cert", "--client-cert", "--only-binary", "--no-binary",
    "-C", "--config-settings", "--global-option", "--report", "--python",
  ]

  init?(_ command: ShellScript.Command) {
    var arguments = command.arguments[...]
    if command.name.hasPrefix("python") {
      guard Self.isPython(command.name), arguments.first?.text == "-m",
        arguments.dropFirst().first.map({ Self.isPip($0.text) }) == true
      else { return nil }
      arguments = arguments.dropFirst(2)
    } else if !Self.isPip(command.name) {
      return nil
    }
    // Options before the subcommand (`pip --no-cache-dir install`).
    var options: [String] = []
    while let first = arguments.first, first.text.hasPrefix("-") {
      options.append(first.text)
      arguments = arguments.dropFirst()
    }
    guard arguments.first?.text == "install" else { return nil }
    arguments = arguments.dropFirst()
    var requirementFiles: [String] = []
    var operands: [ShellScript.Word] = []
    while let word = arguments.popFirst() {
      let text = word.text
      guard text.hasPrefix("-"), text.count > 1 else {
        operands.append(word)
        continue
      }
      options.append(text)
      if Self.valueOptions.contains(text), let value = arguments.popFirst() {
        if text == "-r" || text == "--requirement" { requirementFiles.append(value.text) }
        if text == "-e" || text == "--editable" { operands.append(value) }
      } else if text.hasPrefix("--requirement=") {
        requirementFiles.append(String(text.dropFirst("--requirement=".count)))
      } else if text.hasPrefix("-r"), !text.hasPrefix("--") {
        requirementFiles.append(String(text.dropFirst(2)))
      }
    }
    self.command = command
    self.options = options
    self.requirementFiles = requirementFiles
    self.operands = operands
  }

  func hasOption(_ names: Set<String>) -> Bool {
    options.contains { names.contains($0) || names.contains(String($0.prefix { $0 != "=" })) }
  }

  static func isPip(_ name: String) -> Bool {
    name == "pip" || name == "pip3"
      || name.hasPrefix("pip3.") && name.dropFirst(5).allSatisfy(\.isNumber)
  }

  static func isPython(_ name: String) -> Bool {
    name == "python" || name == "python3"
      || name.hasPrefix("python3.") && name.dropFirst(8).allSatisfy(\.isNumber)
      || name == "python2"
  }
}
