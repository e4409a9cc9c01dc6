#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation  // Apple platforms, where Foundation is one library
#endif

/// The few entry points the command line calls. Each takes values and returns values: no files,
/// processes, environment or printing.
package enum Planner {
  /// What `planner parse` prints.
  package enum ParseFormat: String, CaseIterable, Sendable {
    case json
    case buildkitDump = "buildkit-dump"
    /// No report: only the diagnostics of BuildKit's parser and instruction rules.
    case check
  }

  /// A report and the diagnostics that go with it.
  package struct Outcome: Sendable {
    /// What goes to standard output.
    package var report: [UInt8]
    /// What goes to standard error.
    package var diagnostics: [Diagnostic]

    package var hasErrors: Bool { diagnostics.hasErrors }
  }

  /// Parses with BuildKit's raw parser only and returns the number of instructions, or -1 for a
  /// rejected file. For benchmarks.
  package static func countInstructions(_ source: [UInt8]) -> Int {
    switch DockerfileParser(file: "Dockerfile").parse(source) {
    case .success(let tree): tree.instructions.count
    case .failure: -1
    }
  }

  /// Parses one Dockerfile and renders it in `format`. A file BuildKit rejects gives no report and
  /// one error diagnostic.
  package static func parse(_ source: [UInt8], file: String, format: ParseFormat) -> Outcome {
    let tree: SyntaxTree
    switch DockerfileParser(file: file).parse(source) {
    case .success(let parsed): tree = parsed
    case .failure(let failure): return Outcome(report: [], diagnostics: [failure.diagnostic])
    }
    switch format {
    case .buildkitDump:
      return Outcome(report: tree.dump(), diagnostics: tree.warnings)
    case .json:
      let (model, diagnostics) = ParseReport.make(tree, file: file)
      return Outcome(report: JSONOutput.encode(model), diagnostics: tree.warnings + diagnostics)
    case .check:
      let (_, diagnostics) = Dockerfile.build(from: tree, file: file)
      return Outcome(report: [], diagnostics: tree.warnings + diagnostics)
    }
  }
}

/// JSON the way every planner report writes it: sorted keys, two-space indentation, `"key": value`,
/// empty containers as `[]` and `{}`, a final newline, no escaped slashes. Same value, same bytes.
enum JSONOutput {
  static func encode(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding planner's own value types cannot fail; an empty object is the safe fallback.
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    return indent(Array(data))
  }

  /// Re-indents compact JSON text; string contents are copied unchanged.
  static func indent(_ compact: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(compact.count * 2)
    var depth = 0
    var inString = false
    var index = 0
    func newline() {
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }
    while index < compact.count {
      let byte = compact[index]
      if inString {
        out.append(byte)
        if byte == UInt8(ascii: "\\"), index + 1 < compact.count {
          out.append(compact[index + 1])
          index += 1
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        index += 1
        continue
      }
      switch byte {
      case UInt8(ascii: "\""):
        inString = true
        out.append(byte)
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        if index + 1 < compact.count, compact[index + 1] == close {
          out.append(contentsOf: [byte, close])
          index += 1
        } else {
          out.append(byte)
          depth += 1
          newline()
        }
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        newline()
        out.append(byte)
      case UInt8(ascii: ","):
        out.append(byte)
        newline()
      case UInt8(ascii: ":"):
        out.append(contentsOf: [byte, 0x20])
      default:
        out.append(byte)
      }
      index += 1
    }
    out.append(0x0A)
    return out
  }
}
