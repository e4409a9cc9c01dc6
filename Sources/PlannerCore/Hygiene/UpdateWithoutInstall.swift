/// PL301: `apt-get update` / `apt update` / `apk update` in a RUN that installs nothing, read by
/// an install in a later RUN of the same stage (or of a stage built on it).
///
/// The update's layer is cached, so the later install reads an index from the day the layer was
/// built. Reported only when such an install exists: it is the install, not the update alone,
/// that goes stale. An install that refreshes first, and `apk add --no-cache` or `-U`, which
/// fetch their own index, read nothing stale. A RUN that may install through a script it runs
/// is left alone.
enum UpdateWithoutInstall {
  static func check(_ scan: HygieneScan) -> [Finding] {
    var findings: [Finding] = []
    for (position, step) in scan.steps.enumerated() {
      guard let script = step.script, script.isComplete else { continue }
      let commands = script.commands
      let mayInstall = commands.contains { command in
        if let package = PackageCommand(command) {
          return package.action == .install || package.action == .upgrade
        }
        return command.runsLocalScript || command.name.containsLiterally("install")
      }
      guard !mayInstall else { continue }
      var reported: Set<PackageCommand.Manager> = []
      for command in commands {
        guard let update = PackageCommand(command), update.action == .refresh,
          update.manager == .apt || update.manager == .apk, !reported.contains(update.manager),
          let reader = staleReader(of: update.manager, after: position, in: scan)
        else { continue }
        reported.insert(update.manager)
        let name = "\(command.name) update"
        findings.append(
          scan.finding(
            "PL301", at: step.instruction.range,
            "'\(name)' runs in a RUN without an install, and the install on line \(reader) "
              + "reads the index this layer cached, which may be months old: update and install "
              + "in one RUN",
            subject: step.instruction.original))
      }
    }
    return findings
  }

  /// The line of the first later RUN, in this stage or one built on it, that installs from the
  /// index the RUN at `position` fetched.
  private static func staleReader(
    of manager: PackageCommand.Manager, after position: Int, in scan: HygieneScan
  ) -> Int? {
    let stage = scan.steps[position].stage
    /// Stages that fetched the index again after this RUN.
    var refreshed: Set<Int> = []
    for step in scan.steps[(position + 1)...] {
      let ancestry = scan.ancestry(of: step.stage)
      guard ancestry.contains(stage), refreshed.isDisjoint(with: ancestry) else { continue }
      guard let script = step.script else { continue }
      for command in script.commands {
        guard let package = PackageCommand(command), package.manager == manager else { continue }
        if package.action == .refresh {
          refreshed.insert(step.stage)
          break
        }
        guard package.action == .install || package.action == .upgrade else { continue }
        if manager == .apk,
          package.hasOption(["--no-cache", "-U", "--update-cache", "--update"])
        {
          continue
        }
        return step.line
      }
    }
    return nil
  }
}
