import Foundation
import Testing
import TestSupport
@testable import MDSimulation

/// One overwrite policy for every command (the built `macemd` binary): `plot` and `convert`
/// refuse an existing output file, as `run` and `eval` do, unless given `--overwrite`.
@Suite struct CommandLineOverwriteTests {
    typealias Child = CommandLineSignalTests.Child

    @Test func plotRefusesToReplaceAFileWithoutOverwrite() throws {
        guard let macemd = try CommandLineSignalTests.binary() else { return }
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try "step epot_eV fmax_eV_per_A\n0 -3 1.0\n1 -3.1 0.1\n".write(toFile: dir.path("stats.log"), atomically: true, encoding: .utf8)
        try "keep me".write(toFile: dir.path("plot.svg"), atomically: true, encoding: .utf8)
        let refused = try Child(macemd, ["plot", dir.path("stats.log"), "-o", dir.path("plot.svg")], in: dir, name: "refused")
        #expect(refused.wait(60))
        #expect(refused.exitStatus == 1)
        #expect(refused.stderr.contains("plot.svg: file exists; pass --overwrite to replace it"), "\(refused.stderr)")
        #expect(try dir.text("plot.svg") == "keep me")
        let replaced = try Child(macemd, ["plot", dir.path("stats.log"), "-o", dir.path("plot.svg"), "--overwrite"],
                                 in: dir, name: "replaced")
        #expect(replaced.wait(60))
        #expect(replaced.exitStatus == 0, "\(replaced.stderr)")
        #expect(try dir.text("plot.svg").hasPrefix("<svg"))
    }

    /// Checked before the converter runs, so no Python is needed to see it.
    @Test func convertRefusesToReplaceAFileWithoutOverwrite() throws {
        guard let macemd = try CommandLineSignalTests.binary() else { return }
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try "not a model".write(toFile: dir.path("in.model"), atomically: true, encoding: .utf8)
        try "keep me".write(toFile: dir.path("out.safetensors"), atomically: true, encoding: .utf8)
        let refused = try Child(macemd, ["convert", dir.path("in.model"), dir.path("out.safetensors"),
                                         "--python", "/nonexistent/python"], in: dir, name: "refused")
        #expect(refused.wait(60))
        #expect(refused.exitStatus == 1)
        #expect(refused.stderr.contains("out.safetensors: file exists; pass --overwrite to replace it"), "\(refused.stderr)")
        #expect(try dir.text("out.safetensors") == "keep me")
    }
}
