// Times planner's parsers in-process, without process start, file reading or output, so the
// figures are the parsers' own throughput. Used by `make bench`; not installed.
//
// Usage: planner-bench FILE [REPEAT]            the Dockerfile parser
//        planner-bench --history LOG [REPEAT]   the git log reader and the change model
//        planner-bench --search STEPS [REPEAT]  the order search on generated stages
//        planner-bench --suggest FILE [REPEAT]  suggest on one Dockerfile, assumed history: the
//                                               first run (with the runtime's one-time work)
//                                               and the mean of the others
import Foundation
import PlannerCore

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--search", arguments.count >= 2, let steps = Int(arguments[1]) {
  let repeats = arguments.count >= 3 ? max(1, Int(arguments[2]) ?? 5) : 5
  let clock = ContinuousClock()
  var worst = Duration.zero
  var total = Duration.zero
  var exact = 0
  for seed in 0..<repeats {
    let start = clock.now
    let result = Planner.searchBenchmark(steps: steps, seed: UInt64(seed))
    let took = clock.now - start
    worst = max(worst, took)
    total += took
    if result.exact { exact += 1 }
  }
  let milliseconds = { (duration: Duration) in
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
  }
  print(
    String(
      format: "search: %d steps, %d generated stages: mean %.2f ms, worst %.2f ms, exact %d of %d",
      steps, repeats, milliseconds(total) / Double(repeats), milliseconds(worst), exact, repeats))
  exit(0)
}
if arguments.first == "--suggest", arguments.count >= 2,
  let data = FileManager.default.contents(atPath: arguments[1])
{
  let repeats = arguments.count >= 3 ? max(2, Int(arguments[2]) ?? 20) : 20
  let source = Array(data)
  let folder = URL(fileURLWithPath: arguments[1]).deletingLastPathComponent().path
  let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
  let clock = ContinuousClock()
  var first = Duration.zero
  var rest = Duration.zero
  for run in 0..<repeats {
    let start = clock.now
    _ = Planner.suggest(
      .init(source: source, file: "Dockerfile", contextFiles: files, history: nil),
      options: SimulationOptions(), format: .text)
    if run == 0 { first = clock.now - start } else { rest += clock.now - start }
  }
  let milliseconds = { (duration: Duration) in
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
  }
  print(
    String(
      format: "suggest in-process: first run %.2f ms, then %.2f ms a run (mean of %d)",
      milliseconds(first), milliseconds(rest) / Double(repeats - 1), repeats - 1))
  exit(0)
}
let history = arguments.first == "--history"
if history { arguments.removeFirst() }
guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
  FileHandle.standardError.write(Data("usage: planner-bench [--history] FILE [REPEAT]\n".utf8))
  exit(64)
}
let repeats = arguments.count >= 2 ? max(1, Int(arguments[1]) ?? 5) : 5
let source = Array(data)
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let megabytes = Double(source.count) / 1_048_576
if history {
  var bestParse = Duration.seconds(1_000_000)
  var bestModel = Duration.seconds(1_000_000)
  var commits = 0
  for _ in 0..<repeats {
    var parser = GitLogParser(file: path)
    var parsed: [Commit] = []
    let start = clock.now
    var offset = 0
    while offset < source.count {
      let end = min(source.count, offset + 262_144)
      parsed += parser.feed(source[offset..<end])
      offset = end
    }
    parsed += parser.finish().0
    let parsedAt = clock.now
    var model = ChangeModel()
    model.add(parsed)
    let builtAt = clock.now
    commits = model.commitCount
    bestParse = min(bestParse, parsedAt - start)
    bestModel = min(bestModel, builtAt - parsedAt)
  }
  print(
    String(
      format: "history: %.1f MB, %d commits, best of %d: parse %.3f s = %.1f MB/s, model %.3f s",
      megabytes, commits, repeats, seconds(bestParse), megabytes / seconds(bestParse),
      seconds(bestModel)))
} else {
  var best = Duration.seconds(1_000_000)
  var instructions = 0
  for _ in 0..<repeats {
    let start = clock.now
    instructions = Planner.countInstructions(source)
    best = min(best, clock.now - start)
  }
  print(
    String(
      format: "parse: %.1f MB, %d instructions, best of %d: %.3f s = %.1f MB/s", megabytes,
      instructions, repeats, seconds(best), megabytes / seconds(best)))
}
