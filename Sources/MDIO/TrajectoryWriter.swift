import MDCore

/// One MD or relaxation frame handed to a trajectory writer.
public struct TrajectorySnapshot: Sendable {
    /// Positions (Å), velocities (Å/fs), cell.
    public var system: AtomicSystem
    /// MD step or optimizer iteration.
    public var step: Int
    /// Simulation time in fs (0 for relaxations).
    public var timeFs: Double
    /// Potential energy (eV), forces (eV/Å) and stress (eV/Å³, ASE sign) when known.
    public var energy: Double?
    public var forces: [SIMD3<Double>]?
    public var stress: Matrix3?
    /// Other per-atom columns (e.g. `move_mask`, `tags`), written by formats that can hold
    /// them (extended XYZ); AMBER NetCDF has no place for them.
    public var arrays: [ExtXYZArray]

    public init(system: AtomicSystem, step: Int, timeFs: Double, energy: Double? = nil,
                forces: [SIMD3<Double>]? = nil, stress: Matrix3? = nil, arrays: [ExtXYZArray] = []) {
        self.system = system
        self.arrays = arrays
        self.step = step
        self.timeFs = timeFs
        self.energy = energy
        self.forces = forces
        self.stress = stress
    }
}

/// A trajectory file that frames are appended to, every N steps (an observer of the driver).
public protocol TrajectoryWriter: AnyObject {
    /// The file path as given.
    var path: String { get }
    /// Appends one frame and makes it durable against a killed process.
    func write(_ snapshot: TrajectorySnapshot) throws
    /// Closes the file.
    func close() throws
}

/// Options shared by the trajectory formats.
public struct TrajectoryOptions: Sendable {
    /// Store velocities (Å/fs in memory; ASE momenta in extended XYZ, Å/ps in NetCDF).
    public var velocities: Bool
    /// Store forces (eV/Å; kcal/mol/Å in NetCDF).
    public var forces: Bool
    /// `programVersion` attribute of NetCDF files.
    public var programVersion: String
    /// What produced the frames (model, head, precision): comment-line values of every extended-XYZ
    /// frame, global attributes of a new NetCDF file.
    public var metadata: [String: String]

    public init(velocities: Bool = true, forces: Bool = false, programVersion: String = "0.1.0",
                metadata: [String: String] = [:]) {
        self.velocities = velocities
        self.forces = forces
        self.programVersion = programVersion
        self.metadata = metadata
    }
}

/// Opens the trajectory writer for `path` by its extension: `.nc` → AMBER NetCDF (always with
/// a cell; a box around a molecule), `.xyz`/`.extxyz` → extended XYZ. `.createNew` never touches an existing file; `.append` continues it.
public func makeTrajectoryWriter(path: String, system: AtomicSystem, mode: OutputMode = .createNew,
                                 options: TrajectoryOptions = TrajectoryOptions()) throws -> any TrajectoryWriter {
    let lower = path.lowercased()
    if lower.hasSuffix(".nc") {
        // Every frame has a cell, a molecule's a box around it, so that ASE, MDAnalysis, mdtraj
        // and OVITO all read the file (see AmberTrajectoryWriter).
        return try AmberTrajectoryWriter(path: path, atomicNumbers: system.atomicNumbers, mode: mode,
                                         periodic: true, moleculeBox: system.cell.pbc.isNonPeriodic,
                                         velocities: options.velocities,
                                         forces: options.forces, programVersion: options.programVersion,
                                         attributes: options.metadata)
    }
    if lower.hasSuffix(".xyz") || lower.hasSuffix(".extxyz") {
        return ExtXYZTrajectoryWriter(writer: try ExtXYZWriter(path: path, mode: mode), options: options)
    }
    throw OutputFileError(path: path, message: "unknown trajectory format (use .nc for AMBER NetCDF or .xyz for extended XYZ)")
}

extension AmberTrajectoryWriter: TrajectoryWriter {
    /// Writes positions, velocities and forces as configured; energy and stress are not stored.
    public func write(_ snapshot: TrajectorySnapshot) throws {
        try write(snapshot.system, timeInFemtoseconds: snapshot.timeFs, forces: writesForces ? snapshot.forces : nil)
    }
}

/// Extended XYZ frames with `step` and `time_fs` in the comment line, plus energy, forces,
/// stress and velocities as ASE reads them.
public final class ExtXYZTrajectoryWriter: TrajectoryWriter {
    public let writer: ExtXYZWriter
    public let options: TrajectoryOptions
    public var path: String { writer.path }

    public init(writer: ExtXYZWriter, options: TrajectoryOptions) {
        self.writer = writer
        self.options = options
    }

    public func write(_ snapshot: TrajectorySnapshot) throws {
        var info = ExtXYZInfo()
        info["step"] = .int(snapshot.step)
        info["time_fs"] = .double(snapshot.timeFs)
        for (key, value) in options.metadata.sorted(by: { $0.key < $1.key }) { info[key] = .string(value) }
        let frame = StructureRecord(system: snapshot.system, hasVelocities: options.velocities, info: info,
                                arrays: snapshot.arrays, energy: snapshot.energy,
                                forces: options.forces ? snapshot.forces : nil, stress: snapshot.stress)
        try writer.write(frame)
    }

    public func close() throws { try writer.close() }
}
