import MDCore
import MDDynamics
import MDOptimize

/// Every run-file key, declared once with its type, unit, range, default, scope and meaning.
/// ``RunFile``'s defaults, the parser, the "has no effect here" checks and README's key table
/// read these declarations; nothing else names a key.
public enum RunFileSchema {
    /// Top-level keys.
    public enum Top {
        public static let structure = Setting<String?>(
            .top, "structure", .path, default: nil, shownDefault: "**required**", scope: .always,
            doc: "starting structure: extended XYZ (last frame, as `ase.io.read`), VASP POSCAR/CONTCAR, or CIF "
                + "(`*.cif`: cell and atom sites expanded by the symmetry operations listed in the file, as "
                + "`ase.io.read`; partial occupancies are refused)")
        public static let model = Setting<String?>(
            .top, "model", .path, default: nil, shownDefault: "the bundled default model", scope: .always,
            doc: "MACE model file from `macemd convert`")
        public static let head = Setting<String?>(
            .top, "head", .text, default: nil, shownDefault: "the head chosen at conversion", scope: .always,
            doc: "head of a multi-head model to evaluate (overrides the one recorded by `macemd convert --head`)")
        public static let precision = Setting<Precision>(
            .top, "precision", .choice(Precision.allCases.map(\.rawValue)), default: .float64, scope: .always,
            doc: "arithmetic of the model evaluation")
        public static let radial = Setting<RadialMode>(
            .top, "radial", .choice(RadialMode.allCases.map(\.rawValue)), default: .exact, scope: .always,
            doc: "radial weights of the model: `exact` (the radial MLP per edge) or `spline` (tabulated at load and "
                + "interpolated: faster; float64 forces differ from `exact` by ~1e-5 of the largest force or less; refused "
                + "for models whose radial MLP sees the elements; see README \"Fast radial mode\")")
        public static let task = Setting<RunFile.Task>(
            .top, "task", .choice(RunFile.Task.allCases.map(\.rawValue)), default: .md, scope: .always,
            doc: "what to run")
        public static let neighborSkin = Setting<Double>(
            .top, "neighbor_skin_A", .number(range: 0...5, openLower: false), unit: "Å", default: 0.5, scope: .always,
            doc: "Verlet skin: the neighbour list is rebuilt only when an atom moved more than half of it")
        /// The keys, in README order (the `md`, `relax` and `output` sections follow them).
        static let keys = [structure.key, model.key, head.key, precision.key, radial.key, task.key, neighborSkin.key]
    }

    /// Keys of the `md:` section.
    public enum MD {
        public static let ensemble = Setting<EnsembleDefinition>(
            .md, "ensemble", .choice(EnsembleDefinition.all.map(\.name)), default: .nve, scope: .task(.md),
            doc: "integrator and thermostat: "
                + EnsembleDefinition.all.map { "`\($0.name)` \($0.summary)" }.joined(separator: "; "))
        public static let timestep = Setting<Double>(
            .md, "timestep_fs", .number(range: 0...20, openLower: true), unit: "fs", default: 1.0, scope: .task(.md),
            doc: "time step (a value below \(RunFile.implausibleTimestepFs) fs gets a warning: picoseconds given by mistake?)")
        public static let steps = Setting<Int>(
            .md, "steps", .integer(range: 0...Int.max), default: 1000, scope: .task(.md),
            doc: "the step number the run ends at: a total, also when continuing from a restart file")
        public static let temperature = Setting<Double>(
            .md, "temperature_K", .number(range: 0...1e6, openLower: false), unit: "K", default: 300, scope: .ensembleKey,
            doc: "thermostat target temperature, > 0 (also of the Maxwell–Boltzmann velocities drawn when the structure has none)",
            noEffectHint: "to start at a temperature, set md.initial_temperature_K")
        public static let friction = Setting<Double>(
            .md, "friction_per_ps", .number(range: 0...1e6, openLower: false), unit: "1/ps", default: 1.0,
            scope: .ensembleKey, doc: "Langevin friction γ")
        public static let thermostatTime = Setting<Double>(
            .md, "thermostat_time_fs", .number(range: 0...1e9, openLower: true), unit: "fs", default: 100,
            scope: .ensembleKey, doc: "time constant τ of the thermostat")
        public static let noseHooverChain = Setting<Int>(
            .md, "nose_hoover_chain", .integer(range: 1...10), default: 3, scope: .ensembleKey,
            doc: "Nosé–Hoover chain length")
        public static let pressure = Setting<[Double]>(
            .md, "pressure_GPa", .numberOrVoigt(range: -1e4...1e4), unit: "GPa", default: [0, 0, 0, 0, 0, 0],
            scope: .ensembleKey, doc: "barostat target pressure: a number (hydrostatic), or six Voigt components "
                + "xx yy zz yz xz xy of the pressure tensor (positive compresses, as LAMMPS and GROMACS) for "
                + "semi-isotropic (xx = yy), anisotropic or triclinic coupling")
        public static let barostatTime = Setting<Double>(
            .md, "barostat_time_fs", .number(range: 0...1e9, openLower: true), unit: "fs", default: 1000,
            scope: .ensembleKey, doc: "barostat coupling time τ_p (with md.bulk_modulus_GPa equal to the material's, "
                + "the volume relaxes in about τ_p)")
        public static let pressureCoupling = Setting<PressureCoupling>(
            .md, "pressure_coupling", .choice(PressureCoupling.allCases.map(\.rawValue)), default: .isotropic,
            scope: .ensembleKey, doc: "cell deformations: `isotropic` (shape kept), `semi-isotropic` (x and y "
                + "scaled together, z independently: membranes, slabs; GROMACS semiisotropic), `anisotropic` (x, y, z "
                + "lengths independently), `triclinic` (lengths and angles)")
        public static let cellMask = Setting<[Bool]?>(
            .md, "cell_mask", .flags(count: 6, meaning: "the strain components xx, yy, zz, yz, xz, xy"),
            default: nil, shownDefault: "all the coupling allows", scope: .ensembleKey,
            doc: "which cell strain components the barostat changes, Voigt order xx, yy, zz, yz, xz, xy (as "
                + "relax.cell_mask; semi-isotropic (xx and yy alike), anisotropic or triclinic coupling), e.g. `[1, 1, 0, 0, 0, 1]` with triclinic coupling for a slab in plane only")
        public static let bulkModulus = Setting<Double>(
            .md, "bulk_modulus_GPa", .number(range: 0...1e5, openLower: true), unit: "GPa", default: 10,
            scope: .ensembleKey, doc: "bulk modulus the barostat assumes (GROMACS' 1/compressibility); it only sets how "
                + "fast the cell responds, not the equilibrium: a value above the material's slows relaxation, "
                + "far below it can make the cell unstable (water ≈ 2, copper ≈ 140)")
        public static let seed = Setting<UInt64?>(
            .md, "seed", .integer(range: 0...Int.max), default: nil, shownDefault: "random (recorded in the restart file)",
            scope: .randomSeed, doc: "seed of initial velocities and thermostat noise")
        public static let initialTemperature = Setting<Double?>(
            .md, "initial_temperature_K", .number(range: 0...1e6, openLower: false), unit: "K", default: nil,
            scope: .task(.md), doc: "draw Maxwell–Boltzmann velocities at this temperature before the first step")
        public static let fixedAtoms = Setting<[Int]>(
            .md, "fixed_atoms", .atomIndices, default: [], scope: .task(.md),
            doc: "atoms that never move (added to ASE's `move_mask` column of the structure)")
        static let keys = [ensemble.key, timestep.key, steps.key, temperature.key, friction.key, thermostatTime.key,
                           noseHooverChain.key, pressure.key, barostatTime.key, pressureCoupling.key, cellMask.key,
                           bulkModulus.key, seed.key, initialTemperature.key, fixedAtoms.key]
    }

    /// Keys of the `relax:` section.
    public enum Relax {
        public static let optimizer = Setting<OptimizerKind>(
            .relax, "optimizer", .choice(OptimizerKind.allCases.map(\.rawValue)), default: .fire, scope: .task(.relax),
            doc: "optimizer (ASE's FIRE or L-BFGS)")
        public static let fmax = Setting<Double>(
            .relax, "fmax_eV_per_A", .number(range: 0...1e3, openLower: true), unit: "eV/Å", default: 0.05,
            scope: .task(.relax), doc: "converged when the largest force (and scaled cell force) is below this")
        public static let maxSteps = Setting<Int>(
            .relax, "max_steps", .integer(range: 1...Int.max), default: 1000, scope: .task(.relax),
            doc: "steps before giving up (exit status 2, last structure kept)")
        public static let cell = Setting<Bool>(
            .relax, "cell", .flag, default: false, scope: .task(.relax),
            doc: "also relax the cell (ASE's FrechetCellFilter; fully periodic structures)")
        public static let pressure = Setting<Double>(
            .relax, "pressure_GPa", .number(range: -1e4...1e4, openLower: false), unit: "GPa", default: 0,
            scope: .cellRelaxation, doc: "target hydrostatic pressure of a cell relaxation (it minimises the enthalpy E + PV, reported at the end)")
        public static let cellMask = Setting<[Bool]?>(
            .relax, "cell_mask", .flags(count: 6, meaning: "the strain components xx, yy, zz, yz, xz, xy"),
            default: nil, shownDefault: "all 1", scope: .cellRelaxation,
            doc: "which cell strain components relax, in Voigt order xx, yy, zz, yz, xz, xy (ASE's cell-filter "
                + "`mask`); e.g. `[1, 1, 0, 0, 0, 1]` relaxes a slab or 2D material in plane only")
        public static let fixedAtoms = Setting<[Int]>(
            .relax, "fixed_atoms", .atomIndices, default: [], scope: .task(.relax),
            doc: "atoms held fixed (added to ASE's `move_mask` column of the structure)")
        static let keys = [optimizer.key, fmax.key, maxSteps.key, cell.key, pressure.key, cellMask.key, fixedAtoms.key]
    }

    /// Keys of the `output:` section. Defaults of the intervals and trajectory name depend on the task.
    public enum Output {
        public static let directory = Setting<String?>(
            .output, "directory", .path, default: nil, shownDefault: "the run file's directory", scope: .always,
            doc: "output directory (created when missing)")
        public static let trajectory = Setting<String>(
            .output, "trajectory", .fileName, default: "trajectory.nc", shownDefault: "`trajectory.nc` (md), `relax.xyz` (relax)",
            scope: .always, doc: "trajectory file in the output directory: `.nc` (AMBER NetCDF) or `.xyz`/`.extxyz`")
        public static let trajectoryEvery = Setting<Int>(
            .output, "trajectory_every", .integer(range: 0...Int.max), unit: "steps", default: 10,
            shownDefault: "10 (md), 1 (relax)", scope: .always, doc: "frame interval (0: no trajectory)")
        public static let stats = Setting<String>(
            .output, "stats", .fileName, default: "stats.log", scope: .always, doc: "stats log")
        public static let statsEvery = Setting<Int>(
            .output, "stats_every", .integer(range: 1...Int.max), unit: "steps", default: 10,
            shownDefault: "10 (md), 1 (relax)", scope: .always, doc: "stats interval")
        public static let restart = Setting<String>(
            .output, "restart", .fileName, default: "restart.json", scope: .task(.md), doc: "restart file")
        public static let restartEvery = Setting<Int>(
            .output, "restart_every", .integer(range: 0...Int.max), unit: "steps", default: 1000, scope: .task(.md),
            doc: "restart interval (0: only at the end)")
        static let keys = [directory.key, trajectory.key, trajectoryEvery.key, stats.key, statsEvery.key,
                           restart.key, restartEvery.key]
    }

    /// Every key in README order.
    public static let keys: [RunFileKey] = Top.keys + MD.keys + Relax.keys + Output.keys

    /// The keys of one section.
    public static func keys(in section: RunFileKey.Section) -> [RunFileKey] {
        keys.filter { $0.section == section }
    }

    /// The section names allowed at the top level besides the top-level keys.
    static let sectionNames = RunFileKey.Section.allCases.filter { $0 != .top }.map(\.rawValue)
}
