/// Real spherical harmonics of a bond direction, as e3nn 0.4.4 computes them in MACE
/// (`o3.SphericalHarmonics(sh_irreps, normalize=True, normalization="component")`).
///
/// **Convention.** The input vector r = (x, y, z) is first normalised, n = r/|r|. For each
/// degree l = 0…L the 2l + 1 components are stored at offsets l² … l² + 2l (component index
/// i = l² + l + m, m = −l…l), and "component" normalisation gives Σ_m Y_lm(n)² = 2l + 1.
/// e3nn's polar axis is **y**: with (X, Y, Z) = (z, x, y) the e3nn functions are the standard
/// real harmonics without Condon–Shortley phase, times √(4π):
///
///     Y_l0  = N_l0 · Q_l^0(Z)
///     Y_l,+m = N_lm · Q_l^m(Z) · Re (X + iY)^m        (m > 0)
///     Y_l,−m = N_lm · Q_l^m(Z) · Im (X + iY)^m
///     N_lm  = √((2l + 1) (l − m)!/(l + m)!) · (√2 if m > 0)
///
/// where Q_l^m = dᵐP_l/dZᵐ (Legendre polynomial P_l) obeys
/// Q_m^m = (2m − 1)!!, Q_{m+1}^m = (2m + 1) Z Q_m^m and
/// (l − m) Q_l^m = (2l − 1) Z Q_{l−1}^m − (l + m − 1) Q_{l−2}^m.
/// So l = 1 is √3·(x, y, z)/r, and l = 2 starts with √15·xz/r².
///
/// **Derivative.** Since dQ_l^m/dZ = Q_l^{m+1} and ∂(X + iY)^m/∂X = m (X + iY)^{m−1},
/// ∂(X + iY)^m/∂Y = i m (X + iY)^{m−1}, the gradient g = Σ_i (∂E/∂Y_i) ∇_n Y_i is exact and
/// cheap; the normalisation n = r/|r| then gives ∂E/∂r = (g − (g·n) n)/|r|.
///
/// A zero vector gives Y_00 = 1 and zeros elsewhere (e3nn's `normalize` maps 0 to 0) and a zero
/// gradient. No allocation happens per call.
public struct SphericalHarmonics<T: MACEFloat>: Sendable {
    /// Per (l, m ≥ 0): N_lm and the recursion coefficients a_lm = (2l − 1)/(l − m),
    /// b_lm = (l + m − 1)/(l − m) (zero for l = m), so that Q_l^m = a Z Q_{l−1}^m − b Q_{l−2}^m
    /// for l > m with Q_{m−1}^m = 0.
    struct Coefficients: Sendable {
        var norm: T
        var a: T
        var b: T
    }

    /// Largest degree L (mace-torch `max_ell`).
    public let maxDegree: Int
    /// Coefficients of (l, m) at l(l + 1)/2 + m.
    private let table: [Coefficients]

    /// Number of components, (L + 1)².
    public var count: Int { (maxDegree + 1) * (maxDegree + 1) }

    /// Prepares the harmonics of degrees 0…`maxDegree` (0 ≤ maxDegree ≤ 20).
    /// - Throws: `BasisError` when `maxDegree` is out of range.
    public init(maxDegree: Int) throws {
        guard (0...20).contains(maxDegree) else {
            throw BasisError("SphericalHarmonics: max_ell \(maxDegree) is outside 0…20")
        }
        self.maxDegree = maxDegree
        var table = [Coefficients]()
        for l in 0...maxDegree {
            for m in 0...l {
                // (l − m)!/(l + m)! as a product of reciprocals, in Double.
                var ratio = 1.0
                if m > 0 { for k in (l - m + 1)...(l + m) { ratio /= Double(k) } }
                let n = (Double(2 * l + 1) * ratio).squareRoot() * (m > 0 ? 2.0.squareRoot() : 1.0)
                let d = Double(l - m)
                table.append(Coefficients(
                    norm: T(n),
                    a: l > m ? T(Double(2 * l - 1) / d) : 0,
                    b: l > m ? T(Double(l + m - 1) / d) : 0))
            }
        }
        self.table = table
    }

    @inline(__always) private static func triangle(_ l: Int, _ m: Int) -> Int { l * (l + 1) / 2 + m }

    /// Arithmetic operations of one ``evaluate(_:into:)`` as written (r̂: 9 with the square root;
    /// per order m: 7 for (X + iY)^m and (2m − 1)!!; per (l, m): 4 for the recursion when l > m,
    /// 1 for the norm and 1 or 2 for the output values), for the benchmark's FLOP counts.
    var flopsPerEvaluation: Double {
        var n = 9
        for m in 0...maxDegree {
            n += 7
            for l in m...maxDegree { n += (l > m ? 4 : 0) + 1 + (m > 0 ? 2 : 1) }
        }
        return Double(n)
    }

    /// Writes Y(r) (dimensionless, `count` values in e3nn order) into `values`.
    /// - Parameters:
    ///   - r: the bond vector r_ij = x_j − x_i (any length unit; only its direction matters).
    ///   - values: at least `count` elements.
    public func evaluate(_ r: SIMD3<T>, into values: UnsafeMutableBufferPointer<T>) {
        precondition(values.count >= count, "SphericalHarmonics: buffer too small")
        let length = (r * r).sum().squareRoot()
        values[0] = 1
        guard length > 0 else {
            for i in 1..<count { values[i] = 0 }
            return
        }
        let X = r.z / length, Y = r.x / length, Z = r.y / length
        let L = maxDegree
        table.withUnsafeBufferPointer { table in
            var c: T = 1, s: T = 0          // Re and Im of (X + iY)^m
            var qmm: T = 1                  // Q_m^m = (2m − 1)!!
            for m in 0...L {
                var qPrev: T = 0            // Q_{l−1}^m
                var q: T = qmm              // Q_l^m
                for l in m...L {
                    let k = table[Self.triangle(l, m)]
                    if l > m { (qPrev, q) = (q, k.a * Z * q - k.b * qPrev) }
                    let nq = k.norm * q
                    let centre = l * l + l
                    values[centre + m] = nq * c
                    if m > 0 { values[centre - m] = nq * s }
                }
                (c, s) = (c * X - s * Y, c * Y + s * X)
                qmm *= T(2 * m + 1)
            }
        }
    }

    /// Back-propagates through `evaluate`: returns ∂E/∂r (units of E per unit of r) given
    /// ∂E/∂Y in `gradient` (`count` values in e3nn order).
    public func backward(_ r: SIMD3<T>, gradient: UnsafeBufferPointer<T>) -> SIMD3<T> {
        precondition(gradient.count >= count, "SphericalHarmonics: gradient too small")
        let length = (r * r).sum().squareRoot()
        guard length > 0, maxDegree > 0 else { return .zero }
        let X = r.z / length, Y = r.x / length, Z = r.y / length
        let L = maxDegree
        var gX: T = 0, gY: T = 0, gZ: T = 0
        table.withUnsafeBufferPointer { table in
            var c: T = 1, s: T = 0              // Re, Im of (X + iY)^m
            var cPrev: T = 0, sPrev: T = 0      // Re, Im of (X + iY)^(m−1)
            var qmm: T = 1                      // (2m − 1)!!
            for m in 0...L {
                let mT = T(m)
                // Q_l^m and its Z-derivative D_l = Q_l^{m+1}, for l = m…L.
                var qPrev: T = 0, q: T = qmm
                var dPrev: T = 0, d: T = 0
                for l in m...L {
                    let k = table[Self.triangle(l, m)]
                    if l > m {
                        (qPrev, q) = (q, k.a * Z * q - k.b * qPrev)
                        if l == m + 1 {
                            d = qmm * T(2 * m + 1)              // Q_{m+1}^{m+1}
                        } else {
                            let k1 = table[Self.triangle(l, m + 1)]
                            (dPrev, d) = (d, k1.a * Z * d - k1.b * dPrev)
                        }
                    }
                    let centre = l * l + l
                    let gc = gradient[centre + m] * k.norm
                    if m == 0 {
                        gZ += gc * d
                    } else {
                        let gs = gradient[centre - m] * k.norm
                        let mq = mT * q
                        gX += mq * (gc * cPrev + gs * sPrev)
                        gY += mq * (gs * cPrev - gc * sPrev)
                        gZ += d * (gc * c + gs * s)
                    }
                }
                (cPrev, sPrev) = (c, s)
                (c, s) = (c * X - s * Y, c * Y + s * X)
                qmm *= T(2 * m + 1)
            }
        }
        // Back to e3nn axes (x, y, z) = (Y, Z, X); project onto the tangent plane of n.
        let g = SIMD3<T>(gY, gZ, gX)
        let n = r / length
        return (g - (g * n).sum() * n) / length
    }
}
