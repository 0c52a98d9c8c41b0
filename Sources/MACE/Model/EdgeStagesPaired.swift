import Foundation

/// The edge stages by pairs of opposite edges. When the edge networks see B(r) alone, the edges
/// i ← j and j ← i have the same input (|r| is the same), hence the same radial-MLP weights
/// R(B) and density D(B); computing them once per pair halves the radial MLP, the most
/// expensive stage. A block is then a run of pairs, and each core sums the messages (forward)
/// and ∂E/∂h̃ (backward) of its pairs into node arrays of its own, added up at the end: this
/// costs cores × nodes × features of memory, so it is used only within ``memoryBudget``;
/// larger systems use the blocked schedule, which recomputes the radial MLP per direction.
extension InteractionLayer {
    /// Most bytes of per-core node arrays the paired stages may use: an eighth of the
    /// machine's memory.
    static var memoryBudget: Int { Int(ProcessInfo.processInfo.physicalMemory / 8) }

    /// Whether this layer runs its edge stages by pairs in this evaluation.
    func usesPairs(_ c: PassContext<T>) -> Bool {
        guard c.pairs != nil, nonLinear == nil else { return false }
        let width = max(convolution.irrepsOut.dimension, linearUp.dimOut)
        return (Parallel.cores - 1) * c.nodeCount * width * MemoryLayout<T>.stride <= Self.memoryBudget
    }

    /// Forward edge stages by pairs: see ``forwardEdges(_:up:messages:density:)``.
    func forwardEdgesPaired(_ c: PassContext<T>, up: Buffer<T>, messages: Buffer<T>, density q: Buffer<T>?) {
        let pairs = c.pairs ?? [], ne = Double(c.edgeCount)
        let run = { (split: StageProfile.Split?) in
            self.pairPass(c, pairs: pairs, target: messages, width: self.convolution.irrepsOut.dimension,
                          keepingRaw: false, split: split) {
                block, rows, weights, radialCache, ws, accumulator, scratch in
                if let density, let q {
                    let d = ws.buffer(rows, zeroed: false)
                    density.forward(block.input, rows: rows, into: d.pointer, cache: radialCache, workspace: ws)
                    for r in 0..<rows { let e = block.edge(r); q[e] = d[r]; q[c.graph.reverse[e]] = d[r] }
                }
                block.mark()
                let dEdge = self.linearUp.dimOut, dMid = self.convolution.irrepsOut.dimension, nw = self.convolution.weightCount
                for r in 0..<rows {
                    let a = block.edge(r)
                    for side in 0..<2 {
                        let e = side == 0 ? a : c.graph.reverse[a]
                        self.convolution.accumulate(x: up.pointer + c.graph.senders[e] * dEdge, sh: c.sh.pointer + e * c.shCount,
                                                    weights: weights.pointer + r * nw,
                                                    into: accumulator + c.graph.receivers[e] * dMid, scratch: scratch)
                    }
                }
            }
        }
        guard let profile = c.profile else { return run(nil) }
        profile.split(.radialMLP, flops: ne / 2 * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                      .convolution, flops: ne * convolution.forwardFlopsPerEdge) { run($0) }
    }

    /// Reverse mode by pairs: see ``backwardEdges(_:up:dM:dq:dUp:dSH:dRadial:)``. ∂E/∂B and ∂E/∂f
    /// of a pair go to its first edge (both edges have the same B and f, so the forces and virial
    /// are the same as with half on each).
    func backwardEdgesPaired(_ c: PassContext<T>, up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?,
                             dUp: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>) {
        let pairs = c.pairs ?? [], ne = Double(c.edgeCount)
        let nw = convolution.weightCount
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension
        let run = { (split: StageProfile.Split?) in
            self.pairPass(c, pairs: pairs, target: dUp, width: dEdge, keepingRaw: true, split: split) {
                block, rows, weights, radialCache, ws, accumulator, scratch in
                let dW = ws.buffer(rows * nw, zeroed: false)
                block.mark()
                for r in 0..<rows {
                    let a = block.edge(r), b = c.graph.reverse[a]
                    for side in 0..<2 {
                        let e = side == 0 ? a : b
                        let j = c.graph.senders[e], i = c.graph.receivers[e]
                        self.convolution.backward(x: up.pointer + j * dEdge, sh: c.sh.pointer + e * c.shCount,
                                                  weights: weights.pointer + r * nw, gradient: dM.pointer + i * dMid,
                                                  dx: accumulator + j * dEdge, dSH: dSH.pointer + e * c.shCount,
                                                  dWeights: dW.pointer + r * nw, scratch: scratch,
                                                  accumulateWeights: side == 1)
                    }
                }
                block.mark()
                self.envelopeBackward(c, dW: dW, raw: block.rawWeights, rows: rows, edge: block.edge)
                let dIn = ws.buffer(rows * self.edgeInputWidth(c), zeroed: false)
                self.radial.backward(dW.pointer, rows: rows, cache: radialCache, into: dIn.pointer, workspace: ws)
                self.addRadialGradient(c, dIn, rows: rows, edge: block.edge, into: dRadial)
                if let density, let dq {
                    let q = ws.buffer(rows, zeroed: false), g = ws.buffer(rows, zeroed: false)
                    density.forward(block.input, rows: rows, into: q.pointer, cache: radialCache, workspace: ws)
                    for r in 0..<rows { let a = block.edge(r); g[r] = dq[a] + dq[c.graph.reverse[a]] }
                    density.backward(g.pointer, rows: rows, cache: radialCache, into: dIn.pointer, workspace: ws)
                    self.addRadialGradient(c, dIn, rows: rows, edge: block.edge, into: dRadial)
                }
            }
        }
        guard let profile = c.profile else { return run(nil) }
        profile.split(.backwardRadialMLP, flops: ne * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                      .backwardConvolution, flops: ne * convolution.backwardFlopsPerEdge) { run($0) }
    }

    /// One block of pairs as the body of ``pairPass`` sees it.
    final class PairBlock {
        let pairs: [Int]
        let start: Int
        /// The radial-MLP input rows of the block's first edges.
        let input: UnsafePointer<T>
        /// R(B) before the envelope, when the envelope multiplies the weights and the pass keeps it.
        var rawWeights: Buffer<T>? = nil
        /// Radial-MLP time, then convolution time, alternating at each ``mark()``.
        var stopwatch: StageProfile.Stopwatch

        init(pairs: [Int], start: Int, input: UnsafePointer<T>, stopwatch: StageProfile.Stopwatch) {
            self.pairs = pairs; self.start = start; self.input = input; self.stopwatch = stopwatch
        }

        /// The first edge of the block's pair r.
        @inline(__always) func edge(_ r: Int) -> Int { pairs[start + r] }

        /// Marks the switch between radial-MLP work and convolution work (for the profile).
        func mark() { stopwatch.lap() }
    }

    /// Runs `body` on blocks of pairs, one static share of the pairs per core. Each block's
    /// radial-MLP weights (with the envelope when `c.cutoff`, and the weights before it when
    /// `keepingRaw`) are computed before `body`, which
    /// gets the block, its row count, the weights, the MLP cache, the block workspace, the
    /// core's node accumulator (`width` per node) and convolution scratch. The accumulators of
    /// cores 1… are added into `target` at the end (core 0 writes `target` itself).
    private func pairPass(_ c: PassContext<T>, pairs: [Int], target: Buffer<T>, width: Int, keepingRaw: Bool,
                          split: StageProfile.Split?,
                          _ body: (PairBlock, Int, Buffer<T>, EdgeNetwork<T>.Cache, Workspace<T>,
                                   UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) {
        let cores = min(Parallel.cores, max(1, pairs.count / EdgeBlocks.size))
        let n = c.nodeCount, nb = c.radialCount, nw = convolution.weightCount
        let extra = (1..<max(cores, 1)).map { _ in c.workspace.buffer(n * width) }
        Parallel.forEach(cores) { k in
            c.blockWorkspaces.withWorkspace { ws in
                let scratch = Buffer<T>(count: convolution.scratchCount)
                let cache = EdgeNetwork<T>.Cache()
                let accumulator = k == 0 ? target.pointer : extra[k - 1].pointer
                let share = (pairs.count * k / cores)..<(pairs.count * (k + 1) / cores)
                for start in stride(from: share.lowerBound, to: share.upperBound, by: EdgeBlocks.size) {
                    ws.rewind()
                    let stopwatch = StageProfile.Stopwatch(split)
                    let rows = min(EdgeBlocks.size, share.upperBound - start)
                    let input = ws.buffer(rows * nb, zeroed: false)
                    for r in 0..<rows { let a = pairs[start + r]; for q in 0..<nb { input[r * nb + q] = c.radial[a * nb + q] } }
                    let block = PairBlock(pairs: pairs, start: start, input: UnsafePointer(input.pointer), stopwatch: stopwatch)
                    let w = ws.buffer(rows * nw, zeroed: false)
                    radial.forward(input.pointer, rows: rows, into: w.pointer, cache: cache, workspace: ws)
                    block.rawWeights = applyEnvelope(c, to: w, rows: rows, edge: block.edge, keepingRaw: keepingRaw, workspace: ws)
                    body(block, rows, w, cache, ws, accumulator, scratch.pointer)
                    block.stopwatch.finish()
                }
            }
        }
        if !extra.isEmpty {
            Parallel.forChunks(n * width, grain: 4096) { range in
                for b in extra { for k in range { target[k] += b[k] } }
            }
        }
    }
}
