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

    /// Reuses the memory for `count` ≤ capacity scalars, zero-filled when `zeroed` (on all
    /// cores when the buffer is large: the node arrays that evaluations sum into are MB in
    /// size, and a serial fill would leave the other cores idle).
    func reset(count: Int, zeroed: Bool = true) {
        self.count = count
        guard zeroed else { return }
        if count < Self.parallelFillCount {
            pointer.update(repeating: 0, count: count)
        } else {
            let p = pointer
            Parallel.forChunks(count, grain: Self.parallelFillCount / 4) { chunk in
                (p + chunk.lowerBound).update(repeating: 0, count: chunk.count)
            }
        }
    }

    /// Scalars from which ``reset(count:zeroed:)`` zero-fills on all cores.
    static var parallelFillCount: Int { 1 << 17 }

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
/// memory. A buffer lives until the evaluation ends (``rewind()``) or, when taken inside
/// ``withScratch(_:)``, until that scope ends. Not thread-safe: one evaluation at a time (see
/// ``WorkspacePool``).
final class Workspace<T: MACEScalar>: @unchecked Sendable {
    private var buffers: [Buffer<T>] = []
    private var cursor = 0

    init() {}

    /// Starts a new evaluation: every buffer may be handed out again.
    func rewind() { cursor = 0 }

    /// Runs `body`, whose buffers are its own: every buffer handed out inside `body` is handed
    /// back when it returns (later requests reuse the memory), so nothing taken inside may
    /// escape it. Buffers taken before the call stay valid.
    func withScratch<R>(_ body: () throws -> R) rethrows -> R {
        let mark = cursor
        defer { cursor = min(cursor, mark) }
        return try body()
    }

    /// A buffer of `count` scalars, valid until the next ``rewind()`` or the end of the
    /// ``withScratch(_:)`` call it was taken in. Zero-filled unless `zeroed` is false, for buffers that are overwritten in full.
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
