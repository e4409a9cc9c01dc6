import Testing

@testable import PlannerCore

/// Thirty real Dockerfiles from public repositories, each reviewed by hand for the findings the
/// hygiene rules must give (`HygieneCorpus`): a finding the review does not expect is a false
/// positive, a missing one a false negative. The review was written by reading the files against
/// the rules' definitions, independently of the implementation.
@Suite("Image hygiene on thirty real Dockerfiles")
struct HygieneCorpusTests {
  @Test func thereAreThirtyDockerfilesFromDistinctRepositories() {
    #expect(HygieneCorpus.entries.count == 30)
    let names = Set(HygieneCorpus.entries.map { $0.repository + "/" + $0.path })
    #expect(names.count == 30)
  }

  @Test("findings match the hand review", arguments: HygieneCorpus.entries)
  func findingsMatchTheReview(entry: HygieneCorpusEntry) {
    let findings = Hygiene.check(
      source: Array(entry.text.utf8), input: HygieneInput(file: "Dockerfile"))
    let found = findings.map { "\($0.rule)@\($0.range.start.line)" }
    #expect(found == entry.expected, "\(entry.review)")
    // Every finding says what it is about, and its rule is in the catalog.
    for finding in findings {
      #expect(RuleCatalog.rule(finding.rule) != nil)
      #expect(!finding.message.isEmpty && !finding.subject.isEmpty)
    }
  }
}
