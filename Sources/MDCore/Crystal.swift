/// Builders for simple crystals, as `ase.build.bulk(..., cubic=True).repeat(...)` makes them.
public enum Crystal {
    /// The four atoms of the conventional fcc cell, in fractional coordinates.
    public static let fccBasis: [SIMD3<Double>] = [.zero, SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)]

    /// An fcc crystal of `repeats.x`×`repeats.y`×`repeats.z` conventional cubic cells of edge
    /// `latticeConstant` (Å), fully periodic; atoms ordered by cell (x, then y, then z
    /// outermost first) and basis atom.
    public static func fcc(atomicNumber: Int, latticeConstant a: Double, repeats: SIMD3<Int>) throws -> AtomicSystem {
        var positions: [SIMD3<Double>] = []
        positions.reserveCapacity(4 * repeats.x * repeats.y * repeats.z)
        for x in 0..<repeats.x { for y in 0..<repeats.y { for z in 0..<repeats.z {
            let corner = SIMD3(Double(x), Double(y), Double(z))
            for b in fccBasis { positions.append(a * (corner + b)) }
        } } }
        let edges = a * SIMD3(Double(repeats.x), Double(repeats.y), Double(repeats.z))
        return try AtomicSystem(atomicNumbers: Array(repeating: atomicNumber, count: positions.count),
                                positions: positions, cell: .orthorhombic(edges))
    }

    /// ``fcc(atomicNumber:latticeConstant:repeats:)`` with the same number of cells along each axis.
    public static func fcc(atomicNumber: Int, latticeConstant a: Double, repeats n: Int) throws -> AtomicSystem {
        try fcc(atomicNumber: atomicNumber, latticeConstant: a, repeats: SIMD3(n, n, n))
    }
}

extension AtomicSystem {
    /// A copy with every atom displaced by a vector whose components are uniform in
    /// [−amplitude, amplitude) Å, drawn atom by atom from ``SplitMix64`` seeded with `seed`.
    public func rattled(amplitude: Double, seed: UInt64) -> AtomicSystem {
        var rng = SplitMix64(seed: seed)
        var copy = self
        for i in copy.positions.indices { copy.positions[i] += rng.vector(amplitude) }
        return copy
    }
}
