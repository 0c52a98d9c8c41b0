import Foundation
import MDIO
import Testing
import TestSupport

/// The built `macemd` binary, run as a user would (`swift build` builds it next to the tests).
enum MaceMDBinary {
    static var url: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var places = [root.appendingPathComponent(".build/debug/macemd")]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            places.insert(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("macemd"), at: 0)
        }
        return places.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `macemd arguments` in `directory`; returns the exit status and both outputs.
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:])
        throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = try #require(url, "build macemd first (swift build)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

@Suite(.serialized) struct CommandLineTests {
    let ft = HeadFixtureFiles.path("heads_ft.safetensors")
    let water = HeadFixtureFiles.path("heads_water.xyz")

    /// The energies eval wrote, frame by frame.
    func energies(_ path: String) throws -> [Double] {
        try ExtXYZReader.readAll(path: path).map { try #require($0.energy) }
    }

    /// convert --head pt_head, then eval without --head: pt_head's energies (mace-torch's), and
    /// the head is printed and recorded; --head default overrides it.
    @Test func evalUsesTheConversionsHead() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let r = try MaceMDBinary.run(["eval", "--model", ft, water, "-o", "out.xyz"], in: dir.url.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("head 'pt_head'"))
        let reference = try HeadFixtureFiles.energies("heads_ft", head: "pt_head")
        for (e, ref) in zip(try energies(dir.path("out.xyz")), reference) { #expect(abs(e - ref) <= 1e-9 * abs(ref)) }
        #expect(try dir.text("out.xyz").contains("head=pt_head") && dir.text("out.xyz").contains("precision=float64"))
        let d = try MaceMDBinary.run(["eval", "--model", ft, "--head", "default", "--threads", "1", water, "-o", "d.xyz"], in: dir.url.path)
        #expect(d.status == 0, "\(d.stderr)")
        let defaults = try HeadFixtureFiles.energies("heads_ft", head: "default")
        for (e, ref) in zip(try energies(dir.path("d.xyz")), defaults) { #expect(abs(e - ref) <= 1e-9 * abs(ref)) }
    }

    /// eval reads POSCAR as run does; a foreign extension is named, not parsed as XYZ.
    @Test func evalReadsWhatRunReads() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let frame = try StructureFile.read(path: water)
        let s = frame.system
        var poscar = "water\n1.0\n"
        for k in 0..<3 { poscar += "\(s.cell.vectors[k, 0]) \(s.cell.vectors[k, 1]) \(s.cell.vectors[k, 2])\n" }
        let order = s.atomicNumbers.indices.sorted { s.atomicNumbers[$0] < s.atomicNumbers[$1] }
        poscar += "H O\n\(s.atomicNumbers.filter { $0 == 1 }.count) \(s.atomicNumbers.filter { $0 == 8 }.count)\nCartesian\n"
        for i in order { poscar += "\(s.positions[i].x) \(s.positions[i].y) \(s.positions[i].z)\n" }
        try poscar.write(toFile: dir.path("POSCAR"), atomically: true, encoding: .utf8)
        let r = try MaceMDBinary.run(["eval", "--model", ft, "POSCAR", "-o", "out.xyz"], in: dir.url.path)
        #expect(r.status == 0, "\(r.stderr)")
        let reference = try HeadFixtureFiles.energies("heads_ft", head: "pt_head")[1]
        #expect(abs(try energies(dir.path("out.xyz"))[0] - reference) <= 1e-9 * abs(reference))

        try FileManager.default.copyItem(atPath: water, toPath: dir.path("md.traj"))
        let traj = try MaceMDBinary.run(["eval", "--model", ft, "md.traj", "-o", "t.xyz"], in: dir.url.path)
        #expect(traj.status == 1 && traj.stderr.contains("ASE trajectory"), "\(traj.stderr)")
    }

    /// Overlapping atoms: exit 1 naming the frame and the closest atoms; no output file.
    @Test func nonFiniteEnergyIsAnError() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let text = "2\nLattice=\"6 0 0 0 6 0 0 0 6\" pbc=\"T T T\"\nO 1 1 1\nH 2 1 1\n"
            + "3\nLattice=\"6 0 0 0 6 0 0 0 6\" pbc=\"T T T\"\nO 1 1 1\nH 2 1 1\nH 2 1 1\n"
        try text.write(toFile: dir.path("bad.xyz"), atomically: true, encoding: .utf8)
        let r = try MaceMDBinary.run(["eval", "--model", ft, "bad.xyz", "-o", "out.xyz"], in: dir.url.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("frame 1") && r.stderr.contains("atoms are 1 (H) and 2 (H), 0.0000 Å apart"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.xyz")))
        // run: the starting structure is named with the atoms.
        try "structure: bad.xyz\nmodel: \(ft)\nmd:\n  steps: 2\n".write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        let run = try MaceMDBinary.run(["run", "run.yaml"], in: dir.url.path)
        #expect(run.status == 1 && run.stderr.hasPrefix("macemd: error: structure: ") && run.stderr.contains("1 (H) and 2 (H)"), "\(run.stderr)")
    }

    /// A mace-torch .model given in a run file is named, with the conversion command.
    @Test func maceTorchModelInARunFile() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try Data([0x50, 0x4B, 3, 4] + [UInt8](repeating: 0, count: 60)).write(to: dir.url.appendingPathComponent("my.model"))
        try "structure: \(water)\nmodel: my.model\nmd:\n  steps: 1\n".write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        let r = try MaceMDBinary.run(["run", "run.yaml"], in: dir.url.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("mace-torch") && r.stderr.contains("macemd convert"), "\(r.stderr)")
    }

    /// Usage errors: one line in the common style, exit 64; --threads is checked.
    @Test(arguments: [["run"], ["eval", "x.xyz"], ["run", "r.yaml", "--threads", "0"], ["frobnicate"]])
    func usageErrorsShareTheStyle(_ arguments: [String]) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let r = try MaceMDBinary.run(arguments, in: dir.url.path)
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix("macemd: error: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("--help"))
    }

    /// Run as `macemd` found on PATH (argv[0] has no directory), from a directory with no
    /// models/ folder: the default model is still found from the binary's own location.
    @Test func defaultModelFoundWhenRunFromPATH() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let binary = try #require(MaceMDBinary.url)
        let root = binary.deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: HeadFixtureFiles.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/water-cluster/hexamer.xyz").path, toPath: dir.path("w.xyz"))
        try "structure: w.xyz\nmd:\n  steps: 1\n".write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["macemd", "run", "run.yaml", "--quiet"]
        process.currentDirectoryURL = dir.url
        process.environment = ["PATH": root.path + ":/usr/bin:/bin"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }

    /// Help and version still print and exit 0.
    @Test(arguments: [["--help"], ["run", "--help"], ["eval", "--help"], ["help", "convert"], ["--version"]])
    func helpAndVersion(_ arguments: [String]) throws {
        let r = try MaceMDBinary.run(arguments, in: FileManager.default.temporaryDirectory.path)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.contains(arguments == ["--version"] ? "0.1.0" : "USAGE: macemd"), "\(r.stdout)")
    }

    /// MACEMD_NUM_THREADS is read (and checked) by run and eval.
    @Test func threadsFromTheEnvironment() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let one = try MaceMDBinary.run(["eval", "--model", ft, water, "-o", "o.xyz"], in: dir.url.path,
                                       environment: ["MACEMD_NUM_THREADS": "1"])
        #expect(one.status == 0 && one.stdout.contains("float64, 1 thread\n"), "\(one.stdout)")
        let bad = try MaceMDBinary.run(["eval", "--model", ft, water, "-o", "p.xyz"], in: dir.url.path,
                                       environment: ["MACEMD_NUM_THREADS": "many"])
        #expect(bad.status == 1 && bad.stderr.contains("MACEMD_NUM_THREADS"), "\(bad.stderr)")
    }
}

/// `macemd convert` itself, on pickled mace-torch models: needs a Python with mace-torch, so it
/// runs only when MACEMD_TEST_PYTHON names one (e.g. MACEMD_TEST_PYTHON=~/venv/bin/python swift test).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MACEMD_TEST_PYTHON"] != nil))
struct ConvertCommandTests {
    /// convert --head pt_head → eval: pt_head's mace-torch energies; convert --head pbe of a model
    /// without a 'default' head → run with the run file's head: omat's energy.
    @Test func convertThenEvalAndRun() throws {
        let python = try #require(ProcessInfo.processInfo.environment["MACEMD_TEST_PYTHON"])
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: python)
        make.arguments = ["-m", "scripts.fixtures.make_head_fixtures", "--pickles", dir.url.path]
        make.currentDirectoryURL = TestFiles.repositoryRoot
        make.environment = ProcessInfo.processInfo.environment.merging(["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"]) { $1 }
        try make.run()
        make.waitUntilExit()
        #expect(make.terminationStatus == 0)

        let ft = try MaceMDBinary.run(["convert", "heads_ft.model", "ft.safetensors", "--head", "pt_head", "--python", python],
                                      in: dir.url.path)
        #expect(ft.status == 0, "\(ft.stderr)")
        let water = HeadFixtureFiles.path("heads_water.xyz")
        let eval = try MaceMDBinary.run(["eval", "--model", "ft.safetensors", water, "-o", "out.xyz"], in: dir.url.path)
        #expect(eval.status == 0, "\(eval.stderr)")
        let energies = try ExtXYZReader.readAll(path: dir.path("out.xyz")).map { try #require($0.energy) }
        for (e, ref) in zip(energies, try HeadFixtureFiles.energies("heads_ft", head: "pt_head")) {
            #expect(abs(e - ref) <= 1e-9 * abs(ref), "\(e) vs mace-torch \(ref)")
        }

        let noHead = try MaceMDBinary.run(["convert", "heads_omat_pbe.model", "x.safetensors", "--python", python], in: dir.url.path)
        #expect(noHead.status == 1 && noHead.stderr.contains("--head"), "\(noHead.stderr)")
        let op = try MaceMDBinary.run(["convert", "heads_omat_pbe.model", "op.safetensors", "--head", "pbe", "--python", python],
                                      in: dir.url.path)
        #expect(op.status == 0, "\(op.stderr)")
        try "structure: \(water)\nmodel: op.safetensors\nhead: omat\nmd:\n  ensemble: nvt-langevin\n  steps: 0\n  seed: 1\n"
            .write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        let run = try MaceMDBinary.run(["run", "run.yaml", "--quiet"], in: dir.url.path)
        #expect(run.status == 0 && run.stdout.contains("head 'omat'"), "\(run.stderr)")
        let line = try dir.text("stats.log").split(separator: "\n").first { !$0.hasPrefix("#") }
        let epot = try #require(line.flatMap { Double($0.split(separator: " ")[2]) })
        #expect(abs(epot - (try HeadFixtureFiles.energies("heads_omat_pbe", head: "omat")[1])) <= 1e-6)
    }
}
