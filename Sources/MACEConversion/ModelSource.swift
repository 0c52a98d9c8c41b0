import Foundation

/// A framework whose trained MACE models `macemd convert` reads, recognised by the content of
/// the source (never by its file name).
public enum ModelSource: String, CaseIterable, Sendable {
    /// mace-torch: a whole pickled model (`torch.save(model)`, as `mace_run_train` writes it).
    case maceTorch = "mace-torch"
    /// InstaDeep's mlip (JAX): the zip of `save_model_to_zip` (hyperparams.json + params.npz).
    case mlip
    /// physicsml: the model directory of `molflux.core.save_model` (model_config.json + model_artefacts/).
    case physicsml
    /// metatrain: a training checkpoint `model.ckpt` (a `torch.save` dict with `model_state_dict`).
    case metatrain

    /// The converter script (in scripts/conversion, embedded in the binary) for this framework.
    public var converterScript: String {
        switch self {
        case .maceTorch: return "mace_convert.py"
        case .mlip: return "mlip_convert.py"
        case .physicsml: return "physicsml_convert.py"
        case .metatrain: return "metatrain_convert.py"
        }
    }

    /// What a user of this framework installs to convert its models (the Python packages its own users have).
    public var installHint: String {
        switch self {
        case .maceTorch: return "pip install mace-torch"
        case .mlip: return "pip install mlip \"jax[cpu]\""
        case .physicsml: return "pip install physicsml rdkit \"pyarrow<21\""
        case .metatrain: return "pip install \"metatrain[mace]\""
        }
    }

    /// Recognises the framework of the source at `url` by what it holds.
    /// - Throws: ``ModelConversionError/unrecognisedSource(path:reason:)`` naming what was found.
    public static func detect(_ url: URL) throws -> ModelSource {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelConversionError.missingInput(path)
        }
        if isDirectory.boolValue {
            let config = url.appendingPathComponent("model_config.json").path
            let artefacts = url.appendingPathComponent("model_artefacts").path
            if FileManager.default.fileExists(atPath: config), FileManager.default.fileExists(atPath: artefacts) {
                return .physicsml
            }
            throw ModelConversionError.unrecognisedSource(
                path: path, reason: "a directory without model_config.json and model_artefacts/ (not a physicsml model directory)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ModelConversionError.missingInput(path) }
        if let zip = ZipDirectory(contentsOf: url) { return try detect(zip: zip, path: path) }
        // torch.save's legacy (pre-1.6) format is a bare pickle stream: protocol marker 0x80.
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let head = handle.readData(ofLength: 16 << 20)
            if head.first == 0x80, head.contains(Data("mace.modules".utf8)) { return .maceTorch }
        }
        throw ModelConversionError.unrecognisedSource(path: path, reason: "neither a zip archive nor a pickled torch model")
    }

    private static func detect(zip: ZipDirectory, path: String) throws -> ModelSource {
        let names = Set(zip.names.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
        if names.contains("hyperparams.json") && names.contains("params.npz") { return .mlip }
        if zip.names.contains(where: { $0.hasSuffix("/constants.pkl") }) {
            throw ModelConversionError.unrecognisedSource(
                path: path, reason: "a TorchScript (compiled or exported) model; give the pickled mace-torch model or metatrain's model.ckpt")
        }
        guard let pickle = zip.members.first(where: { $0.name.hasSuffix("data.pkl") }) else {
            throw ModelConversionError.unrecognisedSource(
                path: path, reason: "a zip archive that is neither an mlip model (hyperparams.json + params.npz) nor a PyTorch file")
        }
        guard let bytes = zip.storedBytes(of: pickle) else {
            throw ModelConversionError.unrecognisedSource(path: path, reason: "a zip archive whose data.pkl is compressed (not written by torch.save)")
        }
        if bytes.contains(Data("model_state_dict".utf8)) && bytes.contains(Data("metatrain".utf8)) { return .metatrain }
        if bytes.contains(Data("mace.modules".utf8)) { return .maceTorch }
        throw ModelConversionError.unrecognisedSource(
            path: path, reason: "a PyTorch file that holds neither a mace-torch model nor a metatrain checkpoint")
    }
}
