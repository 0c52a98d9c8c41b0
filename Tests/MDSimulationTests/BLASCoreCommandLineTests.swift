import Foundation
import MACE
import Testing
import TestSupport

/// The OpenBLAS kernels a user gets from `macemd` do not depend on OpenBLAS recognising the
/// CPU: each run is a fresh process (OpenBLAS chooses its kernels once, when it is loaded).
@Suite(.serialized) struct BLASCoreCommandLineTests {
    let model = HeadFixtureFiles.path("heads_ft.safetensors")
    let water = HeadFixtureFiles.path("heads_water.xyz")

    /// `macemd eval` with OPENBLAS_CORETYPE set to `core` (nil: removed from the environment);
    /// returns the kernel name of its "OpenBLAS kernels: NAME (…)" line.
    func kernels(coreType core: String?) throws -> String {
        let binary = try #require(MaceMDBinary.url, "build macemd first (swift build)")
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["eval", "--model", model, "--threads", "1", water, "-o", "out.xyz"]
        process.currentDirectoryURL = dir.url
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = core
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("OpenBLAS kernels: ") }, "\(text)")
        return String(line.dropFirst("OpenBLAS kernels: ".count).prefix { $0 != " " })
    }

    /// Nothing set: the kernels of this CPU's best core, as if the user had set it by hand.
    @Test func unsetGivesTheBestCoreForThisCPU() throws {
        guard let best = OpenBLASCore.bestForThisCPU else { return }
        let unset = try kernels(coreType: nil)
        #expect(unset == (try kernels(coreType: best)))
        #expect(unset.lowercased() == best.lowercased())
    }

    /// A core the user set is respected, even a slow one.
    @Test func userCoreIsRespected() throws {
        #expect(try kernels(coreType: "Prescott") == "Prescott")
    }
}
