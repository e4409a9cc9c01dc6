import ArgumentParser

/// The `planner` command line: one subcommand per job.
struct PlannerCommand: ParsableCommand {
  static let name = "planner"

  static let configuration = CommandConfiguration(
    commandName: name,
    abstract: "Plan Dockerfiles around the layer cache, measured on the repository's own history.",
    version: "0.1.0",
    subcommands: [
      Parse.self, Context.self, History.self, Simulate.self, Suggest.self, Comment.self, Rules.self,
    ]
  )
}

extension PlannerCommand {
  /// The subcommand that the command line names first, parsed on its own; nil when it does not
  /// parse that way. From the root, ArgumentParser builds the subcommand's table of arguments
  /// twice more while it looks for the root's own options; parsing the subcommand directly took
  /// a suggest on a six-line file from 30.8 to 28.4 million instructions (callgrind). Whatever
  /// does not parse on its own (help, a usage error, a completion script) goes through the root,
  /// whose messages name the whole command.
  ///
  /// Each subcommand names `planner` as its `_superCommandName` (ArgumentParser's marker for a
  /// command run under another one, which is what a subcommand parsed on its own is). Parsed as
  /// a root without it, a subcommand was first parsed twice more as ArgumentParser's own
  /// completion-script commands, looking for `--generate-completion-script`, which only the
  /// root answers: 0.78 million instructions of a six-line suggest's 21.97 (callgrind). Help,
  /// usage and completions go through the root, whose super-command name is nil, and are the
  /// same byte for byte.
  static func parseNamedSubcommand(_ arguments: [String] = Array(CommandLine.arguments.dropFirst()))
    -> ParsableCommand?
  {
    guard let name = arguments.first,
      let subcommand = configuration.subcommands.first(where: {
        $0.configuration.commandName == name
      }),
      let parsed = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
      type(of: parsed) == subcommand
    else { return nil }
    return parsed
  }
}

/// The enums planner takes as option values are spelled on the command line as their raw
/// values. ArgumentParser describes each value (in help, and when it lists the choices while it
/// builds a command's table of arguments) by interpolating its raw value, a dynamic cast for
/// each: the raw value is the same text, without the casts. No value has a description besides
/// its raw value, which is what ArgumentParser's own `allValueDescriptions` finds at every run
/// by interpolating each raw value again (a six-line suggest ran 0.14 million instructions less
/// without it).
extension ExpressibleByArgument where Self: CaseIterable & RawRepresentable, RawValue == String {
  package var defaultValueDescription: String { rawValue }
  package static var allValueStrings: [String] { allCases.map(\.rawValue) }
  package static var allValueDescriptions: [String: String] { [:] }
}
