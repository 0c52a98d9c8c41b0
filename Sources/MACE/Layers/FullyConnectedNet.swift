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

    /// out (rows × outputCount) ← MLP(input (rows × inputCount)); fills `cache` for ``backward``.
    func forward(_ input: UnsafePointer<T>, rows: Int, into out: UnsafeMutablePointer<T>, cache: Cache, workspace ws: Workspace<T>) {
        cache.preActivations = []
        cache.logistic = []
        var x = input
        for (k, layer) in layers.enumerated() {
            let last = k == layers.count - 1
            let z = last ? out : {
                let b = ws.buffer(rows * layer.outputs, zeroed: false); cache.preActivations.append(b); return b.pointer }()
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: false, m: rows, n: layer.outputs, k: layer.inputs, alpha: 1,
                       a: x, lda: layer.inputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0, c: z, ldc: layer.outputs)
            }
            if last { break }
            let s = ws.buffer(rows * layer.outputs, zeroed: false), h = ws.buffer(rows * layer.outputs, zeroed: false)
            cache.logistic.append(s)
            let c = layer.activationScale ?? 1
            T.logistic(z, into: s.pointer, count: rows * layer.outputs)
            for i in 0..<(rows * layer.outputs) { h[i] = c * z[i] * s[i] }
            x = UnsafePointer(h.pointer)
        }
    }

    /// Reverse mode: dInput (rows × inputCount) ← ∂E/∂input given dOut = ∂E/∂out.
    /// σ′(z) = c·s·(1 + z(1 − s)), s = sigmoid(z).
    func backward(_ dOut: UnsafePointer<T>, rows: Int, cache: Cache, into dInput: UnsafeMutablePointer<T>, workspace ws: Workspace<T>) {
        var g = dOut
        var keep: Buffer<T>? = nil
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[k]
            let grad = k == 0 ? nil : ws.buffer(rows * layer.inputs, zeroed: false)
            let target = grad?.pointer ?? dInput
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: true, m: rows, n: layer.inputs, k: layer.outputs, alpha: 1,
                       a: g, lda: layer.outputs, b: w.baseAddress!, ldb: layer.outputs, beta: 0, c: target, ldc: layer.inputs)
            }
            guard let grad else { break }
            // grad holds ∂E/∂h^{k−1}; turn it into ∂E/∂z^{k−1}.
            let c = layers[k - 1].activationScale ?? 1
            let z = cache.preActivations[k - 1].pointer, s = cache.logistic[k - 1].pointer
            for i in 0..<grad.count { grad[i] *= c * s[i] * (1 + z[i] * (1 - s[i])) }
            keep = grad
            g = UnsafePointer(grad.pointer)
        }
        _ = keep
    }
}
