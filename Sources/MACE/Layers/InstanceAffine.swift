/// An affine map acting on each irrep instance (one channel u of one block) separately:
///
///     y_(u,m) = (x_(u,m) − μ_u)·a_u + b_u      for 0e instances,
///     y_(u,m) = x_(u,m)·a_u                     for all others,
///
/// which is equivariant because it scales a whole irrep by one number and shifts only invariant
/// scalars. Two physicsml stages are such maps:
///
/// - e3nn's `nn.BatchNorm` in evaluation mode (e3nn/nn/_batchnorm.py, `forward` with
///   `training = False`, normalization "component"): μ = `running_mean` (0e instances),
///   a_u = w_u / √(σ²_u + ε) with σ² = `running_var` and w = `weight` (all instances), b = `bias` (0e);
/// - SSF (physicsml/models/mace/ssf/ssf_mace_utils.py, `SSF.forward`): a = γ per instance (an
///   `ElementwiseTensorProduct` of `{n}x0e` with the features), μ = 0, b = β on the scalars.
///
/// Features are node-major in the evaluator's layout (see ``Irreps``); the per-instance numbers
/// are expanded here to one (μ, a, b) per component.
struct InstanceAffine<T: MACEScalar>: Sendable {
    let irreps: Irreps
    /// μ, a, b per component (evaluator layout).
    let mean: [T], scale: [T], bias: [T]
    var dimension: Int { irreps.dimension }

    /// Expands per-instance values: `scale` has one entry per irrep instance (Σ mul), `mean` and
    /// `bias` one per 0e instance, in e3nn's order (blocks in order, channels within a block).
    init(irreps: Irreps, scale: [Double], mean: [Double], bias: [Double]) throws {
        let instances = irreps.blocks.reduce(0) { $0 + $1.mul }
        let scalars = irreps.count(Irrep(l: 0, parity: 1))
        guard scale.count == instances, mean.count == scalars, bias.count == scalars else {
            throw MACEError.invalidModel("per-instance affine map on \(irreps): \(scale.count) scales, \(mean.count) means, \(bias.count) biases for \(instances) instances, \(scalars) scalars")
        }
        var mu = [T](repeating: 0, count: irreps.dimension), a = mu, b = mu
        var instance = 0, scalar = 0
        for (block, offset) in zip(irreps.blocks, irreps.offsets) {
            let isScalar = block.irrep == Irrep(l: 0, parity: 1)
            for u in 0..<block.mul {
                for m in 0..<block.irrep.dimension {
                    let k = offset + m * block.mul + u
                    a[k] = T(scale[instance + u])
                    if isScalar { mu[k] = T(mean[scalar + u]); b[k] = T(bias[scalar + u]) }
                }
            }
            instance += block.mul
            if isScalar { scalar += block.mul }
        }
        self.irreps = irreps
        self.mean = mu; self.scale = a; self.bias = b
    }

    /// e3nn `nn.BatchNorm` in evaluation mode, from its description in the model configuration
    /// (`running_mean`, `running_var`, `weight`, `bias` tensor names and `eps`).
    init(batchNorm d: JSONNode, tensors: ModelTensors) throws {
        let irreps = try d["irreps"].irreps()
        let eps = try d["eps"].double()
        let variance = try tensors.values(d["running_var"].string())
        let weight = try tensors.values(d["weight"].string())
        guard variance.count == weight.count else { throw d.fail("running_var and weight of equal length") }
        let scale = zip(variance, weight).map { v, w in w * 1 / (v + eps).squareRoot() }
        try self.init(irreps: irreps, scale: scale, mean: try tensors.values(d["running_mean"].string()),
                      bias: try tensors.values(d["bias"].string()))
    }

    /// y ← A(x) for `rows` nodes (x and y may be the same memory); with `accumulate`, y += A(x).
    func forward(_ x: UnsafePointer<T>, rows: Int, into y: UnsafeMutablePointer<T>, accumulate: Bool = false) {
        let d = dimension
        for i in 0..<rows {
            for k in 0..<d {
                let v = (x[i * d + k] - mean[k]) * scale[k] + bias[k]
                y[i * d + k] = accumulate ? y[i * d + k] + v : v
            }
        }
    }

    /// Reverse mode: dx (+)= a ⊙ dy (∂y/∂x is diagonal).
    func backward(_ dy: UnsafePointer<T>, rows: Int, into dx: UnsafeMutablePointer<T>, accumulate: Bool = true) {
        let d = dimension
        for i in 0..<rows {
            for k in 0..<d {
                let v = dy[i * d + k] * scale[k]
                dx[i * d + k] = accumulate ? dx[i * d + k] + v : v
            }
        }
    }
}
