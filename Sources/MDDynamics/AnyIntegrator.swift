import MDCore
import MDPotentials

/// The ensembles MaceMD can run, as configuration values (units in the labels).
public enum Ensemble: Codable, Sendable, Equatable {
    /// Microcanonical velocity Verlet.
    case nve
    /// Langevin BAOAB at `temperature` (K) with `friction` (1/ps).
    case langevin(temperature: Double, friction: Double)
    /// Bussi CSVR at `temperature` (K) with time constant `timeConstant` (fs).
    case csvr(temperature: Double, timeConstant: Double)
    /// Nosé-Hoover chain at `temperature` (K), period `timeConstant` (fs), `chainLength` thermostats.
    case noseHoover(temperature: Double, timeConstant: Double, chainLength: Int)
    /// Berendsen (equilibration only, not canonical) at `temperature` (K), `timeConstant` (fs).
    case berendsen(temperature: Double, timeConstant: Double)
    /// Stochastic cell rescaling at `temperature` (K) with the particle `thermostat` and `barostat`.
    case cellRescaling(temperature: Double, thermostat: BarostatThermostat, barostat: BarostatParameters)
    /// Berendsen barostat and thermostat (equilibration only) at `temperature` (K), thermostat
    /// time `timeConstant` (fs).
    case berendsenPressure(temperature: Double, timeConstant: Double, barostat: BarostatParameters)
    /// Isotropic MTK at `temperature` (K), thermostat period `timeConstant` (fs), `chainLength`
    /// thermostats, hydrostatic `pressure` (eV/Å³), barostat period `barostatTime` (fs).
    case mtk(temperature: Double, timeConstant: Double, chainLength: Int, pressure: Double, barostatTime: Double)
    /// Anisotropic or triclinic MTK at `temperature` (K), thermostat period `timeConstant` (fs),
    /// `chainLength` thermostats, and the `barostat` (its time constant is the barostat period in fs).
    case mtkCell(temperature: Double, timeConstant: Double, chainLength: Int, barostat: BarostatParameters)
}

/// Any of MaceMD's integrators as one `Codable` value, for drivers and restart files that
/// do not know the ensemble at compile time. Encodes as the case name with the
/// integrator's full state (parameters, thermostat variables, RNG).
public enum AnyIntegrator: Integrator, Equatable {
    case nve(VelocityVerlet)
    case langevin(LangevinBAOAB)
    case csvr(BussiCSVR)
    case noseHoover(NoseHooverChain)
    case berendsen(Berendsen)
    case cellRescaling(StochasticCellRescaling)
    case berendsenPressure(BerendsenBarostat)
    case mtk(MTKBarostat)
    case mtkCell(MTKCellBarostat)

    /// The integrator for `ensemble` with time step `timeStep` (fs); `seed` feeds the
    /// stochastic thermostats and barostats (Langevin, CSVR, C-rescale) and is ignored by the others.
    public init(ensemble: Ensemble, timeStep: Double, seed: UInt64) throws {
        switch ensemble {
        case .nve:
            self = .nve(try VelocityVerlet(timeStep: timeStep))
        case let .langevin(temperature, friction):
            self = .langevin(try LangevinBAOAB(timeStep: timeStep, temperature: temperature,
                                               friction: friction, seed: seed))
        case let .csvr(temperature, timeConstant):
            self = .csvr(try BussiCSVR(timeStep: timeStep, temperature: temperature,
                                       timeConstant: timeConstant, seed: seed))
        case let .noseHoover(temperature, timeConstant, chainLength):
            self = .noseHoover(try NoseHooverChain(timeStep: timeStep, temperature: temperature,
                                                   timeConstant: timeConstant, chainLength: chainLength))
        case let .berendsen(temperature, timeConstant):
            self = .berendsen(try Berendsen(timeStep: timeStep, temperature: temperature,
                                            timeConstant: timeConstant))
        case let .cellRescaling(temperature, thermostat, barostat):
            self = .cellRescaling(try StochasticCellRescaling(timeStep: timeStep, temperature: temperature,
                                                              thermostat: thermostat, barostat: barostat, seed: seed))
        case let .berendsenPressure(temperature, timeConstant, barostat):
            self = .berendsenPressure(try BerendsenBarostat(timeStep: timeStep, temperature: temperature,
                                                            thermostatTime: timeConstant, barostat: barostat))
        case let .mtk(temperature, timeConstant, chainLength, pressure, barostatTime):
            self = .mtk(try MTKBarostat(timeStep: timeStep, temperature: temperature, thermostatTime: timeConstant,
                                        chainLength: chainLength, pressure: pressure, barostatTime: barostatTime))
        case let .mtkCell(temperature, timeConstant, chainLength, barostat):
            self = .mtkCell(try MTKCellBarostat(timeStep: timeStep, temperature: temperature, thermostatTime: timeConstant,
                                                chainLength: chainLength, barostat: barostat))
        }
    }

    /// The wrapped integrator.
    public var wrapped: any Integrator {
        switch self {
        case .nve(let x): x
        case .langevin(let x): x
        case .csvr(let x): x
        case .noseHoover(let x): x
        case .berendsen(let x): x
        case .cellRescaling(let x): x
        case .berendsenPressure(let x): x
        case .mtk(let x): x
        case .mtkCell(let x): x
        }
    }

    public var timeStep: Double { wrapped.timeStep }

    public var requiredEvaluation: EvaluationRequest { wrapped.requiredEvaluation }

    public var changesCell: Bool { wrapped.changesCell }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { wrapped.reservoirEnergy(state) }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        switch self {
        case .nve(var x): try x.advance(&state, forces: forces); self = .nve(x)
        case .langevin(var x): try x.advance(&state, forces: forces); self = .langevin(x)
        case .csvr(var x): try x.advance(&state, forces: forces); self = .csvr(x)
        case .noseHoover(var x): try x.advance(&state, forces: forces); self = .noseHoover(x)
        case .berendsen(var x): try x.advance(&state, forces: forces); self = .berendsen(x)
        case .cellRescaling(var x): try x.advance(&state, forces: forces); self = .cellRescaling(x)
        case .berendsenPressure(var x): try x.advance(&state, forces: forces); self = .berendsenPressure(x)
        case .mtk(var x): try x.advance(&state, forces: forces); self = .mtk(x)
        case .mtkCell(var x): try x.advance(&state, forces: forces); self = .mtkCell(x)
        }
    }
}
