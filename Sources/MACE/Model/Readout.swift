/// A readout of MACE eq. (13): the node energy contribution of one layer's features.
///
/// - linear: E_i = W·h_i (scalars only);
/// - non-linear (last layer): E_i = W₂·mask_head(σ(W₁·h_i)), σ the normalised SiLU.
/// The output has one column per head; `head` picks the column.
struct Readout<T: MACEScalar>: Sendable {
    let first: EquivariantLinear<T>
    let second: EquivariantLinear<T>?
    let activationScale: T
    /// Hidden units [start, end) kept for the chosen head (the others are masked to zero).
    let keptHidden: Range<Int>
    let head: Int
    let layer: Int

    init(index r: Int, config root: JSONNode, tensors: ModelTensors, head: Int, headCount: Int) throws {
        let d = try root["readouts"].array()[r]
        let cls = try d["class"].string()
        layer = try d["reads_layer"].int()
        self.head = head
        let m = root["modules"]
        switch cls {
        case "LinearReadoutBlock":
            first = try EquivariantLinear(m["readouts.\(r).linear"], tensors: tensors)
            second = nil
            activationScale = 1
            keptHidden = 0..<0
        case "NonLinearReadoutBlock":
            first = try EquivariantLinear(m["readouts.\(r).linear_1"], tensors: tensors)
            second = try EquivariantLinear(m["readouts.\(r).linear_2"], tensors: tensors)
            let acts = try m["readouts.\(r).non_linearity"]["acts"].array()
            guard acts.count == 1, try acts[0]["name"].string() == "silu" else {
                throw MACEError.unsupported("readouts.\(r): readout activation other than silu")
            }
            activationScale = T(try acts[0]["effective_scale"].double())
            let hidden = first.dimOut
            let per = hidden / max(headCount, 1)
            keptHidden = headCount > 1 ? (head * per)..<((head + 1) * per) : 0..<hidden
        default:
            throw MACEError.unsupported("unsupported readout '\(cls)' (supported: LinearReadoutBlock, NonLinearReadoutBlock)")
        }
    }

    /// Node energies e_i (before scale/shift) for `rows` nodes; `cache` keeps the hidden
    /// pre-activations for the backward pass.
    func forward(_ h: UnsafePointer<T>, rows: Int, cache: Buffer<T>?) -> [T] {
        let out1 = Buffer<T>(count: rows * first.dimOut)
        first.forward(h, rows: rows, into: out1.pointer)
        guard let second else { return (0..<rows).map { out1[$0 * first.dimOut + head] } }
        let hd = first.dimOut
        if let cache { for i in 0..<(rows * hd) { cache[i] = out1[i] } }
        for n in 0..<rows { for k in 0..<hd {
            let z = out1[n * hd + k], s = 1 / (1 + T.exp(-z))
            out1[n * hd + k] = keptHidden.contains(k) ? activationScale * z * s : 0
        } }
        let out2 = Buffer<T>(count: rows * second.dimOut)
        second.forward(out1.pointer, rows: rows, into: out2.pointer)
        return (0..<rows).map { out2[$0 * second.dimOut + head] }
    }

    /// Reverse mode: dh (rows × dimIn) += ∂(Σ_i s·e_i)/∂h with s = `seed` (the energy scale).
    func backward(seed: T, rows: Int, cache: Buffer<T>?, into dh: UnsafeMutablePointer<T>) {
        let g1 = Buffer<T>(count: rows * first.dimOut)
        if let second, let cache {
            let g2 = Buffer<T>(count: rows * second.dimOut)
            for n in 0..<rows { g2[n * second.dimOut + head] = seed }
            second.backward(g2.pointer, rows: rows, into: g1.pointer)
            let hd = first.dimOut
            for n in 0..<rows { for k in 0..<hd {
                guard keptHidden.contains(k) else { g1[n * hd + k] = 0; continue }
                let z = cache[n * hd + k], s = 1 / (1 + T.exp(-z))
                g1[n * hd + k] *= activationScale * s * (1 + z * (1 - s))
            } }
        } else {
            for n in 0..<rows { g1[n * first.dimOut + head] = seed }
        }
        first.backward(g1.pointer, rows: rows, into: dh)
    }
}
