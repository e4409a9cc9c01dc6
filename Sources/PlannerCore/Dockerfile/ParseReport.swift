/// The JSON model `planner parse --format json` prints: the file's directives and every
/// instruction with its flags, arguments, heredocs, exact text, comments and range.
struct ParseReport: Encodable {
  struct Instruction: Encodable {
    var keyword: String
    var flags: [String]
    var arguments: [String]
    var isExecForm: Bool
    var heredocs: [Heredoc]
    var text: String
    var comments: [String]
    var range: SourceRange
    var trigger: Trigger?
  }

  /// The instruction an ONBUILD registers.
  struct Trigger: Encodable {
    var keyword: String
    var flags: [String]
    var arguments: [String]
    var isExecForm: Bool
  }

  var file: String
  var escapeToken: String
  var directives: [ParserDirective]
  var instructions: [Instruction]

  static func make(_ tree: SyntaxTree, file: String) -> (ParseReport, [Diagnostic]) {
    let layout = tree.layout
    func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    var instructions: [Instruction] = []
    for (node, placement) in zip(tree.instructions, layout.placements) {
      let trigger = node.trigger.map {
        Trigger(
          keyword: $0.keyword.uppercased(), flags: $0.flags.map(string),
          arguments: $0.arguments.map(string),
          isExecForm: $0.isJSON)
      }
      instructions.append(
        Instruction(
          keyword: node.keyword.uppercased(), flags: node.flags.map(string),
          arguments: node.arguments.map(string),
          isExecForm: node.isJSON, heredocs: node.heredocs,
          text: string(Array(tree.source[placement.text])), comments: placement.comments,
          range: placement.range, trigger: trigger))
    }
    let report = ParseReport(
      file: file, escapeToken: string([tree.escapeToken]), directives: tree.directives,
      instructions: instructions)
    return (report, [])
  }
}
