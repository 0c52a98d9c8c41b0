/// Problems found by the driver, each a complete one-line message.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    /// A run-file value that is inconsistent with the structure (e.g. an atom index out of range).
    case invalidSetting(key: String, message: String)
    /// The restart file does not belong to this run (different atoms or ensemble).
    case restartMismatch(path: String, message: String)
    /// The run stopped early; the last good frame was written.
    case stopped(step: Int, reason: String, lastGoodFrame: String)
    /// A relaxation hit its step limit; the last structure was written.
    case notConverged(summary: String, lastStructure: String)

    public var description: String {
        switch self {
        case .invalidSetting(let key, let message): return "\(key): \(message)"
        case .restartMismatch(let path, let message): return "\(path): \(message)"
        case .stopped(let step, let reason, let last):
            return "run stopped at step \(step): \(reason); the last good frame is in \(last)"
        case .notConverged(let summary, let last):
            return "relaxation \(summary); the last structure is in \(last)"
        }
    }
}
