import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

@Suite("Dockerfile rewrite")
struct DockerfileRewriteTests {
  static func tree(_ text: String) throws -> SyntaxTree {
    try DockerfileParser().parse(text).get()
  }

  /// `text` rendered in `order`.
  static func render(_ text: String, _ order: [DockerfileRewrite.Piece]) throws -> String {
    String(decoding: DockerfileRewrite.render(try tree(text), order: order), as: UTF8.self)
  }

  static func identity(_ tree: SyntaxTree) -> [DockerfileRewrite.Piece] {
    tree.instructions.indices.map { .original($0) }
  }

  // MARK: - The identity order

  @Test(arguments: [
    "FROM a\nRUN b\n",
    "FROM a\r\n\r\n# c\r\nRUN b\r\n",
    "FROM a\nRUN b",
    "\u{FEFF}# syntax=docker/dockerfile:1\n\n# base\nFROM a\n  RUN b \\\n  # inner\n  c\n",
    "\u{FEFF}FROM a\nCOPY <<EOF /x\nbody\nEOF\n\n# end",
    "# escape=`\nFROM a\nRUN b `\n  c\n\n\n",
    "  \n\t# detached\n\n   # attached\n   FROM a\n\r\n",
  ])
  func theIdentityOrderGivesTheSourceBack(text: String) throws {
    let tree = try Self.tree(text)
    #expect(DockerfileRewrite.render(tree, order: Self.identity(tree)) == Array(text.utf8))
  }

  /// Every Dockerfile under Examples/ and, when present, in the BuildKit parser corpus.
  static let dockerfiles: [String] = {
    var paths: [String] = []
    let fileManager = FileManager.default
    func collect(_ root: URL) {
      guard let enumerator = fileManager.enumerator(atPath: root.path) else { return }
      while let relative = enumerator.nextObject() as? String {
        if (relative as NSString).lastPathComponent == "Dockerfile" {
          paths.append(root.appendingPathComponent(relative).path)
        }
      }
    }
    collect(SharedCorpus.repositoryRoot.appendingPathComponent("Examples"))
    if let corpus = SharedCorpus.corpus("buildkit-parser") { collect(corpus) }
    return paths.sorted()
  }()

  @Test func theExamplesAndTheCorpusAreFound() {
    #expect(Self.dockerfiles.contains { $0.hasSuffix("Examples/node-app/Dockerfile") })
    if SharedCorpus.corpus("buildkit-parser") == nil {
      print(SharedCorpus.skipNote("buildkit-parser"))
    } else {
      #expect(Self.dockerfiles.count > 30)
    }
  }

  @Test("renders every known Dockerfile back byte for byte", arguments: dockerfiles)
  func rendersKnownDockerfilesBack(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    // Files BuildKit rejects (the corpus keeps a few) have nothing to rewrite.
    guard case .success(let tree) = DockerfileParser().parse(bytes) else { return }
    #expect(DockerfileRewrite.render(tree, order: Self.identity(tree)) == bytes)
    // Reversed twice is the identity again, through a file that really moved; except when the
    // last instruction ends in a continuation at the end of the file, which would swallow the
    // next line wherever it went.
    guard let last = tree.layout.placements.last,
      bytes[last.text].last(where: { $0 != 0x20 && $0 != 0x09 }) != tree.escapeToken
    else { return }
    let reversed = DockerfileRewrite.render(
      tree, order: Array(Self.identity(tree).reversed()))
    let back = try DockerfileParser().parse(reversed).get()
    #expect(back.instructions.count == tree.instructions.count)
    #expect(DockerfileRewrite.render(back, order: Array(Self.identity(back).reversed())) == bytes)
  }

  // MARK: - Moving instructions

  @Test func swappingTwoInstructionsMovesTheirCommentsAndKeepsBlankLines() throws {
    let source = """
      # syntax=docker/dockerfile:1

      # base
      FROM node:22
      WORKDIR /app

      # sources
      COPY . .
      # dependencies
      # (cached)
      RUN npm ci

      CMD ["node", "app.js"]

      """
    let expected = """
      # syntax=docker/dockerfile:1

      # base
      FROM node:22
      WORKDIR /app

      # dependencies
      # (cached)
      RUN npm ci
      # sources
      COPY . .

      CMD ["node", "app.js"]

      """
    #expect(
      try Self.render(
        source, [.original(0), .original(1), .original(3), .original(2), .original(4)])
        == expected)
  }

  @Test func aDetachedCommentStaysInItsSlot() throws {
    let source = "FROM a\n# about the stage\n\n# x\nRUN x\nRUN y\n"
    #expect(
      try Self.render(source, [.original(0), .original(2), .original(1)])
        == "FROM a\n# about the stage\n\nRUN y\n# x\nRUN x\n")
  }

  @Test func anInstructionTakesItsIndentationAlong() throws {
    let source = "FROM a\n  # x\n  RUN x\nRUN y\n"
    #expect(
      try Self.render(source, [.original(0), .original(2), .original(1)])
        == "FROM a\nRUN y\n  # x\n  RUN x\n")
  }

  @Test func crlfLinesKeepTheirEndingsAndInsertedTextGetsThem() throws {
    let source = "FROM a\r\n\r\n# x\r\nRUN x\r\nRUN y\r\n"
    #expect(
      try Self.render(source, [.original(0), .original(2), .original(1)])
        == "FROM a\r\n\r\nRUN y\r\n# x\r\nRUN x\r\n")
    #expect(
      try Self.render(source, [.original(0), .inserted("RUN x \\\n  && y")])
        == "FROM a\r\n\r\nRUN x \\\r\n  && y\r\n")
  }

  @Test func aFileWithoutAFinalNewlineStillEndsWithoutOne() throws {
    let source = "FROM a\nRUN x\nRUN y"
    #expect(
      try Self.render(source, [.original(0), .original(2), .original(1)]) == "FROM a\nRUN y\nRUN x")
    #expect(
      try Self.render(source, [.original(0), .inserted("RUN x && y")]) == "FROM a\nRUN x && y")
    #expect(
      try Self.render(
        source, [.original(0), .original(1), .inserted("RUN y1"), .inserted("RUN y2")])
        == "FROM a\nRUN x\nRUN y1\nRUN y2")
  }

  @Test func theByteOrderMarkAndTheDirectivesStayOnTop() throws {
    let directive = "\u{FEFF}# syntax=docker/dockerfile:1\n# first\nFROM a\n# second\nRUN b\n"
    #expect(
      try Self.render(directive, [.original(1), .original(0)])
        == "\u{FEFF}# syntax=docker/dockerfile:1\n# second\nRUN b\n# first\nFROM a\n")
    let bare = "\u{FEFF}  FROM a\n# second\nRUN b\n"
    #expect(
      try Self.render(bare, [.original(1), .original(0)])
        == "\u{FEFF}# second\nRUN b\n  FROM a\n")
    #expect(
      try Self.render(bare, [.inserted("FROM c"), .original(1)])
        == "\u{FEFF}  FROM c\n# second\nRUN b\n")
  }

  @Test func aHeredocMovesWhole() throws {
    let source = "FROM a\nCOPY <<EOF /x\nline\nEOF\nRUN b\n"
    #expect(
      try Self.render(source, [.original(0), .original(2), .original(1)])
        == "FROM a\nRUN b\nCOPY <<EOF /x\nline\nEOF\n")
  }

  // MARK: - Merges and splits

  @Test func aMergeLeavesTheSpareSlotsTriviaWithoutDoubledBlankLines() throws {
    let source = """
      FROM a

      RUN x

      # about y
      RUN y

      RUN z

      # the end

      """
    #expect(
      try Self.render(source, [.original(0), .inserted("RUN x && y && z")])
        == "FROM a\n\nRUN x && y && z\n\n# the end\n")
    let grouped = "FROM a\nRUN x\nRUN y\n\nCOPY . .\n"
    #expect(
      try Self.render(grouped, [.original(0), .inserted("RUN x && y"), .original(3)])
        == "FROM a\nRUN x && y\nCOPY . .\n")
    let last = "FROM a\n\nRUN x\n\nRUN y\n"
    #expect(
      try Self.render(last, [.original(0), .inserted("RUN x && y")]) == "FROM a\n\nRUN x && y\n")
    let detached = "FROM a\nRUN x\n\n# keep me\n\nRUN y\n"
    #expect(
      try Self.render(detached, [.original(0), .inserted("RUN x && y")])
        == "FROM a\nRUN x && y\n\n# keep me\n")
  }

  @Test func aSplitPutsTheExtraPiecesOnTheirOwnLines() throws {
    let source = "FROM a\n  RUN x && y\n\n# end\n"
    #expect(
      try Self.render(source, [.original(0), .inserted("RUN x"), .inserted("RUN y")])
        == "FROM a\n  RUN x\n  RUN y\n\n# end\n")
    let moved = "FROM a\n# x\nRUN x\n"
    #expect(
      try Self.render(moved, [.inserted("FROM b"), .original(1), .original(0)])
        == "FROM b\n# x\nRUN x\nFROM a\n")
  }

  @Test func anIndexOutsideTheFileIsIgnored() throws {
    let source = "FROM a\nRUN x\n"
    #expect(try Self.render(source, [.original(0), .original(7), .original(1)]) == source)
    #expect(try Self.render(source, [.original(-1), .original(0), .original(1)]) == source)
  }

  // MARK: - Any permutation

  static let instructions = [
    "FROM alpine AS base", "RUN echo hi", "RUN apt-get update \\\n  && apt-get install -y curl",
    "COPY . /src", "ENV A=1 B=2", "WORKDIR /app", "COPY <<EOF /etc/x\nline one\n  EOF\nEOF",
    "RUN <<-EOT sh\n\techo hi\n\tEOT", "ARG VERSION=1", "CMD [\"node\", \"app.js\"]",
    "LABEL a=b \\\n    # inside\n    c=d", "RUN a \\\n\n  b", "USER node",
  ]

  /// One instruction with what may precede it.
  struct Block {
    var blankLines: Int
    var hasDetachedComment: Bool
    var attachedComments: Int
    var indentation: String
    var instruction: Int
  }

  /// The whole file and the keys a permutation is sorted by.
  struct Case {
    var blocks: [Block]
    var lineEnding: String
    var hasFinalNewline: Bool
    var hasByteOrderMark: Bool
    var hasDirective: Bool
    var trailing: String
    var keys: [Int]

    var text: String {
      var lines: [String] = []
      if hasDirective { lines.append("# syntax=docker/dockerfile:1") }
      for (index, block) in blocks.enumerated() {
        lines += Array(repeating: "", count: block.blankLines)
        if block.hasDetachedComment { lines += ["# detached \(index)", ""] }
        for comment in 0..<block.attachedComments {
          lines.append("\(block.indentation)# note \(index).\(comment)")
        }
        lines.append(block.indentation + DockerfileRewriteTests.instructions[block.instruction])
      }
      var text = lines.joined(separator: "\n") + (hasFinalNewline ? "\n" : "") + trailing
      text = text.replacingOccurrences(of: "\n", with: lineEnding)
      return (hasByteOrderMark ? "\u{FEFF}" : "") + text
    }

    var permutation: [Int] {
      blocks.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    }
  }

  static let block = zip(
    Gen.int(in: 0...2), Gen.bool(0.3), Gen.int(in: 0...2),
    Gen.element(of: ["", "  ", "\t"]).compactMap { $0 },
    Gen.int(in: 0...(instructions.count - 1))
  ).map {
    Block(
      blankLines: $0, hasDetachedComment: $1, attachedComments: $2, indentation: $3, instruction: $4
    )
  }

  static let file = zip(
    block.array(of: 1...8), Gen.element(of: ["\n", "\r\n"]).compactMap { $0 }, Gen.bool(0.8),
    Gen.bool(0.2), Gen.bool(0.3), Gen.element(of: ["", "\n# end\n", "\n\n"]).compactMap { $0 },
    Gen.int(in: 0...99).array(of: 8)
  ).map {
    Case(
      blocks: $0, lineEnding: $1, hasFinalNewline: $2 || !$5.isEmpty, hasByteOrderMark: $3,
      hasDirective: $4, trailing: $5, keys: $6)
  }

  /// The comment lines of `bytes`, without indentation, line endings or byte order mark, sorted.
  static func commentLines(_ bytes: [UInt8]) -> [String] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
      .map {
        String(decoding: $0, as: UTF8.self)
          .trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(["\u{FEFF}"]))
      }
      .filter { $0.hasPrefix("#") }
      .sorted()
  }

  @Test func anyPermutationReparsesToThePermutedInstructions() async {
    await propertyCheck(count: 300, input: Self.file) { testCase in
      let source = Array(testCase.text.utf8)
      guard let tree = try? DockerfileParser().parse(source).get() else {
        Issue.record("the generated file does not parse:\n\(testCase.text)")
        return
      }
      let permutation = testCase.permutation
      #expect(tree.instructions.count == permutation.count)
      let rendered = DockerfileRewrite.render(tree, order: permutation.map { .original($0) })
      guard let back = try? DockerfileParser().parse(rendered).get() else {
        Issue.record(
          "the rewritten file does not parse:\n\(String(decoding: rendered, as: UTF8.self))")
        return
      }
      let layout = tree.layout
      let backLayout = back.layout
      #expect(back.instructions.count == tree.instructions.count)
      for (position, index) in permutation.enumerated() where position < back.instructions.count {
        #expect(back.instructions[position].dump() == tree.instructions[index].dump())
        #expect(
          Array(rendered[backLayout.placements[position].text])
            == Array(source[layout.placements[index].text]))
        let comments = backLayout.placements[position].comments
        let expected = layout.placements[index].comments
        if testCase.hasByteOrderMark, position == 0 {
          // SourceLayout does not count a comment on line 1 after a byte order mark as attached.
          #expect(expected.reversed().starts(with: comments.reversed()))
        } else {
          #expect(comments == expected)
        }
      }
      #expect(Self.commentLines(rendered) == Self.commentLines(source))
      // A permutation only moves bytes.
      #expect(rendered.sorted() == source.sorted())
    }
  }

  /// The longest run of blank lines in `bytes`.
  static func longestBlankRun(_ bytes: [UInt8]) -> Int {
    var longest = 0
    var run = 0
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
      run = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } ? run + 1 : 0
      longest = max(longest, run)
    }
    return longest
  }

  @Test func anyMergeOrSplitKeepsTheOtherInstructionsAndTheShapeOfTheFile() async {
    let input = zip(Self.file, Gen.int(in: 0...7), Gen.int(in: 1...8), Gen.int(in: 0...3))
    await propertyCheck(count: 300, input: input) { testCase, first, length, replacements in
      let source = Array(testCase.text.utf8)
      guard let tree = try? DockerfileParser().parse(source).get() else {
        Issue.record("the generated file does not parse:\n\(testCase.text)")
        return
      }
      // Instructions first..<end become `replacements` new ones.
      let count = tree.instructions.count
      let first = min(first, count - 1)
      let end = min(count, first + length)
      let inserted = (0..<replacements).map { "RUN new \($0) \\\n  && more" }
      let order: [DockerfileRewrite.Piece] =
        (0..<first).map { .original($0) } + inserted.map { .inserted($0) }
        + (end..<count).map { .original($0) }
      let expected =
        (0..<first).map { tree.instructions[$0].dump() }
        + inserted.compactMap { try? DockerfileParser().parse($0).get().instructions.first?.dump() }
        + (end..<count).map { tree.instructions[$0].dump() }
      let rendered = DockerfileRewrite.render(tree, order: order)
      let text = String(decoding: rendered, as: UTF8.self)
      guard !expected.isEmpty else { return }
      guard let back = try? DockerfileParser().parse(rendered).get() else {
        Issue.record("the rewritten file does not parse:\n\(text)")
        return
      }
      #expect(back.instructions.map { $0.dump() } == expected, "\(text)")
      #expect(Self.longestBlankRun(rendered) <= max(Self.longestBlankRun(source), 1), "\(text)")
      #expect((rendered.last == 0x0A) == (source.last == 0x0A), "\(text)")
      for (index, block) in testCase.blocks.enumerated() where block.hasDetachedComment {
        #expect(text.contains("# detached \(index)"))
      }
      if testCase.lineEnding == "\r\n", source.contains(0x0A) {
        #expect(!zip(rendered, [0] + rendered).contains { $0 == 0x0A && $1 != 0x0D }, "\(text)")
      }
    }
  }
}
