import Foundation
import MACE
import MDCore
import MDIO
import MDPotentials
import MDRunFile
import Testing
import TestSupport
@testable import MDSimulation

/// The multi-head fixtures of scripts/fixtures/make_head_fixtures.py (in Tests/MACETests/Resources).
enum HeadFixtureFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MACETests/Resources")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// mace-torch's energy of each frame of heads_water.xyz for `head` of `model`.
    static func energies(_ model: String, head: String) throws -> [Double] {
        let data = try Data(contentsOf: directory.appendingPathComponent("heads.reference.json"))
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let models = root?["models"] as? [String: Any]
        let energies = (models?[model] as? [String: Any])?["energies"] as? [String: [Double]]
        return try #require(energies?[head])
    }
}

/// Which model, head and thread count a run uses, and that the head in use is what runs.
@Suite struct ModelChoiceTests {
    /// Runs 0 MD steps of heads_water.xyz (its last frame) with `model` and an optional
    /// run-file `head:` and `--head`; returns the step-0 potential energy and final.xyz's text.
    func run(model: String, runFileHead: String?, option: String?) throws -> (energy: Double, head: String, final: String) {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        var yaml = "structure: \(HeadFixtureFiles.path("heads_water.xyz"))\nmodel: \(HeadFixtureFiles.path(model))\n"
        yaml += "md:\n  ensemble: nvt-langevin\n  steps: 0\n  seed: 1\n"
        if let runFileHead { yaml += "head: \(runFileHead)\n" }
        try yaml.write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        let file = try RunFile.load(path: dir.path("run.yaml"))
        let choice = try ModelChoice(runFile: file, headOption: option, threads: nil)
        let mace = try choice.load()
        try MDRun.run(file, potential: FiniteCheckedPotential(mace),
                      options: RunOptions(quiet: true, metadata: ModelChoice.metadata(mace, path: choice.path)))
        let stats = try dir.text("stats.log").split(separator: "\n").dropFirst()   // after the header line
        let epot = try #require(stats.first.flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true)[2]) })
        return (epot, mace.head, try dir.text("final.xyz"))
    }

    /// stats.log prints energies with 6 decimals: agreement to its last digit (the heads differ by eV).
    func expectClose(_ a: Double, _ b: Double) { #expect(abs(a - b) <= 1e-6, "\(a) vs mace-torch \(b)") }

    /// heads ["default", "pt_head"] converted with --head pt_head: a run evaluates pt_head.
    @Test func runUsesTheConversionsHead() throws {
        let r = try run(model: "heads_ft.safetensors", runFileHead: nil, option: nil)
        #expect(r.head == "pt_head")
        expectClose(r.energy, try HeadFixtureFiles.energies("heads_ft", head: "pt_head")[1])
        #expect(r.final.contains("head=pt_head"))
    }

    /// heads ["omat", "pbe"]: MD runs with the conversion's head, the run file's, or --head's.
    @Test func runFileHeadAndOptionOverride() throws {
        let converted = try run(model: "heads_omat_pbe.safetensors", runFileHead: nil, option: nil)
        expectClose(converted.energy, try HeadFixtureFiles.energies("heads_omat_pbe", head: "pbe")[1])
        let fromFile = try run(model: "heads_omat_pbe.safetensors", runFileHead: "omat", option: nil)
        #expect(fromFile.head == "omat" && fromFile.final.contains("head=omat"))
        expectClose(fromFile.energy, try HeadFixtureFiles.energies("heads_omat_pbe", head: "omat")[1])
        let fromOption = try run(model: "heads_omat_pbe.safetensors", runFileHead: "omat", option: "pbe")
        #expect(fromOption.head == "pbe")
        expectClose(fromOption.energy, try HeadFixtureFiles.energies("heads_omat_pbe", head: "pbe")[1])
        #expect { try run(model: "heads_omat_pbe.safetensors", runFileHead: "PBE", option: nil) }
            throws: { "\($0)".contains("'omat', 'pbe'") }
    }

    @Test func threadCountPrecedence() throws {
        #expect(try ThreadCount.resolve(option: 3, environment: ["MACEMD_NUM_THREADS": "2"]) == 3)
        #expect(try ThreadCount.resolve(option: nil, environment: ["MACEMD_NUM_THREADS": " 2 "]) == 2)
        #expect(try ThreadCount.resolve(option: nil, environment: [:]) == nil)
        #expect { try ThreadCount.resolve(option: nil, environment: ["MACEMD_NUM_THREADS": "all"]) }
            throws: { "\($0)".contains("MACEMD_NUM_THREADS") && "\($0)".contains("'all'") }
        #expect(throws: SimulationError.self) { try ThreadCount.resolve(option: 0, environment: [:]) }
    }
}

/// The default model is found next to the binary, and the search list has no repeats.
@Suite struct DefaultModelTests {
    @Test func foundNextToACopiedBinary() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try Data("x".utf8).write(to: dir.url.appendingPathComponent("water.safetensors"))
        let all = DefaultModel.candidates(executable: dir.url.appendingPathComponent("macemd"), environment: [:],
                                          currentDirectory: "/")
        #expect(try DefaultModel.locate(candidates: all).path == dir.path("water.safetensors"))
    }

    @Test func environmentVariableComesFirst() {
        let all = DefaultModel.candidates(executable: URL(fileURLWithPath: "/opt/x/bin/macemd"),
                                          environment: ["MACEMD_DEFAULT_MODEL": "/data/m.safetensors"], currentDirectory: "/")
        #expect(all.first?.path == "/data/m.safetensors")
    }

    @Test(arguments: ["/usr/local/bin/macemd", "/macemd", "/usr/bin/macemd"])
    func searchListHasNoRepeats(_ binary: String) throws {
        let all = DefaultModel.candidates(executable: URL(fileURLWithPath: binary), environment: [:], currentDirectory: "/")
        #expect(Set(all.map(\.path)).count == all.count, "\(all.map(\.path))")
        #expect(all.contains { $0.path == "/usr/local/bin/water.safetensors" } || binary != "/usr/local/bin/macemd")
        #expect {
            try DefaultModel.locate(candidates: all.filter { !FileManager.default.fileExists(atPath: $0.path) })
        } throws: { "\($0)".contains("MACEMD_DEFAULT_MODEL") && !"\($0)".contains("\n") }
    }
}

/// Non-finite results are errors that name the closest atoms, in eval and in run.
@Suite struct FiniteResultTests {
    /// Two argon atoms 0.0 Å apart in a molecule: Lennard-Jones gives an infinite/NaN energy.
    static func overlapping() throws -> AtomicSystem {
        try AtomicSystem(atomicNumbers: [18, 18, 18], positions: [SIMD3(0, 0, 0), SIMD3(4, 0, 0), SIMD3(4, 0, 0)])
    }

    @Test func namesTheClosestPair() throws {
        let potential = FiniteCheckedPotential(try testArgon())
        #expect {
            try potential.evaluate(try Self.overlapping(), request: .energyAndForces)
        } throws: { error in
            let text = "\(error)"
            return text.contains("non-finite") && text.contains("atoms are 1 (Ar) and 2 (Ar), 0.0000 Å apart")
        }
        // Finite results pass through unchanged.
        let fine = try AtomicSystem(atomicNumbers: [18, 18], positions: [SIMD3(0, 0, 0), SIMD3(3.8, 0, 0)])
        #expect(try potential.evaluate(fine, request: .energyAndForces) == (try testArgon()).evaluate(fine, request: .energyAndForces))
    }

    @Test func runNamesTheAtoms() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let file = try writeRun("structure: structure.xyz\nmd:\n  steps: 2\n", system: try Self.overlapping(), in: dir)
        #expect {
            try MDRun.run(file, potential: FiniteCheckedPotential(try testArgon()), options: RunOptions(quiet: true))
        } throws: { "\($0)".contains("1 (Ar) and 2 (Ar)") }
    }
}
