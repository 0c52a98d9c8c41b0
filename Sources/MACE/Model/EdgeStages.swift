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
    func edgeInput(_ c: PassContext<T>, _ block: EdgeBlock, workspace ws: Workspace<T>) -> UnsafePointer<T> {
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
    fileprivate func convolutionWeights(_ c: PassContext<T>, _ block: EdgeBlock, input: UnsafePointer<T>,
                                    scratch s: EdgeBlockScratch<T>, keepingRaw: Bool) -> (w: Buffer<T>, raw: Buffer<T>?) {
        let nw = convolution.weightCount, rows = block.rows, ws = s.workspace
        if let spline = radialSpline { return (splineWeights(spline, c, block, density: nil, workspace: ws), nil) }
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
    fileprivate func envelopeBackward(_ c: PassContext<T>, _ block: EdgeBlock, dW: Buffer<T>, raw: Buffer<T>?) {
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
    func addRadialGradient(_ c: PassContext<T>, _ block: EdgeBlock, _ dIn: UnsafePointer<T>, into dRadial: Buffer<T>) {
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
        let split = c.timer.map { _ in StageProfile.Split() }
        plan.run(c, ForwardEdgePass(layer: self, c: c, up: up, messages: messages, density: q),
                 target: messages, width: convolution.irrepsOut.dimension, split: split)
        if let split {
            c.timer?.ended(split, .radialMLP, flops: Double(plan.rowCount) * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                           .convolution, flops: Double(c.edgeCount) * convolution.forwardFlopsPerEdge)
        }
    }

    /// Reverse mode of the edge stages, given dM = ∂E/∂m (nodes × dim(irreps_mid)) and, for
    /// density blocks, dq = ∂E/∂q per edge: adds ∂E/∂h̃ to dUp, ∂E/∂Y to dSH, ∂E/∂B to dRadial
    /// and ∂E/∂f to `c.dCutoff`. The edge networks are recomputed block by block.
    func backwardEdges(_ c: PassContext<T>, up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?,
                       dUp: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>) {
        let plan = EdgeBlockPlan(c, sums: .atSenders, usesPairs: usesPairs(c))
        let split = c.timer.map { _ in StageProfile.Split() }
        plan.run(c, BackwardEdgePass(layer: self, c: c, up: up, dM: dM, dq: dq, dSH: dSH, dRadial: dRadial),
                 target: dUp, width: linearUp.dimOut, split: split)
        if let split {
            c.timer?.ended(split, .backwardRadialMLP,
                           flops: 2 * Double(plan.rowCount) * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                           .backwardConvolution, flops: Double(c.edgeCount) * convolution.backwardFlopsPerEdge)
        }
    }
}

/// The forward edge pass on one block: weights (and densities) of its rows, then the messages
/// of its edges, summed at their receivers.
private struct ForwardEdgePass<T: MACEScalar>: EdgeBlockPass {
    let layer: InteractionLayer<T>
    let c: PassContext<T>
    let up: Buffer<T>, messages: Buffer<T>, density: Buffer<T>?

    func networks(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>) -> Buffer<T> {
        let ws = s.workspace
        if let spline = layer.radialSpline { return layer.splineWeights(spline, c, block, density: density, workspace: ws) }
        let input = layer.edgeInput(c, block, workspace: ws)
        let (w, _) = layer.convolutionWeights(c, block, input: input, scratch: s, keepingRaw: false)
        if let network = layer.density, let q = density {
            let d = ws.buffer(block.rows, zeroed: false)
            network.forward(input, rows: block.rows, into: d.pointer, cache: s.densityCache, workspace: ws)
            for r in 0..<block.rows {
                q[block.edge(r)] = d[r]
                if let b = block.partner(r) { q[b] = d[r] }
            }
        }
        return w
    }

    /// The rows' first edges come in runs with one receiver (rows in edge order, edges in CSR
    /// order by receiver; in the unpaired schedule a block is whole receivers), each run summed
    /// by one ``ConvolutionTensorProduct/accumulate(run:into:scratch:)``. A pair's second edge
    /// (receiver = the first edge's sender, a different node for each row) and runs of one edge
    /// go through the per-edge kernel, which streams the receiver's rows in order and was
    /// measured faster for single edges.
    func convolution(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ w: Buffer<T>) {
        let conv = layer.convolution, graph = c.graph
        let dEdge = layer.linearUp.dimOut, dMid = conv.irrepsOut.dimension, nw = conv.weightCount
        let most = s.run.capacity
        var r = 0
        while r < block.rows {
            let i = graph.receivers[block.edge(r)]
            var run = s.run.emptyRun, end = r
            while end < block.rows, run.count < most, graph.receivers[block.edge(end)] == i {
                let e = block.edge(end)
                run.append(x: up.pointer + graph.senders[e] * dEdge, sh: c.sh.pointer + e * c.shCount, weights: w.pointer + end * nw)
                end += 1
            }
            if run.count == 1 {
                conv.accumulate(x: run.x[0], sh: run.sh[0], weights: run.weights[0], into: s.accumulator + i * dMid,
                                scratch: s.convolutionScratch)
            } else {
                conv.accumulate(run: run, into: s.accumulator + i * dMid, scratch: s.convolutionScratch)
            }
            for q in r..<end {
                guard let b = block.partner(q) else { continue }
                conv.accumulate(x: up.pointer + graph.senders[b] * dEdge, sh: c.sh.pointer + b * c.shCount,
                                weights: w.pointer + q * nw, into: s.accumulator + graph.receivers[b] * dMid,
                                scratch: s.convolutionScratch)
            }
            r = end
        }
    }
}

/// The reverse edge pass on one block: the weights recomputed, the convolution's reverse
/// (∂E/∂h̃ summed at senders, ∂E/∂Y and ∂E/∂w per edge), then the edge networks' reverse.
private struct BackwardEdgePass<T: MACEScalar>: EdgeBlockPass {
    let layer: InteractionLayer<T>
    let c: PassContext<T>
    let up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?, dSH: Buffer<T>, dRadial: Buffer<T>

    struct Networks {
        let input: UnsafePointer<T>
        let w: Buffer<T>, raw: Buffer<T>?, dW: Buffer<T>
    }

    func networks(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>) -> Networks {
        let input = layer.edgeInput(c, block, workspace: s.workspace)
        let (w, raw) = layer.convolutionWeights(c, block, input: input, scratch: s, keepingRaw: true)
        let dW = s.workspace.buffer(block.rows * layer.convolution.weightCount, zeroed: false)
        return Networks(input: input, w: w, raw: raw, dW: dW)
    }

    /// Edge by edge, with the channel-blocked reverse kernel
    /// (``ConvolutionTensorProduct/backward(x:sh:weights:gradient:dx:dSH:dWeights:accumulateWeights:)``).
    func convolution(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ n: Networks) {
        let conv = layer.convolution, graph = c.graph, shCount = c.shCount
        let dEdge = layer.linearUp.dimOut, dMid = conv.irrepsOut.dimension, nw = conv.weightCount
        for r in 0..<block.rows {
            for side in 0..<block.edgeCount(r) {
                let e = block.edge(r, side: side), j = graph.senders[e], i = graph.receivers[e]
                conv.backward(x: up.pointer + j * dEdge, sh: c.sh.pointer + e * shCount,
                                     weights: n.w.pointer + r * nw, gradient: dM.pointer + i * dMid,
                                     dx: s.accumulator + j * dEdge, dSH: dSH.pointer + e * shCount,
                                     dWeights: n.dW.pointer + r * nw, accumulateWeights: side == 1)
            }
        }
    }

    func networksBackward(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ n: Networks) {
        let ws = s.workspace, rows = block.rows
        if let spline = layer.radialSpline { return layer.splineBackward(spline, c, block, dW: n.dW, dq: dq) }
        layer.envelopeBackward(c, block, dW: n.dW, raw: n.raw)
        let dIn = ws.buffer(rows * layer.edgeInputWidth(c), zeroed: false)
        layer.radial.backward(n.dW.pointer, rows: rows, cache: s.radialCache, into: dIn.pointer, workspace: ws)
        layer.addRadialGradient(c, block, UnsafePointer(dIn.pointer), into: dRadial)
        if let network = layer.density, let dq {
            let q = ws.buffer(rows, zeroed: false), g = ws.buffer(rows, zeroed: false)
            network.forward(n.input, rows: rows, into: q.pointer, cache: s.densityCache, workspace: ws)
            for r in 0..<rows {
                let a = block.edge(r)
                if let b = block.partner(r) { g[r] = dq[a] + dq[b] } else { g[r] = dq[a] }
            }
            network.backward(g.pointer, rows: rows, cache: s.densityCache, into: dIn.pointer, workspace: ws)
            layer.addRadialGradient(c, block, UnsafePointer(dIn.pointer), into: dRadial)
        }
    }
}
