import Foundation
import Testing
import MDCore
import TestSupport
@testable import MDIO

/// Malformed extended XYZ input gives one line naming the file, the line and the problem.
struct MalformedXYZ: CustomStringConvertible, Sendable {
    let label: String
    let text: String
    let line: Int
    let message: String
    var description: String { label }

    static let cases: [MalformedXYZ] = [
        MalformedXYZ(label: "too few atom lines", text: "3\ncomment\nH 0 0 0\nH 1 0 0\n", line: 4, message: "file ends after 2 of 3 atom lines"),
        MalformedXYZ(label: "count not a number", text: "three\ncomment\n", line: 1, message: "expected the number of atoms"),
        MalformedXYZ(label: "too many atom lines", text: "1\nc\nH 0 0 0\nH 1 0 0\n", line: 4, message: "expected the number of atoms"),
        MalformedXYZ(label: "bad number", text: "2\nc\nH 0 0 0\nH 1 x0 0\n", line: 4, message: "bad real number 'x0' in column 3 (pos)"),
        MalformedXYZ(label: "unknown element", text: "2\nc\nH 0 0 0\nXx 0 0 0\n", line: 4, message: "unknown element 'Xx'"),
        MalformedXYZ(label: "non-finite position", text: "2\nc\nH 0 0 0\nH nan 0 0\n", line: 4, message: "non-finite position"),
        MalformedXYZ(label: "negative mass", text: "1\nProperties=species:S:1:pos:R:3:masses:R:1\nH 0 0 0 -1\n", line: 3, message: "non-positive mass"),
        MalformedXYZ(label: "columns do not match Properties",
                     text: "1\nProperties=species:S:1:pos:R:3:forces:R:3\nH 0 0 0 1 2\n", line: 3,
                     message: "atom line has 6 columns but Properties=species:S:1:pos:R:3:forces:R:3 declares 7"),
        MalformedXYZ(label: "bad Properties type", text: "1\nProperties=species:S:1:pos:Q:3\nH 0 0 0\n", line: 2,
                     message: "'pos' has type 'Q'"),
        MalformedXYZ(label: "periodic without Lattice", text: "1\npbc=\"T T F\"\nH 0 0 0\n", line: 2,
                     message: "pbc=\"T T F\" is periodic but there is no Lattice"),
        MalformedXYZ(label: "Lattice with 8 numbers", text: "1\nLattice=\"1 0 0 0 1 0 0 0\"\nH 0 0 0\n", line: 2,
                     message: "'Lattice' must hold 9 numbers"),
        MalformedXYZ(label: "bad logical", text: "1\nProperties=species:S:1:pos:R:3:fixed:L:1\nH 0 0 0 yes\n", line: 3,
                     message: "bad logical 'yes' in column 5 (fixed)"),
        MalformedXYZ(label: "no pos column", text: "1\nProperties=species:S:1:x:R:3\nH 0 0 0\n", line: 1,
                     message: "has no pos:R:3 column"),
        MalformedXYZ(label: "singular lattice", text: "1\nLattice=\"1 0 0 1 0 0 0 0 1\"\nH 0 0 0\n", line: 1,
                     message: "linearly dependent"),
    ]
}

@Suite struct ExtXYZErrorTests {
    @Test(arguments: MalformedXYZ.cases)
    func malformedInputNamesFileLineAndProblem(_ c: MalformedXYZ) throws {
        let path = try TestFiles.write(c.text, name: "bad.xyz")
        do {
            _ = try ExtXYZReader.readAll(path: path)
            Issue.record("no error for \(c.label)")
        } catch let error as StructureFileError {
            #expect(error.file == path)
            #expect(error.line == c.line, "\(error)")
            #expect(error.message.contains(c.message), "\(error)")
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix("\(path):\(c.line): "))
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: StructureFileError.self) { try ExtXYZReader(path: "/nonexistent/structure.xyz") }
    }

    @Test func commentLineGrammar() {
        let pairs = ExtXYZCommentLine.split(#"a=1 b = "x y" c={1 2} d=[3,4] e f="q\"uote" g='s p'"#)
        #expect(pairs.map(\.key) == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(pairs.map(\.value) == ["1", "x y", "1 2", "3,4", "T", "q\"uote", "s p"])
    }

    @Test func valueTyping() throws {
        #expect(try ExtXYZValue.parse("42", key: "k") == .int(42))
        #expect(try ExtXYZValue.parse("4.5", key: "k") == .double(4.5))
        #expect(try ExtXYZValue.parse("1 2.5", key: "k") == .doubleArray([1, 2.5]))
        #expect(try ExtXYZValue.parse("T", key: "k") == .bool(true))
        #expect(try ExtXYZValue.parse("true FALSE", key: "k") == .boolArray([true, false]))
        #expect(try ExtXYZValue.parse("Fe", key: "k") == .string("Fe"))
        #expect(try ExtXYZValue.parse("1 2 3 4 5 6 7 8 9", key: "virial")
                == .matrix(Matrix3(rows: SIMD3(1, 4, 7), SIMD3(2, 5, 8), SIMD3(3, 6, 9))))
        #expect(throws: ExtXYZValueError.self) { try ExtXYZValue.parse("1 2 3", key: "stress") }
    }

    @Test func stressInVoigtFormIsAccepted() throws {
        let path = try TestFiles.write("1\nstress=\"1 2 3 4 5 6\"\nH 0 0 0\n", name: "voigt.xyz")
        let s = try #require(try ExtXYZReader.readFirst(path: path).stress)
        #expect(s == Matrix3(rows: SIMD3(1, 6, 5), SIMD3(6, 2, 4), SIMD3(5, 4, 3)))
        let bad = try TestFiles.write("1\nstress=\"1 2 3\"\nH 0 0 0\n", name: "bad.xyz")
        #expect(throws: StructureFileError.self) { try ExtXYZReader.readFirst(path: bad) }
    }

    @Test func writerQuotesAndEscapesStrings() throws {
        let system = try AtomicSystem(atomicNumbers: [1], positions: [.zero])
        var info = ExtXYZInfo()
        info["title"] = .string(#"a "b" \c"#)
        info["plain"] = .string("word")
        let path = try TestFiles.scratchDirectory().appendingPathComponent("q.xyz").path
        try ExtXYZWriter.write([StructureRecord(system: system, info: info)], to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#"title="a \"b\" \\c""#))
        #expect(text.contains("plain=word"))
        #expect(try ExtXYZReader.readFirst(path: path).info["title"] == .string(#"a "b" \c"#))
    }

    @Test func writerRefusesAnExistingFileUnlessAskedToAppend() throws {
        let system = try AtomicSystem(atomicNumbers: [1], positions: [.zero])
        let path = try TestFiles.scratchDirectory().appendingPathComponent("t.xyz").path
        try ExtXYZWriter.write([StructureRecord(system: system)], to: path)
        #expect(throws: OutputFileError.self) { try ExtXYZWriter.write([StructureRecord(system: system)], to: path) }
        try ExtXYZWriter.write([StructureRecord(system: system)], to: path, mode: .append)
        #expect(try ExtXYZReader.readAll(path: path).count == 2)
    }

    @Test func writerRejectsInfoWithLineBreaks() throws {
        let system = try AtomicSystem(atomicNumbers: [1], positions: [.zero])
        var info = ExtXYZInfo()
        info["note"] = .string("two\nlines")
        let path = try TestFiles.scratchDirectory().appendingPathComponent("n.xyz").path
        #expect(throws: StructureFileError.self) { try ExtXYZWriter.write([StructureRecord(system: system, info: info)], to: path) }
    }
}
