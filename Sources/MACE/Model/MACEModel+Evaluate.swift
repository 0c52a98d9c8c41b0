import MDCore

/// What one evaluation of a ``MACEModel`` returns.
struct ModelOutput {
    /// E = Σ_{i owned} E_i, eV.
    var energy: Double
    /// E_i = E0(z_i) + s·(Σ_t e_t(h_i^t) + Σ_{j} ½V_ZBL(r_ij)) + μ for owned nodes, 0 for ghosts (eV).
    var nodeEnergies: [Double]
    /// ∂E/∂r_e per edge in ``EdgeGraph`` order (eV/Å); empty unless gradients were asked for.
    var edgeGradients: [SIMD3<Double>]
}

/// Switches of one evaluation that do not change its result beyond rounding: for benchmarks
/// and tests, never stored on the model.
struct EvaluationOptions {
    /// How the edge stages are scheduled.
    var schedule = EdgeSchedule.automatic
    /// Fold the sender elements of the first layer into its radial MLP's output layer (false:
    /// the per-edge weights and convolution of the other layers, for tests that compare the two).
    var foldsSenderElements = true
    /// Receives the time and work of each stage (nil: not measured).
    var profile: StageProfile? = nil
    /// Receives intermediate arrays by mace-torch module name (node-major, blocks m-major with
    /// the channel fastest; edges in ``EdgeGraph`` order), for the stage parity tests.
    var probe: ((String, [Double]) -> Void)? = nil
}

extension MACEModel {
    /// The energy of the owned nodes of `graph` and, when `gradients` is true, ∂E/∂r for every
    /// edge: the stages of Batatia et al. (2022) as a list, then their reverse in reverse order.
    ///
    /// E = Σ_{i owned} [E0(z_i) + s·Σ_t e_t(h_i^t) + μ]  (eq. 13 with ScaleShift s, μ). Ghost
    /// nodes (`owned[i] == false`) carry features to their owned neighbours but add no energy:
    /// their readout seed is 0 and ZBL pair terms count only on owned receivers.
    ///
    /// - Parameters:
    ///   - elements: model element index of every node.
    ///   - owned: which nodes count in the energy (nil: all).
    func evaluate(elements: [Int], graph: EdgeGraph, owned: [Bool]?, gradients: Bool,
                  options: EvaluationOptions = .init()) -> ModelOutput {
        workspaces.withWorkspace { ws in
            let timer = options.profile.map(StageTimer.init)
            // Forward: edge features, node features layer by layer, node energies.
            let geometry = computeEdgeGeometry(graph)
            let sh = computeY(geometry, workspace: ws)
            timer?.ended(.sphericalHarmonics, flops: Double(graph.count) * sphericalHarmonics.flopsPerEvaluation)
            let radial = computeRadialEmbedding(graph, geometry, elements: elements, gradients: gradients, workspace: ws)
            timer?.ended(.radialBasis)
            let edges = EdgeFeatures(graph: graph, geometry: geometry, sh: sh, shCount: sphericalHarmonics.count,
                                     radial: radial, radialCount: radialEmbedding.count)
            let h0 = computeEmbedding(elements, workspace: ws)
            let context = PassContext(
                elements: elements, graph: graph, edges: edges, workspace: ws, blockWorkspaces: blockWorkspaces,
                keepIntermediates: options.probe != nil, timer: timer,
                pairing: options.schedule == .blocked ? nil : EdgePairing(edges),
                foldsSenderElements: options.foldsSenderElements,
                lengthGradients: gradients && radialMode == .spline ? ws.buffer(graph.count) : nil)
            timer?.ended(.other)
            let tapes = computeLayers(h0, context)
            if let probe = options.probe { Self.report(probe, edges: edges, embedding: h0, tapes: tapes) }
            let readout = computeReadouts(tapes, rows: elements.count, workspace: ws)
            let energies = computeNodeEnergies(readout.energies, edges: edges, elements: elements, owned: owned)
            timer?.ended(.readouts, flops: Double(elements.count) * readouts.reduce(0) { $0 + $1.flopsPerRow })
            options.probe?("node_energies", energies.map { Double(T($0)) })
            var energy = 0.0
            for (i, e) in energies.enumerated() where owned?[i] ?? true { energy += e }
            let nodeEnergies = owned.map { mask in energies.indices.map { mask[$0] ? energies[$0] : 0 } } ?? energies
            guard gradients else { return ModelOutput(energy: energy, nodeEnergies: nodeEnergies, edgeGradients: []) }

            // Reverse: readouts, layers from last to first, edge features.
            let dOut = reverseReadouts(readout.caches, tapes: tapes, rows: elements.count, owned: owned, workspace: ws)
            timer?.ended(.readouts, flops: Double(elements.count) * readouts.reduce(0) { $0 + $1.flopsPerRow })
            let (dSH, dRadial) = reverseLayers(tapes, dOut: dOut, context)
            let grads = reverseEdgeFeatures(edges, dSH: dSH, dRadial: dRadial, elements: elements, owned: owned,
                                            dLength: context.lengthGradients)
            timer?.ended(.backwardEdges)
            return ModelOutput(energy: energy, nodeEnergies: nodeEnergies, edgeGradients: grads)
        }
    }

    /// h_i^(0) = W z_i: the embedding row of each node's element (eq. 6).
    private func computeEmbedding(_ elements: [Int], workspace ws: Workspace<T>) -> Buffer<T> {
        let d0 = embeddings[0].count
        let h0 = ws.buffer(elements.count * d0)
        for (i, z) in elements.enumerated() { for k in 0..<d0 { h0[i * d0 + k] = embeddings[z][k] } }
        return h0
    }

    /// h^(t+1) = layer_t(h^(t)) for every interaction + product layer, keeping each tape.
    private func computeLayers(_ h0: Buffer<T>, _ context: PassContext<T>) -> [LayerTape<T>] {
        var tapes: [LayerTape<T>] = []
        var h = h0
        for (layer, ext) in zip(layers, extensions) {
            let tape = LayerTape<T>(input: h)
            layer.forward(context, tape: tape)
            ext?.forward(context, tape: tape)
            tapes.append(tape)
            h = tape.output
        }
        return tapes
    }

    /// e_i = Σ_t readout_t(h_i^(t)) per node (before scale and shift), and each readout's cache.
    private func computeReadouts(_ tapes: [LayerTape<T>], rows n: Int, workspace ws: Workspace<T>)
        -> (energies: [Double], caches: [Buffer<T>?]) {
        var caches: [Buffer<T>?] = []
        var nodeEnergy = [Double](repeating: 0, count: n)
        for r in readouts {
            let cache: Buffer<T>? = r.linears.count > 1 ? ws.buffer(n * r.cacheWidth) : nil
            let e = r.forward(tapes[r.layer].output.pointer, rows: n, cache: cache)
            for i in 0..<n { nodeEnergy[i] += Double(e[i]) }
            caches.append(cache)
        }
        return (nodeEnergy, caches)
    }

    /// E_i = E0(z_i) + s·(e_i + Σ_{edges into i} ½V_ZBL f) + μ: the ZBL pair term of each
    /// directed edge goes to its receiver before the scale (mace's `pair_node_energy`), and
    /// only to owned receivers (ghost energies are discarded anyway; ``reverseEdgeFeatures``
    /// applies the same rule to the forces). This ZBL energy reads |r| computed in float64 and
    /// rounded to T; every other edge stage (and ZBL's gradient) reads |r| computed in T
    /// (``EdgeGeometry``). The two are the same in float64 and agree to T's precision in float32.
    private func computeNodeEnergies(_ readout: [Double], edges: EdgeFeatures<T>, elements: [Int], owned: [Bool]?) -> [Double] {
        var nodeEnergy = readout
        if let repulsion {
            let graph = edges.graph
            for e in 0..<graph.count where owned?[graph.receivers[e]] ?? true {
                nodeEnergy[graph.receivers[e]] += Double(repulsion.edgeEnergy(
                    T(graph.lengths[e]), config.atomicNumbers[elements[graph.senders[e]]],
                    config.atomicNumbers[elements[graph.receivers[e]]]))
            }
        }
        return elements.indices.map { config.atomicEnergies[elements[$0]] + config.scale * nodeEnergy[$0] + config.shift }
    }

    /// ∂E/∂h^(t) from the readouts, seeded with the scale s on owned nodes and 0 on ghosts.
    private func reverseReadouts(_ caches: [Buffer<T>?], tapes: [LayerTape<T>], rows n: Int, owned: [Bool]?,
                                 workspace ws: Workspace<T>) -> [Buffer<T>] {
        let dOut = tapes.map { ws.buffer($0.output.count) }
        for (r, cache) in zip(readouts, caches) {
            r.backward(seed: T(config.scale), rows: n, mask: owned, cache: cache, into: dOut[r.layer].pointer)
        }
        return dOut
    }

    /// ∂E/∂Y and ∂E/∂B per edge, through the layers from last to first.
    private func reverseLayers(_ tapes: [LayerTape<T>], dOut: [Buffer<T>], _ c: PassContext<T>) -> (Buffer<T>, Buffer<T>) {
        let dSH = c.workspace.buffer(c.edgeCount * c.shCount)
        let dRadial = c.workspace.buffer(c.edgeCount * c.radialCount)
        for t in stride(from: layers.count - 1, through: 0, by: -1) {
            let g = extensions[t]?.backward(c, tape: tapes[t], gradient: dOut[t], inputGradient: t > 0 ? dOut[t - 1] : nil) ?? dOut[t]
            layers[t].backward(c, tape: tapes[t], gradient: g, inputGradient: t > 0 ? dOut[t - 1] : nil,
                               dSH: dSH, dRadial: dRadial)
        }
        return (dSH, dRadial)
    }

    /// Hands the intermediate arrays to a test probe under mace-torch's module names.
    private static func report(_ probe: (String, [Double]) -> Void, edges: EdgeFeatures<T>, embedding h0: Buffer<T>,
                               tapes: [LayerTape<T>]) {
        func values(_ b: Buffer<T>?) -> [Double] { b?.array.map { Double($0) } ?? [] }
        probe("spherical_harmonics", values(edges.sh))
        probe("edge_feats", values(edges.radial.values))
        probe("node_embedding", values(h0))
        for (t, tape) in tapes.enumerated() {
            probe("interactions.\(t).linear_up", values(tape.up))
            probe("interactions.\(t).linear", values(tape.linearOut))
            probe("interactions.\(t).out", values(tape.contractionIn))
            probe("products.\(t).out", values(tape.output))
        }
    }
}
