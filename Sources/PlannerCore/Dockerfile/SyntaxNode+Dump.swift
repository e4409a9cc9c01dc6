extension SyntaxNode {
  /// BuildKit's `Node.Dump()` for this node: the keyword in lower case, the flags as Go's `%q`
  /// prints a `[]string`, nested children in parentheses and every argument Go-quoted.
  func dump() -> [UInt8] {
    var out: [UInt8] = []
    appendDump(to: &out)
    return out
  }

  private func appendDump(to out: inout [UInt8]) {
    let start = out.count
    out.append(contentsOf: GoText.lowercased(value))
    if !flags.isEmpty {
      out.append(contentsOf: Array(" [".utf8))
      for (index, flag) in flags.enumerated() {
        if index > 0 { out.append(UInt8(ascii: " ")) }
        GoText.quote(flag, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    for child in children {
      out.append(UInt8(ascii: "("))
      child.appendDump(to: &out)
      out.append(contentsOf: Array(")\n".utf8))
    }
    for argument in arguments {
      out.append(UInt8(ascii: " "))
      if argument.children.isEmpty {
        GoText.quote(argument.value, into: &out)
      } else {
        argument.appendDump(to: &out)
      }
    }
    // Go's strings.TrimSpace on this node's part of the output.
    let part = Array(out[start...])
    let trimmed = GoText.trimSpace(part)
    if trimmed.count != part.count {
      out.removeSubrange(start...)
      out.append(contentsOf: trimmed)
    }
  }
}

extension SyntaxTree {
  /// BuildKit's `AST.Dump()` for the whole file, plus the final newline of the corpus `result`
  /// files.
  func dump() -> [UInt8] {
    var out: [UInt8] = []
    for instruction in instructions {
      out.append(UInt8(ascii: "("))
      out.append(contentsOf: instruction.dump())
      out.append(contentsOf: Array(")\n".utf8))
    }
    return out
  }
}
