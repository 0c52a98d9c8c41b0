import Foundation
import Testing
import MDCore
import TestSupport
@testable import MDIO

@Suite struct TrajectoryWriterTests {
    @Test func extensionPicksTheFormat() throws {
        let dir = try TestFiles.scratchDirectory()
        let system = try triclinicSystem(frame: 0)
        let options = TrajectoryOptions(velocities: true, forces: true)
        let nc = try makeTrajectoryWriter(path: dir.appendingPathComponent("t.nc").path, system: system, options: options)
        let xyz = try makeTrajectoryWriter(path: dir.appendingPathComponent("t.xyz").path, system: system, options: options)
        #expect(nc is AmberTrajectoryWriter)
        #expect(xyz is ExtXYZTrajectoryWriter)
        #expect(throws: OutputFileError.self) {
            try makeTrajectoryWriter(path: dir.appendingPathComponent("t.dcd").path, system: system)
        }
        for k in 0..<3 {
            let s = TrajectorySnapshot(system: try triclinicSystem(frame: k), step: 10 * k, timeFs: 5 * Double(k),
                                       energy: -1.5 * Double(k), forces: forces(frame: k))
            try nc.write(s)
            try xyz.write(s)
        }
        try nc.close()
        try xyz.close()

        let frames = try ExtXYZReader.readAll(path: xyz.path)
        #expect(frames.count == 3)
        #expect(frames[2].info["step"] == .int(20))
        #expect(frames[2].info["time_fs"] == .double(10))
        #expect(frames[2].energy == -3)
        #expect(frames[2].hasVelocities)
        let reference = try triclinicSystem(frame: 2)
        #expect(zip(frames[2].system.velocities, reference.velocities).map { length($0 - $1) }.max() ?? 1 < 1e-9)
        #expect(zip(frames[2].forces ?? [], forces(frame: 2)).map { length($0 - $1) }.max() ?? 1 < 1e-8)

        let reader = try AmberTrajectoryReader(path: nc.path)
        #expect(reader.frameCount == 3)
        #expect(abs(try reader.timeInFemtoseconds(frame: 2) - 10) < 1e-5)
        #expect(try reader.hasVariable("forces") && reader.hasVariable("velocities"))
    }

    @Test func moleculeTrajectoryHasNoCell() throws {
        let dir = try TestFiles.scratchDirectory()
        var system = try triclinicSystem(frame: 0)
        system.cell = .none
        let nc = try makeTrajectoryWriter(path: dir.appendingPathComponent("m.nc").path, system: system)
        try nc.write(TrajectorySnapshot(system: system, step: 0, timeFs: 0))
        try nc.close()
        #expect(try AmberTrajectoryReader(path: nc.path).hasVariable("cell_lengths") == false)
    }
}
