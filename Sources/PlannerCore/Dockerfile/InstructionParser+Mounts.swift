/// `RUN --mount` and `RUN --device` (`commands_runmount.go`, `commands_rundevice.go`): parsing
/// their comma-separated fields and validating them once their values are known.
extension InstructionParser {
  static let mountTypes = ["bind", "cache", "tmpfs", "secret", "ssh"]
  static let sharingModes = ["shared", "private", "locked"]
  /// The keys `parseMount` suggests from, in its order.
  static let mountKeys = [
    "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode",
    "uid", "gid", "src", "dst", "destination", "ro", "rw", "readwrite", "env",
  ]

  /// A mount as `ParseInstruction` sees it (no expander): the CSV must parse, and `from=` must not
  /// use a variable. Everything else is checked once the values are expanded.
  static func mount(_ value: String) -> (Instruction.Mount, String?) {
    var mount = Instruction.Mount(raw: value, fields: [], options: nil, fromStage: nil)
    let fields: [String]
    switch GoValues.csvFields(value) {
    case .failure(let message): return (mount, "failed to parse csv mounts: \(message.text)")
    case .success(let parsed): fields = parsed
    }
    var error: String?
    for field in fields {
      let (key, value) = cut(field)
      let lowered = key.lowercased()
      mount.fields.append(.init(key: lowered, value: value.map { Instruction.Expandable(raw: $0) }))
      if lowered == "from", let value, error == nil {
        let bytes = Array(value.utf8)
        if let dollar = bytes.firstIndex(of: UInt8(ascii: "$")), dollar != bytes.count - 1 {
          error = "'\(lowered)' doesn't support variable expansion, define alias stage instead"
        }
      }
    }
    return (mount, error)
  }

  /// `parseMount` with an expander: nil while a value is not known, else the options or
  /// BuildKit's error.
  static func mountOptions(_ mount: Instruction.Mount) -> Result<
    Instruction.Mount.Options, Message
  >? {
    guard case .success(let written) = GoValues.csvFields(mount.raw),
      written.count == mount.fields.count
    else { return nil }
    var values: [String?] = []
    for field in mount.fields {
      if let value = field.value {
        guard let expanded = value.expanded else { return nil }
        values.append(expanded)
      } else {
        values.append(nil)
      }
    }

    var m = Instruction.Mount.Options(type: "bind", readOnly: false, required: false)
    var readOnlyIsAutomatic = true
    func unexpectedKey(_ key: String) -> Message {
      Message("unexpected key '\(key)' for mount type '\(m.type)'")
    }
    for (index, field) in mount.fields.enumerated() {
      let key = field.key
      guard let value = values[index] else {
        switch key {
        case "readonly", "ro":
          m.readOnly = true
          readOnlyIsAutomatic = false
        case "readwrite", "rw":
          m.readOnly = false
          readOnlyIsAutomatic = false
        case "required":
          guard m.type == "secret" || m.type == "ssh" else { return .failure(unexpectedKey(key)) }
          m.required = true
        default:
          return .failure(Message("invalid field '\(written[index])' must be a key=value pair"))
        }
        continue
      }
      func invalidValue() -> Message { Message("invalid value for \(key): \(value)") }
      switch key {
      case "type":
        let type = value.lowercased()
        guard mountTypes.contains(type) else {
          return .failure(
            withSuggestion(
              "unsupported mount type \(GoValues.quoted(value))", value: value,
              among: mountTypes.sorted(),
              caseSensitive: true))
        }
        m.type = type
      case "from": m.from = value
      case "source", "src": m.source = value
      case "target", "dst", "destination": m.target = value
      case "readonly", "ro":
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.readOnly = flag
        readOnlyIsAutomatic = false
      case "readwrite", "rw":
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.readOnly = !flag
        readOnlyIsAutomatic = false
      case "required":
        guard m.type == "secret" || m.type == "ssh" else { return .failure(unexpectedKey(key)) }
        guard let flag = GoValues.parseBool(value) else { return .failure(invalidValue()) }
        m.required = flag
      case "size":
        guard m.type == "tmpfs" else { return .failure(unexpectedKey(key)) }
        guard let size = GoValues.ramInBytes(value) else { return .failure(invalidValue()) }
        m.sizeLimit = size
      case "id": m.id = value
      case "sharing":
        let sharing = value.lowercased()
        guard sharingModes.contains(sharing) else {
          return .failure(
            withSuggestion(
              "unsupported sharing value \(GoValues.quoted(value))", value: value,
              among: sharingModes.sorted(), caseSensitive: true))
        }
        m.sharing = sharing
      case "mode":
        guard let mode = GoValues.parseUint32(value, base: 8) else {
          return .failure(Message("invalid value \(value) for mode"))
        }
        m.mode = mode
      case "uid":
        guard let uid = GoValues.parseUint32(value, base: 10) else {
          return .failure(Message("invalid value \(value) for uid"))
        }
        m.uid = uid
      case "gid":
        guard let gid = GoValues.parseUint32(value, base: 10) else {
          return .failure(Message("invalid value \(value) for gid"))
        }
        m.gid = gid
      case "env": m.env = value
      default:
        return .failure(
          withSuggestion(
            "unexpected key '\(key)' in '\(written[index])'", value: key, among: mountKeys,
            caseSensitive: true))
      }
    }

    let fileInfoAllowed = ["secret", "ssh", "cache"].contains(m.type)
    if !fileInfoAllowed {
      for (isSet, what) in [(m.mode != nil, "mode"), (m.uid != nil, "uid"), (m.gid != nil, "gid")]
      where isSet {
        return .failure(Message("\(what) not allowed for \(GoValues.quoted(m.type)) type mounts"))
      }
    }
    if readOnlyIsAutomatic { m.readOnly = !(m.type == "cache" || m.type == "tmpfs") }
    if m.type == "secret" {
      if !(m.from ?? "").isEmpty { return .failure(Message("secret mount should not have a from")) }
      if !(m.sharing ?? "").isEmpty {
        return .failure(Message("secret mount should not define sharing"))
      }
      if (m.source ?? "").isEmpty, (m.target ?? "").isEmpty, (m.id ?? "").isEmpty {
        return .failure(Message("invalid secret mount. one of source, target required"))
      }
      if !(m.source ?? "").isEmpty, !(m.id ?? "").isEmpty {
        return .failure(Message("both source and id can't be set"))
      }
    }
    if !(m.sharing ?? "").isEmpty, m.type != "cache" {
      return .failure(Message("invalid cache sharing set for \(m.type) mount"))
    }
    return .success(m)
  }

  /// `ParseDevice`.
  static func device(_ value: String) -> Result<Instruction.Device, Message> {
    let fields: [String]
    switch GoValues.csvFields(value) {
    case .failure(let message):
      return .failure(Message("failed to parse csv devices: \(message.text)"))
    case .success(let parsed): fields = parsed
    }
    var device = Instruction.Device(name: "", isRequired: false)
    for field in fields {
      let (rawKey, value) = cut(field)
      let key = rawKey.lowercased()
      guard let value else {
        if key == "required" {
          device.isRequired = true
        } else if device.name.isEmpty {
          device.name = field
        } else {
          return .failure(Message("invalid field '\(field)' must be a key=value pair"))
        }
        continue
      }
      switch key {
      case "name":
        if !device.name.isEmpty {
          return .failure(Message("device name already set to \(device.name)"))
        }
        device.name = value
      case "required":
        guard let flag = GoValues.parseBool(value) else {
          return .failure(Message("invalid value for \(key): \(value)"))
        }
        device.isRequired = flag
      default:
        if device.name.isEmpty {
          device.name = field
          continue
        }
        return .failure(
          withSuggestion(
            "unexpected key '\(key)' in '\(field)'", value: key, among: ["name", "required"],
            caseSensitive: true))
      }
    }
    return .success(device)
  }

  /// Go's `strings.Cut(s, "=")`.
  private static func cut(_ field: String) -> (String, String?) {
    guard let equals = field.firstIndex(of: "=") else { return (field, nil) }
    return (String(field[..<equals]), String(field[field.index(after: equals)...]))
  }
}
