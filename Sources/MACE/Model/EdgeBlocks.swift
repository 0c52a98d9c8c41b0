/// Blocks of edges, the unit of work of the edge stages (radial MLP and convolution).
///
/// The per-edge arrays of one layer are large: the radial MLP gives every edge one weight per
/// channel and path (512 for a MACE-MP-0-shaped model), ~50× more than the edge's own data.
/// Kept for a whole system they would cost ~4 KiB per edge (~300 KiB per atom at 80 neighbours).
/// So the edge stages run block by block: a block is a run of whole nodes (receivers in the
/// forward pass, senders in the backward pass) with at most ``size`` edges; its radial MLP
/// output lives in per-core scratch, is used at once by the convolution, and the backward pass
/// recomputes it. A block of a few hundred edges keeps each BLAS call efficient and its scratch
/// in the core's cache, and the memory of an evaluation grows with the nodes, not the edges ×
/// weights.
enum EdgeBlocks {
    /// Most edges per block (a node with more edges is a block of its own).
    static let size = 256

    /// Calls `body` with consecutive ranges of CSR positions that cover the edges of `nodes`,
    /// each range made of whole nodes and at most ``size`` long unless one node has more.
    /// `offsets` is a CSR offset array (node k's edges are offsets[k]..<offsets[k+1]).
    static func forEach(nodes: Range<Int>, offsets: [Int], _ body: (Range<Int>) -> Void) {
        guard !nodes.isEmpty else { return }
        var start = offsets[nodes.lowerBound]
        var end = start
        for k in nodes {
            let next = offsets[k + 1]
            if next - start > size, end > start {
                body(start..<end)
                start = end
            }
            end = next
        }
        if end > start { body(start..<end) }
    }
}

/// How an evaluation schedules its edge stages.
enum EdgeSchedule: Sendable {
    /// By pairs of opposite edges where possible (see ``InteractionLayer/usesPairs(_:)``),
    /// otherwise by blocks of receivers and senders.
    case automatic
    /// Always by blocks of receivers (forward) and senders (backward), recomputing the radial MLP.
    case blocked
}
