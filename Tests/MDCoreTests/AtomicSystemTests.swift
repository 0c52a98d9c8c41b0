import Testing
@testable import MDCore

@Suite struct AtomicSystemTests {
    @Test func elementsAndMasses() throws {
        #expect(try Element(symbol: "Cu").atomicNumber == 29)
        #expect(try Element(symbol: "cu").atomicNumber == 29)
        #expect(try Element(atomicNumber: 8).symbol == "O")
        #expect(abs(try Element(symbol: "H").mass - 1.008) < 1e-9)
        #expect(throws: StructureError.unknownElement("Xx")) { try Element(symbol: "Xx") }
        #expect(throws: StructureError.unknownAtomicNumber(0)) { try Element(atomicNumber: 0) }
        #expect(throws: StructureError.unknownAtomicNumber(119)) { try Element(atomicNumber: 119) }
    }

    @Test func systemFromSymbolsGetsDefaults() throws {
        let s = try AtomicSystem(symbols: ["O", "H", "H"],
                                 positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0)])
        #expect(s.count == 3)
        #expect(s.atomicNumbers == [8, 1, 1])
        #expect(s.velocities == Array(repeating: .zero, count: 3))
        #expect(s.kineticEnergy == 0)
        #expect(s.symbols == ["O", "H", "H"])
    }

    @Test func badInputIsAnError() {
        #expect(throws: StructureError.unknownElement("Qq")) {
            try AtomicSystem(symbols: ["Qq"], positions: [.zero])
        }
        #expect(throws: StructureError.nonFiniteCoordinate(atom: 1, what: "position")) {
            try AtomicSystem(atomicNumbers: [1, 1], positions: [.zero, SIMD3(.nan, 0, 0)])
        }
        #expect(throws: StructureError.lengthMismatch(what: "positions", expected: 2, got: 1)) {
            try AtomicSystem(atomicNumbers: [1, 1], positions: [.zero])
        }
        #expect(throws: StructureError.periodicAxisWithoutCellVector(axis: 0)) {
            try AtomicSystem(atomicNumbers: [1], positions: [.zero], cell: Cell(vectors: .zero, pbc: .all))
        }
        #expect(throws: StructureError.self) {
            try AtomicSystem(atomicNumbers: [1], positions: [.zero],
                             cell: Cell(vectors: Matrix3(rows: SIMD3(1, 0, 0), SIMD3(2, 0, 0), SIMD3(0, 0, 1))))
        }
    }

    @Test func kineticEnergyUnits() throws {
        // One argon atom at 0.01 Å/fs = 1000 m/s: K = ½·39.948 amu·(1000 m/s)² = 0.20703 eV.
        var s = try AtomicSystem(symbols: ["Ar"], positions: [.zero])
        s.velocities[0] = SIMD3(0.01, 0, 0)
        let expected = 0.5 * 39.948 * Units.atomicMassUnit * 1e6 / Units.elementaryCharge
        #expect(abs(s.kineticEnergy - expected) < 1e-12 * expected)
        #expect(abs(Units.naturalTimeInFemtoseconds - 10.1805) < 1e-4)
        #expect(abs(Units.gigapascalPerEVPerCubicAngstrom - 160.21766) < 1e-4)
    }

    @Test func matrixInverse() throws {
        let m = Matrix3(rows: SIMD3(2, 1, 0), SIMD3(0.5, 3, 1), SIMD3(-1, 0, 4))
        let p = try #require(m.inverse) * m
        #expect((p - .identity).maxAbs < 1e-14)
        #expect(Matrix3.zero.inverse == nil)
    }
}
