import Foundation
import Testing
import TestSupport
import MDCore
import MDIO
@testable import MDSimulation

/// The built `macemd` binary in child processes: SIGTERM in the middle of an MD run, a second
/// run into the same directory, a restart, and a SIGKILLed run's lock. Uses the example copper
/// model on 32 Cu atoms. Needs the binary next to the test bundle (`swift build --build-tests`
/// builds it); on platforms where the tests do not run as a `*.xctest` executable it returns.
@Suite(.serialized) struct CommandLineSignalTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.build/debug/macemd` (next to the test bundle), or nil when the tests are not a SwiftPM `.xctest`.
    static func binary() throws -> URL? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        guard bundle.path.hasSuffix(".xctest") else { return nil }
        let macemd = bundle.deletingLastPathComponent().appendingPathComponent("macemd")
        guard FileManager.default.isExecutableFile(atPath: macemd.path) else {
            Issue.record("no macemd binary at \(macemd.path): run `swift build --build-tests` first")
            return nil
        }
        return macemd
    }

    /// A child process started with `posix_spawn` with the default signal mask and actions, as a
    /// shell starts it (test threads block signals, and `Process` would pass that mask on), with
    /// its standard error collected in a file.
    final class Child {
        let pid: pid_t
        let stderrPath: String
        /// How it ended, once `wait` saw it end: the exit status, or the signal that ended it.
        private(set) var exitStatus: Int32?
        private(set) var signal: Int32?
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        init(_ binary: URL, _ arguments: [String], in dir: ScratchDirectory, name: String) throws {
            stderrPath = dir.path("\(name).stderr")
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigemptyset(&defaults)
            for s in [SIGINT, SIGTERM] { sigaddset(&defaults, s) }
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var child = pid_t()
            let status = posix_spawn(&child, binary.path, &actions, &attributes, argv, environ)
            guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
            pid = child
        }

        /// Waits up to `seconds` for the process to end; true when it ended (else it is killed).
        func wait(_ seconds: Double = 120) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            var status: Int32 = 0
            while Date() < deadline {
                if waitpid(pid, &status, WNOHANG) == pid {
                    // WIFEXITED / WEXITSTATUS / WTERMSIG of <sys/wait.h>.
                    if status & 0x7f == 0 { exitStatus = (status >> 8) & 0xff } else { signal = status & 0x7f }
                    return true
                }
                usleep(20_000)
            }
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            return false
        }
    }

    /// Waits until `path` has at least `lines` lines (the stats log of a running child).
    func waitForLines(_ path: String, _ lines: Int, seconds: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               text.split(separator: "\n").count >= lines { return true }
            usleep(20_000)
        }
        return false
    }

    /// A run file for `repeats`³ fcc cells of Cu (4 atoms each) in `dir`.
    func setUp(_ dir: ScratchDirectory, repeats: Int = 2) throws {
        let copper = try Crystal.fcc(atomicNumber: 29, latticeConstant: 3.61, repeats: repeats).rattled(amplitude: 0.05, seed: 5)
        try ExtXYZWriter.write([StructureRecord(system: copper)], to: dir.path("cu.xyz"), mode: .overwrite)
        let model = Self.root.appendingPathComponent("models/copper/copper.safetensors").path
        try """
        structure: cu.xyz
        model: \(model)
        precision: float64
        task: md
        md:
          ensemble: nvt-langevin
          timestep_fs: 2.0
          steps: 1000000
          temperature_K: 300
          seed: 3
        output:
          directory: out
          trajectory: traj.nc
          trajectory_every: 5
          stats_every: 1
          restart_every: 0
        """.write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func sigtermFinishesTheStepWritesRestartAndExits143() throws {
        guard let macemd = try Self.binary() else { return }
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try setUp(dir)

        let first = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet"], in: dir, name: "first")
        guard waitForLines(dir.path("out/stats.log"), 4) else {
            kill(first.pid, SIGKILL)
            Issue.record("the run wrote no stats lines: \(first.stderr)")
            return
        }
        // A second run into the same directory, even with --overwrite, is refused at once.
        let second = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet", "--overwrite"], in: dir, name: "second")
        #expect(second.wait())
        #expect(second.exitStatus == 1)
        #expect(second.stderr.contains("another macemd run (process \(first.pid))"), "\(second.stderr)")

        kill(first.pid, SIGTERM)
        #expect(first.wait())
        #expect(first.exitStatus == 143, "\(first.stderr)")
        #expect(first.stderr.contains("SIGTERM received"), "\(first.stderr)")
        #expect(first.stderr.contains("interrupted by SIGTERM after step"), "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("out/restart.json")))
        let final = try ExtXYZReader.readFirst(path: dir.path("out/final.xyz"))
        guard case .int(let step)? = final.info["step"] else { Issue.record("final.xyz has no step"); return }
        let stats = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        #expect(stats.column("step")?.last == Double(step))

        // Continue from the restart file for 3 more steps.
        let next = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet", "--restart", dir.path("out/restart.json"), "--steps", "\(step + 3)"],
                             in: dir, name: "next")
        #expect(next.wait())
        #expect(next.exitStatus == 0, "\(next.stderr)")
        let continued = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        let expected: [Double] = (step...(step + 3)).map { Double($0) }
        let lastSteps = Array(continued.column("step")?.suffix(4) ?? [])
        #expect(lastSteps == expected)
    }

    /// A second SIGTERM while the first is being honoured (during a long step: 256 atoms) ends
    /// the process at once, by the signal.
    @Test func secondSignalStopsAtOnce() throws {
        guard let macemd = try Self.binary() else { return }
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try setUp(dir, repeats: 4)
        let child = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet"], in: dir, name: "twice")
        guard waitForLines(dir.path("out/stats.log"), 2) else {
            kill(child.pid, SIGKILL)
            Issue.record("the run wrote no stats lines: \(child.stderr)")
            return
        }
        kill(child.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(60)
        while !child.stderr.contains("SIGTERM received"), Date() < deadline { usleep(5_000) }
        kill(child.pid, SIGTERM)
        #expect(child.wait())
        #expect(child.signal == SIGTERM && child.exitStatus == nil, "\(child.stderr)")
    }

    /// SIGKILL (a crash) releases the directory lock: the next run may write there.
    @Test func sigkilledRunLeavesNoStaleLock() throws {
        guard let macemd = try Self.binary() else { return }
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try setUp(dir)
        let killed = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet"], in: dir, name: "killed")
        guard waitForLines(dir.path("out/stats.log"), 3) else {
            kill(killed.pid, SIGKILL)
            Issue.record("the run wrote no stats lines: \(killed.stderr)")
            return
        }
        kill(killed.pid, SIGKILL)
        #expect(killed.wait())
        #expect(killed.signal == SIGKILL)
        let again = try Child(macemd, ["run", dir.path("run.yaml"), "--quiet", "--overwrite", "--steps", "2"], in: dir, name: "again")
        #expect(again.wait())
        #expect(again.exitStatus == 0, "\(again.stderr)")
    }
}
