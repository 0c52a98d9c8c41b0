import MDCore
import MDPotentials

/// Initial velocities from the Maxwell-Boltzmann distribution.
public enum MaxwellBoltzmann {
    /// Velocities (Å/fs) drawn at `temperature` from a seeded, portable generator.
    ///
    /// Each Cartesian component of a free atom is normal with variance k_B T / m
    /// (converted to Å²/fs² by dividing by `Units.kineticEnergyPerMassVelocitySquared`).
    /// Fixed atoms get zero velocity. Without fixed atoms the centre-of-mass velocity is
    /// then removed (N_f = 3N − 3); with fixed atoms it is not (N_f = 3·N_free), matching
    /// ``DynamicsState/degreesOfFreedom``. With `exactTemperature` the velocities are finally
    /// scaled so that 2K/(N_f k_B) equals `temperature` exactly.
    ///
    /// - Parameters:
    ///   - masses: atomic masses in amu.
    ///   - temperature: K (≥ 0).
    ///   - rng: the generator; advanced by the draw (seed it with `Xoshiro256StarStar(seed:)`).
    ///   - fixed: per-atom fixed mask (default none).
    ///   - exactTemperature: rescale to the exact target temperature (default true).
    public static func velocities(masses: [Double], temperature: Double,
                                  rng: inout Xoshiro256StarStar, fixed: [Bool]? = nil,
                                  exactTemperature: Bool = true) throws -> [SIMD3<Double>] {
        try requireNonNegative("temperature", temperature, unit: "K")
        let n = masses.count
        let mask = try DynamicsError.checked(fixed, count: n)
        let kT = thermalEnergy(temperature) / Units.kineticEnergyPerMassVelocitySquared  // amu·Å²/fs²
        let normals = rng.normalVectors(n)
        var v = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n where !mask[i] { v[i] = (kT / masses[i]).squareRoot() * normals[i] }
        let free = mask.lazy.filter { !$0 }.count
        let removeCenterOfMass = free == n
        if removeCenterOfMass {
            var p = SIMD3<Double>.zero
            for i in 0..<n { p += masses[i] * v[i] }
            let vcm = p / masses.reduce(0, +)
            for i in 0..<n { v[i] -= vcm }
        }
        let nf = removeCenterOfMass ? 3 * free - 3 : 3 * free
        if exactTemperature && nf > 0 {
            var twiceK = 0.0
            for i in 0..<n { twiceK += masses[i] * dot(v[i], v[i]) }
            // 2K = N_f k_B T in amu·Å²/fs²: scale by √(N_f kT / 2K).
            if twiceK > 0 {
                let scale = (Double(nf) * kT / twiceK).squareRoot()
                for i in 0..<n { v[i] *= scale }
            }
        }
        return v
    }

    /// Convenience: velocities for `system` from `seed`.
    public static func velocities(for system: AtomicSystem, temperature: Double, seed: UInt64,
                                  fixed: [Bool]? = nil, exactTemperature: Bool = true) throws -> [SIMD3<Double>] {
        var rng = Xoshiro256StarStar(seed: seed)
        return try velocities(masses: system.masses, temperature: temperature, rng: &rng,
                              fixed: fixed, exactTemperature: exactTemperature)
    }
}
