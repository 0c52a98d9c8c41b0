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

    /// A molecule's NetCDF trajectory has a cell that ASE (needs `cell_lengths`) and MDAnalysis
    /// (fails on an all-zero box) both read: a box of 2 × extent + 10 Å, centred on the atoms.
    @Test func moleculeTrajectoryHasABoxAroundTheAtoms() throws {
        let dir = try TestFiles.scratchDirectory()
        var system = try triclinicSystem(frame: 0)
        system.cell = .none
        let nc = try makeTrajectoryWriter(path: dir.appendingPathComponent("m.nc").path, system: system)
        try nc.write(TrajectorySnapshot(system: system, step: 0, timeFs: 0))
        try nc.close()
        let reader = try AmberTrajectoryReader(path: nc.path)
        #expect(try reader.hasVariable("cell_lengths"))
        let low = system.positions.reduce(system.positions[0]) { pointwiseMin($0, $1) }
        let high = system.positions.reduce(system.positions[0]) { pointwiseMax($0, $1) }
        let cell = try reader.cell(frame: 0)
        #expect(length(cell.lengths - (2 * (high - low) + SIMD3(repeating: 10))) < 1e-12)
        #expect(cell.anglesInDegrees == SIMD3(90, 90, 90))
        let origin = try #require(try reader.cellOrigin(frame: 0))
        #expect(length(origin + 0.5 * cell.lengths - 0.5 * (low + high)) < 1e-12)   // centred
        // Positions are stored as they are (no rotation, no shift).
        #expect(zip(try reader.coordinates(frame: 0), system.positions).map { length($0 - $1) }.max() ?? 1 < 1e-6)
    }

    /// A slab (pbc T T F) keeps its whole cell, vacuum axis included (it used to be stored as c = 0).
    @Test func slabTrajectoryKeepsTheWholeCell() throws {
        let dir = try TestFiles.scratchDirectory()
        var system = try triclinicSystem(frame: 0)
        system.cell = Cell(vectors: system.cell.vectors, pbc: Periodicity(true, true, false))
        let nc = try makeTrajectoryWriter(path: dir.appendingPathComponent("s.nc").path, system: system)
        try nc.write(TrajectorySnapshot(system: system, step: 0, timeFs: 0))
        try nc.close()
        let reader = try AmberTrajectoryReader(path: nc.path)
        let cell = try reader.cell(frame: 0)
        #expect(length(cell.lengths - system.cell.lengths) < 1e-12)
        #expect(length(cell.anglesInDegrees - system.cell.anglesInDegrees) < 1e-12)
        #expect(try reader.cellOrigin(frame: 0) == nil)
        // Coordinates are in the standard orientation of that cell.
        let r = StandardOrientation(cell: system.cell).rotation
        #expect(zip(try reader.coordinates(frame: 0), system.positions).map { length($0 - $1 * r) }.max() ?? 1 < 1e-5)
    }

    /// Per-atom columns of a snapshot (fixed atoms, tags) reach the extended-XYZ frames.
    @Test func extendedXYZFramesKeepPerAtomColumns() throws {
        let dir = try TestFiles.scratchDirectory()
        let system = try triclinicSystem(frame: 0)
        let xyz = try makeTrajectoryWriter(path: dir.appendingPathComponent("t.xyz").path, system: system)
        let mask = ExtXYZArray(name: "move_mask", width: 1, values: .logical([false, true, true, false]))
        let tags = ExtXYZArray(name: "tags", width: 1, values: .integer([1, 0, 0, 2]))
        try xyz.write(TrajectorySnapshot(system: system, step: 0, timeFs: 0, arrays: [tags, mask]))
        try xyz.close()
        let frame = try #require(try ExtXYZReader.readAll(path: xyz.path).first)
        #expect(frame.array(named: "tags") == tags)
        #expect(frame.fixedAtoms == [0, 3])
    }
}
