/// Blocks of edges, the unit of work of the edge stages (radial MLP and convolution).
///
/// The per-edge arrays of one layer are large: the radial MLP gives every edge one weight per
/// channel and path (512 for a MACE-MP-0-shaped model), ~50× more than the edge's own data.
/// Kept for a whole system they would cost ~4 KiB per edge (~300 KiB per atom at 80 neighbours).
/// So the edge stages run block by block: a block is a run of whole nodes (receivers in the
/// forward pass, senders in the backward pass) with at most ``size`` edges; its radial MLP
/// output lives in per-core scratch, is used at once by the convolution, and the backward pass
/// recomputes it. A block of 128 rows keeps each BLAS call efficient and its scratch in the
/// core's L2 cache (128 × 512 weights in float64 = 512 KiB, and as much again for ∂E/∂w in the
/// reverse pass), and the memory of an evaluation grows with the nodes, not the edges ×
/// weights. Measured interleaved on the MP-0-shaped models (864 atoms, float64): 128 rows
/// 3–8 % faster than 256 for the medium model, the same within noise for the small one.
enum EdgeBlocks {
    /// Most edges per block (a node with more edges is a block of its own).
    static let size = 128

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

/// A block of rows of the edge networks: row r is edge ``edge(_:)`` and, for a pair, also its
/// reverse ``partner(_:)``.
struct EdgeBlock {
    /// Rows in the block.
    let rows: Int
    /// Position of the block's first row in `order` (or its first edge when `order` is nil).
    let start: Int
    /// The first edge of every row of the plan (nil: row p is edge p).
    let order: [Int]?
    /// The second edge of every row of the plan, −1 for rows of one edge (nil: no pairs).
    let partners: [Int]?

    /// The first edge when the block's rows are the consecutive edges start..<start+rows.
    var firstEdge: Int? { order == nil ? start : nil }

    /// The (first) edge of row r.
    @inline(__always) func edge(_ r: Int) -> Int {
        if let order { return order[start + r] }
        return start + r
    }

    /// The second edge of row r, or nil.
    @inline(__always) func partner(_ r: Int) -> Int? {
        guard let partners else { return nil }
        let b = partners[start + r]
        return b >= 0 ? b : nil
    }

    /// 1 or 2: the edges of row r.
    @inline(__always) func edgeCount(_ r: Int) -> Int { partner(r) == nil ? 1 : 2 }

    /// Edge `side` (0 or 1) of row r.
    @inline(__always) func edge(_ r: Int, side: Int) -> Int { side == 0 ? edge(r) : partners![start + r] }
}

/// One core's scratch for the blocks it runs: the block workspace (rewound before each block),
/// the edge networks' caches, convolution scratch, and where the core sums node quantities.
struct EdgeBlockScratch<T: MACEScalar> {
    let workspace: Workspace<T>
    let radialCache = EdgeNetwork<T>.Cache()
    let densityCache = EdgeNetwork<T>.Cache()
    private let scratch: Buffer<T>
    var convolutionScratch: UnsafeMutablePointer<T> { scratch.pointer }
    /// Node array (nodes × width) this core adds its sums into.
    let accumulator: UnsafeMutablePointer<T>
    /// Where the convolution gathers a run of edges with one receiver.
    let run = ConvolutionRunStorage<T>(capacity: ConvolutionTensorProduct<T>.maxRunLength)

    init(workspace: Workspace<T>, convolutionScratch count: Int, accumulator: UnsafeMutablePointer<T>) {
        self.workspace = workspace
        scratch = Buffer<T>(count: count)
        self.accumulator = accumulator
    }
}

/// One edge pass on one block, in the phases a profile tells apart: the edge networks, the
/// convolution, and (reverse mode) the edge networks' reverse.
protocol EdgeBlockPass {
    associatedtype T: MACEScalar
    /// What the networks phase hands to the later phases (e.g. the convolution weights).
    associatedtype Networks
    var layer: InteractionLayer<T> { get }
    func networks(_ block: EdgeBlock, _ scratch: EdgeBlockScratch<T>) -> Networks
    func convolution(_ block: EdgeBlock, _ scratch: EdgeBlockScratch<T>, _ networks: Networks)
    func networksBackward(_ block: EdgeBlock, _ scratch: EdgeBlockScratch<T>, _ networks: Networks)
}

extension EdgeBlockPass {
    func networksBackward(_ block: EdgeBlock, _ scratch: EdgeBlockScratch<T>, _ networks: Networks) {}
}

/// How the blocks of one edge pass are laid out over cores.
///
/// - Unpaired: one row per edge; a block is a run of whole receivers (forward, messages summed
///   at receivers) or senders (backward, ∂E/∂h̃ summed at senders), so every core writes only
///   rows of its own nodes and the sums go straight into the target.
/// - Paired (``EdgePairing``): a static share of the rows per core; a row touches two nodes on
///   either side, so each core sums into a node array of its own (core 0 into the target) and
///   the arrays are added into the target at the end.
struct EdgeBlockPlan {
    /// Where an edge pass sums its node quantities.
    enum Sums { case atReceivers, atSenders }
    let sums: Sums
    let pairing: EdgePairing?

    init<T>(_ c: PassContext<T>, sums: Sums, usesPairs: Bool) {
        self.sums = sums
        pairing = usesPairs ? c.pairing : nil
        rowCount = pairing?.rowCount ?? c.edgeCount
    }

    /// Rows of the edge networks in the pass.
    let rowCount: Int

    /// Runs `pass` on every block, on all cores; `target` (nodes × `width`) receives the node
    /// sums. Each core records in `split` (when given) the time of the pass's edge networks and
    /// of its convolution.
    func run<P: EdgeBlockPass>(_ c: PassContext<P.T>, _ pass: P, target: Buffer<P.T>, width: Int, split: StageProfile.Split?) {
        let scratchCount = max(pass.layer.convolution.scratchCount, pass.layer.convolution.runScratchCount)
        let body = { (block: EdgeBlock, scratch: EdgeBlockScratch<P.T>) in
            var stopwatch = StageProfile.Stopwatch(split)
            let networks = pass.networks(block, scratch)
            stopwatch.lap()
            pass.convolution(block, scratch, networks)
            stopwatch.lap()
            pass.networksBackward(block, scratch, networks)
            stopwatch.finish()
        }
        let graph = c.graph
        guard let pairing else {
            let offsets = sums == .atReceivers ? graph.offsets : graph.outgoingOffsets
            let order: [Int]? = sums == .atReceivers ? nil : graph.outgoing
            Parallel.forChunks(c.nodeCount, grain: 4) { nodes in
                c.blockWorkspaces.withWorkspace { ws in
                    let scratch = EdgeBlockScratch(workspace: ws, convolutionScratch: scratchCount, accumulator: target.pointer)
                    EdgeBlocks.forEach(nodes: nodes, offsets: offsets) { positions in
                        ws.rewind()
                        body(EdgeBlock(rows: positions.count, start: positions.lowerBound, order: order, partners: nil), scratch)
                    }
                }
            }
            return
        }
        let rows = pairing.rowCount
        let cores = min(Parallel.cores, max(1, rows / EdgeBlocks.size))
        let extra = (1..<max(cores, 1)).map { _ in c.workspace.buffer(c.nodeCount * width) }
        Parallel.forEach(cores) { k in
            c.blockWorkspaces.withWorkspace { ws in
                let accumulator = k == 0 ? target.pointer : extra[k - 1].pointer
                let scratch = EdgeBlockScratch(workspace: ws, convolutionScratch: scratchCount, accumulator: accumulator)
                let share = (rows * k / cores)..<(rows * (k + 1) / cores)
                for start in stride(from: share.lowerBound, to: share.upperBound, by: EdgeBlocks.size) {
                    ws.rewind()
                    let count = min(EdgeBlocks.size, share.upperBound - start)
                    body(EdgeBlock(rows: count, start: start, order: pairing.first, partners: pairing.second), scratch)
                }
            }
        }
        if !extra.isEmpty {
            Parallel.forChunks(c.nodeCount * width, grain: 4096) { range in
                for b in extra { for k in range { target[k] += b[k] } }
            }
        }
    }
}
