/// The channel-wise ("uvu") tensor product of MACE's interaction, eq. (8) of Batatia et al.:
/// the one-particle basis of an edge j → i,
///
///     φ_{k l3 m3}(ij) = Σ_{l1 l2} c_{l1l2l3} Σ_{m1 m2} C^{l1 l2 l3}_{m1 m2 m3} R_{k,ins}(r_ij) Y_{l2 m2}(r̂_ij) h_{j,k l1 m1},
///
/// with one output block per instruction (l1, l2 → l3), R the radial-MLP weights of the edge
/// (one per channel k and instruction), C e3nn's real Wigner-3j and c the instruction's path
/// weight (√(2l3+1) for "component" normalisation). The Wigner-3j tensors are stored sparsely.
struct ConvolutionTensorProduct<T: MACEScalar>: Sendable {
    struct Entry: Sendable { var m1: Int, m2: Int, m3: Int, coefficient: T }
    struct Instruction: Sendable {
        /// Offsets of the input block (node features), the harmonic block and the output block.
        var inOffset: Int, shOffset: Int, outOffset: Int
        /// Multiplicity (channels) of input and output block.
        var mul: Int
        /// Offset of this instruction's weights in the per-edge weight vector.
        var weightOffset: Int
        /// 2l1 + 1 of the input block.
        var inDimension: Int
        var entries: [Entry]
    }
    let irrepsIn: Irreps
    let irrepsSH: Irreps
    let irrepsOut: Irreps
    let instructions: [Instruction]
    let weightCount: Int

    init(_ d: JSONNode, tensors: ModelTensors) throws {
        irrepsIn = try d["irreps_in1"].irreps()
        irrepsSH = try d["irreps_in2"].irreps()
        irrepsOut = try d["irreps_out"].irreps()
        weightCount = try d["weight_numel"].int()
        let o1 = irrepsIn.offsets, o2 = irrepsSH.offsets, o3 = irrepsOut.offsets
        var list: [Instruction] = []
        for ins in try d["instructions"].array() {
            guard try ins["connection_mode"].string() == "uvu", try ins["has_weight"].bool() else {
                throw MACEError.unsupported("\(ins.path): only weighted 'uvu' convolution instructions are supported")
            }
            let a = try ins["i_in1"].int(), b = try ins["i_in2"].int(), c = try ins["i_out"].int()
            guard a >= 0, a < irrepsIn.blocks.count, b >= 0, b < irrepsSH.blocks.count, c >= 0, c < irrepsOut.blocks.count,
                  irrepsSH.blocks[b].mul == 1, irrepsIn.blocks[a].mul == irrepsOut.blocks[c].mul else {
                throw ins.fail("a valid uvu instruction")
            }
            let d1 = irrepsIn.blocks[a].irrep.dimension, d2 = irrepsSH.blocks[b].irrep.dimension
            let d3 = irrepsOut.blocks[c].irrep.dimension
            let w3j = try tensors.values(ins["w3j"].string(), count: d1 * d2 * d3)
            let pw = try ins["path_weight"].double()
            var entries: [Entry] = []
            for m1 in 0..<d1 { for m2 in 0..<d2 { for m3 in 0..<d3 {
                let v = w3j[(m1 * d2 + m2) * d3 + m3]
                if v != 0 { entries.append(Entry(m1: m1, m2: m2, m3: m3, coefficient: T(pw * v))) }
            } } }
            let woff = try ins["weight_offset"].int()
            guard woff >= 0, woff + irrepsIn.blocks[a].mul <= weightCount else { throw ins.fail("weights in range") }
            list.append(Instruction(inOffset: o1[a], shOffset: o2[b], outOffset: o3[c], mul: irrepsIn.blocks[a].mul,
                                    weightOffset: woff, inDimension: d1, entries: entries))
        }
        instructions = list
    }

    /// Multiplies and adds of ``accumulate(x:sh:weights:into:scratch:)`` for one edge:
    /// per instruction d1·u for w·x and 2u per Wigner entry.
    var forwardFlopsPerEdge: Double {
        instructions.reduce(0) { $0 + Double($1.inDimension * $1.mul + 2 * $1.entries.count * $1.mul) }
    }

    /// Multiplies and adds of ``backward(x:sh:weights:gradient:dx:dSH:dWeights:scratch:)`` for
    /// one edge: d1·u for w·x, 4u per Wigner entry (G and ∂E/∂Y), 4·d1·u for ∂E/∂x and ∂E/∂w.
    var backwardFlopsPerEdge: Double {
        instructions.reduce(0) { $0 + Double(5 * $1.inDimension * $1.mul + 4 * $1.entries.count * $1.mul) }
    }

    /// Scalars of scratch space the per-edge kernels need (two d1 × mul arrays).
    var scratchCount: Int {
        instructions.map { 2 * $0.inDimension * $0.mul }.max() ?? 0
    }

    /// out += φ(x, Y, w) for one edge: x the sender's features (irrepsIn), Y the harmonics,
    /// w the edge's weights (`weightCount`), out the receiver's message (irrepsOut).
    /// With (wx)_{m1,u} = w_u x_{m1,u} formed once per instruction, each Wigner entry costs one
    /// multiply-add per channel.
    @inline(__always)
    func accumulate(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>, into out: UnsafeMutablePointer<T>,
                    scratch: UnsafeMutablePointer<T>) {
        for ins in instructions {
            let u = ins.mul
            let wi = w + ins.weightOffset
            let d1 = ins.inDimension
            for m1 in 0..<d1 {
                let xi = x + ins.inOffset + m1 * u, wx = scratch + m1 * u
                for k in 0..<u { wx[k] = wi[k] * xi[k] }
            }
            for e in ins.entries {
                let s = e.coefficient * sh[ins.shOffset + e.m2]
                let wx = scratch + e.m1 * u
                let oi = out + ins.outOffset + e.m3 * u
                for k in 0..<u { oi[k] += s * wx[k] }
            }
        }
    }

    /// Reverse mode for one edge, given g = ∂E/∂out: adds ∂E/∂x to dx, ∂E/∂Y to dSH and
    /// writes ∂E/∂w to dWeights (overwritten). With G_{m1,u} = Σ_{entries} c Y_{m2} g_{m3,u}:
    /// ∂E/∂x_{m1,u} = w_u G_{m1,u}, ∂E/∂w_u = Σ_{m1} x_{m1,u} G_{m1,u},
    /// ∂E/∂Y_{m2} = Σ_{entries} c Σ_u (wx)_{m1,u} g_{m3,u}.
    @inline(__always)
    func backward(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>, gradient g: UnsafePointer<T>,
                  dx: UnsafeMutablePointer<T>, dSH: UnsafeMutablePointer<T>, dWeights dw: UnsafeMutablePointer<T>,
                  scratch: UnsafeMutablePointer<T>) {
        for ins in instructions {
            let u = ins.mul
            let wi = w + ins.weightOffset
            let dwi = dw + ins.weightOffset
            let d1 = ins.inDimension
            let wxAll = scratch, gAll = scratch + d1 * u
            for m1 in 0..<d1 {
                let xi = x + ins.inOffset + m1 * u, wx = wxAll + m1 * u, gg = gAll + m1 * u
                for k in 0..<u { wx[k] = wi[k] * xi[k]; gg[k] = 0 }
            }
            for e in ins.entries {
                let c = e.coefficient
                let s = c * sh[ins.shOffset + e.m2]
                let wx = wxAll + e.m1 * u, gg = gAll + e.m1 * u
                let gi = g + ins.outOffset + e.m3 * u
                for k in 0..<u { gg[k] += s * gi[k] }
                dSH[ins.shOffset + e.m2] += c * dotProduct(wx, gi, count: u)
            }
            for k in 0..<u { dwi[k] = 0 }
            for m1 in 0..<d1 {
                let xi = x + ins.inOffset + m1 * u, dxi = dx + ins.inOffset + m1 * u, gg = gAll + m1 * u
                for k in 0..<u { dxi[k] += wi[k] * gg[k]; dwi[k] += xi[k] * gg[k] }
            }
        }
    }
}
