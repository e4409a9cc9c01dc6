/// The manifest-first split: a dependency install that runs after a COPY of the whole context (or
/// of a source folder) is given a COPY of exactly the files it reads, inserted before the big
/// COPY, so that the install can move above it and stay cached while only sources change.
///
/// Before:
/// ```
/// WORKDIR /app
/// COPY . .
/// RUN npm ci
/// ```
/// After (the reorder then moves the install up):
/// ```
/// WORKDIR /app
/// COPY package.json package-lock.json ./
/// COPY . .
/// RUN npm ci
/// ```
/// It does not apply when the install needs the sources (`pip install .`, `poetry install`
/// without `--no-root`), when the manifests are already copied before the big COPY, or when the
/// big COPY does not copy them into the folder the install runs in.
enum ManifestSplit {
  struct Split: Hashable, Sendable {
    /// The stage's index, and the big COPY's and the install's 1-based lines.
    var stage: Int
    var copyLine: Int
    var installLine: Int
    /// The new instruction's text.
    var text: String
    /// What the install is (`npm ci`), for the report.
    var tool: String
    /// When the install runs in a folder below where the big COPY's relative destination
    /// points, that destination written out absolutely (`COPY . .` → `COPY . /app/`), so that
    /// the WORKDIR leading to the install may move above it; its byte range in the file.
    var absoluteDestination: (range: Range<Int>, text: String)?

    static func == (left: Split, right: Split) -> Bool {
      left.stage == right.stage && left.copyLine == right.copyLine
        && left.installLine == right.installLine && left.text == right.text
        && left.tool == right.tool
        && left.absoluteDestination?.range == right.absoluteDestination?.range
        && left.absoluteDestination?.text == right.absoluteDestination?.text
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(copyLine)
      hasher.combine(installLine)
      hasher.combine(text)
    }
  }

  /// The splits that apply to `dockerfile`, in file order.
  /// `contents` holds the content of manifests in the context (context-relative paths), when
  /// known: a manifest that makes the install read more (an npm lifecycle script, `-e .`) stops
  /// the split, and one that names more files (`-r base.txt`) has them copied too.
  static func find(
    in dockerfile: Dockerfile, items: [[StageItem]], contents: [String: [UInt8]] = [:]
  ) -> [Split] {
    var splits: [Split] = []
    for (stageIndex, stageItems) in items.enumerated() {
      for (position, item) in stageItems.enumerated() {
        guard case .run(let run) = item.instruction.kind, !run.command.isExecForm else {
          continue
        }
        let command = run.command.arguments.first ?? ""
        let workdir = item.workdir
        let effects = CommandAnalyzer.analyze(command, workdir: workdir)
        for install in effects.installs where !install.readsWholeFolder {
          if let split = split(
            install, at: position, stage: stageIndex, items: stageItems, contents: contents)
          {
            splits.append(split)
          }
        }
      }
    }
    // Several installs may need one big COPY split (a web and an API folder); each once.
    var seen: Set<String> = []
    return splits.filter { seen.insert("\($0.copyLine) \($0.text)").inserted }
  }

  private static func split(
    _ install: DependencyInstall, at position: Int, stage: Int, items: [StageItem],
    contents: [String: [UInt8]]
  ) -> Split? {
    let folder = install.workdir == "/" ? "" : install.workdir
    func isManifest(_ path: String) -> Bool {
      guard path.hasPrefix(folder + "/") else { return false }
      let name = String(path.dropFirst(folder.count + 1))
      guard !name.containsLiterally("/") else { return false }
      return install.manifests.contains { pattern in
        (try? IgnoreMatcher.filepathMatch(pattern, name)) == true
      }
    }
    // The nearest COPY before the install that writes its manifests from the context.
    for candidate in items.prefix(position).reversed() {
      guard case .copy(let copy) = candidate.instruction.kind, copy.from == nil else { continue }
      let manifests = candidate.writes.filter { write in
        write.contextSource != nil && isManifest(write.pattern.path)
      }
      guard !manifests.isEmpty else { continue }
      // Only a copy of more than the manifests is worth splitting.
      guard candidate.writes.count > manifests.count else { return nil }
      // Already copied by an earlier COPY: nothing to do.
      let earlier = items.prefix(candidate.position).flatMap(\.writes)
      if manifests.allSatisfy({ earlier.contains($0) }) { return nil }
      // The files the manifests name too, read from their content; the big COPY must write
      // each of them (where the install will look).
      let copied = Dictionary(
        candidate.writes.compactMap { write in write.contextSource.map { ($0, write) } },
        uniquingKeysWith: { first, _ in first })
      var chosen = manifests
      var pending = manifests.compactMap(\.contextSource)
      var visited = Set(pending)
      while let next = pending.popLast() {
        guard let content = contents[next] else { continue }
        switch ManifestContents.verdict(
          path: next, content: content, exists: { copied[$0] != nil })
        {
        case .needsSources: return nil
        case .alsoReads(let more):
          for path in more where visited.insert(path).inserted {
            guard let write = copied[path] else { return nil }
            chosen.append(write)
            pending.append(path)
          }
        }
      }
      // Relative to where the big COPY writes when the install runs there; else absolute.
      let rawDestination = copy.destination.expanded ?? copy.destination.raw
      let copyFolder = ImagePath.resolve(
        rawDestination, against: candidate.workdir)
      var flags = ""
      if let chown = copy.chown { flags += "--chown=\(chown.raw) " }
      if let chmod = copy.chmod { flags += "--chmod=\(chmod) " }
      let keyword = candidate.instruction.keyword
      // One COPY per destination folder, since a COPY of several files puts each under its
      // base name.
      var byFolder: [String: [String]] = [:]
      for write in chosen {
        guard let source = write.contextSource else { continue }
        let target = write.pattern.path
        let parent = target.beforeLastSlash() ?? ""
        byFolder[parent.isEmpty ? "/" : parent, default: []].append(source)
      }
      let lines = byFolder.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map {
        target in
        let destination =
          !rawDestination.hasPrefix("/") && copyFolder == install.workdir && target == copyFolder
          ? "./" : (target == "/" ? "/" : target + "/")
        let sources = (byFolder[target] ?? []).sorted {
          $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
        return "\(keyword) \(flags)\(sources.map(quoted).joined(separator: " ")) \(destination)"
      }
      let text = lines.joined(separator: "\n")
      // The install's folder lies below the one a relative destination names: write that
      // destination out, so that it no longer depends on the WORKDIR that leads to the install.
      var absolute: (range: Range<Int>, text: String)?
      if !rawDestination.hasPrefix("/"), install.workdir.hasPrefix(copyFolder + "/"),
        let range = destinationRange(of: candidate.instruction, raw: copy.destination.raw)
      {
        absolute = (range, copyFolder == "/" ? "/" : copyFolder + "/")
      }
      return Split(
        stage: stage, copyLine: candidate.instruction.range.start.line,
        installLine: items[position].instruction.range.start.line, text: text,
        tool: install.tool, absoluteDestination: absolute)
    }
    return nil
  }

  /// Where a COPY's destination word sits in the file: the last word of the instruction's
  /// single line, as written. Nil for JSON form, continuations or here-documents.
  static func destinationRange(of instruction: Instruction, raw: String) -> Range<Int>? {
    guard instruction.range.start.line == instruction.range.end.line,
      !instruction.original.containsLiterally("["), !instruction.original.containsLiterally("<<"),
      instruction.original.hasSuffix(raw)
    else { return nil }
    // Filled in by `apply`, which knows the file's bytes: the range is relative to the
    // instruction's text, counted from its end.
    let length = raw.utf8.count
    return -length..<0
  }

  /// A source as a COPY word: quoted only when it must be.
  static func quoted(_ path: String) -> String {
    let plain = path.utf8.allSatisfy { byte in
      byte > 0x20 && byte < 0x7F && !"\"'\\$`#[]*?".utf8.contains(byte)
    }
    if plain { return path }
    return "\""
      + path.replacingAll("\\", with: "\\\\")
      .replacingAll("\"", with: "\\\"") + "\""
  }

  /// The file with each split's COPY inserted on its own line above the big COPY and the comment
  /// lines attached to it.
  static func apply(_ splits: [Split], to tree: SyntaxTree) -> [UInt8] {
    let source = tree.source
    let layout = tree.layout
    let lineEnding = tree.lineEnding
    var insertions: [(offset: Int, bytes: [UInt8])] = []
    for split in splits {
      guard
        let placement = layout.placements.first(where: { $0.range.start.line == split.copyLine })
      else { continue }
      let firstLine = max(1, split.copyLine - placement.comments.count)
      let lineStart = tree.byteRange(ofLine: firstLine).lowerBound
      // The big COPY's indentation, for the new line.
      let indentation = tree.indentation(of: placement)
      var bytes: [UInt8] = []
      for line in split.text.split(separator: "\n") {
        bytes += indentation + Array(line.utf8) + lineEnding
      }
      insertions.append((lineStart, bytes))
    }
    // Destinations written out: ranges count back from the end of the COPY's text. Several
    // installs may share one big COPY: its destination is written out once.
    var replacements: [(range: Range<Int>, bytes: [UInt8])] = []
    var rewritten: Set<Int> = []
    for split in splits {
      guard let absolute = split.absoluteDestination, rewritten.insert(split.copyLine).inserted,
        let placement = layout.placements.first(where: { $0.range.start.line == split.copyLine })
      else { continue }
      var end = placement.text.upperBound
      while end > placement.text.lowerBound, source[end - 1] == 0x20 || source[end - 1] == 0x09 {
        end -= 1
      }
      let range = (end + absolute.range.lowerBound)..<(end + absolute.range.upperBound)
      guard range.lowerBound >= placement.text.lowerBound else { continue }
      replacements.append((range, Array(absolute.text.utf8)))
    }
    return tree.replacing(insertions.map { ($0.offset..<$0.offset, $0.bytes) } + replacements)
  }
}
