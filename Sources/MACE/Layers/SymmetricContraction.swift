import Foundation

/// MACE's symmetric contraction (product basis, eqs. 10–11 of Batatia et al.): for each output
/// irrep (L, M), channel c and node of element z,
///
///     B_{c,LM} = Σ_{ν=1}^{ν_max} Σ_{i1…iν} Σ_k U^{ν}_{M,i1…iν,k} W^{ν}_{z,k,c} Π_{t=1}^{ν} A_{c,i_t},
///
/// where A_{c,i} are the node's features (i runs over all components of the coupling irreps)
/// and U^{ν} the generalised Clebsch–Gordan tensors stored in the model. U is >99 % zeros, so it
/// is turned at load into a list of terms (M, i1…iν) with the weights folded in per element:
/// a_{z,term,c} = Σ_k U_{term,k} W_{z,k,c}. Evaluation is then a sparse polynomial in A.
/// The folded tables are built on first use of each element (a foundation model has ~90
/// elements, a simulation a few), see ``FoldedWeights``.
struct SymmetricContraction<T: MACEScalar>: Sendable {
    struct Term: Sendable {
        var m: Int
        /// ν indices into the coupling components (unused slots are 0).
        var i0: Int, i1: Int, i2: Int
        var order: Int
    }
    /// Identifies a term while the terms are collected (indices sorted).
    private struct TermKey: Hashable { var m: Int, order: Int, i0: Int, i1: Int, i2: Int }
        struct Output: Sendable {
        var outOffset: Int
        var terms: [Term]
        /// Per element: [term * channels + c].
        var folded: FoldedWeights<T>
    }
    let irrepsIn: Irreps
    let irrepsOut: Irreps
    let channels: Int
    let components: Int
    let outputs: [Output]

    init(_ d: JSONNode, tensors: ModelTensors, elementCount: Int) throws {
        irrepsIn = try d["irreps_in"].irreps()
        irrepsOut = try d["irreps_out"].irreps()
        let c0 = irrepsIn.blocks.first?.mul ?? 0
        guard irrepsIn.blocks.allSatisfy({ $0.mul == c0 }), irrepsOut.blocks.allSatisfy({ $0.mul == c0 }) else {
            throw MACEError.unsupported("\(d.path): product basis needs equal channel counts in \(irrepsIn) → \(irrepsOut)")
        }
        let components = irrepsIn.blocks.reduce(0) { $0 + $1.irrep.dimension }
        let C = c0
        channels = c0
        self.components = components
        let outOff = irrepsOut.offsets
        var outputs: [Output] = []
        let list = try d["contractions"].array()
        guard list.count == irrepsOut.blocks.count else { throw d["contractions"].fail("one contraction per output irrep") }
        for (j, cd) in list.enumerated() {
            let corr = try cd["correlation"].int()
            guard (1...3).contains(corr) else {
                throw MACEError.unsupported("\(cd.path): correlation \(corr) (supported: 1…3)")
            }
            let nEl = try cd["num_elements"].int()
            guard nEl == elementCount || nEl == 1 else { throw cd.fail("num_elements \(elementCount) or 1") }
            let dimM = irrepsOut.blocks[j].irrep.dimension
            var terms: [Term] = []
            var coefficients: [[(k: Int, u: Double)]] = []
            var weightsByTerm: [Int] = []  // ν of each term
            var weightTables: [Int: (k: Int, w: [Double])] = [:]
            var termIndex: [TermKey: Int] = [:]
            for nu in 1...corr {
                let uEntry = cd["U_matrices"][String(nu)]
                let u = try tensors.tensor(uEntry["name"].string())
                let shape = u.shape
                let hasM = shape.count == nu + 2
                guard shape.count == nu + 1 || hasM, Array(shape[(hasM ? 1 : 0)..<(shape.count - 1)]).allSatisfy({ $0 == components }),
                      !hasM || shape[0] == dimM else {
                    throw MACEError.tensor("\(uEntry.path): U shape \(shape) does not match \(components) components")
                }
                let K = shape.last!
                let w = try tensors.values(cd["weights_by_nu"][String(nu)].string(), count: nEl * K * channels)
                weightTables[nu] = (K, w)
                let perM = u.count / (hasM ? dimM : 1)
                for m in 0..<(hasM ? dimM : 1) {
                    var idx = 0
                    while idx < perM {
                        // one index tuple = K consecutive values
                        var ks: [(Int, Double)] = []
                        for k in 0..<K { let v = u.values[m * perM + idx + k]; if v != 0 { ks.append((k, v)) } }
                        if !ks.isEmpty {
                            var rest = idx / K
                            var ii = [0, 0, 0]
                            for t in stride(from: nu - 1, through: 0, by: -1) { ii[t] = rest % components; rest /= components }
                            // A_i0 A_i1 A_i2 does not depend on the order of the indices: the
                            // tuples that are permutations of one another are one term whose
                            // coefficients are the sum of theirs (U is symmetric, so this merges
                            // up to ν! tuples).
                            let sorted = ii[0..<nu].sorted() + Array(repeating: 0, count: 3 - nu)
                            let key = TermKey(m: m, order: nu, i0: sorted[0], i1: sorted[1], i2: sorted[2])
                            if let t = termIndex[key] {
                                coefficients[t] += ks
                            } else {
                                termIndex[key] = terms.count
                                terms.append(Term(m: m, i0: sorted[0], i1: sorted[1], i2: sorted[2], order: nu))
                                coefficients.append(ks)
                                weightsByTerm.append(nu)
                            }
                        }
                        idx += K
                    }
                }
            }
            let termCount = terms.count
            let sources = coefficients.enumerated().map { (t, ks) in (table: weightsByTerm[t], ks: ks) }
            let tables = weightTables
            let folded = FoldedWeights<T>(elementCount: nEl == 1 ? 1 : elementCount) { zz in
                var f = [T](repeating: 0, count: termCount * C)
                for (t, source) in sources.enumerated() {
                    guard let (K, w) = tables[source.table] else { continue }
                    for (k, u) in source.ks {
                        let base = (zz * K + k) * C
                        for c in 0..<C { f[t * C + c] += T(u * w[base + c]) }
                    }
                }
                return f
            }
            outputs.append(Output(outOffset: outOff[j], terms: terms, folded: folded))
        }
        self.outputs = outputs
    }

    var dimIn: Int { irrepsIn.dimension }

    /// Multiplies and adds per node of ``forward(_:element:into:)`` (ν + 1 per channel of a
    /// term of order ν) and of ``backward(_:element:gradient:into:)`` (2, 5 and 10 per channel
    /// for orders 1, 2 and 3).
    var flopsPerNode: (forward: Double, backward: Double) {
        var f = 0, b = 0
        for o in outputs { for t in o.terms { f += t.order + 1; b += [0, 2, 5, 10][min(t.order, 3)] } }
        return (Double(f * channels), Double(b * channels))
    }
    var dimOut: Int { irrepsOut.dimension }

    /// out ← B(A) for one node of element index `z`: A = `x` (components × channels), out (irrepsOut).
    func forward(_ x: UnsafePointer<T>, element z: Int, into out: UnsafeMutablePointer<T>) {
        let C = channels
        out.update(repeating: 0, count: dimOut)
        for o in outputs {
            o.folded.table(z).withUnsafeBufferPointer { a in
                for (t, term) in o.terms.enumerated() {
                    let at = a.baseAddress! + t * C
                    let y = out + o.outOffset + term.m * C
                    let x0 = x + term.i0 * C
                    switch term.order {
                    case 1: for c in 0..<C { y[c] += at[c] * x0[c] }
                    case 2:
                        let x1 = x + term.i1 * C
                        for c in 0..<C { y[c] += at[c] * x0[c] * x1[c] }
                    default:
                        let x1 = x + term.i1 * C, x2 = x + term.i2 * C
                        for c in 0..<C { y[c] += at[c] * x0[c] * x1[c] * x2[c] }
                    }
                }
            }
        }
    }

    /// Reverse mode for one node: dx (components × channels) += ∂E/∂A given g = ∂E/∂B.
    func backward(_ x: UnsafePointer<T>, element z: Int, gradient g: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>) {
        let C = channels
        for o in outputs {
            o.folded.table(z).withUnsafeBufferPointer { a in
                for (t, term) in o.terms.enumerated() {
                    let at = a.baseAddress! + t * C
                    let gy = g + o.outOffset + term.m * C
                    let x0 = x + term.i0 * C, d0 = dx + term.i0 * C
                    switch term.order {
                    case 1: for c in 0..<C { d0[c] += at[c] * gy[c] }
                    case 2:
                        let x1 = x + term.i1 * C, d1 = dx + term.i1 * C
                        for c in 0..<C { let s = at[c] * gy[c]; d0[c] += s * x1[c]; d1[c] += s * x0[c] }
                    default:
                        let x1 = x + term.i1 * C, x2 = x + term.i2 * C
                        let d1 = dx + term.i1 * C, d2 = dx + term.i2 * C
                        for c in 0..<C {
                            let s = at[c] * gy[c]
                            d0[c] += s * x1[c] * x2[c]; d1[c] += s * x0[c] * x2[c]; d2[c] += s * x0[c] * x1[c]
                        }
                    }
                }
            }
        }
    }
}

/// The per-element folded coefficients of one contraction output, built lazily and kept.
/// Thread-safe; an agnostic product (one weight set) maps every element to table 0.
final class FoldedWeights<T: MACEScalar>: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [[T]?]
    private let build: @Sendable (Int) -> [T]

    init(elementCount: Int, build: @escaping @Sendable (Int) -> [T]) {
        tables = Array(repeating: nil, count: elementCount)
        self.build = build
    }

    /// The folded table of element index `z`.
    func table(_ z: Int) -> [T] {
        let index = tables.count == 1 ? 0 : z
        lock.lock()
        defer { lock.unlock() }
        if let t = tables[index] { return t }
        let t = build(index)
        tables[index] = t
        return t
    }
}
