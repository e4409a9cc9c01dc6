extension SyntaxNode {
  /// BuildKit's `Node.Dump()` for this node: the keyword in lower case, the flags as Go's `%q`
  /// prints a `[]string`, an ONBUILD trigger in parentheses and every argument Go-quoted.
  func dump() -> [UInt8] {
    var out: [UInt8] = []
    appendDump(to: &out)
    return out
  }

  fileprivate func appendDump(to out: inout [UInt8]) {
    let start = out.count
    appendLowercasedKeyword(to: &out)
    if !flags.isEmpty {
      out.append(UInt8(ascii: " "))
      out.append(UInt8(ascii: "["))
      for (index, flag) in flags.enumerated() {
        if index > 0 { out.append(UInt8(ascii: " ")) }
        GoText.quote(flag, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    if let trigger {
      // BuildKit's ONBUILD argument is a node whose one child is the trigger: ` (trigger)`.
      out.append(UInt8(ascii: " "))
      out.append(UInt8(ascii: "("))
      trigger.appendDump(to: &out)
      out.append(UInt8(ascii: ")"))
    }
    for index in argumentSpans.indices {
      out.append(UInt8(ascii: " "))
      GoText.quote(argumentBytes(index), into: &out)
    }
    // Go's strings.TrimSpace on this node's part of the output. Only a keyword can bring white
    // space to either end, so the common case is a check of two bytes.
    if out.count > start, isSpaceAtEdge(out[start]) || isSpaceAtEdge(out[out.count - 1]) {
      let trimmed = GoText.trimSpace(Array(out[start...]))
      out.removeSubrange(start...)
      out.append(contentsOf: trimmed)
    }
  }

  private func appendLowercasedKeyword(to out: inout [UInt8]) {
    let keyword = keywordBytes
    if keyword.allSatisfy({ $0 < 0x80 }) {
      for byte in keyword { out.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte) }
    } else {
      out.append(contentsOf: GoText.lowercased(Array(keyword)))
    }
  }

  /// Whether a byte may begin or end a `unicode.IsSpace` rune (ASCII space or a byte of a
  /// multi-byte rune, which are checked exactly).
  @inline(__always)
  private func isSpaceAtEdge(_ b: UInt8) -> Bool {
    GoText.isSpaceByte(b) || b >= 0x80
  }
}

extension SyntaxTree {
  /// BuildKit's `AST.Dump()` for the whole file, plus the final newline of the corpus `result`
  /// files.
  func dump() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(source.count + source.count / 4)
    for instruction in instructions {
      out.append(UInt8(ascii: "("))
      instruction.appendDump(to: &out)
      out.append(UInt8(ascii: ")"))
      out.append(0x0A)
    }
    return out
  }
}
