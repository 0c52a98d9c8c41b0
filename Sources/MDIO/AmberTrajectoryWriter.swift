import CNetCDF
import Foundation
import MDCore

/// Writes an AMBER NetCDF trajectory (convention 1.0, https://ambermd.org/netcdf/nctraj.xhtml),
/// readable by ASE (`NetCDFTrajectory`), MDAnalysis, mdtraj, VMD, OVITO and cpptraj.
///
/// File layout (64-bit offset format, `NC_64BIT_OFFSET`):
/// - global attributes `Conventions="AMBER"`, `ConventionVersion="1.0"`, `program="MaceMD"`,
///   `programVersion`;
/// - dimensions `frame` (unlimited), `spatial` 3, `atom` N, `cell_spatial` 3, `cell_angular` 3, `label` 5;
/// - `spatial` ("xyz"), `cell_spatial` ("abc"), `cell_angular` ("alpha", "beta ", "gamma") labels;
/// - `time(frame)` float, picosecond; `coordinates(frame, atom, spatial)` float, angstrom;
/// - `cell_lengths(frame, cell_spatial)` double, angstrom, and `cell_angles(frame, cell_angular)`
///   double, degree, when the trajectory is created `periodic` (the default). A partly periodic
///   cell (a slab, pbc T T F) is stored whole, vacuum axis included, so every reader gets the
///   real cell (readers take an axis of non-zero length as periodic: pbc itself has no place in
///   the convention); an axis without a cell vector has length 0. A trajectory created with
///   `periodic: false` has no cell variables, as the convention asks for non-periodic systems:
///   MDAnalysis, mdtraj, VMD and cpptraj read it, ASE's `NetCDFTrajectory` cannot (it requires
///   `cell_lengths`). For a molecule `periodic: true` writes lengths 0 and angles 90°, which ASE
///   reads but MDAnalysis 2.11 cannot (it fails on an all-zero box), unless the trajectory is
///   created with `moleculeBox`: then each frame of a molecule gets an orthorhombic box around
///   its atoms, 2 × their extent + 10 Å along each axis (so minimum-image distances equal the
///   plain ones), centred on them with its corner in `cell_origin(frame, cell_spatial)` (read by
///   ASE and OVITO). ASE, MDAnalysis, mdtraj and OVITO all read that file;
/// - optional `velocities(frame, atom, spatial)` float, angstrom/picosecond (no scale factor);
/// - optional `forces(frame, atom, spatial)` float, kilocalorie/mole/angstrom;
/// - `atom_types(atom)` int: atomic numbers, which ASE reads back as elements.
///
/// Coordinates, velocities and forces are rotated into the standard orientation of each frame's
/// cell (see `StandardOrientation`), as the convention requires for triclinic cells. Each frame is
/// followed by `nc_sync`, so a killed run leaves a readable file with every finished frame.
public final class AmberTrajectoryWriter {
    /// The path as given.
    public let path: String
    /// The number of atoms of every frame.
    public let atomCount: Int
    /// Whether frames carry a cell (`cell_lengths`, `cell_angles`).
    public let writesCell: Bool
    /// Whether molecules get a box around their atoms (and the file a `cell_origin` variable).
    public let writesMoleculeBox: Bool
    /// Whether frames carry velocities / forces.
    public let writesVelocities: Bool
    public let writesForces: Bool
    /// The number of frames in the file (the index the next frame gets).
    public private(set) var frameCount: Int

    private let file: NetCDFFile
    private let ids: [String: Int32]

    /// Creates (`.createNew`, `.overwrite`) or continues (`.append`) a trajectory of `atomicNumbers`.
    ///
    /// Appending reopens the file, checks that it is an AMBER trajectory with the same atoms
    /// (count and atomic numbers) and the requested velocity/force variables, and continues
    /// at the next frame; a missing file is created. `.createNew` never touches an existing file.
    /// - Parameter programVersion: stored as the `programVersion` global attribute.
    /// - Parameter attributes: further global text attributes of a new file (e.g. the model and head).
    /// - Parameter periodic: whether to store the cell (true for any system with a periodic axis;
    ///   see the type's notes for molecules). Ignored when appending: the file decides.
    /// - Parameter moleculeBox: with `periodic`, store a box around each molecule frame instead
    ///   of zero lengths (see the type's notes). Ignored when appending: the file decides.
    public init(path: String, atomicNumbers: [Int], mode: OutputMode = .createNew, periodic: Bool = true,
                moleculeBox: Bool = false, velocities: Bool = false, forces: Bool = false,
                programVersion: String = "0.1.0", attributes: [String: String] = [:]) throws {
        self.path = path
        atomCount = atomicNumbers.count
        writesVelocities = velocities
        writesForces = forces
        if mode == .append, FileManager.default.fileExists(atPath: path) {
            file = try NetCDFFile.open(path: path, writable: true)
            var found: [String: Int32] = [:]
            for name in Self.variableNames(velocities: velocities, forces: forces) {
                found[name] = try file.requireVariable(name)
            }
            for name in ["cell_lengths", "cell_angles", "cell_origin"] { found[name] = try file.variableID(name) }
            ids = found
            writesCell = found["cell_lengths"] != nil && found["cell_angles"] != nil
            writesMoleculeBox = writesCell && found["cell_origin"] != nil
            frameCount = try Self.checkExisting(file, atomicNumbers: atomicNumbers, ids: found)
        } else {
            file = try NetCDFFile.create(path: path, overwrite: mode == .overwrite)
            ids = try Self.defineHeader(file, atomicNumbers: atomicNumbers, cell: periodic, origin: periodic && moleculeBox,
                                        velocities: velocities, forces: forces, programVersion: programVersion,
                                        attributes: attributes)
            writesCell = periodic
            writesMoleculeBox = periodic && moleculeBox
            frameCount = 0
        }
    }

    static func variableNames(velocities: Bool, forces: Bool) -> [String] {
        ["time", "coordinates", "atom_types"]
            + (velocities ? ["velocities"] : []) + (forces ? ["forces"] : [])
    }

    /// Appends one frame at `timeInFemtoseconds` (stored in ps) with the system's positions (Å),
    /// velocities (Å/fs → Å/ps, if enabled) and `forces` (eV/Å → kcal/mol/Å, if enabled), then syncs.
    public func write(_ system: AtomicSystem, timeInFemtoseconds time: Double,
                      forces: [SIMD3<Double>]? = nil) throws {
        guard system.count == atomCount else {
            throw file.failure("write frame \(frameCount)", "system has \(system.count) atoms, trajectory has \(atomCount)")
        }
        // Every check comes before the first write, so a rejected frame leaves no partial record.
        if !writesCell, !system.cell.pbc.isNonPeriodic {
            throw file.failure("write frame \(frameCount)", "the system is periodic (pbc \(system.cell.pbc)) but the trajectory was created without a cell")
        }
        if writesForces, forces?.count != atomCount {
            throw file.failure("write frame \(frameCount)", "the trajectory stores forces but \(forces.map { "\($0.count) were" } ?? "none were") given for \(atomCount) atoms")
        }
        let orientation = StandardOrientation(cell: system.cell)
        let f = frameCount
        let n = atomCount
        let record = Self.cellRecord(system, moleculeBox: writesMoleculeBox)
        try file.put(try variable("time"), "time", start: [f], count: [1], floats: [Float(time / Units.femtosecondsPerPicosecond)])
        try file.put(try variable("coordinates"), "coordinates", start: [f, 0, 0], count: [1, n, 3],
                     floats: Self.flat(orientation.apply(system.positions), scale: 1))
        if writesCell {
            try file.put(try variable("cell_lengths"), "cell_lengths", start: [f, 0], count: [1, 3], doubles: record.lengths)
            try file.put(try variable("cell_angles"), "cell_angles", start: [f, 0], count: [1, 3], doubles: record.angles)
            if let id = ids["cell_origin"] {
                try file.put(id, "cell_origin", start: [f, 0], count: [1, 3], doubles: record.origin)
            }
        }
        if writesVelocities, let id = ids["velocities"] {
            try file.put(id, "velocities", start: [f, 0, 0], count: [1, n, 3],
                         floats: Self.flat(orientation.apply(system.velocities), scale: Units.femtosecondsPerPicosecond))
        }
        if writesForces, let id = ids["forces"], let forces {
            try file.put(id, "forces", start: [f, 0, 0], count: [1, n, 3],
                         floats: Self.flat(orientation.apply(forces), scale: Units.kilocaloriePerMolePerEV))
        }
        try file.sync()
        frameCount += 1
    }

    /// What a frame stores as its cell: lengths (Å), angles (degrees) and origin (Å).
    ///
    /// Any system with a periodic axis: the lengths of all three cell vectors (0 only for an
    /// axis without a vector) and their angles. A molecule: zero lengths and 90°, or, with
    /// `moleculeBox`, per axis k the box L_k = 2 e_k + 10 Å around the atoms' extent
    /// e_k = max x_k − min x_k, with origin min x_k − (L_k − e_k)/2.
    static func cellRecord(_ system: AtomicSystem, moleculeBox: Bool)
        -> (lengths: [Double], angles: [Double], origin: [Double]) {
        let cell = system.cell
        if !cell.pbc.isNonPeriodic {
            return ((0..<3).map { cell.lengths[$0] }, (0..<3).map { cell.anglesInDegrees[$0] }, [0, 0, 0])
        }
        guard moleculeBox, let first = system.positions.first else { return ([0, 0, 0], [90, 90, 90], [0, 0, 0]) }
        var low = first, high = first
        for x in system.positions { low = pointwiseMin(low, x); high = pointwiseMax(high, x) }
        let extent = high - low
        let box = 2 * extent + SIMD3(repeating: 10)
        let origin = low - 0.5 * (box - extent)
        return ([box.x, box.y, box.z], [90, 90, 90], [origin.x, origin.y, origin.z])
    }

    private func variable(_ name: String) throws -> Int32 {
        guard let id = ids[name] else { throw file.failure("write", "no variable '\(name)'") }
        return id
    }

    /// Closes the file (also done on deinit).
    public func close() throws { try file.close() }

    static func flat(_ v: [SIMD3<Double>], scale: Double) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(3 * v.count)
        for x in v { out.append(Float(scale * x.x)); out.append(Float(scale * x.y)); out.append(Float(scale * x.z)) }
        return out
    }
}
