import Foundation

/// The last step already present in an output file, so that a restarted run appends only
/// steps after it and never duplicates one.
public enum LastWrittenStep {
    /// The largest `step` of a stats log (nil when the file is missing or has no rows).
    public static func inStatsLog(_ path: String) throws -> Int? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let table = try StatsTable(contentsOf: URL(fileURLWithPath: path))
        return table.column("step")?.max().map { Int($0.rounded()) }
    }

    /// The step of the last frame of a trajectory (`.nc`: from its time and the time step;
    /// `.xyz`: from the frame's `step` key). Nil when the file is missing or empty.
    public static func inTrajectory(_ path: String, timeStepFs: Double) throws -> Int? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        if path.lowercased().hasSuffix(".nc") {
            let reader = try AmberTrajectoryReader(path: path)
            defer { try? reader.close() }
            guard reader.frameCount > 0 else { return nil }
            let time = try reader.timeInFemtoseconds(frame: reader.frameCount - 1)
            return Int((time / timeStepFs).rounded())
        }
        let reader = try ExtXYZReader(path: path)
        var last: Int?
        while let frame = try reader.next() {
            if case .int(let step)? = frame.info["step"] { last = step }
        }
        return last
    }
}
