import Testing
@testable import MDCore

@Suite struct CrystalTests {
    @Test func fccHasFourAtomsPerCellAndNearestNeighboursAtAOverRootTwo() throws {
        let cu = try Crystal.fcc(atomicNumber: 29, latticeConstant: 3.61, repeats: SIMD3(2, 3, 1))
        #expect(cu.count == 4 * 6)
        #expect(cu.cell.lengths == SIMD3(7.22, 10.83, 3.61))
        #expect(abs(length(cu.positions[1] - cu.positions[0]) - 3.61 / 2.0.squareRoot()) < 1e-12)
    }

    @Test func rattleIsReproducibleAndBounded() throws {
        let cu = try Crystal.fcc(atomicNumber: 29, latticeConstant: 3.61, repeats: 2)
        let a = cu.rattled(amplitude: 0.1, seed: 5), b = cu.rattled(amplitude: 0.1, seed: 5)
        #expect(a.positions == b.positions)
        #expect(a.positions != cu.rattled(amplitude: 0.1, seed: 6).positions)
        for i in cu.positions.indices {
            let d = a.positions[i] - cu.positions[i]
            #expect(abs(d.x) <= 0.1 && abs(d.y) <= 0.1 && abs(d.z) <= 0.1)
        }
    }

    @Test func splitMixMatchesTheReferenceSequence() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        var u = SplitMix64(seed: 1)
        for _ in 0..<1000 { let x = u.uniform(); #expect(x >= 0 && x < 1) }
    }
}
