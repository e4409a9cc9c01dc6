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

    // The typed model never traps and the JSON model is produced.
    _ = Planner.parse(source, file: name, format: .json)
  }
}
