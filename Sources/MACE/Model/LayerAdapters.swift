/// One adapter branch of physicsml's `adapter_mace_model`
/// (physicsml/models/mace/adapter/adapter_mace_utils.py, `Adapter`, physicsml 0.6.0):
///
///     Adapter(x) = BN( Linear_up( σ( Linear_down(x) ) ) )
///
/// Linear_down maps each block mul×ir to (mul // ratio_adapter_down)×ir, σ is e3nn's normalised
/// SiLU on the 0e blocks (other blocks pass through), BN is e3nn's BatchNorm in evaluation mode
/// (``InstanceAffine``).
struct AdapterBranch<T: MACEScalar>: Sendable {
    let down: EquivariantLinear<T>
    let up: EquivariantLinear<T>
    let norm: InstanceAffine<T>
    let activation: ScaledActivation<T>
    /// Components of the Linear_down output that σ acts on (the 0e blocks).
    let activated: [Bool]

    /// Builds the branch from the config entry `{linear_down, non_linearity, linear_up, bn}` (module names).
    init(_ d: JSONNode, modules m: JSONNode, tensors: ModelTensors) throws {
        down = try EquivariantLinear(m[try d["linear_down"].string()], tensors: tensors)
        up = try EquivariantLinear(m[try d["linear_up"].string()], tensors: tensors)
        norm = try InstanceAffine(batchNorm: m[try d["bn"].string()], tensors: tensors)
        let acts = try m[try d["non_linearity"].string()]["acts"].array()
        guard acts.count == down.irrepsOut.blocks.count else { throw d.fail("one activation entry per Linear_down block") }
        var mask: [Bool] = [], scale: Double? = nil
        for (act, block) in zip(acts, down.irrepsOut.blocks) {
            let on = !act["name"].isNull
            if on {
                guard try act["name"].string() == "silu", block.irrep.l == 0 else {
                    throw MACEError.unsupported("\(act.path): adapter activation other than SiLU on scalars")
                }
                scale = try act["effective_scale"].double()
            }
            mask += [Bool](repeating: on, count: block.mul * block.irrep.dimension)
        }
        activated = mask
        activation = ScaledActivation(.silu, scale: T(scale ?? 1))
        guard up.irrepsIn == down.irrepsOut, norm.irreps == up.irrepsOut else {
            throw d.fail("matching irreps between Linear_down, Linear_up and BatchNorm")
        }
    }

    var dimIn: Int { down.dimIn }
    var hiddenDimension: Int { down.dimOut }
    var dimOut: Int { up.dimOut }

    /// y (+)= s·Adapter(x) for `rows` nodes; `z` (rows × hiddenDimension) receives Linear_down(x)
    /// for the backward pass.
    func forward(_ x: UnsafePointer<T>, rows: Int, s: T, z: Buffer<T>, into y: UnsafeMutablePointer<T>,
                 workspace ws: Workspace<T>) {
        ws.withScratch {
            let dh = hiddenDimension, d = dimOut
            down.forward(x, rows: rows, into: z.pointer)
            let a = ws.buffer(rows * dh, zeroed: false)
            for k in 0..<(rows * dh) { a[k] = activated[k % dh] ? activation.value(z[k]) : z[k] }
            let u = ws.buffer(rows * d, zeroed: false)
            up.forward(a.pointer, rows: rows, into: u.pointer)
            norm.forward(u.pointer, rows: rows, into: u.pointer)
            for k in 0..<(rows * d) { y[k] += s * u[k] }
        }
    }

    /// Reverse mode: dx += ∂(s·Adapter(x))ᵀ dy, with `z` the Linear_down output of the forward pass.
    func backward(_ dy: UnsafePointer<T>, rows: Int, s: T, z: Buffer<T>, into dx: UnsafeMutablePointer<T>,
                  workspace ws: Workspace<T>) {
        ws.withScratch {
            let dh = hiddenDimension, d = dimOut
            let du = ws.buffer(rows * d, zeroed: false)
            for k in 0..<(rows * d) { du[k] = s * dy[k] }
            norm.backward(du.pointer, rows: rows, into: du.pointer, accumulate: false)
            let da = ws.buffer(rows * dh)
            up.backward(du.pointer, rows: rows, into: da.pointer)
            for k in 0..<(rows * dh) where activated[k % dh] { da[k] *= activation.valueAndDerivative(z[k]).derivative }
            down.backward(da.pointer, rows: rows, into: dx)
        }
    }
}

/// The adapters of one layer of physicsml's `adapter_mace_model` (`AdapterMACE.forward`):
///
///     h^(t+1) = BN_t(h') + s_before·Adapter_before(h^(t)) + s_after·Adapter_after(h')
///
/// with h' the layer's product output and h^(t) its input (the before-branch reads the layer
/// input). Its reverse adds s_before·Adapter_beforeᵀ g to ∂E/∂h^(t) and returns
/// ∂E/∂h' = a_BN ⊙ g + s_after·Adapter_afterᵀ g for the layer's own backward pass.
struct LayerAdapters<T: MACEScalar>: Sendable {
    let norm: InstanceAffine<T>
    let before: AdapterBranch<T>
    let after: AdapterBranch<T>
    let sBefore: T, sAfter: T

    /// Builds the adapters of one layer from its `physicsml_adapters[t]` config entry.
    init(_ d: JSONNode, modules m: JSONNode, tensors: ModelTensors) throws {
        norm = try InstanceAffine(batchNorm: m[try d["batch_norm"].string()], tensors: tensors)
        before = try AdapterBranch(d["before"], modules: m, tensors: tensors)
        after = try AdapterBranch(d["after"], modules: m, tensors: tensors)
        sBefore = T(try d["s_before"].double())
        sAfter = T(try d["s_after"].double())
        guard before.dimOut == norm.dimension, after.dimIn == norm.dimension, after.dimOut == norm.dimension else {
            throw d.fail("adapters whose irreps match the layer output")
        }
    }
}
