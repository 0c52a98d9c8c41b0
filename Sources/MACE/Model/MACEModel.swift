import Foundation
import MDCore

/// A MACE model loaded from a converted safetensors file, evaluated in precision T.
///
/// Holds every stage of Batatia et al. (2022): the element embedding (eq. 6), the radial basis
/// and spherical harmonics of each edge, the layers (``InteractionLayer``), the readouts and
/// the per-element energies E0 with the scale/shift of the interaction energy.
public struct MACEModel<T: MACEScalar>: Sendable {
    /// The decoded hyperparameters.
    public let config: MACEModelConfig
    /// Node features of the first layer for each element: Linear(one-hot(z)), eq. (6).
    let embeddings: [[T]]
    let sphericalHarmonics: SphericalHarmonics<T>
    /// B(T(r))·f(r) of every edge (eq. 7), with the optional distance transform T.
    let radialEmbedding: RadialEmbedding<T>
    /// ZBL pair repulsion (mace `pair_repulsion_fn`), if the model has one.
    let repulsion: ZBLRepulsion<T>?
    var layers: [InteractionLayer<T>]
    /// physicsml's SSF or adapter stage after each layer (all nil for other models).
    let extensions: [LayerExtension<T>?]
    /// How the radial weights are computed: the MLP per edge, or splines built at load.
    public internal(set) var radialMode: RadialMode
    let readouts: [Readout<T>]
    /// Reused work arrays (a cache: it never changes results).
    let workspaces = WorkspacePool<T>()
    /// Per-core scratch for one block of edges at a time (see ``EdgeBlocks``).
    let blockWorkspaces = WorkspacePool<T>()

    /// Loads the model in `file` (a safetensors file written by `scripts/conversion/mace_convert.py`).
    public init(file: SafetensorsFile, head: String? = nil, radial: RadialMode = .exact) throws {
        guard let text = file.metadata["config"] else {
            throw MACEError.invalidModel("\(file.source): no 'config' entry in the safetensors metadata (not converted by mace_convert.py?)")
        }
        let root = try JSONNode(parsing: text, path: "config")
        let config = try MACEModelConfig(root, head: head)
        self.config = config
        let tensors = ModelTensors(file: file)
        let zs = config.atomicNumbers
        // Element embedding: the linear map applied to one-hot vectors is a row of the weights.
        let embed = try EquivariantLinear<T>(root["modules"]["node_embedding.linear"], tensors: tensors)
        embeddings = (0..<zs.count).map { z in
            var onehot = [T](repeating: 0, count: zs.count)
            onehot[z] = 1
            var out = [T](repeating: 0, count: embed.dimOut)
            onehot.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { y in
                embed.forward(x.baseAddress!, rows: 1, into: y.baseAddress!)
            } }
            return out
        }
        sphericalHarmonics = try SphericalHarmonics<T>(maxDegree: try root["max_ell"].int())
        let radialBasis: RadialBasis<T>
        switch config.radialType {
        case "bessel":
            let w = try tensors.values(root["bessel"]["weights"].string())
            radialBasis = .bessel(try BesselBasis(frequencies: w.map { T($0) }, prefactor: T(try root["bessel"]["prefactor"].double())))
        case "gaussian":
            let c = try tensors.values(root["gaussian"]["centers"].string())
            radialBasis = .gaussian(try GaussianBasis(centres: c.map { T($0) }, coefficient: T(try root["gaussian"]["coeff"].double())))
        case "chebyshev":
            // Note: mace-torch's Chebyshev basis has no autograd formula, so its forces omit
            // dB/dr; ours are the true derivative of the energy (energies agree, forces do not).
            radialBasis = .chebyshev(try ChebyshevBasis(count: try root["num_bessel"].int()))
        default:
            throw MACEError.unsupported("unsupported radial_type '\(config.radialType)' (supported: bessel, gaussian, chebyshev)")
        }
        let envelope = try PolynomialCutoff<T>(cutoff: T(try root["cutoff_r_max"].double()), power: try root["num_polynomial_cutoff"].int())
        let transform: DistanceTransform<T>?
        let dtp = root["distance_transform_params"]
        switch config.distanceTransform {
        case "None": transform = nil
        case "Agnesi":
            let radii = try tensors.values(dtp["covalent_radii"].string()).map { T($0) }
            transform = .agnesi(AgnesiTransform(a: T(try dtp["a"].double()), q: T(try dtp["q"].double()),
                                                p: T(try dtp["p"].double()), covalentRadii: radii))
        case "Soft":
            let radii = try tensors.values(dtp["covalent_radii"].string()).map { T($0) }
            transform = .soft(SoftTransform(alpha: T(try dtp["alpha"].double()), covalentRadii: radii))
        default:
            throw MACEError.unsupported("unsupported distance_transform '\(config.distanceTransform)' (supported: None, Agnesi, Soft)")
        }
        radialEmbedding = RadialEmbedding(basis: radialBasis, cutoff: envelope, transform: transform,
                                          appliesCutoff: config.applyCutoff)
        if config.pairRepulsion {
            let z = root["zbl"]
            let radii = try tensors.values(z["covalent_radii"].string()).map { T($0) }
            repulsion = try ZBLRepulsion(coefficients: try z["c"].doubles().map { T($0) },
                                         screeningExponent: T(try z["a_exp"].double()),
                                         screeningPrefactor: T(try z["a_prefactor"].double()),
                                         power: try z["p"].int(), covalentRadii: radii)
            if let zmax = zs.max(), zmax >= radii.count {
                throw MACEError.invalidModel("ZBL covalent radii cover Z < \(radii.count), model has Z = \(zmax)")
            }
        } else {
            repulsion = nil
        }
        if let zmax = zs.max(), let t = transform {
            let count: Int
            switch t { case .agnesi(let a): count = a.covalentRadii.count; case .soft(let s): count = s.covalentRadii.count }
            if zmax >= count { throw MACEError.invalidModel("distance-transform covalent radii cover Z < \(count), model has Z = \(zmax)") }
        }
        let exactLayers = try config.interactionClasses.enumerated().map {
            try InteractionLayer<T>(index: $0.offset, className: $0.element, config: root, tensors: tensors, elementCount: zs.count)
        }
        layers = radial == .exact ? exactLayers
            : try RadialSplineBuilder.attach(to: exactLayers, embedding: radialEmbedding, file: file, head: head,
                                             cutoff: config.cutoff)
        radialMode = radial
        extensions = try LayerExtension.load(root, tensors: tensors, layerCount: layers.count)
        for (t, (layer, ext)) in zip(layers, extensions).enumerated() {
            if let ext, ext.dimension != layer.outputDimension {
                throw MACEError.invalidModel("layer \(t): the physicsml SSF/adapter stage does not match the layer's output irreps")
            }
        }
        let readoutCount = try root["readouts"].array().count
        readouts = try (0..<readoutCount).map {
            try Readout(index: $0, config: root, tensors: tensors, head: config.headIndex, headCount: config.heads.count)
        }
        guard let firstLayer = layers.first, firstLayer.inputDimension == embed.dimOut else {
            throw MACEError.invalidModel("the node embedding does not match the first interaction")
        }
        try BLASThreading.runOnCallingThread()
    }
}
