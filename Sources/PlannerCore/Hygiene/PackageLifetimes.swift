/// Follows the system packages installed in the final image's stages, RUN after RUN: which are
/// removed in the RUN that installed them, which in a later RUN, and which stay.
///
/// A package is tracked by name, a virtual group (`apk add --virtual .build-deps …`) by the
/// group's name only (apk removes the group, not its members one by one), and a package word
/// that is not known statically (`$BUILD_DEPS`) by its text, so that the same word in a later
/// `apk del` matches it. A removal planner cannot match exactly (`apt-mark auto` before an
/// autoremove, a variable it does not know, a script it cannot see) reports nothing, but the
/// packages it may have removed are no longer said to stay. A plain `apt-get autoremove` removes
/// only packages nobody asked for by name, so it changes nothing here.
struct PackageLifetimes {
  /// One install of a package or a group.
  struct Install: Hashable {
    var manager: PackageCommand.Manager
    /// The package, group or variable name.
    var name: String
    /// The packages it brings: the group's members, or the package itself.
    var members: [String]
    /// A virtual group (`apk add --virtual NAME`).
    var isGroup = false
    /// Every package the same command installed.
    var siblings: [String] = []
    /// The position of its RUN among the scan's steps.
    var step: Int
    /// Set when a removal planner cannot match may have removed it.
    var mayBeRemoved = false
  }

  /// Installs removed in a later RUN, with the position of the removing RUN.
  var removedLater: [(install: Install, removal: Int)] = []
  /// Installs never removed, in install order.
  var remaining: [Install] = []

  init(_ scan: HygieneScan) {
    var live: [String: Install] = [:]
    var order: [String] = []
    func key(_ manager: PackageCommand.Manager, _ name: String) -> String {
      "\(manager.rawValue):\(name)"
    }
    func markAll(_ manager: PackageCommand.Manager?) {
      for (name, install) in live where manager == nil || install.manager == manager {
        live[name]?.mayBeRemoved = true
      }
    }
    for (position, step) in scan.steps.enumerated() where scan.finalChain.contains(step.stage) {
      guard case .run = step.instruction.kind else { continue }
      let words = step.words
      guard let script = step.script, script.isComplete else {
        for manager in PackageCommand.Manager.allCases where Self.mayRemove(manager, words) {
          markAll(manager)
        }
        continue
      }
      var removers: Set<PackageCommand.Manager> = []
      // The official images' idiom: `savedAptMark="$(apt-mark showmanual)"` first, then
      // `apt-mark auto '.*'; apt-mark manual $savedAptMark; apt-get purge --auto-remove`, which
      // removes what this RUN installed and keeps what earlier RUNs did.
      let restoresManual =
        step.text.containsLiterally("apt-mark showmanual") && words.contains("manual")
      for command in script.commands {
        guard let package = PackageCommand(command) else {
          // A script of its own may remove packages; a setup script piped from a download
          // installs, and so does a vendor's installer (`newrelic-install install`).
          if command.runsLocalScript, !command.readsScriptFromInput, !command.isInstaller {
            markAll(nil)
          }
          continue
        }
        let manager = package.manager
        switch package.action {
        case .install:
          if let group = package.virtualGroup {
            let name = key(manager, group)
            if live[name] == nil {
              live[name] = Install(
                manager: manager, name: group, members: package.packages.map(\.name),
                isGroup: true, siblings: package.packages.map(\.name), step: position)
              order.append(name)
            }
            continue
          }
          for member in package.packages {
            let name = key(manager, member.name)
            guard live[name] == nil else { continue }
            live[name] = Install(
              manager: manager, name: member.name, members: [member.name],
              siblings: package.packages.map(\.name), step: position)
            order.append(name)
          }
        case .remove:
          removers.insert(manager)
          for member in package.packages {
            let name = key(manager, member.name)
            guard let install = live.removeValue(forKey: name) else {
              if !member.isKnown { markAll(manager) }
              continue
            }
            if install.step != position { removedLater.append((install, position)) }
          }
          if package.command.isThroughXargs { markAll(manager) }
        case .autoremove:
          // `apt-get autoremove` and `yum autoremove` keep what was installed by name, unless
          // `apt-mark auto` marked it removable first.
          removers.insert(manager)
          guard command.name == "apt-mark" else { continue }
          if restoresManual {
            for (name, install) in live where install.manager == .apt && install.step == position {
              live[name] = nil
            }
          } else {
            markAll(manager)
          }
        case .refresh, .upgrade, .cleanCache, .other:
          break
        }
      }
      // A removal written in a way the reading missed (inside `case`, through a variable…).
      for manager in PackageCommand.Manager.allCases
      where !removers.contains(manager) && Self.mayRemove(manager, words) {
        markAll(manager)
      }
    }
    remaining = order.compactMap { live[$0] }
  }

  /// Whether the words of a RUN may remove packages of `manager`.
  static func mayRemove(_ manager: PackageCommand.Manager, _ words: Set<String>) -> Bool {
    switch manager {
    case .apk:
      return words.contains("apk") && words.contains("del")
    case .apt:
      return !words.isDisjoint(with: aptTools) && !words.isDisjoint(with: aptRemovals)
    case .rpm:
      return !words.isDisjoint(with: rpmTools) && !words.isDisjoint(with: rpmRemovals)
    }
  }

  private static let aptTools: Set<String> = ["apt-get", "apt", "aptitude", "dpkg", "apt-mark"]
  /// Short options such as dpkg's `-r` are left out: `rm -r` and `set -e` use them too.
  private static let aptRemovals: Set<String> = [
    "remove", "purge", "autoremove", "autopurge", "auto", "--purge", "--remove",
  ]
  private static let rpmTools: Set<String> = ["yum", "dnf", "microdnf", "tdnf", "rpm"]
  private static let rpmRemovals: Set<String> = [
    "remove", "erase", "autoremove", "--erase", "history",
  ]
}
