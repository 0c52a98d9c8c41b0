import MDCore
import MDDynamics
import MDOptimize

/// A MaceMD run file (YAML): what to simulate, how, and where to write.
///
/// ```yaml
/// structure: water.xyz          # required; path relative to this file
/// model: mace-small.safetensors # optional; default: the built-in default model
/// precision: float64            # float32 | float64
/// radial: exact                 # exact | spline
/// task: md                      # md | relax
/// md:
///   ensemble: nvt-langevin
///   timestep_fs: 0.5
///   steps: 20000
///   temperature_K: 300
/// output:
///   directory: out
///   trajectory: traj.nc
/// ```
/// Every key, its type, unit, range, default and meaning is declared once in ``RunFileSchema``;
/// the properties below take their defaults from there. Paths are resolved against the run
/// file's directory when the file is loaded.
public struct RunFile: Codable, Equatable, Sendable {
    /// What to run.
    public enum Task: String, Codable, Sendable, CaseIterable { case md, relax }

    /// `structure`: the starting structure, resolved path.
    public var structure: String
    /// `model`: the MACE model file, resolved path; nil means the default model.
    public var model: String? = RunFileSchema.Top.model.defaultValue
    /// `head`: the head of a multi-head model; nil means the one recorded at conversion.
    public var head: String? = RunFileSchema.Top.head.defaultValue
    /// `precision` of the model evaluation.
    public var precision: Precision = RunFileSchema.Top.precision.defaultValue
    /// `radial`: how the model's radial weights are computed.
    public var radial: RadialMode = RunFileSchema.Top.radial.defaultValue
    /// `task`: MD or relaxation.
    public var task: Task = RunFileSchema.Top.task.defaultValue
    /// `md:` section (used when `task: md`).
    public var md = MDSettings()
    /// `relax:` section (used when `task: relax`).
    public var relax = RelaxSettings()
    /// `output:` section.
    public var output: OutputSettings
    /// `neighbor_skin_A`: Verlet skin of the neighbour list in Å.
    public var neighborSkin: Double = RunFileSchema.Top.neighborSkin.defaultValue
    /// The dotted keys the file gave explicitly (for restart and "no effect" decisions).
    public var givenKeys: Set<String> = []
    /// Remarks on values that are valid but probably not meant (one line each, naming file, line and key).
    public var warnings: [RunFileError] = []

    /// A timestep below this many fs gets a warning (picoseconds given by mistake?).
    public static let implausibleTimestepFs = 0.1

    public init(structure: String, task: Task = RunFileSchema.Top.task.defaultValue) {
        self.structure = structure
        self.task = task
        self.output = OutputSettings(task: task)
    }

    /// Whether the file gave `key` explicitly.
    public func gave(_ key: RunFileKey) -> Bool { givenKeys.contains(key.dotted) }
}

/// The `md:` section of a run file (keys, units and ranges in ``RunFileSchema/MD``).
public struct MDSettings: Codable, Equatable, Sendable {
    public typealias Keys = RunFileSchema.MD
    /// `ensemble`.
    public var ensemble = Keys.ensemble.defaultValue
    /// `timestep_fs`: Δt in fs.
    public var timestepFs = Keys.timestep.defaultValue
    /// `steps`: the step number the run ends at (a total).
    public var steps = Keys.steps.defaultValue
    /// `temperature_K`: thermostat target in K.
    public var temperatureK = Keys.temperature.defaultValue
    /// `friction_per_ps`: Langevin γ in 1/ps.
    public var frictionPerPs = Keys.friction.defaultValue
    /// `thermostat_time_fs`: thermostat τ in fs.
    public var thermostatTimeFs = Keys.thermostatTime.defaultValue
    /// `nose_hoover_chain`: chain length M.
    public var noseHooverChain = Keys.noseHooverChain.defaultValue
    /// `pressure_GPa`: barostat target in GPa, Voigt xx yy zz yz xz xy (one number fills xx, yy, zz).
    public var pressureGPa = Keys.pressure.defaultValue
    /// `barostat_time_fs`: barostat τ_p in fs.
    public var barostatTimeFs = Keys.barostatTime.defaultValue
    /// `pressure_coupling`: which cell deformations the barostat makes.
    public var pressureCoupling = Keys.pressureCoupling.defaultValue
    /// `cell_mask`: six Voigt strain flags; nil: all the coupling allows.
    public var cellMask = Keys.cellMask.defaultValue
    /// `bulk_modulus_GPa`: the bulk modulus the barostat assumes, in GPa.
    public var bulkModulusGPa = Keys.bulkModulus.defaultValue
    /// Whether `friction_per_ps` was given: C-rescale then thermostats with Langevin instead of CSVR.
    public var frictionGiven = false
    /// `seed`: random seed; nil: chosen by the driver (and recorded in the restart file).
    public var seed = Keys.seed.defaultValue
    /// `initial_temperature_K`: Maxwell–Boltzmann velocities at this temperature in K; nil: none drawn.
    public var initialTemperatureK = Keys.initialTemperature.defaultValue
    /// `fixed_atoms`: 0-based indices of atoms held fixed.
    public var fixedAtoms = Keys.fixedAtoms.defaultValue

    public init() {}

    /// The barostat these settings describe (GPa converted to eV/Å³; checked by the integrator).
    public var barostat: BarostatParameters {
        let perGPa = 1 / Units.gigapascalPerEVPerCubicAngstrom
        return BarostatParameters(targetPressure: perGPa * BarostatParameters.tensor(voigt: pressureGPa),
                                  timeConstant: barostatTimeFs, bulkModulus: bulkModulusGPa * perGPa,
                                  coupling: pressureCoupling, mask: cellMask)
    }

    /// The integrator configuration these settings describe.
    public var integratorEnsemble: Ensemble { ensemble.makeEnsemble(self) }
}

/// The `relax:` section of a run file (keys, units and ranges in ``RunFileSchema/Relax``).
public struct RelaxSettings: Codable, Equatable, Sendable {
    public typealias Keys = RunFileSchema.Relax
    /// `optimizer`.
    public var optimizer = Keys.optimizer.defaultValue
    /// `fmax_eV_per_A`: force threshold in eV/Å.
    public var fmaxEVPerA = Keys.fmax.defaultValue
    /// `max_steps`: optimizer steps before giving up.
    public var maxSteps = Keys.maxSteps.defaultValue
    /// `cell`: also relax the cell.
    public var cell = Keys.cell.defaultValue
    /// `pressure_GPa`: target hydrostatic pressure in GPa.
    public var pressureGPa = Keys.pressure.defaultValue
    /// `fixed_atoms`: 0-based indices of atoms held fixed.
    public var fixedAtoms = Keys.fixedAtoms.defaultValue
    /// `cell_mask`: six strain flags in Voigt order; nil: all relax.
    public var cellMask = Keys.cellMask.defaultValue

    public init() {}
}

/// The `output:` section of a run file (keys in ``RunFileSchema/Output``).
public struct OutputSettings: Codable, Equatable, Sendable {
    public typealias Keys = RunFileSchema.Output
    /// `directory`: output directory, resolved path.
    public var directory: String
    /// `trajectory`: file name in `directory`, `.nc` or `.xyz`/`.extxyz`.
    public var trajectory: String
    /// `trajectory_every`: frame interval in steps (0: none).
    public var trajectoryEvery: Int
    /// `stats`: stats log file name.
    public var stats = Keys.stats.defaultValue
    /// `stats_every`: stats interval in steps.
    public var statsEvery: Int
    /// `restart`: restart file name.
    public var restart = Keys.restart.defaultValue
    /// `restart_every`: restart interval in steps (0: only at the end).
    public var restartEvery = Keys.restartEvery.defaultValue

    /// The defaults for `task`, with `directory` "." (resolved against the run file when loaded).
    public init(task: RunFile.Task = .md) {
        directory = "."
        trajectory = task == .md ? Keys.trajectory.defaultValue : "relax.xyz"
        trajectoryEvery = task == .md ? Keys.trajectoryEvery.defaultValue : 1
        statsEvery = task == .md ? Keys.statsEvery.defaultValue : 1
    }
}
