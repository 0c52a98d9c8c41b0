/// A stage that physicsml's fine-tuning variants add after a layer's product output h'
/// (physicsml 0.6.0, physicsml/models/mace/{ssf,adapter}); read from the config only when the
/// converter wrote `physicsml_ssf` or `physicsml_adapters`, so other models are unchanged.
///
/// - `ssf`: h^(t+1) = γ ⊙ h' + β on the scalars (``InstanceAffine``);
/// - `adapters`: h^(t+1) = BN(h') + s_b·Adapter_b(h^(t)) + s_a·Adapter_a(h') (``LayerAdapters``).
enum LayerExtension<T: MACEScalar>: Sendable {
    case ssf(InstanceAffine<T>)
    case adapters(LayerAdapters<T>)

    /// One entry per layer (nil where the layer has none) from the model configuration.
    static func load(_ root: JSONNode, tensors: ModelTensors, layerCount: Int) throws -> [LayerExtension<T>?] {
        var out = [LayerExtension<T>?](repeating: nil, count: layerCount)
        if root["physicsml_ssf"].exists {
            let list = try root["physicsml_ssf"].array()
            guard list.count == layerCount else { throw root["physicsml_ssf"].fail("one entry per layer") }
            for (t, d) in list.enumerated() {
                let irreps = try d["irreps"].irreps()
                let gamma = try tensors.values(d["gamma"].string())
                let beta = try tensors.values(d["beta"].string())
                out[t] = .ssf(try InstanceAffine(irreps: irreps, scale: gamma, mean: [Double](repeating: 0, count: beta.count),
                                                 bias: beta))
            }
        }
        if root["physicsml_adapters"].exists {
            let list = try root["physicsml_adapters"].array()
            guard list.count == layerCount, out.allSatisfy({ $0 == nil }) else {
                throw root["physicsml_adapters"].fail("one entry per layer (and no SSF)")
            }
            for (t, d) in list.enumerated() { out[t] = .adapters(try LayerAdapters(d, modules: root["modules"], tensors: tensors)) }
        }
        return out
    }

    /// The dimension of the features this stage reads and writes.
    var dimension: Int {
        switch self {
        case .ssf(let a): a.dimension
        case .adapters(let a): a.norm.dimension
        }
    }

    /// Replaces `tape.output` (h') by h^(t+1); keeps in the tape what the reverse pass needs.
    func forward(_ c: PassContext<T>, tape: LayerTape<T>) {
        let n = c.nodeCount
        switch self {
        case .ssf(let a):
            a.forward(tape.output.pointer, rows: n, into: tape.output.pointer)
        case .adapters(let a):
            let ws = c.workspace
            let zBefore = ws.buffer(n * a.before.hiddenDimension, zeroed: false)
            let zAfter = ws.buffer(n * a.after.hiddenDimension, zeroed: false)
            let out = ws.buffer(n * a.norm.dimension, zeroed: false)
            a.norm.forward(tape.output.pointer, rows: n, into: out.pointer)
            a.before.forward(tape.input.pointer, rows: n, s: a.sBefore, z: zBefore, into: out.pointer, workspace: ws)
            a.after.forward(tape.output.pointer, rows: n, s: a.sAfter, z: zAfter, into: out.pointer, workspace: ws)
            tape.extensionCache = [zBefore, zAfter]
            tape.output = out
        }
    }

    /// Reverse mode: from g = ∂E/∂h^(t+1) returns ∂E/∂h' for the layer's own backward pass and
    /// adds the before-branch's ∂E/∂h^(t) to `inputGradient` (nil for the first layer, whose input
    /// depends on the elements only).
    func backward(_ c: PassContext<T>, tape: LayerTape<T>, gradient g: Buffer<T>, inputGradient: Buffer<T>?) -> Buffer<T> {
        let n = c.nodeCount
        switch self {
        case .ssf(let a):
            let d = c.workspace.buffer(n * a.dimension, zeroed: false)
            a.backward(g.pointer, rows: n, into: d.pointer, accumulate: false)
            return d
        case .adapters(let a):
            let zBefore = tape.extensionCache[0], zAfter = tape.extensionCache[1]
            let d = c.workspace.buffer(n * a.norm.dimension, zeroed: false)
            a.norm.backward(g.pointer, rows: n, into: d.pointer, accumulate: false)
            a.after.backward(g.pointer, rows: n, s: a.sAfter, z: zAfter, into: d.pointer, workspace: c.workspace)
            if let inputGradient {
                a.before.backward(g.pointer, rows: n, s: a.sBefore, z: zBefore, into: inputGradient.pointer, workspace: c.workspace)
            }
            return d
        }
    }
}
