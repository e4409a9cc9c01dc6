/// Splits a RUN chain whose first commands do not read anything the COPYs before it write, so
/// that the stable part can move above a volatile COPY (the order search decides whether it
/// does):
/// ```
/// COPY . /app                                  COPY . /app
/// RUN apt-get update && apt-get install -y  →  RUN apt-get update && apt-get install -y make
///     make && make -C /app                     RUN make -C /app
/// ```
/// Only `&&` chains are split, and never after a command that changes shell state (`cd`,
/// `export`…); exec form, flags, here-documents and commands with a `#` are left alone. A split
/// that saves nothing once the stage is reordered is dropped by the caller.
enum RunSplit {
  struct Split: Hashable, Sendable {
    var line: Int
    /// The keyword as written, and the commands of each of the two RUNs.
    var keyword: String
    var first: [String]
    var second: [String]
  }

  static func find(in dockerfile: Dockerfile, items: [[StageItem]]) -> [Split] {
    var splits: [Split] = []
    for stageItems in items {
      var written = PathSet([])
      var copied: [PathPattern] = []
      for item in stageItems {
        switch item.instruction.kind {
        case .copy, .add:
          copied += item.writes.map(\.pattern)
          written = PathSet(copied)
        case .run(let run):
          guard !copied.isEmpty, !run.command.isExecForm, run.command.heredocs.isEmpty,
            item.instruction.flags.isEmpty, let command = run.command.arguments.first,
            !command.containsLiterally("#")
          else { continue }
          let parts = CommandAnalyzer.split(command)
          guard parts.count > 1, parts.dropLast().allSatisfy({ $0.separator == "&&" }) else {
            continue
          }
          let workdir = item.workdir
          var cut = 0
          for part in parts {
            let effects = CommandAnalyzer.analyze(part.text, workdir: workdir)
            guard !effects.isOpaque, !effects.changesShellState,
              !PathSet(effects.reads).intersects(written)
            else { break }
            cut += 1
          }
          guard cut > 0, cut < parts.count else { continue }
          splits.append(
            Split(
              line: item.instruction.range.start.line, keyword: item.instruction.keyword,
              first: parts[..<cut].map(\.text), second: parts[cut...].map(\.text)))
        default:
          continue
        }
      }
    }
    return splits
  }

  /// The file with each split RUN replaced by its two RUNs, on consecutive lines with its
  /// indentation.
  static func apply(_ splits: [Split], to tree: SyntaxTree) -> [UInt8] {
    let lineEnding = tree.lineEnding
    var edits: [(range: Range<Int>, bytes: [UInt8])] = []
    for split in splits {
      guard
        let placement = tree.layout.placements.first(where: { $0.range.start.line == split.line })
      else { continue }
      let indentation = tree.indentation(of: placement)
      // One command a line, as a long chain is usually written.
      let separator =
        Array(" && ".utf8) + [tree.escapeToken] + lineEnding + indentation
        + Array("    ".utf8)
      func run(_ commands: [String]) -> [UInt8] {
        Array((split.keyword + " ").utf8)
          + Array(commands.map { Array($0.utf8) }.joined(separator: separator))
      }
      edits.append(
        (placement.text, run(split.first) + lineEnding + indentation + run(split.second)))
    }
    return tree.replacing(edits)
  }
}
