/// Reads a starting structure by its file name: VASP (`POSCAR*`, `CONTCAR*`, `*.vasp`,
/// `*.poscar`), CIF (`*.cif`, see ``CIFReader``) or extended/plain XYZ (anything else). From a multi-frame XYZ file the **last**
/// frame is taken, as `ase.io.read` does.
public enum StructureFile {
    public static func read(path: String) throws -> ExtXYZFrame {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let upper = name.uppercased()
        if upper.hasPrefix("POSCAR") || upper.hasPrefix("CONTCAR") || upper.hasSuffix(".VASP") || upper.hasSuffix(".POSCAR") {
            return try POSCARReader.read(path: path)
        }
        if upper.hasSuffix(".CIF") { return try CIFReader.read(path: path) }
        let reader = try ExtXYZReader(path: path)
        var last: ExtXYZFrame?
        while let frame = try reader.next() { last = frame }
        guard let last else { throw ExtXYZError(file: path, line: nil, message: "no frames in file") }
        return last
    }
}

extension StructureFile {
    /// The whole text of a structure file (POSCAR, CIF); an unreadable file is an error naming it.
    static func text(at path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ExtXYZError(file: path, line: nil, message: "cannot read (\(OutputDirectory.reason(error)))")
        }
    }
}
