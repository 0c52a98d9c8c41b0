/// Σ_k a_k b_k over `count` scalars with eight independent partial sums, so that the loop
/// vectorises (a plain `s += a[k]·b[k]` loop cannot be reordered by the compiler).
@inline(__always)
func dotProduct<T: MACEScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> T {
    var acc = SIMD8<T>()
    var k = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    let stride = MemoryLayout<T>.stride
    while k + 8 <= count {
        acc += ra.loadUnaligned(fromByteOffset: k * stride, as: SIMD8<T>.self)
            * rb.loadUnaligned(fromByteOffset: k * stride, as: SIMD8<T>.self)
        k += 8
    }
    var s = acc.sum()
    while k < count { s += a[k] * b[k]; k += 1 }
    return s
}
