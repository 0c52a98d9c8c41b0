import MDCore

/// A Verlet neighbour list: pairs within `cutoff + skin`, rebuilt only when needed.
///
/// The list holds every pair closer than r_list = cutoff + skin when it was built. Until
/// some atom has moved more than skin/2 from its position at that build, no pair outside
/// the list can have come closer than the cutoff (two atoms approach each other by at most
/// the sum of their displacements), so the list stays complete. ``update(positions:cell:)``
/// checks this and rebuilds when an atom moved too far or the cell changed.
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
    /// moved more than skin/2 since the last build, if the number of atoms changed, or if
    /// the cell changed. Returns true when it rebuilt.
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
        guard let referenceCell, referenceCell == cell, referencePositions.count == positions.count,
              skin > 0 else { return true }
        let limit2 = 0.25 * skin * skin
        for i in positions.indices {
            let d = positions[i] - referencePositions[i]
            if !(dot(d, d) <= limit2) { return true }   // also true for NaN
        }
        return false
    }
}
