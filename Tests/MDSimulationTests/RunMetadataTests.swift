import Foundation
import Testing
import TestSupport
import MDCore
import MDIO
import MDRunFile
@testable import MDSimulation

/// The model, head and precision a run used are recorded in every output structure file.
@Suite struct RunMetadataTests {
    static let metadata = ["head": "pt_head", "model": "ft.safetensors", "precision": "float64"]

    @Test(arguments: ["traj.xyz", "traj.nc"])
    func trajectoriesAndFinalStructureNameTheHead(_ trajectory: String) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let yaml = "structure: structure.xyz\nmd:\n  steps: 4\noutput:\n  directory: out\n  trajectory: \(trajectory)\n  trajectory_every: 2\n"
        let run = try writeRun(yaml, system: try argonCrystal(n: 2), in: dir)
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, metadata: Self.metadata))
        let final = try ExtXYZReader.readFirst(path: dir.path("out/final.xyz"))
        #expect(final.info["head"] == .string("pt_head"))
        if trajectory.hasSuffix(".nc") {
            let reader = try AmberTrajectoryReader(path: dir.path("out/traj.nc"))
            for (key, value) in Self.metadata { #expect(try reader.globalAttribute(key) == value) }
            #expect(try reader.globalAttribute("program") == "MaceMD")
        } else {
            let frames = try ExtXYZReader.readAll(path: dir.path("out/traj.xyz"))
            #expect(frames.count == 3)
            for frame in frames { for (key, value) in Self.metadata { #expect(frame.info[key] == .string(value)) } }
        }
    }
}
