import MDCore

extension NeighborPairs {
    /// All directed pairs (i, j, S) with |x_j − x_i + S·H| < `cutoff`, excluding an atom
    /// with itself at zero shift, built with linked cells in O(N) time.
    ///
    /// The method, valid for any triclinic cell and any mix of periodic axes:
    /// 1. Fractional coordinates f = x·H⁻¹ (non-periodic axes get a completed basis,
    ///    see ``Cell/completedVectors()``). Along periodic axes each atom is wrapped into
    ///    [0, 1), remembering the integer offset o with f_wrapped = f − o.
    /// 2. Along axis k the bins have Cartesian thickness t_k = span_k · h_k / n_k, where h_k
    ///    is the cell's face height (distance between the planes f_k = 0 and f_k = 1),
    ///    span_k is 1 for a periodic axis and the atoms' extent in f_k otherwise, and
    ///    n_k = max(1, ⌊span_k h_k / cutoff⌋).
    /// 3. Two atoms closer than the cutoff differ in f_k by less than cutoff/h_k, hence in
    ///    bin index by at most m_k = ⌈cutoff / t_k⌉. Searching bin offsets −m_k...m_k finds
    ///    all of them; along periodic axes an offset that leaves the cell is mapped back
    ///    with an image shift s_k = ⌊(b_k + δ_k)/n_k⌋. In a cell thinner than the cutoff,
    ///    n_k = 1 and m_k > 1, so every needed image is visited, each exactly once.
    /// 4. The shift relative to the original, unwrapped positions is S = s − o_j + o_i.
    ///
    /// - Parameters:
    ///   - positions: Cartesian positions in Å (need not be inside the cell).
    ///   - cell: the cell and its periodicity; validated first.
    ///   - cutoff: the pair cutoff in Å (strict: pairs at exactly `cutoff` are excluded, as in ASE).
    ///   - maxPairs: an upper bound on the number of pairs, guarding against collapsed structures.
    public init(positions: [SIMD3<Double>], cell: Cell, cutoff: Double,
                maxPairs: Int = 2_000_000_000) throws {
        guard cutoff > 0, cutoff.isFinite else { throw NeighborError.invalidCutoff(cutoff) }
        try cell.validate()
        for (i, p) in positions.enumerated() where !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
            throw StructureError.nonFiniteCoordinate(atom: i, what: "position")
        }
        let n = positions.count
        let h = cell.completedVectors()
        guard let inverse = h.inverse else { throw StructureError.singularCell(volume: cell.volume) }
        let grid = BinGrid(positions: positions, basis: h, inverse: inverse, pbc: cell.pbc,
                           heights: Cell(vectors: h, pbc: cell.pbc).faceHeights, cutoff: cutoff)

        let cutoff2 = cutoff * cutoff
        var first: [Int] = [], second: [Int] = [], shifts: [SIMD3<Int32>] = []
        var offsets = [Int](repeating: 0, count: n + 1)
        first.reserveCapacity(n * 16); second.reserveCapacity(n * 16); shifts.reserveCapacity(n * 16)
        var found: [(j: Int, s: SIMD3<Int32>)] = []

        for i in 0..<n {
            found.removeAll(keepingCapacity: true)
            let xi = grid.wrappedPositions[i]
            let bi = grid.binCoordinate[i]
            for dz in -grid.search.z...grid.search.z {
                guard let (bz, sz) = grid.neighborBin(bi.z + dz, axis: 2) else { continue }
                for dy in -grid.search.y...grid.search.y {
                    guard let (by, sy) = grid.neighborBin(bi.y + dy, axis: 1) else { continue }
                    for dx in -grid.search.x...grid.search.x {
                        guard let (bx, sx) = grid.neighborBin(bi.x + dx, axis: 0) else { continue }
                        let image = SIMD3<Int32>(Int32(sx), Int32(sy), Int32(sz))
                        let imageOffset = SIMD3<Double>(image) * h
                        let bin = grid.binIndex(bx, by, bz)
                        for slot in grid.binStart[bin]..<grid.binStart[bin + 1] {
                            let j = grid.binAtoms[slot]
                            if j == i && image == .zero { continue }
                            let d = grid.wrappedPositions[j] + imageOffset - xi
                            if dot(d, d) < cutoff2 {
                                found.append((j, image &- grid.offset[j] &+ grid.offset[i]))
                            }
                        }
                    }
                }
            }
            found.sort { a, b in
                if a.j != b.j { return a.j < b.j }
                if a.s.x != b.s.x { return a.s.x < b.s.x }
                if a.s.y != b.s.y { return a.s.y < b.s.y }
                return a.s.z < b.s.z
            }
            if first.count + found.count > maxPairs { throw NeighborError.tooManyPairs(limit: maxPairs) }
            for f in found {
                first.append(i); second.append(f.j); shifts.append(f.s)
            }
            offsets[i + 1] = first.count
        }
        self.init(first: first, second: second, shifts: shifts, offsets: offsets)
    }
}

/// Atoms sorted into a grid of bins in fractional space (the "linked cells").
struct BinGrid {
    /// Positions after wrapping periodic fractional coordinates into [0, 1) (Å).
    var wrappedPositions: [SIMD3<Double>]
    /// Integer offset o per atom: wrapped = original − o·H.
    var offset: [SIMD3<Int32>]
    /// Bin coordinate of each atom along a, b, c.
    var binCoordinate: [SIMD3<Int>]
    /// Number of bins along a, b, c.
    var bins: SIMD3<Int>
    /// Bin offsets searched along a, b, c.
    var search: SIMD3<Int>
    var pbc: Periodicity
    /// Counting-sort layout: atoms of bin b are binAtoms[binStart[b]..<binStart[b+1]].
    var binStart: [Int]
    var binAtoms: [Int]

    init(positions: [SIMD3<Double>], basis h: Matrix3, inverse: Matrix3, pbc: Periodicity,
         heights: SIMD3<Double>, cutoff: Double) {
        let n = positions.count
        self.pbc = pbc
        var frac = positions.map { $0 * inverse }
        offset = Array(repeating: .zero, count: n)
        for i in 0..<n {
            for k in 0..<3 where pbc[k] {
                var o = frac[i][k].rounded(.down)
                var w = frac[i][k] - o
                if w >= 1 { w -= 1; o += 1 }   // f = −tiny rounds to w = 1.0
                frac[i][k] = w
                offset[i][k] = Int32(o)
            }
        }
        wrappedPositions = frac.map { $0 * h }

        var origin = SIMD3<Double>.zero, span = SIMD3<Double>(1, 1, 1)
        for k in 0..<3 where !pbc[k] {
            let values = frac.map { $0[k] }
            let lo = values.min() ?? 0, hi = values.max() ?? 0
            origin[k] = lo
            span[k] = hi - lo
        }
        // Bins at least `cutoff` thick, and no more bins than ~2 per atom (sparse clusters).
        var bins = SIMD3<Int>(1, 1, 1)
        for k in 0..<3 {
            let thickness = span[k] * heights[k]
            bins[k] = Swift.max(1, Int(Swift.min(thickness / cutoff, 1e6).rounded(.down)))
        }
        let maxBins = Swift.max(27, 2 * n)
        while bins.x * bins.y * bins.z > maxBins {
            let k = bins.x >= bins.y && bins.x >= bins.z ? 0 : (bins.y >= bins.z ? 1 : 2)
            bins[k] = Swift.max(1, bins[k] / 2)
        }
        self.bins = bins
        var search = SIMD3<Int>.zero
        for k in 0..<3 {
            let thickness = span[k] * heights[k] / Double(bins[k])
            let m = thickness > 0 ? Int((cutoff / thickness).rounded(.up)) : 0
            search[k] = pbc[k] ? Swift.max(1, m) : Swift.min(bins[k] - 1, m)
        }
        self.search = search

        binCoordinate = frac.map { f in
            var b = SIMD3<Int>.zero
            for k in 0..<3 {
                let u = span[k] > 0 ? (f[k] - origin[k]) / span[k] : 0
                b[k] = Swift.min(bins[k] - 1, Swift.max(0, Int((u * Double(bins[k])).rounded(.down))))
            }
            return b
        }
        // Counting sort of atoms by bin.
        let binCount = bins.x * bins.y * bins.z
        var start = [Int](repeating: 0, count: binCount + 1)
        var binOfAtom = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let b = binCoordinate[i]
            binOfAtom[i] = (b.z * bins.y + b.y) * bins.x + b.x
            start[binOfAtom[i] + 1] += 1
        }
        for b in 0..<binCount { start[b + 1] += start[b] }
        var fill = start
        var atoms = [Int](repeating: 0, count: n)
        for i in 0..<n {
            atoms[fill[binOfAtom[i]]] = i
            fill[binOfAtom[i]] += 1
        }
        binStart = start
        binAtoms = atoms
    }

    /// The flat index of bin (x, y, z).
    @inline(__always) func binIndex(_ x: Int, _ y: Int, _ z: Int) -> Int {
        (z * bins.y + y) * bins.x + x
    }

    /// For an unwrapped bin coordinate t along `axis`: the bin inside the grid and the
    /// image shift that maps t onto it, or nil when t lies outside a non-periodic axis.
    @inline(__always) func neighborBin(_ t: Int, axis: Int) -> (Int, Int)? {
        let nb = bins[axis]
        if pbc[axis] {
            let s = t >= 0 ? t / nb : -((-t + nb - 1) / nb)
            return (t - s * nb, s)
        }
        return t >= 0 && t < nb ? (t, 0) : nil
    }
}
