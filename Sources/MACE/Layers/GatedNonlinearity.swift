/// The gated equivariant non-linearity of mace's non-linear interaction block (e3nn `Gate`):
/// input = [scalars s | gates g | gated blocks v_b], output = [σ_s(s) | σ_g(g_b,u)·v_b[m][u]],
///
///     σ_s(x) = c_s·SiLU(x),   σ_g(x) = c_g·sigmoid(x),
///
/// with c the e3nn second-moment constants. One gate per channel of each gated block; the
/// product with a scalar keeps equivariance.
struct GatedNonlinearity<T: MACEScalar>: Sendable {
    struct GatedBlock: Sendable { var inStart: Int, outStart: Int, dimension: Int, mul: Int, gateOffset: Int }
    let scalarStart: Int, scalarCount: Int
    let gateStart: Int, gateCount: Int
    let blocks: [GatedBlock]
    /// σ_s and σ_g with the model's constants.
    let scalarActivation: ScaledActivation<T>, gateActivation: ScaledActivation<T>
    let dimIn: Int, dimOut: Int

    init(_ d: JSONNode) throws {
        guard try d["layout"].string() == "mul_ir", try d["scalar_act"].string() == "silu",
              try d["gate_act"].string() == "sigmoid" else {
            throw MACEError.unsupported("\(d.path): gate other than silu scalars / sigmoid gates (mul_ir)")
        }
        let s = try d["scalars_slice"].ints(), g = try d["gates_slice"].ints()
        scalarStart = s[0]; scalarCount = s[1]; gateStart = g[0]; gateCount = g[1]
        scalarActivation = ScaledActivation(.silu, scale: T(try d["scalar_cst"].double()))
        gateActivation = ScaledActivation(.sigmoid, scale: T(try d["gate_cst"].double()))
        dimIn = try d["irreps_in"]["dim"].int(); dimOut = try d["irreps_out"]["dim"].int()
        var out = scalarCount
        var blocks: [GatedBlock] = []
        for b in try d["gated_blocks"].array() {
            let blk = GatedBlock(inStart: try b["start"].int(), outStart: out, dimension: try b["ir_dim"].int(),
                                 mul: try b["mul"].int(), gateOffset: try b["gate_offset"].int())
            guard blk.inStart + blk.dimension * blk.mul <= dimIn, blk.gateOffset + blk.mul <= gateCount else { throw b.fail("a gated block in range") }
            out += blk.dimension * blk.mul
            blocks.append(blk)
        }
        guard out == dimOut else { throw d.fail("output dimension \(dimOut)") }
        self.blocks = blocks
    }

    /// y (dimOut) ← Gate(x (dimIn)) for one node.
    func forward(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        for k in 0..<scalarCount {
            let v = x[scalarStart + k]
            y[k] = scalarActivation.value(v)
        }
        for b in blocks {
            for u in 0..<b.mul {
                let gv = x[gateStart + b.gateOffset + u]
                let gate = gateActivation.value(gv)
                for m in 0..<b.dimension { y[b.outStart + m * b.mul + u] = gate * x[b.inStart + m * b.mul + u] }
            }
        }
    }

    /// dx (dimIn) ← ∂E/∂x for one node given dy = ∂E/∂y.
    func backward(_ x: UnsafePointer<T>, gradient dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>) {
        dx.update(repeating: 0, count: dimIn)
        for k in 0..<scalarCount {
            dx[scalarStart + k] = dy[k] * scalarActivation.valueAndDerivative(x[scalarStart + k]).derivative
        }
        for b in blocks {
            for u in 0..<b.mul {
                let (gate, slope) = gateActivation.valueAndDerivative(x[gateStart + b.gateOffset + u])
                var dGate: T = 0
                for m in 0..<b.dimension {
                    let o = b.outStart + m * b.mul + u, i = b.inStart + m * b.mul + u
                    dGate += dy[o] * x[i]
                    dx[i] += dy[o] * gate
                }
                dx[gateStart + b.gateOffset + u] += dGate * slope
            }
        }
    }
}
