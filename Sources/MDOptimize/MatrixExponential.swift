import Foundation
import MDCore

/// exp(A) of a small dense n×n matrix (row-major), by scaling and squaring:
///
///     exp(A) = (exp(A/2ˢ))^(2ˢ),  with 2ˢ ≥ ‖A‖₁/0.25,
///
/// and exp(A/2ˢ) from its Taylor series up to the term below 1e-18 relative (at most 30
/// terms). For ‖A/2ˢ‖ ≤ 0.25 the series converges to double precision in about 14 terms.
func matrixExponential(_ a: [Double], n: Int) -> [Double] {
    var norm = 0.0
    for j in 0..<n {
        var column = 0.0
        for i in 0..<n { column += abs(a[i * n + j]) }
        norm = max(norm, column)
    }
    var squarings = 0
    var scale = 1.0
    while norm * scale > 0.25 { scale *= 0.5; squarings += 1 }
    let scaled = a.map { $0 * scale }
    var result = identity(n)
    var term = identity(n)
    for k in 1...30 {
        term = multiply(term, scaled, n: n).map { $0 / Double(k) }
        for i in result.indices { result[i] += term[i] }
        if (term.map { abs($0) }.max() ?? 0) < 1e-18 { break }
    }
    for _ in 0..<squarings { result = multiply(result, result, n: n) }
    return result
}

private func identity(_ n: Int) -> [Double] {
    var m = Array(repeating: 0.0, count: n * n)
    for i in 0..<n { m[i * n + i] = 1 }
    return m
}

private func multiply(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
    var c = Array(repeating: 0.0, count: n * n)
    for i in 0..<n { for k in 0..<n {
        let aik = a[i * n + k]
        if aik == 0 { continue }
        for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
    } }
    return c
}

extension Matrix3 {
    /// exp(M).
    var exponential: Matrix3 {
        let e = matrixExponential(nested.flatMap { $0 }, n: 3)
        return Matrix3(rows: SIMD3(e[0], e[1], e[2]), SIMD3(e[3], e[4], e[5]), SIMD3(e[6], e[7], e[8]))
    }

    /// The Fréchet derivative of exp at `self` in direction `e`:
    /// D exp(M)[E] = ∫₀¹ e^{sM} E e^{(1−s)M} ds, the upper-right block of exp([[M, E], [0, M]]).
    func exponentialDerivative(direction e: Matrix3) -> Matrix3 {
        var block = Array(repeating: 0.0, count: 36)
        for i in 0..<3 { for j in 0..<3 {
            block[i * 6 + j] = self[i, j]
            block[i * 6 + j + 3] = e[i, j]
            block[(i + 3) * 6 + j + 3] = self[i, j]
        } }
        let x = matrixExponential(block, n: 6)
        var d = Matrix3.zero
        for i in 0..<3 { for j in 0..<3 { d[i, j] = x[i * 6 + j + 3] } }
        return d
    }
}
