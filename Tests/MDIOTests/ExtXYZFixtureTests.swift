import Foundation
import Testing
import MDCore
import TestSupport
@testable import MDIO

/// One fixture of scripts/fixtures/make_extxyz_fixtures.py: NAME.xyz written by ASE and NAME.json, what
/// ASE reads from it.
struct ExtXYZFixture: CustomStringConvertible, Sendable {
    let name: String
    var description: String { name }
    var xyzPath: String { TestFiles.resources().appendingPathComponent("extxyz/\(name).xyz").path }

    /// Every fixture; throws unless all 16 are there.
    static func all() throws -> [ExtXYZFixture] {
        try Fixtures.names(in: TestFiles.resources().appendingPathComponent("extxyz"), suffix: ".json", expected: 16,
                           madeBy: "python -m scripts.fixtures.make_extxyz_fixtures")
            .map { ExtXYZFixture(name: String($0.dropLast(5))) }
    }

    /// The frames as ASE reads them (JSON objects).
    func reference() throws -> [[String: Any]] {
        let url = TestFiles.resources().appendingPathComponent("extxyz/\(name).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try #require(object?["frames"] as? [[String: Any]])
    }
}

/// Compares frames read by MaceMD with ASE's reading of the same file.
struct ExtXYZComparison {
    var tolerance = 1e-12
    var velocityTolerance = 1e-9
    /// Compare the structure only (not info and extra arrays), e.g. for POSCAR files.
    var structureOnly = false

    func compare(_ frame: StructureRecord, _ ref: [String: Any], _ label: String) throws {
        let s = frame.system
        #expect(s.atomicNumbers == (ref["numbers"] as? [Int]), "\(label): numbers")
        try expectClose(s.positions, ref["positions"], tolerance, "\(label): positions")
        try expectClose(s.cell.vectors.nested.map { SIMD3($0) }, ref["cell"], tolerance, "\(label): cell")
        #expect(s.cell.pbc.asArray == (ref["pbc"] as? [Bool]), "\(label): pbc")
        let masses = try #require(ref["masses"] as? [Double])
        #expect(zip(s.masses, masses).allSatisfy { abs($0 - $1) <= 1e-12 } && s.masses.count == masses.count, "\(label): masses")
        if let v = ref["velocities"] as? [[Double]] {
            #expect(frame.hasVelocities, "\(label): velocities missing")
            try expectClose(s.velocities, v, velocityTolerance, "\(label): velocities")
        } else {
            #expect(!frame.hasVelocities, "\(label): unexpected velocities")
        }
        if let e = ref["energy"] as? Double {
            #expect(frame.energy.map { abs($0 - e) <= 1e-12 } == true, "\(label): energy")
        } else {
            #expect(frame.energy == nil, "\(label): unexpected energy")
        }
        if let f = ref["forces"] as? [[Double]] {
            try expectClose(try #require(frame.forces), f, tolerance, "\(label): forces")
        } else {
            #expect(frame.forces == nil, "\(label): unexpected forces")
        }
        if let voigt = ref["stress"] as? [Double] {
            let m = try #require(frame.stress, "\(label): stress missing")
            let ours = [m[0, 0], m[1, 1], m[2, 2], m[1, 2], m[0, 2], m[0, 1]]
            #expect(zip(ours, voigt).allSatisfy { abs($0 - $1) <= tolerance }, "\(label): stress")
        } else {
            #expect(frame.stress == nil, "\(label): unexpected stress")
        }
        if let fixed = ref["fixed"] as? [Int] {
            #expect(frame.fixedAtoms == fixed, "\(label): fixed atoms")
        } else {
            #expect(frame.fixedAtoms == nil || frame.fixedAtoms == [], "\(label): unexpected fixed atoms")
        }
        if structureOnly { return }
        let info = try #require(ref["info"] as? [[Any]])
        #expect(frame.info.keys == info.compactMap { $0.first as? String }, "\(label): info keys")
        for item in info {
            let key = try #require(item[0] as? String)
            let typed = try #require(item[1] as? [String: Any])
            let ours = try #require(frame.info[key], "\(label): info \(key) missing")
            #expect(Self.matches(ours, typed), "\(label): info \(key) = \(ours), ASE \(typed)")
        }
        let arrays = try #require(ref["arrays"] as? [[Any]])
        // ASE turns move_mask into constraints (compared as fixed atoms above).
        #expect(frame.arrays.map(\.name).filter { $0 != "move_mask" } == arrays.compactMap { $0.first as? String }, "\(label): array names")
        for item in arrays {
            let name = try #require(item[0] as? String)
            let typed = try #require(item[1] as? [String: Any])
            let ours = try #require(frame.array(named: name), "\(label): array \(name) missing")
            #expect(Self.matches(ours, typed), "\(label): array \(name)")
        }
    }

    func expectClose(_ ours: [SIMD3<Double>], _ ref: Any?, _ tol: Double, _ what: String) throws {
        let rows = try #require(ref as? [[Double]], "\(what): not in reference")
        #expect(ours.count == rows.count, "\(what): count")
        let worst = zip(ours, rows).map { a, r in (0..<3).map { abs(a[$0] - r[$0]) }.max() ?? 0 }.max() ?? 0
        #expect(worst <= tol, "\(what): max deviation \(worst)")
    }

    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
    }

    /// Whether an info value has ASE's type and value.
    static func matches(_ value: ExtXYZValue, _ typed: [String: Any]) -> Bool {
        let type = typed["type"] as? String
        let v = typed["value"]
        switch value {
        case .bool(let b): return type == "bool" && (v as? Bool) == b
        case .int(let i): return type == "int" && (v as? Int) == i
        case .double(let d): return type == "float" && (v as? Double).map { close([d], [$0]) } == true
        case .string(let s): return type == "str" && (v as? String) == s
        case .boolArray(let b): return type == "bool_array" && (v as? [Bool]) == b
        case .intArray(let i): return type == "int_array" && (v as? [Int]) == i
        case .doubleArray(let d): return type == "float_array" && (v as? [Double]).map { close(d, $0) } == true
        case .matrix(let m): return type == "matrix" && (v as? [[Double]]).map { close(m.nested.flatMap { $0 }, $0.flatMap { $0 }) } == true
        case .json(let text):
            guard type == "json", let data = text.data(using: .utf8),
                  let ours = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed),
                  let theirs = v else { return false }
            return (ours as? NSObject)?.isEqual(theirs) == true
        }
    }

    /// Whether an extra array has ASE's dtype, shape and values.
    static func matches(_ array: ExtXYZArray, _ typed: [String: Any]) -> Bool {
        let type = typed["type"] as? String ?? ""
        let shape = array.width == 1 ? "array" : "array2"
        let flat: [Any] = array.width == 1 ? (typed["value"] as? [Any] ?? []) : ((typed["value"] as? [[Any]])?.flatMap { $0 } ?? [])
        switch array.values {
        case .real(let v): return type == "float_\(shape)" && close(v, flat.compactMap { $0 as? Double })
        case .integer(let v): return type == "int_\(shape)" && v == flat.compactMap { $0 as? Int }
        case .logical(let v): return type == "bool_\(shape)" && v == flat.compactMap { $0 as? Bool }
        case .string(let v): return type == "str_\(shape)" && v == flat.compactMap { $0 as? String }
        }
    }
}

@Suite struct ExtXYZFixtureTests {
    @Test func fixturesArePresent() throws {
        #expect(try ExtXYZFixture.all().count >= 15)
    }

    @Test(arguments: try ExtXYZFixture.all())
    func readsWhatASEReads(_ fixture: ExtXYZFixture) throws {
        let frames = try ExtXYZReader.readAll(path: fixture.xyzPath)
        let reference = try fixture.reference()
        #expect(frames.count == reference.count)
        for (k, (frame, ref)) in zip(frames, reference).enumerated() {
            try ExtXYZComparison().compare(frame, ref, "\(fixture.name) frame \(k)")
        }
    }

    /// Write with MaceMD, read back with MaceMD: the same values as ASE's reading of the original.
    /// Set MACEMD_EXTXYZ_OUT=DIR to keep the written files for `make_extxyz_fixtures.py --check DIR`.
    @Test(arguments: try ExtXYZFixture.all())
    func writeThenReadGivesTheSameValues(_ fixture: ExtXYZFixture) throws {
        let frames = try ExtXYZReader.readAll(path: fixture.xyzPath)
        let directory: URL
        if let keep = ProcessInfo.processInfo.environment["MACEMD_EXTXYZ_OUT"] {
            directory = URL(fileURLWithPath: keep)
            try OutputDirectory.prepare(directory.path)
        } else {
            directory = try TestFiles.scratchDirectory()
        }
        let path = directory.appendingPathComponent("\(fixture.name).xyz").path
        try ExtXYZWriter.write(frames, to: path, mode: .overwrite)
        let again = try ExtXYZReader.readAll(path: path)
        let reference = try fixture.reference()
        #expect(again.count == reference.count)
        // Per-atom reals are written with 8 decimals, as by ASE: the fixture values already have 8.
        let comparison = ExtXYZComparison(tolerance: 1e-12, velocityTolerance: 1e-8)
        for (k, (frame, ref)) in zip(again, reference).enumerated() {
            try comparison.compare(frame, ref, "\(fixture.name) rewritten frame \(k)")
        }
    }
}

@Suite struct POSCARTests {
    /// The POSCAR fixtures (each with NAME.json beside it); throws unless all 5 are there.
    static func names() throws -> [String] {
        try Fixtures.names(in: TestFiles.resources().appendingPathComponent("poscar"), excludingSuffix: ".json", expected: 5,
                           madeBy: "python -m scripts.fixtures.make_extxyz_fixtures")
    }

    @Test func fixturesArePresent() throws { #expect(try Self.names().count >= 5) }

    @Test(arguments: try names())
    func readsWhatASEReads(_ name: String) throws {
        let dir = TestFiles.resources().appendingPathComponent("poscar")
        let frame = try StructureFile.read(path: dir.appendingPathComponent(name).path)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(name).json"))) as? [String: Any]
        let ref = try #require((object?["frames"] as? [[String: Any]])?.first)
        try ExtXYZComparison(tolerance: 1e-10, structureOnly: true).compare(frame, ref, name)
    }

    @Test func malformedPOSCARNamesTheLine() throws {
        let text = "c\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi\n2\nDirect\n0 0 0\n0.5 0.5 x\n"
        do { _ = try POSCARReader.parse(text, file: "POSCAR"); Issue.record("no error") } catch let e as StructureFileError {
            #expect(e.line == 10)
            #expect(e.description.hasPrefix("POSCAR:10: bad number 'x'"))
        }
        #expect(throws: StructureFileError.self) { try POSCARReader.parse("c\n1.0\n1 0 0\n0 1 0\n0 0 1\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n") }
        #expect(throws: StructureFileError.self) { try POSCARReader.parse("c\n1.0\n1 0 0\n0 1 0\n0 0 1\nQq\n1\nDirect\n0 0 0\n") }
    }
}
