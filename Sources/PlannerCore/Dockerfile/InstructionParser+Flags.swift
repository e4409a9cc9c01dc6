/// BuildKit's flag parser (`bflag.go`): which flags each instruction takes, and the errors for
/// unknown, repeated, valueless or malformed ones.
extension InstructionParser {
  /// BuildKit's `BFlags`: the flags an instruction declares, then one `Parse` of the words.
  struct FlagSet {
    enum FlagType { case bool, string, strings }

    private var types: [String: FlagType] = [:]
    /// Values after `parse`: a string flag's value, or a bool flag's `true`/`false`.
    private(set) var values: [String: String] = [:]
    /// Values of a `strings` flag, in order.
    private(set) var lists: [String: [String]] = [:]
    /// Flags given at least once.
    private(set) var used: Set<String> = []

    mutating func add(_ name: String, _ type: FlagType, default value: String? = nil) {
      types[name] = type
      switch type {
      case .bool: values[name] = value ?? "false"
      case .string: values[name] = value ?? ""
      case .strings: lists[name] = []
      }
    }

    func bool(_ name: String) -> Bool { values[name] == "true" }
    func string(_ name: String) -> String { values[name] ?? "" }
    func strings(_ name: String) -> [String] { lists[name] ?? [] }
    /// The value when the flag was given, else nil.
    func given(_ name: String) -> String? { used.contains(name) ? values[name] : nil }

    /// `BFlags.Parse`: returns BuildKit's error for the first bad word.
    mutating func parse(_ words: [String]) -> Message? {
      for word in words {
        // `--` ends the flags (POSIX utility syntax).
        if word == "--" { return nil }
        guard word.hasPrefix("--") else { return Message("arg should start with -- : \(word)") }
        let flagName: String
        let value: String
        let hasValue: Bool
        if let equals = word.firstIndex(of: "=") {
          flagName = String(word[..<equals])
          value = String(word[word.index(after: equals)...])
          hasValue = true
        } else {
          flagName = word
          value = ""
          hasValue = false
        }
        let name = String(flagName.dropFirst(2))
        guard let type = types[name] else {
          let message = "unknown flag: \(flagName)"
          guard
            let match = InstructionParser.suggestion(
              for: name, among: types.keys.sorted(), caseSensitive: true)
          else { return Message(message) }
          return Message(message + " (did you mean \(match)?)")
        }
        if used.contains(name), type != .strings {
          return Message("duplicate flag specified: \(flagName)")
        }
        used.insert(name)
        switch type {
        case .bool:
          if hasValue && value.isEmpty { return Message("missing a value on flag: \(flagName)") }
          switch value.lowercased() {
          case "true", "": values[name] = "true"
          case "false": values[name] = "false"
          default: return Message("expecting boolean value for flag \(flagName), not: \(value)")
          }
        case .string:
          guard hasValue else { return Message("missing a value on flag: \(flagName)") }
          values[name] = value
        case .strings:
          guard hasValue else { return Message("missing a value on flag: \(flagName)") }
          lists[name, default: []].append(value)
        }
      }
      return nil
    }
  }
}
