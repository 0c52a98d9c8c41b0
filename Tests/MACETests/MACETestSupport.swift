import MDCore
import MDNeighbors
@testable import MACE

extension EdgeGraph {
    /// The graph of a neighbour list: pair (i, j, S) is the message j → i with
    /// r = x_i − x_j − S·H, as ``MACEPotential`` builds it.
    init(positions: [SIMD3<Double>], cell: Matrix3, pairs: NeighborPairs, cutoff: Double) {
        self.init(nodeCount: pairs.atomCount, senders: pairs.second, receivers: pairs.first, cutoff: cutoff) { e in
            positions[pairs.first[e]] - positions[pairs.second[e]] - SIMD3<Double>(pairs.shifts[e]) * cell
        }
    }
}

extension MACEModel {
    /// Energy and ∂E/∂r per edge of a whole system (every node owned), with the test switches.
    func energy(elements: [Int], graph: EdgeGraph, gradients: Bool, schedule: EdgeSchedule = .automatic,
                foldsSenderElements: Bool = true,
                probe: ((String, [Double]) -> Void)? = nil) -> (energy: Double, edgeGradients: [SIMD3<Double>]) {
        let out = evaluate(elements: elements, graph: graph, owned: nil, gradients: gradients,
                           options: EvaluationOptions(schedule: schedule, foldsSenderElements: foldsSenderElements, probe: probe))
        return (out.energy, out.edgeGradients)
    }
}
