import Foundation

/// A heap buffer of `count` scalars with a stable address, for the evaluator's work arrays.
/// Reference semantics; it frees its memory when the last reference goes. Not shared between
/// threads except for disjoint writes.
final class Buffer<T: MACEScalar>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    private(set) var count: Int
    let capacity: Int

    /// A zero-filled buffer of `count` scalars.
    init(count: Int) {
        self.count = count
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    /// Reuses the memory for `count` ≤ capacity scalars, zero-filled when `zeroed`.
    func reset(count: Int, zeroed: Bool = true) {
        self.count = count
        if zeroed { pointer.update(repeating: 0, count: count) }
    }

    convenience init(_ values: [T]) {
        self.init(count: values.count)
        for i in values.indices { pointer[i] = values[i] }
    }

    deinit { pointer.deallocate() }

    subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Work arrays of one evaluation, kept between evaluations so that large arrays are not
/// re-allocated (and page-faulted) at every MD step. Buffers are handed out in request order;
/// the same system size requests the same sequence, so each request reuses its predecessor's
/// memory. Not thread-safe: one evaluation at a time (see ``WorkspacePool``).
final class Workspace<T: MACEScalar>: @unchecked Sendable {
    private var buffers: [Buffer<T>] = []
    private var cursor = 0

    init() {}

    /// Starts a new evaluation: every buffer may be handed out again.
    func rewind() { cursor = 0 }

    /// The position of the next request. Buffers handed out after it can be handed back with
    /// ``release(to:)``, which keeps the peak memory of an evaluation to what is live at once.
    var mark: Int { cursor }

    /// Hands back every buffer given out since `mark`: later requests reuse their memory, so the
    /// caller must no longer use them.
    func release(to mark: Int) { cursor = min(cursor, mark) }

    /// A buffer of `count` scalars, valid until the next ``rewind()`` (or ``release(to:)`` of an
    /// earlier mark). Zero-filled unless `zeroed` is false, for buffers that are overwritten in full.
    func buffer(_ count: Int, zeroed: Bool = true) -> Buffer<T> {
        defer { cursor += 1 }
        if cursor < buffers.count {
            let b = buffers[cursor]
            if b.capacity >= count {
                b.reset(count: count, zeroed: zeroed)
                return b
            }
            let fresh = Buffer<T>(count: count)
            buffers[cursor] = fresh
            return fresh
        }
        let fresh = Buffer<T>(count: count)
        buffers.append(fresh)
        return fresh
    }
}

/// Workspaces shared by the evaluations of one model: an evaluation borrows one (or makes a new
/// one when all are in use, e.g. concurrent evaluations) and returns it when done.
final class WorkspacePool<T: MACEScalar>: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Workspace<T>] = []

    init() {}

    func withWorkspace<R>(_ body: (Workspace<T>) throws -> R) rethrows -> R {
        lock.lock()
        let ws = free.popLast() ?? Workspace<T>()
        lock.unlock()
        ws.rewind()
        defer { lock.lock(); free.append(ws); lock.unlock() }
        return try body(ws)
    }
}
