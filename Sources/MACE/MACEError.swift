/// Errors raised while loading or evaluating a MACE model. Each `description` is one line.
public enum MACEError: Error, CustomStringConvertible, Equatable {
    /// The model file or its configuration is malformed or inconsistent.
    case invalidModel(String)
    /// The model uses a feature this evaluator does not implement.
    case unsupported(String)
    /// A tensor is missing or has the wrong shape.
    case tensor(String)
    /// The evaluation inputs are inconsistent.
    case invalidInput(String)
    /// A loading error, with the file it came from.
    indirect case loading(file: String, MACEError)

    public var description: String {
        switch self {
        case .invalidModel(let s): return "invalid MACE model: \(s)"
        case .unsupported(let s): return "unsupported MACE model: \(s)"
        case .tensor(let s): return "MACE model tensor error: \(s)"
        case .invalidInput(let s): return "invalid MACE input: \(s)"
        case .loading(let file, let e): return "\(file): \(e.description)"
        }
    }
}
