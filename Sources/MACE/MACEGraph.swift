import MDCore
import MDPotentials

/// A graph for MACE as a host program sees it: nodes (its own atoms and ghost copies of
/// neighbouring ones) and directed edges j → i with their periodic shifts.
///
/// The edge vector is mace-torch's `vectors`:
///
///     r_e = x[receivers[e]] − x[senders[e]] + shifts[e]        (Å)
///
/// Edges with |r_e| ≥ r_max are ignored. For a host that splits space over processes (LAMMPS
/// with MPI), each process passes its own atoms as owned nodes and the atoms within
/// `num_interactions × r_max` of them as ghosts, with edges among all nodes within r_max: the
/// energy of the owned nodes then equals their share of the whole system's energy, and the
/// forces on ghosts, summed back onto the atoms they copy, complete the owners' forces.
public struct MACEGraph: Sendable {
    /// Node positions in Å (ghost copies at their own, unwrapped positions).
    public var positions: [SIMD3<Double>]
    /// The model element index of each node (its position in `MACEModelConfig.atomicNumbers`;
    /// see ``MACEPotential/elementIndex``).
    public var elements: [Int]
    /// Sender j of each edge (the message goes from j to i).
    public var senders: [Int]
    /// Receiver i of each edge.
    public var receivers: [Int]
    /// The shift of each edge in Å (for a periodic image: minus the image's lattice vector).
    public var shifts: [SIMD3<Double>]
    /// Which nodes count in the energy (nil: all). Ghost nodes pass features on but add no
    /// energy of their own.
    public var owned: [Bool]?

    public init(positions: [SIMD3<Double>], elements: [Int], senders: [Int], receivers: [Int],
                shifts: [SIMD3<Double>], owned: [Bool]? = nil) {
        self.positions = positions
        self.elements = elements
        self.senders = senders
        self.receivers = receivers
        self.shifts = shifts
        self.owned = owned
    }

    /// Throws ``MACEError/invalidInput(_:)`` naming the first inconsistent entry.
    func validate(elementCount: Int) throws {
        let n = positions.count
        guard elements.count == n else {
            throw MACEError.invalidInput("\(elements.count) element indices for \(n) nodes")
        }
        if let bad = elements.firstIndex(where: { !(0..<elementCount).contains($0) }) {
            throw MACEError.invalidInput("node \(bad): element index \(elements[bad]) is not in 0..<\(elementCount)")
        }
        guard senders.count == receivers.count, shifts.count == senders.count else {
            throw MACEError.invalidInput("\(senders.count) senders, \(receivers.count) receivers and \(shifts.count) shifts: edge lists must be equally long")
        }
        if let e = senders.indices.first(where: { !(0..<n).contains(senders[$0]) || !(0..<n).contains(receivers[$0]) }) {
            throw MACEError.invalidInput("edge \(e): node \(senders[e]) → \(receivers[e]) is not in 0..<\(n)")
        }
        if let owned, owned.count != n {
            throw MACEError.invalidInput("owned mask has \(owned.count) entries for \(n) nodes")
        }
        if let i = positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw MACEError.invalidInput("node \(i): position is not finite")
        }
    }
}

/// The result of evaluating a ``MACEGraph``.
public struct MACEGraphEvaluation: Sendable {
    /// E = Σ_{i owned} E_i in eV.
    public var energy: Double
    /// E_i of every node in eV: the node energy for owned nodes, 0 for ghosts.
    public var atomEnergies: [Double]
    /// −∂E/∂x_i on every node, ghosts included, in eV/Å (empty unless forces were requested).
    public var forces: [SIMD3<Double>]
    /// W = −½ Σ_e (g_e ⊗ r_e + r_e ⊗ g_e) with g_e = ∂E/∂r_e, in eV (nil unless requested).
    /// Summed over the processes of a split system it is the whole system's virial.
    public var virial: Matrix3?
    /// ∂E/∂r_e of every input edge in eV/Å (0 for ignored edges; nil unless requested).
    public var edgeGradients: [SIMD3<Double>]?
}

extension MACEPotential {
    /// Evaluates the model on a caller-built graph.
    ///
    /// - Parameters:
    ///   - graph: nodes, edges and the owned mask.
    ///   - request: `.forces` and/or `.virial` (the energy and per-node energies always come).
    ///   - edgeGradients: also return ∂E/∂r_e per input edge.
    /// - Throws: ``MACEError/invalidInput(_:)`` for inconsistent graphs.
    public func evaluate(_ graph: MACEGraph, request: EvaluationRequest, edgeGradients: Bool = false) throws -> MACEGraphEvaluation {
        try evaluate(graph, request: request, edgeGradients: edgeGradients, options: EvaluationOptions())
    }

    func evaluate(_ graph: MACEGraph, request: EvaluationRequest, edgeGradients wantEdges: Bool = false,
                  options: EvaluationOptions) throws -> MACEGraphEvaluation {
        try graph.validate(elementCount: config.atomicNumbers.count)
        let x = graph.positions, senders = graph.senders, receivers = graph.receivers, shifts = graph.shifts
        let edges = EdgeGraph(nodeCount: x.count, senders: senders, receivers: receivers, cutoff: cutoff) { e in
            x[receivers[e]] - x[senders[e]] + shifts[e]
        }
        let wantGradients = wantEdges || request.contains(.forces) || request.contains(.virial)
        let output = Parallel.$limit.withValue(threads) {
            switch storage {
            case .single(let m):
                m.evaluate(elements: graph.elements, graph: edges, owned: graph.owned, gradients: wantGradients, options: options)
            case .double(let m):
                m.evaluate(elements: graph.elements, graph: edges, owned: graph.owned, gradients: wantGradients, options: options)
            }
        }
        let g = output.edgeGradients
        var result = MACEGraphEvaluation(energy: output.energy, atomEnergies: output.nodeEnergies, forces: [])
        if request.contains(.forces) {
            // r_e = x_receiver − x_sender + shift: ∂E/∂x_receiver = g_e, ∂E/∂x_sender = −g_e.
            var forces = [SIMD3<Double>](repeating: .zero, count: x.count)
            for e in 0..<edges.count {
                forces[edges.receivers[e]] -= g[e]
                forces[edges.senders[e]] += g[e]
            }
            result.forces = forces
        }
        if request.contains(.virial) {
            // W = −∂E/∂ε with r → (1 + ε) r, symmetrised as mace-torch does: −½ Σ_e (g⊗r + r⊗g).
            var w = Matrix3.zero
            for e in 0..<edges.count {
                w += (-0.5) * (Matrix3.outer(g[e], edges.vectors[e]) + Matrix3.outer(edges.vectors[e], g[e]))
            }
            result.virial = w
        }
        if wantEdges {
            var perInput = [SIMD3<Double>](repeating: .zero, count: senders.count)
            for e in 0..<edges.count { perInput[edges.inputEdge[e]] = g[e] }
            result.edgeGradients = perInput
        }
        return result
    }
}
