import Dispatch
import MDCore
import MDNeighbors

/// Energy (eV), forces (eV/Å) and, when requested, the virial (eV) of a system: what
/// integrators and optimizers call. Drivers own the neighbour list and the potential and pass
/// a closure of this type (usually ``NeighborListEvaluator/closure``), so dynamics and
/// relaxations work with any ``Potential``.
public typealias ForceEvaluator = (AtomicSystem) throws -> Evaluation

/// A force evaluator that keeps a Verlet ``NeighborList`` between calls.
///
/// A reference type because the list is a cache that changes on every call; it is not
/// part of the restart state (rebuilding it gives the same pairs within the cutoff).
public final class NeighborListEvaluator {
    /// The potential evaluated.
    public let potential: any Potential
    /// What each call computes (default energy and forces; add `.virial` for the stress).
    public let request: EvaluationRequest
    /// The neighbour list, with `cutoff = potential.cutoff` and the given skin.
    public private(set) var neighbors: NeighborList
    /// Wall-clock seconds spent so far in the neighbour-list updates and in the potential,
    /// over all calls (what a run reports as its time per step outside the integrator).
    public private(set) var time = EvaluatorTime()

    /// - Parameters:
    ///   - potential: any potential.
    ///   - skin: Verlet skin in Å (≥ 0); the list is rebuilt when an atom moved > skin/2.
    ///   - request: what to compute on each call.
    public init(potential: any Potential, skin: Double = 1.0,
                request: EvaluationRequest = .energyAndForces) throws {
        self.potential = potential
        self.request = request
        self.neighbors = try NeighborList(cutoff: potential.cutoff, skin: skin)
    }

    /// Updates the list for `system` and evaluates the potential.
    public func evaluate(_ system: AtomicSystem) throws -> Evaluation {
        let start = DispatchTime.now().uptimeNanoseconds
        try neighbors.update(system)
        let listed = DispatchTime.now().uptimeNanoseconds
        defer {
            time.neighborListSeconds += Double(listed - start) / 1e9
            time.potentialSeconds += Double(DispatchTime.now().uptimeNanoseconds - listed) / 1e9
            time.calls += 1
        }
        return try potential.evaluate(system, neighbors: neighbors.pairs, request: request)
    }

    /// This evaluator as a ``ForceEvaluator`` closure.
    public var closure: ForceEvaluator { { [self] system in try self.evaluate(system) } }
}

/// Where a ``NeighborListEvaluator`` spent its wall-clock time (seconds, summed over calls).
public struct EvaluatorTime: Sendable, Equatable {
    /// Updating the Verlet list (checking displacements, rebuilding when needed).
    public var neighborListSeconds: Double = 0
    /// The potential's evaluations.
    public var potentialSeconds: Double = 0
    /// Calls of ``NeighborListEvaluator/evaluate(_:)``.
    public var calls: Int = 0

    public init() {}
}
