/// r_e and |r_e| of every edge in the evaluation's precision, computed once.
struct EdgeGeometry<T: MACEScalar> {
    let vectors: [SIMD3<T>]
    let lengths: [T]
}

/// f(r_e) and its gradient slot, when the model multiplies the envelope into the convolution
/// weights and densities (mace `apply_cutoff=False`) instead of into B.
struct EnvelopeOnWeights<T: MACEScalar> {
    /// f(r_e) per edge.
    let values: Buffer<T>
    /// ∂E/∂f(r_e) per edge, accumulated by the layers (nil without gradients).
    let gradients: Buffer<T>?
}

/// The edge features every layer shares: Y(r̂_e) and the radial embedding of each edge.
struct EdgeFeatures<T: MACEScalar> {
    let graph: EdgeGraph
    let geometry: EdgeGeometry<T>
    /// Y(r̂_e), edges × (L+1)².
    let sh: Buffer<T>
    let shCount: Int
    /// B(r_e)·f(r_e) (or B(r_e) alone with ``envelope``), edges × nb.
    let radial: (values: Buffer<T>, envelope: EnvelopeOnWeights<T>?)
    let radialCount: Int
}

extension MACEModel {
    /// r_e = x_receiver − x_sender + shift and |r_e| in precision T.
    func computeEdgeGeometry(_ graph: EdgeGraph) -> EdgeGeometry<T> {
        let vectors = graph.vectors.map { SIMD3<T>(T($0.x), T($0.y), T($0.z)) }
        return EdgeGeometry(vectors: vectors, lengths: vectors.map { ($0 * $0).sum().squareRoot() })
    }

    /// Y(r̂_e) for every edge (eq. 7's angular part).
    func computeY(_ geometry: EdgeGeometry<T>, workspace ws: Workspace<T>) -> Buffer<T> {
        let ne = geometry.vectors.count, shCount = sphericalHarmonics.count
        let sh = ws.buffer(ne * shCount)
        Parallel.forChunks(ne, grain: 32) { edges in
            for e in edges {
                sphericalHarmonics.evaluate(geometry.vectors[e], into: UnsafeMutableBufferPointer(start: sh.pointer + e * shCount, count: shCount))
            }
        }
        return sh
    }

    /// B(T(r_e))·f(r_e) for every edge (eq. 7's radial part), or B alone and f kept apart when
    /// the model puts the envelope on the weights.
    func computeRadialEmbedding(_ graph: EdgeGraph, _ geometry: EdgeGeometry<T>, elements: [Int], gradients: Bool,
                                workspace ws: Workspace<T>) -> (values: Buffer<T>, envelope: EnvelopeOnWeights<T>?) {
        let ne = geometry.lengths.count, nb = radialEmbedding.count
        let radial = ws.buffer(ne * nb)
        let envelope = radialEmbedding.appliesCutoff ? nil
            : EnvelopeOnWeights(values: ws.buffer(ne), gradients: gradients ? ws.buffer(ne) : nil)
        Parallel.forChunks(ne, grain: 32) { edges in
            for e in edges {
                let r = geometry.lengths[e]
                let (zs, zr) = atomicNumbers(ofEdge: e, graph: graph, elements: elements)
                radialEmbedding.evaluate(r, zs, zr, into: UnsafeMutableBufferPointer(start: radial.pointer + e * nb, count: nb))
                if let envelope { envelope.values[e] = radialEmbedding.cutoff.value(r) }
            }
        }
        return (radial, envelope)
    }

    /// ∂E/∂r_e per edge from ∂E/∂Y, ∂E/∂B (and ∂E/∂f) and the ZBL terms of owned receivers:
    /// ∂E/∂r = (∂Y/∂r)ᵀ ∂E/∂Y + (dE/d|r|) r̂.
    func reverseEdgeFeatures(_ edges: EdgeFeatures<T>, dSH: Buffer<T>, dRadial: Buffer<T>, elements: [Int],
                             owned: [Bool]?, dLength: Buffer<T>? = nil) -> [SIMD3<Double>] {
        let ne = edges.graph.count, nb = edges.radialCount, shCount = edges.shCount
        let geometry = edges.geometry, graph = edges.graph, envelope = edges.radial.envelope
        let scale = T(config.scale)
        var grads = [SIMD3<Double>](repeating: .zero, count: ne)
        grads.withUnsafeMutableBufferPointer { gradsOut in
            let out = gradsOut.baseAddress!
            Parallel.forChunks(ne, grain: 32) { chunk in
                let values = Buffer<T>(count: nb), derivs = Buffer<T>(count: nb)  // chunk-local scratch
                for e in chunk {
                    let v = geometry.vectors[e], r = geometry.lengths[e]
                    var g = sphericalHarmonics.backward(v, gradient: UnsafeBufferPointer(start: dSH.pointer + e * shCount, count: shCount))
                    let (zs, zr) = atomicNumbers(ofEdge: e, graph: graph, elements: elements)
                    radialEmbedding.evaluate(r, zs, zr, features: UnsafeMutableBufferPointer(start: values.pointer, count: nb),
                                             derivatives: UnsafeMutableBufferPointer(start: derivs.pointer, count: nb))
                    var dEdr: T = 0
                    for k in 0..<nb { dEdr += dRadial[e * nb + k] * derivs[k] }
                    if let dLength { dEdr += dLength[e] }  // fast radial mode (RadialSpline)
                    if let envelope, let dCutoff = envelope.gradients {
                        dEdr += dCutoff[e] * radialEmbedding.cutoff.valueAndDerivative(r).derivative
                    }
                    if let repulsion, owned?[graph.receivers[e]] ?? true {
                        dEdr += scale * repulsion.edgeEnergyAndDerivative(r, zs, zr).derivative
                    }
                    g += (dEdr / r) * v
                    out[e] = SIMD3<Double>(Double(g.x), Double(g.y), Double(g.z))
                }
            }
        }
        return grads
    }

    /// Atomic numbers of the sender and the receiver of edge `e`.
    @inline(__always)
    private func atomicNumbers(ofEdge e: Int, graph: EdgeGraph, elements: [Int]) -> (sender: Int, receiver: Int) {
        (config.atomicNumbers[elements[graph.senders[e]]], config.atomicNumbers[elements[graph.receivers[e]]])
    }
}
