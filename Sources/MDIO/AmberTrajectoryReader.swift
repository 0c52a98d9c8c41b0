import CNetCDF
import MDCore

/// Reads back an AMBER NetCDF trajectory (as written by `AmberTrajectoryWriter` or AMBER):
/// frame count, atoms, and per frame the time, coordinates, cell and velocities in MaceMD units.
public final class AmberTrajectoryReader {
    /// The path as given.
    public let path: String
    /// Number of frames (records) in the file.
    public let frameCount: Int
    /// Number of atoms.
    public let atomCount: Int
    /// Atomic numbers from `atom_types`, when the file has them.
    public let atomicNumbers: [Int]?
    private let file: NetCDFFile

    /// Opens `path` read-only.
    public init(path: String) throws {
        self.path = path
        file = try NetCDFFile.open(path: path, writable: false)
        frameCount = try file.dimensionLength("frame")
        atomCount = try file.dimensionLength("atom")
        if let id = try file.variableID("atom_types"), atomCount > 0 {
            atomicNumbers = try file.getInts(id, "atom_types", start: [0], count: [atomCount]).map(Int.init)
        } else {
            atomicNumbers = nil
        }
    }

    /// A global text attribute such as `Conventions` or `program`.
    public func globalAttribute(_ name: String) throws -> String? { try file.textAttribute(name) }

    /// The `units` attribute of a variable.
    public func units(of variable: String) throws -> String? {
        try file.textAttribute("units", variable: try file.requireVariable(variable))
    }

    /// Whether the file has a variable called `name` (e.g. "velocities", "forces").
    public func hasVariable(_ name: String) throws -> Bool { try file.variableID(name) != nil }

    /// Time of `frame` in fs.
    public func timeInFemtoseconds(frame: Int) throws -> Double {
        let t = try file.getFloats(try file.requireVariable("time"), "time", start: [try check(frame)], count: [1])
        return Double(t[0]) * Units.femtosecondsPerPicosecond
    }

    /// Coordinates of `frame` (Å, standard orientation).
    public func coordinates(frame: Int) throws -> [SIMD3<Double>] { try vectors("coordinates", frame, scale: 1) }

    /// Velocities of `frame` (Å/fs).
    public func velocities(frame: Int) throws -> [SIMD3<Double>] {
        try vectors("velocities", frame, scale: 1 / Units.femtosecondsPerPicosecond)
    }

    /// Forces of `frame` (eV/Å).
    public func forces(frame: Int) throws -> [SIMD3<Double>] {
        try vectors("forces", frame, scale: 1 / Units.kilocaloriePerMolePerEV)
    }

    /// Cell lengths (Å) and angles (degrees) of `frame`.
    public func cell(frame: Int) throws -> (lengths: SIMD3<Double>, anglesInDegrees: SIMD3<Double>) {
        let f = try check(frame)
        let l = try file.getDoubles(try file.requireVariable("cell_lengths"), "cell_lengths", start: [f, 0], count: [1, 3])
        let a = try file.getDoubles(try file.requireVariable("cell_angles"), "cell_angles", start: [f, 0], count: [1, 3])
        return (SIMD3(l), SIMD3(a))
    }

    /// The cell's corner (Å) of `frame` from the `cell_origin` variable (an extension that ASE
    /// and OVITO read; MaceMD writes it for molecules), or nil when the file has none.
    public func cellOrigin(frame: Int) throws -> SIMD3<Double>? {
        let f = try check(frame)
        guard let id = try file.variableID("cell_origin") else { return nil }
        return SIMD3(try file.getDoubles(id, "cell_origin", start: [f, 0], count: [1, 3]))
    }

    /// Closes the file (also done on deinit).
    public func close() throws { try file.close() }

    private func check(_ frame: Int) throws -> Int {
        guard frame >= 0, frame < frameCount else {
            throw file.failure("read", "frame \(frame) out of range (the file has \(frameCount) frames)")
        }
        return frame
    }

    private func vectors(_ name: String, _ frame: Int, scale: Double) throws -> [SIMD3<Double>] {
        let flat = try file.getFloats(try file.requireVariable(name), name, start: [try check(frame), 0, 0], count: [1, atomCount, 3])
        return stride(from: 0, to: flat.count, by: 3).map {
            scale * SIMD3(Double(flat[$0]), Double(flat[$0 + 1]), Double(flat[$0 + 2]))
        }
    }
}
