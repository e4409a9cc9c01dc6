/// PL305: compilers, SDKs and git installed in the final image's stages and never removed.
///
/// Only explicit installs of build-base, alpine-sdk, gcc, g++, make, git, build-essential and
/// clang count (and `$PHPIZE_DEPS` on the official php image, which is exactly such a list),
/// alone or in a virtual group that is never deleted. Packages removed in a later RUN are PL302's,
/// not this rule's; packages a removal planner cannot match may have removed are left alone.
/// git installed with another version-control client or an SSH server, or in an image that
/// runs a tool known to work on repositories (pre-commit, Gitea, Renovate…), is taken as a
/// runtime need.
/// Development, test and CI images and toolboxes that only open a shell are not checked: they
/// are meant to hold their compilers. A tool the image's command runs is needed.
enum BuildToolsInFinalStage {
  static let tools: Set<String> = [
    "build-base", "alpine-sdk", "gcc", "g++", "make", "git", "build-essential", "clang",
  ]

  /// Version-control clients besides git: an image that installs them with git works with
  /// repositories when it runs (Redmine, Gitea, CI runners).
  static let vcsClients: Set<String> = [
    "mercurial", "subversion", "bzr", "brz", "breezy", "fossil", "cvs",
  ]

  /// Packages that, installed with git, mean the image serves or works on repositories.
  static let repositoryServers: Set<String> = [
    "openssh", "openssh-server", "openssh-client", "openssh-clients", "git-daemon", "git-lfs",
  ]

  /// Programs that run git when the image runs: an image with one of them needs git.
  static let gitUsers = [
    "pre-commit", "gitea", "gogs", "renovate", "git-sync", "gitlab-runner", "argocd", "flux",
  ]

  static func check(_ scan: HygieneScan, lifetimes: PackageLifetimes) -> [Finding] {
    guard !scan.isDevelopmentImage else { return [] }
    let (entrypoint, cmd) = scan.finalCommand
    let used = Set(
      ((entrypoint ?? []) + (cmd ?? [])).map {
        $0.split(separator: "/").last.map(String.init) ?? $0
      })
    let isPHP = scan.baseImage?.officialName == "php"
    // A program that works on repositories, in the image's command or installed by a RUN.
    let commandText = ((entrypoint ?? []) + (cmd ?? [])).joined(separator: " ").lowercased()
    let runsGitUser = gitUsers.contains { name in
      commandText.containsLiterally(name)
        || scan.steps.contains {
          scan.finalChain.contains($0.stage) && $0.text.lowercased().containsLiterally(name)
        }
    }
    var byStep: [Int: [String]] = [:]
    for install in lifetimes.remaining where !install.mayBeRemoved {
      // git next to other version-control clients serves the application's repositories.
      let siblings = Set(install.siblings)
      let servesRepositories =
        !siblings.isDisjoint(with: vcsClients) || !siblings.isDisjoint(with: repositoryServers)
        || runsGitUser
      for member in install.members where !(member == "git" && servesRepositories) {
        let isTool =
          tools.contains(member) && !used.contains(member)
          || isPHP && (member == "$PHPIZE_DEPS" || member == "${PHPIZE_DEPS}")
        if isTool, byStep[install.step]?.contains(member) != true {
          byStep[install.step, default: []].append(member)
        }
      }
    }
    return byStep.keys.sorted().map { position in
      let names = byStep[position] ?? []
      let step = scan.steps[position]
      let stay = names.count == 1 ? "stays" : "stay"
      let phpize =
        names.contains { $0.containsLiterally("PHPIZE_DEPS") }
        ? " ($PHPIZE_DEPS is autoconf, gcc, make…)" : ""
      return scan.finding(
        "PL305", at: step.instruction.range,
        "\(BuildDepsRemovedLater.list(names)) \(stay) in the final image\(phpize): installed "
          + "here and never removed; build in an earlier stage and copy the result, or remove "
          + "\(names.count == 1 ? "it" : "them") in this RUN",
        subject: names.joined(separator: " "))
    }
  }
}
