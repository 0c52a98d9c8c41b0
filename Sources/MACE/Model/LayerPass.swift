/// The per-evaluation inputs every layer shares: node elements, edges and edge features.
struct PassContext<T: MACEScalar> {
    let elements: [Int]
    let graph: EdgeGraph
    let edges: EdgeFeatures<T>
    /// Where the work arrays come from.
    let workspace: Workspace<T>
    /// Per-core scratch of the edge blocks.
    let blockWorkspaces: WorkspacePool<T>
    /// Keep Linear(m) of every layer in its tape (for tests that compare stages).
    let keepIntermediates: Bool
    /// Where to record time and work per stage (nil: not measured).
    let profile: StageProfile?
    /// The rows of the edge networks when opposite edges share them (nil: one row per edge,
    /// see ``InteractionLayer/usesPairs(_:)``).
    let pairing: EdgePairing?
    var nodeCount: Int { elements.count }
    var edgeCount: Int { graph.count }
    /// Y(r̂_e), edges × (L+1)².
    var sh: Buffer<T> { edges.sh }
    var shCount: Int { edges.shCount }
    /// B(r_e)·f(r_e), edges × nb.
    var radial: Buffer<T> { edges.radial.values }
    var radialCount: Int { edges.radialCount }
    /// f(r_e) per edge when the model multiplies the envelope into the convolution weights and
    /// densities (mace `apply_cutoff=False`) instead of into B; nil otherwise.
    var cutoff: Buffer<T>? { edges.radial.envelope?.values }
    /// ∂E/∂f(r_e), accumulated by the layers when `cutoff` is set.
    var dCutoff: Buffer<T>? { edges.radial.envelope?.gradients }
}

/// Everything one forward pass keeps for the backward pass of one layer (all node-sized).
final class LayerTape<T: MACEScalar> {
    let input: Buffer<T>
    var up: Buffer<T>! = nil
    /// Linear(m) (before the normalisation); kept for density blocks and when probing.
    var linearOut: Buffer<T>? = nil
    /// density q_e = D(·) and the normalisation denominators per node.
    var densityRaw: Buffer<T>? = nil
    var denominator: Buffer<T>? = nil
    /// Non-linear block: gate input.
    var gateIn: Buffer<T>? = nil
    var contractionIn: Buffer<T>! = nil
    var output: Buffer<T>! = nil
    init(input: Buffer<T>) { self.input = input }
}

extension InteractionLayer {
    /// Multiplies and adds per node of the linear maps between the normalisation and the
    /// contraction: the element self-connection (plain blocks) or Linear_res and Linear₂
    /// (non-linear blocks); none for residual blocks.
    var mixingFlopsPerRow: Double {
        switch kind {
        case .plain: skip.flopsPerRow
        case .residual: 0
        case .nonLinear: (nonLinear?.linearResidual.flopsPerRow ?? 0) + (nonLinear?.linearOut.flopsPerRow ?? 0)
        }
    }

    /// Runs the layer on `tape.input`, filling the tape. Buffers the backward pass needs are
    /// taken from the workspace first; the temporaries after them are handed back at the end.
    func forward(_ c: PassContext<T>, tape: LayerTape<T>) {
        let n = c.nodeCount, ne = c.edgeCount, ws = c.workspace
        let dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension, dL = linear.dimOut
        // Kept for the backward pass.
        let up = ws.buffer(n * dEdge)
        tape.up = up
        let q: Buffer<T>? = density != nil ? ws.buffer(ne) : nil
        let denom: Buffer<T>? = density != nil ? ws.buffer(n) : nil
        let keptLinear: Buffer<T>? = density != nil || c.keepIntermediates ? ws.buffer(n * dL) : nil
        let keptNormalized: Buffer<T>? = kind == .plain ? nil : ws.buffer(n * dL)
        let a: Buffer<T>
        switch kind {
        case .plain: a = ws.buffer(n * skip.dimOut)
        case .residual: a = keptNormalized!
        case .nonLinear: a = ws.buffer(n * nonLinear!.linearOut.dimOut)
        }
        let out = ws.buffer(n * productLinear.dimOut)
        let mark = ws.mark
        defer { ws.release(to: mark) }

        let p = c.profile, rows = Double(n)
        timed(p, .linears, flops: rows * linearUp.flopsPerRow) { linearUp.forward(tape.input.pointer, rows: n, into: up.pointer) }
        // m_i = Σ_j φ(h̃_j, Y_ij, w_ij), edges grouped by receiver i.
        let messages = ws.buffer(n * dMid)
        forwardEdges(c, up: up, messages: messages, density: q)
        // Without a density or probe, Linear(m) is normalised in place.
        let normalized = keptNormalized ?? ws.buffer(n * dL, zeroed: false)
        let lin = keptLinear ?? normalized
        timed(p, .linears, flops: rows * linear.flopsPerRow) { linear.forward(messages.pointer, rows: n, into: lin.pointer) }
        tape.linearOut = keptLinear
        timed(p, .other) {
            if let q, let denom {
                for i in 0..<n {
                    var rho: T = 0
                    for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] { rho += T.tanh(q[e] * q[e]) * (c.cutoff?[e] ?? 1) }
                    denom[i] = nonLinear.map { $0.beta * rho + $0.alpha } ?? (1 + rho)
                    for k in 0..<dL { normalized[i * dL + k] = lin[i * dL + k] / denom[i] }
                }
                tape.densityRaw = q
                tape.denominator = denom
            } else {
                for k in 0..<(n * dL) { normalized[k] = lin[k] * inverseAverageNeighbors }
            }
        }
        timed(p, .linears, flops: rows * mixingFlopsPerRow) {
            switch kind {
            case .plain:
                skip.forward(normalized.pointer, elements: c.elements, into: a.pointer, accumulate: false)
            case .residual:
                break
            case .nonLinear:
                let nl = nonLinear!
                nl.linearResidual.forward(up.pointer, rows: n, into: normalized.pointer, accumulate: true)
                let gated = ws.buffer(n * nl.gate.dimOut)
                for i in 0..<n { nl.gate.forward(normalized.pointer + i * dL, into: gated.pointer + i * nl.gate.dimOut) }
                nl.linearOut.forward(gated.pointer, rows: n, into: a.pointer)
                tape.gateIn = normalized
            }
        }
        tape.contractionIn = a
        let sc = contraction
        let b = ws.buffer(n * sc.dimOut, zeroed: false)
        timed(p, .contraction, flops: rows * sc.flopsPerNode.forward) {
            Parallel.forChunks(n, grain: 4) { nodes in
                for i in nodes { sc.forward(a.pointer + i * sc.dimIn, element: c.elements[i], into: b.pointer + i * sc.dimOut) }
            }
        }
        timed(p, .linears, flops: rows * (productLinear.flopsPerRow + (kind != .plain ? skip.flopsPerRow : 0))) {
            productLinear.forward(b.pointer, rows: n, into: out.pointer)
            if kind != .plain { skip.forward(tape.input.pointer, elements: c.elements, into: out.pointer, accumulate: true) }
        }
        tape.output = out
    }

    /// Reverse mode: given g = ∂E/∂output, adds ∂E/∂input to `inputGradient` (nil for the
    /// first layer, whose input depends on elements only), ∂E/∂Y to dSH and ∂E/∂B to dRadial.
    func backward(_ c: PassContext<T>, tape: LayerTape<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?,
                  dSH: Buffer<T>, dRadial: Buffer<T>) {
        let n = c.nodeCount, ne = c.edgeCount, ws = c.workspace
        let mark = ws.mark
        defer { ws.release(to: mark) }
        let sc = contraction, p = c.profile, rows = Double(n)
        let dB = ws.buffer(n * sc.dimOut)
        timed(p, .backwardLinears, flops: rows * (productLinear.flopsPerRow + (kind != .plain ? skip.flopsPerRow : 0))) {
            productLinear.backward(g.pointer, rows: n, into: dB.pointer)
            if kind != .plain, let inputGradient { skip.backward(g.pointer, elements: c.elements, into: inputGradient.pointer) }
        }
        let dA = ws.buffer(n * sc.dimIn)
        let aIn = tape.contractionIn!
        timed(p, .backwardContraction, flops: rows * sc.flopsPerNode.backward) {
            Parallel.forChunks(n, grain: 4) { nodes in
                for i in nodes {
                    sc.backward(aIn.pointer + i * sc.dimIn, element: c.elements[i],
                                gradient: dB.pointer + i * sc.dimOut, into: dA.pointer + i * sc.dimIn)
                }
            }
        }
        let dL = linear.dimOut, dEdge = linearUp.dimOut, dMid = convolution.irrepsOut.dimension
        let dUp = ws.buffer(n * dEdge)
        // ∂E/∂(normalised Linear(m)).
        let dNorm: Buffer<T> = timed(p, .backwardLinears, flops: rows * mixingFlopsPerRow) {
            switch kind {
            case .plain:
                let d = ws.buffer(n * dL)
                skip.backward(dA.pointer, elements: c.elements, into: d.pointer)
                return d
            case .residual:
                return dA
            case .nonLinear:
                let nl = nonLinear!
                let dGated = ws.buffer(n * nl.gate.dimOut)
                nl.linearOut.backward(dA.pointer, rows: n, into: dGated.pointer)
                let d = ws.buffer(n * dL)
                for i in 0..<n {
                    nl.gate.backward(tape.gateIn!.pointer + i * dL, gradient: dGated.pointer + i * nl.gate.dimOut,
                                     into: d.pointer + i * dL)
                }
                nl.linearResidual.backward(d.pointer, rows: n, into: dUp.pointer)
                return d
            }
        }
        // ∂E/∂Linear(m), in place.
        let dLin = dNorm
        let dq: Buffer<T>? = timed(p, .other) {
            if let q = tape.densityRaw, let denom = tape.denominator, let lin = tape.linearOut {
                // y = l/D(ρ): ∂E/∂l = g/D, ∂E/∂ρ = −(∂D/∂ρ) Σ_k g_k l_k / D².
                let slope = nonLinear?.beta ?? 1
                let dqe = ws.buffer(ne)
                for i in 0..<n {
                    var dRho: T = 0
                    for k in 0..<dL {
                        let gk = dNorm[i * dL + k]
                        dLin[i * dL + k] = gk / denom[i]
                        dRho -= gk * lin[i * dL + k] / (denom[i] * denom[i])
                    }
                    dRho *= slope
                    for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] {
                        let th = T.tanh(q[e] * q[e])
                        if let f = c.cutoff, let df = c.dCutoff {
                            dqe[e] = dRho * f[e] * (1 - th * th) * 2 * q[e]
                            df[e] += dRho * th
                        } else {
                            dqe[e] = dRho * (1 - th * th) * 2 * q[e]
                        }
                    }
                }
                return dqe
            } else {
                for k in 0..<(n * dL) { dLin[k] = dNorm[k] * inverseAverageNeighbors }
                return nil
            }
        }
        // ∂E/∂m; for a plain block dA is no longer needed and lends its memory.
        let dM: Buffer<T>
        if kind == .plain, dA.capacity >= n * dMid {
            dA.reset(count: n * dMid)
            dM = dA
        } else {
            dM = ws.buffer(n * dMid)
        }
        timed(p, .backwardLinears, flops: rows * linear.flopsPerRow) { linear.backward(dLin.pointer, rows: n, into: dM.pointer) }
        backwardEdges(c, up: tape.up, dM: dM, dq: dq, dUp: dUp, dSH: dSH, dRadial: dRadial)
        if let inputGradient {
            timed(p, .backwardLinears, flops: rows * linearUp.flopsPerRow) {
                linearUp.backward(dUp.pointer, rows: n, into: inputGradient.pointer)
            }
        }
    }
}
