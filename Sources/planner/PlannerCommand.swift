import ArgumentParser

/// The `planner` command line: one subcommand per job.
struct PlannerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "planner",
    abstract: "Plan Dockerfiles around the layer cache, measured on the repository's own history.",
    version: "0.1.0",
    subcommands: [
      Parse.self, Context.self, History.self, Simulate.self, Suggest.self, Comment.self, Rules.self,
    ]
  )
}
