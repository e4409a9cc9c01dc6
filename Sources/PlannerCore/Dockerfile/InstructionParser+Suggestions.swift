/// BuildKit's "did you mean" suggestions (`util/suggest`): the closest known word by edit
/// distance.
extension InstructionParser {
  /// `suggest.WrapErrorMaybe`: the option within edit distance 2 of `value`, the first of the
  /// closest; nil when `value` is itself an option or nothing is close.
  static func suggestion(for value: String, among options: [String], caseSensitive: Bool) -> String?
  {
    let original = value
    let value = caseSensitive ? value : value.lowercased()
    var match: String?
    var best = 3
    for option in options {
      let candidate = caseSensitive ? option : option.lowercased()
      if candidate == value { return nil }
      let distance = levenshtein(Array(value.unicodeScalars), Array(candidate.unicodeScalars))
      if distance < best {
        match = candidate
        best = distance
      }
    }
    guard let match else { return nil }
    return caseSensitive ? match : match.applyingCase(of: original)
  }

  static func withSuggestion(
    _ message: String, value: String, among options: [String], caseSensitive: Bool
  )
    -> Message
  {
    guard let match = suggestion(for: value, among: options, caseSensitive: caseSensitive) else {
      return Message(message)
    }
    return Message(message + " (did you mean \(match)?)")
  }

  static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

extension String {
  /// `suggest.matchCase`: upper case when `original` is all upper case, else lower case.
  fileprivate func applyingCase(of original: String) -> String {
    original == original.uppercased() && original != original.lowercased()
      ? uppercased() : lowercased()
  }
}
