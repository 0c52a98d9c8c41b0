/// The edge stages of one interaction, run block by block (see ``EdgeBlocks``):
///
///     w_ij = R(B_ij) [· f(r_ij)]           radial MLP (and envelope, mace `apply_cutoff=False`)
///     q_ij = D(B_ij)                        density network (density-normalised blocks)
///     m_i += φ(h̃_j, Y_ij, w_ij)             convolution, summed at the receiver
///
/// and their reverse mode. Nothing of size edges × weights outlives a block.
extension InteractionLayer {
    /// Width of a row of the edge networks' input: B(r) alone, or [B(r), e_s(z_j), e_t(z_i)].
    func edgeInputWidth(_ c: PassContext<T>) -> Int {
        c.radialCount + 2 * (nonLinear?.embeddingWidth ?? 0)
    }

    /// Writes the edge networks' input rows of edges `edge(0)…edge(count−1)` to `rows`.
    private func gatherEdgeInput(_ c: PassContext<T>, count: Int, edge: (Int) -> Int, into rows: UnsafeMutablePointer<T>) {
        let nb = c.radialCount, w = edgeInputWidth(c)
        for r in 0..<count {
            let e = edge(r), row = rows + r * w
            for k in 0..<nb { row[k] = c.radial[e * nb + k] }
            if let nl = nonLinear {
                let s = nl.embeddingWidth
                let src = nl.sourceEmbedding[c.elements[c.graph.senders[e]]], tgt = nl.targetEmbedding[c.elements[c.graph.receivers[e]]]
                for k in 0..<s { row[nb + k] = src[k]; row[nb + s + k] = tgt[k] }
            }
        }
    }

    /// w ← R·f(r) for the rows of a block (row r is edge `edge(r)`), when the model puts the
    /// envelope on the weights (`c.cutoff`); returns the rows before the envelope, R, when
    /// `keepingRaw` (the backward pass needs them).
    func applyEnvelope(_ c: PassContext<T>, to w: Buffer<T>, rows: Int, edge: (Int) -> Int, keepingRaw: Bool,
                       workspace ws: Workspace<T>) -> Buffer<T>? {
        guard let f = c.cutoff else { return nil }
        let nw = convolution.weightCount
        let raw = keepingRaw ? ws.buffer(rows * nw, zeroed: false) : nil
        for r in 0..<rows {
            let fe = f[edge(r)], row = w.pointer + r * nw
            if let raw { (raw.pointer + r * nw).update(from: row, count: nw) }
            for k in 0..<nw { row[k] *= fe }
        }
        return raw
    }

    /// Reverse of ``applyEnvelope(_:to:rows:edge:keepingRaw:workspace:)``, given dW = ∂E/∂w and
    /// the raw rows R: adds ∂E/∂f = Σ_k ∂E/∂w_k R_k to `c.dCutoff` and turns dW into
    /// ∂E/∂R = f ∂E/∂w, in place.
    func envelopeBackward(_ c: PassContext<T>, dW: Buffer<T>, raw: Buffer<T>?, rows: Int, edge: (Int) -> Int) {
        guard let f = c.cutoff, let df = c.dCutoff, let raw else { return }
        let nw = convolution.weightCount
        for r in 0..<rows {
            let e = edge(r)
            var s: T = 0
            for k in 0..<nw { s += dW[r * nw + k] * raw[r * nw + k]; dW[r * nw + k] *= f[e] }
            df[e] += s
        }
    }

    /// dRadial(edge(r)) += the B(r) columns of row r of an edge-input gradient (the embedding
    /// columns depend on elements only).
    func addRadialGradient(_ c: PassContext<T>, _ dIn: Buffer<T>, rows: Int, edge: (Int) -> Int, into dRadial: Buffer<T>) {
        let nb = c.radialCount, width = edgeInputWidth(c)
        for r in 0..<rows {
            let e = edge(r)
            for k in 0..<nb { dRadial[e * nb + k] += dIn[r * width + k] }
        }
    }

    /// Forward edge stages: messages m (nodes × dim(irreps_mid), zero on entry) ← Σ_j φ(h̃_j, Y_ij, w_ij),
    /// and q (one per edge) ← D(B_ij) when the block has a density network.
    func forwardEdges(_ c: PassContext<T>, up: Buffer<T>, messages: Buffer<T>, density q: Buffer<T>?) {
        guard let profile = c.profile else { return forwardEdges(c, up: up, messages: messages, density: q, split: nil) }
        let ne = Double(c.edgeCount)
        profile.split(.radialMLP, flops: ne * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                      .convolution, flops: ne * convolution.forwardFlopsPerEdge) {
            forwardEdges(c, up: up, messages: messages, density: q, split: $0)
        }
    }

    /// ``forwardEdges(_:up:messages:density:)``; each core records its radial-MLP and
    /// convolution time in `split` when given.
    private func forwardEdges(_ c: PassContext<T>, up: Buffer<T>, messages: Buffer<T>, density q: Buffer<T>?,
                              split: StageProfile.Split?) {
        let nw = convolution.weightCount, width = edgeInputWidth(c), nb = c.radialCount
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, shCount = c.shCount
        let graph = c.graph
        Parallel.forChunks(c.nodeCount, grain: 4) { nodes in
            c.blockWorkspaces.withWorkspace { ws in
                let scratch = Buffer<T>(count: convolution.scratchCount)
                let radialCache = EdgeNetwork<T>.Cache(), densityCache = EdgeNetwork<T>.Cache()
                // Receivers are consecutive in edge order, so a block is a contiguous range of edges.
                EdgeBlocks.forEach(nodes: nodes, offsets: graph.offsets) { edges in
                    ws.rewind()
                    var stopwatch = StageProfile.Stopwatch(split)
                    let rows = edges.count, e0 = edges.lowerBound
                    let input: UnsafePointer<T>
                    if nonLinear == nil {
                        input = UnsafePointer(c.radial.pointer + e0 * nb)
                    } else {
                        let b = ws.buffer(rows * width, zeroed: false)
                        gatherEdgeInput(c, count: rows, edge: { e0 + $0 }, into: b.pointer)
                        input = UnsafePointer(b.pointer)
                    }
                    let w = ws.buffer(rows * nw, zeroed: false)
                    radial.forward(input, rows: rows, into: w.pointer, cache: radialCache, workspace: ws)
                    _ = applyEnvelope(c, to: w, rows: rows, edge: { e0 + $0 }, keepingRaw: false, workspace: ws)
                    if let density, let q {
                        density.forward(input, rows: rows, into: q.pointer + e0, cache: densityCache, workspace: ws)
                    }
                    stopwatch.lap()
                    for e in edges {
                        convolution.accumulate(x: up.pointer + graph.senders[e] * dEdge, sh: c.sh.pointer + e * shCount,
                                               weights: w.pointer + (e - e0) * nw, into: messages.pointer + graph.receivers[e] * dMid,
                                               scratch: scratch.pointer)
                    }
                    stopwatch.finish()
                }
            }
        }
    }

    /// Reverse mode of the edge stages, given dM = ∂E/∂m (nodes × dim(irreps_mid)) and, for
    /// density blocks, dq = ∂E/∂q per edge: adds ∂E/∂h̃ to dUp, ∂E/∂Y to dSH, ∂E/∂B to dRadial
    /// and ∂E/∂f to `c.dCutoff`. The radial MLP is recomputed block by block.
    ///
    /// Blocks are runs of senders, so each core writes only its own rows of dUp and the rows of
    /// its own edges.
    func backwardEdges(_ c: PassContext<T>, up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?,
                       dUp: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>) {
        guard let profile = c.profile else {
            return backwardEdges(c, up: up, dM: dM, dq: dq, dUp: dUp, dSH: dSH, dRadial: dRadial, split: nil)
        }
        let ne = Double(c.edgeCount)
        profile.split(.backwardRadialMLP, flops: 2 * ne * (radial.flopsPerRow + (density?.flopsPerRow ?? 0)),
                      .backwardConvolution, flops: ne * convolution.backwardFlopsPerEdge) {
            backwardEdges(c, up: up, dM: dM, dq: dq, dUp: dUp, dSH: dSH, dRadial: dRadial, split: $0)
        }
    }

    /// ``backwardEdges(_:up:dM:dq:dUp:dSH:dRadial:)``; each core records its radial-MLP and
    /// convolution time in `split` when given.
    private func backwardEdges(_ c: PassContext<T>, up: Buffer<T>, dM: Buffer<T>, dq: Buffer<T>?,
                               dUp: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>, split: StageProfile.Split?) {
        let nw = convolution.weightCount, width = edgeInputWidth(c)
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, shCount = c.shCount
        let graph = c.graph
        Parallel.forChunks(c.nodeCount, grain: 4) { nodes in
            c.blockWorkspaces.withWorkspace { ws in
                let scratch = Buffer<T>(count: convolution.scratchCount)
                let radialCache = EdgeNetwork<T>.Cache(), densityCache = EdgeNetwork<T>.Cache()
                EdgeBlocks.forEach(nodes: nodes, offsets: graph.outgoingOffsets) { positions in
                    ws.rewind()
                    var stopwatch = StageProfile.Stopwatch(split)
                    let rows = positions.count, k0 = positions.lowerBound
                    let edge = { (r: Int) in graph.outgoing[k0 + r] }
                    let input = ws.buffer(rows * width, zeroed: false)
                    gatherEdgeInput(c, count: rows, edge: edge, into: input.pointer)
                    let w = ws.buffer(rows * nw, zeroed: false)
                    radial.forward(input.pointer, rows: rows, into: w.pointer, cache: radialCache, workspace: ws)
                    let raw = applyEnvelope(c, to: w, rows: rows, edge: edge, keepingRaw: true, workspace: ws)
                    let dW = ws.buffer(rows * nw, zeroed: false)
                    stopwatch.lap()
                    for r in 0..<rows {
                        let e = edge(r), j = graph.senders[e], i = graph.receivers[e]
                        convolution.backward(x: up.pointer + j * dEdge, sh: c.sh.pointer + e * shCount,
                                             weights: w.pointer + r * nw, gradient: dM.pointer + i * dMid,
                                             dx: dUp.pointer + j * dEdge, dSH: dSH.pointer + e * shCount,
                                             dWeights: dW.pointer + r * nw, scratch: scratch.pointer)
                    }
                    stopwatch.lap()
                    envelopeBackward(c, dW: dW, raw: raw, rows: rows, edge: edge)
                    let dIn = ws.buffer(rows * width, zeroed: false)
                    radial.backward(dW.pointer, rows: rows, cache: radialCache, into: dIn.pointer, workspace: ws)
                    addRadialGradient(c, dIn, rows: rows, edge: edge, into: dRadial)
                    if let density, let dq {
                        let q = ws.buffer(rows, zeroed: false), g = ws.buffer(rows, zeroed: false)
                        density.forward(input.pointer, rows: rows, into: q.pointer, cache: densityCache, workspace: ws)
                        for r in 0..<rows { g[r] = dq[edge(r)] }
                        density.backward(g.pointer, rows: rows, cache: densityCache, into: dIn.pointer, workspace: ws)
                        addRadialGradient(c, dIn, rows: rows, edge: edge, into: dRadial)
                    }
                    stopwatch.finish()
                }
            }
        }
    }
}
