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
///
/// The terms are sorted and grouped (``TermGroup``) so that the terms of one group share the
/// output row M and all but their last index: a group of order-3 terms (M, i0, i1, ·) adds
///
///     B_{c,M} += A_{c,i0} A_{c,i1} · q_c,   q_c = Σ_{t ∈ group} a_{z,t,c} A_{c,i2(t)},
///
/// so that the reverse pass (``backward(_:element:gradient:into:)``) reads each term once with
/// two multiply-adds per channel, q held in registers. The forward pass runs term by term.
struct SymmetricContraction<T: MACEScalar>: Sendable {
    struct Term: Sendable {
        var m: Int
        /// ν indices into the coupling components (unused slots are 0).
        var i0: Int, i1: Int, i2: Int
        var order: Int
    }
    /// Identifies a term while the terms are collected (indices sorted).
    private struct TermKey: Hashable { var m: Int, order: Int, i0: Int, i1: Int, i2: Int }
    /// Consecutive terms that share the output row M, the order and every index but the last:
    /// the shared indices are the group's prefix (order − 1 of them).
    struct TermGroup: Sendable {
        var m: Int
        /// The shared indices (unused slots are 0) and how many there are (0, 1 or 2).
        var p0: Int, p1: Int, prefixCount: Int
        /// The group's terms (indices into ``Output/terms`` and the folded table's rows).
        var terms: Range<Int>
    }
    struct Output: Sendable {
        var outOffset: Int
        /// Sorted by (M, order, i0, i1, i2).
        var terms: [Term]
        /// The last index of each term (i0, i1 or i2 for orders 1, 2, 3).
        var lastIndex: [Int]
        var groups: [TermGroup]
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
            // Sort by (M, order, i0, i1, i2) so that the terms of a group are consecutive.
            let order = terms.indices.sorted { a, b in
                let x = terms[a], y = terms[b]
                return (x.m, x.order, x.i0, x.i1, x.i2) < (y.m, y.order, y.i0, y.i1, y.i2)
            }
            terms = order.map { terms[$0] }
            coefficients = order.map { coefficients[$0] }
            weightsByTerm = order.map { weightsByTerm[$0] }
            let (lastIndex, groups) = Self.groups(of: terms)
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
            outputs.append(Output(outOffset: outOff[j], terms: terms, lastIndex: lastIndex, groups: groups, folded: folded))
        }
        self.outputs = outputs
    }

    var dimIn: Int { irrepsIn.dimension }

    /// The last index of each of `terms` (sorted) and their groups (see ``TermGroup``).
    private static func groups(of terms: [Term]) -> (lastIndex: [Int], groups: [TermGroup]) {
        var last: [Int] = [], groups: [TermGroup] = []
        for (t, term) in terms.enumerated() {
            let indices = [term.i0, term.i1, term.i2]
            last.append(indices[term.order - 1])
            let p0 = term.order > 1 ? term.i0 : 0, p1 = term.order > 2 ? term.i1 : 0
            if let g = groups.last, g.m == term.m, g.prefixCount == term.order - 1, g.p0 == p0, g.p1 == p1 {
                groups[groups.count - 1].terms = g.terms.lowerBound..<(t + 1)
            } else {
                groups.append(TermGroup(m: term.m, p0: p0, p1: p1, prefixCount: term.order - 1, terms: t..<(t + 1)))
            }
        }
        return (last, groups)
    }

    /// Multiplies and adds per node of ``forward(_:element:into:)`` (ν + 1 per channel of a
    /// term of order ν) and of ``backward(_:element:gradient:into:)`` (two per term and channel,
    /// plus per group and channel the prefix product and the prefix factors' gradients).
    var flopsPerNode: (forward: Double, backward: Double) {
        var f = 0, b = 0
        for o in outputs {
            for t in o.terms { f += t.order + 1 }
            for g in o.groups { b += 2 * g.terms.count + [0, 3, 6][g.prefixCount] }
        }
        return (Double(f * channels), Double(b * channels))
    }
    var dimOut: Int { irrepsOut.dimension }

    /// out ← B(A) for one node of element index `z`: A = `x` (components × channels), out (irrepsOut),
    /// term by term (one pass over the channels per term; the compiler vectorises the loops).
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
                    case 1: for c in 0..<C { y[c] = y[c].addingProduct(at[c], x0[c]) }
                    case 2:
                        let x1 = x + term.i1 * C
                        for c in 0..<C { y[c] = y[c].addingProduct(at[c] * x0[c], x1[c]) }
                    default:
                        let x1 = x + term.i1 * C, x2 = x + term.i2 * C
                        for c in 0..<C { y[c] = y[c].addingProduct(at[c] * x0[c] * x1[c], x2[c]) }
                    }
                }
            }
        }
    }

    /// Reverse mode for one node: dx (components × channels) += ∂E/∂A given g = ∂E/∂B.
    /// For a group with output gradient γ = g_M, prefix product P and q = Σ_t a_t A_{last(t)}
    /// (its contribution is γ P q):
    ///
    ///     ∂E/∂A_{last(t)} += γ P a_t,   ∂E/∂A_{p0} += γ q A_{p1},   ∂E/∂A_{p1} += γ q A_{p0}
    ///
    /// (with A_{p1} → 1 for one prefix factor), per lane of channels, q in registers. A
    /// repeated index (e.g. i1 = i2) is two factors of the product and gets both terms.
    func backward(_ x: UnsafePointer<T>, element z: Int, gradient g: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>) {
        for o in outputs {
            o.folded.table(z).withUnsafeBufferPointer { table in
                o.lastIndex.withUnsafeBufferPointer { last in
                    let rows = GroupRows(a: table.baseAddress!, last: last.baseAddress!, x: x, channels: channels)
                    for group in o.groups {
                        let gy = g + o.outOffset + group.m * channels
                        let k = rows.backward(group, gradient: gy, into: dx)
                        rows.backwardTail(group, gradient: gy, into: dx, from: k)
                    }
                }
            }
        }
    }
}

/// The rows one node's contraction reads: the folded weights a (terms × channels), each
/// term's last index, and the node's features A (components × channels); the reverse pass of
/// one ``SymmetricContraction/TermGroup``, eight channels at a time.
private struct GroupRows<T: MACEScalar> {
    let a: UnsafePointer<T>
    let last: UnsafePointer<Int>
    let x: UnsafePointer<T>
    let channels: Int

    typealias Lane = SIMD8<T>

    @inline(__always) func load(_ p: UnsafePointer<T>, _ k: Int) -> Lane {
        UnsafeRawPointer(p).loadUnaligned(fromByteOffset: k &* MemoryLayout<T>.stride, as: Lane.self)
    }

    @inline(__always) func store(_ v: Lane, _ p: UnsafeMutablePointer<T>, _ k: Int) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: k &* MemoryLayout<T>.stride, as: Lane.self)
    }

    /// (Π prefix A) at lane k.
    @inline(__always) func prefix(_ g: SymmetricContraction<T>.TermGroup, _ k: Int) -> Lane {
        let C = channels
        switch g.prefixCount {
        case 0: return Lane(repeating: 1)
        case 1: return load(x + g.p0 &* C, k)
        default: return load(x + g.p0 &* C, k) * load(x + g.p1 &* C, k)
        }
    }

    /// The reverse pass of one group for whole lanes of eight channels, given γ = ∂E/∂B_M: adds
    /// ∂E/∂A to dx (see ``SymmetricContraction/backward(_:element:gradient:into:)``); returns the
    /// first channel not done.
    @inline(__always)
    func backward(_ g: SymmetricContraction<T>.TermGroup, gradient gy: UnsafePointer<T>,
                  into dx: UnsafeMutablePointer<T>) -> Int {
        let C = channels
        let x0 = x + g.p0 &* C, x1 = x + g.p1 &* C, d0 = dx + g.p0 &* C, d1 = dx + g.p1 &* C
        var k = 0
        while k &+ 8 <= C {
            let gamma = load(gy, k), gp = gamma * prefix(g, k)
            var q = Lane()
            for t in g.terms {
                let at = load(a + t &* C, k), row = last[t] &* C
                q.addProduct(at, load(x + row, k))
                store(load(dx + row, k).addingProduct(gp, at), dx + row, k)
            }
            switch g.prefixCount {
            case 0: break
            case 1: store(load(d0, k).addingProduct(gamma, q), d0, k)
            default:
                let gq = gamma * q
                store(load(d0, k).addingProduct(gq, load(x1, k)), d0, k)
                store(load(d1, k).addingProduct(gq, load(x0, k)), d1, k)
            }
            k &+= 8
        }
        return k
    }

    /// ``backward(_:gradient:into:)`` for the channels k0..<C one at a time.
    func backwardTail(_ g: SymmetricContraction<T>.TermGroup, gradient gy: UnsafePointer<T>,
                      into dx: UnsafeMutablePointer<T>, from k0: Int) {
        let C = channels
        for k in k0..<C {
            let gamma = gy[k], a0 = x[g.p0 &* C &+ k], a1 = x[g.p1 &* C &+ k]
            let gp: T = switch g.prefixCount {
            case 0: gamma
            case 1: gamma * a0
            default: gamma * a0 * a1
            }
            var q: T = 0
            for t in g.terms {
                let at = a[t &* C &+ k], row = last[t] &* C &+ k
                q += at * x[row]
                dx[row] += gp * at
            }
            switch g.prefixCount {
            case 0: break
            case 1: dx[g.p0 &* C &+ k] += gamma * q
            default: dx[g.p0 &* C &+ k] += gamma * q * a1; dx[g.p1 &* C &+ k] += gamma * q * a0
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
