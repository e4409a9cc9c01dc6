import Testing

@testable import PlannerCore

@Suite("Command effects")
struct CommandEffectsTests {
  static func analyze(_ command: String, workdir: String = "/app") -> CommandEffects {
    CommandAnalyzer.analyze(command, workdir: workdir)
  }

  static func paths(_ patterns: [PathPattern]) -> [String] {
    patterns.map { $0.path + ($0.recursive ? "/**" : "") }
  }

  @Test func chainsSplitAtTopLevelOperatorsOnly() {
    let parts = CommandAnalyzer.split(
      #"apt-get update && apt-get install -y curl || echo "a && b"; (cd x && make) | tee log"#)
    #expect(
      parts.map(\.text) == [
        "apt-get update", "apt-get install -y curl", #"echo "a && b""#, "(cd x && make)", "tee log",
      ])
    #expect(parts.map(\.separator) == ["&&", "||", ";", "|", ""])
    // Unbalanced input is one part.
    #expect(CommandAnalyzer.split("echo 'open && x").count == 1)
  }

  @Test func npmCiReadsItsManifestsAndWritesNodeModules() throws {
    let effects = Self.analyze("npm ci --omit=dev")
    #expect(!effects.isOpaque)
    let install = try #require(effects.installs.first)
    #expect(install.tool == "npm ci")
    #expect(install.workdir == "/app")
    #expect(install.manifests.contains("package-lock.json"))
    #expect(!install.readsWholeFolder)
    #expect(Self.paths(effects.reads).contains("/app/package.json"))
    #expect(Self.paths(effects.writes).contains("/app/node_modules/**"))
  }

  @Test func cdMovesTheWorkingFolderForTheRestOfTheChain() throws {
    let effects = Self.analyze("cd /srv/web && npm ci")
    #expect(effects.changesShellState)
    #expect(effects.installs.first?.workdir == "/srv/web")
    #expect(Self.paths(effects.reads).contains("/srv/web/package.json"))
  }

  @Test func pipInstallsFromARequirementsFileOrFromTheFolder() throws {
    let file = Self.analyze("pip install --no-cache-dir -r requirements.txt")
    #expect(file.installs.first?.manifests == ["requirements.txt"])
    #expect(file.installs.first?.readsWholeFolder == false)
    let folder = Self.analyze("pip install .")
    #expect(folder.installs.first?.readsWholeFolder == true)
    #expect(Self.paths(folder.reads).contains("/app/**"))
    // Named packages read nothing of the folder.
    let named = Self.analyze("pip install flask==3.0")
    #expect(named.installs.isEmpty)
    #expect(!named.isOpaque)
  }

  @Test func systemPackagesWriteTheSystemTreesAndUpdateIsARefresh() {
    let update = Self.analyze("apt-get update")
    #expect(update.refreshesPackageIndex)
    let install = Self.analyze("apt-get install -y --no-install-recommends curl")
    #expect(Self.paths(install.writes).contains("/usr/**"))
    #expect(Self.paths(install.reads).contains("/var/lib/apt/**"))
    // The install reads what the update wrote.
    #expect(
      update.writes.contains { written in install.reads.contains { $0.overlaps(written) } })
  }

  @Test func redirectionsReadAndWriteFiles() {
    let effects = Self.analyze("echo hi > out.txt && sort < in.txt 2>/dev/null >> /var/log/x")
    // `sort` is not known: opaque, but the redirections are still seen.
    #expect(Self.paths(effects.writes).contains("/app/out.txt"))
    #expect(effects.isOpaque)
    let known = Self.analyze("cat /etc/os-release > /tmp/os")
    #expect(!known.isOpaque)
    #expect(Self.paths(known.reads) == ["/etc/os-release/**"])
    #expect(Self.paths(known.writes) == ["/tmp/os"])
  }

  @Test func unknownCommandsAndUnknownPathsAreOpaque() {
    #expect(Self.analyze("./build.sh").isOpaque)
    #expect(Self.analyze("mkdir -p $UNKNOWN/x").isOpaque)
    #expect(
      !CommandAnalyzer.analyze("mkdir -p $DIR/x", workdir: "/", environment: ["DIR": "/opt"])
        .isOpaque)
    #expect(Self.analyze("sh -c 'mkdir -p /x && touch /x/y'").isOpaque == false)
    #expect(Self.analyze("source env.sh").isOpaque)
  }

  @Test func fileCommands() {
    #expect(Self.paths(Self.analyze("mkdir -p /data/cache").writes) == ["/data/cache"])
    #expect(
      Self.paths(Self.analyze("rm -rf /var/lib/apt/lists/*").writes) == ["/var/lib/apt/lists/**"])
    let copy = Self.analyze("cp -r assets /srv/assets")
    #expect(Self.paths(copy.reads) == ["/app/assets/**"])
    #expect(Self.paths(copy.writes) == ["/srv/assets/**"])
    #expect(
      Self.paths(Self.analyze("curl -fsSL -o /usr/local/bin/tool https://x").writes) == [
        "/usr/local/bin/tool"
      ])
  }

  @Test func quotedBlanksStayInTheWordAndGroupsKeepTheirSemicolons() {
    #expect(Self.paths(Self.analyze(#"touch "/app/my file""#).writes) == ["/app/my file"])
    #expect(
      CommandAnalyzer.split("(cd x; make) && echo done").map(\.text) == [
        "(cd x; make)", "echo done",
      ])
  }

  @Test func patternsOverlapWhenOneHoldsTheOther() {
    let tree = PathPattern(path: "/app", recursive: true)
    #expect(tree.overlaps(PathPattern(path: "/app/x", recursive: false)))
    #expect(!tree.overlaps(PathPattern(path: "/application", recursive: false)))
    #expect(
      !PathPattern(path: "/app", recursive: false).overlaps(
        PathPattern(path: "/app/x", recursive: false)))
    #expect(
      PathPattern(path: "/", recursive: true).overlaps(PathPattern(path: "/etc", recursive: false)))
  }

  @Test func arbitraryTextNeverCrashes() {
    var generator = SplitMix(state: 99)
    let alphabet = Array("ab $'\"\\;&|(){}`#\n=-/.*>< cdnpmx")
    for _ in 0..<500 {
      let length = Int(generator.next() % 40)
      let text = String(
        (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
      _ = CommandAnalyzer.analyze(text, workdir: "/w")
      _ = CommandAnalyzer.split(text)
    }
  }
}
