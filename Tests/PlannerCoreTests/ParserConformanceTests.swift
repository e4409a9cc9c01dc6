import Foundation
import Testing

@testable import PlannerCore

/// Runs BuildKit's own parser test data (`../shared/corpora/buildkit-parser`) through planner's
/// parser. Every case is compared byte for byte; a missing corpus skips with a note.
@Suite("BuildKit parser conformance")
struct ParserConformanceTests {
  static let corpusName = "buildkit-parser"
  static let corpus = SharedCorpus.corpus(corpusName)

  /// Every folder (top level and under `extra/`) that holds a `Dockerfile` and a `result`.
  static var positiveCases: [String] {
    guard let corpus else { return [] }
    var cases: [String] = []
    let fileManager = FileManager.default
    for base in ["", "extra/"] {
      let folder = corpus.appendingPathComponent(base)
      let names = (try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? []
      for name in names.sorted() {
        let path = folder.appendingPathComponent(name)
        if fileManager.fileExists(atPath: path.appendingPathComponent("result").path),
          fileManager.fileExists(atPath: path.appendingPathComponent("Dockerfile").path)
        {
          cases.append(base + name)
        }
      }
    }
    return cases
  }

  static var negativeCases: [String] {
    guard let corpus else { return [] }
    let folder = corpus.appendingPathComponent("testfiles-negative")
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  static func read(_ relativePath: String) throws -> [UInt8] {
    guard let corpus else { throw CorpusMissing() }
    return Array(try Data(contentsOf: corpus.appendingPathComponent(relativePath)))
  }

  static func json(_ relativePath: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(try read(relativePath)))
  }

  struct CorpusMissing: Error {}

  @Test func theCorpusIsPresentOrTheSkipIsSaid() {
    if Self.corpus == nil {
      print(SharedCorpus.skipNote(Self.corpusName))
    } else {
      // Upstream has 33 positive cases; the extra folder adds 5.
      #expect(Self.positiveCases.count >= 38)
      #expect(Self.negativeCases.count == 4)
    }
  }

  @Test("dumps exactly what BuildKit dumps", arguments: positiveCases)
  func dumpsExactlyWhatBuildKitDumps(caseName: String) throws {
    let source = try Self.read("\(caseName)/Dockerfile")
    let expected = try Self.read("\(caseName)/result")
    let tree = try #require(try? DockerfileParser(file: caseName).parse(source).get())
    let actual = tree.dump()
    #expect(
      String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
      "dump differs for \(caseName)")
    #expect(actual == expected)
  }

  @Test("rejects what BuildKit rejects", arguments: negativeCases)
  func rejectsWhatBuildKitRejects(caseName: String) throws {
    let source = try Self.read("testfiles-negative/\(caseName)/Dockerfile")
    let result = DockerfileParser(file: "Dockerfile").parse(source)
    guard case .failure(let failure) = result else {
      Issue.record("\(caseName) parsed, BuildKit rejects it")
      return
    }
    #expect(failure.diagnostic.severity == .error)
    let expected: [String: String] = [
      "empty_dockerfile": "file with no instructions",
      "only_comments": "file with no instructions",
      "env_no_value": "ENV must have two arguments",
      "shykes-nested-json":
        "when using JSON array syntax, arrays must be comprised of strings only",
    ]
    if let message = expected[caseName] { #expect(failure.diagnostic.message == message) }
  }

  @Test(.enabled(if: corpus != nil, "../shared/corpora/buildkit-parser is absent"))
  func instructionLinesMatchBuildKit() throws {
    let source = try Self.read("testfile-line/Dockerfile")
    let expected = try #require(
      try Self.json("testfile-line/expected-lines.json") as? [String: Any])
    let children = try #require(expected["children"] as? [[String: Any]])
    let tree = try DockerfileParser().parse(source).get()
    #expect(tree.instructions.count == children.count)
    for (node, child) in zip(tree.instructions, children) {
      #expect(node.startLine == child["start_line"] as? Int)
      #expect(node.endLine == child["end_line"] as? Int)
      #expect(String(decoding: node.value, as: UTF8.self) == child["instruction"] as? String)
    }
  }

  @Test(
    .enabled(if: corpus != nil, "../shared/corpora/buildkit-parser is absent"),
    arguments: ["extra/heredoc-extract", "extra/heredoc-json-form"])
  func heredocsMatchBuildKit(caseName: String) throws {
    let source = try Self.read("\(caseName)/Dockerfile")
    let expected = try #require(try Self.json("\(caseName)/heredocs.json") as? [String: Any])
    let instructions = try #require(expected["instructions"] as? [[String: Any]])
    let tree = try DockerfileParser().parse(source).get()
    #expect(tree.instructions.count == instructions.count)
    for (node, want) in zip(tree.instructions, instructions) {
      #expect(node.startLine == want["start_line"] as? Int)
      #expect(node.endLine == want["end_line"] as? Int)
      #expect(String(decoding: node.dump(), as: UTF8.self) == want["dump"] as? String)
      let heredocs = want["heredocs"] as? [[String: Any]] ?? []
      #expect(node.heredocs.count == heredocs.count, "line \(node.startLine)")
      for (heredoc, doc) in zip(node.heredocs, heredocs) {
        #expect(String(decoding: heredoc.name, as: UTF8.self) == doc["name"] as? String)
        #expect(Int(heredoc.fileDescriptor) == doc["fd"] as? Int)
        #expect(heredoc.expand == doc["expand"] as? Bool)
        #expect(heredoc.chomp == doc["chomp"] as? Bool)
        #expect(String(decoding: heredoc.content, as: UTF8.self) == doc["content"] as? String)
      }
    }
  }

  @Test(.enabled(if: corpus != nil, "../shared/corpora/buildkit-parser is absent"))
  func emptyContinuationLinesWarnWhereBuildKitWarns() throws {
    let source = try Self.read("extra/empty-continuation-warnings/Dockerfile")
    let expected = try #require(
      try Self.json("extra/empty-continuation-warnings/expected.json") as? [String: Any])
    let warnings = try #require(expected["warnings"] as? [[String: Any]])
    let tree = try DockerfileParser().parse(source).get()
    #expect(tree.warnings.count == warnings.count)
    for (warning, want) in zip(tree.warnings, warnings) {
      #expect(warning.range.start.line == want["line"] as? Int)
      let short = try #require(want["short"] as? String)
      #expect(warning.message == short)
    }
  }

  @Test(.enabled(if: corpus != nil, "../shared/corpora/buildkit-parser is absent"))
  func heredocWordsMatchBuildKit() throws {
    let vectors = try #require(try Self.json("extra/word-level-vectors.json") as? [String: Any])
    let parse = try #require(vectors["parse_heredoc"] as? [String: Any])
    for word in parse["valid_name_EOF"] as? [String] ?? [] {
      let result = HeredocScanner.heredoc(fromWord: Array(word.utf8))
      #expect((try? result.get())??.name == Array("EOF".utf8), "\(word)")
    }
    for word in parse["invalid_error"] as? [String] ?? [] {
      let result = HeredocScanner.heredoc(fromWord: Array(word.utf8))
      #expect((try? result.get()) == nil, "\(word) must be an error")
    }
    for word in parse["not_heredoc"] as? [String] ?? [] {
      let result = HeredocScanner.heredoc(fromWord: Array(word.utf8))
      #expect((try? result.get()) == .some(nil), "\(word) is not a heredoc")
    }
    for detail in parse["details_computed_with_upstream_parser"] as? [[String: Any]] ?? [] {
      let word = try #require(detail["input"] as? String)
      let heredoc = try #require(try HeredocScanner.heredoc(fromWord: Array(word.utf8)).get())
      #expect(String(decoding: heredoc.name, as: UTF8.self) == detail["name"] as? String)
      #expect(heredoc.expand == detail["expand"] as? Bool, "\(word)")
      #expect(heredoc.chomp == detail["chomp"] as? Bool, "\(word)")
      #expect(Int(heredoc.fileDescriptor) == detail["fd"] as? Int, "\(word)")
    }
    let fromLine = try #require(vectors["heredocs_from_line"] as? [String: Any])
    for entry in fromLine["cases"] as? [[String: Any]] ?? [] {
      let line = try #require(entry["line"] as? String)
      let names = try HeredocScanner.heredocs(inLine: Array(line.utf8)).get().map {
        String(decoding: $0.name, as: UTF8.self)
      }
      var expected = try #require(entry["names"] as? [String])
      // Upstream's table lists `EOF` here, but its test only compares the heredocs it finds, and
      // BuildKit's lexer keeps blanks after `<<` only (not after `<<-`), so this line opens none.
      if line == "RUN <<- EOF" { expected = [] }
      #expect(names == expected, "\(line)")
    }
    let words = try #require(vectors["parse_words"] as? [String: Any])
    for entry in words["cases"] as? [[String: Any]] ?? [] {
      let input = try #require(entry["input"] as? String)
      let split = LineParsers.parseWords(Array(input.utf8), escapeToken: UInt8(ascii: "\\")).map {
        String(decoding: $0, as: UTF8.self)
      }
      #expect(split == entry["words"] as? [String], "\(input)")
    }
  }
}
