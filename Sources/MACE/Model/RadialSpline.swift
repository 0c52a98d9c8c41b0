/// The fast radial mode (``RadialMode/spline``): the per-edge functions of one interaction that
/// depend on the bond length r alone, tabulated once at load and interpolated per edge.
///
/// In MACE (Batatia et al. 2022, eq. 7) the convolution weights of an edge are
///
///     w(r) = R(e(r)) [· f(r)],      e(r) = B(r)·f(r)  (or B(r) when f goes on the weights)
///
/// and the density of a density-normalised block is q(r) = D(e(r)): functions of r only, as long
/// as the radial networks see no element embedding and B no element-pair distance transform
/// (``RadialSplineBuilder`` refuses those models). Each column y of [w, q] is stored at the knots
/// r_n = n·h, n = 0…N−1, h = r_max/(N−1), as the value y_n and the scaled slope h·y′_n, with y′_n
/// the exact derivative of the network (forward mode, not a difference quotient). Between knots,
/// with r = (n + t)h, 0 ≤ t ≤ 1, the cubic Hermite interpolant
///
///     y(r) = H₀₀(t) y_n + H₁₀(t) h y′_n + H₀₁(t) y_{n+1} + H₁₁(t) h y′_{n+1}
///     H₀₀ = (1 + 2t)(1 − t)²,  H₁₀ = t(1 − t)²,  H₀₁ = t²(3 − 2t),  H₁₁ = t²(t − 1)
///
/// is C¹ in r, with error O(h⁴) in y and O(h³) in y′. It is stored per interval as the
/// coefficients of y = a + b t + c t² + d t³ (a = y_n, b = h y′_n, c = 3Δ − 2b − h y′_{n+1},
/// d = −2Δ + b + h y′_{n+1}, Δ = y_{n+1} − y_n), formed in float64: read back in float32, the
/// slope dy/dr = (b + 2ct + 3dt²)/h then carries no rounding of y divided by h. The reverse pass
/// uses dy/dr of this same cubic, so forces and virial are the exact derivative of the
/// interpolated energy. Edges at or beyond r_max get y = 0 (mace masks them; f and f′ vanish there).
struct RadialSpline<T: MACEScalar>: Sendable {
    /// Convolution weights per edge (columns 0..<weightCount).
    let weightCount: Int
    /// weightCount + 1 with a density column, else weightCount.
    let columns: Int
    /// Knot spacing h (Å) and its inverse (1/Å).
    let spacing: T
    let inverseSpacing: T
    /// N − 1.
    let intervals: Int
    /// Interval n: `columns` coefficients a, then b, c and d (see above).
    let table: [T]

    /// The same spline in precision U (coefficients rounded once).
    func converted<U: MACEScalar>(to: U.Type) -> RadialSpline<U> {
        RadialSpline<U>(weightCount: weightCount, columns: columns, spacing: U(spacing), inverseSpacing: U(inverseSpacing),
                        intervals: intervals, table: table.map { U($0) })
    }

    /// r_max = (N − 1)·h, Å.
    var cutoff: T { spacing * T(intervals) }

    /// Interval n and local coordinate t of a length r, or nil at or beyond r_max.
    @inline(__always) func locate(_ r: T) -> (n: Int, t: T)? {
        let u = r * inverseSpacing
        guard u < T(intervals) else { return nil }
        let n = max(0, Int(u))
        return (n, u - T(n))
    }

    /// Writes y(r) of every column into `values` (columns wide); `count` limits the columns.
    @inline(__always) func evaluate(_ r: T, into values: UnsafeMutablePointer<T>, count: Int) {
        guard let (n, t) = locate(r) else { values.update(repeating: 0, count: count); return }
        table.withUnsafeBufferPointer { tab in
            let a = tab.baseAddress! + n * 4 * columns, b = a + columns, c = b + columns, d = c + columns
            for k in 0..<count { values[k] = a[k] + t * (b[k] + t * (c[k] + t * d[k])) }
        }
    }

    /// Σ_k g_k dy_k/dr over the first `count` columns, for gradients g = ∂E/∂y (1/Å · [E]).
    @inline(__always) func contractDerivative(_ r: T, with g: UnsafePointer<T>, count: Int) -> T {
        guard let (n, t) = locate(r) else { return 0 }
        let t2 = 2 * t, t3 = 3 * t * t
        return table.withUnsafeBufferPointer { tab in
            let b = tab.baseAddress! + n * 4 * columns + columns, c = b + columns, d = c + columns
            var sum: T = 0
            for k in 0..<count { sum += g[k] * (b[k] + t2 * c[k] + t3 * d[k]) }
            return sum * inverseSpacing
        }
    }

    /// The density column's value and derivative dq/dr at r (1/Å).
    @inline(__always) func density(_ r: T) -> (value: T, derivative: T) {
        guard let (n, t) = locate(r) else { return (0, 0) }
        let k = n * 4 * columns + weightCount
        let a = table[k], b = table[k + columns], c = table[k + 2 * columns], d = table[k + 3 * columns]
        return (a + t * (b + t * (c + t * d)), (b + t * (2 * c + 3 * t * d)) * inverseSpacing)
    }
}

extension InteractionLayer {
    /// Spline forward of one block of edge rows: the convolution weights w (rows × weightCount)
    /// and, when `density` is given and the spline has a density column, q of every edge of
    /// each row. Used in place of the radial MLP (and envelope) when ``radialSpline`` is set.
    func splineWeights(_ spline: RadialSpline<T>, _ c: PassContext<T>, _ block: EdgeBlock,
                       density q: Buffer<T>?, workspace ws: Workspace<T>) -> Buffer<T> {
        let nw = spline.weightCount, lengths = c.edges.geometry.lengths
        let w = ws.buffer(block.rows * nw, zeroed: false)
        for r in 0..<block.rows {
            let e = block.edge(r), length = lengths[e]
            spline.evaluate(length, into: w.pointer + r * nw, count: nw)
            if let q, spline.columns > nw {
                let value = spline.density(length).value
                q[e] = value
                if let b = block.partner(r) { q[b] = value }
            }
        }
        return w
    }

    /// Spline reverse of one block: ∂E/∂r of the row's (first) edge += Σ_k ∂E/∂w_k dw_k/dr
    /// (+ ∂E/∂q dq/dr for density blocks, summed over the row's edges), into `c.lengthGradients`.
    /// A pair's gradient goes to its first edge, as in the exact mode: both edges have the same r.
    func splineBackward(_ spline: RadialSpline<T>, _ c: PassContext<T>, _ block: EdgeBlock,
                        dW: Buffer<T>, dq: Buffer<T>?) {
        guard let dLength = c.lengthGradients else { return }
        let nw = spline.weightCount, lengths = c.edges.geometry.lengths
        for r in 0..<block.rows {
            let e = block.edge(r), length = lengths[e]
            var g = spline.contractDerivative(length, with: dW.pointer + r * nw, count: nw)
            if let dq, spline.columns > nw {
                let seed = dq[e] + (block.partner(r).map { dq[$0] } ?? 0)
                g += seed * spline.density(length).derivative
            }
            dLength[e] += g
        }
    }
}
