/// Builds the ``RadialSpline`` of every interaction of a model at load time (fast radial mode).
///
/// At each knot r_n the builder runs the layer's own radial network on e(r_n) together with its
/// tangent: forward-mode differentiation of e3nn's `FullyConnectedNet`,
///
///     ż⁰ = ė(r) = de/dr,   żᵏ = ḣᵏ⁻¹ Wᵏ,   ḣᵏ = σ′(zᵏ) żᵏ,   σ′(z) = c·s·(1 + z(1 − s)),
///
/// so the slopes stored at the knots are the network's exact dw/dr (to rounding). The envelope
/// on the weights (mace `apply_cutoff=False`) is folded in: w = R·f, w′ = R′f + Rf′.
enum RadialSplineBuilder {
    /// Knot spacing of the tables, Å: at most this, with r_max an exact multiple. With cubic
    /// Hermite interpolation the float64 force error is then ≤ 1.3e-5 of max|F| on the test
    /// fixtures and 2.5e-6 on MACE-MP-0-shaped models (README "Fast radial mode"), below
    /// symmetrix-xl's 256-point cubic splines (5e-5).
    static let defaultSpacing = 0.01

    /// The spline of every layer of a model, or a ``MACEError/unsupported(_:)`` naming what makes
    /// the radial weights depend on more than r (a distance transform reads the elements'
    /// covalent radii; a non-linear block feeds element embeddings to its radial MLP).
    static func splines<T>(layers: [InteractionLayer<T>], embedding: RadialEmbedding<T>, cutoff: Double,
                           spacing: Double = defaultSpacing) throws -> [RadialSpline<T>] {
        if let transform = embedding.transform {
            let name = switch transform { case .agnesi: "Agnesi"; case .soft: "Soft" }
            throw MACEError.unsupported("radial mode 'spline': the radial basis depends on the elements (distance transform '\(name)'); use radial mode 'exact'")
        }
        return try layers.enumerated().map { t, layer in
            guard layer.nonLinear == nil else {
                throw MACEError.unsupported("radial mode 'spline': layer \(t)'s radial MLP sees element embeddings (non-linear interaction block); use radial mode 'exact'")
            }
            guard case .e3nn(let radial) = layer.radial else {
                throw MACEError.unsupported("radial mode 'spline': layer \(t)'s radial network is not an e3nn FullyConnectedNet; use radial mode 'exact'")
            }
            var density: FullyConnectedNet<T>? = nil
            if let d = layer.density {
                guard case .e3nn(let net) = d else {
                    throw MACEError.unsupported("radial mode 'spline': layer \(t)'s density network is not an e3nn FullyConnectedNet; use radial mode 'exact'")
                }
                density = net
            }
            return tabulate(radial: radial, density: density, embedding: embedding, cutoff: cutoff, spacing: spacing)
        }
    }

    /// `layers` with their ``InteractionLayer/radialSpline`` set (see ``splines(layers:embedding:cutoff:spacing:)``).
    static func attach<T>(to layers: [InteractionLayer<T>], embedding: RadialEmbedding<T>, cutoff: Double,
                          spacing: Double = defaultSpacing) throws -> [InteractionLayer<T>] {
        let tables = try splines(layers: layers, embedding: embedding, cutoff: cutoff, spacing: spacing)
        var result = layers
        for t in result.indices { result[t].radialSpline = tables[t] }
        return result
    }

    /// `layers` (of a model in precision T read from `file`) with splines tabulated in float64:
    /// from the layers themselves in float64, else from the float64 model read from `file`,
    /// the coefficients then rounded to T once.
    static func attach<T>(to layers: [InteractionLayer<T>], embedding: RadialEmbedding<T>, file: SafetensorsFile,
                          head: String?, cutoff: Double) throws -> [InteractionLayer<T>] {
        if T.self == Double.self { return try attach(to: layers, embedding: embedding, cutoff: cutoff) }
        let reference = try MACEModel<Double>(file: file, head: head)
        let tables = try splines(layers: reference.layers, embedding: reference.radialEmbedding, cutoff: cutoff)
        var result = layers
        for t in result.indices { result[t].radialSpline = tables[t].converted(to: T.self) }
        return result
    }

    /// The table of one layer: knots 0…N−1 at spacing r_max/(N−1) ≤ `spacing`.
    static func tabulate<T>(radial: FullyConnectedNet<T>, density: FullyConnectedNet<T>?, embedding: RadialEmbedding<T>,
                            cutoff: Double, spacing: Double) -> RadialSpline<T> {
        let intervals = max(1, Int((cutoff / spacing).rounded(.up)))
        let knots = intervals + 1, h = cutoff / Double(intervals), nb = embedding.count
        // e(r_n) and de/dr at every knot; knot 0 is read just above r = 0, where the Bessel
        // basis sin(kr)/r is a limit (no bond is that short; the table only has to be finite).
        var e = [T](repeating: 0, count: knots * nb), de = e
        for n in 0..<knots {
            let r = n == 0 ? 1e-3 * h : Double(n) * h
            e.withUnsafeMutableBufferPointer { ev in de.withUnsafeMutableBufferPointer { dv in
                embedding.evaluate(T(r), 0, 0, features: UnsafeMutableBufferPointer(rebasing: ev[(n * nb)..<((n + 1) * nb)]),
                                   derivatives: UnsafeMutableBufferPointer(rebasing: dv[(n * nb)..<((n + 1) * nb)]))
            } }
        }
        let (w, dw) = tangent(radial, e, de, rows: knots)
        let dens = density.map { tangent($0, e, de, rows: knots) }
        let nw = radial.outputCount, columns = nw + (density == nil ? 0 : 1)
        // Knot n: `columns` values y_n, then `columns` scaled slopes h·y′_n.
        var table = [T](repeating: 0, count: knots * 2 * columns)
        for n in 0..<knots {
            let r = T(n == 0 ? 1e-3 * h : Double(n) * h)
            // The envelope on the weights (apply_cutoff=False); e already holds it otherwise.
            let (f, df) = embedding.appliesCutoff ? (T(1), T(0)) : embedding.cutoff.valueAndDerivative(r)
            let row = n * 2 * columns
            for k in 0..<nw {
                let y = w[n * nw + k], dy = dw[n * nw + k]
                table[row + k] = y * f
                table[row + columns + k] = T(h) * (dy * f + y * df)
            }
            if let (q, dq) = dens {
                table[row + nw] = q[n]
                table[row + columns + nw] = T(h) * dq[n]
            }
        }
        // r_max: mace masks the edge there, so value and slope are 0 whatever the network gives.
        for k in 0..<(2 * columns) { table[intervals * 2 * columns + k] = 0 }
        // Interval n: the coefficients a, b, c, d of y = a + bt + ct² + dt³ per column.
        var coefficients = [T](repeating: 0, count: intervals * 4 * columns)
        for n in 0..<intervals {
            let k0 = n * 2 * columns, k1 = k0 + 2 * columns, out = n * 4 * columns
            for k in 0..<columns {
                let y0 = table[k0 + k], s0 = table[k0 + columns + k], y1 = table[k1 + k], s1 = table[k1 + columns + k]
                coefficients[out + k] = y0
                coefficients[out + columns + k] = s0
                coefficients[out + 2 * columns + k] = 3 * (y1 - y0) - 2 * s0 - s1
                coefficients[out + 3 * columns + k] = 2 * (y0 - y1) + s0 + s1
            }
        }
        return RadialSpline(weightCount: nw, columns: columns, spacing: T(h), inverseSpacing: T(1 / h),
                            intervals: intervals, table: coefficients)
    }

    /// The network's output y (rows × outputs) at inputs x and its directional derivative
    /// ẏ = (∂y/∂x) ẋ, both (rows × inputs), by forward-mode differentiation.
    static func tangent<T>(_ net: FullyConnectedNet<T>, _ x: [T], _ dx: [T], rows: Int) -> (value: [T], tangent: [T]) {
        var h = x, dh = dx
        for (k, layer) in net.layers.enumerated() {
            func product(_ input: [T]) -> [T] {
                var out = [T](repeating: 0, count: rows * layer.outputs)
                input.withUnsafeBufferPointer { a in layer.weights.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { c in
                    T.gemm(transA: false, transB: false, m: rows, n: layer.outputs, k: layer.inputs, alpha: 1,
                           a: a.baseAddress!, lda: layer.inputs, b: b.baseAddress!, ldb: layer.outputs,
                           beta: 0, c: c.baseAddress!, ldc: layer.outputs)
                } } }
                return out
            }
            let z = product(h), dz = product(dh)
            if k == net.layers.count - 1 { return (z, dz) }
            let c = layer.activationScale ?? 1
            h = z; dh = dz
            for i in z.indices {
                let s = 1 / (1 + T.exp(-z[i]))
                h[i] = c * z[i] * s
                dh[i] = c * s * (1 + z[i] * (1 - s)) * dz[i]
            }
        }
        return (h, dh)
    }
}
