import Testing

@testable import PlannerCore

/// Whether two durations agree to a millisecond.
private func isClose(_ a: Double?, _ b: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) < 0.001
}

@Suite("Step cost estimates")
struct StepCostEstimateTests {
  static func run(_ command: String) -> StepCost {
    CostEstimator.estimate(kind: "run", command: command, bytes: nil, isRemote: false)
  }

  @Test func aPackageInstallCostsMoreThanAnEcho() {
    let install = Self.run("npm ci")
    let echo = Self.run("echo hello")
    #expect(install == StepCost(seconds: 25, source: .estimate, basis: "package install (npm ci)"))
    #expect(echo == StepCost(seconds: 1, source: .estimate, basis: "shell command"))
    #expect(install.seconds > echo.seconds)
  }

  @Test func aChainCostsItsKnownCommandsTogetherAndIsNamedByTheDearest() {
    let apt = Self.run(
      "apt-get update && apt-get install -y --no-install-recommends curl; rm -rf /var/lib/apt/lists/*"
    )
    // apt-get update (10) + apt-get install (30) + rm, a command with no rule (1).
    #expect(apt.seconds == 41)
    #expect(apt.basis == "package install (apt-get install) and 1 more")

    let go = Self.run("curl -fsSL https://example.com/x.sh | sh && go build -o /out/app ./cmd/app")
    // curl (3) + sh, a command with no rule (1) + go build (20).
    #expect(go.seconds == 24)
    #expect(go.basis == "build (go build) and 1 more")

    let cargo = Self.run("cargo fetch\ncargo build --release || cargo test")
    #expect(cargo.seconds == 140)
    #expect(cargo.basis == "build (cargo build) and 2 more")

    #expect(
      Self.run("git clone https://example.com/r.git && wget -q x").basis
        == "download (git clone) and 1 more")
    #expect(Self.run("cd /app && npm test").basis == "tests (npm test)")
    #expect(Self.run("cd /app && npm test").seconds == 20)
  }

  @Test func wrappersAndAssignmentsAreSkipped() {
    #expect(Self.run("sudo -E npm ci").seconds == 25)
    #expect(Self.run("CGO_ENABLED=0 GOOS=linux go build ./...").seconds == 20)
    #expect(
      Self.run("env -i HOME=/root bundle install").basis == "package install (bundle install)")
    #expect(Self.run("/bin/sh -c npm ci").seconds == 25)
    #expect(
      Self.run("sh -c 'npm ci && npm run build'").basis == "build (npm run build) and 1 more")
    #expect(Self.run("npx tsc -p .").basis == "build (tsc)")
    #expect(Self.run("if [ -f Makefile ]; then make all; fi").basis == "build (make)")
  }

  @Test func argumentsDecideWhichRuleApplies() {
    #expect(Self.run("yarn --frozen-lockfile").basis == "package install (yarn)")
    #expect(Self.run("yarn build").basis == "build (yarn build)")
    #expect(Self.run("yarn lint").basis == "shell command")
    #expect(Self.run("mvn -B dependency:go-offline").basis == "package install (mvn dependency:*)")
    #expect(Self.run("./gradlew build -x test").basis == "build (gradlew)")
    #expect(Self.run("python3 -m pip install -r requirements.txt").seconds == 20)
    #expect(Self.run("uv pip install --system .").basis == "package install (uv pip install)")
    #expect(Self.run("apk add --no-cache git").seconds == 10)
    #expect(Self.run("npm run lint").seconds == 1)
    #expect(Self.run("").seconds == 1)
  }

  @Test func copyScalesWithItsBytes() {
    func copy(_ bytes: Int?) -> StepCost {
      CostEstimator.estimate(kind: "copy", command: nil, bytes: bytes, isRemote: false)
    }
    #expect(isClose(copy(0).seconds, 0.1))
    #expect(isClose(copy(12_300_000).seconds, 0.223))
    #expect(copy(12_300_000).basis == "COPY of 12.3 MB")
    #expect(isClose(copy(100_000_000).seconds, 1.1))
    #expect(isClose(copy(1_000_000_000).seconds, 10.1))
    #expect(copy(1_000_000_000).basis == "COPY of 1000 MB")
    #expect(copy(nil) == StepCost(seconds: 0.1, source: .estimate, basis: "COPY of unknown size"))
    #expect(isClose(copy(-5).seconds, 0.1))

    let url = CostEstimator.estimate(kind: "add", command: nil, bytes: nil, isRemote: true)
    #expect(url == StepCost(seconds: 3, source: .estimate, basis: "ADD of a URL"))
    let add = CostEstimator.estimate(kind: "add", command: nil, bytes: 50_000_000, isRemote: false)
    #expect(isClose(add.seconds, 0.6))
    #expect(add.basis == "ADD of 50 MB")
  }

  @Test func otherKindsHaveFixedCosts() {
    func estimate(_ kind: String) -> StepCost {
      CostEstimator.estimate(kind: kind, command: nil, bytes: nil, isRemote: false)
    }
    #expect(estimate("from") == StepCost(seconds: 5, source: .estimate, basis: "base image pull"))
    #expect(estimate("workdir") == StepCost(seconds: 0.05, source: .estimate, basis: "WORKDIR"))
    #expect(estimate("env") == StepCost(seconds: 0.05, source: .estimate, basis: "metadata (ENV)"))
  }

  @Test func everyRuleIsReachableByItsOwnLabel() {
    for rule in CostEstimator.runRules {
      let command = rule.label.hasSuffix("*") ? rule.label.dropLast() + "go-offline" : rule.label
      let chosen = CostEstimator.mostExpensiveRule(in: command)
      #expect(chosen?.seconds == rule.seconds, "\(rule.label)")
    }
  }

  @Test func factoriesNameTheirSource() {
    #expect(StepCost.pragma(seconds: 150).basis == "# planner: cost=150s")
    #expect(StepCost.pragma(seconds: 0.5).basis == "# planner: cost=0.5s")
    let entry = BuildTimings.Entry(
      stage: nil, index: 2, total: 3, instruction: "RUN npm ci", seconds: 12.5, cached: false,
      vertex: 8)
    #expect(
      StepCost.timings(entry) == StepCost(seconds: 12.5, source: .timings, basis: "BuildKit log #8")
    )
  }
}

@Suite("Cost pragmas")
struct StepCostPragmaTests {
  static func pragma(_ lines: String...) -> PragmaCost? {
    CostEstimator.pragma(in: lines)
  }

  @Test func everyDurationFormReads() {
    #expect(Self.pragma("# planner: cost=45s") == .seconds(45))
    #expect(Self.pragma("# planner: cost=45") == .seconds(45))
    #expect(Self.pragma("# planner: cost=1.5m") == .seconds(90))
    #expect(Self.pragma("# planner: cost=2m30s") == .seconds(150))
    #expect(Self.pragma("# planner: cost=500ms") == .seconds(0.5))
    #expect(Self.pragma("# planner: cost=1h") == .seconds(3600))
    #expect(Self.pragma("# planner: cost = 10s") == .seconds(10))
    #expect(Self.pragma("#planner:COST=3S") == .seconds(3))
    #expect(Self.pragma("  # Planner: pin cost=10s keep") == .seconds(10))
    #expect(Self.pragma("# planner cost=7s") == .seconds(7))
  }

  @Test func commentsWithoutACostGiveNil() {
    #expect(Self.pragma() == nil)
    #expect(Self.pragma("# install the dependencies first") == nil)
    #expect(Self.pragma("# planner: pin") == nil)
    #expect(Self.pragma("# plannerish cost=5s") == nil)
    #expect(Self.pragma("# the planner: cost=5s") == nil)
    #expect(Self.pragma("# planner: costly step") == nil)
    #expect(Self.pragma("not a comment cost=5s") == nil)
  }

  @Test func theCommentClosestToTheInstructionWins() {
    #expect(
      Self.pragma("# planner: cost=10s", "# other words", "# planner: cost=20s") == .seconds(20))
    #expect(Self.pragma("# planner: cost=10s cost=30s") == .seconds(30))
  }

  @Test func malformedValuesAreReported() {
    #expect(
      Self.pragma("# planner: cost=fast")
        == .invalid(
          "invalid cost 'fast' in a planner comment; "
            + "write a duration such as 'cost=45s', 'cost=2m30s' or 'cost=500ms'"))
    for value in ["2m30", "-5s", "1e3s", "1.2.3s", "10d", "s"] {
      let result = Self.pragma("# planner: cost=\(value)")
      guard case .invalid(let message) = result else {
        Issue.record("'\(value)' gave \(String(describing: result))")
        continue
      }
      #expect(message.hasPrefix("invalid cost '"), "\(value)")
    }
    #expect(
      Self.pragma("# planner: cost=")
        == .invalid("'cost' in a planner comment needs a value, as in 'cost=45s'"))
    #expect(
      Self.pragma("# planner: cost 45s")
        == .invalid("'cost' in a planner comment needs a value, as in 'cost=45s'"))
    // A malformed value is reported even when another comment gives a good one.
    guard case .invalid = Self.pragma("# planner: cost=x", "# planner: cost=5s") else {
      Issue.record("the malformed value was hidden")
      return
    }
  }
}

@Suite("BuildKit timings")
struct StepCostBuildTimingsTests {
  static func timings(_ text: String) -> BuildTimings {
    BuildTimings(log: Array(text.utf8))
  }

  /// A two-stage Go build as `docker buildx build --progress=plain` prints it: the second stage
  /// is unnamed (`stage-1`), its steps interleave with the builder's, and #10 is printed twice.
  static let multiStage = """
    #0 building with "default" instance using docker driver

    #1 [internal] load build definition from Dockerfile
    #1 transferring dockerfile: 612B done
    #1 DONE 0.0s

    #2 [internal] load metadata for docker.io/library/golang:1.22
    #2 DONE 1.1s

    #3 [internal] load metadata for docker.io/library/alpine:3.20
    #3 DONE 1.0s

    #4 [internal] load .dockerignore
    #4 transferring context: 2B done
    #4 DONE 0.0s

    #5 [builder 1/5] FROM docker.io/library/golang:1.22@sha256:9f3a
    #5 resolve docker.io/library/golang:1.22@sha256:9f3a 0.0s done
    #5 DONE 4.2s

    #6 [internal] load build context
    #6 transferring context: 35.2kB done
    #6 DONE 0.1s

    #7 [stage-1 1/3] FROM docker.io/library/alpine:3.20@sha256:1e42
    #7 CACHED

    #8 [builder 2/5] WORKDIR /src
    #8 DONE 0.1s

    #9 [builder 3/5] COPY go.mod go.sum ./
    #9 DONE 0.2s

    #10 [builder 4/5] RUN go mod download
    #10 0.512 go: downloading github.com/spf13/cobra v1.8.0
    #10 ...

    #11 [stage-1 2/3] RUN apk add --no-cache ca-certificates
    #11 0.301 fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz
    #11 DONE 2.4s

    #10 [builder 4/5] RUN go mod download
    #10 9.870 go: downloading golang.org/x/sys v0.20.0
    #10 DONE 14.6s

    #12 [builder 5/5] RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    #12 DONE 21.3s

    #13 [stage-1 3/3] COPY --from=builder /out/app /usr/local/bin/app
    #13 DONE 0.3s

    #14 exporting to image
    #14 exporting layers 0.2s done
    #14 writing image sha256:0b1c done
    #14 DONE 0.3s
    """

  @Test func stepsAreReadInOrderOfFirstAppearance() {
    let timings = Self.timings(Self.multiStage)
    #expect(timings.entries.map(\.vertex) == [5, 7, 8, 9, 10, 11, 12, 13])
    #expect(
      timings.entries[4]
        == BuildTimings.Entry(
          stage: "builder", index: 4, total: 5, instruction: "RUN go mod download",
          seconds: 14.6, cached: false, vertex: 10))
    #expect(
      timings.entries[1]
        == BuildTimings.Entry(
          stage: "stage-1", index: 1, total: 3,
          instruction: "FROM docker.io/library/alpine:3.20@sha256:1e42", seconds: nil,
          cached: true, vertex: 7))
    #expect(timings.entries.allSatisfy { $0.platform == nil })
  }

  @Test func stepsAreFoundByStageAndText() {
    let timings = Self.timings(Self.multiStage)
    func seconds(_ stage: String?, _ index: Int, _ instruction: String) -> Double? {
      timings.seconds(stage: stage, stageIndex: index, stageCount: 2, instruction: instruction)
    }
    #expect(seconds("builder", 0, "RUN go mod download") == 14.6)
    #expect(seconds("Builder", 0, "run   go mod download  ") == 14.6)
    #expect(seconds("builder", 0, "RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app") == 21.3)
    #expect(seconds(nil, 1, "COPY --from=builder /out/app /usr/local/bin/app") == 0.3)
    #expect(seconds(nil, 1, "RUN apk add --no-cache ca-certificates") == 2.4)
    // FROM prints the resolved reference; any FROM of the stage matches.
    #expect(seconds("builder", 0, "FROM golang:1.22 AS builder") == 4.2)
    // Only CACHED: nil.
    #expect(seconds(nil, 1, "FROM alpine:3.20") == nil)
    // The wrong stage, an unknown step, a single-stage lookup in a two-stage log.
    #expect(seconds(nil, 0, "RUN go mod download") == nil)
    #expect(seconds("builder", 0, "RUN go vet ./...") == nil)
    #expect(
      timings.seconds(
        stage: nil, stageIndex: 0, stageCount: 1, instruction: "RUN go mod download") == nil)
  }

  @Test func errorsAndCancellationsHaveNoTime() {
    let timings = Self.timings(
      """
      #5 [2/4] RUN npm ci
      #5 1.204 npm ERR! code ERESOLVE
      #5 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1

      #6 [3/4] RUN npm test
      #6 CANCELED

      #7 [4/4] COPY . .
      #7 0.100 unfinished
      """)
    #expect(timings.entries.count == 3)
    #expect(timings.entries.allSatisfy { $0.seconds == nil && !$0.cached })
    #expect(
      timings.seconds(stage: nil, stageIndex: 0, stageCount: 1, instruction: "RUN npm ci") == nil)
  }

  @Test func aSingleStageBuildPrintsNoStage() {
    let log = """
      #4 [1/3] FROM docker.io/library/node:22@sha256:aa11
      #4 DONE 3.0s

      #7 [2/3] COPY package.json ./
      #7 DONE 0.1s

      #8 [3/3] RUN npm ci --omit=dev     && npm cache clean --force
      #8 DONE 17.9s
      """
    let timings = Self.timings(log)
    #expect(timings.entries.map(\.stage) == [nil, nil, nil])
    func seconds(_ stage: String?, _ count: Int, _ instruction: String) -> Double? {
      timings.seconds(stage: stage, stageIndex: 0, stageCount: count, instruction: instruction)
    }
    #expect(seconds(nil, 1, "COPY package.json ./") == 0.1)
    // BuildKit prints no name even for a named stage when it is the only one.
    #expect(seconds("base", 1, "COPY package.json ./") == 0.1)
    #expect(seconds(nil, 1, "RUN npm ci --omit=dev && npm cache clean --force") == 17.9)
    #expect(seconds(nil, 2, "COPY package.json ./") == nil)
  }

  @Test func paddedPositionsAndPlatformsAreRead() {
    let timings = Self.timings(
      """
      #9 [ 2/10] RUN make
      #9 DONE 30.5s
      #10 [linux/arm64 builder  3/10] RUN make test
      #10 DONE 12.0s
      #11 [linux/amd64->arm64 4/10] COPY a b
      #11 DONE 0.4s
      """)
    #expect(timings.entries.map(\.index) == [2, 3, 4])
    #expect(timings.entries.map(\.total) == [10, 10, 10])
    #expect(timings.entries.map(\.stage) == [nil, "builder", nil])
    #expect(timings.entries.map(\.platform) == [nil, "linux/arm64", "linux/amd64->arm64"])
    #expect(
      timings.seconds(stage: "builder", stageIndex: 0, stageCount: 2, instruction: "RUN make test")
        == 12.0)
  }

  @Test func theLastDoneOfAConcatenatedLogCounts() {
    let first = """
      #1 [internal] load build definition from Dockerfile
      #1 DONE 0.0s
      #3 [2/3] RUN npm ci
      #3 DONE 20.0s
      #4 [3/3] COPY . .
      #4 DONE 0.5s
      """
    // Numbering starts again; #3 is now an internal vertex, so its DONE is not npm ci's.
    let second = """
      #1 [internal] load build definition from Dockerfile
      #1 DONE 0.0s
      #3 [internal] load metadata for docker.io/library/node:22
      #3 DONE 1.2s
      #5 [2/3] RUN npm ci
      #5 DONE 18.5s
      """
    let third = """
      #5 [2/3] RUN npm ci
      #5 CACHED
      #6 [3/3] COPY . .
      #6 DONE 0.7s
      """
    let timings = Self.timings([first, second, third].joined(separator: "\n\n"))
    #expect(timings.entries.map(\.vertex) == [3, 4, 5, 5, 6])
    #expect(timings.entries[0].seconds == 20.0)
    func seconds(_ instruction: String) -> Double? {
      timings.seconds(stage: nil, stageIndex: 0, stageCount: 1, instruction: instruction)
    }
    #expect(seconds("RUN npm ci") == 18.5)
    #expect(seconds("COPY . .") == 0.7)
  }

  @Test func anInterruptedBuildDoesNotSwallowTheNextOne() {
    // The first build stops inside #6; the next build's #6 is another step.
    let timings = Self.timings(
      """
      #6 [2/3] RUN npm ci
      #6 3.100 added 1200 packages
      #6 [2/3] RUN npm ci
      #1 [internal] load build definition from Dockerfile
      #1 DONE 0.0s
      #6 [3/3] COPY . .
      #6 DONE 0.4s
      """)
    #expect(timings.entries.map(\.instruction) == ["RUN npm ci", "COPY . ."])
    #expect(timings.entries.map(\.seconds) == [nil, 0.4])
  }

  @Test func ciTimestampsAndCarriageReturnsAreSkipped() {
    let timings = Self.timings(
      "2024-05-01T10:00:00.1234567Z #5 [2/2] RUN go build ./...\r\n"
        + "2024-05-01T10:00:01.0000000Z #5 0.512 compiling\r\n"
        + "2024-05-01T10:00:12.0000000Z #5 DONE 11.9s\r\n")
    #expect(timings.entries.count == 1)
    #expect(timings.entries.first?.instruction == "RUN go build ./...")
    #expect(timings.entries.first?.seconds == 11.9)
  }

  @Test func shortenedNamesHeredocsAndVariablesStillMatch() {
    // limitString(name, 72) + "..." (PROGRESS_NO_TRUNC=0): the header is 75 bytes.
    let long =
      "RUN apt-get update && apt-get install -y build-essential curl git && rm -rf /var/lib/apt"
    let header = "[2/3] " + long
    let cut = String(header.utf8.prefix(72)).map { $0 + "..." } ?? ""
    #expect(cut.utf8.count == 75)
    let timings = Self.timings(
      """
      #5 \(cut)
      #5 DONE 40.0s
      #6 [3/3] RUN <<EOF (set -e...)
      #6 DONE 6.5s
      #7 [stage-1 2/2] COPY --from=builder /go/bin/app /usr/local/bin/app
      #7 DONE 0.2s
      """)
    func seconds(_ stage: String?, _ index: Int, _ count: Int, _ instruction: String) -> Double? {
      timings.seconds(stage: stage, stageIndex: index, stageCount: count, instruction: instruction)
    }
    #expect(seconds(nil, 0, 1, long) == 40.0)
    #expect(seconds(nil, 0, 1, "RUN apt-get update && apt-get install -y ninja") == nil)
    #expect(seconds(nil, 0, 1, "RUN <<EOF") == 6.5)
    #expect(seconds(nil, 1, 2, "COPY --from=builder ${GOPATH}/bin/app \"$BIN_DIR/app\"") == 0.2)
    #expect(seconds(nil, 1, 2, "COPY --from=builder ${GOPATH}/bin/other /usr/local/bin/app") == nil)
  }

  @Test func garbageNeverCrashes() {
    let lines = [
      "#", "#5", "#5 ", "# 5 DONE 1s", "#99999999999999999999999 DONE 1.0s", "#5 [", "#5 []",
      "#5 [a/b] RUN x", "#5 [0/3] RUN x", "#5 [1/0] RUN x", "#5 [1/3]", "#5 [1/3]RUN x",
      "#5 [a b c 1/3] RUN x", "#5 [+1/3] RUN x", "#5 DONE", "#5 DONE -1s", "#5 DONE nans",
      "#5 DONE infs", "\u{1B}[31m#6 [1/1] RUN y\u{1B}[0m", "#6 DONE 2.0s", "#7 ERROR",
      "2024-05-01T10 #8 [1/1] RUN z", "#8 DONE 1e309s",
    ]
    var bytes = Array(lines.joined(separator: "\n").utf8)
    bytes += [0xFF, 0xFE, 0x0A, 0x23, 0x39, 0x20, 0x5B, 0xC3, 0x0A, 0x00, 0x23]
    let timings = BuildTimings(log: bytes)
    #expect(timings.entries.map(\.instruction) == ["RUN y", "RUN z"])
    #expect(timings.entries.first?.seconds == 2.0)
    #expect(timings.entries.last?.seconds == nil)
    #expect(BuildTimings(log: []).entries.isEmpty)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<200 {
      var noise: [UInt8] = []
      for _ in 0..<64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let alphabet = Array("#0123 [/]DONE\nCACHED.s".utf8)
        noise.append(alphabet[Int(state >> 33) % alphabet.count])
      }
      _ = BuildTimings(log: noise).seconds(
        stage: nil, stageIndex: 0, stageCount: 1, instruction: "RUN x")
    }
  }
}
