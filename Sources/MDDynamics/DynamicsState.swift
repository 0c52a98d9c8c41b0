import MDCore
import MDPotentials

/// The changing state of an MD run: the atoms, which of them are fixed, the last force
/// evaluation, the step count and the time. A `Codable` value: together with the
/// integrator (which holds thermostat variables and the random-number state) it is an
/// exact restart point.
///
/// Degrees of freedom. With no fixed atom the integrators keep the total momentum at its
/// initial value (zero after ``MaxwellBoltzmann``), so N_f = 3·N − 3. Fixed atoms exert
/// forces on the others and the total momentum is not conserved, so then N_f = 3·N_free:
/// each fixed atom removes its 3 coordinates, and no centre-of-mass term is removed.
public struct DynamicsState: Codable, Sendable, Equatable {
    /// The atoms; positions Å, velocities Å/fs.
    public var system: AtomicSystem
    /// Per-atom mask: true for atoms that never move (zero velocity, force ignored).
    public private(set) var fixed: [Bool]
    /// Potential energy at the current positions (eV).
    public internal(set) var potentialEnergy: Double
    /// Forces at the current positions (eV/Å); zero on fixed atoms.
    public internal(set) var forces: [SIMD3<Double>]
    /// Virial at the current positions (eV), if the evaluator computed it.
    public internal(set) var virial: Matrix3?
    /// Completed steps.
    public internal(set) var step: Int
    /// Simulated time (fs).
    public internal(set) var time: Double
    /// Sanity bound (Å): a step that moves any atom farther than this is an explosion.
    public var maxDisplacementPerStep: Double

    /// A state at step 0: evaluates the forces once, zeroes fixed atoms' velocities.
    /// - Parameters:
    ///   - system: the atoms (velocities as given; see ``MaxwellBoltzmann``).
    ///   - fixed: per-atom mask of fixed atoms (default: none fixed).
    ///   - maxDisplacementPerStep: explosion bound in Å (default 1 Å).
    ///   - forces: the force evaluator.
    public init(system: AtomicSystem, fixed: [Bool]? = nil, maxDisplacementPerStep: Double = 1.0,
                forces: ForceEvaluator) throws {
        try system.validate()
        let mask = try DynamicsError.checked(fixed, count: system.count)
        try requirePositive("maxDisplacementPerStep", maxDisplacementPerStep, unit: "Å")
        self.system = system
        self.fixed = mask
        self.potentialEnergy = 0
        self.forces = []
        self.virial = nil
        self.step = 0
        self.time = 0
        self.maxDisplacementPerStep = maxDisplacementPerStep
        for i in 0..<system.count where mask[i] { self.system.velocities[i] = .zero }
        try updateForces(forces, startPositions: system.positions)
    }

    /// Number of atoms that move.
    public var freeCount: Int { fixed.lazy.filter { !$0 }.count }

    /// N_f = 3·N − 3 without fixed atoms, 3·N_free with fixed atoms (see the type's notes).
    public var degreesOfFreedom: Int {
        let free = freeCount
        return free == fixed.count ? 3 * free - 3 : 3 * free
    }

    /// Whether the total momentum is conserved (no atom fixed), so that thermostats keep
    /// the centre of mass at rest.
    public var conservesMomentum: Bool { !fixed.contains(true) }

    /// Kinetic energy Σ ½ m v² (eV).
    public var kineticEnergy: Double { system.kineticEnergy }

    /// Instantaneous temperature T = 2K/(N_f k_B) in K (0 when N_f = 0).
    public var temperature: Double {
        let nf = degreesOfFreedom
        return nf > 0 ? 2 * kineticEnergy / (Double(nf) * Units.boltzmann) : 0
    }

    /// Kinetic plus potential energy (eV).
    public var totalEnergy: Double { kineticEnergy + potentialEnergy }
}

// MARK: - Shared primitives (JAX-MD's momentum_step / position_step)

extension DynamicsState {
    /// Momentum step v_i ← v_i + Δt·F_i/m_i for free atoms (Δt in fs; F/m converted to Å/fs²).
    mutating func momentumStep(_ dt: Double) {
        let c = dt * Units.accelerationPerForceOverMass
        for i in 0..<system.count where !fixed[i] {
            system.velocities[i] += (c / system.masses[i]) * forces[i]
        }
    }

    /// Position step x_i ← x_i + Δt·v_i for free atoms (Δt in fs).
    mutating func positionStep(_ dt: Double) {
        for i in 0..<system.count where !fixed[i] {
            system.positions[i] += dt * system.velocities[i]
        }
    }

    /// Multiplies all velocities by `factor` (fixed atoms have zero velocity anyway).
    mutating func scaleVelocities(_ factor: Double) {
        for i in 0..<system.count { system.velocities[i] *= factor }
    }

    /// Sets the total momentum to zero by subtracting the centre-of-mass velocity P/M.
    mutating func removeCenterOfMassVelocity() {
        let totalMass = system.masses.reduce(0, +)
        let vcm = system.totalMomentum / totalMass
        for i in 0..<system.count { system.velocities[i] -= vcm }
    }

    /// Checks the new positions against `startPositions` (finite, displacement within
    /// ``maxDisplacementPerStep``), then evaluates energy and forces and checks them.
    /// Fixed atoms' forces are set to zero.
    mutating func updateForces(_ evaluator: ForceEvaluator, startPositions: [SIMD3<Double>]) throws {
        let failingStep = step + 1
        let limit2 = maxDisplacementPerStep * maxDisplacementPerStep
        for i in 0..<system.count {
            let d = system.positions[i] - startPositions[i]
            let d2 = dot(d, d)
            guard d2.isFinite else {
                throw DynamicsError.explosion(step: failingStep, reason: "atom \(i) has a non-finite position")
            }
            guard d2 <= limit2 else {
                throw DynamicsError.explosion(step: failingStep, reason:
                    "atom \(i) moved \(d2.squareRoot()) Å in one step (limit \(maxDisplacementPerStep) Å)")
            }
        }
        let evaluation = try evaluator(system)
        guard evaluation.energy.isFinite else {
            throw DynamicsError.explosion(step: failingStep, reason: "the potential energy is \(evaluation.energy)")
        }
        guard evaluation.forces.count == system.count else {
            throw DynamicsError.forceCountMismatch(expected: system.count, got: evaluation.forces.count)
        }
        var newForces = evaluation.forces
        for i in 0..<system.count {
            if fixed[i] { newForces[i] = .zero; continue }
            let f = newForces[i]
            guard f.x.isFinite, f.y.isFinite, f.z.isFinite else {
                throw DynamicsError.explosion(step: failingStep, reason: "atom \(i) has a non-finite force")
            }
        }
        potentialEnergy = evaluation.energy
        forces = newForces
        virial = evaluation.virial
    }

    /// Throws an explosion error if any velocity is not finite.
    func checkVelocities() throws {
        for i in 0..<system.count {
            let v = system.velocities[i]
            guard v.x.isFinite, v.y.isFinite, v.z.isFinite else {
                throw DynamicsError.explosion(step: step + 1, reason: "atom \(i) has a non-finite velocity")
            }
        }
    }
}
