import MDCore
import MDNeighbors

extension MACEModel {
    /// Energy (eV) and, when `gradients` is true, ∂E/∂r for every kept edge (eV/Å).
    ///
    /// E = Σ_i [E0(z_i) + s·Σ_t e_t(h_i^t) + μ]  (eq. 13 with ScaleShift s, μ); the gradient is the
    /// exact reverse-mode derivative through every stage.
    ///
    /// `probe`, for tests, receives intermediate arrays by mace-torch module name (node-major,
    /// blocks m-major with the channel fastest; edges in ``EdgeGraph`` order).
    /// `profile`, when given, receives the time and work of each stage.
    func energy(elements: [Int], graph: EdgeGraph, gradients: Bool, profile: StageProfile? = nil,
                probe: ((String, [T]) -> Void)? = nil) -> (energy: Double, edgeGradients: [SIMD3<Double>]) {
        workspaces.withWorkspace {
            energy(elements: elements, graph: graph, gradients: gradients, workspace: $0, profile: profile, probe: probe)
        }
    }

    private func energy(elements: [Int], graph: EdgeGraph, gradients: Bool, workspace ws: Workspace<T>,
                        profile: StageProfile?, probe: ((String, [T]) -> Void)?) -> (energy: Double, edgeGradients: [SIMD3<Double>]) {
        let n = elements.count, ne = graph.count
        let shCount = sphericalHarmonics.count, nb = radialBasis.count
        // Edge features: Y(r̂) and B(r)·f(r).
        let sh = ws.buffer(ne * shCount)
        let applyCutoff = config.applyCutoff
        let cutoff: Buffer<T>? = applyCutoff ? nil : ws.buffer(ne)
        let dCutoff: Buffer<T>? = applyCutoff || !gradients ? nil : ws.buffer(ne)
        let radial = ws.buffer(ne * nb)
        timed(profile, .sphericalHarmonics, flops: Double(ne) * sphericalHarmonics.flopsPerEvaluation) {
            Parallel.forChunks(ne, grain: 32) { edges in
                for e in edges {
                    let v = SIMD3<T>(T(graph.vectors[e].x), T(graph.vectors[e].y), T(graph.vectors[e].z))
                    sphericalHarmonics.evaluate(v, into: UnsafeMutableBufferPointer(start: sh.pointer + e * shCount, count: shCount))
                }
            }
        }
        timed(profile, .radialBasis) {
        Parallel.forChunks(ne, grain: 32) { edges in
            for e in edges {
                let v = SIMD3<T>(T(graph.vectors[e].x), T(graph.vectors[e].y), T(graph.vectors[e].z))
                let r = (v * v).sum().squareRoot()
                let row = radial.pointer + e * nb
                radialBasis.evaluate(transformed(r, edge: e, graph: graph, elements: elements).value,
                                     into: UnsafeMutableBufferPointer(start: row, count: nb))
                let f = envelope.value(r)
                if applyCutoff { for k in 0..<nb { row[k] *= f } } else { cutoff![e] = f }
            }
        }
        }
        // Layer-0 features: embedding of the element.
        let d0 = embeddings[0].count
        let h0 = ws.buffer(n * d0)
        for i in 0..<n { for k in 0..<d0 { h0[i * d0 + k] = embeddings[elements[i]][k] } }

        let context = PassContext(elements: elements, graph: graph, sh: sh, shCount: shCount, radial: radial, radialCount: nb,
                                  cutoff: cutoff, dCutoff: dCutoff, workspace: ws, blockWorkspaces: blockWorkspaces,
                                  keepIntermediates: probe != nil, profile: profile,
                                  pairs: edgeSchedule == .blocked ? nil : Self.pairs(of: graph, radial: radial, count: nb, cutoff: cutoff))
        var tapes: [LayerTape<T>] = []
        var h = h0
        for layer in layers {
            let tape = LayerTape<T>(input: h)
            layer.forward(context, tape: tape)
            tapes.append(tape)
            h = tape.output
        }
        if let probe {
            probe("spherical_harmonics", sh.array)
            probe("edge_feats", radial.array)
            probe("node_embedding", h0.array)
            for (t, tape) in tapes.enumerated() {
                probe("interactions.\(t).linear_up", tape.up.array)
                probe("interactions.\(t).linear", tape.linearOut?.array ?? [])
                probe("interactions.\(t).out", tape.contractionIn.array)
                probe("products.\(t).out", tape.output.array)
            }
        }
        // Readouts and energy.
        let readoutFlops = Double(n) * readouts.reduce(0) { $0 + $1.flopsPerRow }
        var readoutCaches: [Buffer<T>?] = []
        var nodeEnergy = [Double](repeating: 0, count: n)
        timed(profile, .readouts, flops: readoutFlops) {
            for r in readouts {
                let cache: Buffer<T>? = r.linears.count > 1 ? ws.buffer(n * r.cacheWidth) : nil
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
        }
        var energy = 0.0
        for i in 0..<n { energy += config.atomicEnergies[elements[i]] + config.scale * nodeEnergy[i] + config.shift }
        probe?("node_energies", (0..<n).map { T(config.atomicEnergies[elements[$0]] + config.scale * nodeEnergy[$0] + config.shift) })
        guard gradients else { return (energy, []) }

        // Reverse mode.
        let dOut = tapes.map { ws.buffer($0.output.count) }
        timed(profile, .readouts, flops: readoutFlops) {
            for (r, cache) in zip(readouts, readoutCaches) {
                r.backward(seed: T(config.scale), rows: n, cache: cache, into: dOut[r.layer].pointer)
            }
        }
        let dSH = ws.buffer(ne * shCount)
        let dRadial = ws.buffer(ne * nb)
        for t in stride(from: layers.count - 1, through: 0, by: -1) {
            layers[t].backward(context, tape: tapes[t], gradient: dOut[t], inputGradient: t > 0 ? dOut[t - 1] : nil,
                               dSH: dSH, dRadial: dRadial)
        }
        // ∂E/∂r per edge: harmonics part plus radial part (dE/d|r|)·r̂.
        var grads = [SIMD3<Double>](repeating: .zero, count: ne)
        let scale = T(config.scale)
        timed(profile, .backwardEdges) { grads.withUnsafeMutableBufferPointer { gradsOut in
            let out = gradsOut.baseAddress!
            Parallel.forChunks(ne, grain: 32) { edges in
                let values = Buffer<T>(count: nb), derivs = Buffer<T>(count: nb)  // chunk-local scratch
                for e in edges {
                    let v = SIMD3<T>(T(graph.vectors[e].x), T(graph.vectors[e].y), T(graph.vectors[e].z))
                    let r = (v * v).sum().squareRoot()
                    var g = sphericalHarmonics.backward(v, gradient: UnsafeBufferPointer(start: dSH.pointer + e * shCount, count: shCount))
                    let (x, dx) = transformed(r, edge: e, graph: graph, elements: elements)
                    radialBasis.evaluate(x, values: UnsafeMutableBufferPointer(start: values.pointer, count: nb),
                                         derivatives: UnsafeMutableBufferPointer(start: derivs.pointer, count: nb))
                    let (f, df) = envelope.valueAndDerivative(r)
                    var dEdr: T = 0
                    if applyCutoff {
                        for k in 0..<nb { dEdr += dRadial[e * nb + k] * (derivs[k] * dx * f + values[k] * df) }
                    } else {
                        for k in 0..<nb { dEdr += dRadial[e * nb + k] * derivs[k] * dx }
                        dEdr += dCutoff![e] * df
                    }
                    if let repulsion {
                        dEdr += scale * repulsion.edgeEnergyAndDerivative(
                            r, config.atomicNumbers[elements[graph.senders[e]]], config.atomicNumbers[elements[graph.receivers[e]]]).derivative
                    }
                    g += (dEdr / r) * v
                    out[e] = SIMD3<Double>(Double(g.x), Double(g.y), Double(g.z))
                }
            }
        } }
        return (energy, grads)
    }

    /// The first edge of each pair of opposite edges, or nil unless every edge has its reverse
    /// with bitwise the same radial features (and envelope).
    private static func pairs(of graph: EdgeGraph, radial: Buffer<T>, count nb: Int, cutoff: Buffer<T>?) -> [Int]? {
        var pairs: [Int] = []
        pairs.reserveCapacity(graph.count / 2)
        for e in 0..<graph.count {
            let b = graph.reverse[e]
            guard b >= 0 else { return nil }
            if b < e { continue }
            for k in 0..<nb where radial[e * nb + k] != radial[b * nb + k] { return nil }
            if let cutoff, cutoff[e] != cutoff[b] { return nil }
            pairs.append(e)
        }
        return pairs
    }

    /// The argument of the radial basis: r itself, or the distance transform T(r; Z_sender, Z_receiver)
    /// with its derivative.
    @inline(__always)
    private func transformed(_ r: T, edge e: Int, graph: EdgeGraph, elements: [Int]) -> (value: T, derivative: T) {
        guard let transform else { return (r, 1) }
        return transform.valueAndDerivative(r, config.atomicNumbers[elements[graph.senders[e]]],
                                            config.atomicNumbers[elements[graph.receivers[e]]])
    }
}
