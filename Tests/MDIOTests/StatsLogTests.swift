import Foundation
import Testing
import TestSupport
@testable import MDIO

@Suite struct StatsLogTests {
    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func headerNamesTheColumnsAndNumbersAreAligned() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("stats.log").path
        let log = try StatsLog(path: path, columns: StatsColumn.md(periodic: true))
        try log.write([0, 0, -1234.5678901, 0.25, -1234.3178901, 300.123456, -1234.3, 1000.5, 0.0012345])
        try log.write([10, 5, -1.5, 12.75, 11.25, 2.5, 11.25, 1000.25, -3.5])
        // Every line is flushed: the file is complete before close.
        let text = try lines(path)
        #expect(text.count == 3)
        #expect(text[0].hasPrefix("#"))
        #expect(text[0].dropFirst().split(separator: " ").map(String.init)
                == ["step", "time_fs", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV", "volume_A3", "pressure_GPa"])
        #expect(text[0].count == text[1].count && text[1].count == text[2].count)
        // Each name ends where its numbers end (right-aligned columns).
        let row = Array(text[1])
        for name in ["step", "time_fs", "epot_eV"] {
            let range = try #require(text[0].range(of: name))
            let end = text[0].distance(from: text[0].startIndex, to: range.upperBound)
            #expect(row[end - 1] != " " && (end == row.count || row[end] == " "), "\(name) column misaligned")
        }
        let values = text[1].split(separator: " ").compactMap { Double($0) }
        #expect(values.count == 9)
        #expect(abs(values[2] - -1234.5678901) < 1e-6)
        #expect(text[2].split(separator: " ").first == "10")
        try log.close()
    }

    @Test func appendContinuesWithoutASecondHeader() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("stats.log").path
        let first = try StatsLog(path: path, columns: StatsColumn.relaxation(cell: false))
        try first.write([0, -10, 1.5])
        try first.close()
        #expect(throws: OutputFileError.self) { try StatsLog(path: path, columns: StatsColumn.relaxation(cell: false)) }
        let again = try StatsLog(path: path, columns: StatsColumn.relaxation(cell: false), mode: .append)
        try again.write([1, -11, 0.5])
        try again.close()
        let text = try lines(path)
        #expect(text.count == 3)
        #expect(text.filter { $0.hasPrefix("#") }.count == 1)
        #expect(throws: OutputFileError.self) { try StatsLog(path: path, columns: StatsColumn.relaxation(cell: true), mode: .append) }
    }

    @Test func relaxationColumnsWithCell() {
        #expect(StatsColumn.relaxation(cell: true).map(\.name)
                == ["step", "epot_eV", "fmax_eV_per_A", "a_A", "b_A", "c_A", "volume_A3", "pressure_GPa"])
        #expect(StatsColumn.md(periodic: false).map(\.name).contains("volume_A3") == false)
    }

    @Test func wrongValueCountAndNonFiniteValues() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("stats.log").path
        let log = try StatsLog(path: path, columns: [.step, .potentialEnergy])
        #expect(throws: OutputFileError.self) { try log.write([1]) }
        try log.write([1, .nan])
        #expect(try lines(path)[1].hasSuffix("nan"))
    }
}

@Suite struct RestartFileTests {
    struct State: Codable, Equatable {
        var step: Int
        var time: Double
        var positions: [SIMD3<Double>]
        var rng: [UInt64]
        var note: String
        var friction: Double
    }

    func sample() -> State {
        var g = SystemRandomNumberGenerator()
        let positions = (0..<50).map { _ in SIMD3(Double.random(in: -10...10, using: &g), .random(in: -1e-8...1e-8, using: &g), .pi * .random(in: 0...1, using: &g)) }
        return State(step: 12345, time: 0.1 + 0.2, positions: positions, rng: [UInt64.max, 0, 0x9E3779B97F4A7C15],
                     note: "ünïcode \"quoted\"", friction: .infinity)
    }

    @Test func roundTripIsBitExact() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("restart.json").path
        let state = sample()
        try RestartFile.write(state, to: path)
        let back = try RestartFile.read(State.self, from: path)
        #expect(back == state)
        #expect(back.positions.map { $0.x.bitPattern } == state.positions.map { $0.x.bitPattern })
        // Overwriting replaces atomically and leaves no temporary files.
        var later = state
        later.step += 1
        try RestartFile.write(later, to: path)
        #expect(try RestartFile.read(State.self, from: path).step == 12346)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(leftovers == ["restart.json"])
    }

    @Test func clearErrors() throws {
        let dir = try TestFiles.scratchDirectory()
        let missing = dir.appendingPathComponent("none.json").path
        #expect(throws: RestartFileError.self) { try RestartFile.read(State.self, from: missing) }

        let garbage = dir.appendingPathComponent("garbage.json").path
        try "{not json".write(toFile: garbage, atomically: true, encoding: .utf8)
        do { _ = try RestartFile.read(State.self, from: garbage); Issue.record("no error") } catch let e as RestartFileError {
            #expect(e.message.hasPrefix("not a MaceMD restart file"))
            #expect(!e.description.contains("\n"))
        }

        let other = dir.appendingPathComponent("other.json").path
        try #"{"format": "macemd-restart", "version": 1, "payload": {"step": 1}}"#.write(toFile: other, atomically: true, encoding: .utf8)
        do { _ = try RestartFile.read(State.self, from: other); Issue.record("no error") } catch let e as RestartFileError {
            #expect(e.message.contains("payload") && e.message.contains("missing key"), "\(e)")
            #expect(!e.description.contains("\n"))
        }

        let future = dir.appendingPathComponent("future.json").path
        try #"{"format": "macemd-restart", "version": 99, "payload": {}}"#.write(toFile: future, atomically: true, encoding: .utf8)
        do { _ = try RestartFile.read(State.self, from: future); Issue.record("no error") } catch let e as RestartFileError {
            #expect(e.message.contains("version 99"))
        }
    }

    @Test func writeIntoMissingDirectoryFails() {
        #expect(throws: RestartFileError.self) { try RestartFile.write(sample(), to: "/nonexistent-dir/restart.json") }
    }
}

@Suite struct OutputFileTests {
    @Test func createNewRefusesExistingFiles() throws {
        let path = try TestFiles.scratchDirectory().appendingPathComponent("a.txt").path
        let f = try TextOutputFile(path: path, mode: .createNew)
        try f.write("one\n")
        try f.close()
        do { _ = try TextOutputFile(path: path, mode: .createNew); Issue.record("no error") } catch let e as OutputFileError {
            #expect(e.description.hasPrefix(path))
            #expect(e.message.contains("exists"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\n")
        let a = try TextOutputFile(path: path, mode: .append)
        #expect(a.appendedToExisting)
        try a.write("two\n")
        try a.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        let o = try TextOutputFile(path: path, mode: .overwrite)
        try o.write("three\n")
        try o.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "three\n")
        #expect(throws: OutputFileError.self) { try o.write("after close") }
    }

    @Test func outputDirectoryIsCreatedOrExplained() throws {
        let base = try TestFiles.scratchDirectory()
        let nested = base.appendingPathComponent("x/y/z").path
        try OutputDirectory.prepare(nested)
        #expect(FileManager.default.fileExists(atPath: nested))
        try OutputDirectory.prepare(nested)  // existing is fine

        let file = base.appendingPathComponent("plain").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        do { try OutputDirectory.prepare(file); Issue.record("no error") } catch let e as OutputFileError {
            #expect(e.message.contains("not a directory"))
        }
        do { try OutputDirectory.prepare(file + "/sub"); Issue.record("no error") } catch let e as OutputFileError {
            #expect(e.message.hasPrefix("cannot create output directory"))
            #expect(!e.description.contains("\n"))
        }
    }
}
