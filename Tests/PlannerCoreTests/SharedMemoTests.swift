import Dispatch
import Testing

@testable import PlannerCore

@Suite("Shared memo")
struct SharedMemoTests {
  @Test func aStoredValueComesBackUntilTheMemoIsFull() {
    let memo = SharedMemo<String, Int>(limit: 3)
    #expect(memo.value(for: "a") == nil)
    memo.store(1, for: "a")
    memo.store(2, for: "b")
    memo.store(3, for: "c")
    #expect(memo.value(for: "a") == 1)
    #expect(memo.value(for: "c") == 3)
    // The fourth value starts it again: only that one is left.
    memo.store(4, for: "d")
    #expect(memo.value(for: "a") == nil)
    #expect(memo.value(for: "d") == 4)
  }

  @Test func threadsStoringAndReadingAtOnceSeeOnlyWhatWasStored() {
    let memo = SharedMemo<Int, Int>(limit: 64)
    DispatchQueue.concurrentPerform(iterations: 2_000) { index in
      let key = index % 100
      if let known = memo.value(for: key) {
        precondition(known == key * key, "key \(key) holds \(known)")
      }
      memo.store(key * key, for: key)
    }
    for key in 0..<100 {
      if let known = memo.value(for: key) { #expect(known == key * key) }
    }
  }

  @Test func aRememberedAnalysisIsTheAnalysis() {
    let command = "apt-get update && apt-get install -y gcc && npm ci"
    let first = CommandAnalyzer.analyze(command, workdir: "/app", environment: ["A": "1"])
    let again = CommandAnalyzer.analyze(command, workdir: "/app", environment: ["A": "1"])
    let elsewhere = CommandAnalyzer.analyze(command, workdir: "/srv", environment: ["A": "1"])
    #expect(first == again)
    #expect(first.reads != elsewhere.reads)
  }
}
