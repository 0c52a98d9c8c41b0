import Testing
import MDCore
@testable import MDNeighbors

/// fcc lattice of `n`×`n`×`n` cubic cells with lattice constant `a` (Å).
func fccPositions(n: Int, a: Double) -> (positions: [SIMD3<Double>], cell: Cell) {
    // Valid literal arguments: cannot throw.
    let crystal = try! Crystal.fcc(atomicNumber: 29, latticeConstant: a, repeats: n)
    return (crystal.positions, crystal.cell)
}

@Suite struct NeighborListTests {
    @Test func fccCoordinationShells() throws {
        // fcc with a = 3.61 Å: 12 neighbours at 2.553 Å, 6 more at 3.61 Å.
        let (x, cell) = fccPositions(n: 3, a: 3.61)
        let p1 = try NeighborPairs(positions: x, cell: cell, cutoff: 3.0)
        #expect(p1.count == 12 * x.count)
        let p2 = try NeighborPairs(positions: x, cell: cell, cutoff: 4.0)
        #expect(p2.count == 18 * x.count)
    }

    @Test func eachPairAppearsInBothDirections() throws {
        let (x, cell) = fccPositions(n: 1, a: 3.61)   // cell smaller than the cutoff
        let pairs = try NeighborPairs(positions: x, cell: cell, cutoff: 5.0)
        let edges = Set((0..<pairs.count).map { Edge(i: pairs.first[$0], j: pairs.second[$0], s: pairs.shifts[$0]) })
        for e in edges { #expect(edges.contains(Edge(i: e.j, j: e.i, s: 0 &- e.s))) }
        // Neighbours within 5 Å in fcc Cu: 12 + 6 + 24 = 42 per atom.
        #expect(pairs.count == 42 * 4)
    }

    @Test func skinAvoidsRebuildsUntilAtomsMoveHalfTheSkin() throws {
        var (x, cell) = fccPositions(n: 3, a: 3.61)
        var list = try NeighborList(cutoff: 3.0, skin: 0.4)
        #expect(try list.update(positions: x, cell: cell))
        x[0].x += 0.15
        #expect(try !list.update(positions: x, cell: cell))
        x[0].x += 0.1   // now 0.25 > skin/2
        #expect(try list.update(positions: x, cell: cell))
        // A strain of 10⁻³ uses up little of the skin (see the type's notes): no rebuild.
        let small = cell
        cell.vectors[0, 0] += 0.01
        #expect(try !list.update(positions: x, cell: cell))
        // A strain of 5 % uses up more than the skin: rebuild.
        cell.vectors[0, 0] = small.vectors[0, 0] * 1.05
        #expect(try list.update(positions: x, cell: cell))
        #expect(list.buildCount == 3 && list.reuseCount == 2)
    }

    /// After a triclinic strain and random moves that the cell-aware test accepts, the list still
    /// holds every pair within the cutoff (positions and cell deformed together, as a barostat does).
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func skinListContainsAllCutoffPairsAfterCellDeformation(_ seed: UInt64) throws {
        var (x, cell) = fccPositions(n: 3, a: 3.61)
        var list = try NeighborList(cutoff: 3.0, skin: 0.6)
        try list.update(positions: x, cell: cell)
        var rng = SplitMix64(seed: seed)
        let e = rng.vector(0.004), shear = rng.vector(0.004)
        let d = Matrix3(rows: SIMD3(1 + e.x, shear.z, shear.y), SIMD3(shear.z, 1 + e.y, shear.x), SIMD3(shear.y, shear.x, 1 + e.z))
        cell.vectors = cell.vectors * d
        for i in x.indices { x[i] = x[i] * d + rng.vector(0.1) }
        #expect(try !list.update(positions: x, cell: cell), "seed \(seed): rebuilt")
        let exact = try NeighborPairs(positions: x, cell: cell, cutoff: 3.0)
        let inList = Set((0..<list.pairs.count).map { Edge(i: list.pairs.first[$0], j: list.pairs.second[$0], s: list.pairs.shifts[$0]) })
        let missing = (0..<exact.count).filter {
            !inList.contains(Edge(i: exact.first[$0], j: exact.second[$0], s: exact.shifts[$0]))
        }
        #expect(missing.isEmpty, "\(missing.count) cutoff pairs missing from the skin list")
    }

    /// A non-periodic cell that changes forces a rebuild.
    @Test func changedNonPeriodicCellRebuilds() throws {
        var (x, cell) = fccPositions(n: 2, a: 3.61)
        cell.pbc = Periodicity(true, true, false)
        var list = try NeighborList(cutoff: 3.0, skin: 0.6)
        try list.update(positions: x, cell: cell)
        cell.vectors[0, 0] += 0.001
        x[0].x += 0.001
        #expect(try list.update(positions: x, cell: cell))
    }

    @Test func skinListContainsAllCutoffPairsAfterSmallMoves() throws {
        var (x, cell) = fccPositions(n: 3, a: 3.61)
        var list = try NeighborList(cutoff: 3.0, skin: 0.6)
        try list.update(positions: x, cell: cell)
        var rng = SplitMix64(seed: 7)
        for i in x.indices { x[i] += rng.vector(0.14) }
        #expect(try !list.update(positions: x, cell: cell))
        let exact = try NeighborPairs(positions: x, cell: cell, cutoff: 3.0)
        let inList = Set((0..<list.pairs.count).map { Edge(i: list.pairs.first[$0], j: list.pairs.second[$0], s: list.pairs.shifts[$0]) })
        let missing = (0..<exact.count).filter {
            !inList.contains(Edge(i: exact.first[$0], j: exact.second[$0], s: exact.shifts[$0]))
        }
        #expect(missing.isEmpty, "\(missing.count) cutoff pairs missing from the skin list")
    }

    @Test func badInput() throws {
        #expect(throws: NeighborError.invalidCutoff(0)) { try NeighborList(cutoff: 0) }
        #expect(throws: NeighborError.invalidSkin(-1)) { try NeighborList(cutoff: 1, skin: -1) }
        #expect(throws: StructureError.nonFiniteCoordinate(atom: 0, what: "position")) {
            try NeighborPairs(positions: [SIMD3(.nan, 0, 0)], cell: .none, cutoff: 2)
        }
        #expect(throws: StructureError.periodicAxisWithoutCellVector(axis: 0)) {
            try NeighborPairs(positions: [.zero], cell: Cell(vectors: .zero, pbc: .all), cutoff: 2)
        }
        let empty = try NeighborPairs(positions: [], cell: .none, cutoff: 2)
        #expect(empty.count == 0 && empty.atomCount == 0)
    }
}
