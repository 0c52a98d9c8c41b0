/// The element-dependent linear map of MACE's self-connection (`skip_tp`, e3nn's
/// `FullyConnectedTensorProduct(x, node_attrs)` with one-hot node attributes), mace eq. (12):
///
///     y_b[m][w] = Σ_a c_ab C^{l0l}_{m0m} Σ_u x_a[m][u] W_ab[u][z][w]      (z = element of the node)
///
/// C^{l0l} = δ_mm'/√(2l+1) is e3nn's Wigner-3j with a scalar, c_ab the instruction path weight.
/// With one-hot attributes the tensor product is a per-element channel mixing W_ab[·][z][·].
struct ElementLinear<T: MACEScalar>: Sendable {
    struct Path: Sendable {
        var inOffset: Int, outOffset: Int, mulIn: Int, mulOut: Int, dimension: Int
        /// [element][mulIn × mulOut], all constants folded in.
        var weights: [[T]]
    }
    let irrepsIn: Irreps
    let irrepsOut: Irreps
    let paths: [Path]
    var dimIn: Int { irrepsIn.dimension }
    /// Multiplies and adds per row (forward or backward).
    var flopsPerRow: Double { paths.reduce(0) { $0 + 2 * Double($1.dimension * $1.mulIn * $1.mulOut) } }
    var dimOut: Int { irrepsOut.dimension }

    init(_ d: JSONNode, tensors: ModelTensors, elementCount: Int) throws {
        irrepsIn = try d["irreps_in1"].irreps()
        irrepsOut = try d["irreps_out"].irreps()
        let attrs = try d["irreps_in2"].irreps()
        guard attrs.blocks.count == 1, attrs.blocks[0].mul == elementCount, attrs.blocks[0].irrep.l == 0 else {
            throw MACEError.unsupported("\(d.path): node attributes \(attrs) are not \(elementCount)x0e")
        }
        let w = try tensors.values(d["weight"].string(), count: try d["weight_numel"].int())
        let inOff = irrepsIn.offsets, outOff = irrepsOut.offsets
        var paths: [Path] = []
        for ins in try d["instructions"].array() {
            guard try ins["connection_mode"].string() == "uvw" else { throw ins.fail("connection mode uvw") }
            let a = try ins["i_in1"].int(), b = try ins["i_out"].int()
            guard a >= 0, a < irrepsIn.blocks.count, b >= 0, b < irrepsOut.blocks.count,
                  irrepsIn.blocks[a].irrep == irrepsOut.blocks[b].irrep else { throw ins.fail("a valid instruction") }
            let mi = irrepsIn.blocks[a].mul, mo = irrepsOut.blocks[b].mul
            let dim = irrepsIn.blocks[a].irrep.dimension
            let w3j = try tensors.values(ins["w3j"].string(), count: dim * dim)
            // C[m, 0, m'] must be c·δ_mm'.
            let c = w3j[0]
            for m in 0..<dim { for m2 in 0..<dim where abs(w3j[m * dim + m2] - (m == m2 ? c : 0)) > 1e-12 {
                throw ins.fail("a diagonal Wigner-3j for x ⊗ 0e → x")
            } }
            let factor = try ins["path_weight"].double() * c
            let off = try ins["weight_offset"].int()
            guard off >= 0, off + mi * elementCount * mo <= w.count else { throw ins.fail("weights in range") }
            let perElement: [[T]] = (0..<elementCount).map { z in
                var m = [T](repeating: 0, count: mi * mo)
                for u in 0..<mi { for v in 0..<mo { m[u * mo + v] = T(factor * w[off + (u * elementCount + z) * mo + v]) } }
                return m
            }
            paths.append(Path(inOffset: inOff[a], outOffset: outOff[b], mulIn: mi, mulOut: mo,
                              dimension: dim, weights: perElement))
        }
        self.paths = paths
    }

    /// y[n] ← (or +=) Σ paths x[n]·W_{z(n)} for rows n with element index `elements[n]`.
    /// Runs of consecutive nodes of one element are one GEMM per path and component; rows are
    /// split between the cores.
    func forward(_ x: UnsafePointer<T>, elements: [Int], into y: UnsafeMutablePointer<T>, accumulate: Bool = false) {
        let rows = elements.count
        if !accumulate { y.update(repeating: 0, count: rows * dimOut) }
        Parallel.forChunks(rows, grain: 32) { chunk in
            Self.forEachRun(of: elements, in: chunk) { run, z in
                for p in paths {
                    p.weights[z].withUnsafeBufferPointer { w in
                        for m in 0..<p.dimension {
                            T.gemm(transA: false, transB: false, m: run.count, n: p.mulOut, k: p.mulIn, alpha: 1,
                                   a: x + run.lowerBound * dimIn + p.inOffset + m * p.mulIn, lda: dimIn,
                                   b: w.baseAddress!, ldb: p.mulOut,
                                   beta: 1, c: y + run.lowerBound * dimOut + p.outOffset + m * p.mulOut, ldc: dimOut)
                        }
                    }
                }
            }
        }
    }

    /// Reverse mode: dx[n] += dy[n]·W_{z(n)}ᵀ.
    func backward(_ dy: UnsafePointer<T>, elements: [Int], into dx: UnsafeMutablePointer<T>) {
        Parallel.forChunks(elements.count, grain: 32) { chunk in
            Self.forEachRun(of: elements, in: chunk) { run, z in
                for p in paths {
                    p.weights[z].withUnsafeBufferPointer { w in
                        for m in 0..<p.dimension {
                            T.gemm(transA: false, transB: true, m: run.count, n: p.mulIn, k: p.mulOut, alpha: 1,
                                   a: dy + run.lowerBound * dimOut + p.outOffset + m * p.mulOut, lda: dimOut,
                                   b: w.baseAddress!, ldb: p.mulOut,
                                   beta: 1, c: dx + run.lowerBound * dimIn + p.inOffset + m * p.mulIn, ldc: dimIn)
                        }
                    }
                }
            }
        }
    }

    /// Splits `range` into maximal runs of equal `elements[n]`.
    private static func forEachRun(of elements: [Int], in range: Range<Int>, _ body: (Range<Int>, Int) -> Void) {
        var start = range.lowerBound
        while start < range.upperBound {
            let z = elements[start]
            var end = start + 1
            while end < range.upperBound, elements[end] == z { end += 1 }
            body(start..<end, z)
            start = end
        }
    }
}
