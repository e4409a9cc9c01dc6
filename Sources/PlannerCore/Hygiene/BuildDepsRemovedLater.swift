/// PL302: packages installed in one RUN and removed in a later RUN of the final image's stages.
///
/// The removal only hides the files: the installing layer still ships them. Reported at the
/// removing RUN, once per installing RUN, naming the packages (or the virtual group) and the
/// installing line. Stages that only feed `COPY --from` are left out: their layers do not ship.
enum BuildDepsRemovedLater {
  static func check(_ scan: HygieneScan, lifetimes: PackageLifetimes) -> [Finding] {
    var groups: [Int: [Int: [PackageLifetimes.Install]]] = [:]
    for (install, removal) in lifetimes.removedLater {
      groups[removal, default: [:]][install.step, default: []].append(install)
    }
    var findings: [Finding] = []
    for removal in groups.keys.sorted() {
      let step = scan.steps[removal]
      for (installStep, installs) in (groups[removal] ?? [:]).sorted(by: { $0.key < $1.key }) {
        let line = scan.steps[installStep].line
        let names = installs.map(\.name)
        let isGroup = installs.count == 1 && installs[0].isGroup
        let them = names.count == 1 ? "it" : "them"
        let advice =
          installs.contains { $0.manager == .apk }
          ? "install, build and remove in one RUN ('apk add --virtual \(isGroup ? names[0] : ".build-deps") … "
            + "&& apk del \(isGroup ? names[0] : ".build-deps")') or build in an earlier stage"
          : "install, build and remove in one RUN, or build in an earlier stage"
        findings.append(
          scan.finding(
            "PL302", at: step.instruction.range,
            "\(Self.list(names)) \(names.count == 1 ? "is" : "are") installed on line \(line) "
              + "and removed here, in a later RUN: the layer of line \(line) still holds \(them); "
              + advice,
            subject: names.joined(separator: " ")))
      }
    }
    return findings
  }

  /// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`.
  static func list(_ names: [String]) -> String {
    let quoted = names.map { "'\($0)'" }
    guard quoted.count > 1, let last = quoted.last else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " and " + last
  }
}
