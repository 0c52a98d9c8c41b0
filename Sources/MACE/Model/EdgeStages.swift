/// The edge stages of one interaction, run block by block (see ``EdgeBlocks``):
///
///     w_ij = R(B_ij) [· f(r_ij)]           radial MLP (and envelope, mace `apply_cutoff=False`)
///     q_ij = D(B_ij)                        density network (density-normalised blocks)
///     m_i += φ(h̃_j, Y_ij, w_ij)             convolution, summed at the receiver
///
/// and their reverse mode. A row of the edge networks is one edge, or a pair of opposite edges
/// that share it (``EdgePairing``); the same forward and backward code serves every schedule
/// (``EdgeBlockPlan``). Nothing of size edges × weights outlives a block.
extension InteractionLayer {
    /// Width of a row of the edge networks' input: B(r) alone, or [B(r), e_s(z_j), e_t(z_i)].
    func edgeInputWidth(_ c: PassContext<T>) -> Int {
        c.radialCount + 2 * (nonLinear?.embeddingWidth ?? 0)
    }

    /// The edge networks' input rows of a block: rows of B itself when the block is a run of
    /// consecutive edges and the networks see B alone, otherwise gathered into block scratch.
    private func edgeInput(_ c: PassContext<T>, _ block: EdgeBlock, workspace ws: Workspace<T>) -> UnsafePointer<T> {
        let nb = c.radialCount, w = edgeInputWidth(c)
        if nonLinear == nil, let e0 = block.firstEdge { return UnsafePointer(c.radial.pointer + e0 * nb) }
        let rows = ws.buffer(block.rows * w, zeroed: false)
        for r in 0..<block.rows {
            let e = block.edge(r), row = rows.pointer + r * w
            for k in 0..<nb { row[k] = c.radial[e * nb + k] }
            if let nl = nonLinear {
                let s = nl.embeddingWidth
                let src = nl.sourceEmbedding[c.elements[c.graph.senders[e]]], tgt = nl.targetEmbedding[c.elements[c.graph.receivers[e]]]
                for k in 0..<s { row[nb + k] = src[k]; row[nb + s + k] = tgt[k] }
            }
        }
        return UnsafePointer(rows.pointer)
    }

    /// w = R(input)·f(r) for the rows of a block (the envelope only when the model puts it on
    /// the weights); also returns R before the envelope when `keepingRaw` (for the backward pass).
    private func convolutionWeights(_ c: PassContext<T>, _ block: EdgeBlock, input: UnsafePointer<T>,
                                    scratch s: EdgeBlockScratch<T>, keepingRaw: Bool) -> (w: Buffer<T>, raw: Buffer<T>?) {
        let nw = convolution.weightCount, rows = block.rows, ws = s.workspace
        let w = ws.buffer(rows * nw, zeroed: false)
        radial.forward(input, rows: rows, into: w.pointer, cache: s.radialCache, workspace: ws)
        guard let f = c.cutoff else { return (w, nil) }
        let raw = keepingRaw ? ws.buffer(rows * nw, zeroed: false) : nil
        for r in 0..<rows {
            let fe = f[block.edge(r)], row = w.pointer + r * nw
            if let raw { (raw.pointer + r * nw).update(from: row, count: nw) }
            for k in 0..<nw { row[k] *= fe }
        }
        return (w, raw)
    }

    /// Reverse of the envelope in ``convolutionWeights``, given dW = ∂E/∂w and the raw rows R:
    /// adds ∂E/∂f = Σ_k ∂E/∂w_k R_k to `c.dCutoff` and turns dW into ∂E/∂R = f ∂E/∂w, in place.
    private func envelopeBackward(_ c: PassContext<T>, _ block: EdgeBlock, dW: Buffer<T>, raw: Buffer<T>?) {
        guard let f = c.cutoff, let df = c.dCutoff, let raw else { return }
        let nw = convolution.weightCount
        for r in 0..<block.rows {
            let e = block.edge(r)
            var s: T = 0
            for k in 0..<nw { s += dW[r * nw + k] * raw[r * nw + k]; dW[r * nw + k] *= f[e] }
            df[e] += s
        }
    }

    /// dRadial(edge(r)) += the B(r) columns of row r of an edge-input gradient (the embedding
    /// columns depend on elements only). A pair's ∂E/∂B goes to its first edge: both edges have
    /// the same B, so forces and virial are those of half on each.
    private func addRadialGradient(_ c: PassContext<T>, _ block: EdgeBlock, _ dIn: Buffer<T>, into dRadial: Buffer<T>) {
        let nb = c.radialCount, width = edgeInputWidth(c)
        for r in 0..<block.rows {
            let e = block.edge(r)
            for k in 0..<nb { dRadial[e * nb + k] += dIn[r * width + k] }
        }
    }

    /// Forward edge stages: messages m (nodes × dim(irreps_mid), zero on entry) ← Σ_j φ(h̃_j, Y_ij, w_ij),
    /// and q (one per edge) ← D(B_ij) when the block has a density network.
    func forwardEdges(_ c: PassContext<T>, up: Buffer<T>, messages: Buffer<T>, density q: Buffer<T>?) {
        let plan = EdgeBlockPlan(c, sums: .atReceivers, usesPairs: usesPairs(c))
        let rows = Double(plan.rowCount), ne = Double(c.edgeCount)
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, nw = convolution.weightCount
        let graph = c.graph
        profiled(c.profile, .radialMLP, flops: rows * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                 .convolution, flops: ne * convolution.forwardFlopsPerEdge) { split in
            plan.run(c, target: messages, width: dMid, scratchCount: convolution.scratchCount) { block, s in
                var stopwatch = StageProfile.Stopwatch(split)
                let ws = s.workspace
                let input = edgeInput(c, block, workspace: ws)
                let (w, _) = convolutionWeights(c, block, input: input, scratch: s, keepingRaw: false)
                if let density, let q {
                    let d = ws.buffer(block.rows, zeroed: false)
                    density.forward(input, rows: block.rows, into: d.pointer, cache: s.densityCache, workspace: ws)
                    for r in 0..<block.rows {
                        q[block.edge(r)] = d[r]
                        if let b = block.partner(r) { q[b] = d[r] }
                    }
                }
                stopwatch.lap()
                for r in 0..<block.rows {
                    for side in 0..<block.edgeCount(r) {
                        let e = block.edge(r, side: side)
                        convolution.accumulate(x: up.pointer + graph.senders[e] * dEdge, sh: c.sh.pointer + e * c.shCount,
                                               weights: w.pointer + r * nw, into: s.accumulator + graph.receivers[e] * dMid,
                                               scratch: s.convolutionScratch)
                    }
                }
                stopwatch.finish()
            }
        }
    }

    /// Reverse mode of the edge stages, given dM = ∂E/∂m (nodes × dim(irreps_mid)) and, for
    /// density blocks, dq = ∂E/∂q per edge: adds ∂E/∂h̃ to dUp, ∂E/∂Y to dSH, ∂E/∂B to dRadial
    /// and ∂E/∂f to `c.dCutoff`. The edge networks are recomputed block by block.
    func backwardEdges(_ c: PassContext<T>, up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?,
                       dUp: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>) {
        let plan = EdgeBlockPlan(c, sums: .atSenders, usesPairs: usesPairs(c))
        let rows = Double(plan.rowCount), ne = Double(c.edgeCount)
        let nw = convolution.weightCount, width = edgeInputWidth(c)
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, shCount = c.shCount
        let graph = c.graph
        profiled(c.profile, .backwardRadialMLP, flops: 2 * rows * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                 .backwardConvolution, flops: ne * convolution.backwardFlopsPerEdge) { split in
            plan.run(c, target: dUp, width: dEdge, scratchCount: convolution.scratchCount) { block, s in
                var stopwatch = StageProfile.Stopwatch(split)
                let ws = s.workspace, rowCount = block.rows
                let input = edgeInput(c, block, workspace: ws)
                let (w, raw) = convolutionWeights(c, block, input: input, scratch: s, keepingRaw: true)
                let dW = ws.buffer(rowCount * nw, zeroed: false)
                stopwatch.lap()
                for r in 0..<rowCount {
                    for side in 0..<block.edgeCount(r) {
                        let e = block.edge(r, side: side), j = graph.senders[e], i = graph.receivers[e]
                        convolution.backward(x: up.pointer + j * dEdge, sh: c.sh.pointer + e * shCount,
                                             weights: w.pointer + r * nw, gradient: dM.pointer + i * dMid,
                                             dx: s.accumulator + j * dEdge, dSH: dSH.pointer + e * shCount,
                                             dWeights: dW.pointer + r * nw, scratch: s.convolutionScratch,
                                             accumulateWeights: side == 1)
                    }
                }
                stopwatch.lap()
                envelopeBackward(c, block, dW: dW, raw: raw)
                let dIn = ws.buffer(rowCount * width, zeroed: false)
                radial.backward(dW.pointer, rows: rowCount, cache: s.radialCache, into: dIn.pointer, workspace: ws)
                addRadialGradient(c, block, dIn, into: dRadial)
                if let density, let dq {
                    let q = ws.buffer(rowCount, zeroed: false), g = ws.buffer(rowCount, zeroed: false)
                    density.forward(input, rows: rowCount, into: q.pointer, cache: s.densityCache, workspace: ws)
                    for r in 0..<rowCount {
                        let a = block.edge(r)
                        if let b = block.partner(r) { g[r] = dq[a] + dq[b] } else { g[r] = dq[a] }
                    }
                    density.backward(g.pointer, rows: rowCount, cache: s.densityCache, into: dIn.pointer, workspace: ws)
                    addRadialGradient(c, block, dIn, into: dRadial)
                }
                stopwatch.finish()
            }
        }
    }
}

/// Runs a parallel region under `profile?.split(…)`, or just runs it (with no split) when
/// there is no profile.
private func profiled(_ profile: StageProfile?, _ first: StageProfile.Stage, flops firstFlops: Double,
                      _ second: StageProfile.Stage, flops secondFlops: Double, _ body: (StageProfile.Split?) -> Void) {
    guard let profile else { return body(nil) }
    profile.split(first, flops: firstFlops, second, flops: secondFlops) { body($0) }
}
