/// A problem reading or writing a structure file (extended XYZ, POSCAR, CIF), as one line:
/// `structure.xyz:12: atom line has 3 columns but Properties declares 4`.
public struct StructureFileError: Error, Equatable, CustomStringConvertible {
    /// The file path as given.
    public let file: String
    /// The 1-based line number, when the problem belongs to a line.
    public let line: Int?
    /// What is wrong.
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
