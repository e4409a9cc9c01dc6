/// Merges two adjacent RUNs into one, where that keeps the image and costs no cache:
///
/// - `apt-get update` (or `apk update`) alone, then the install: one layer, so the index the
///   install reads is never an old one taken from the cache (PL104).
///   ```
///   RUN apt-get update                        RUN apt-get update && \
///   RUN apt-get install -y curl        →          apt-get install -y curl
///   ```
/// - two RUNs that re-ran in exactly the same commits of the replay: one layer fewer, and no
///   commit rebuilds more (PL103).
///
/// It never merges across a change of shell state (`cd`, `export`, `source`, `set`…), an
/// exec-form RUN, a RUN with flags or here-documents, a command with a `#` (a comment would
/// swallow what follows), a chain with `;`, `||` or `|` in the first RUN (`&&` would bind
/// differently), or a second RUN with comments of its own.
enum RunMerge {
  struct Merge: Hashable, Sendable {
    var id: String
    var firstLine: Int
    var secondLine: Int
    var reason: String
  }

  /// Pairs of adjacent RUNs that may be merged. `sameRebuilds(first, second)` says whether two
  /// steps (by stage and line) re-ran in the same commits.
  static func find(
    in tree: SyntaxTree, dockerfile: Dockerfile, sameRebuilds: (Int, Int, Int) -> Bool
  ) -> [Merge] {
    var merges: [Merge] = []
    let comments = Dictionary(
      tree.layout.placements.map { ($0.range.start.line, $0.comments) },
      uniquingKeysWith: { a, _ in a })
    for stage in dockerfile.stages {
      var used: Set<Int> = []
      for (first, second) in zip(stage.instructions, stage.instructions.dropFirst()) {
        guard case .run(let a) = first.kind, case .run(let b) = second.kind,
          !used.contains(first.range.start.line),
          mergeable(first, a), mergeable(second, b),
          (comments[second.range.start.line] ?? []).isEmpty,
          let commandA = a.command.arguments.first, let commandB = b.command.arguments.first
        else { continue }
        // Only blank space between them: nothing to lose when the second one goes.
        guard
          let placementA = tree.layout.placements.first(where: {
            $0.range.start.line == first.range.start.line
          }),
          let placementB = tree.layout.placements.first(where: {
            $0.range.start.line == second.range.start.line
          }),
          tree.source[placementA.text.upperBound..<placementB.text.lowerBound].allSatisfy({
            $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D
          })
        else { continue }
        let partsA = CommandAnalyzer.split(commandA)
        guard partsA.dropLast().allSatisfy({ $0.separator == "&&" }),
          !CommandAnalyzer.analyze(commandA, workdir: "/").changesShellState
        else { continue }
        let lineA = first.range.start.line
        let lineB = second.range.start.line
        let refreshOnly =
          partsA.allSatisfy { part in
            CommandAnalyzer.analyze(part.text, workdir: "/").refreshesPackageIndex
          }
        let installs =
          CommandAnalyzer.split(commandB).first.map { part in
            let words = part.text.split(separator: " ")
            return words.count >= 2
              && ((words[0] == "apt-get" || words[0] == "apt") && words[1] == "install"
                || words[0] == "apk" && words[1] == "add")
          } ?? false
        if refreshOnly, installs {
          merges.append(
            Merge(
              id: "PL104", firstLine: lineA, secondLine: lineB,
              reason:
                "refresh the package index in the same RUN as the install, so that the install never uses an index taken from the cache"
            ))
          used.insert(lineB)
        } else if sameRebuilds(stage.index, lineA, lineB) {
          merges.append(
            Merge(
              id: "PL103", firstLine: lineA, secondLine: lineB,
              reason: "these two RUNs always re-run together: one layer instead of two"))
          used.insert(lineB)
        }
      }
    }
    return merges
  }

  static func mergeable(_ instruction: Instruction, _ run: Instruction.Run) -> Bool {
    !run.command.isExecForm && run.command.heredocs.isEmpty && instruction.flags.isEmpty
      && !(run.command.arguments.first ?? "#").containsLiterally("#")
  }

  /// The file with each merge applied: the first RUN's text becomes both commands joined by
  /// `&&` on a continuation line, and the second RUN (with the blank space before it) goes.
  static func apply(_ merges: [Merge], to tree: SyntaxTree) -> [UInt8] {
    let source = tree.source
    let placements = tree.layout.placements
    let lineEnding = tree.lineEnding
    let escape = tree.escapeToken
    var edits: [(range: Range<Int>, bytes: [UInt8])] = []
    for merge in merges {
      guard let first = placements.firstIndex(where: { $0.range.start.line == merge.firstLine }),
        first + 1 < placements.count,
        placements[first + 1].range.start.line == merge.secondLine
      else { continue }
      let a = placements[first]
      let b = placements[first + 1]
      let commandB = Array(source[b.text]).drop { $0 != 0x20 && $0 != 0x09 }.drop {
        $0 == 0x20 || $0 == 0x09
      }
      var merged = Array(source[a.text])
      merged += Array(" && ".utf8) + [escape] + lineEnding + Array("    ".utf8) + commandB
      edits.append((a.text.lowerBound..<b.text.upperBound, merged))
    }
    return tree.replacing(edits)
  }
}
