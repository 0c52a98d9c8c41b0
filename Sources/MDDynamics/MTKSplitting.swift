import MDPotentials

/// The Martyna–Tobias–Klein step as a splitting (Shinoda et al., Phys. Rev. B 69, 134103
/// (2004); the order of LAMMPS' fix_nh): chain half steps C_b C_p, barostat kick, particle kick,
/// drift of positions and cell, new forces, then the same in reverse. The isotropic
/// (``MTKBarostat``) and the anisotropic/triclinic (``MTKCellBarostat``) barostats supply the
/// stages; this order is written once.
protocol MTKSplitting: Integrator {
    /// Barostat mass W in eV·fs² for `nf` particle degrees of freedom.
    func barostatMass(_ nf: Int) -> Double
    /// C_b C_p, or C_p C_b when `reversed`.
    mutating func chainsHalfStep(_ state: inout DynamicsState, mass w: Double, reversed: Bool)
    /// Half-step kick of the barostat velocity by the pressure imbalance.
    mutating func kickBarostat(_ state: DynamicsState, mass w: Double) throws
    /// Half-step kick of the particle velocities, with the barostat's friction.
    func kickParticles(_ state: inout DynamicsState)
    /// Full-step drift of positions and cell.
    mutating func drift(_ state: inout DynamicsState)
}

extension MTKSplitting {
    /// One MTK step: C_b C_p · K_b · K_p · D · F · K_p · K_b · C_p C_b.
    mutating func advanceMTK(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try state.requireBarostatCompatible()
        let w = barostatMass(state.degreesOfFreedom)
        let start = state.system.positions
        chainsHalfStep(&state, mass: w, reversed: false)
        try kickBarostat(state, mass: w)
        kickParticles(&state)
        drift(&state)
        try state.updateForces(forces, startPositions: start)
        kickParticles(&state)
        try kickBarostat(state, mass: w)
        chainsHalfStep(&state, mass: w, reversed: true)
    }
}
