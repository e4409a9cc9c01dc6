/// What common tools read and write, by command name: the table `CommandAnalyzer` consults. A
/// tool that is not here makes its command opaque. Each entry is deliberately broad where the
/// tool's effects are (a build reads its whole folder; a system package manager writes the
/// system trees): over-stating effects only ties more steps, it never allows a wrong move.
enum Knowledge {
  typealias Word = CommandAnalyzer.Word

  /// Where system package managers put things.
  static let systemTrees = [
    "/usr", "/etc", "/var/lib", "/var/cache", "/var/log", "/lib", "/lib64", "/bin", "/sbin",
    "/opt", "/run",
  ]

  /// Applies `tool`'s effects; false when the tool is not known.
  static func apply(
    tool: String, arguments: [Word], context: inout CommandAnalyzer.Context,
    effects: inout CommandEffects
  ) -> Bool {
    let operands = arguments.filter { !$0.text.hasPrefix("-") }
    let subcommand = operands.first?.text ?? ""
    let cwd = context.workdir
    func tree(_ path: String) -> PathPattern { PathPattern(path: path, recursive: true) }
    func inCwd(_ name: String, recursive: Bool = false) -> PathPattern? {
      cwd.map { PathPattern(path: ImagePath.resolve(name, against: $0), recursive: recursive) }
    }
    func system() { effects.writes += systemTrees.map(tree) }
    func readsFolder() {
      guard let cwd else {
        return context.opaque("the working folder is not known", into: &effects)
      }
      effects.reads.append(tree(cwd))
    }
    func writesFolder() {
      guard let cwd else {
        return context.opaque("the working folder is not known", into: &effects)
      }
      effects.writes.append(tree(cwd))
    }
    func install(_ name: String, _ manifests: [String], whole: Bool = false) {
      guard let cwd else {
        context.opaque("the working folder is not known", into: &effects)
        return
      }
      effects.installs.append(
        DependencyInstall(tool: name, workdir: cwd, manifests: manifests, readsWholeFolder: whole))
      if whole {
        effects.reads.append(tree(cwd))
      } else {
        // A manifest named by a pattern reads whatever matches in the folder itself.
        for manifest in manifests {
          if manifest.containsLiterally("*") {
            effects.reads.append(tree(cwd))
          } else if let pattern = inCwd(manifest) {
            effects.reads.append(pattern)
          }
        }
      }
    }
    func paths(_ words: [Word], recursive: Bool = false) -> [PathPattern] {
      words.compactMap { word in
        guard let pattern = context.path(word, recursive: recursive) else {
          context.opaque("the path '\(word.text)' is not known statically", into: &effects)
          return nil
        }
        return pattern
      }
    }
    func value(after flags: [String]) -> Word? {
      for (index, word) in arguments.enumerated() {
        for flag in flags {
          if word.text == flag, index + 1 < arguments.count { return arguments[index + 1] }
          if flag.hasPrefix("--"), word.text.hasPrefix(flag + "=") {
            return .known(String(word.text.dropFirst(flag.count + 1)))
          }
        }
      }
      return nil
    }
    let recursiveFlag = arguments.contains {
      ["-r", "-R", "-rf", "-fr", "-a", "--recursive", "-Rf", "-rF"].contains($0.text)
        || ($0.text.hasPrefix("-") && !$0.text.hasPrefix("--") && $0.text.containsLiterally("r"))
    }

    switch tool {
    // System packages.
    case "apt-get", "apt":
      if subcommand == "update" {
        effects.refreshesPackageIndex = true
        effects.writes += [tree("/var/lib/apt"), tree("/var/cache/apt")]
      } else {
        effects.reads.append(tree("/var/lib/apt"))
        system()
      }
    case "apk":
      if subcommand == "update" {
        effects.refreshesPackageIndex = true
        effects.writes += [tree("/var/cache/apk"), tree("/lib/apk"), tree("/etc/apk")]
      } else {
        effects.reads += [tree("/etc/apk"), tree("/lib/apk")]
        system()
      }
    case "dnf", "yum", "microdnf", "zypper", "pacman", "dpkg", "rpm", "update-ca-certificates",
      "ldconfig", "locale-gen", "dpkg-reconfigure", "update-alternatives", "gem":
      system()
    case "useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod", "chpasswd":
      effects.writes += ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"].map {
        PathPattern(path: $0, recursive: false)
      }
      effects.reads += ["/etc/passwd", "/etc/group"].map { PathPattern(path: $0, recursive: false) }
      effects.writes.append(tree("/home"))

    // Language package managers.
    case "npm":
      switch subcommand {
      case "ci", "install", "i":
        let global = arguments.contains { $0.text == "-g" || $0.text == "--global" }
        if global {
          effects.writes += [tree("/usr/local/lib/node_modules"), tree("/usr/local/bin")]
        } else if operands.count > 1 {
          // Adding packages rewrites the manifests.
          effects.reads += ["package.json", "package-lock.json"].compactMap { inCwd($0) }
          effects.writes += ["package.json", "package-lock.json"].compactMap { inCwd($0) }
          effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
        } else {
          install(
            "npm \(subcommand)",
            ["package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"])
          effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
        }
        effects.writes.append(tree(context.home + "/.npm"))
      case "cache":
        effects.writes.append(tree(context.home + "/.npm"))
      case "prune", "dedupe":
        effects.reads += ["package.json", "package-lock.json"].compactMap { inCwd($0) }
        effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
      default:
        readsFolder()
        writesFolder()
      }
    case "yarn":
      if subcommand.isEmpty || subcommand == "install" {
        install("yarn install", ["package.json", "yarn.lock", ".yarnrc", ".yarnrc.yml"])
        effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
        effects.writes += [tree(context.home + "/.cache/yarn"), tree("/usr/local/share/.cache")]
      } else {
        readsFolder()
        writesFolder()
      }
    case "pnpm":
      if ["install", "i"].contains(subcommand) && operands.count == 1 {
        install(
          "pnpm install", ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"])
        effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
        effects.writes += [
          tree(context.home + "/.local/share/pnpm"), tree(context.home + "/.cache"),
        ]
      } else {
        readsFolder()
        writesFolder()
      }
    case "bun":
      if subcommand == "install", operands.count == 1 {
        install("bun install", ["package.json", "bun.lockb", "bun.lock", "bunfig.toml"])
        effects.writes += [inCwd("node_modules", recursive: true)].compactMap { $0 }
        effects.writes.append(tree(context.home + "/.bun"))
      } else {
        readsFolder()
        writesFolder()
      }
    case "pip", "pip3":
      effects.writes += pipWrites(home: context.home)
      if let found = pipInstall(arguments: arguments, operands: operands) {
        install(found.name, found.manifests, whole: found.whole)
      }
    case "python", "python3":
      if arguments.count >= 2, arguments[0].text == "-m",
        ["pip", "pip3"].contains(arguments[1].text)
      {
        let rest = Array(arguments.dropFirst(2))
        effects.writes += pipWrites(home: context.home)
        if let found = pipInstall(
          arguments: rest, operands: rest.filter { !$0.text.hasPrefix("-") })
        {
          install(found.name, found.manifests, whole: found.whole)
        }
      } else if arguments.count >= 3, arguments[0].text == "-m", arguments[1].text == "venv" {
        effects.writes += paths([arguments[2]], recursive: true)
      } else {
        return false
      }
    case "uv":
      if subcommand == "sync" {
        install(
          "uv sync", ["pyproject.toml", "uv.lock"],
          whole: !arguments.contains { $0.text == "--no-install-project" })
        effects.writes += [inCwd(".venv", recursive: true)].compactMap { $0 }
        effects.writes += [tree(context.home + "/.cache/uv"), tree("/usr/local")]
      } else if subcommand == "pip" {
        let rest = Array(arguments.drop { $0.text != "pip" }.dropFirst())
        effects.writes += pipWrites(home: context.home)
        if let found = pipInstall(
          arguments: rest, operands: rest.filter { !$0.text.hasPrefix("-") })
        {
          install(found.name, found.manifests, whole: found.whole)
        }
      } else {
        return false
      }
    case "poetry":
      guard subcommand == "install" else { return false }
      let noRoot = arguments.contains { $0.text == "--no-root" }
      install("poetry install", ["pyproject.toml", "poetry.lock"], whole: !noRoot)
      effects.writes += [tree(context.home + "/.cache/pypoetry"), tree("/usr/local")]
      effects.writes += [inCwd(".venv", recursive: true)].compactMap { $0 }
    case "pipenv":
      guard subcommand == "install" || subcommand == "sync" else { return false }
      install("pipenv \(subcommand)", ["Pipfile", "Pipfile.lock"])
      effects.writes += [
        tree(context.home + "/.cache"), tree(context.home + "/.local"), tree("/usr/local"),
      ]
    case "go":
      let gopath = context.environment["GOPATH"] ?? "/go"
      effects.writes += [tree(gopath + "/pkg/mod"), tree(context.home + "/.cache/go-build")]
      if subcommand == "mod", operands.dropFirst().first?.text == "download" {
        install("go mod download", ["go.mod", "go.sum"])
      } else {
        if ["build", "install", "test", "vet", "generate", "run"].contains(subcommand) {
          install("go \(subcommand)", ["go.mod", "go.sum"], whole: true)
        } else {
          readsFolder()
        }
        if let output = value(after: ["-o"]) {
          effects.writes += paths([output])
        } else {
          writesFolder()
        }
        effects.writes.append(tree(gopath + "/bin"))
      }
    case "cargo":
      effects.writes.append(tree(context.home + "/.cargo"))
      if subcommand == "fetch" {
        install("cargo fetch", ["Cargo.toml", "Cargo.lock"])
      } else {
        install("cargo \(subcommand)", ["Cargo.toml", "Cargo.lock"], whole: true)
        effects.writes += [inCwd("target", recursive: true)].compactMap { $0 }
        effects.writes.append(tree("/usr/local/cargo"))
      }
    case "bundle", "bundler":
      // A bare `bundle` is `bundle install`.
      guard subcommand == "install" || subcommand.isEmpty else {
        readsFolder()
        writesFolder()
        return true
      }
      install("bundle install", ["Gemfile", "Gemfile.lock", ".bundle"])
      effects.writes += [tree("/usr/local/bundle"), tree(context.home + "/.bundle")]
    case "composer":
      guard subcommand == "install" else { return false }
      let manifestsOnly =
        arguments.contains { $0.text == "--no-scripts" }
        && arguments.contains { $0.text == "--no-autoloader" }
      install("composer install", ["composer.json", "composer.lock"], whole: !manifestsOnly)
      effects.writes += [inCwd("vendor", recursive: true)].compactMap { $0 }
      effects.writes.append(tree(context.home + "/.composer"))
    case "mvn", "mvnw":
      effects.writes.append(tree(context.home + "/.m2"))
      if subcommand.hasPrefix("dependency:") {
        install("mvn \(subcommand)", ["pom.xml"])
      } else {
        install("mvn \(subcommand)", ["pom.xml"], whole: true)
        effects.writes += [inCwd("target", recursive: true)].compactMap { $0 }
      }
    case "gradle", "gradlew":
      install("gradle \(subcommand)", ["build.gradle", "build.gradle.kts"], whole: true)
      writesFolder()
      effects.writes.append(tree(context.home + "/.gradle"))
    case "dotnet":
      effects.writes.append(tree(context.home + "/.nuget"))
      if subcommand == "restore" {
        install(
          "dotnet restore",
          [
            "*.csproj", "*.fsproj", "*.vbproj", "*.sln", "NuGet.config", "Directory.Build.props",
            "Directory.Packages.props",
          ])
        effects.writes += [inCwd("obj", recursive: true)].compactMap { $0 }
      } else {
        readsFolder()
        writesFolder()
        if let output = value(after: ["-o", "--output"]) {
          effects.writes += paths([output], recursive: true)
        }
      }
    case "swift" where subcommand == "package" && operands.dropFirst().first?.text == "resolve":
      install("swift package resolve", ["Package.swift", "Package.resolved"])
      effects.writes += [inCwd(".build", recursive: true)].compactMap { $0 }
      effects.writes.append(tree(context.home + "/.cache"))
    case "make", "cmake", "ninja", "gcc", "g++", "cc", "c++", "clang", "clang++", "tsc", "webpack",
      "vite", "swift", "javac", "rustc":
      readsFolder()
      writesFolder()
      if let output = value(after: ["-o"]) { effects.writes += paths([output]) }
      if tool == "make" || tool == "cmake" || tool == "ninja",
        operands.contains(where: { $0.text == "install" })
      {
        system()
      }

    // Files.
    case "mkdir", "touch", "rm", "rmdir":
      let targets = operands.filter { !(tool == "mkdir" && $0.text.allSatisfy(\.isNumber)) }
      effects.writes += paths(targets, recursive: tool == "rm" && recursiveFlag)
    case "chmod", "chown", "chgrp":
      effects.writes += paths(Array(operands.dropFirst()), recursive: recursiveFlag)
    case "cp", "mv", "ln", "install", "rsync":
      guard let destination = operands.last, operands.count >= 2 else { return true }
      let sources = Array(operands.dropLast())
      if tool != "ln" { effects.reads += paths(sources, recursive: true) }
      if tool == "mv" { effects.writes += paths(sources, recursive: true) }
      effects.writes += paths([destination], recursive: true)
    case "cat", "head", "tail", "ls", "grep", "wc", "stat", "sha256sum", "sha1sum", "md5sum",
      "diff", "cmp", "file", "du", "find", "readlink", "realpath":
      effects.reads += paths(
        Array(tool == "grep" ? operands.dropFirst() : operands[...]), recursive: true)
    case "tee":
      effects.writes += paths(operands)
    case "sed":
      guard arguments.contains(where: { $0.text.hasPrefix("-i") }) else {
        effects.reads += paths(Array(operands.dropFirst()))
        return true
      }
      let files = paths(Array(operands.dropFirst()))
      effects.reads += files
      effects.writes += files
    case "tar", "unzip":
      if let archive = tool == "unzip" ? operands.first : value(after: ["-f", "--file"]) {
        effects.reads += paths([archive])
      }
      if let folder = value(after: ["-C", "--directory", "-d"]) {
        effects.writes += paths([folder], recursive: true)
      } else {
        writesFolder()
      }
    case "curl", "wget":
      if let output = value(after: ["-o", "--output", "-O", "--output-document"]),
        !(tool == "curl" && output.text.hasPrefix("-"))
      {
        effects.writes += paths([output])
      } else if let folder = value(after: ["-P", "--directory-prefix"]) {
        effects.writes += paths([folder], recursive: true)
      } else if tool == "wget"
        || arguments.contains(where: { $0.text == "-O" || $0.text == "--remote-name" })
      {
        writesFolder()
      }
    case "git":
      guard subcommand == "clone" else { return false }
      if operands.count >= 3 {
        effects.writes += paths([operands[2]], recursive: true)
      } else {
        writesFolder()
      }
    default:
      return false
    }
    return true
  }

  /// pip's `install`: a requirements file is an install from manifests; `.` or a path needs the
  /// folder; package names read nothing of it. Returns the install, if any.
  static func pipInstall(arguments: [Word], operands: [Word]) -> (
    name: String, manifests: [String], whole: Bool
  )? {
    guard operands.first?.text == "install" else { return nil }
    var requirements: [String] = []
    for (index, word) in arguments.enumerated()
    where ["-r", "--requirement", "-c", "--constraint"].contains(word.text)
      && index + 1 < arguments.count
    {
      requirements.append(arguments[index + 1].text)
    }
    let local = operands.dropFirst().contains { word in
      word.text == "." || word.text.hasPrefix("./") || word.text.hasPrefix("/")
        || word.text.hasPrefix("..")
    }
    if local || arguments.contains(where: { $0.text == "-e" || $0.text == "--editable" }) {
      return ("pip install", requirements, true)
    }
    return requirements.isEmpty ? nil : ("pip install -r", requirements, false)
  }

  static func pipWrites(home: String) -> [PathPattern] {
    ["/usr/local/lib", "/usr/local/bin", "/usr/lib", home + "/.cache/pip", home + "/.local"].map {
      PathPattern(path: $0, recursive: true)
    }
  }
}
