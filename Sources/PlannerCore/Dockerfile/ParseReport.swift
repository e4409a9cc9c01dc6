/// The JSON model `planner parse --format json` prints: the file's directives; every instruction
/// as written (flags, arguments, heredocs, exact text, comments and range); and the typed model:
/// the global ARGs and the stages, with each instruction's kind, parsed flags and the values
/// expanded where they are known statically.
struct ParseReport: Encodable {
  struct WrittenInstruction: Encodable {
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
  var instructions: [WrittenInstruction]
  var globalArgs: [Instruction]
  var stages: [Dockerfile.Stage]

  static func make(_ tree: SyntaxTree, file: String) -> (ParseReport, [Diagnostic]) {
    let layout = tree.layout
    func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    var instructions: [WrittenInstruction] = []
    for (node, placement) in zip(tree.instructions, layout.placements) {
      let trigger = node.trigger.map {
        Trigger(
          keyword: $0.keyword.uppercased(), flags: $0.flags.map(string),
          arguments: $0.arguments.map(string),
          isExecForm: $0.isJSON)
      }
      instructions.append(
        WrittenInstruction(
          keyword: node.keyword.uppercased(), flags: node.flags.map(string),
          arguments: node.arguments.map(string),
          isExecForm: node.isJSON, heredocs: node.heredocs,
          text: string(Array(tree.source[placement.text])), comments: placement.comments,
          range: placement.range, trigger: trigger))
    }
    let (model, diagnostics) = Dockerfile.build(from: tree, file: file)
    let report = ParseReport(
      file: file, escapeToken: string([tree.escapeToken]), directives: tree.directives,
      instructions: instructions, globalArgs: model.globalArgs, stages: model.stages)
    return (report, diagnostics)
  }
}
