/// How long each Dockerfile step took, read from BuildKit's plain progress output.
///
/// Input: the bytes of a `docker build --progress=plain` or `docker buildx build --progress=plain`
/// log, possibly several builds concatenated, possibly with CI timestamps before each line.
/// Output: one ``Entry`` per appearance of a Dockerfile step, and ``seconds(stage:stageIndex:
/// stageCount:instruction:)`` to look a step up. It never fails: lines it does not understand
/// are skipped.
///
/// What BuildKit prints (read in moby/buildkit):
///
/// - `util/progress/progressui/printer.go` (`textMux.printVtx`) prints a vertex as
///   `#<n> <name>`, then its status and output lines (`#<n> 0.512 text`, the number being seconds
///   since the vertex started), then one of `#<n> DONE 12.3s` (`%.1f`; bare `DONE` when it never
///   started), `#<n> CACHED`, `#<n> ERROR: <message>` or `#<n> CANCELED`. Parallel vertices
///   interleave: `#<n> ...` marks a switch away, and the header line is printed again on the way
///   back. The name is cut to 72 bytes plus `...` only when `PROGRESS_NO_TRUNC=0`. Numbering starts
///   again at `#0`/`#1` in every build.
/// - `frontend/dockerfile/dockerfile2llb/convert.go` (`prefixCommand`) names a step
///   `[<platform> <stage> <i>/<n>] <text>`: the platform only when several were requested (as
///   `linux/arm64`, or `linux/amd64->arm64` when cross-compiling); the stage name, which
///   `instructions.parseBuildStageName` lower-cases, or `stage-<index>` (its position among the
///   FROM lines) for an unnamed stage, and nothing at all when the build has a single stage
///   (`buildStageDependencyGraph` clears it when there is one dispatch state; an image named by
///   `COPY --from` counts as one, so such a single-stage file prints `stage-0`); `<i>` padded
///   with spaces to the width of `<n>` (`%*d`, so `[ 2/10]`); `<n>` counts FROM (when the base
///   is an image, not scratch or another stage) and every RUN, COPY, ADD and WORKDIR of the stage.
///   Triggers from a base image's ONBUILD read `[… i/n] ONBUILD <text>`.
/// - The text is the instruction's logical line (continuation characters removed and lines
///   joined, trimmed), with its first word upper-cased (`uppercaseCmd`) and the stage's variables
///   expanded (`processCmdEnv`; RUN keeps quotes and unset variables, COPY and ADD drop quotes);
///   a RUN with one heredoc gets ` (<first line of the heredoc>...)` appended. FROM prints
///   `FROM <resolved reference>` (`docker.io/library/node:22@sha256:…`), not the text written.
/// - Other vertices (`[internal] load metadata for …`, `[auth] …`, `exporting to image`) have no
///   `i/n` and are no steps.
struct BuildTimings: Sendable {
  /// One appearance of a Dockerfile step in the log.
  struct Entry: Hashable, Sendable {
    /// The stage as printed (lower-case, or `stage-<index>`); nil for the single-stage `[2/3]`
    /// form.
    var stage: String?
    var index: Int
    var total: Int
    /// The instruction text as printed, after `] `.
    var instruction: String
    /// From `DONE 12.3s`; nil when CACHED, failed or unfinished.
    var seconds: Double?
    var cached: Bool
    /// The `#<n>` of the vertex.
    var vertex: Int
    /// The platform printed before the stage in a multi-platform build, else nil.
    var platform: String? = nil
  }

  /// In order of first appearance.
  var entries: [Entry]

  init(log: [UInt8]) {
    var reader = LogReader()
    for line in log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
      reader.read(String(decoding: line, as: UTF8.self))
    }
    entries = reader.entries
  }

  /// The seconds recorded for a step: `stage` is the stage name as written or nil, `stageIndex`
  /// and `stageCount` its position among the stages, `instruction` the instruction text as
  /// BuildKit prints it (planner's `Instruction.original`, with variables expanded where known).
  ///
  /// Stages match as BuildKit names them (see the type's comment). Texts match after
  /// normalizing (keyword upper-cased, runs of whitespace collapsed, ends trimmed); failing that,
  /// a name cut at 72 bytes matches by its beginning and a RUN by its text before a heredoc
  /// summary; failing that, quotes are ignored and each `$VAR` or `${…}` matches any text. Any
  /// FROM of the stage matches a FROM, whose printed text is the resolved reference. Of the
  /// matching entries (several in a concatenated log), the last with a DONE time counts. Returns
  /// nil when no entry matches or the matching ones were only CACHED (or failed).
  func seconds(stage: String?, stageIndex: Int, stageCount: Int, instruction: String) -> Double? {
    entry(stage: stage, stageIndex: stageIndex, stageCount: stageCount, instruction: instruction)?
      .seconds
  }

  /// The entry whose time ``seconds(stage:stageIndex:stageCount:instruction:)`` returns.
  func entry(stage: String?, stageIndex: Int, stageCount: Int, instruction: String) -> Entry? {
    let inStage = entries.filter {
      Self.stage($0.stage, matches: stage, index: stageIndex, count: stageCount)
    }
    let wanted = Self.normalized(instruction)
    guard let keyword = wanted.split(separator: " ").first else { return nil }
    if keyword == "FROM" {
      return inStage.last {
        $0.seconds != nil && Self.normalized($0.instruction).hasPrefix("FROM ")
      }
    }
    let levels: [(Entry) -> Bool] = [
      { Self.normalized($0.instruction) == wanted },
      { Self.matchesShortened($0, wanted) },
      { Self.matchesLoosely(Self.normalized($0.instruction), wanted) },
    ]
    for level in levels {
      let matches = inStage.filter(level)
      if !matches.isEmpty { return matches.last { $0.seconds != nil } }
    }
    return nil
  }

  /// Whether a printed stage is the stage `name` (nil when unnamed) at `index` of `count`.
  private static func stage(_ printed: String?, matches name: String?, index: Int, count: Int)
    -> Bool
  {
    guard let printed else { return count == 1 }
    if let name { return printed == name.lowercased() }
    return printed == "stage-\(index)"
  }

  /// The keyword upper-cased, runs of whitespace collapsed to one space, both ends trimmed.
  static func normalized(_ text: String) -> String {
    let words = text.split(whereSeparator: \.isWhitespace)
    guard let first = words.first else { return "" }
    return ([first.uppercased()] + words.dropFirst().map(String.init)).joined(separator: " ")
  }

  /// A name cut by `limitString(name, 72)`, or a RUN followed by ` (<heredoc summary>)`.
  private static func matchesShortened(_ entry: Entry, _ wanted: String) -> Bool {
    let printed = normalized(entry.instruction)
    if printed.hasPrefix(wanted + " ("), printed.hasSuffix(")"), wanted.hasPrefix("RUN ") {
      return true
    }
    guard printed.hasSuffix("..."), printedNameByteCount(entry) >= 75 else { return false }
    var cut = printed.dropLast(3)
    // The cut may fall inside a UTF-8 sequence or a run of whitespace.
    while let last = cut.last, last == "\u{FFFD}" || last.isWhitespace { cut = cut.dropLast() }
    return !cut.isEmpty && wanted.hasPrefix(cut)
  }

  /// The byte count of the vertex name BuildKit printed for `entry`.
  private static func printedNameByteCount(_ entry: Entry) -> Int {
    let width = String(entry.total).utf8.count
    let prefix = [entry.platform, entry.stage].compactMap { $0 }.map { $0.utf8.count + 1 }
    return 1 + prefix.reduce(0, +) + max(width, String(entry.index).utf8.count) + 1 + width + 2
      + entry.instruction.utf8.count
  }

  /// Quotes ignored on both sides; each `$NAME` or `${…}` of `wanted` matches any text.
  private static func matchesLoosely(_ printed: String, _ wanted: String) -> Bool {
    let unquoted: (String) -> [Character] = { Array($0.filter { $0 != "\"" && $0 != "'" }) }
    let text = unquoted(printed)
    let pattern = Pattern(unquoted(wanted))
    return pattern.matches(text)
  }

  /// Literal characters and `$VAR` wildcards.
  private struct Pattern {
    enum Token: Equatable {
      case literal(Character)
      case anything
    }
    var tokens: [Token] = []

    init(_ characters: [Character]) {
      var index = 0
      while index < characters.count {
        let character = characters[index]
        let next = index + 1 < characters.count ? characters[index + 1] : nil
        if character == "$", next == "{",
          let close = characters[(index + 2)...].firstIndex(of: "}")
        {
          tokens.append(.anything)
          index = close + 1
        } else if character == "$", let next, next == "_" || next.isLetter {
          tokens.append(.anything)
          index += 1
          while index < characters.count,
            characters[index] == "_" || characters[index].isLetter || characters[index].isNumber
          {
            index += 1
          }
        } else {
          tokens.append(.literal(character))
          index += 1
        }
      }
    }

    /// Glob matching with backtracking to the last wildcard; linear space, no recursion.
    func matches(_ text: [Character]) -> Bool {
      var t = 0
      var p = 0
      var star: Int?
      var resume = 0
      while t < text.count {
        if p < tokens.count, tokens[p] == .literal(text[t]) {
          t += 1
          p += 1
        } else if p < tokens.count, tokens[p] == .anything {
          star = p
          resume = t
          p += 1
        } else if let star {
          p = star + 1
          resume += 1
          t = resume
        } else {
          return false
        }
      }
      while p < tokens.count, tokens[p] == .anything { p += 1 }
      return p == tokens.count
    }
  }
}

/// Reads a log line by line, keeping each vertex number's latest appearance open.
private struct LogReader {
  /// The latest appearance of a vertex number: its header and, for a step, its entry.
  struct Vertex {
    var header: String
    var entry: Int?
    var isFinished = false
  }

  var entries: [BuildTimings.Entry] = []
  var vertices: [Int: Vertex] = [:]

  mutating func read(_ rawLine: String) {
    guard let (vertex, rest) = Self.split(Self.cleaned(rawLine)) else { return }
    switch rest {
    case "...":
      return
    case "CACHED":
      finish(vertex, seconds: nil, cached: true)
    case "CANCELED":
      finish(vertex, seconds: nil, cached: false)
    case "DONE":
      finish(vertex, seconds: nil, cached: false)
    default:
      if rest.hasPrefix("ERROR") {
        finish(vertex, seconds: nil, cached: false)
      } else if rest.hasPrefix("DONE "), let seconds = Self.doneSeconds(rest.dropFirst(5)) {
        finish(vertex, seconds: seconds, cached: false)
      } else {
        header(vertex, String(rest))
      }
    }
  }

  /// A header starts a new appearance when the number is new or finished, or when it names
  /// another vertex (`[…]`) than the open one (a new build, numbered from 1 again); any other
  /// line (output, status, a repeated header) belongs to the open appearance.
  private mutating func header(_ vertex: Int, _ text: String) {
    if let open = vertices[vertex], !open.isFinished {
      guard text.hasPrefix("["), text != open.header else { return }
    }
    var appearance = Vertex(header: text)
    if var step = Self.step(text) {
      step.vertex = vertex
      appearance.entry = entries.count
      entries.append(step)
    }
    vertices[vertex] = appearance
  }

  private mutating func finish(_ vertex: Int, seconds: Double?, cached: Bool) {
    guard var open = vertices[vertex], !open.isFinished else { return }
    open.isFinished = true
    vertices[vertex] = open
    guard let index = open.entry, entries.indices.contains(index) else { return }
    entries[index].seconds = seconds
    entries[index].cached = cached
  }

  /// `[<platform> <stage> <i>/<n>] <text>` as a step with vertex 0; nil for any other name.
  static func step(_ name: String) -> BuildTimings.Entry? {
    guard name.hasPrefix("["), let close = name.firstIndex(of: "]") else { return nil }
    let inside = name[name.index(after: name.startIndex)..<close]
    var words = inside.split(separator: " ")
    guard let position = words.popLast(), words.count <= 2 else { return nil }
    let numbers = position.split(separator: "/", omittingEmptySubsequences: false)
    guard numbers.count == 2,
      numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let index = Int(numbers[0]), let total = Int(numbers[1]), index >= 1, total >= 1
    else { return nil }
    var platform: String?
    var stage: String?
    if words.count == 2 {
      guard words[0].containsLiterally("/"), !words[1].containsLiterally("/") else { return nil }
      platform = String(words[0])
      stage = String(words[1])
    } else if let only = words.first {
      if only.containsLiterally("/") { platform = String(only) } else { stage = String(only) }
    }
    var text = name[name.index(after: close)...]
    guard text.first == " " else { return nil }
    text = text.dropFirst()
    while let last = text.last, last.isWhitespace { text = text.dropLast() }
    guard !text.isEmpty else { return nil }
    return BuildTimings.Entry(
      stage: stage, index: index, total: total, instruction: String(text), seconds: nil,
      cached: false, vertex: 0, platform: platform)
  }

  /// `12.3s` as 12.3; nil for anything else.
  static func doneSeconds(_ text: Substring) -> Double? {
    guard text.hasSuffix("s"), let value = Double(text.dropLast()), value.isFinite, value >= 0
    else { return nil }
    return value
  }

  /// The vertex number and the rest of a `#<n> <rest>` line.
  static func split(_ line: Substring) -> (Int, Substring)? {
    guard line.first == "#" else { return nil }
    let afterHash = line.dropFirst()
    let digits = afterHash.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, digits.count <= 18, let vertex = Int(digits) else { return nil }
    let rest = afterHash.dropFirst(digits.count)
    guard rest.first == " " else { return nil }
    return (vertex, rest.dropFirst())
  }

  /// The line without a carriage return, terminal colours, leading whitespace or a CI
  /// timestamp (`2024-05-01T10:00:00.1234567Z #5 DONE 1.2s`).
  static func cleaned(_ raw: String) -> Substring {
    var line = Substring(raw.containsLiterally("\u{1B}") ? withoutEscapes(raw) : raw)
    while let last = line.last, last == "\r" || last == "\r\n" { line = line.dropLast() }
    line = line.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    if let space = line.firstIndex(of: " "), isTimestamp(line[..<space]) {
      line = line[space...].drop { $0.isWhitespace }
    }
    return line
  }

  /// `2024-05-01T10:00:00Z` and the like: four digits, a dash, and a `T` or `:` later on.
  private static func isTimestamp(_ word: Substring) -> Bool {
    let head = Array(word.prefix(5))
    return word.count >= 10 && head.count == 5
      && head[0..<4].allSatisfy { $0.isASCII && $0.isNumber }
      && head[4] == "-" && (word.containsLiterally("T") || word.containsLiterally(":"))
  }

  /// `text` without ANSI escape sequences (`ESC [ … final`).
  private static func withoutEscapes(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      guard scalar == "\u{1B}" else {
        result.append(scalar)
        continue
      }
      guard scalars.next() == "[" else { continue }
      while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
    }
    return String(result)
  }
}
