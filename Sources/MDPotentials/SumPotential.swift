import MDCore
import MDNeighbors

/// The sum of several potentials, E = Σ_k E_k (for example MACE plus a dispersion term).
public struct SumPotential: Potential {
    /// The terms, evaluated in order.
    public var terms: [any Potential]

    public init(_ terms: [any Potential]) { self.terms = terms }

    /// The largest cutoff of the terms (Å).
    public var cutoff: Double { terms.map(\.cutoff).max() ?? 0 }

    /// The elements every term supports (nil when all terms support all elements).
    public var supportedAtomicNumbers: Set<Int>? {
        terms.compactMap(\.supportedAtomicNumbers).reduce(nil) { acc, s in acc.map { $0.intersection(s) } ?? s }
    }

    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest) throws -> Evaluation {
        var total = Evaluation(energy: 0,
                               forces: request.contains(.forces) ? Array(repeating: .zero, count: system.count) : [],
                               virial: request.contains(.virial) ? .zero : nil,
                               atomEnergies: request.contains(.atomEnergies) ? Array(repeating: 0, count: system.count) : nil)
        for term in terms {
            total = total + (try term.evaluate(system, neighbors: neighbors, request: request))
        }
        return total
    }
}
