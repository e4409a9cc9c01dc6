/// PL303: a package manager's cache or index left in a layer of the final image.
///
/// - `apk add` without `--no-cache`: the index stays in /var/cache/apk. Not when the RUN removes
///   /var/cache/apk, runs `apk cache clean`, or mounts a cache there.
/// - `apt-get install` in a RUN that does not remove /var/lib/apt/lists, while lists are there:
///   fetched by an `apt-get update` of the same RUN, or of an earlier RUN that did not remove
///   them (then the fix is one RUN for update, install and removal). Not when the RUN mounts a
///   cache on /var/lib/apt or /var/cache/apt.
/// - `pip install` without `--no-cache-dir` (or an abbreviation pip accepts, `--no-cache`):
///   wheels stay in ~/.cache/pip. Not when PIP_NO_CACHE_DIR, PIP_CACHE_DIR or XDG_CACHE_HOME is
///   set, a pip.conf is written, the RUN touches a `.cache` folder or mounts one, or pip installs
///   from local files only.
///
/// Stages that only feed `COPY --from` are left out, and so is a RUN that, after the install,
/// runs a script planner cannot see (it may clean up). Adding the flag is offered as a fix when
/// it is a one-line edit.
enum PackageCacheLeft {
  static func check(_ scan: HygieneScan) -> [Finding] {
    let writesPipConfig = scan.finalSteps.contains {
      $0.instruction.original.containsLiterally("pip.conf")
    }
    var findings: [Finding] = []
    /// The line of the RUN whose apt lists are in the image so far.
    var aptLists: Int?
    for step in scan.finalSteps {
      guard case .run = step.instruction.kind else { continue }
      guard let script = step.script, script.isComplete else {
        // Whatever it does to the apt lists is not known.
        aptLists = nil
        continue
      }
      findings += apk(step, script, scan)
      findings += apt(step, script, scan, lists: &aptLists)
      if !writesPipConfig { findings += pip(step, script, scan) }
    }
    return findings
  }

  /// Whether a command after position `index` runs a script planner cannot see.
  private static func runsScript(after index: Int, in script: ShellScript) -> Bool {
    script.commands.dropFirst(index + 1).contains(where: \.runsLocalScript)
  }

  private static func apk(_ step: HygieneScan.Step, _ script: ShellScript, _ scan: HygieneScan)
    -> [Finding]
  {
    let packages = script.commands.enumerated().compactMap { index, command in
      PackageCommand(command).flatMap { $0.manager == .apk ? (index, $0) : nil }
    }
    let adds = packages.filter { $0.1.action == .install }
    let leaves = adds.map { !$0.1.hasOption(["--no-cache", "--no-network"]) }
    guard let last = zip(adds, leaves).filter(\.1).last?.0.0,
      !runsScript(after: last, in: script),
      !packages.contains(where: { $0.1.action == .cleanCache }),
      !step.text.containsLiterally("/var/cache/apk"),
      !step.text.containsLiterally("/etc/apk/cache"),
      !step.mounts(over: "/var/cache/apk"), !step.mounts(over: "/etc/apk/cache")
    else { return [] }
    let fix = LineFix.insertingFlag(
      "--no-cache", subcommand: "add", program: { $0 == "apk" || $0.hasSuffix("/apk") },
      wanted: leaves, in: scan.tree, range: step.instruction.range, file: scan.file,
      description: "add --no-cache to 'apk add'")
    let texts = zip(adds, leaves).filter(\.1).map { HygieneScan.folded($0.0.1.command.text) }
    return [
      scan.finding(
        "PL303", at: step.instruction.range,
        "'apk add' without --no-cache leaves the package index in /var/cache/apk in this layer: "
          + "use 'apk add --no-cache'",
        subject: texts.joined(separator: " && "), fix: fix)
    ]
  }

  private static func apt(
    _ step: HygieneScan.Step, _ script: ShellScript, _ scan: HygieneScan, lists: inout Int?
  ) -> [Finding] {
    let removesLists = step.text.containsLiterally("/var/lib/apt")
    let mounted = step.mounts(over: "/var/lib/apt") || step.mounts(over: "/var/cache/apt")
    let packages = script.commands.enumerated().compactMap { index, command in
      PackageCommand(command).flatMap { $0.manager == .apt ? (index, $0) : nil }
    }
    let update = packages.first { $0.1.action == .refresh }
    let install = packages.last { $0.1.action == .install || $0.1.action == .upgrade }
    let earlier = lists
    if removesLists {
      lists = nil
    } else if update != nil, !mounted {
      lists = step.line
    }
    guard let install, !removesLists, !mounted, !runsScript(after: install.0, in: script) else {
      return []
    }
    let installName = "\(install.1.command.name) \(install.1.subcommand)"
    let subject = HygieneScan.folded(install.1.command.text)
    if let update, update.0 < install.0 {
      return [
        scan.finding(
          "PL303", at: step.instruction.range,
          "'\(update.1.command.name) update' fills /var/lib/apt/lists for '\(installName)', and "
            + "this RUN leaves the lists in its layer: end the RUN with "
            + "'rm -rf /var/lib/apt/lists/*', or use a cache mount",
          subject: subject)
      ]
    }
    guard let earlier else { return [] }
    return [
      scan.finding(
        "PL303", at: step.instruction.range,
        "'\(installName)' reads the lists that line \(earlier) fetched, and no RUN removes them "
          + "from the image: update, install and 'rm -rf /var/lib/apt/lists/*' in one RUN",
        subject: subject)
    ]
  }

  private static func pip(_ step: HygieneScan.Step, _ script: ShellScript, _ scan: HygieneScan)
    -> [Finding]
  {
    let variables = ["PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "XDG_CACHE_HOME"]
    guard
      !variables.contains(where: { step.environment.isSet($0) || step.text.containsLiterally($0) }),
      !step.text.containsLiterally(".cache"), !step.text.containsLiterally("pip cache"),
      !step.text.containsLiterally("pip3 cache"),
      !step.mounts.contains(where: { mount in
        let target = mount.options?.target ?? ""
        return target.isEmpty || target.containsLiterally(".cache")
      })
    else { return [] }
    let installs = script.commands.enumerated().compactMap { index, command in
      PipInstall(command).map { (index, $0) }
    }
    let leaves = installs.map { _, install in
      // pip accepts any unambiguous abbreviation of a long option: `--no-cache`, `--no-ca`.
      let noCache = install.options.contains {
        $0.count >= "--no-ca".count && "--no-cache-dir".hasPrefix($0)
      }
      guard !noCache, !install.hasOption(["--cache-dir", "--no-index"]) else { return false }
      if install.command.assignments.keys.contains(where: variables.contains) { return false }
      // Local wheels only: nothing is downloaded, nothing cached.
      let localOnly =
        install.requirementFiles.isEmpty && !install.operands.isEmpty
        && install.operands.allSatisfy { $0.text.hasSuffix(".whl") }
      return !localOnly
    }
    guard let last = zip(installs, leaves).filter(\.1).last?.0.0,
      !runsScript(after: last, in: script)
    else { return [] }
    let fix = LineFix.insertingFlag(
      "--no-cache-dir", subcommand: "install",
      program: { PipInstall.isPip(String($0.split(separator: "/").last ?? Substring($0))) },
      wanted: leaves, in: scan.tree, range: step.instruction.range, file: scan.file,
      description: "add --no-cache-dir to 'pip install'")
    let texts = zip(installs, leaves).filter(\.1).map { HygieneScan.folded($0.0.1.command.text) }
    return [
      scan.finding(
        "PL303", at: step.instruction.range,
        "'pip install' without --no-cache-dir leaves pip's cache in this layer: use "
          + "'pip install --no-cache-dir'",
        subject: texts.joined(separator: " && "), fix: fix)
    ]
  }
}
