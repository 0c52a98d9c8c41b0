/// The radial network R(r) of MACE eq. (7): e3nn's `FullyConnectedNet` applied to the radial
/// features of every edge at once,
///
///     h⁰ = B(r),   zᵏ = hᵏ⁻¹ Wᵏ/√(n_{k−1}),   hᵏ = σ(zᵏ)  (hidden layers),   out = zᴸ,
///
/// with σ(z) = c·z·sigmoid(z) the SiLU rescaled to unit second moment (c = 1.679…, e3nn
/// `normalize2mom`) and no biases. All edges go through one GEMM per layer.
struct FullyConnectedNet<T: MACEScalar>: Sendable {
    struct Layer: Sendable {
        var inputs: Int, outputs: Int
        /// inputs × outputs, 1/√(fan-in) folded in.
        var weights: [T]
        /// Activation scale c (nil for the linear output layer).
        var activationScale: T?
    }
    let layers: [Layer]
    var inputCount: Int { layers.first?.inputs ?? 0 }
    var outputCount: Int { layers.last?.outputs ?? 0 }

    init(_ d: JSONNode, tensors: ModelTensors) throws {
        var layers: [Layer] = []
        for l in try d["layers"].array() {
            let hin = try l["h_in"].int(), hout = try l["h_out"].int()
            let varIn = try l["var_in"].double(), varOut = try l["var_out"].double()
            let w = try tensors.values(l["weight"].string(), count: hin * hout)
            let act = l["activation"]
            let name = act["name"].isNull ? nil : try act["name"].string()
            var scale: Double
            var actScale: T? = nil
            switch name {
            case nil: scale = 1 / (Double(hin) * varIn / varOut).squareRoot()
            case "silu":
                scale = 1 / (Double(hin) * varIn).squareRoot()
                actScale = T(try act["effective_scale"].double() * varOut.squareRoot())
            case let other?: throw MACEError.unsupported("\(l.path): activation '\(other)' (supported: silu)")
            }
            layers.append(Layer(inputs: hin, outputs: hout, weights: w.map { T($0 * scale) }, activationScale: actScale))
        }
        guard !layers.isEmpty else { throw d.fail("at least one layer") }
        self.layers = layers
    }

    /// Stored pre-activations z and logistic values s = sigmoid(z) of one forward pass (for the
    /// backward pass).
    final class Cache {
        var preActivations: [Buffer<T>] = []
        var logistic: [Buffer<T>] = []
        init() {}
    }

    /// Width of the last hidden layer (the output layer's input).
    var hiddenCount: Int { layers[layers.count - 1].inputs }

    /// The output layer's weights W^L (hiddenCount × outputCount, 1/√(fan-in) folded in): out = h^{L−1} W^L.
    var outputWeights: [T] { layers[layers.count - 1].weights }

    /// out (rows × outputCount) ← MLP(input (rows × inputCount)); fills `cache` for ``backward``.
    func forward(_ input: UnsafePointer<T>, rows: Int, into out: UnsafeMutablePointer<T>, cache: Cache, workspace ws: Workspace<T>) {
        let h = forwardHidden(input, rows: rows, cache: cache, workspace: ws)
        let layer = layers[layers.count - 1]
        layer.weights.withUnsafeBufferPointer { w in
            T.gemm(transA: false, transB: false, m: rows, n: layer.outputs, k: layer.inputs, alpha: 1,
                   a: h, lda: layer.inputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0, c: out, ldc: layer.outputs)
        }
    }

    /// h^{L−1} (rows × ``hiddenCount``), the last hidden layer's activations, valid as long as the
    /// workspace buffers taken here (or `input` itself for a net without hidden layers); fills
    /// `cache` for ``backwardHidden``.
    func forwardHidden(_ input: UnsafePointer<T>, rows: Int, cache: Cache, workspace ws: Workspace<T>) -> UnsafePointer<T> {
        cache.preActivations = []
        cache.logistic = []
        var x = input
        for layer in layers.dropLast() {
            let z = ws.buffer(rows * layer.outputs, zeroed: false)
            cache.preActivations.append(z)
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: false, m: rows, n: layer.outputs, k: layer.inputs, alpha: 1,
                       a: x, lda: layer.inputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0, c: z.pointer, ldc: layer.outputs)
            }
            let s = ws.buffer(rows * layer.outputs, zeroed: false), h = ws.buffer(rows * layer.outputs, zeroed: false)
            cache.logistic.append(s)
            let c = layer.activationScale ?? 1
            T.scaledSiLU(z.pointer, scale: c, logistic: s.pointer, into: h.pointer, count: rows * layer.outputs)
            x = UnsafePointer(h.pointer)
        }
        return x
    }

    /// Reverse mode: dInput (rows × inputCount) ← ∂E/∂input given dOut = ∂E/∂out.
    func backward(_ dOut: UnsafePointer<T>, rows: Int, cache: Cache, into dInput: UnsafeMutablePointer<T>, workspace ws: Workspace<T>) {
        let layer = layers[layers.count - 1]
        let hidden = layers.count == 1 ? nil : ws.buffer(rows * layer.inputs, zeroed: false)
        layer.weights.withUnsafeBufferPointer { w in
            T.gemm(transA: false, transB: true, m: rows, n: layer.inputs, k: layer.outputs, alpha: 1,
                   a: dOut, lda: layer.outputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0,
                   c: hidden?.pointer ?? dInput, ldc: layer.inputs)
        }
        if let hidden { backwardHidden(hidden.pointer, rows: rows, cache: cache, into: dInput, workspace: ws) }
    }

    /// Reverse mode from the last hidden layer: dInput ← ∂E/∂input given dHidden = ∂E/∂h^{L−1}
    /// (rows × ``hiddenCount``, overwritten). σ′(z) = c·s·(1 + z(1 − s)), s = sigmoid(z).
    func backwardHidden(_ dHidden: UnsafeMutablePointer<T>, rows: Int, cache: Cache, into dInput: UnsafeMutablePointer<T>,
                        workspace ws: Workspace<T>) {
        var grad = dHidden
        for k in stride(from: layers.count - 2, through: 0, by: -1) {
            let layer = layers[k]
            // grad holds ∂E/∂h^k; turn it into ∂E/∂z^k.
            let c = layer.activationScale ?? 1
            let z = cache.preActivations[k].pointer, s = cache.logistic[k].pointer
            for i in 0..<(rows * layer.outputs) { grad[i] *= c * s[i] * (1 + z[i] * (1 - s[i])) }
            let next = k == 0 ? dInput : ws.buffer(rows * layer.inputs, zeroed: false).pointer
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: true, m: rows, n: layer.inputs, k: layer.outputs, alpha: 1,
                       a: grad, lda: layer.outputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0, c: next, ldc: layer.inputs)
            }
            grad = next
        }
    }
}
