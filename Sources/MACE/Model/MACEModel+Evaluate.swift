import MDCore
import MDNeighbors

/// Everything one forward pass keeps for the backward pass of one layer.
final class LayerTape<T: MACEScalar> {
    var input: Buffer<T>
    var up: Buffer<T>! = nil
    var weights: Buffer<T>! = nil
    var radialCache = RadialMLP<T>.Cache()
    var linearOut: Buffer<T>! = nil
    var messages: Buffer<T>! = nil
    var contractionIn: Buffer<T>! = nil
    var output: Buffer<T>! = nil
    // density blocks: q_e = D(B_e), 1 + ρ_i
    var densityRaw: Buffer<T>? = nil
    var densityCache = RadialMLP<T>.Cache()
    var denominator: Buffer<T>? = nil
    init(input: Buffer<T>) { self.input = input }
}

extension MACEModel {
    /// Energy (eV) and, when `gradients` is true, ∂E/∂r for every kept edge (eV/Å).
    ///
    /// E = Σ_i [E0(z_i) + s·Σ_t e_t(h_i^t) + μ]  (eq. 13 with ScaleShift s, μ); the gradient is the
    /// exact reverse-mode derivative through every stage.
    func energy(elements: [Int], graph: EdgeGraph, gradients: Bool) -> (energy: Double, edgeGradients: [SIMD3<Double>]) {
        let n = elements.count, ne = graph.count
        let shCount = sphericalHarmonics.count, nb = radialBasis.count
        // Edge features: Y(r̂) and B(r)·f(r).
        let sh = Buffer<T>(count: ne * shCount)
        let radial = Buffer<T>(count: ne * nb)
        let radialValues = Buffer<T>(count: nb)
        for e in 0..<ne {
            let v = SIMD3<T>(T(graph.vectors[e].x), T(graph.vectors[e].y), T(graph.vectors[e].z))
            sphericalHarmonics.evaluate(v, into: UnsafeMutableBufferPointer(start: sh.pointer + e * shCount, count: shCount))
            let r = (v * v).sum().squareRoot()
            radialBasis.evaluate(transformed(r, edge: e, graph: graph, elements: elements).value,
                                 into: UnsafeMutableBufferPointer(start: radialValues.pointer, count: nb))
            let f = envelope.value(r)
            for k in 0..<nb { radial[e * nb + k] = radialValues[k] * f }
        }
        // Layer-0 features: embedding of the element.
        let d0 = embeddings[0].count
        let h0 = Buffer<T>(count: n * d0)
        for i in 0..<n { for k in 0..<d0 { h0[i * d0 + k] = embeddings[elements[i]][k] } }

        var tapes: [LayerTape<T>] = []
        var h = h0
        for layer in layers {
            let tape = LayerTape<T>(input: h)
            forward(layer, tape: tape, elements: elements, graph: graph, sh: sh, radial: radial)
            tapes.append(tape)
            h = tape.output
        }
        // Readouts and energy.
        var readoutCaches: [Buffer<T>?] = []
        var nodeEnergy = [Double](repeating: 0, count: n)
        for r in readouts {
            let cache: Buffer<T>? = r.second == nil ? nil : Buffer<T>(count: n * r.first.dimOut)
            let e = r.forward(tapes[r.layer].output.pointer, rows: n, cache: cache)
            for i in 0..<n { nodeEnergy[i] += Double(e[i]) }
            readoutCaches.append(cache)
        }
        // ZBL: ½ V(r) f(r) per directed edge, added before the scale (mace's pair_node_energy).
        if let repulsion {
            for e in 0..<ne {
                let r = T(length(graph.vectors[e]))
                nodeEnergy[graph.receivers[e]] += Double(repulsion.edgeEnergy(
                    r, config.atomicNumbers[elements[graph.senders[e]]], config.atomicNumbers[elements[graph.receivers[e]]]))
            }
        }
        var energy = 0.0
        for i in 0..<n { energy += config.atomicEnergies[elements[i]] + config.scale * nodeEnergy[i] + config.shift }
        guard gradients else { return (energy, []) }

        // Reverse mode.
        let dOut = tapes.map { Buffer<T>(count: $0.output.count) }
        for (r, cache) in zip(readouts, readoutCaches) {
            r.backward(seed: T(config.scale), rows: n, cache: cache, into: dOut[r.layer].pointer)
        }
        let dSH = Buffer<T>(count: ne * shCount)
        let dRadial = Buffer<T>(count: ne * nb)
        for t in stride(from: layers.count - 1, through: 0, by: -1) {
            backward(layers[t], tape: tapes[t], gradient: dOut[t], inputGradient: t > 0 ? dOut[t - 1] : nil,
                     elements: elements, graph: graph, sh: sh, radial: radial, dSH: dSH, dRadial: dRadial)
        }
        // ∂E/∂r per edge: harmonics part plus radial part (dE/d|r|)·r̂.
        var grads = [SIMD3<Double>](repeating: .zero, count: ne)
        let derivs = Buffer<T>(count: nb)
        for e in 0..<ne {
            let v = SIMD3<T>(T(graph.vectors[e].x), T(graph.vectors[e].y), T(graph.vectors[e].z))
            let r = (v * v).sum().squareRoot()
            var g = sphericalHarmonics.backward(v, gradient: UnsafeBufferPointer(start: dSH.pointer + e * shCount, count: shCount))
            let (x, dx) = transformed(r, edge: e, graph: graph, elements: elements)
            radialBasis.evaluate(x, values: UnsafeMutableBufferPointer(start: radialValues.pointer, count: nb),
                                 derivatives: UnsafeMutableBufferPointer(start: derivs.pointer, count: nb))
            let (f, df) = envelope.valueAndDerivative(r)
            var dEdr: T = 0
            for k in 0..<nb { dEdr += dRadial[e * nb + k] * (derivs[k] * dx * f + radialValues[k] * df) }
            if let repulsion {
                dEdr += T(config.scale) * repulsion.edgeEnergyAndDerivative(
                    r, config.atomicNumbers[elements[graph.senders[e]]], config.atomicNumbers[elements[graph.receivers[e]]]).derivative
            }
            g += (dEdr / r) * v
            grads[e] = SIMD3<Double>(Double(g.x), Double(g.y), Double(g.z))
        }
        return (energy, grads)
    }

    /// The argument of the radial basis: r itself, or the distance transform T(r; Z_sender, Z_receiver)
    /// with its derivative.
    @inline(__always)
    private func transformed(_ r: T, edge e: Int, graph: EdgeGraph, elements: [Int]) -> (value: T, derivative: T) {
        guard let transform else { return (r, 1) }
        return transform.valueAndDerivative(r, config.atomicNumbers[elements[graph.senders[e]]],
                                            config.atomicNumbers[elements[graph.receivers[e]]])
    }

    private func forward(_ layer: InteractionLayer<T>, tape: LayerTape<T>, elements: [Int], graph: EdgeGraph,
                         sh: Buffer<T>, radial: Buffer<T>) {
        let n = elements.count, ne = graph.count
        let shCount = sphericalHarmonics.count, nb = radialBasis.count
        let conv = layer.convolution
        let dEdge = layer.linearUp.dimOut, dMid = conv.irrepsOut.dimension, nw = conv.weightCount
        tape.up = Buffer<T>(count: n * dEdge)
        layer.linearUp.forward(tape.input.pointer, rows: n, into: tape.up.pointer)
        tape.weights = Buffer<T>(count: ne * nw)
        layer.radial.forward(radial.pointer, rows: ne, into: tape.weights.pointer, cache: tape.radialCache)
        // Messages m_i = Σ_j φ(h̃_j, Y_ij, w_ij).
        let messages = Buffer<T>(count: n * dMid)
        for i in 0..<n {
            for e in graph.offsets[i]..<graph.offsets[i + 1] {
                conv.accumulate(x: tape.up.pointer + graph.senders[e] * dEdge, sh: sh.pointer + e * shCount,
                                weights: tape.weights.pointer + e * nw, into: messages.pointer + i * dMid)
            }
        }
        let dT = layer.linear.dimOut
        tape.linearOut = Buffer<T>(count: n * dT)
        layer.linear.forward(messages.pointer, rows: n, into: tape.linearOut.pointer)
        tape.messages = messages
        if let density = layer.density {
            // ρ_i = Σ_j tanh(D(B_ij)²)
            let q = Buffer<T>(count: ne)
            density.forward(radial.pointer, rows: ne, into: q.pointer, cache: tape.densityCache)
            let denom = Buffer<T>(count: n)
            for i in 0..<n {
                var rho: T = 0
                for e in graph.offsets[i]..<graph.offsets[i + 1] { rho += T.tanh(q[e] * q[e]) }
                denom[i] = 1 + rho
                for k in 0..<dT { tape.linearOut[i * dT + k] /= denom[i] }
            }
            tape.densityRaw = q
            tape.denominator = denom
        } else {
            for k in 0..<(n * dT) { tape.linearOut[k] *= layer.inverseAverageNeighbors }
        }
        let a: Buffer<T>
        if layer.kind == .plain {
            a = Buffer<T>(count: n * layer.skip.dimOut)
            layer.skip.forward(tape.linearOut.pointer, elements: elements, into: a.pointer)
        } else {
            a = tape.linearOut
        }
        tape.contractionIn = a
        let sc = layer.contraction
        let b = Buffer<T>(count: n * sc.dimOut)
        for i in 0..<n { sc.forward(a.pointer + i * sc.dimIn, element: elements[i], into: b.pointer + i * sc.dimOut) }
        let out = Buffer<T>(count: n * layer.productLinear.dimOut)
        layer.productLinear.forward(b.pointer, rows: n, into: out.pointer)
        if layer.kind == .residual {
            layer.skip.forward(tape.input.pointer, elements: elements, into: out.pointer, accumulate: true)
        }
        tape.output = out
    }

    private func backward(_ layer: InteractionLayer<T>, tape: LayerTape<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?,
                          elements: [Int], graph: EdgeGraph, sh: Buffer<T>, radial: Buffer<T>,
                          dSH: Buffer<T>, dRadial: Buffer<T>) {
        let n = elements.count, ne = graph.count
        let shCount = sphericalHarmonics.count, nb = radialBasis.count
        let sc = layer.contraction
        let dB = Buffer<T>(count: n * sc.dimOut)
        layer.productLinear.backward(g.pointer, rows: n, into: dB.pointer)
        if layer.kind == .residual, let inputGradient {
            layer.skip.backward(g.pointer, elements: elements, into: inputGradient.pointer)
        }
        let dA = Buffer<T>(count: n * sc.dimIn)
        for i in 0..<n {
            sc.backward(tape.contractionIn.pointer + i * sc.dimIn, element: elements[i],
                        gradient: dB.pointer + i * sc.dimOut, into: dA.pointer + i * sc.dimIn)
        }
        let dT = layer.linear.dimOut
        let dL: Buffer<T>
        if layer.kind == .plain {
            dL = Buffer<T>(count: n * dT)
            layer.skip.backward(dA.pointer, elements: elements, into: dL.pointer)
        } else {
            dL = dA
        }
        // Through the normalisation: A = Linear(m)/n̄ or Linear(m)/(1 + ρ).
        let conv = layer.convolution
        let dMid = conv.irrepsOut.dimension, dEdge = layer.linearUp.dimOut, nw = conv.weightCount
        let dLin = Buffer<T>(count: n * dT)
        if let density = layer.density, let q = tape.densityRaw, let denom = tape.denominator {
            let dq = Buffer<T>(count: ne)
            for i in 0..<n {
                var dRho: T = 0
                for k in 0..<dT {
                    dLin[i * dT + k] = dL[i * dT + k] / denom[i]
                    dRho -= dL[i * dT + k] * tape.linearOut[i * dT + k] / denom[i]
                }
                for e in graph.offsets[i]..<graph.offsets[i + 1] {
                    let th = T.tanh(q[e] * q[e])
                    dq[e] = dRho * (1 - th * th) * 2 * q[e]
                }
            }
            let dRd = Buffer<T>(count: ne * nb)
            density.backward(dq.pointer, rows: ne, cache: tape.densityCache, into: dRd.pointer)
            for k in 0..<(ne * nb) { dRadial[k] += dRd[k] }
        } else {
            for k in 0..<(n * dT) { dLin[k] = dL[k] * layer.inverseAverageNeighbors }
        }
        let dM = Buffer<T>(count: n * dMid)
        layer.linear.backward(dLin.pointer, rows: n, into: dM.pointer)
        // Convolution: per edge, gradients to the sender's features, Y and the radial weights.
        let dUp = Buffer<T>(count: n * dEdge)
        let dW = Buffer<T>(count: ne * nw)
        for i in 0..<n {
            for e in graph.offsets[i]..<graph.offsets[i + 1] {
                let j = graph.senders[e]
                conv.backward(x: tape.up.pointer + j * dEdge, sh: sh.pointer + e * shCount,
                              weights: tape.weights.pointer + e * nw, gradient: dM.pointer + i * dMid,
                              dx: dUp.pointer + j * dEdge, dSH: dSH.pointer + e * shCount, dWeights: dW.pointer + e * nw)
            }
        }
        let dR = Buffer<T>(count: ne * nb)
        layer.radial.backward(dW.pointer, rows: ne, cache: tape.radialCache, into: dR.pointer)
        for k in 0..<(ne * nb) { dRadial[k] += dR[k] }
        if let inputGradient {
            layer.linearUp.backward(dUp.pointer, rows: n, into: inputGradient.pointer)
        }
    }
}
