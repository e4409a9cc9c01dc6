import Testing

@testable import PlannerCore

/// Locations marked in an inline Dockerfile with emoji markers (`1️⃣`), so tests never count
/// columns by hand.
struct MarkedSource {
  /// The source with the markers removed.
  var text: String
  /// Marker → 1-based line and byte column of the character that followed it.
  var positions: [String: SourcePosition]

  static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]

  init(_ marked: String) {
    var text = ""
    var positions: [String: SourcePosition] = [:]
    var line = 1
    var column = 1
    var rest = Substring(marked)
    while !rest.isEmpty {
      if let marker = Self.markers.first(where: { rest.hasPrefix($0) }) {
        positions[marker] = SourcePosition(line: line, column: column)
        rest = rest.dropFirst(marker.count)
        continue
      }
      let character = rest.removeFirst()
      text.append(character)
      if character == "\n" {
        line += 1
        column = 1
      } else {
        column += character.utf8.count
      }
    }
    self.text = text
    self.positions = positions
  }
}

/// Parses `marked` and expects exactly the error at the marker, with the message.
func expectParseError(
  _ marked: String, at marker: String, _ message: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let source = MarkedSource(marked)
  switch DockerfileParser(file: "Dockerfile").parse(source.text) {
  case .success:
    Issue.record("parsed, expected the error '\(message)'", sourceLocation: sourceLocation)
  case .failure(let failure):
    #expect(failure.diagnostic.message == message, sourceLocation: sourceLocation)
    #expect(
      failure.diagnostic.range.start == source.positions[marker], sourceLocation: sourceLocation)
    #expect(failure.diagnostic.severity == .error, sourceLocation: sourceLocation)
  }
}
