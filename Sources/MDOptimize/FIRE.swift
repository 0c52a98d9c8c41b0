import MDCore

/// The Fast Inertial Relaxation Engine (Bitzek, Koskinen, Gähler, Moseler & Gumbsch,
/// Phys. Rev. Lett. 97, 170201, 2006), with ASE's parameters and unit masses.
///
/// Each step, with forces F and power P = F·v (sums over all rows):
///
///     P > 0:  v ← (1 − a) v + a |v| F/|F|;  after more than N_min such steps in a row
///             Δt ← min(f_inc Δt, Δt_max) and a ← f_a a
///     P ≤ 0:  v ← 0, a ← a_start, Δt ← f_dec Δt
///     v ← v + Δt F;  Δr = Δt v, scaled down to |Δr| = maxStep if longer;  x ← x + Δr.
///
/// |Δr| is the norm over all rows together, as in ASE. Time is in ASE's arbitrary units.
public struct FIRE: Optimizer, Equatable {
    /// Initial time step (default 0.1).
    public var timeStep: Double
    /// Largest total displacement of one step in Å (default 0.2).
    public var maxStep: Double
    /// Largest time step (default 1.0).
    public var maxTimeStep: Double
    /// Steps with P > 0 before Δt may grow (default 5).
    public var minStepsBeforeIncrease: Int
    /// Δt growth factor (default 1.1).
    public var timeStepIncrease: Double
    /// Δt shrink factor after P ≤ 0 (default 0.5).
    public var timeStepDecrease: Double
    /// Initial mixing a (default 0.1).
    public var mixingStart: Double
    /// Mixing decay factor (default 0.99).
    public var mixingDecrease: Double

    /// Current mixing a.
    public private(set) var mixing: Double
    /// Consecutive steps with P > 0.
    public private(set) var positiveSteps = 0
    /// Velocities (empty before the first step).
    public private(set) var velocities: [SIMD3<Double>] = []

    /// ASE's defaults unless given.
    public init(timeStep: Double = 0.1, maxStep: Double = 0.2, maxTimeStep: Double = 1.0,
                minStepsBeforeIncrease: Int = 5, timeStepIncrease: Double = 1.1,
                timeStepDecrease: Double = 0.5, mixingStart: Double = 0.1,
                mixingDecrease: Double = 0.99) throws {
        try requirePositive("timeStep", timeStep)
        try requirePositive("maxStep", maxStep, unit: "Å")
        try requirePositive("maxTimeStep", maxTimeStep)
        self.timeStep = timeStep
        self.maxStep = maxStep
        self.maxTimeStep = maxTimeStep
        self.minStepsBeforeIncrease = minStepsBeforeIncrease
        self.timeStepIncrease = timeStepIncrease
        self.timeStepDecrease = timeStepDecrease
        self.mixingStart = mixingStart
        self.mixingDecrease = mixingDecrease
        self.mixing = mixingStart
    }

    public mutating func step(coordinates x: [SIMD3<Double>], forces f: [SIMD3<Double>],
                              energy: Double) -> [SIMD3<Double>] {
        if velocities.count != x.count {
            velocities = Array(repeating: .zero, count: x.count)
        } else {
            let power = dotAll(f, velocities)
            if power > 0 {
                let fNorm = dotAll(f, f).squareRoot()
                let vNorm = dotAll(velocities, velocities).squareRoot()
                let c = fNorm > 0 ? mixing * vNorm / fNorm : 0
                for i in velocities.indices { velocities[i] = (1 - mixing) * velocities[i] + c * f[i] }
                if positiveSteps > minStepsBeforeIncrease {
                    timeStep = Swift.min(timeStep * timeStepIncrease, maxTimeStep)
                    mixing *= mixingDecrease
                }
                positiveSteps += 1
            } else {
                velocities = Array(repeating: .zero, count: x.count)
                mixing = mixingStart
                timeStep *= timeStepDecrease
                positiveSteps = 0
            }
        }
        for i in velocities.indices { velocities[i] += timeStep * f[i] }
        var dr = velocities.map { timeStep * $0 }
        let norm = dotAll(dr, dr).squareRoot()
        if norm > maxStep { dr = dr.map { (maxStep / norm) * $0 } }
        return zip(x, dr).map { $0 + $1 }
    }
}
