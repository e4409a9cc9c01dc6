/// One instruction of BuildKit's raw parse tree (`parser.Node`).
///
/// The tree has BuildKit's content so that its dump can be compared with BuildKit's byte for byte:
/// `value` is the keyword as written, `arguments` holds the values of BuildKit's `Next` chain, and
/// only `ONBUILD` nests (BuildKit's single argument node whose child is the trigger instruction;
/// here `trigger`). Values are bytes, not `String`, because a Dockerfile need not be valid UTF-8.
struct SyntaxNode: Hashable, Sendable {
  /// The logical line, followed by the bytes of any value that is not a slice of it (a decoded
  /// JSON string, a repaired word). Keeping every value as a span of one buffer saves an
  /// allocation per argument, which is most of the parser's cost.
  private var storage: [UInt8]
  /// How many leading bytes of `storage` are the logical line.
  private var lineLength: Int
  /// The keyword's bytes in `storage`.
  private var keywordSpan: Range<Int>
  /// The argument values' bytes in `storage`, in order.
  private(set) var argumentSpans: [Range<Int>] = []
  /// `--name=value` words before the arguments, quotes removed.
  var flags: [[UInt8]] = []
  /// Whether the arguments came from a JSON array (exec form).
  var isJSON = false
  /// Here-documents read after the instruction line, in order.
  var heredocs: [Heredoc] = []
  /// 1-based first and last physical line (continuations and heredoc bodies included).
  var startLine = 0
  var endLine = 0
  /// The keyword when BuildKit knows it (its dispatch table), nil for an unknown one.
  var known: LineParsers.Keyword?
  /// The ONBUILD trigger, stored in an array because a struct cannot hold itself.
  private var nested: [SyntaxNode] = []

  /// A node for `line` whose keyword is `keyword` (a range of `line`).
  init(line: [UInt8], keyword: Range<Int>, flags: [[UInt8]] = []) {
    self.storage = line
    self.lineLength = line.count
    self.keywordSpan = keyword
    self.flags = flags
  }

  /// A node from separate values, for tests and generated nodes.
  init(value: [UInt8], arguments: [[UInt8]] = [], flags: [[UInt8]] = [], isJSON: Bool = false) {
    self.init(line: value, keyword: 0..<value.count, flags: flags)
    self.isJSON = isJSON
    for argument in arguments { appendArgument(argument) }
  }

  /// The keyword as written (not lower-cased).
  var value: [UInt8] { Array(storage[keywordSpan]) }
  /// The logical line: continuation characters removed and lines joined.
  var original: [UInt8] { Array(storage[0..<lineLength]) }
  /// The argument values, in order (BuildKit's `Next` chain).
  var arguments: [[UInt8]] { argumentSpans.map { Array(storage[$0]) } }

  /// The keyword's bytes without copying.
  var keywordBytes: ArraySlice<UInt8> { storage[keywordSpan] }
  /// One argument's bytes without copying.
  func argumentBytes(_ index: Int) -> ArraySlice<UInt8> { storage[argumentSpans[index]] }

  /// Adds an argument that is a slice of the logical line.
  mutating func appendArgument(lineRange: Range<Int>) {
    argumentSpans.append(lineRange)
  }

  /// Adds an argument whose bytes are not in the line.
  mutating func appendArgument(_ bytes: some Collection<UInt8>) {
    let start = storage.count
    storage.append(contentsOf: bytes)
    argumentSpans.append(start..<storage.count)
  }

  /// The instruction an `ONBUILD` registers, if any.
  var trigger: SyntaxNode? {
    get { nested.first }
    set { nested = newValue.map { [$0] } ?? [] }
  }

  /// The keyword in lower case, as BuildKit dispatches on it.
  var keyword: String { String(decoding: GoText.lowercased(value), as: UTF8.self) }
}

/// A here-document attached to a RUN, COPY or ADD instruction (`<<EOF` … `EOF`).
struct Heredoc: Hashable, Sendable, Codable {
  /// The delimiter word, quotes removed.
  var name: [UInt8]
  /// The file descriptor written before `<<` (`3<<EOF`), 0 when absent.
  var fileDescriptor: UInt
  /// False when any part of the delimiter is quoted: the body is then not expanded.
  var expand: Bool
  /// `<<-`: leading tabs are removed from the body when the instruction runs.
  var chomp: Bool
  /// The raw body lines, each with its line ending.
  var content: [UInt8]
  /// 1-based lines of the body's first line and of the delimiter line.
  var bodyStartLine: Int
  var terminatorLine: Int

  enum CodingKeys: String, CodingKey {
    case name, fileDescriptor, expand, chomp, content, bodyStartLine, terminatorLine
  }

  init(
    name: [UInt8], fileDescriptor: UInt, expand: Bool, chomp: Bool, content: [UInt8] = [],
    bodyStartLine: Int = 0, terminatorLine: Int = 0
  ) {
    self.name = name
    self.fileDescriptor = fileDescriptor
    self.expand = expand
    self.chomp = chomp
    self.content = content
    self.bodyStartLine = bodyStartLine
    self.terminatorLine = terminatorLine
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(String(decoding: name, as: UTF8.self), forKey: .name)
    try container.encode(fileDescriptor, forKey: .fileDescriptor)
    try container.encode(expand, forKey: .expand)
    try container.encode(chomp, forKey: .chomp)
    try container.encode(String(decoding: content, as: UTF8.self), forKey: .content)
    try container.encode(bodyStartLine, forKey: .bodyStartLine)
    try container.encode(terminatorLine, forKey: .terminatorLine)
  }

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = Array(try container.decode(String.self, forKey: .name).utf8)
    fileDescriptor = try container.decode(UInt.self, forKey: .fileDescriptor)
    expand = try container.decode(Bool.self, forKey: .expand)
    chomp = try container.decode(Bool.self, forKey: .chomp)
    content = Array(try container.decode(String.self, forKey: .content).utf8)
    bodyStartLine = try container.decode(Int.self, forKey: .bodyStartLine)
    terminatorLine = try container.decode(Int.self, forKey: .terminatorLine)
  }
}
