import Dispatch

/// Results of a pure function, by argument, shared by every thread: a lookup or a store takes a
/// lock. Bounded: when it holds `limit` results it starts again empty, so that a long batch
/// keeps what its recent files ask for and no more.
final class SharedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
  private var values: [Key: Value] = [:]
  private let limit: Int
  /// A semaphore rather than `Mutex`, which needs macOS 15.
  private let lock = DispatchSemaphore(value: 1)

  init(limit: Int) { self.limit = limit }

  func value(for key: Key) -> Value? {
    lock.wait()
    defer { lock.signal() }
    return values[key]
  }

  func store(_ value: Value, for key: Key) {
    lock.wait()
    defer { lock.signal() }
    if values.count >= limit { values.removeAll(keepingCapacity: true) }
    values[key] = value
  }
}
