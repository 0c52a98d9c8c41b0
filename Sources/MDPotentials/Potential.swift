import MDCore
import MDNeighbors

/// What a caller needs from a ``Potential`` evaluation. Nothing is computed that nobody asked for.
public struct EvaluationRequest: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The potential energy (always computed; listed for clarity).
    public static let energy = EvaluationRequest(rawValue: 1 << 0)
    /// Forces −∂E/∂x on every atom.
    public static let forces = EvaluationRequest(rawValue: 1 << 1)
    /// The virial W = −∂E/∂ε (and so the stress).
    public static let virial = EvaluationRequest(rawValue: 1 << 2)
    /// Per-atom energies E_i with Σ_i E_i = E (``Evaluation/atomEnergies``); potentials that
    /// cannot split their energy leave them nil.
    public static let atomEnergies = EvaluationRequest(rawValue: 1 << 3)

    public static let energyAndForces: EvaluationRequest = [.energy, .forces]
    public static let all: EvaluationRequest = [.energy, .forces, .virial]
}

/// A force field: energy, forces and virial of an atomic system.
///
/// Implementations receive the neighbour pairs built by the caller (a ``NeighborList``
/// with radius at least ``cutoff``). The pairs may include edges longer than
/// ``cutoff`` (the Verlet skin): an implementation must ignore those itself.
public protocol Potential {
    /// The interaction range in Å: pairs farther apart than this do not interact.
    var cutoff: Double { get }

    /// The atomic numbers the potential can handle, or nil for any element.
    var supportedAtomicNumbers: Set<Int>? { get }

    /// Evaluates the potential for `system` using `neighbors`.
    ///
    /// - Parameters:
    ///   - system: positions (Å), atomic numbers, cell.
    ///   - neighbors: directed pairs (i, j, S) with r_ij = x_j − x_i + S·H, at least
    ///     every pair closer than ``cutoff``.
    ///   - request: which of energy, forces, virial and per-atom energies to compute.
    /// - Returns: the energy in eV and, if requested, forces (eV/Å), virial (eV) and per-atom
    ///   energies (eV).
    func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                  request: EvaluationRequest) throws -> Evaluation
}

extension Potential {
    /// Throws ``PotentialError/unsupportedElement(_:supported:)`` for the first atom whose
    /// element the potential does not know.
    public func checkElements(of system: AtomicSystem) throws {
        guard let supported = supportedAtomicNumbers else { return }
        for z in system.atomicNumbers where !supported.contains(z) {
            throw PotentialError.unsupportedElement(z, supported: supported.sorted())
        }
    }

    /// Evaluates with a freshly built neighbour list (no skin). Convenient for one-off
    /// evaluations and tests; MD drivers keep a ``NeighborList`` instead.
    public func evaluate(_ system: AtomicSystem, request: EvaluationRequest = .all) throws -> Evaluation {
        let pairs = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: cutoff)
        return try evaluate(system, neighbors: pairs, request: request)
    }
}

/// Errors common to all potentials.
public enum PotentialError: Error, Equatable, CustomStringConvertible {
    /// The system contains an element the potential has no parameters for.
    case unsupportedElement(Int, supported: [Int])
    /// A parameter is out of its valid range.
    case invalidParameter(name: String, value: Double, reason: String)

    public var description: String {
        switch self {
        case .unsupportedElement(let z, let supported):
            let name = (try? Element(atomicNumber: z).symbol) ?? "Z=\(z)"
            let known = supported.map { (try? Element(atomicNumber: $0).symbol) ?? "Z=\($0)" }
            return "element \(name) is not supported by this potential (it knows: \(known.joined(separator: ", ")))"
        case .invalidParameter(let name, let value, let reason):
            return "invalid potential parameter \(name) = \(value): \(reason)"
        }
    }
}
