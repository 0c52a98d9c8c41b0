import Foundation

/// Which head of a (possibly multi-head) model is evaluated.
///
/// A mace-torch model trained or fine-tuned with several heads (`heads=["default", "pt_head"]`,
/// or `["omat", "pbe"]`) shares every layer between them; a head selects one readout column,
/// its E0 and its scale/shift. `macemd convert --head NAME` records the chosen head in the
/// converted file (`config.head`); that head is the one that runs unless the user asks for
/// another at run time. In order of precedence:
///
/// 1. the head requested at run time (`--head`, or the run file's `head:` key);
/// 2. the head recorded at conversion;
/// 3. the only head, or the head named "default" (files converted before heads were recorded).
///
/// Anything else is an error that names the model's heads.
public enum ModelHead {
    /// The head to evaluate.
    /// - Parameters:
    ///   - requested: the head asked for at run time (nil: none).
    ///   - converted: the head recorded in the converted file (nil: none recorded).
    ///   - heads: the model's heads, in readout-column order.
    /// - Throws: ``MACEError/invalidModel(_:)`` naming the heads when none can be chosen.
    public static func resolve(requested: String?, converted: String?, heads: [String]) throws -> String {
        let list = heads.map { "'\($0)'" }.joined(separator: ", ")
        if let requested {
            guard heads.contains(requested) else {
                throw MACEError.invalidModel("head '\(requested)' is not a head of this model (its heads: \(list))")
            }
            return requested
        }
        if let converted, heads.contains(converted) { return converted }
        if heads.count == 1 { return heads[0] }
        if let named = heads.first(where: { $0.lowercased() == "default" }) { return named }
        throw MACEError.invalidModel("the model has heads \(list) and none was chosen: "
            + "give one with --head NAME or the run file's 'head:' key")
    }

    /// The heads and the conversion-time head recorded in a converted file's `config` metadata
    /// (nil when the file has no readable config; the model loader then reports that).
    static func recorded(in file: SafetensorsFile) -> (heads: [String], converted: String?)? {
        guard let text = file.metadata["config"],
              let root = try? JSONNode(parsing: text, path: "config"),
              let heads = try? root["heads"].array().map({ try $0.string() }) else { return nil }
        return (heads, try? root["head"].string())
    }
}
