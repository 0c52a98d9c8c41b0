/// The hyperparameters of a converted mace-torch model (the `config` JSON in the safetensors
/// metadata written by `scripts/conversion/mace_convert.py`), validated at load.
public struct MACEModelConfig: Sendable {
    /// Interaction blocks this evaluator implements.
    public static let supportedInteractions = [
        "RealAgnosticInteractionBlock", "RealAgnosticResidualInteractionBlock",
        "RealAgnosticDensityInteractionBlock", "RealAgnosticDensityResidualInteractionBlock",
        "RealAgnosticResidualNonLinearInteractionBlock",
    ]

    /// Cutoff radius r_max in Å.
    public var cutoff: Double
    /// Atomic numbers of the model's elements, in one-hot order.
    public var atomicNumbers: [Int]
    /// Head names; `headIndex` is the one evaluated.
    public var heads: [String]
    public var headIndex: Int
    /// Interaction block class per layer.
    public var interactionClasses: [String]
    /// Correlation order per layer.
    public var correlations: [Int]
    /// E0 per element of the chosen head, eV.
    public var atomicEnergies: [Double]
    /// Scale and shift of the interaction energy for the chosen head (eV).
    public var scale: Double
    public var shift: Double
    /// Whether the ZBL pair repulsion is part of the model.
    public var pairRepulsion: Bool
    /// Radial basis type ("bessel", "gaussian", "chebyshev") and distance transform ("None", "Agnesi", "Soft").
    public var radialType: String
    public var distanceTransform: String
    /// Whether the polynomial cutoff multiplies the radial features (true) or the convolution weights.
    public var applyCutoff: Bool

    /// Decodes and validates `json`; `head` picks a head by name (nil: the only head, or "default").
    init(_ root: JSONNode, head: String?) throws {
        cutoff = try root["r_max"].double()
        atomicNumbers = try root["atomic_numbers"].ints()
        heads = try root["heads"].array().map { try $0.string() }
        if let head {
            guard let i = heads.firstIndex(of: head) else {
                throw MACEError.invalidModel("head '\(head)' not in the model's heads \(heads)")
            }
            headIndex = i
        } else if heads.count == 1 {
            headIndex = 0
        } else if let i = heads.firstIndex(where: { $0.lowercased() == "default" }) {
            headIndex = i
        } else {
            throw MACEError.invalidModel("the model has heads \(heads) and none is 'default': choose one with head:")
        }
        interactionClasses = try root["interaction_classes"].array().map { try $0.string() }
        for (i, c) in interactionClasses.enumerated() where !Self.supportedInteractions.contains(c) {
            throw MACEError.unsupported("unsupported interaction block '\(c)' in layer \(i) (supported: \(Self.supportedInteractions.joined(separator: ", ")))")
        }
        correlations = try root["correlation"].ints()
        let energies = try root["atomic_energies"].array()
        let row = energies.count > headIndex ? energies[headIndex] : energies[0]
        atomicEnergies = try row.doubles()
        guard atomicEnergies.count == atomicNumbers.count else {
            throw MACEError.invalidModel("config.atomic_energies has \(atomicEnergies.count) values for \(atomicNumbers.count) elements")
        }
        if root["scale"].exists {
            let s = try root["scale"].doubles(), h = try root["shift"].doubles()
            scale = s.count > 1 ? s[headIndex] : s[0]
            shift = h.count > 1 ? h[headIndex] : h[0]
        } else {
            scale = 1; shift = 0
        }
        pairRepulsion = try root["pair_repulsion"].bool()
        radialType = try root["radial_type"].string()
        distanceTransform = try root["distance_transform"].string()
        applyCutoff = try root["apply_cutoff"].bool()
        let modelClass = try root["model_class"].string()
        guard ["ScaleShiftMACE", "MACE"].contains(modelClass) else {
            throw MACEError.unsupported("unsupported model class '\(modelClass)' (supported: MACE, ScaleShiftMACE)")
        }
        if try root["has_joint_embedding"].bool() {
            throw MACEError.unsupported("unsupported setting 'embedding_specs' (joint embeddings of extra features)")
        }
        if root["use_so3"].exists, try root["use_so3"].bool() {
            throw MACEError.unsupported("unsupported setting 'use_so3'")
        }
        guard cutoff > 0, cutoff.isFinite else { throw MACEError.invalidModel("r_max \(cutoff) must be positive") }
    }
}
