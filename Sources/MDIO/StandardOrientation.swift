import MDCore

/// The rotation that brings a cell into the standard orientation of AMBER, LAMMPS and
/// `Cell(lengths:anglesInDegrees:)`: **a** along x, **b** in the xy plane (positive y),
/// **c** with positive z for a right-handed cell.
///
/// With ê₁ = a/|a|, ê₂ = (b − (b·ê₁)ê₁)/|b − (b·ê₁)ê₁| and ê₃ = ê₁ × ê₂, a row vector x goes to
/// x' = (x·ê₁, x·ê₂, x·ê₃), i.e. x' = x R with the columns of R equal to ê₁, ê₂, ê₃. R is
/// orthogonal, so distances and angles are kept; positions, velocities and forces are rotated
/// alike. The rotated cell H R equals `Cell(lengths:anglesInDegrees:)` of the same cell when the
/// cell is right-handed (det H > 0); a left-handed cell comes out with a negative c_z.
public struct StandardOrientation: Equatable, Sendable {
    /// R: x' = x R (row vectors).
    public let rotation: Matrix3

    /// The identity (no rotation).
    public static let identity = StandardOrientation(rotation: .identity)

    init(rotation: Matrix3) { self.rotation = rotation }

    /// The rotation for `cell`; the identity for a cell without periodic axes or with a zero
    /// or degenerate **a**/**b** (completed by `Cell.completedVectors()` for partly periodic cells).
    public init(cell: Cell) {
        guard !cell.pbc.isNonPeriodic else { self = .identity; return }
        let h = cell.completedVectors()
        let a = h[row: 0], b = h[row: 1]
        let la = length(a)
        guard la > 0 else { self = .identity; return }
        let e1 = a / la
        let bPerp = b - dot(b, e1) * e1
        let lb = length(bPerp)
        guard lb > 1e-12 * max(1, length(b)) else { self = .identity; return }
        let e2 = bPerp / lb
        let e3 = cross(e1, e2)
        // Columns ê₁, ê₂, ê₃: the rows of R are (ê₁ᵢ, ê₂ᵢ, ê₃ᵢ).
        rotation = Matrix3(rows: e1, e2, e3).transposed
    }

    /// x R for each vector.
    public func apply(_ vectors: [SIMD3<Double>]) -> [SIMD3<Double>] { vectors.map { $0 * rotation } }
}
