import Foundation
import Testing
import MDCore
import TestSupport
@testable import MDIO

/// A small triclinic system in a rotated (non-standard) orientation, moved a little per frame.
func triclinicSystem(frame k: Int) throws -> AtomicSystem {
    let cell = Cell(vectors: Matrix3(rows: SIMD3(4.0, 1.0, 0.5), SIMD3(-0.4, 4.2, 0.8), SIMD3(0.6, -0.3, 5.0)))
    let positions: [SIMD3<Double>] = [
        SIMD3(0.3, 0.2, 0.1), SIMD3(1.9, 2.1, 1.7), SIMD3(3.1, 0.4, 2.9), SIMD3(-0.5, 3.3, 4.1),
    ].map { $0 + Double(k) * SIMD3(0.01, -0.02, 0.015) }
    let velocities: [SIMD3<Double>] = (0..<4).map { i in SIMD3(0.001 * Double(i + 1), -0.002, 0.0005 * Double(k)) }
    return try AtomicSystem(atomicNumbers: [11, 17, 8, 1], positions: positions, cell: cell, velocities: velocities)
}

func forces(frame k: Int) -> [SIMD3<Double>] {
    (0..<4).map { i in SIMD3(0.1 * Double(i), -0.2 + 0.01 * Double(k), 0.3) }
}

@Suite struct AmberTrajectoryTests {
    @Test func standardOrientationMatchesCellFromLengthsAndAngles() throws {
        let cell = try triclinicSystem(frame: 0).cell
        let r = StandardOrientation(cell: cell).rotation
        let rotated = cell.vectors * r
        let standard = Cell(lengths: cell.lengths, anglesInDegrees: cell.anglesInDegrees).vectors
        #expect((rotated - standard).maxAbs < 1e-12)
        #expect((r * r.transposed - .identity).maxAbs < 1e-14)
        #expect(abs(r.determinant - 1) < 1e-14)
    }

    @Test func moleculeIsNotRotated() throws {
        #expect(StandardOrientation(cell: .none) == .identity)
    }

    @Test func writtenTrajectoryReadsBackWithAMBERLayout() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], velocities: true,
                                               forces: true, programVersion: "test")
        for k in 0..<3 {
            try writer.write(try triclinicSystem(frame: k), timeInFemtoseconds: 2.5 * Double(k), forces: forces(frame: k))
        }
        try writer.close()

        let reader = try AmberTrajectoryReader(path: path)
        #expect(reader.frameCount == 3)
        #expect(reader.atomCount == 4)
        #expect(reader.atomicNumbers == [11, 17, 8, 1])
        #expect(try reader.globalAttribute("Conventions") == "AMBER")
        #expect(try reader.globalAttribute("ConventionVersion") == "1.0")
        #expect(try reader.globalAttribute("program") == "MaceMD")
        #expect(try reader.globalAttribute("programVersion") == "test")
        #expect(try reader.units(of: "coordinates") == "angstrom")
        #expect(try reader.units(of: "time") == "picosecond")
        #expect(try reader.units(of: "velocities") == "angstrom/picosecond")
        #expect(try reader.units(of: "forces") == "kilocalorie/mole/angstrom")
        #expect(try reader.units(of: "cell_angles") == "degree")
        for k in 0..<3 {
            let system = try triclinicSystem(frame: k)
            let r = StandardOrientation(cell: system.cell).rotation
            #expect(abs(try reader.timeInFemtoseconds(frame: k) - 2.5 * Double(k)) < 1e-5)
            let x = try reader.coordinates(frame: k)
            let worst = zip(x, system.positions).map { length($0 - $1 * r) }.max() ?? 1
            #expect(worst < 1e-5, "coordinates deviate by \(worst) Å")
            // Distances are kept by the rotation.
            #expect(abs(length(x[1] - x[0]) - length(system.positions[1] - system.positions[0])) < 1e-5)
            let v = try reader.velocities(frame: k)
            #expect(zip(v, system.velocities).map { length($0 - $1 * r) }.max() ?? 1 < 1e-8)
            let f = try reader.forces(frame: k)
            #expect(zip(f, forces(frame: k)).map { length($0 - $1 * r) }.max() ?? 1 < 1e-6)
            let cell = try reader.cell(frame: k)
            #expect(length(cell.lengths - system.cell.lengths) < 1e-12)
            #expect(length(cell.anglesInDegrees - system.cell.anglesInDegrees) < 1e-12)
        }
    }

    func water() throws -> AtomicSystem {
        try AtomicSystem(atomicNumbers: [8, 1, 1], positions: [SIMD3(0, 0, 0), SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0)])
    }

    @Test func moleculeWithCellHasZeroCellLengths() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("mol.nc").path
        let system = try water()
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: system.atomicNumbers, periodic: true)
        try writer.write(system, timeInFemtoseconds: 0)
        try writer.close()
        let reader = try AmberTrajectoryReader(path: path)
        let cell = try reader.cell(frame: 0)
        #expect(cell.lengths == .zero)
        #expect(cell.anglesInDegrees == SIMD3(90, 90, 90))
        #expect(try reader.coordinates(frame: 0) == system.positions.map { SIMD3<Double>(SIMD3<Float>($0)) })
        #expect(try reader.hasVariable("velocities") == false)
    }

    @Test func moleculeWithoutCellHasNoCellVariables() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("mol.nc").path
        let system = try water()
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: system.atomicNumbers, periodic: false)
        try writer.write(system, timeInFemtoseconds: 0)
        #expect(throws: NetCDFError.self) { try writer.write(try triclinicSystem(frame: 0), timeInFemtoseconds: 1) }
        try writer.close()
        let reader = try AmberTrajectoryReader(path: path)
        #expect(reader.frameCount == 1)
        #expect(try reader.hasVariable("cell_lengths") == false)
        #expect(try reader.hasVariable("cell_angles") == false)
        #expect(try reader.coordinates(frame: 0) == system.positions.map { SIMD3<Double>(SIMD3<Float>($0)) })
        // Appending keeps the file's choice.
        let again = try AmberTrajectoryWriter(path: path, atomicNumbers: system.atomicNumbers, mode: .append)
        #expect(!again.writesCell)
    }

    @Test func appendContinuesAtTheNextFrame() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let first = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], velocities: true)
        for k in 0..<2 { try first.write(try triclinicSystem(frame: k), timeInFemtoseconds: Double(k)) }
        try first.close()

        let again = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], mode: .append, velocities: true)
        #expect(again.frameCount == 2)
        try again.write(try triclinicSystem(frame: 2), timeInFemtoseconds: 2)
        try again.close()

        let reader = try AmberTrajectoryReader(path: path)
        #expect(reader.frameCount == 3)
        #expect(abs(try reader.timeInFemtoseconds(frame: 2) - 2) < 1e-6)
        let system = try triclinicSystem(frame: 2)
        let r = StandardOrientation(cell: system.cell).rotation
        #expect(zip(try reader.coordinates(frame: 2), system.positions).map { length($0 - $1 * r) }.max() ?? 1 < 1e-5)
    }

    @Test func appendRefusesOtherAtoms() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1])
        try writer.write(try triclinicSystem(frame: 0), timeInFemtoseconds: 0)
        try writer.close()
        #expect(throws: NetCDFError.self) { try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8], mode: .append) }
        #expect(throws: NetCDFError.self) { try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 8], mode: .append) }
        #expect(throws: NetCDFError.self) { try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], mode: .append, velocities: true) }
        #expect(try AmberTrajectoryReader(path: path).frameCount == 1)
    }

    @Test func createNewNeverTruncatesAnExistingFile() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1])
        try writer.write(try triclinicSystem(frame: 0), timeInFemtoseconds: 0)
        try writer.close()
        do {
            _ = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], mode: .createNew)
            Issue.record("expected an error for an existing file")
        } catch let error as NetCDFError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("exists"))
        }
        #expect(try AmberTrajectoryReader(path: path).frameCount == 1)
        let overwritten = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], mode: .overwrite)
        try overwritten.close()
        #expect(try AmberTrajectoryReader(path: path).frameCount == 0)
    }

    /// A run killed after some frames: the writer is never closed, yet every synced frame is readable.
    @Test func unclosedFileKeepsEveryFinishedFrame() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], forces: true)
        for k in 0..<3 {
            try writer.write(try triclinicSystem(frame: k), timeInFemtoseconds: Double(k), forces: forces(frame: k))
        }
        try withExtendedLifetime(writer) {
            let reader = try AmberTrajectoryReader(path: path)
            #expect(reader.frameCount == 3)
            let system = try triclinicSystem(frame: 2)
            let r = StandardOrientation(cell: system.cell).rotation
            #expect(zip(try reader.coordinates(frame: 2), system.positions).map { length($0 - $1 * r) }.max() ?? 1 < 1e-5)
        }
    }

    @Test func wrongAtomCountIsAnError() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8])
        #expect(throws: NetCDFError.self) { try writer.write(try triclinicSystem(frame: 0), timeInFemtoseconds: 0) }
    }

    /// Writes the trajectory that scripts/checks/check_netcdf_readers.py reads, when MACEMD_NETCDF_OUT=DIR is set.
    @Test func writesReaderCheckTrajectory() throws {
        guard let keep = ProcessInfo.processInfo.environment["MACEMD_NETCDF_OUT"] else { return }
        try OutputDirectory.prepare(keep)
        for (name, periodic, cell) in [("triclinic", true, true), ("molecule", false, false), ("molecule_zero_cell", false, true)] {
            let nc = "\(keep)/\(name).nc", xyz = "\(keep)/\(name).xyz"
            let nw = try AmberTrajectoryWriter(path: nc, atomicNumbers: [11, 17, 8, 1], mode: .overwrite, periodic: cell,
                                               velocities: true, forces: true)
            let xw = try ExtXYZWriter(path: xyz, mode: .overwrite)
            for k in 0..<5 {
                var system = try triclinicSystem(frame: k)
                if !periodic { system.cell = .none }
                try nw.write(system, timeInFemtoseconds: 0.5 * Double(k), forces: forces(frame: k))
                try xw.write(ExtXYZFrame(system: system, forces: forces(frame: k)))
            }
            try nw.close()
            try xw.close()
        }
    }
}

/// The child half of `sigkilledWriterLeavesEveryFinishedFrame`: with MACEMD_KILLED_WRITER_OUT=FILE.nc
/// set, writes 5 frames, starts a 6th without syncing and SIGKILLs its own process. Without the
/// variable it does nothing. (By hand: `MACEMD_KILLED_WRITER_OUT=/tmp/k.nc swift test --filter
/// writeFramesThenSIGKILL`, then `ncdump -h /tmp/k.nc` shows 5 frames.)
@Suite struct KilledWriterHelper {
    @Test func writeFramesThenSIGKILL() throws {
        guard let path = ProcessInfo.processInfo.environment["MACEMD_KILLED_WRITER_OUT"] else { return }
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], mode: .overwrite, velocities: true)
        for k in 0..<5 { try writer.write(try triclinicSystem(frame: k), timeInFemtoseconds: Double(k)) }
        let file = try NetCDFFile.open(path: path, writable: true)  // a second handle: a half-written 6th record
        let id = try file.requireVariable("coordinates")
        try file.put(id, "coordinates", start: [5, 0, 0], count: [1, 4, 3], floats: Array(repeating: 9, count: 12))
        kill(getpid(), SIGKILL)
    }
}

@Suite struct AmberTrajectoryRejectionTests {
    /// A rejected frame (missing forces) leaves no partial record behind.
    @Test func rejectedFrameLeavesNoRecord() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("traj.nc").path
        let writer = try AmberTrajectoryWriter(path: path, atomicNumbers: [11, 17, 8, 1], forces: true)
        try writer.write(try triclinicSystem(frame: 0), timeInFemtoseconds: 0, forces: forces(frame: 0))
        #expect(throws: NetCDFError.self) { try writer.write(try triclinicSystem(frame: 1), timeInFemtoseconds: 1) }
        #expect(writer.frameCount == 1)
        try writer.close()
        #expect(try AmberTrajectoryReader(path: path).frameCount == 1)
    }
}

@Suite struct KilledWriterTests {
    /// Runs `KilledWriterHelper` in a child test process that SIGKILLs itself in the middle of a
    /// frame, then reads the file: every frame finished before the kill is there and intact.
    /// Needs the SwiftPM test binary (`*.xctest` executable, as on Linux); elsewhere it returns.
    @Test func sigkilledWriterLeavesEveryFinishedFrame() throws {
        let binary = CommandLine.arguments[0]
        guard binary.hasSuffix(".xctest"), ProcessInfo.processInfo.environment["MACEMD_KILLED_WRITER_OUT"] == nil,
              FileManager.default.isExecutableFile(atPath: binary) else { return }
        let path = try TestFiles.scratchDirectory().appendingPathComponent("killed.nc").path
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "writeFramesThenSIGKILL"]
        var environment = ProcessInfo.processInfo.environment
        environment["MACEMD_KILLED_WRITER_OUT"] = path
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(120)
        while child.isRunning, Date() < deadline { usleep(20_000) }
        if child.isRunning {
            child.terminate()
            Issue.record("the child test process did not finish in 120 s")
            return
        }
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        let reader = try AmberTrajectoryReader(path: path)
        #expect(reader.frameCount == 5)
        #expect(reader.atomicNumbers == [11, 17, 8, 1])
        let system = try triclinicSystem(frame: 4)
        let r = StandardOrientation(cell: system.cell).rotation
        #expect(zip(try reader.coordinates(frame: 4), system.positions).map { length($0 - $1 * r) }.max() ?? 1 < 1e-5)
        #expect(abs(try reader.timeInFemtoseconds(frame: 4) - 4) < 1e-5)
    }
}
