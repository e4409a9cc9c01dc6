/// A command of a system package manager (apt, apk, yum/dnf, dpkg/rpm), as the hygiene rules
/// see it: what it does and which packages it names.
struct PackageCommand: Hashable, Sendable {
  enum Manager: String, Hashable, Sendable, CaseIterable {
    case apt, apk, rpm
  }

  enum Action: Hashable, Sendable {
    /// `apt-get update`, `apk update`, `yum makecache`: the package index is fetched.
    case refresh
    case install
    case remove
    /// Removes what nothing needs any more (`apt-get autoremove`, `apt-mark auto`): which
    /// packages go is not known statically.
    case autoremove
    /// `apt-get upgrade`, `apk upgrade`, `yum update` (packages named or not).
    case upgrade
    /// `apk cache clean`, `apt-get clean`, `yum clean all`.
    case cleanCache
    case other
  }

  /// One package a command names.
  struct Package: Hashable, Sendable {
    /// The name, version and architecture suffixes removed; for a word not known statically,
    /// its text (`$PHPIZE_DEPS`).
    var name: String
    var isKnown: Bool
  }

  var manager: Manager
  var action: Action
  /// The subcommand as written (`install`, `add`, `dist-upgrade`).
  var subcommand: String
  /// The option words, as written (`-y`, `--no-cache`, `--virtual=.build-deps`).
  var options: [String]
  var packages: [Package]
  /// apk's `--virtual NAME` (`-t NAME`): the packages are installed as one named group.
  var virtualGroup: String?
  var command: ShellScript.Command

  func hasOption(_ names: Set<String>) -> Bool {
    options.contains { names.contains($0) || names.contains(String($0.prefix { $0 != "=" })) }
  }

  /// The names of the tools, as the command's name.
  static let tools: [String: Manager] = [
    "apt-get": .apt, "apt": .apt, "aptitude": .apt, "apt-mark": .apt, "dpkg": .apt, "apk": .apk,
    "yum": .rpm, "dnf": .rpm, "microdnf": .rpm, "tdnf": .rpm, "rpm": .rpm,
  ]

  /// Options that take a value, by tool.
  private static let valueOptions: [Manager: Set<String>] = [
    .apt: [
      "-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release",
      "--default-release", "--host-architecture",
    ],
    .apk: [
      "-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--keys-dir",
      "--repositories-file", "--cache-dir", "--cache-max-age", "--timeout", "--wait",
    ],
    .rpm: [
      "-c", "--config", "--installroot", "--releasever", "--setopt", "--enablerepo",
      "--disablerepo", "-x", "--exclude", "--repo", "--repoid", "--disableplugin",
      "--enableplugin", "--forcearch", "--downloaddir", "--destdir", "-d", "--debuglevel", "-e",
      "--errorlevel", "--rpmverbosity",
    ],
  ]

  init?(_ command: ShellScript.Command) {
    guard let manager = Self.tools[command.name] else { return nil }
    self.manager = manager
    self.command = command
    let takesValue = Self.valueOptions[manager] ?? []
    var options: [String] = []
    var words: [ShellScript.Word] = []
    var virtualGroup: String?
    var index = 0
    let arguments = command.arguments
    while index < arguments.count {
      let word = arguments[index]
      let text = word.text
      if text.hasPrefix("-"), text.count > 1 {
        options.append(text)
        if takesValue.contains(text), index + 1 < arguments.count {
          if manager == .apk, text == "-t" || text == "--virtual" {
            virtualGroup = arguments[index + 1].text
          }
          index += 2
          continue
        }
        if manager == .apk, text.hasPrefix("--virtual=") {
          virtualGroup = String(text.dropFirst("--virtual=".count))
        }
      } else {
        words.append(word)
      }
      index += 1
    }
    self.options = options
    self.virtualGroup = virtualGroup
    // dpkg and rpm take an action option, not a subcommand.
    if command.name == "dpkg" || command.name == "rpm" {
      subcommand = ""
      let removes =
        command.name == "dpkg"
        ? options.contains { ["-r", "-P", "--purge", "--remove"].contains($0) }
        : options.contains { ["-e", "--erase"].contains($0) }
      action = removes ? .remove : .other
      packages = removes ? Self.packages(words, manager: manager) : []
      return
    }
    subcommand = words.first?.text ?? ""
    var operands = Array(words.dropFirst())
    if command.name == "apt-mark" {
      action = subcommand == "auto" ? .autoremove : .other
      packages = []
      return
    }
    // `yum group install NAME`.
    if manager == .rpm, subcommand == "group" || subcommand == "groups",
      let verb = operands.first?.text
    {
      subcommand = "group" + verb
      operands.removeFirst()
    }
    action = Self.action(of: subcommand, manager: manager)
    if manager == .apk, subcommand == "cache",
      ["clean", "purge"].contains(operands.first?.text ?? "")
    {
      action = .cleanCache
    }
    packages = Self.packages(operands, manager: manager)
  }

  private static func action(of subcommand: String, manager: Manager) -> Action {
    switch manager {
    case .apt:
      switch subcommand {
      case "update": return .refresh
      case "install", "reinstall", "build-dep": return .install
      case "remove", "purge": return .remove
      case "autoremove", "autopurge": return .autoremove
      case "upgrade", "dist-upgrade", "full-upgrade": return .upgrade
      case "clean", "autoclean": return .cleanCache
      default: return .other
      }
    case .apk:
      switch subcommand {
      case "update": return .refresh
      case "add": return .install
      case "del": return .remove
      case "upgrade": return .upgrade
      default: return .other
      }
    case .rpm:
      switch subcommand {
      case "makecache", "check-update": return .refresh
      case "install", "groupinstall", "localinstall", "reinstall": return .install
      case "remove", "erase", "groupremove", "grouperase": return .remove
      case "autoremove": return .autoremove
      case "update", "upgrade", "distro-sync", "dist-upgrade", "update-minimal", "upgrade-minimal":
        return .upgrade
      case "clean": return .cleanCache
      default: return .other
      }
    }
  }

  /// Package words as names: known words split at blanks (a variable's value), versions,
  /// releases and architectures cut; local files left out.
  private static func packages(_ words: [ShellScript.Word], manager: Manager) -> [Package] {
    var packages: [Package] = []
    for word in words {
      guard word.isKnown else {
        packages.append(Package(name: word.text, isKnown: false))
        continue
      }
      for piece in word.text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
        var name = String(piece)
        if name.hasPrefix("/") || name.hasPrefix("./") || name.hasSuffix(".deb")
          || name.hasSuffix(".rpm") || name.hasSuffix(".apk") || name.containsLiterally("://")
        {
          continue
        }
        switch manager {
        case .apk: name = String(name.prefix { !"=<>~@".contains($0) })
        case .apt: name = String(name.prefix { !"=/:".contains($0) })
        case .rpm: break
        }
        if !name.isEmpty { packages.append(Package(name: name, isKnown: true)) }
      }
    }
    return packages
  }

  /// Whether the command names a package through a word not known statically.
  var hasUnknownPackages: Bool { packages.contains { !$0.isKnown } || command.isThroughXargs }
}
