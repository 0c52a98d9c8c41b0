/// The one place where MaceMD reads structures (`run`'s starting structure, `eval`'s input),
/// choosing the format by the file name:
///
/// | name                                             | format                           |
/// |--------------------------------------------------|----------------------------------|
/// | `*.xyz`, `*.extxyz`                              | extended (or plain) XYZ, all frames |
/// | `POSCAR*`, `CONTCAR*`, `*.vasp`, `*.poscar`      | VASP POSCAR/CONTCAR (one frame)  |
/// | `*.cif`                                          | CIF (one frame, see ``CIFReader``) |
///
/// Anything else is an error that names the format when it is a known one (ASE `.traj`, PDB,
/// LAMMPS data, …) and says how to convert it, instead of a misleading XYZ parse error.
public enum StructureFile {
    /// The formats MaceMD reads.
    public enum Format: String, Sendable, CaseIterable {
        case extXYZ = "extended XYZ"
        case poscar = "VASP POSCAR"
        case cif = "CIF"
    }

    /// The format of the file at `path`, by its name; throws for other formats.
    public static func format(of path: String) throws -> Format {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let upper = name.uppercased()
        if upper.hasPrefix("POSCAR") || upper.hasPrefix("CONTCAR") || upper.hasSuffix(".VASP") || upper.hasSuffix(".POSCAR") {
            return .poscar
        }
        if upper.hasSuffix(".CIF") { return .cif }
        if upper.hasSuffix(".XYZ") || upper.hasSuffix(".EXTXYZ") { return .extXYZ }
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { String(name[name.index(after: $0)...]).lowercased() } ?? ""
        let what = foreignFormats[ext].map { "\($0) (.\(ext))" }
            ?? (ext.isEmpty ? "a file with no extension" : "the unknown extension .\(ext)")
        throw StructureFileError(file: path, line: nil, message:
            "cannot read \(what) as a structure: MaceMD reads extended XYZ (.xyz, .extxyz), VASP (POSCAR*, "
                + "CONTCAR*, .vasp) and CIF (.cif); convert it, e.g. `ase convert \(name) structure.xyz`")
    }

    /// Formats users commonly have, by extension, named in the error for them.
    static let foreignFormats = [
        "traj": "an ASE trajectory", "pdb": "a PDB file", "data": "a LAMMPS data file",
        "lmp": "a LAMMPS data file", "lammps": "a LAMMPS data file", "lammpstrj": "a LAMMPS dump",
        "dump": "a LAMMPS dump", "gro": "a GROMACS file", "json": "a JSON file", "db": "an ASE database",
        "nc": "a NetCDF trajectory", "res": "a SHELX file", "cell": "a CASTEP cell file",
        "in": "an input file (Quantum ESPRESSO/FHI-aims?)", "xsf": "an XCrySDen file", "mol": "a MDL molfile",
        "sdf": "an SDF file", "h5": "an HDF5 file", "cfg": "an AtomEye/MLIP cfg file",
    ]

    /// Every frame of the file at `path`: all frames of an XYZ file, the one structure of a
    /// POSCAR or CIF file. An empty file is an error.
    public static func readAll(path: String) throws -> [StructureRecord] {
        switch try format(of: path) {
        case .poscar: return [try POSCARReader.read(path: path)]
        case .cif: return [try CIFReader.read(path: path)]
        case .extXYZ:
            let frames = try ExtXYZReader.readAll(path: path)
            guard !frames.isEmpty else { throw StructureFileError(file: path, line: nil, message: "no frames in file") }
            return frames
        }
    }

    /// A starting structure: from a multi-frame XYZ file the **last** frame, as `ase.io.read` does.
    public static func read(path: String) throws -> StructureRecord {
        if try format(of: path) == .extXYZ {
            let reader = try ExtXYZReader(path: path)
            var last: StructureRecord?
            while let frame = try reader.next() { last = frame }
            guard let last else { throw StructureFileError(file: path, line: nil, message: "no frames in file") }
            return last
        }
        return try readAll(path: path)[0]
    }
}

extension StructureFile {
    /// The whole text of a structure file (POSCAR, CIF); an unreadable file is an error naming it.
    static func text(at path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw StructureFileError(file: path, line: nil, message: "cannot read (\(OutputDirectory.reason(error)))")
        }
    }
}
