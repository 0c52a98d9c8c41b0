import Foundation
import Testing
import MDCore
import TestSupport
@testable import MDNeighbors

/// One structure and ASE's `neighbor_list('ijS')` for it (scripts/fixtures/make_neighbor_fixtures.py).
struct NeighborFixture: Decodable, CustomStringConvertible {
    let name: String
    let numbers: [Int]
    let positions: [[Double]]
    let cell: [[Double]]
    let pbc: [Bool]
    let cutoff: Double
    let pairs: [[Int]]

    var description: String { name }

    func system() throws -> AtomicSystem {
        try AtomicSystem(atomicNumbers: numbers, positions: positions.map { SIMD3($0) },
                         cell: Cell(vectors: try Matrix3(cell), pbc: Periodicity(pbc[0], pbc[1], pbc[2])))
    }

    /// Every case of `Resources/ase_neighbor_lists.json`; a missing or unreadable file throws.
    static func all() throws -> [NeighborFixture] {
        struct File: Decodable { let cases: [NeighborFixture] }
        let url = TestFiles.resources().appendingPathComponent("ase_neighbor_lists.json")
        guard let data = try? Data(contentsOf: url) else {
            throw MissingFixtureError("\(url.path): missing; make it with python -m scripts.fixtures.make_neighbor_fixtures")
        }
        return try JSONDecoder().decode(File.self, from: data).cases
    }
}

/// A pair as a hashable tuple (i, j, S).
struct Edge: Hashable, CustomStringConvertible {
    let i: Int, j: Int, s: SIMD3<Int32>
    var description: String { "(\(i), \(j), [\(s.x), \(s.y), \(s.z)])" }
}

@Suite struct ASEParityTests {
    @Test func fixturesArePresent() throws {
        #expect(try NeighborFixture.all().count >= 30)
    }

    @Test(arguments: try NeighborFixture.all())
    func sameSetOfPairsAsASE(_ fixture: NeighborFixture) throws {
        let system = try fixture.system()
        let pairs = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: fixture.cutoff)
        let ours = Set((0..<pairs.count).map { Edge(i: pairs.first[$0], j: pairs.second[$0], s: pairs.shifts[$0]) })
        let ase = Set(fixture.pairs.map { Edge(i: $0[0], j: $0[1], s: SIMD3(Int32($0[2]), Int32($0[3]), Int32($0[4]))) })
        #expect(pairs.count == ours.count, "duplicate pairs")
        #expect(ours.subtracting(ase).isEmpty, "pairs ASE does not have: \(ours.subtracting(ase).prefix(5))")
        #expect(ase.subtracting(ours).isEmpty, "pairs missing: \(ase.subtracting(ours).prefix(5))")
    }

    @Test(arguments: try NeighborFixture.all())
    func edgesAreSortedAndIndexedByFirstAtom(_ fixture: NeighborFixture) throws {
        let system = try fixture.system()
        let pairs = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: fixture.cutoff)
        #expect(pairs.atomCount == system.count)
        for i in 0..<system.count {
            for e in pairs.range(of: i) {
                #expect(pairs.first[e] == i)
                let r = length(pairs.vector(e, positions: system.positions, cell: system.cell.vectors))
                #expect(r < fixture.cutoff)
            }
        }
    }
}
