import Foundation
import Testing
@testable import MDCore

@Suite struct CellTests {
    let triclinic = Cell(vectors: Matrix3(rows: SIMD3(5, 0, 0), SIMD3(2, 4, 0), SIMD3(-1, 1.5, 6)))

    @Test func fractionalRoundTrip() throws {
        let r: [SIMD3<Double>] = [SIMD3(0.3, -2, 7.5), SIMD3(10, 4, -3)]
        let f = try triclinic.fractional(r)
        let back = triclinic.cartesian(f)
        for k in r.indices { #expect(length(back[k] - r[k]) < 1e-12) }
        // f·H = r, checked on the lattice vectors themselves
        let a = triclinic.cartesian([SIMD3(1, 0, 0)])[0]
        #expect(a == SIMD3(5, 0, 0))
    }

    @Test func volumeLengthsAngles() {
        #expect(abs(triclinic.volume - 120) < 1e-12)
        let cubic = Cell.orthorhombic(SIMD3(3, 4, 5))
        #expect(cubic.lengths == SIMD3(3, 4, 5))
        #expect(cubic.anglesInDegrees == SIMD3(90, 90, 90))
        #expect(abs(cubic.volume - 60) < 1e-12)
    }

    @Test func lengthsAndAnglesRoundTrip() {
        let cell = Cell(lengths: SIMD3(4, 5, 6), anglesInDegrees: SIMD3(70, 80, 100))
        #expect(length(cell.lengths - SIMD3(4, 5, 6)) < 1e-12)
        #expect(length(cell.anglesInDegrees - SIMD3(70, 80, 100)) < 1e-10)
        // Standard orientation: a along x, b in the xy plane.
        #expect(cell.vectors[0, 1] == 0 && cell.vectors[0, 2] == 0 && cell.vectors[1, 2] == 0)
        let again = Cell(lengths: triclinic.lengths, anglesInDegrees: triclinic.anglesInDegrees)
        #expect(abs(again.volume - triclinic.volume) < 1e-9)
    }

    @Test func faceHeightsOfSkewedCell() {
        // Height along c is the distance between the ab planes: V / |a × b|.
        let h = triclinic.faceHeights
        #expect(abs(h.z - 6) < 1e-12)
        #expect(abs(h.x - 120 / length(cross(SIMD3(2, 4, 0), SIMD3(-1, 1.5, 6)))) < 1e-12)
    }

    @Test func wrapMapsIntoCellOnlyAlongPeriodicAxes() throws {
        var cell = triclinic
        cell.pbc = Periodicity(true, true, false)
        let r: [SIMD3<Double>] = [SIMD3(-3, 9, 14), SIMD3(1e-17, 0, 0)]
        let w = try cell.wrap(r)
        let f = try cell.fractional(w)
        let f0 = try cell.fractional(r)
        for k in r.indices {
            #expect(f[k].x >= 0 && f[k].x < 1 && f[k].y >= 0 && f[k].y < 1)
            #expect(abs(f[k].z - f0[k].z) < 1e-12)
            // Differences are lattice vectors.
            let d = f[k] - f0[k]
            #expect(abs(d.x - d.x.rounded()) < 1e-12 && abs(d.y - d.y.rounded()) < 1e-12)
        }
    }

    @Test func completedVectorsForSlabAndMolecule() {
        let slab = Cell(vectors: Matrix3(rows: SIMD3(3, 0, 0), SIMD3(1, 3, 0), .zero), pbc: Periodicity(true, true, false))
        let h = slab.completedVectors()
        #expect(h.determinant > 0)
        #expect(h[row: 0] == SIMD3(3, 0, 0))
        #expect(Cell.none.completedVectors() == .identity)
    }

    @Test func validationErrors() {
        let noCell = Cell(vectors: .zero, pbc: .all)
        #expect(throws: StructureError.periodicAxisWithoutCellVector(axis: 0)) { try noCell.validate() }
        let flat = Cell(vectors: Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(1, 1, 0)))
        #expect(throws: StructureError.self) { try flat.validate() }
        var nan = Cell.orthorhombic(SIMD3(1, 1, 1)); nan.vectors[1, 1] = .nan
        #expect(throws: StructureError.nonFiniteCell) { try nan.validate() }
        // A molecule with no cell is fine; so is a slab with a zero c vector.
        #expect(throws: Never.self) { try Cell.none.validate() }
        let slab = Cell(vectors: Matrix3(rows: SIMD3(3, 0, 0), SIMD3(0, 3, 0), .zero), pbc: Periodicity(true, true, false))
        #expect(throws: Never.self) { try slab.validate() }
        // Two collinear periodic vectors in a slab are singular.
        let bad = Cell(vectors: Matrix3(rows: SIMD3(3, 0, 0), SIMD3(6, 0, 0), .zero), pbc: Periodicity(true, true, false))
        #expect(throws: StructureError.self) { try bad.validate() }
        #expect(StructureError.periodicAxisWithoutCellVector(axis: 2).description.contains("pbc[2]"))
    }
}
