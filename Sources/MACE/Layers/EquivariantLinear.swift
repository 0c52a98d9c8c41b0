/// e3nn's `o3.Linear` between irreps (no biases): for each instruction (block a of the input →
/// block b of the output, same irrep) a channel-mixing matrix W_ab (mul_a × mul_b) acts on
/// every component m alike,
///
///     y_b[m][v] = Σ_a  c_ab Σ_u x_a[m][u] W_ab[u][v],     c_ab = path_weight = 1/√(Σ_{a→b} mul_a),
///
/// which is equivariant because it never mixes m. Features are node-major, blocks m-major with
/// the channel fastest (see ``Irreps``), so each (instruction, m) is one strided GEMM over all rows.
struct EquivariantLinear<T: MACEScalar>: Sendable {
    struct Path: Sendable {
        var inOffset: Int, outOffset: Int, mulIn: Int, mulOut: Int, dimension: Int
        /// mul_in × mul_out, path weight folded in.
        var weights: [T]
    }
    /// A bias b (path weight folded in) added to the scalar output block at `outOffset`.
    struct Bias: Sendable { var outOffset: Int; var values: [T] }
    let irrepsIn: Irreps
    let irrepsOut: Irreps
    let paths: [Path]
    let biases: [Bias]
    var dimIn: Int { irrepsIn.dimension }
    /// Multiplies and adds per row (forward or backward).
    var flopsPerRow: Double { paths.reduce(0) { $0 + 2 * Double($1.dimension * $1.mulIn * $1.mulOut) } }
    var dimOut: Int { irrepsOut.dimension }

    /// Builds the layer from its description in the model configuration.
    init(_ d: JSONNode, tensors: ModelTensors) throws {
        irrepsIn = try d["irreps_in"].irreps()
        irrepsOut = try d["irreps_out"].irreps()
        let biasCount = d["bias_numel"].exists ? try d["bias_numel"].int() : 0
        let biasValues = biasCount > 0 ? try tensors.values(d["bias"].string(), count: biasCount) : []
        var biasOffset = 0
        var biases: [Bias] = []
        let weightNumel = try d["weight_numel"].int()
        let w = try tensors.values(d["weight"].string(), count: weightNumel)
        let inOff = irrepsIn.offsets, outOff = irrepsOut.offsets
        var paths: [Path] = []
        for ins in try d["instructions"].array() {
            let a = try ins["i_in"].int(), b = try ins["i_out"].int()
            if a == -1 {
                // e3nn bias instruction: bias slice of size dim(out block), consumed in order.
                guard b >= 0, b < irrepsOut.blocks.count, irrepsOut.blocks[b].irrep.l == 0 else { throw ins.fail("a scalar bias") }
                let n = irrepsOut.blocks[b].mul, pw = try ins["path_weight"].double()
                guard biasOffset + n <= biasValues.count else { throw ins.fail("bias inside the bias tensor") }
                biases.append(Bias(outOffset: outOff[b], values: (0..<n).map { T(pw * biasValues[biasOffset + $0]) }))
                biasOffset += n
                continue
            }
            guard a >= 0, a < irrepsIn.blocks.count, b >= 0, b < irrepsOut.blocks.count,
                  irrepsIn.blocks[a].irrep == irrepsOut.blocks[b].irrep else { throw ins.fail("a valid instruction") }
            let mi = irrepsIn.blocks[a].mul, mo = irrepsOut.blocks[b].mul
            let off = try ins["weight_offset"].int(), pw = try ins["path_weight"].double()
            guard off >= 0, off + mi * mo <= w.count else { throw ins.fail("weights inside the weight tensor") }
            paths.append(Path(inOffset: inOff[a], outOffset: outOff[b], mulIn: mi, mulOut: mo,
                              dimension: irrepsIn.blocks[a].irrep.dimension,
                              weights: (0..<(mi * mo)).map { T(pw * w[off + $0]) }))
        }
        self.paths = paths
        self.biases = biases
    }

    /// y (rows × dimOut) ← Linear(x) (+ biases) for x (rows × dimIn); with `accumulate`, y += Linear(x).
    /// Rows are split between the cores.
    func forward(_ x: UnsafePointer<T>, rows: Int, into y: UnsafeMutablePointer<T>, accumulate: Bool = false) {
        Parallel.forChunks(rows, grain: 32) { r in
            forwardRows(x + r.lowerBound * dimIn, rows: r.count, into: y + r.lowerBound * dimOut, accumulate: accumulate)
        }
    }

    private func forwardRows(_ x: UnsafePointer<T>, rows: Int, into y: UnsafeMutablePointer<T>, accumulate: Bool) {
        if !accumulate { y.update(repeating: 0, count: rows * dimOut) }
        for bias in biases {
            for r in 0..<rows { for k in bias.values.indices { y[r * dimOut + bias.outOffset + k] += bias.values[k] } }
        }
        for p in paths {
            p.weights.withUnsafeBufferPointer { w in
                for m in 0..<p.dimension {
                    T.gemm(transA: false, transB: false, m: rows, n: p.mulOut, k: p.mulIn, alpha: 1,
                           a: x + p.inOffset + m * p.mulIn, lda: dimIn, b: w.baseAddress!, ldb: p.mulOut,
                           beta: 1, c: y + p.outOffset + m * p.mulOut, ldc: dimOut)
                }
            }
        }
    }

    /// Reverse mode: dx (rows × dimIn) += dy · Wᵀ (or ← when `accumulate` is false). Rows are
    /// split between the cores.
    func backward(_ dy: UnsafePointer<T>, rows: Int, into dx: UnsafeMutablePointer<T>, accumulate: Bool = true) {
        Parallel.forChunks(rows, grain: 32) { r in
            backwardRows(dy + r.lowerBound * dimOut, rows: r.count, into: dx + r.lowerBound * dimIn, accumulate: accumulate)
        }
    }

    private func backwardRows(_ dy: UnsafePointer<T>, rows: Int, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        if !accumulate { dx.update(repeating: 0, count: rows * dimIn) }
        for p in paths {
            p.weights.withUnsafeBufferPointer { w in
                for m in 0..<p.dimension {
                    T.gemm(transA: false, transB: true, m: rows, n: p.mulIn, k: p.mulOut, alpha: 1,
                           a: dy + p.outOffset + m * p.mulOut, lda: dimOut, b: w.baseAddress!, ldb: p.mulOut,
                           beta: 1, c: dx + p.inOffset + m * p.mulIn, ldc: dimIn)
                }
            }
        }
    }
}
