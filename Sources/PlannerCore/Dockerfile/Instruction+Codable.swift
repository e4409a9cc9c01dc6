/// JSON for an instruction's kind: one key, the kind's name, holding its payload
/// (`{"copy": {"sources": …}}`), rather than Swift's synthesized `{"copy": {"_0": …}}`.
extension Instruction.Kind {
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    let key = Key(stringValue: name)
    switch self {
    case .from(let value): try container.encode(value, forKey: key)
    case .run(let value): try container.encode(value, forKey: key)
    case .cmd(let value), .entrypoint(let value): try container.encode(value, forKey: key)
    case .shell(let value): try container.encode(value, forKey: key)
    case .copy(let value), .add(let value): try container.encode(value, forKey: key)
    case .env(let value), .label(let value): try container.encode(value, forKey: key)
    case .arg(let value): try container.encode(value, forKey: key)
    case .expose(let value): try container.encode(value, forKey: key)
    case .healthcheck(let value): try container.encode(value, forKey: key)
    case .onbuild(let value): try container.encode(value, forKey: key)
    case .stopsignal(let value), .user(let value), .workdir(let value):
      try container.encode(value, forKey: key)
    case .volume(let value): try container.encode(value, forKey: key)
    case .maintainer(let value), .unknown(let value): try container.encode(value, forKey: key)
    }
  }

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    guard let key = container.allKeys.first, container.allKeys.count == 1 else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected one key naming the kind"))
    }
    switch key.stringValue {
    case "from": self = .from(try container.decode(Instruction.From.self, forKey: key))
    case "run": self = .run(try container.decode(Instruction.Run.self, forKey: key))
    case "cmd": self = .cmd(try container.decode(Instruction.CommandLine.self, forKey: key))
    case "entrypoint":
      self = .entrypoint(try container.decode(Instruction.CommandLine.self, forKey: key))
    case "shell": self = .shell(try container.decode([String].self, forKey: key))
    case "copy": self = .copy(try container.decode(Instruction.Copy.self, forKey: key))
    case "add": self = .add(try container.decode(Instruction.Copy.self, forKey: key))
    case "env": self = .env(try container.decode([Instruction.KeyValue].self, forKey: key))
    case "label": self = .label(try container.decode([Instruction.KeyValue].self, forKey: key))
    case "arg": self = .arg(try container.decode([Instruction.Arg].self, forKey: key))
    case "expose": self = .expose(try container.decode([Instruction.Port].self, forKey: key))
    case "healthcheck":
      self = .healthcheck(try container.decode(Instruction.Healthcheck.self, forKey: key))
    case "onbuild": self = .onbuild(try container.decode(Instruction.Onbuild.self, forKey: key))
    case "stopsignal":
      self = .stopsignal(try container.decode(Instruction.Expandable.self, forKey: key))
    case "user": self = .user(try container.decode(Instruction.Expandable.self, forKey: key))
    case "volume": self = .volume(try container.decode([Instruction.Expandable].self, forKey: key))
    case "workdir": self = .workdir(try container.decode(Instruction.Expandable.self, forKey: key))
    case "maintainer": self = .maintainer(try container.decode(String.self, forKey: key))
    case "unknown": self = .unknown(try container.decode(String.self, forKey: key))
    default:
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "unknown kind '\(key.stringValue)'")
      )
    }
  }
}

/// Durations as Go prints them (`30s`, `1m30s`, `1.5ms`), the way the Dockerfile spells them.
extension Instruction.Healthcheck {
  private enum CodingKeys: String, CodingKey {
    case test, command, interval, timeout, startPeriod, startInterval, retries
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(test, forKey: .test)
    try container.encodeIfPresent(command, forKey: .command)
    try container.encodeIfPresent(interval.map(GoDuration.string), forKey: .interval)
    try container.encodeIfPresent(timeout.map(GoDuration.string), forKey: .timeout)
    try container.encodeIfPresent(startPeriod.map(GoDuration.string), forKey: .startPeriod)
    try container.encodeIfPresent(startInterval.map(GoDuration.string), forKey: .startInterval)
    try container.encodeIfPresent(retries, forKey: .retries)
  }

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func duration(_ key: CodingKeys) throws -> Duration? {
      guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
      guard case .success(let nanoseconds) = GoValues.parseDuration(text) else {
        throw DecodingError.dataCorruptedError(
          forKey: key, in: container, debugDescription: "bad duration")
      }
      return .nanoseconds(nanoseconds)
    }
    self.init(
      test: try container.decode([String].self, forKey: .test),
      command: try container.decodeIfPresent(Instruction.CommandLine.self, forKey: .command),
      interval: try duration(.interval), timeout: try duration(.timeout),
      startPeriod: try duration(.startPeriod), startInterval: try duration(.startInterval),
      retries: try container.decodeIfPresent(Int.self, forKey: .retries))
  }
}

/// Go's `time.Duration.String()`.
enum GoDuration {
  static func string(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    return string(nanoseconds: nanoseconds)
  }

  static func string(nanoseconds: Int64) -> String {
    if nanoseconds == 0 { return "0s" }
    let negative = nanoseconds < 0
    let n = nanoseconds.magnitude
    var text: String
    if n < 1_000_000_000 {
      let (unit, scale): (String, UInt64) =
        n < 1_000 ? ("ns", 1) : n < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
      text = decimal(n, scale: scale) + unit
    } else {
      let hours = n / 3_600_000_000_000
      let minutes = n / 60_000_000_000 % 60
      let rest = n % 60_000_000_000
      text = ""
      if hours > 0 { text += "\(hours)h" }
      if hours > 0 || minutes > 0 { text += "\(minutes)m" }
      text += decimal(rest, scale: 1_000_000_000) + "s"
    }
    return negative ? "-" + text : text
  }

  /// `value / scale` with the fraction's trailing zeros removed.
  private static func decimal(_ value: UInt64, scale: UInt64) -> String {
    let whole = value / scale
    var fraction = value % scale
    guard fraction > 0 else { return "\(whole)" }
    var digits = String(scale).count - 1
    while fraction % 10 == 0 {
      fraction /= 10
      digits -= 1
    }
    let padded =
      String(repeating: "0", count: max(0, digits - String(fraction).count)) + String(fraction)
    return "\(whole).\(padded)"
  }
}
