import MDCore

/// A list of directed neighbour pairs (edges) i → j with periodic image shifts.
///
/// For every edge e, with i = ``first``[e], j = ``second``[e] and S = ``shifts``[e],
/// the separation vector is
///
///     r_ij = x_j − x_i + S·H,
///
/// where x are the (unwrapped) Cartesian positions the list was built from and H the
/// cell matrix with rows a, b, c, so S·H = S₀a + S₁b + S₂c. This is ASE's
/// `neighbor_list('ijS')` convention. Both directions of every pair are present:
/// (i, j, S) and (j, i, −S). An atom paired with its own image has i = j and S ≠ 0.
///
/// Edges are sorted by i, then j, then S, so the edges of atom i are the contiguous
/// range ``range(of:)`` = `offsets[i]..<offsets[i+1]`.
public struct NeighborPairs: Equatable, Sendable {
    /// Index i of the first atom of each edge.
    public var first: [Int]
    /// Index j of the second atom of each edge.
    public var second: [Int]
    /// Integer image shift S of each edge (in units of the cell vectors).
    public var shifts: [SIMD3<Int32>]
    /// CSR offsets: the edges of atom i are `offsets[i]..<offsets[i + 1]`; count + 1 entries.
    public var offsets: [Int]

    public init(first: [Int], second: [Int], shifts: [SIMD3<Int32>], offsets: [Int]) {
        self.first = first
        self.second = second
        self.shifts = shifts
        self.offsets = offsets
    }

    /// The number of directed edges.
    public var count: Int { first.count }

    /// The number of atoms the list was built for.
    public var atomCount: Int { offsets.count - 1 }

    /// The edges whose first atom is `i`.
    @inlinable public func range(of i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// r_ij = x_j − x_i + S·H of edge `e` for the given positions (Å) and cell.
    @inlinable public func vector(_ e: Int, positions: [SIMD3<Double>], cell: Matrix3) -> SIMD3<Double> {
        positions[second[e]] - positions[first[e]] + SIMD3<Double>(shifts[e]) * cell
    }

    /// Cartesian separation vectors r_ij of all edges (Å).
    public func vectors(positions: [SIMD3<Double>], cell: Matrix3) -> [SIMD3<Double>] {
        (0..<count).map { vector($0, positions: positions, cell: cell) }
    }
}

extension SIMD3 where Scalar == Double {
    /// Converts an integer shift to a real vector.
    @inlinable public init(_ s: SIMD3<Int32>) { self.init(Double(s.x), Double(s.y), Double(s.z)) }
}
