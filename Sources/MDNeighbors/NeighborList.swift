import MDCore

/// A Verlet neighbour list: pairs within `cutoff + skin`, rebuilt only when needed.
///
/// The list holds every pair closer than r_list = cutoff + skin when it was built. Until
/// some atom has moved more than skin/2 from its position at that build, no pair outside
/// the list can have come closer than the cutoff (two atoms approach each other by at most
/// the sum of their displacements), so the list stays complete. ``update(positions:cell:)``
/// checks this and rebuilds when an atom moved too far.
///
/// Under a changing cell (constant-pressure dynamics) the test is done in the reference
/// geometry. With H₀ the cell at the build, H the current one (rows a, b, c) and the integer
/// image shifts S kept, every separation is r_ij = (f_j − f_i + S)·H for fractional f = x·H⁻¹.
/// Mapping positions back, x′ = x·H⁻¹H₀, gives r′_ij = (f_j − f_i + S)·H₀ = r⁰_ij + d_j − d_i
/// with d_i = x′_i − x⁰_i, and r_ij = r′_ij·M with M = H₀⁻¹H. Since |r·M| ≥ σ_min(M)|r| and
/// σ_min(M) ≥ s = 1 − ‖M − 1‖_F, a pair outside the list (|r⁰_ij| > r_c + skin) stays outside
/// the cutoff while s·(r_c + skin − 2 max|d|) ≥ r_c, i.e. while every
///
///     |d_i| ≤ ½ (skin + r_c − r_c/s).
///
/// Without strain (s = 1) this is the usual skin/2; a barostat's strain of a few 10⁻⁴ per
/// step uses up the skin slowly, so NPT rebuilds about as rarely as NVT. Cells that are not
/// fully periodic must stay unchanged.
///
/// Pairs in the list may be farther apart than `cutoff`: a potential must test the
/// distance of each edge against its own cutoff.
public struct NeighborList: Sendable {
    /// The interaction cutoff in Å.
    public let cutoff: Double
    /// The Verlet skin in Å (0: rebuild at every update).
    public let skin: Double
    /// The current pairs (within cutoff + skin at the last build).
    public private(set) var pairs: NeighborPairs
    /// How many times the pairs were built, including the first build.
    public private(set) var buildCount = 0
    /// How many ``update(positions:cell:)`` calls found the list still valid.
    public private(set) var reuseCount = 0

    private var referencePositions: [SIMD3<Double>] = []
    private var referenceCell: Cell? = nil

    /// An empty list; the first ``update(positions:cell:)`` builds it.
    /// - Parameters:
    ///   - cutoff: interaction cutoff in Å (> 0).
    ///   - skin: extra distance in Å (≥ 0) that lets the list be reused across steps.
    public init(cutoff: Double, skin: Double = 0) throws {
        guard cutoff > 0, cutoff.isFinite else { throw NeighborError.invalidCutoff(cutoff) }
        guard skin >= 0, skin.isFinite else { throw NeighborError.invalidSkin(skin) }
        self.cutoff = cutoff
        self.skin = skin
        self.pairs = NeighborPairs(first: [], second: [], shifts: [], offsets: [0])
    }

    /// The radius the pairs are collected within: cutoff + skin (Å).
    public var listRadius: Double { cutoff + skin }

    /// Brings the list up to date for `positions` (Å) and `cell`; rebuilds if any atom
    /// moved more than skin/2 since the last build (in the reference geometry, with the skin
    /// reduced for the cell's strain; see the type's notes), if the number of atoms or the
    /// periodicity changed, or if a cell that is not fully periodic changed. Returns true when it rebuilt.
    @discardableResult
    public mutating func update(positions: [SIMD3<Double>], cell: Cell) throws -> Bool {
        if !needsRebuild(positions: positions, cell: cell) {
            reuseCount += 1
            return false
        }
        pairs = try NeighborPairs(positions: positions, cell: cell, cutoff: listRadius)
        referencePositions = positions
        referenceCell = cell
        buildCount += 1
        return true
    }

    /// Convenience: ``update(positions:cell:)`` with a system's positions and cell.
    @discardableResult
    public mutating func update(_ system: AtomicSystem) throws -> Bool {
        try update(positions: system.positions, cell: system.cell)
    }

    /// Whether ``update(positions:cell:)`` would rebuild.
    public func needsRebuild(positions: [SIMD3<Double>], cell: Cell) -> Bool {
        guard let referenceCell, referencePositions.count == positions.count, skin > 0 else { return true }
        if referenceCell == cell { return exceeds(0.5 * skin, positions) { $0 } }
        guard cell.pbc == referenceCell.pbc, cell.pbc.isFullyPeriodic,
              let inverse = cell.vectors.inverse, let referenceInverse = referenceCell.vectors.inverse else { return true }
        let strain = referenceInverse * cell.vectors - .identity
        var frobenius2 = 0.0
        for a in 0..<3 { for b in 0..<3 { frobenius2 += strain[a, b] * strain[a, b] } }
        let s = 1 - frobenius2.squareRoot()
        guard s > 0 else { return true }
        let allowed = 0.5 * (skin + cutoff - cutoff / s)
        guard allowed > 0 else { return true }
        let backToReference = inverse * referenceCell.vectors
        return exceeds(allowed, positions) { $0 * backToReference }
    }

    /// Whether any mapped position is farther than `limit` (Å) from its reference position (also true for NaN).
    private func exceeds(_ limit: Double, _ positions: [SIMD3<Double>],
                         mapped: (SIMD3<Double>) -> SIMD3<Double>) -> Bool {
        let limit2 = limit * limit
        for i in positions.indices {
            let d = mapped(positions[i]) - referencePositions[i]
            if !(dot(d, d) <= limit2) { return true }
        }
        return false
    }
}
