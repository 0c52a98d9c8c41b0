import MDCore
import MDPotentials

/// The Berendsen barostat (Berendsen et al., J. Chem. Phys. 81, 3684 (1984)) with the
/// Berendsen thermostat: **for equilibration only.** It relaxes the pressure exponentially
/// towards P₀ but suppresses the volume fluctuations (the isothermal–isobaric ensemble is not
/// sampled; compressibilities from its volume fluctuations are wrong), as ASE's `NPTBerendsen`
/// and LAMMPS' `fix press/berendsen`. Use it to bring a cell near its equilibrium volume, then
/// continue with `npt-crescale`.
///
/// Once per step, between the first half kick and the drift, positions and cell are scaled by
/// exp(e) with the deterministic strain of ``BarostatParameters`` (velocities unchanged):
///
///     e = (β_T Δt / 3τ_p)(P − P₀)       (isotropic: the scalar p = tr(P)/3; semi-isotropic:
///                                        (P_xx + P_yy)/2 in the plane, P_zz along z),
///
/// the first-order form μ = 1 − β_T Δt (P₀ − P)/(3τ_p) of ASE `nptberendsen.py` and GROMACS.
/// After the step, the velocities are scaled as by ``Berendsen``.
/// Step: B(Δt/2) · C(Δt) · A(Δt) · F · B(Δt/2) · λ.
///
/// The cell move's energy is booked as for ``StochasticCellRescaling`` (ΔU from the virials,
/// pressure work V̄ P₀:e), so K + U + reservoirEnergy stays close to constant.
public struct BerendsenBarostat: Integrator, Equatable {
    /// Δt in fs.
    public var timeStep: Double { thermostat.timeStep }
    /// The velocity-scaling thermostat (T₀, τ_T, heat).
    public private(set) var thermostat: Berendsen
    /// Target pressure, coupling time, compressibility, coupling and mask.
    public let barostat: BarostatParameters
    /// Energy exchanged by the cell scaling beyond the pressure work (eV).
    public private(set) var barostatHeat: Double = 0
    /// Work done against the target pressure (eV).
    public private(set) var pressureWork: Double = 0

    /// - Parameters: timeStep Δt (fs), temperature T₀ (K), thermostat time τ_T (fs), the barostat.
    public init(timeStep: Double, temperature: Double, thermostatTime: Double, barostat: BarostatParameters) throws {
        thermostat = try Berendsen(timeStep: timeStep, temperature: temperature, timeConstant: thermostatTime)
        try barostat.validate()
        self.barostat = barostat
    }

    public var requiredEvaluation: EvaluationRequest { .all }

    public var changesCell: Bool { true }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { thermostat.heatToBath + barostatHeat + pressureWork }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try state.requireBarostatCompatible()
        let dt = timeStep
        let start = state.system.positions
        state.momentumStep(0.5 * dt)
        guard let pressure = state.pressureTensor, let virialBefore = state.virial else {
            throw DynamicsError.invalidParameter(name: "virial", value: .nan, requirement:
                "the barostat needs the virial from every force evaluation")
        }
        let volume = state.system.cell.volume
        let strain = barostat.driftStrain(pressure: pressure, dt: dt)
        state.deformCell(by: strain, scaleVelocities: false)
        let work = 0.5 * (volume + state.system.cell.volume) * barostat.targetPressure.contracted(with: strain)
        state.positionStep(dt)
        try state.updateForces(forces, startPositions: start)
        let virialAfter = state.virial ?? virialBefore
        pressureWork += work
        barostatHeat -= work - 0.5 * (virialBefore + virialAfter).contracted(with: strain)
        state.momentumStep(0.5 * dt)
        thermostat.rescale(&state)
    }
}

extension BerendsenBarostat {
    /// Takes over the bath energies of `earlier`.
    mutating func adoptState(of earlier: BerendsenBarostat) {
        thermostat.adoptState(of: earlier.thermostat)
        barostatHeat = earlier.barostatHeat
        pressureWork = earlier.pressureWork
    }
}
