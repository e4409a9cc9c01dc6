// Times planner's parser in-process, without process start, file reading or output, so the
// figure is the parser's own throughput. Used by `make bench`; not installed.
//
// Usage: planner-bench FILE [REPEAT]
import Foundation
import PlannerCore

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
  FileHandle.standardError.write(Data("usage: planner-bench FILE [REPEAT]\n".utf8))
  exit(64)
}
let repeats = arguments.count >= 3 ? max(1, Int(arguments[2]) ?? 5) : 5
let source = Array(data)
let clock = ContinuousClock()
var best = Duration.seconds(1_000_000)
var instructions = 0
for _ in 0..<repeats {
  let start = clock.now
  instructions = Planner.countInstructions(source)
  best = min(best, clock.now - start)
}
let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
let megabytes = Double(source.count) / 1_048_576
print(
  String(
    format: "parse: %.1f MB, %d instructions, best of %d: %.3f s = %.1f MB/s", megabytes,
    instructions,
    repeats, seconds, megabytes / seconds))
