/// A MaceMD run file (YAML): what to simulate, how, and where to write.
///
/// ```yaml
/// structure: water.xyz          # required; path relative to this file
/// model: mace-small.model       # optional; default: the built-in default model
/// precision: float64            # float32 | float64
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
/// Every key, its unit and default is listed on the properties below. Paths are resolved
/// against the run file's directory when the file is loaded.
public struct RunFile: Codable, Equatable, Sendable {
    /// Floating-point precision of the model evaluation.
    public enum Precision: String, Codable, Sendable, CaseIterable { case float32, float64 }
    /// What to run.
    public enum Task: String, Codable, Sendable, CaseIterable { case md, relax }

    /// `structure` (required): the starting structure (extended XYZ; VASP POSCAR), resolved path.
    public var structure: String
    /// `model` (optional): the MACE model file, resolved path; nil means the default model.
    public var model: String?
    /// `head` (optional): head of a multi-head model to evaluate; nil means the head chosen when
    /// the model was converted (`macemd convert --head`). `macemd run --head` overrides it.
    public var head: String?
    /// `precision`: `float32` or `float64`. Default `float64`.
    public var precision: Precision
    /// `task`: `md` or `relax`. Default `md`.
    public var task: Task
    /// `md:` section (used when `task: md`).
    public var md: MDSettings
    /// `relax:` section (used when `task: relax`).
    public var relax: RelaxSettings
    /// `output:` section.
    public var output: OutputSettings
    /// `neighbor_skin_A`: Verlet skin of the neighbour list in Å (0 ≤ skin ≤ 5). Default 0.5 Å.
    public var neighborSkin: Double

    public init(structure: String, model: String? = nil, precision: Precision = .float64, task: Task = .md,
                md: MDSettings = MDSettings(), relax: RelaxSettings = RelaxSettings(),
                output: OutputSettings? = nil, neighborSkin: Double = 0.5) {
        self.structure = structure
        self.model = model
        self.precision = precision
        self.task = task
        self.md = md
        self.relax = relax
        self.output = output ?? OutputSettings(task: task)
        self.neighborSkin = neighborSkin
    }

    enum CodingKeys: String, CodingKey {
        case structure, model, head, precision, task, md, relax, output
        case neighborSkin = "neighbor_skin_A"
    }
}

/// The `md:` section of a run file.
public struct MDSettings: Codable, Equatable, Sendable {
    /// Ensembles: `nve` (velocity Verlet), `nvt-langevin` (BAOAB), `nvt-csvr` (Bussi),
    /// `nvt-nose-hoover` (chain), `nvt-berendsen`.
    public enum Ensemble: String, Codable, Sendable, CaseIterable {
        case nve
        case nvtLangevin = "nvt-langevin"
        case nvtCSVR = "nvt-csvr"
        case nvtNoseHoover = "nvt-nose-hoover"
        case nvtBerendsen = "nvt-berendsen"
    }

    /// `ensemble`. Default `nve`.
    public var ensemble: Ensemble = .nve
    /// `timestep_fs`: time step Δt in fs (0 < Δt ≤ 20). Default 1 fs.
    public var timestepFs: Double = 1.0
    /// `steps`: number of MD steps (≥ 0). Default 1000.
    public var steps: Int = 1000
    /// `temperature_K`: thermostat target temperature in K (> 0 for NVT ensembles). Default 300 K.
    public var temperatureK: Double = 300
    /// `friction_per_ps`: Langevin friction γ in 1/ps (≥ 0). Default 1 /ps.
    public var frictionPerPs: Double = 1.0
    /// `thermostat_time_fs`: CSVR, Nosé–Hoover and Berendsen time constant τ in fs (> 0). Default 100 fs.
    public var thermostatTimeFs: Double = 100
    /// `nose_hoover_chain`: Nosé–Hoover chain length M (1…10). Default 3.
    public var noseHooverChain: Int = 3
    /// `seed`: random seed (integer ≥ 0) for thermostats and initial velocities; nil: chosen by
    /// the driver (and recorded in the restart file). Default nil.
    public var seed: UInt64?
    /// `initial_temperature_K`: draw Maxwell–Boltzmann velocities at this temperature in K (≥ 0)
    /// before the first step; nil keeps the structure file's velocities (zero if none). Default nil.
    public var initialTemperatureK: Double?
    /// `fixed_atoms`: 0-based indices of atoms held fixed (no motion). Default none.
    public var fixedAtoms: [Int] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case ensemble, steps, seed
        case timestepFs = "timestep_fs"
        case temperatureK = "temperature_K"
        case frictionPerPs = "friction_per_ps"
        case thermostatTimeFs = "thermostat_time_fs"
        case noseHooverChain = "nose_hoover_chain"
        case initialTemperatureK = "initial_temperature_K"
        case fixedAtoms = "fixed_atoms"
    }
}

/// The `relax:` section of a run file.
public struct RelaxSettings: Codable, Equatable, Sendable {
    /// `fire` or `lbfgs`.
    public enum Optimizer: String, Codable, Sendable, CaseIterable { case fire, lbfgs }

    /// `optimizer`. Default `fire`.
    public var optimizer: Optimizer = .fire
    /// `fmax_eV_per_A`: converged when the largest atomic force (and scaled cell force) is below
    /// this, in eV/Å (> 0). Default 0.05 eV/Å.
    public var fmaxEVPerA: Double = 0.05
    /// `max_steps`: optimizer steps before giving up (≥ 1). Default 1000.
    public var maxSteps: Int = 1000
    /// `cell`: also relax the cell (Fréchet cell filter; needs a fully periodic structure). Default false.
    public var cell: Bool = false
    /// `pressure_GPa`: target hydrostatic pressure in GPa for cell relaxation (needs `cell: true`). Default 0.
    public var pressureGPa: Double = 0
    /// `fixed_atoms`: 0-based indices of atoms held fixed. Default none.
    public var fixedAtoms: [Int] = []
    /// `cell_mask`: which cell strain components relax, six 0/1 flags in Voigt order (xx, yy,
    /// zz, yz, xz, xy) as ASE's cell-filter `mask` (needs `cell: true`). Default: all.
    public var cellMask: [Bool]? = nil

    public init() {}

    enum CodingKeys: String, CodingKey {
        case optimizer, cell
        case cellMask = "cell_mask"
        case fmaxEVPerA = "fmax_eV_per_A"
        case maxSteps = "max_steps"
        case pressureGPa = "pressure_GPa"
        case fixedAtoms = "fixed_atoms"
    }
}

/// The `output:` section of a run file.
public struct OutputSettings: Codable, Equatable, Sendable {
    /// `directory`: output directory (created when missing), resolved path. Default: the run file's directory.
    public var directory: String
    /// `trajectory`: trajectory file name in `directory`, `.nc` (AMBER NetCDF) or `.xyz`/`.extxyz`.
    /// Default `trajectory.nc` for md, `relax.xyz` for relax.
    public var trajectory: String
    /// `trajectory_every`: write a frame every N steps (0: no trajectory). Default 10 (md), 1 (relax).
    public var trajectoryEvery: Int
    /// `stats`: stats log file name in `directory`. Default `stats.log`.
    public var stats: String
    /// `stats_every`: write a stats line every N steps (≥ 1). Default 10 (md), 1 (relax).
    public var statsEvery: Int
    /// `restart`: restart file name in `directory`. Default `restart.json`.
    public var restart: String
    /// `restart_every`: write the restart file every N steps (0: only at the end). Default 1000.
    public var restartEvery: Int

    /// The defaults for `task`, with `directory` "." (resolved against the run file when loaded).
    public init(task: RunFile.Task = .md) {
        directory = "."
        trajectory = task == .md ? "trajectory.nc" : "relax.xyz"
        trajectoryEvery = task == .md ? 10 : 1
        stats = "stats.log"
        statsEvery = task == .md ? 10 : 1
        restart = "restart.json"
        restartEvery = 1000
    }

    /// The trajectory format implied by the file extension.
    public enum TrajectoryFormat: String, Codable, Sendable { case netCDF = "nc", extXYZ = "xyz" }

    /// `.nc` → AMBER NetCDF, `.xyz`/`.extxyz` → extended XYZ.
    public var trajectoryFormat: TrajectoryFormat {
        trajectory.lowercased().hasSuffix(".nc") ? .netCDF : .extXYZ
    }

    enum CodingKeys: String, CodingKey {
        case directory, trajectory, stats, restart
        case trajectoryEvery = "trajectory_every"
        case statsEvery = "stats_every"
        case restartEvery = "restart_every"
    }
}
