import Foundation

/// A triclinic simulation cell: three lattice vectors (the rows of ``vectors``, in Å)
/// and the periodicity along each of them.
///
/// Conventions follow ASE: a Cartesian position is r = f·H, where f is the row
/// vector of fractional coordinates and H the matrix whose rows are a, b, c; hence
/// f = r·H⁻¹. A non-periodic axis may have a zero vector (an isolated molecule has
/// `Cell.none`); a periodic axis may not.
public struct Cell: Equatable, Hashable, Sendable, Codable {
    /// Rows a, b, c in Å.
    public var vectors: Matrix3
    /// Which of a, b, c are periodic.
    public var pbc: Periodicity

    public init(vectors: Matrix3, pbc: Periodicity = .all) {
        self.vectors = vectors
        self.pbc = pbc
    }

    /// An orthorhombic, fully periodic box with edge lengths `lengths` (Å).
    public static func orthorhombic(_ lengths: SIMD3<Double>, pbc: Periodicity = .all) -> Cell {
        Cell(vectors: Matrix3(diagonal: lengths), pbc: pbc)
    }

    /// No cell and no periodicity: an isolated molecule or cluster.
    public static let none = Cell(vectors: .zero, pbc: .none)

    /// The cell with edge lengths (|a|, |b|, |c|) in Å and angles (α, β, γ) in degrees,
    /// in the standard orientation of ASE's `cellpar_to_cell` and the AMBER convention:
    /// a along x, b in the xy plane, c completing a right-handed cell.
    ///
    /// a = (|a|, 0, 0); b = |b|(cos γ, sin γ, 0);
    /// c = |c|(cos β, (cos α − cos β cos γ)/sin γ, √(1 − c_x² − c_y²)).
    public init(lengths: SIMD3<Double>, anglesInDegrees angles: SIMD3<Double>, pbc: Periodicity = .all) {
        func cosd(_ x: Double) -> Double {
            // Exact zeros for right angles, as ASE does.
            if x == 90 { return 0 }
            return cos(x * .pi / 180)
        }
        let (ca, cb, cg) = (cosd(angles.x), cosd(angles.y), cosd(angles.z))
        let sg = angles.z == 90 ? 1.0 : sin(angles.z * .pi / 180)
        let a = SIMD3(lengths.x, 0, 0)
        let b = lengths.y * SIMD3(cg, sg, 0)
        let cx = cb
        let cy = (ca - cb * cg) / sg
        let cz = Swift.max(0, 1 - cx * cx - cy * cy).squareRoot()
        let c = lengths.z * SIMD3(cx, cy, cz)
        self.init(vectors: Matrix3(rows: a, b, c), pbc: pbc)
    }

    /// |det H| in Å³ (zero for a cell with a zero vector).
    public var volume: Double { Swift.abs(vectors.determinant) }

    /// (|a|, |b|, |c|) in Å.
    public var lengths: SIMD3<Double> {
        SIMD3(length(vectors.rows.0), length(vectors.rows.1), length(vectors.rows.2))
    }

    /// (α, β, γ) in degrees: α = ∠(b, c), β = ∠(a, c), γ = ∠(a, b). 90° where a vector is zero.
    public var anglesInDegrees: SIMD3<Double> {
        func angle(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
            let n = length(u) * length(v)
            guard n > 0 else { return 90 }
            return acos(Swift.min(1, Swift.max(-1, dot(u, v) / n))) * 180 / .pi
        }
        let (a, b, c) = vectors.rows
        return SIMD3(angle(b, c), angle(a, c), angle(a, b))
    }

    /// The perpendicular distances between opposite faces, V/|b×c|, V/|c×a|, V/|a×b| (Å).
    /// A sphere of radius r fits in the cell iff r ≤ min(heights)/2.
    public var faceHeights: SIMD3<Double> {
        let (a, b, c) = vectors.rows
        let v = volume
        func h(_ n: SIMD3<Double>) -> Double { let l = length(n); return l > 0 ? v / l : 0 }
        return SIMD3(h(cross(b, c)), h(cross(c, a)), h(cross(a, b)))
    }

    /// Checks that the cell is usable: finite, a non-zero vector along every periodic
    /// axis, and periodic vectors that are linearly independent (relative tolerance 1e-10).
    public func validate() throws {
        guard vectors.isFinite else { throw StructureError.nonFiniteCell }
        for i in 0..<3 where pbc[i] && length(vectors[row: i]) == 0 {
            throw StructureError.periodicAxisWithoutCellVector(axis: i)
        }
        let periodic = (0..<3).filter { pbc[$0] }.map { vectors[row: $0] }
        let independent: Bool
        switch periodic.count {
        case 3:
            independent = Swift.abs(vectors.determinant) > 1e-10 * lengths.x * lengths.y * lengths.z
        case 2:
            independent = length(cross(periodic[0], periodic[1]))
                > 1e-10 * length(periodic[0]) * length(periodic[1])
        default:
            independent = true
        }
        if !independent { throw StructureError.singularCell(volume: volume) }
    }

    /// The lattice vectors with every non-periodic axis replaced, where needed, so that
    /// the three rows are linearly independent and right-handed: a non-periodic vector
    /// that is zero or (nearly) dependent on the others becomes the unit vector
    /// orthogonal to the periodic ones (or a Cartesian axis). Periodic vectors are kept.
    ///
    /// Positions, fractional coordinates along periodic axes and image shifts are
    /// unchanged by this; it only gives non-periodic axes a well-defined coordinate.
    public func completedVectors() -> Matrix3 {
        var m = vectors
        let scale = Swift.max(1, lengths.x * lengths.y * lengths.z)
        if Swift.abs(m.determinant) > 1e-10 * scale { return m }
        let periodic = (0..<3).filter { pbc[$0] }
        let free = (0..<3).filter { !pbc[$0] }
        switch periodic.count {
        case 0:
            m = .identity
        case 1:
            // Axis p periodic: build an orthonormal pair perpendicular to it.
            let p = periodic[0]
            let u = m[row: p] / length(m[row: p])
            let trial: SIMD3<Double> = Swift.abs(u.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
            let e1 = normalize(cross(u, trial))
            let e2 = cross(u, e1)
            m[row: free[0]] = e1
            m[row: free[1]] = e2
        case 2:
            let n = normalize(cross(m[row: periodic[0]], m[row: periodic[1]]))
            m[row: free[0]] = n
        default:
            return m  // fully periodic and singular: validate() reports it
        }
        // Keep a right-handed set so that volumes and heights are positive.
        if m.determinant < 0 { m[row: free[0]] = -m[row: free[0]] }
        return m
    }

    /// Fractional coordinates f = r·H⁻¹ of Cartesian positions (Å), using ``completedVectors()``.
    public func fractional(_ positions: [SIMD3<Double>]) throws -> [SIMD3<Double>] {
        let h = completedVectors()
        guard let inv = h.inverse else { throw StructureError.singularCell(volume: volume) }
        return positions.map { $0 * inv }
    }

    /// Cartesian positions r = f·H (Å) of fractional coordinates, using ``completedVectors()``.
    public func cartesian(_ fractional: [SIMD3<Double>]) -> [SIMD3<Double>] {
        let h = completedVectors()
        return fractional.map { $0 * h }
    }

    /// Positions with their fractional coordinates along periodic axes mapped into [0, 1).
    /// Non-periodic coordinates are unchanged.
    public func wrap(_ positions: [SIMD3<Double>]) throws -> [SIMD3<Double>] {
        var f = try fractional(positions)
        for k in f.indices {
            for axis in 0..<3 where pbc[axis] {
                var x = f[k][axis] - (f[k][axis]).rounded(.down)
                if x >= 1 { x = 0 }  // guards f = -1e-17, which rounds to 1.0
                f[k][axis] = x
            }
        }
        return cartesian(f)
    }
}

@inlinable func normalize(_ v: SIMD3<Double>) -> SIMD3<Double> { v / length(v) }
