import Foundation
import PropertyBased
import Testing

@testable import PlannerCore

@Suite("Unified diff")
struct UnifiedDiffTests {
  static func diff(_ old: String, _ new: String, context: Int = 3) -> String {
    UnifiedDiff.make(
      old: Array(old.utf8), new: Array(new.utf8), oldName: "Dockerfile", newName: "Dockerfile",
      context: context)
  }

  @Test func equalTextsGiveAnEmptyDiff() {
    #expect(Self.diff("", "") == "")
    #expect(Self.diff("FROM a\nRUN b\n", "FROM a\nRUN b\n") == "")
    #expect(Self.diff("FROM a", "FROM a") == "")
  }

  @Test func aSmallEditMatchesDiffU() {
    let old = """
      FROM node:22
      WORKDIR /app
      COPY . .
      RUN npm ci
      RUN npm run build
      ENV NODE_ENV=production
      EXPOSE 3000
      USER node
      CMD ["node", "dist/server.js"]

      """
    let new = """
      FROM node:22
      WORKDIR /app
      COPY package.json package-lock.json ./
      RUN npm ci
      COPY . .
      RUN npm run build
      ENV NODE_ENV=production
      EXPOSE 3000
      USER node
      CMD ["node", "dist/server.js"]

      """
    let expected = """
      --- Dockerfile
      +++ Dockerfile
      @@ -1,7 +1,8 @@
       FROM node:22
       WORKDIR /app
      -COPY . .
      +COPY package.json package-lock.json ./
       RUN npm ci
      +COPY . .
       RUN npm run build
       ENV NODE_ENV=production
       EXPOSE 3000

      """
    #expect(Self.diff(old, new) == expected)
  }

  @Test func changesFurtherApartThanTwiceTheContextGetTheirOwnHunks() {
    let old = "x\n1\n2\n3\n4\n5\n6\n7\ny\n"
    let new = "X\n1\n2\n3\n4\n5\n6\n7\nY\n"
    #expect(
      Self.diff(old, new) == """
        --- Dockerfile
        +++ Dockerfile
        @@ -1,4 +1,4 @@
        -x
        +X
         1
         2
         3
        @@ -6,4 +6,4 @@
         5
         6
         7
        -y
        +Y

        """)
    // Six unchanged lines between two changes: one hunk, as `diff -u` prints it.
    #expect(
      Self.diff("x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n").contains("@@ -1,8 +1,8 @@"))
  }

  @Test func emptyAndSingleLineRangesAreWrittenAsDiffWritesThem() {
    #expect(Self.diff("", "a\nb\n") == "--- Dockerfile\n+++ Dockerfile\n@@ -0,0 +1,2 @@\n+a\n+b\n")
    #expect(Self.diff("a\n", "") == "--- Dockerfile\n+++ Dockerfile\n@@ -1 +0,0 @@\n-a\n")
    #expect(
      Self.diff("a\nb\n", "a\nc\n", context: 0)
        == "--- Dockerfile\n+++ Dockerfile\n@@ -2 +2 @@\n-b\n+c\n")
    #expect(
      Self.diff("a\nb\n", "a\nx\nb\n", context: 0)
        == "--- Dockerfile\n+++ Dockerfile\n@@ -1,0 +2 @@\n+x\n")
  }

  @Test func aLastLineWithoutNewlineIsMarked() {
    #expect(
      Self.diff("a\nb", "a\nc") == """
        --- Dockerfile
        +++ Dockerfile
        @@ -1,2 +1,2 @@
         a
        -b
        \\ No newline at end of file
        +c
        \\ No newline at end of file

        """)
    #expect(
      Self.diff("a\nb", "a\nb\n") == """
        --- Dockerfile
        +++ Dockerfile
        @@ -1,2 +1,2 @@
         a
        -b
        \\ No newline at end of file
        +b

        """)
    #expect(
      Self.diff("a\nb", "x\nb") == """
        --- Dockerfile
        +++ Dockerfile
        @@ -1,2 +1,2 @@
        -a
        +x
         b
        \\ No newline at end of file

        """)
  }

  @Test func crlfLinesAreKeptAsTheyAre() {
    #expect(
      Self.diff("FROM a\r\nRUN b\r\n", "FROM a\r\nRUN c\r\n")
        == "--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1,2 @@\n FROM a\r\n-RUN b\r\n+RUN c\r\n")
  }

  // MARK: - The edit script

  /// The length of a longest common subsequence, by dynamic programming.
  static func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
    var row = Array(repeating: 0, count: b.count + 1)
    for x in a {
      var diagonal = 0
      for j in b.indices {
        let above = row[j + 1]
        row[j + 1] = x == b[j] ? diagonal + 1 : max(row[j + 1], row[j])
        diagonal = above
      }
    }
    return row[b.count]
  }

  @Test func theEditScriptIsValidAndShortest() async {
    let sequence = Gen.int(in: 0...4).array(of: 0...40)
    await propertyCheck(count: 500, input: sequence, sequence) { a, b in
      let script = UnifiedDiff.EditScript(a, b)
      let keptA = a.indices.filter { !script.deleted[$0] }.map { a[$0] }
      let keptB = b.indices.filter { !script.inserted[$0] }.map { b[$0] }
      #expect(keptA == keptB)
      #expect(keptA.count == Self.lcsLength(a, b))
    }
  }

  // MARK: - Applying the diff

  static let patch = URL(fileURLWithPath: "/usr/bin/patch")
  static let hasPatch = FileManager.default.isExecutableFile(atPath: patch.path)

  /// Random lines from a small set, so that lines repeat and the alignment is ambiguous.
  static func randomText(lines count: Int, using generator: inout Xoshiro) -> [String] {
    let words = ["FROM a", "RUN b", "COPY . .", "", "# c", "RUN b", "ENV x=1", "  indented"]
    return (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }
  }

  static func join(_ lines: [String], ending: String, finalNewline: Bool) -> [UInt8] {
    var text = lines.joined(separator: ending)
    if finalNewline, !lines.isEmpty { text += ending }
    return Array(text.utf8)
  }

  /// Writes `old` to a temporary `Dockerfile`, applies `diff` with `patch -p0`, returns the
  /// result.
  static func apply(_ diff: String, to old: [UInt8]) throws -> (status: Int32, result: [UInt8]) {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("planner-diff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("Dockerfile")
    try Data(old).write(to: file)
    let patchFile = folder.appendingPathComponent("change.diff")
    try Data(diff.utf8).write(to: patchFile)
    let process = Process()
    process.executableURL = patch
    process.currentDirectoryURL = folder
    process.arguments = [
      "-p0", "--binary", "--batch", "--silent", "--no-backup-if-mismatch", "-i", patchFile.path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let result = (try? Data(contentsOf: file)).map(Array.init) ?? []
    return (process.terminationStatus, result)
  }

  @Test(.enabled(if: hasPatch, "skipped: /usr/bin/patch is not installed"))
  func patchTurnsTheOldTextIntoTheNewOne() throws {
    var generator = Xoshiro(seed: (1, 2, 3, 4))
    for round in 0..<50 {
      var lines = Self.randomText(
        lines: Int.random(in: 0...40, using: &generator), using: &generator)
      let ending = round % 5 == 0 ? "\r\n" : "\n"
      let old = Self.join(lines, ending: ending, finalNewline: Bool.random(using: &generator))
      for _ in 0..<Int.random(in: 1...6, using: &generator) {
        let position = Int.random(in: 0...lines.count, using: &generator)
        switch Int.random(in: 0...2, using: &generator) {
        case 0:
          lines.insert(
            contentsOf: Self.randomText(
              lines: Int.random(in: 1...3, using: &generator), using: &generator), at: position)
        case 1 where position < lines.count:
          lines.removeSubrange(
            position..<min(lines.count, position + Int.random(in: 1...3, using: &generator)))
        default:
          if position < lines.count { lines[position] = "RUN changed \(round)" }
        }
      }
      let new = Self.join(lines, ending: ending, finalNewline: Bool.random(using: &generator))
      let diff = UnifiedDiff.make(old: old, new: new, oldName: "Dockerfile", newName: "Dockerfile")
      #expect(diff.isEmpty == (old == new), "round \(round)")
      guard !diff.isEmpty else { continue }
      let (status, result) = try Self.apply(diff, to: old)
      #expect(status == 0, "round \(round): patch failed on\n\(diff)")
      #expect(result == new, "round \(round):\n\(diff)")
    }
  }

  // MARK: - Size

  @Test func tenThousandLineFilesFinish() {
    var generator = Xoshiro(seed: (5, 6, 7, 8))
    // A realistic edit: a few hundred scattered changes to numbered lines.
    let numbered = (0..<10_000).map { "RUN step \($0)\n" }
    var edited = numbered
    for _ in 0..<300 {
      edited[Int.random(in: 0..<edited.count, using: &generator)] = "RUN changed\n"
    }
    let realistic = UnifiedDiff.make(
      old: Array(numbered.joined().utf8), new: Array(edited.joined().utf8), oldName: "a",
      newName: "b")
    #expect(realistic.contains("+RUN changed\n"))

    // Unrelated texts and texts of two alternating lines: the worst cases for the search.
    let unrelated = UnifiedDiff.make(
      old: Array(numbered.joined().utf8), new: Array(numbered.map { "# \($0)" }.joined().utf8),
      oldName: "a", newName: "b")
    #expect(unrelated.hasPrefix("--- a\n+++ b\n@@ -1,10000 +1,10000 @@\n"))
    let twoLines = { (generator: inout Xoshiro) in
      Array((0..<10_000).map { _ in Bool.random(using: &generator) ? "a\n" : "b\n" }.joined().utf8)
    }
    let noisy = UnifiedDiff.make(
      old: twoLines(&generator), new: twoLines(&generator), oldName: "a", newName: "b")
    #expect(noisy.hasPrefix("--- a\n+++ b\n@@ "))
  }
}
