import Foundation
import Testing

@testable import PlannerCore

/// Relations BuildKit's parser guarantees between a file and a variant of it, checked on every
/// Dockerfile we can find: the upstream corpus, the Examples, and any folder named by
/// `PLANNER_EXTRA_DOCKERFILES` (for running over real repositories' files that are not committed).
///
/// - CRLF line endings give the same dump and the same lines;
/// - lower-case keywords give the same dump;
/// - a comment line inserted inside a continuation gives the same dump, one more end line;
/// - a `# syntax=` directive prepended gives the same dump, every line one further down;
/// - `# escape=\`` with every continuation backslash turned into a backtick gives the same dump,
///   for files whose only backslashes are continuations and that have no backtick;
/// - a heredoc RUN appended adds exactly `(run "<<EOF")`, and its body is read verbatim;
/// - the layout renders the file back byte for byte.
@Suite("Parser metamorphic relations")
struct MetamorphicParserTests {
  /// Every Dockerfile the relations run on: (name, bytes).
  static let inputs: [String] = {
    var paths: [String] = []
    let fileManager = FileManager.default
    func collect(_ root: URL, where accept: (String) -> Bool) {
      guard let enumerator = fileManager.enumerator(atPath: root.path) else { return }
      while let relative = enumerator.nextObject() as? String {
        let url = root.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory),
          !isDirectory.boolValue,
          accept((relative as NSString).lastPathComponent)
        {
          paths.append(url.path)
        }
      }
    }
    if let corpus = SharedCorpus.corpus("buildkit-parser") {
      collect(corpus) { $0 == "Dockerfile" }
    }
    collect(SharedCorpus.repositoryRoot.appendingPathComponent("Examples")) { $0 == "Dockerfile" }
    if let extra = ProcessInfo.processInfo.environment["PLANNER_EXTRA_DOCKERFILES"] {
      collect(URL(fileURLWithPath: extra)) { !$0.hasSuffix(".tsv") }
    }
    return paths.sorted()
  }()

  static func parse(_ bytes: [UInt8]) -> SyntaxTree? {
    try? DockerfileParser().parse(bytes).get()
  }

  /// The file with each continuation backslash (a `\\` followed only by blanks before the line
  /// end) replaced by a backtick; nil when the file has any other backslash.
  static func backtickContinuations(_ source: [UInt8]) -> [UInt8]? {
    var out = source
    for (index, byte) in source.enumerated() where byte == UInt8(ascii: "\\") {
      var next = index + 1
      while next < source.count, source[next] == 0x20 || source[next] == 0x09 { next += 1 }
      guard next == source.count || source[next] == 0x0A || source[next] == 0x0D,
        index == 0 || source[index - 1] != UInt8(ascii: "\\")
      else { return nil }
      out[index] = UInt8(ascii: "`")
    }
    return out
  }

  static func lines(_ tree: SyntaxTree) -> [[Int]] {
    tree.instructions.map { [$0.startLine, $0.endLine] }
  }

  @Test("holds on every known Dockerfile", arguments: inputs)
  func relationsHold(path: String) throws {
    let source = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    guard let tree = Self.parse(source) else { return }  // rejected files have nothing to compare
    let dump = tree.dump()
    let name = (path as NSString).lastPathComponent

    #expect(tree.layout.render(source) == source, "round trip: \(name)")

    // CRLF: every LF that is not already preceded by CR gets one.
    var crlf: [UInt8] = []
    crlf.reserveCapacity(source.count + source.count / 20)
    for (index, byte) in source.enumerated() {
      if byte == 0x0A, index == 0 || source[index - 1] != 0x0D { crlf.append(0x0D) }
      crlf.append(byte)
    }
    let crlfTree = try #require(Self.parse(crlf), "CRLF variant rejected: \(name)")
    #expect(crlfTree.dump() == dump, "CRLF changes the dump: \(name)")
    #expect(Self.lines(crlfTree) == Self.lines(tree), "CRLF changes lines: \(name)")

    // Lower-case keywords, at the start of each instruction's text.
    var lower = source
    for placement in tree.layout.placements {
      var index = placement.text.lowerBound
      while index < placement.text.upperBound, !LineParsers.isASCIIBlank(lower[index]),
        lower[index] != 0x0A
      {
        if (0x41...0x5A).contains(lower[index]) { lower[index] += 32 }
        index += 1
      }
    }
    let lowerTree = try #require(Self.parse(lower), "lower-case variant rejected: \(name)")
    #expect(lowerTree.dump() == dump, "lower-case keywords change the dump: \(name)")

    // A comment line after the first line of the first continued instruction without heredocs.
    if let node = tree.instructions.first(where: {
      $0.endLine > $0.startLine && $0.heredocs.isEmpty
    }) {
      let insertAt = tree.byteRange(ofLine: node.startLine).upperBound
      var commented = source
      commented.insert(contentsOf: Array("# planner: inserted comment\n".utf8), at: insertAt)
      let commentedTree = try #require(Self.parse(commented), "commented variant rejected: \(name)")
      #expect(
        commentedTree.dump() == dump, "a comment inside a continuation changes the dump: \(name)")
    }

    // A syntax directive on a new first line, when the file has no directive.
    if tree.directives.isEmpty, !source.starts(with: [0xEF, 0xBB, 0xBF]) {
      let directed = Array("# syntax=docker/dockerfile:1\n".utf8) + source
      let directedTree = try #require(Self.parse(directed), "directive variant rejected: \(name)")
      #expect(directedTree.dump() == dump, "a syntax directive changes the dump: \(name)")
      #expect(
        Self.lines(directedTree) == Self.lines(tree).map { $0.map { $0 + 1 } }, "lines: \(name)")
    }

    // The backtick escape character, where the file's backslashes are all continuations.
    if tree.directives.isEmpty, !source.contains(UInt8(ascii: "`")),
      let backticked = Self.backtickContinuations(source)
    {
      let escaped = Array("# escape=`\n".utf8) + backticked
      let escapedTree = try #require(Self.parse(escaped), "backtick variant rejected: \(name)")
      #expect(escapedTree.dump() == dump, "the backtick escape changes the dump: \(name)")
    }

    // A heredoc RUN appended at the end.
    let body = "echo 'from a heredoc' \\\n# not a comment here\n"
    var appended = source
    if let last = appended.last, last != 0x0A { appended.append(0x0A) }
    appended += Array("RUN <<EOF\n\(body)EOF\n".utf8)
    let endsInContinuation =
      source.last(where: { ![0x0A, 0x0D, 0x20, 0x09].contains($0) }) == tree.escapeToken
    if !endsInContinuation, let appendedTree = Self.parse(appended) {
      #expect(appendedTree.dump() == dump + Array("(run \"<<EOF\")\n".utf8), "heredoc: \(name)")
      #expect(appendedTree.instructions.last?.heredocs.first?.content == Array(body.utf8))
    }

    // The typed model never traps and the JSON model is produced.
    _ = Planner.parse(source, file: name, format: .json)
  }
}
