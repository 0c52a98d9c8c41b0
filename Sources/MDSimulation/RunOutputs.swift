import Foundation
import MDCore
import MDIO
import MDRunFile

/// The files one run writes into its output directory: trajectory, stats log, restart file
/// and final structure. On a restart the trajectory and stats log are appended to, and a
/// step already present in a file is not written again.
///
/// The directory is locked (``OutputDirectoryLock``) from opening until ``close()`` or the
/// end of the process, so a second run into the same directory fails at once. The input
/// structure's per-atom columns that describe the atoms (`move_mask`, `tags`, …; see
/// ``KeptColumns``) go into every extended-XYZ structure written: trajectory frames and
/// `final.xyz`.
final class RunOutputs {
    let directory: String
    let trajectoryPath: String
    let statsPath: String
    let restartPath: String
    let finalPath: String
    private var trajectory: (any TrajectoryWriter)?
    private let stats: StatsLog
    private let lastTrajectoryStep: Int
    private let lastStatsStep: Int
    private let perAtomColumns: [ExtXYZArray]
    private let lock: OutputDirectoryLock

    /// Opens the outputs of `output` for `system`.
    /// - Parameters:
    ///   - columns: the stats-log columns.
    ///   - continuing: a restart: append and skip steps the files already hold.
    ///   - overwrite: replace existing files (fresh runs only).
    ///   - timeStepFs: to recover the last step of a NetCDF trajectory from its time.
    ///   - perAtomColumns: per-atom columns written with every extended-XYZ structure.
    ///   - restartable: whether `--restart` can continue this kind of run (MD), for the
    ///     "file exists" message.
    init(_ output: OutputSettings, system: AtomicSystem, columns: [StatsColumn], continuing: Bool,
         overwrite: Bool, timeStepFs: Double, trajectoryOptions: TrajectoryOptions,
         perAtomColumns: [ExtXYZArray] = [], restartable: Bool = true) throws {
        try OutputDirectory.prepare(output.directory)
        lock = try OutputDirectoryLock(directory: output.directory)
        directory = output.directory
        self.perAtomColumns = perAtomColumns
        func inDirectory(_ name: String) -> String { (output.directory as NSString).appendingPathComponent(name) }
        trajectoryPath = inDirectory(output.trajectory)
        statsPath = inDirectory(output.stats)
        restartPath = inDirectory(output.restart)
        finalPath = inDirectory("final.xyz")
        let writesTrajectory = output.trajectoryEvery > 0
        if !continuing && !overwrite {
            let existing = [writesTrajectory ? trajectoryPath : nil, statsPath, restartPath, finalPath]
                .compactMap { $0 }.filter { FileManager.default.fileExists(atPath: $0) }
            if let first = existing.first {
                let continuation = restartable && FileManager.default.fileExists(atPath: restartPath)
                    ? ", or continue with --restart \(restartPath)" : ""
                throw OutputFileError(path: first, message:
                    "file exists; choose another output directory or pass --overwrite\(continuation)")
            }
        }
        lastTrajectoryStep = continuing ? (try LastWrittenStep.inTrajectory(trajectoryPath, timeStepFs: timeStepFs) ?? -1) : -1
        lastStatsStep = continuing ? (try LastWrittenStep.inStatsLog(statsPath) ?? -1) : -1
        let mode: OutputMode = continuing ? .append : (overwrite ? .overwrite : .createNew)
        stats = try StatsLog(path: statsPath, columns: columns, mode: mode)
        if writesTrajectory {
            trajectory = try makeTrajectoryWriter(path: trajectoryPath, system: system, mode: mode,
                                                  options: trajectoryOptions)
        }
    }

    /// Writes a stats line for `step` unless the log already has it.
    func writeStats(step: Int, _ values: [Double]) throws {
        guard step > lastStatsStep else { return }
        try stats.write(values)
    }

    /// Writes a trajectory frame unless the trajectory already has this step.
    func writeFrame(_ snapshot: TrajectorySnapshot) throws {
        guard let trajectory, snapshot.step > lastTrajectoryStep else { return }
        var snapshot = snapshot
        snapshot.arrays = perAtomColumns
        try trajectory.write(snapshot)
    }

    /// Writes a Codable restart payload atomically (temporary file, then rename).
    func writeRestart<Payload: Codable>(_ payload: Payload) throws {
        try RestartFile.write(payload, to: restartPath)
    }

    /// Writes the final structure (extended XYZ) atomically, replacing an older one.
    func writeFinal(_ frame: StructureRecord) throws {
        let temporary = finalPath + ".tmp"
        var frame = frame
        frame.arrays = perAtomColumns
        try ExtXYZWriter.write([frame], to: temporary, mode: .overwrite)
        guard rename(temporary, finalPath) == 0 else {
            throw OutputFileError(path: finalPath, message: "cannot rename \(temporary) into place")
        }
    }

    /// Closes the files and releases the directory lock.
    func close() throws {
        defer { lock.release() }
        try trajectory?.close()
        try stats.close()
    }
}
