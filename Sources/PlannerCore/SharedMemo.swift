import Dispatch

/// A mutual-exclusion lock: a semaphore rather than `Mutex`, which needs macOS 15.
package final class Lock: @unchecked Sendable {
  private let semaphore = DispatchSemaphore(value: 1)

  package init() {}

  package func lock() { semaphore.wait() }
  package func unlock() { semaphore.signal() }

  package func withLock<T>(_ body: () throws -> T) rethrows -> T {
    lock()
    defer { unlock() }
    return try body()
  }
}

/// Results of a pure function, by argument, shared by every thread: a lookup or a store takes a
/// lock. Bounded: when it holds `limit` results it starts again empty, so that a long batch
/// keeps what its recent files ask for and no more.
package final class SharedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
  private var values: [Key: Value] = [:]
  private let limit: Int
  private let lock = Lock()

  package init(limit: Int) { self.limit = limit }

  package func value(for key: Key) -> Value? {
    lock.withLock { values[key] }
  }

  package func store(_ value: Value, for key: Key) {
    lock.withLock {
      if values.count >= limit { values.removeAll(keepingCapacity: true) }
      values[key] = value
    }
  }

  /// The value for `key`, made by `make` the first time. `make` runs outside the lock (it may
  /// take other locks, or be slow); two threads asking at once may both make it, and one
  /// result is kept.
  package func value(for key: Key, making make: () throws -> Value) rethrows -> Value {
    if let known = value(for: key) { return known }
    let made = try make()
    store(made, for: key)
    return made
  }
}
