/// mace-torch's `RadialMLP` (used by the non-linear interaction block, after ESEN/FairChem):
///
///     x → [Linear(+bias) → LayerNorm → SiLU] × (L − 1) → Linear(+bias)
///
/// LayerNorm: y = (z − μ)/√(σ² + ε)·γ + β over the features of each row (biased variance).
/// Plain SiLU (not rescaled). Torch `Linear` stores W as [out, in]: z = x Wᵀ + b.
struct LayerNormMLP<T: MACEScalar>: Sendable {
    struct Layer: Sendable {
        var inputs: Int, outputs: Int
        /// outputs × inputs (torch layout).
        var weights: [T]
        var bias: [T]
        /// LayerNorm γ, β and ε (nil for the output layer).
        var gamma: [T]?, beta: [T]?, epsilon: T
    }
    let layers: [Layer]
    var inputCount: Int { layers.first?.inputs ?? 0 }
    var outputCount: Int { layers.last?.outputs ?? 0 }

    init(_ d: JSONNode, tensors: ModelTensors) throws {
        var layers: [Layer] = []
        for l in try d["layers"].array() {
            switch try l["kind"].string() {
            case "linear":
                let i = try l["in"].int(), o = try l["out"].int()
                let w = try tensors.values(l["weight"].string(), count: i * o).map { T($0) }
                let b = l["bias"].isNull ? [T](repeating: 0, count: o) : try tensors.values(l["bias"].string(), count: o).map { T($0) }
                layers.append(Layer(inputs: i, outputs: o, weights: w, bias: b, gamma: nil, beta: nil, epsilon: 0))
            case "layer_norm":
                guard var last = layers.popLast(), last.gamma == nil else { throw l.fail("a layer norm after a linear layer") }
                guard try l["elementwise_affine"].bool() else { throw MACEError.unsupported("\(l.path): layer norm without affine") }
                last.gamma = try tensors.values(l["weight"].string(), count: last.outputs).map { T($0) }
                last.beta = try tensors.values(l["bias"].string(), count: last.outputs).map { T($0) }
                last.epsilon = T(try l["eps"].double())
                layers.append(last)
            case "silu":
                guard let last = layers.last, last.gamma != nil else { throw l.fail("SiLU after a layer norm") }
            case let other:
                throw MACEError.unsupported("\(l.path): radial MLP layer '\(other)' (supported: linear, layer_norm, silu)")
            }
        }
        guard let last = layers.last, last.gamma == nil, layers.dropLast().allSatisfy({ $0.gamma != nil }) else {
            throw d.fail("linear/layer-norm/SiLU blocks ending in a linear layer")
        }
        self.layers = layers
    }

    final class Cache {
        /// Per hidden layer: normalised x̂, 1/√(σ²+ε) per row, and the LayerNorm output y (SiLU input).
        var normalized: [Buffer<T>] = []
        var inverseStd: [Buffer<T>] = []
        var normOut: [Buffer<T>] = []
        init() {}
    }

    func forward(_ input: UnsafePointer<T>, rows: Int, into out: UnsafeMutablePointer<T>, cache: Cache, workspace ws: Workspace<T>) {
        cache.normalized = []; cache.inverseStd = []; cache.normOut = []
        var x = input
        var keep: Buffer<T>? = nil
        for (k, layer) in layers.enumerated() {
            let last = k == layers.count - 1
            let zBuffer: Buffer<T>? = last ? nil : ws.buffer(rows * layer.outputs)
            let z = zBuffer?.pointer ?? out
            let o = layer.outputs
            for r in 0..<rows { for j in 0..<o { z[r * o + j] = layer.bias[j] } }
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: true, m: rows, n: o, k: layer.inputs, alpha: 1,
                       a: x, lda: layer.inputs, b: w.baseAddress!, ldb: layer.inputs, beta: 1, c: z, ldc: o)
            }
            if last { break }
            let xhat = ws.buffer(rows * o), inv = ws.buffer(rows), y = ws.buffer(rows * o)
            let h = ws.buffer(rows * o)
            let gamma = layer.gamma!, beta = layer.beta!
            for r in 0..<rows {
                var mean: T = 0
                for j in 0..<o { mean += z[r * o + j] }
                mean /= T(o)
                var variance: T = 0
                for j in 0..<o { let d = z[r * o + j] - mean; variance += d * d }
                variance /= T(o)
                let s = 1 / (variance + layer.epsilon).squareRoot()
                inv[r] = s
                for j in 0..<o {
                    let xh = (z[r * o + j] - mean) * s
                    xhat[r * o + j] = xh
                    let v = xh * gamma[j] + beta[j]
                    y[r * o + j] = v
                    h[r * o + j] = v / (1 + T.exp(-v))
                }
            }
            _ = zBuffer
            cache.normalized.append(xhat); cache.inverseStd.append(inv); cache.normOut.append(y)
            keep = h
            x = UnsafePointer(h.pointer)
        }
        _ = keep
    }

    /// dInput (rows × inputCount) ← ∂E/∂input given dOut.
    /// LayerNorm reverse: dx = s·(ĝ − mean(ĝ) − x̂·mean(ĝ x̂)) with ĝ = dy·γ.
    func backward(_ dOut: UnsafePointer<T>, rows: Int, cache: Cache, into dInput: UnsafeMutablePointer<T>, workspace ws: Workspace<T>) {
        var g = dOut
        var keep: Buffer<T>? = nil
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[k]
            let dx = k == 0 ? nil : ws.buffer(rows * layer.inputs)
            let target = dx?.pointer ?? dInput
            layer.weights.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: false, m: rows, n: layer.inputs, k: layer.outputs, alpha: 1,
                       a: g, lda: layer.outputs, b: w.baseAddress!, ldb: layer.inputs, beta: 0, c: target, ldc: layer.inputs)
            }
            guard let dx else { break }
            // dx = ∂E/∂h of layer k−1: through SiLU and LayerNorm to ∂E/∂z.
            let prev = layers[k - 1], o = prev.outputs, gamma = prev.gamma!
            let xhat = cache.normalized[k - 1], inv = cache.inverseStd[k - 1], y = cache.normOut[k - 1]
            for r in 0..<rows {
                var m1: T = 0, m2: T = 0
                for j in 0..<o {
                    let v = y[r * o + j], s = 1 / (1 + T.exp(-v))
                    let gh = dx[r * o + j] * s * (1 + v * (1 - s)) * gamma[j]
                    dx[r * o + j] = gh
                    m1 += gh; m2 += gh * xhat[r * o + j]
                }
                m1 /= T(o); m2 /= T(o)
                for j in 0..<o { dx[r * o + j] = inv[r] * (dx[r * o + j] - m1 - xhat[r * o + j] * m2) }
            }
            keep = dx
            g = UnsafePointer(dx.pointer)
        }
        _ = keep
    }
}
