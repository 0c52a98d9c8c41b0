import MDCore

/// Limited-memory BFGS (Nocedal, Math. Comp. 35, 773, 1980) without a line search, in
/// the manner of ASE's `LBFGS`: the step is d = −H g with g = −F and H the L-BFGS inverse
/// Hessian built on H₀ = I/α from the last `memory` pairs
///
///     s_k = x_{k+1} − x_k,   y_k = g_{k+1} − g_k,   ρ_k = 1/(y_k·s_k),
///
/// by the two-loop recursion. If the longest per-row step exceeds `maxStep` the whole
/// step is scaled down to it. Pairs with y·s ≤ 0 (negative curvature) are not stored,
/// and if −Hg is not a descent direction the memory is cleared and d = −g/α is used.
public struct LBFGS: Optimizer, Equatable {
    /// Number of (s, y) pairs kept (default 100).
    public var memory: Int
    /// Largest displacement of one row in one step, Å (default 0.2).
    public var maxStep: Double
    /// Initial Hessian guess α in eV/Å² (default 70): H₀ = I/α.
    public var alpha: Double

    /// Stored steps s_k (Å), oldest first.
    public private(set) var s: [[SIMD3<Double>]] = []
    /// Stored gradient changes y_k (eV/Å), oldest first.
    public private(set) var y: [[SIMD3<Double>]] = []
    /// Stored ρ_k = 1/(y_k·s_k) (1/eV).
    public private(set) var rho: [Double] = []
    /// Coordinates and gradient of the previous step.
    public private(set) var previousCoordinates: [SIMD3<Double>] = []
    public private(set) var previousGradient: [SIMD3<Double>] = []

    /// ASE's defaults unless given.
    public init(memory: Int = 100, maxStep: Double = 0.2, alpha: Double = 70) throws {
        guard memory >= 1 else {
            throw OptimizeError.invalidParameter(name: "memory", value: Double(memory), requirement: "must be ≥ 1")
        }
        try requirePositive("maxStep", maxStep, unit: "Å")
        try requirePositive("alpha", alpha, unit: "eV/Å²")
        self.memory = memory
        self.maxStep = maxStep
        self.alpha = alpha
    }

    public mutating func step(coordinates x: [SIMD3<Double>], forces f: [SIMD3<Double>],
                              energy: Double) -> [SIMD3<Double>] {
        let g = f.map { -$0 }
        if previousCoordinates.count == x.count {
            let sk = zip(x, previousCoordinates).map { $0 - $1 }
            let yk = zip(g, previousGradient).map { $0 - $1 }
            let ys = dotAll(yk, sk)
            if ys > 0 {
                s.append(sk); y.append(yk); rho.append(1 / ys)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
        } else {
            s = []; y = []; rho = []
        }
        var d = direction(gradient: g).map { -$0 }
        if dotAll(d, g) >= 0 {
            s = []; y = []; rho = []
            d = g.map { -$0 / alpha }
        }
        let longest = d.reduce(0) { Swift.max($0, length($1)) }
        if longest > maxStep { d = d.map { (maxStep / longest) * $0 } }
        previousCoordinates = x
        previousGradient = g
        return zip(x, d).map { $0 + $1 }
    }

    /// H g by the two-loop recursion:
    /// q ← g; for k newest→oldest: a_k = ρ_k s_k·q, q ← q − a_k y_k;
    /// z ← q/α; for k oldest→newest: b = ρ_k y_k·z, z ← z + (a_k − b) s_k.
    func direction(gradient g: [SIMD3<Double>]) -> [SIMD3<Double>] {
        var q = g
        var a = Array(repeating: 0.0, count: s.count)
        for k in s.indices.reversed() {
            a[k] = rho[k] * dotAll(s[k], q)
            for i in q.indices { q[i] -= a[k] * y[k][i] }
        }
        var z = q.map { $0 / alpha }
        for k in s.indices {
            let b = rho[k] * dotAll(y[k], z)
            for i in z.indices { z[i] += (a[k] - b) * s[k][i] }
        }
        return z
    }
}
