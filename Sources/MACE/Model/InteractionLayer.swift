/// The self-connection of an interaction: element-dependent (`FullyConnectedTensorProduct` with
/// one-hot node attributes) or a plain linear map (non-linear block).
enum SelfConnection<T: MACEScalar>: Sendable {
    case element(ElementLinear<T>)
    case linear(EquivariantLinear<T>)

    init(_ d: JSONNode, tensors: ModelTensors, elementCount: Int) throws {
        switch try d["type"].string() {
        case "e3nn.o3.FullyConnectedTensorProduct": self = .element(try ElementLinear(d, tensors: tensors, elementCount: elementCount))
        case "e3nn.o3.Linear": self = .linear(try EquivariantLinear(d, tensors: tensors))
        case let other: throw MACEError.unsupported("\(d.path): self-connection '\(other)'")
        }
    }

    var dimOut: Int { switch self { case .element(let l): l.dimOut; case .linear(let l): l.dimOut } }
    var flopsPerRow: Double { switch self { case .element(let l): l.flopsPerRow; case .linear(let l): l.flopsPerRow } }

    func forward(_ x: UnsafePointer<T>, elements: [Int], into y: UnsafeMutablePointer<T>, accumulate: Bool) {
        switch self {
        case .element(let l): l.forward(x, elements: elements, into: y, accumulate: accumulate)
        case .linear(let l): l.forward(x, rows: elements.count, into: y, accumulate: accumulate)
        }
    }

    func backward(_ dy: UnsafePointer<T>, elements: [Int], into dx: UnsafeMutablePointer<T>) {
        switch self {
        case .element(let l): l.backward(dy, elements: elements, into: dx)
        case .linear(let l): l.backward(dy, rows: elements.count, into: dx)
        }
    }
}

/// The extra stages of `RealAgnosticResidualNonLinearInteractionBlock`:
///
///     w_ij, D_ij = R([B(r_ij), e_s(z_j), e_t(z_i)])          (edge MLPs see element embeddings)
///     A_i = Gate(Linear₁(m_i)/(β ρ_i + α) + Linear_res(h̃_i)),   A_i ← Linear₂(A_i)
struct NonLinearParts<T: MACEScalar>: Sendable {
    /// Source/target element embeddings per element: [element][channels].
    let sourceEmbedding: [[T]]
    let targetEmbedding: [[T]]
    let linearResidual: EquivariantLinear<T>
    let gate: GatedNonlinearity<T>
    let linearOut: EquivariantLinear<T>
    let alpha: T, beta: T
    var embeddingWidth: Int { sourceEmbedding.first?.count ?? 0 }
}

/// One MACE layer: the interaction block (eqs. 7–9 of Batatia et al.) followed by the product
/// basis (eqs. 10–12), with the weights of mace-torch's `interactions.t` and `products.t`.
///
///     h̃_j = Linear_up(h_j)
///     w_ij = R(B(r_ij))                                        radial MLP
///     m_i  = Σ_{j∈N(i)} φ(h̃_j, Y(r̂_ij), w_ij)                  channel-wise tensor product
///     A_i  = Linear(m_i) / n̄            (or /(1 + ρ_i) for density blocks, ρ_i = Σ_j tanh(D(B_ij)²))
///     A_i  = SkipTP(A_i, z_i)           (non-residual blocks)
///     h'_i = Linear_p(B(A_i; z_i)) + SkipTP(h_i, z_i)            (the skip term for residual blocks)
struct InteractionLayer<T: MACEScalar>: Sendable {
    enum Kind: Sendable { case plain, residual, nonLinear }
    let kind: Kind
    let density: EdgeNetwork<T>?
    let linearUp: EquivariantLinear<T>
    let radial: EdgeNetwork<T>
    let convolution: ConvolutionTensorProduct<T>
    let linear: EquivariantLinear<T>
    let skip: SelfConnection<T>
    let inverseAverageNeighbors: T
    let nonLinear: NonLinearParts<T>?
    let contraction: SymmetricContraction<T>
    let productLinear: EquivariantLinear<T>
    /// Whether the layer's input depends on the node elements only (the first layer, whose input
    /// is the element embedding), which lets its edge stages fold the sender elements
    /// (``senderFoldingNetwork``).
    let readsElementFeatures: Bool
    /// The folded output weights W^z of ``senderFoldingNetwork`` per element, built at the first
    /// evaluation that meets the element (a cache: it never changes results).
    let senderFoldedWeights = ElementTables<T>()
    /// The tabulated radial weights of the fast radial mode (nil: the radial MLP runs per edge).
    var radialSpline: RadialSpline<T>? = nil

    init(index t: Int, className: String, config root: JSONNode, tensors: ModelTensors, elementCount: Int) throws {
        let m = root["modules"]
        let p = "interactions.\(t)", q = "products.\(t)"
        readsElementFeatures = t == 0
        kind = className.contains("NonLinear") ? .nonLinear : className.contains("Residual") ? .residual : .plain
        density = m["\(p).density_fn"].exists ? try EdgeNetwork(m["\(p).density_fn"], tensors: tensors) : nil
        linearUp = try EquivariantLinear(m["\(p).linear_up"], tensors: tensors)
        radial = try EdgeNetwork(m["\(p).conv_tp_weights"], tensors: tensors)
        convolution = try ConvolutionTensorProduct(m["\(p).conv_tp"], tensors: tensors)
        linear = try EquivariantLinear(m[kind == .nonLinear ? "\(p).linear_1" : "\(p).linear"], tensors: tensors)
        skip = try SelfConnection(m["\(p).skip_tp"], tensors: tensors, elementCount: elementCount)
        let layerList = try root["layers"].array()
        guard t < layerList.count else { throw root["layers"].fail("an entry for layer \(t)") }
        let layer = layerList[t]
        inverseAverageNeighbors = T(1 / (try layer["avg_num_neighbors"].double()))
        if kind == .nonLinear {
            func table(_ name: String) throws -> [[T]] {
                let lin = try EquivariantLinear<T>(m[name], tensors: tensors)
                return (0..<elementCount).map { z in
                    var onehot = [T](repeating: 0, count: elementCount); onehot[z] = 1
                    var out = [T](repeating: 0, count: lin.dimOut)
                    onehot.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { y in
                        lin.forward(x.baseAddress!, rows: 1, into: y.baseAddress!)
                    } }
                    return out
                }
            }
            nonLinear = NonLinearParts(
                sourceEmbedding: try table("\(p).source_embedding"), targetEmbedding: try table("\(p).target_embedding"),
                linearResidual: try EquivariantLinear(m["\(p).linear_res"], tensors: tensors),
                gate: try GatedNonlinearity(m["\(p).equivariant_nonlin"]),
                linearOut: try EquivariantLinear(m["\(p).linear_2"], tensors: tensors),
                alpha: T(try tensors.values("\(p).alpha", count: 1)[0]), beta: T(try tensors.values("\(p).beta", count: 1)[0]))
        } else {
            nonLinear = nil
        }
        contraction = try SymmetricContraction(m["\(q).symmetric_contractions"], tensors: tensors, elementCount: elementCount)
        productLinear = try EquivariantLinear(m["\(q).linear"], tensors: tensors)
        let productUsesSkip = try layer["product_use_sc"].bool()
        let aIrreps = nonLinear?.linearOut.irrepsOut ?? linear.irrepsOut
        guard radial.outputCount == convolution.weightCount, linearUp.irrepsOut == convolution.irrepsIn,
              convolution.irrepsOut == linear.irrepsIn, aIrreps == contraction.irrepsIn,
              contraction.irrepsOut == productLinear.irrepsIn else {
            throw MACEError.invalidModel("layer \(t): inconsistent irreps between its stages")
        }
        guard (kind == .plain) != productUsesSkip else {
            throw MACEError.invalidModel("layer \(t): product_use_sc does not match interaction '\(className)'")
        }
    }

    var inputDimension: Int { linearUp.dimIn }
    var outputDimension: Int { productLinear.dimOut }
}
