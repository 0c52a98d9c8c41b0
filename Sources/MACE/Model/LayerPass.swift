/// The per-evaluation inputs every layer shares: node elements, edges and edge features.
struct PassContext<T: MACEScalar> {
    let elements: [Int]
    let graph: EdgeGraph
    /// Y(r̂_e), edges × (L+1)².
    let sh: Buffer<T>
    let shCount: Int
    /// B(r_e)·f(r_e), edges × nb.
    let radial: Buffer<T>
    let radialCount: Int
    /// Where the work arrays come from.
    let workspace: Workspace<T>
    var nodeCount: Int { elements.count }
    var edgeCount: Int { graph.count }
}

/// Everything one forward pass keeps for the backward pass of one layer.
final class LayerTape<T: MACEScalar> {
    let input: Buffer<T>
    var up: Buffer<T>! = nil
    var edgeInput: Buffer<T>! = nil
    var weights: Buffer<T>! = nil
    let radialCache = EdgeNetwork<T>.Cache()
    let densityCache = EdgeNetwork<T>.Cache()
    /// Linear(m) (before the normalisation).
    var linearOut: Buffer<T>! = nil
    /// density q_e = D(·) and the normalisation denominators per node.
    var densityRaw: Buffer<T>? = nil
    var denominator: Buffer<T>? = nil
    /// Non-linear block: gate input.
    var gateIn: Buffer<T>? = nil
    var gateOut: Buffer<T>? = nil
    var contractionIn: Buffer<T>! = nil
    var output: Buffer<T>! = nil
    init(input: Buffer<T>) { self.input = input }
}

extension InteractionLayer {
    /// The input of the edge networks: B(r) alone, or [B(r), e_s(z_sender), e_t(z_receiver)].
    private func edgeInput(_ c: PassContext<T>) -> (Buffer<T>, Int) {
        guard let nl = nonLinear else { return (c.radial, c.radialCount) }
        let w = c.radialCount + 2 * nl.embeddingWidth, s = nl.embeddingWidth
        let b = c.workspace.buffer(c.edgeCount * w)
        for e in 0..<c.edgeCount {
            let row = b.pointer + e * w
            for k in 0..<c.radialCount { row[k] = c.radial[e * c.radialCount + k] }
            let src = nl.sourceEmbedding[c.elements[c.graph.senders[e]]], tgt = nl.targetEmbedding[c.elements[c.graph.receivers[e]]]
            for k in 0..<s { row[c.radialCount + k] = src[k]; row[c.radialCount + s + k] = tgt[k] }
        }
        return (b, w)
    }

    /// Runs the layer on `tape.input`, filling the tape.
    func forward(_ c: PassContext<T>, tape: LayerTape<T>) {
        let n = c.nodeCount, ne = c.edgeCount
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, nw = convolution.weightCount
        tape.up = c.workspace.buffer(n * dEdge)
        linearUp.forward(tape.input.pointer, rows: n, into: tape.up.pointer)
        let (edgeIn, _) = edgeInput(c)
        tape.edgeInput = edgeIn
        tape.weights = c.workspace.buffer(ne * nw)
        radial.forward(edgeIn.pointer, rows: ne, into: tape.weights.pointer, cache: tape.radialCache, workspace: c.workspace)
        // m_i = Σ_j φ(h̃_j, Y_ij, w_ij), edges grouped by receiver i.
        let messages = c.workspace.buffer(n * dMid)
        let up = tape.up!, weights = tape.weights!
        let scratchCount = convolution.scratchCount
        Parallel.forChunks(n, grain: 4) { nodes in
            let scratch = Buffer<T>(count: scratchCount)  // chunk-local
            for i in nodes {
                for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] {
                    convolution.accumulate(x: up.pointer + c.graph.senders[e] * dEdge, sh: c.sh.pointer + e * c.shCount,
                                           weights: weights.pointer + e * nw, into: messages.pointer + i * dMid,
                                           scratch: scratch.pointer)
                }
            }
        }
        let dL = linear.dimOut
        let lin = c.workspace.buffer(n * dL)
        linear.forward(messages.pointer, rows: n, into: lin.pointer)
        tape.linearOut = lin
        // Normalisation: 1/n̄, 1/(1 + ρ_i) or 1/(β ρ_i + α), ρ_i = Σ_j tanh(q_ij²).
        let normalized = c.workspace.buffer(n * dL)
        if let density {
            let q = c.workspace.buffer(ne)
            density.forward(edgeIn.pointer, rows: ne, into: q.pointer, cache: tape.densityCache, workspace: c.workspace)
            let denom = c.workspace.buffer(n)
            for i in 0..<n {
                var rho: T = 0
                for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] { rho += T.tanh(q[e] * q[e]) }
                denom[i] = nonLinear.map { $0.beta * rho + $0.alpha } ?? (1 + rho)
                for k in 0..<dL { normalized[i * dL + k] = lin[i * dL + k] / denom[i] }
            }
            tape.densityRaw = q
            tape.denominator = denom
        } else {
            for k in 0..<(n * dL) { normalized[k] = lin[k] * inverseAverageNeighbors }
        }
        let a: Buffer<T>
        switch kind {
        case .plain:
            a = c.workspace.buffer(n * skip.dimOut)
            skip.forward(normalized.pointer, elements: c.elements, into: a.pointer, accumulate: false)
        case .residual:
            a = normalized
        case .nonLinear:
            let nl = nonLinear!
            nl.linearResidual.forward(tape.up.pointer, rows: n, into: normalized.pointer, accumulate: true)
            let gated = c.workspace.buffer(n * nl.gate.dimOut)
            for i in 0..<n { nl.gate.forward(normalized.pointer + i * dL, into: gated.pointer + i * nl.gate.dimOut) }
            a = c.workspace.buffer(n * nl.linearOut.dimOut)
            nl.linearOut.forward(gated.pointer, rows: n, into: a.pointer)
            tape.gateIn = normalized
            tape.gateOut = gated
        }
        tape.contractionIn = a
        let sc = contraction
        let b = c.workspace.buffer(n * sc.dimOut)
        Parallel.forChunks(n, grain: 4) { nodes in
            for i in nodes { sc.forward(a.pointer + i * sc.dimIn, element: c.elements[i], into: b.pointer + i * sc.dimOut) }
        }
        let out = c.workspace.buffer(n * productLinear.dimOut)
        productLinear.forward(b.pointer, rows: n, into: out.pointer)
        if kind != .plain { skip.forward(tape.input.pointer, elements: c.elements, into: out.pointer, accumulate: true) }
        tape.output = out
    }

    /// Reverse mode: given g = ∂E/∂output, adds ∂E/∂input to `inputGradient` (nil for the
    /// first layer, whose input depends on elements only), ∂E/∂Y to dSH and ∂E/∂B to dRadial.
    func backward(_ c: PassContext<T>, tape: LayerTape<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?,
                  dSH: Buffer<T>, dRadial: Buffer<T>) {
        let n = c.nodeCount, ne = c.edgeCount
        let sc = contraction
        let dB = c.workspace.buffer(n * sc.dimOut)
        productLinear.backward(g.pointer, rows: n, into: dB.pointer)
        if kind != .plain, let inputGradient { skip.backward(g.pointer, elements: c.elements, into: inputGradient.pointer) }
        let dA = c.workspace.buffer(n * sc.dimIn)
        let aIn = tape.contractionIn!
        Parallel.forChunks(n, grain: 4) { nodes in
            for i in nodes {
                sc.backward(aIn.pointer + i * sc.dimIn, element: c.elements[i],
                            gradient: dB.pointer + i * sc.dimOut, into: dA.pointer + i * sc.dimIn)
            }
        }
        let dL = linear.dimOut, dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, nw = convolution.weightCount
        let dUp = c.workspace.buffer(n * dEdge)
        // ∂E/∂(normalised Linear(m)).
        let dNorm: Buffer<T>
        switch kind {
        case .plain:
            dNorm = c.workspace.buffer(n * dL)
            skip.backward(dA.pointer, elements: c.elements, into: dNorm.pointer)
        case .residual:
            dNorm = dA
        case .nonLinear:
            let nl = nonLinear!
            let dGated = c.workspace.buffer(n * nl.gate.dimOut)
            nl.linearOut.backward(dA.pointer, rows: n, into: dGated.pointer)
            dNorm = c.workspace.buffer(n * dL)
            for i in 0..<n {
                nl.gate.backward(tape.gateIn!.pointer + i * dL, gradient: dGated.pointer + i * nl.gate.dimOut,
                                 into: dNorm.pointer + i * dL)
            }
            nl.linearResidual.backward(dNorm.pointer, rows: n, into: dUp.pointer)
        }
        let (edgeIn, edgeWidth) = (tape.edgeInput!, tape.edgeInput.count / max(ne, 1))
        let dLin = c.workspace.buffer(n * dL)
        if let density, let q = tape.densityRaw, let denom = tape.denominator {
            // y = l/D(ρ): ∂E/∂l = g/D, ∂E/∂ρ = −(∂D/∂ρ) Σ_k g_k l_k / D².
            let slope = nonLinear?.beta ?? 1
            let dq = c.workspace.buffer(ne)
            for i in 0..<n {
                var dRho: T = 0
                for k in 0..<dL {
                    let gk = dNorm[i * dL + k]
                    dLin[i * dL + k] = gk / denom[i]
                    dRho -= gk * tape.linearOut[i * dL + k] / (denom[i] * denom[i])
                }
                dRho *= slope
                for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] {
                    let th = T.tanh(q[e] * q[e])
                    dq[e] = dRho * (1 - th * th) * 2 * q[e]
                }
            }
            let dIn = c.workspace.buffer(ne * edgeWidth)
            density.backward(dq.pointer, rows: ne, cache: tape.densityCache, into: dIn.pointer, workspace: c.workspace)
            accumulateRadial(dIn, width: edgeWidth, c, into: dRadial)
        } else {
            for k in 0..<(n * dL) { dLin[k] = dNorm[k] * inverseAverageNeighbors }
        }
        let dM = c.workspace.buffer(n * dMid)
        linear.backward(dLin.pointer, rows: n, into: dM.pointer)
        // Grouped by sender j, so each chunk writes only its own rows of dUp (and its edges' rows).
        let dW = c.workspace.buffer(ne * nw)
        let up = tape.up!, weights = tape.weights!
        let scratchCount = convolution.scratchCount
        Parallel.forChunks(n, grain: 4) { nodes in
            let scratch = Buffer<T>(count: scratchCount)  // chunk-local
            for j in nodes {
                for k in c.graph.outgoingOffsets[j]..<c.graph.outgoingOffsets[j + 1] {
                    let e = c.graph.outgoing[k], i = c.graph.receivers[e]
                    convolution.backward(x: up.pointer + j * dEdge, sh: c.sh.pointer + e * c.shCount,
                                         weights: weights.pointer + e * nw, gradient: dM.pointer + i * dMid,
                                         dx: dUp.pointer + j * dEdge, dSH: dSH.pointer + e * c.shCount, dWeights: dW.pointer + e * nw,
                                         scratch: scratch.pointer)
                }
            }
        }
        let dIn = c.workspace.buffer(ne * edgeWidth)
        radial.backward(dW.pointer, rows: ne, cache: tape.radialCache, into: dIn.pointer, workspace: c.workspace)
        accumulateRadial(dIn, width: edgeWidth, c, into: dRadial)
        _ = edgeIn
        if let inputGradient { linearUp.backward(dUp.pointer, rows: n, into: inputGradient.pointer) }
    }

    /// Adds the B(r) columns of an edge-input gradient to dRadial (the embedding columns depend
    /// on elements only).
    private func accumulateRadial(_ dIn: Buffer<T>, width: Int, _ c: PassContext<T>, into dRadial: Buffer<T>) {
        let nb = c.radialCount
        for e in 0..<c.edgeCount { for k in 0..<nb { dRadial[e * nb + k] += dIn[e * width + k] } }
    }
}
