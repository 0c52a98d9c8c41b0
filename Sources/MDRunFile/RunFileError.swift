/// A problem in a run file, as one line naming the file, the YAML line and the key:
/// `run.yaml:7: unknown key 'timestep' in md (did you mean 'timestep_fs'?)`.
public struct RunFileError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// The run file path as given.
    public let file: String
    /// The 1-based YAML line, when known.
    public let line: Int?
    /// The dotted key the problem belongs to (`md.timestep_fs`), or "" for the whole file.
    public let key: String
    /// What is wrong (starts with the key when there is one).
    public let message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
