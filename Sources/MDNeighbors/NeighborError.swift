/// Problems that prevent building a neighbour list.
public enum NeighborError: Error, Equatable, CustomStringConvertible {
    /// The cutoff is zero, negative or not finite.
    case invalidCutoff(Double)
    /// The skin is negative or not finite.
    case invalidSkin(Double)
    /// The number of pairs exceeded the configured limit (a sign of collapsed atoms or a huge cutoff).
    case tooManyPairs(limit: Int)

    public var description: String {
        switch self {
        case .invalidCutoff(let c): return "neighbour-list cutoff must be a positive finite number of Å, got \(c)"
        case .invalidSkin(let s): return "neighbour-list skin must be a non-negative finite number of Å, got \(s)"
        case .tooManyPairs(let limit): return "more than \(limit) neighbour pairs: atoms too close together or cutoff too large"
        }
    }
}
