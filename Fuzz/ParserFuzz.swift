// libFuzzer entry point for the Dockerfile parser (`make fuzz`). Built with the PlannerCore
// sources in one module, outside the package's default build.
//
// Every input must either be rejected with a diagnostic or parse into a tree whose layout renders
// back to the input byte for byte; the dump and the JSON model must be computable. A trap here
// is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func parserFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  switch DockerfileParser(file: "fuzz").parse(bytes) {
  case .success(let tree):
    let layout = tree.layout
    if layout.render(bytes) != bytes {
      fatalError("round trip failed for \(bytes.count) bytes")
    }
    _ = tree.dump()
    _ = Planner.parse(bytes, file: "fuzz", format: .json)
  case .failure(let failure):
    if failure.diagnostic.severity != .error { fatalError("rejected without an error") }
  }
  return 0
}
