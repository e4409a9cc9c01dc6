/// PL307: a whole-system upgrade in the final image: `apt-get upgrade`, `dist-upgrade`,
/// `full-upgrade` (also with `apt`), `apk upgrade`, `yum`/`dnf`/`microdnf` `update`, `upgrade`
/// or `distro-sync`, each without package names (upgrading named packages is a deliberate pin).
/// Stages that only feed `COPY --from` are left out.
enum PackageUpgrade {
  static func check(_ scan: HygieneScan) -> [Finding] {
    var findings: [Finding] = []
    for step in scan.finalSteps {
      for command in step.script?.commands ?? [] {
        guard let package = PackageCommand(command), package.action == .upgrade,
          package.packages.isEmpty, !command.isThroughXargs
        else { continue }
        let name = "\(command.name) \(package.subcommand)"
        findings.append(
          scan.finding(
            "PL307", at: step.instruction.range,
            "'\(name)' makes the image depend on the day it is built, and once its layer is "
              + "cached it upgrades nothing: prefer a newer tag of the base image",
            subject: HygieneScan.folded(command.text)))
        break
      }
    }
    return findings
  }
}
