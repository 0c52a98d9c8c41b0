/// A heap buffer of `count` scalars with a stable address, for the evaluator's work arrays.
/// Reference semantics; it frees its memory when the last reference goes. Not shared between
/// threads except for disjoint writes.
final class Buffer<T: MACEScalar>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    private(set) var count: Int

    /// A zero-filled buffer of `count` scalars.
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    convenience init(_ values: [T]) {
        self.init(count: values.count)
        for i in values.indices { pointer[i] = values[i] }
    }

    deinit { pointer.deallocate() }

    /// Sets every entry to zero.
    func zero() { pointer.update(repeating: 0, count: count) }

    subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
