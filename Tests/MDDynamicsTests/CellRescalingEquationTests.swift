import Foundation
import MDCore
import Testing
@testable import MDDynamics

/// The C-rescale step in ln V on its own, with a model pressure: does it sample the isobaric
/// volume distribution, and does it need Bernetti & Bussi's k_BT/V drift?
@Suite struct CellRescalingEquationTests {
    /// With the pressure of F(V) = −c ln V, P(V) = c/V, the isothermal–isobaric distribution is
    /// p(V) ∝ e^{−(F + P₀V)/k_BT} = V^{c/k_BT} e^{−P₀V/k_BT}, a Gamma distribution with
    /// ⟨V⟩ = (c + k_BT)/P₀. Iterating V ← V·exp(tr e) with e = drift + noise of
    /// ``BarostatParameters`` (c = 2k_BT, τ_p = 100 fs, β_T = 1/P₀, Δt = 0.5 fs, 3,000 relaxation
    /// times) gives it within 5 % (the standard error is about 1.5 %). A k_BT/V added to the drift in
    /// ln V would give (c + 2k_BT)/P₀, 33 % more: Itô's correction has already put it there.
    @Test func logVolumeStepSamplesTheIsobaricDistribution() {
        let kT = 0.01, p0 = 1e-3, c = 2 * kT, dt = 0.5
        let b = BarostatParameters(targetPressure: Matrix3(diagonal: SIMD3(repeating: p0)), timeConstant: 100,
                                   bulkModulus: p0, coupling: .isotropic)
        var rng = Xoshiro256StarStar(seed: 9)
        var volume = (c + kT) / p0, sum = 0.0, count = 0
        for step in 0..<600_000 {
            let pressure = Matrix3(diagonal: SIMD3(repeating: c / volume))
            let strain = b.driftStrain(pressure: pressure, dt: dt) + b.noiseStrain(kT: kT, volume: volume, dt: dt, rng: &rng)
            volume *= exp(strain.trace)
            if step >= 20_000 { sum += volume; count += 1 }
        }
        let mean = sum / Double(count), expected = (c + kT) / p0
        #expect(abs(mean / expected - 1) < 0.05, "⟨V⟩ = \(mean) Å³, isobaric \(expected) Å³, with a k_BT/V drift \((c + 2 * kT) / p0) Å³")
    }
}
