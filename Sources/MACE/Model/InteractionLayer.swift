/// One MACE layer: the interaction block (eqs. 7–9 of Batatia et al.) followed by the product
/// basis (eqs. 10–12), with the weights of mace-torch's `interactions.t` and `products.t`.
///
///     h̃_j = Linear_up(h_j)
///     w_ij = R(B(r_ij))                                        radial MLP (× f_cut if not in B)
///     m_i  = Σ_{j∈N(i)} φ(h̃_j, Y(r̂_ij), w_ij)                  channel-wise tensor product
///     A_i  = Linear(m_i) / n̄            (or /(1 + ρ_i) for density blocks, ρ_i = Σ_j tanh(D(B_ij)²) f_ij)
///     A_i  = SkipTP(A_i, z_i)           (non-residual blocks)
///     h'_i = Linear_p(B(A_i; z_i)) + SkipTP(h_i, z_i)            (the skip term for residual blocks)
struct InteractionLayer<T: MACEScalar>: Sendable {
    enum Kind: Sendable { case plain, residual }
    let kind: Kind
    let density: RadialMLP<T>?
    let linearUp: EquivariantLinear<T>
    let radial: RadialMLP<T>
    let convolution: ConvolutionTensorProduct<T>
    let linear: EquivariantLinear<T>
    let skip: ElementLinear<T>
    let inverseAverageNeighbors: T
    let contraction: SymmetricContraction<T>
    let productLinear: EquivariantLinear<T>
    let productUsesSkip: Bool

    init(index t: Int, className: String, config root: JSONNode, tensors: ModelTensors, elementCount: Int) throws {
        let m = root["modules"]
        let p = "interactions.\(t)", q = "products.\(t)"
        kind = className.contains("Residual") ? .residual : .plain
        density = className.contains("Density") ? try RadialMLP(m["\(p).density_fn"], tensors: tensors) : nil
        linearUp = try EquivariantLinear(m["\(p).linear_up"], tensors: tensors)
        radial = try RadialMLP(m["\(p).conv_tp_weights"], tensors: tensors)
        convolution = try ConvolutionTensorProduct(m["\(p).conv_tp"], tensors: tensors)
        linear = try EquivariantLinear(m["\(p).linear"], tensors: tensors)
        skip = try ElementLinear(m["\(p).skip_tp"], tensors: tensors, elementCount: elementCount)
        let layerList = try root["layers"].array()
        guard t < layerList.count else { throw root["layers"].fail("an entry for layer \(t)") }
        let layer = layerList[t]
        inverseAverageNeighbors = T(1 / (try layer["avg_num_neighbors"].double()))
        contraction = try SymmetricContraction(m["\(q).symmetric_contractions"], tensors: tensors, elementCount: elementCount)
        productLinear = try EquivariantLinear(m["\(q).linear"], tensors: tensors)
        productUsesSkip = try layer["product_use_sc"].bool()
        guard radial.outputCount == convolution.weightCount, linearUp.irrepsOut == convolution.irrepsIn,
              convolution.irrepsOut == linear.irrepsIn, linear.irrepsOut == contraction.irrepsIn,
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
