/// A 3×3 real matrix stored by rows.
///
/// Used for cells (rows are the lattice vectors a, b, c, as in ASE), virials and
/// stresses. `m * v` treats `v` as a column vector; `v * m` as a row vector.
public struct Matrix3: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Row 0, 1 and 2.
    public var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    /// The matrix with the given rows.
    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        rows = (r0, r1, r2)
    }

    /// The matrix from a row-major nested array; throws unless it is 3×3.
    public init(_ nested: [[Double]]) throws {
        guard nested.count == 3, nested.allSatisfy({ $0.count == 3 }) else {
            throw MatrixShapeError(rows: nested.count, columns: nested.map(\.count))
        }
        self.init(rows: SIMD3(nested[0]), SIMD3(nested[1]), SIMD3(nested[2]))
    }

    /// The diagonal matrix diag(d).
    public init(diagonal d: SIMD3<Double>) {
        self.init(rows: SIMD3(d.x, 0, 0), SIMD3(0, d.y, 0), SIMD3(0, 0, d.z))
    }

    public static let zero = Matrix3(rows: .zero, .zero, .zero)
    public static let identity = Matrix3(diagonal: SIMD3(1, 1, 1))

    /// Row `i` (0, 1 or 2).
    public subscript(row i: Int) -> SIMD3<Double> {
        get {
            switch i {
            case 0: return rows.0
            case 1: return rows.1
            default: precondition(i == 2, "Matrix3 row index \(i) out of range"); return rows.2
            }
        }
        set {
            switch i {
            case 0: rows.0 = newValue
            case 1: rows.1 = newValue
            default: precondition(i == 2, "Matrix3 row index \(i) out of range"); rows.2 = newValue
            }
        }
    }

    /// Element (i, j).
    public subscript(i: Int, j: Int) -> Double {
        get { self[row: i][j] }
        set { self[row: i][j] = newValue }
    }

    /// Row-major nested array, e.g. for JSON or YAML output.
    public var nested: [[Double]] { (0..<3).map { i in (0..<3).map { self[i, $0] } } }

    public var transposed: Matrix3 {
        Matrix3(rows: SIMD3(rows.0.x, rows.1.x, rows.2.x),
                SIMD3(rows.0.y, rows.1.y, rows.2.y),
                SIMD3(rows.0.z, rows.1.z, rows.2.z))
    }

    /// det(M) = a · (b × c) for rows a, b, c.
    public var determinant: Double { dot(rows.0, cross(rows.1, rows.2)) }

    /// The trace Σ M_ii.
    public var trace: Double { rows.0.x + rows.1.y + rows.2.z }

    /// M⁻¹, or nil when |det M| is zero or not finite.
    ///
    /// For rows a, b, c: M⁻¹ has columns (b×c, c×a, a×b)/det.
    public var inverse: Matrix3? {
        let det = determinant
        guard det != 0, det.isFinite else { return nil }
        let c0 = cross(rows.1, rows.2) / det
        let c1 = cross(rows.2, rows.0) / det
        let c2 = cross(rows.0, rows.1) / det
        return Matrix3(rows: c0, c1, c2).transposed
    }

    /// True when every element is finite.
    public var isFinite: Bool {
        (0..<3).allSatisfy { i in (0..<3).allSatisfy { self[i, $0].isFinite } }
    }

    /// The largest |M_ij|.
    public var maxAbs: Double {
        var m = 0.0
        for i in 0..<3 { for j in 0..<3 { m = Swift.max(m, Swift.abs(self[i, j])) } }
        return m
    }

    /// The outer product u vᵀ.
    public static func outer(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Matrix3 {
        Matrix3(rows: u.x * v, u.y * v, u.z * v)
    }

    /// Matrix × column vector.
    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(dot(m.rows.0, v), dot(m.rows.1, v), dot(m.rows.2, v))
    }

    /// Row vector × matrix: vᵀM = v.x·row0 + v.y·row1 + v.z·row2.
    public static func * (v: SIMD3<Double>, m: Matrix3) -> SIMD3<Double> {
        v.x * m.rows.0 + v.y * m.rows.1 + v.z * m.rows.2
    }

    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 * b, a.rows.1 * b, a.rows.2 * b)
    }

    public static func * (s: Double, m: Matrix3) -> Matrix3 {
        Matrix3(rows: s * m.rows.0, s * m.rows.1, s * m.rows.2)
    }

    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 + b.rows.0, a.rows.1 + b.rows.1, a.rows.2 + b.rows.2)
    }

    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 - b.rows.0, a.rows.1 - b.rows.1, a.rows.2 - b.rows.2)
    }

    public static func += (a: inout Matrix3, b: Matrix3) { a = a + b }

    public static func == (a: Matrix3, b: Matrix3) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rows.0); hasher.combine(rows.1); hasher.combine(rows.2)
    }

    public init(from decoder: Decoder) throws {
        let nested = try [[Double]](from: decoder)
        try self.init(nested)
    }

    public func encode(to encoder: Encoder) throws { try nested.encode(to: encoder) }

    public var description: String { "\(nested)" }
}

/// A nested array that is not 3×3 was given where a `Matrix3` is needed.
public struct MatrixShapeError: Error, CustomStringConvertible {
    public let rows: Int
    public let columns: [Int]
    public var description: String { "expected a 3×3 matrix, got \(rows) rows of lengths \(columns)" }
}

/// The dot product u · v.
@inlinable public func dot(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
    (u * v).sum()
}

/// The cross product u × v.
@inlinable public func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
}

/// The Euclidean norm |v|.
@inlinable public func length(_ v: SIMD3<Double>) -> Double { dot(v, v).squareRoot() }
