extension InteractionLayer {
    /// Reverse mode: given g = ∂E/∂output, adds ∂E/∂input to `inputGradient` (nil for the
    /// first layer, whose input depends on elements only), ∂E/∂Y to dSH and ∂E/∂B to dRadial:
    /// the reverse of every stage of ``forward(_:tape:)``, last stage first. The temporaries
    /// live only within this call.
    func backward(_ c: PassContext<T>, tape: LayerTape<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?,
                  dSH: Buffer<T>, dRadial: Buffer<T>) {
        let rows = Double(c.nodeCount)
        c.workspace.withScratch {
            let dB = reverseOutput(c, gradient: g, inputGradient: inputGradient)
            c.timer?.ended(.backwardLinears, flops: rows * outputFlopsPerRow)
            let dA = reverseContraction(c, tape, dB: dB)
            c.timer?.ended(.backwardContraction, flops: rows * contraction.flopsPerNode.backward)
            let dUp = c.workspace.buffer(c.nodeCount * linearUp.dimOut)
            let dNorm = reverseMixing(c, tape, dA: dA, dUp: dUp)
            c.timer?.ended(.backwardLinears, flops: rows * mixingFlopsPerRow)
            let dq = reverseNormalize(c, tape, dNorm: dNorm)
            c.timer?.ended(.other)
            let dM = reverseLinear(c, dLinear: dNorm, reusing: dA)
            c.timer?.ended(.backwardLinears, flops: rows * linear.flopsPerRow)
            if inputGradient == nil, c.foldsSenderElements, let net = senderFoldingNetwork,
               let fold = SenderFolding(self, c, net: net, up: tape.up) {
                backwardFoldedEdges(c, fold, net: net, dM: dM, dSH: dSH, dRadial: dRadial)
            } else {
                backwardEdges(c, up: tape.up, dM: dM, dq: dq, dUp: dUp, dSH: dSH, dRadial: dRadial)
            }
            if let inputGradient {
                linearUp.backward(dUp.pointer, rows: c.nodeCount, into: inputGradient.pointer)
                c.timer?.ended(.backwardLinears, flops: rows * linearUp.flopsPerRow)
            }
        }
    }

    /// ∂E/∂B from ∂E/∂h' through Linear_p; the skip connection's ∂E/∂h goes to `inputGradient`.
    private func reverseOutput(_ c: PassContext<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?) -> Buffer<T> {
        let dB = c.workspace.buffer(c.nodeCount * contraction.dimOut)
        productLinear.backward(g.pointer, rows: c.nodeCount, into: dB.pointer)
        if kind != .plain, let inputGradient { skip.backward(g.pointer, elements: c.elements, into: inputGradient.pointer) }
        return dB
    }

    /// ∂E/∂A from ∂E/∂B through the symmetric contraction.
    private func reverseContraction(_ c: PassContext<T>, _ tape: LayerTape<T>, dB: Buffer<T>) -> Buffer<T> {
        let sc = contraction, aIn = tape.contractionIn!
        let dA = c.workspace.buffer(c.nodeCount * sc.dimIn)
        Parallel.forChunks(c.nodeCount, grain: 4) { nodes in
            for i in nodes {
                sc.backward(aIn.pointer + i * sc.dimIn, element: c.elements[i],
                            gradient: dB.pointer + i * sc.dimOut, into: dA.pointer + i * sc.dimIn)
            }
        }
        return dA
    }

    /// ∂E/∂(normalised Linear(m)) from ∂E/∂A through the mixing maps; the non-linear block's
    /// Linear_res adds its ∂E/∂h̃ to dUp.
    private func reverseMixing(_ c: PassContext<T>, _ tape: LayerTape<T>, dA: Buffer<T>, dUp: Buffer<T>) -> Buffer<T> {
        let n = c.nodeCount, dL = linear.dimOut, ws = c.workspace
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
                nl.gate.backward(tape.normalized!.pointer + i * dL, gradient: dGated.pointer + i * nl.gate.dimOut,
                                 into: d.pointer + i * dL)
            }
            nl.linearResidual.backward(d.pointer, rows: n, into: dUp.pointer)
            return d
        }
    }

    /// Turns dNorm into ∂E/∂Linear(m), in place, and returns ∂E/∂q per edge for density blocks
    /// (adding ∂E/∂f to `c.dCutoff`). y = l/D(ρ): ∂E/∂l = g/D, ∂E/∂ρ = −(∂D/∂ρ) Σ_k g_k l_k / D².
    private func reverseNormalize(_ c: PassContext<T>, _ tape: LayerTape<T>, dNorm: Buffer<T>) -> Buffer<T>? {
        let n = c.nodeCount, dL = linear.dimOut
        guard let q = tape.densityRaw, let denom = tape.denominator, let lin = tape.linearOut else {
            for k in 0..<(n * dL) { dNorm[k] = dNorm[k] * inverseAverageNeighbors }
            return nil
        }
        let slope = nonLinear?.beta ?? 1
        let dq = c.workspace.buffer(c.edgeCount)
        for i in 0..<n {
            var dRho: T = 0
            for k in 0..<dL {
                let gk = dNorm[i * dL + k]
                dNorm[i * dL + k] = gk / denom[i]
                dRho -= gk * lin[i * dL + k] / (denom[i] * denom[i])
            }
            dRho *= slope
            for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] {
                let th = T.tanh(q[e] * q[e])
                if let f = c.cutoff, let df = c.dCutoff {
                    dq[e] = dRho * f[e] * (1 - th * th) * 2 * q[e]
                    df[e] += dRho * th
                } else {
                    dq[e] = dRho * (1 - th * th) * 2 * q[e]
                }
            }
        }
        return dq
    }

    /// ∂E/∂m from ∂E/∂Linear(m); for a plain block dA is no longer needed and lends its memory.
    private func reverseLinear(_ c: PassContext<T>, dLinear: Buffer<T>, reusing dA: Buffer<T>) -> Buffer<T> {
        let n = c.nodeCount, dMid = convolution.irrepsOut.dimension
        let dM: Buffer<T>
        if kind == .plain, dA.capacity >= n * dMid {
            dA.reset(count: n * dMid)
            dM = dA
        } else {
            dM = c.workspace.buffer(n * dMid)
        }
        linear.backward(dLinear.pointer, rows: n, into: dM.pointer)
        return dM
    }
}
