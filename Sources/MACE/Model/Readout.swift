/// A readout of MACE eq. (13): the node energy contribution of one layer's features.
///
/// - `LinearReadoutBlock`: E_i = W·h_i (scalars only);
/// - `NonLinearReadoutBlock` (last layer): E_i = W₂·mask_head(σ(W₁·h_i));
/// - `NonLinearBiasReadoutBlock`: E_i = W₃·mask(σ(W₂·mask(σ(W₁·h_i)) + b₂)) + b₃;
///
/// σ the SiLU rescaled to unit second moment. The output has one column per head; `head` picks
/// the column, and for several heads `mask` keeps only the chosen head's hidden units.
struct Readout<T: MACEScalar>: Sendable {
    /// The linear maps in order; σ and the head mask act between consecutive ones.
    let linears: [EquivariantLinear<T>]
    let activationScale: T
    /// Hidden units [start, end) kept for the chosen head (the others are masked to zero).
    let keptHidden: Range<Int>
    let head: Int
    let layer: Int

    var first: EquivariantLinear<T> { linears[0] }
    var inputDimension: Int { linears[0].dimIn }
    /// Scalars of pre-activation cache per node (all hidden layers).
    var cacheWidth: Int { linears.dropLast().reduce(0) { $0 + $1.dimOut } }

    init(index r: Int, config root: JSONNode, tensors: ModelTensors, head: Int, headCount: Int) throws {
        let d = try root["readouts"].array()[r]
        let cls = try d["class"].string()
        layer = try d["reads_layer"].int()
        self.head = head
        let m = root["modules"]
        let names: [String]
        switch cls {
        case "LinearReadoutBlock": names = ["linear"]
        case "NonLinearReadoutBlock": names = ["linear_1", "linear_2"]
        case "NonLinearBiasReadoutBlock": names = ["linear_1", "linear_mid", "linear_2"]
        default:
            throw MACEError.unsupported("unsupported readout '\(cls)' in readouts.\(r) (supported: LinearReadoutBlock, NonLinearReadoutBlock, NonLinearBiasReadoutBlock)")
        }
        linears = try names.map { try EquivariantLinear(m["readouts.\(r).\($0)"], tensors: tensors) }
        if names.count > 1 {
            let acts = try m["readouts.\(r).non_linearity"]["acts"].array()
            guard acts.count == 1, try acts[0]["name"].string() == "silu" else {
                throw MACEError.unsupported("readouts.\(r): readout activation other than silu")
            }
            activationScale = T(try acts[0]["effective_scale"].double())
            let hidden = linears[0].dimOut
            let per = hidden / max(headCount, 1)
            keptHidden = headCount > 1 ? (head * per)..<((head + 1) * per) : 0..<hidden
        } else {
            activationScale = 1
            keptHidden = 0..<0
        }
    }

    /// Multiplies and adds of the linear maps per node (forward or backward).
    var flopsPerRow: Double { linears.reduce(0) { $0 + $1.flopsPerRow } }

    /// Node energies e_i (before scale/shift) for `rows` nodes; `cache` (rows × cacheWidth)
    /// keeps the hidden pre-activations for the backward pass.
    func forward(_ h: UnsafePointer<T>, rows: Int, cache: Buffer<T>?) -> [T] {
        var x = Buffer<T>(count: rows * inputDimension)
        for i in 0..<(rows * inputDimension) { x[i] = h[i] }
        var cacheOffset = 0
        for (k, linear) in linears.enumerated() {
            let y = Buffer<T>(count: rows * linear.dimOut)
            linear.forward(x.pointer, rows: rows, into: y.pointer)
            x = y
            if k == linears.count - 1 { break }
            let w = linear.dimOut
            for n in 0..<rows { for j in 0..<w {
                let z = y[n * w + j]
                cache?[cacheOffset + n * w + j] = z
                y[n * w + j] = keptHidden.contains(j) ? activationScale * z / (1 + T.exp(-z)) : 0
            } }
            cacheOffset += rows * w
        }
        let outWidth = linears[linears.count - 1].dimOut
        return (0..<rows).map { x[$0 * outWidth + head] }
    }

    /// Reverse mode: dh (rows × dimIn) += ∂(Σ_i s·e_i)/∂h with s = `seed` (the energy scale) on
    /// the rows where `mask` is true (all rows when nil) and 0 elsewhere.
    /// σ′(z) = c·s(1 + z(1 − s)), s = sigmoid(z).
    func backward(seed: T, rows: Int, mask: [Bool]? = nil, cache: Buffer<T>?, into dh: UnsafeMutablePointer<T>) {
        let last = linears[linears.count - 1]
        var g = Buffer<T>(count: rows * last.dimOut)
        for n in 0..<rows where mask?[n] ?? true { g[n * last.dimOut + head] = seed }
        var cacheEnd = rows * cacheWidth
        for k in stride(from: linears.count - 1, through: 1, by: -1) {
            let w = linears[k].dimIn
            let gIn = Buffer<T>(count: rows * w)
            linears[k].backward(g.pointer, rows: rows, into: gIn.pointer)
            cacheEnd -= rows * w
            for n in 0..<rows { for j in 0..<w {
                guard keptHidden.contains(j), let cache else { gIn[n * w + j] = 0; continue }
                let z = cache[cacheEnd + n * w + j], s = 1 / (1 + T.exp(-z))
                gIn[n * w + j] *= activationScale * s * (1 + z * (1 - s))
            } }
            g = gIn
        }
        linears[0].backward(g.pointer, rows: rows, into: dh)
    }
}
