import Foundation
import MACE
import MDCore
import MDPotentials

/// `int macemd_evaluate(model, n, positions, numbers, cell, pbc, &energy, forces, virial,
/// atom_energies, error, error_size)`: a whole structure, neighbours found here.
///
/// Inputs: `positions` 3n doubles (Å), `numbers` n atomic numbers, `cell` 9 doubles (rows
/// a, b, c in Å; NULL: no cell), `pbc` 3 ints (NULL: periodic along every axis when a cell is
/// given). Outputs (each may be NULL to skip it): energy (eV), forces 3n (eV/Å), virial 9
/// (W = −∂E/∂ε, eV, row-major), atom_energies n (eV).
@_cdecl("macemd_evaluate")
public func macemd_evaluate(_ model: OpaquePointer?, _ n: Int64,
                            _ positions: UnsafePointer<Double>?, _ numbers: UnsafePointer<Int32>?,
                            _ cell: UnsafePointer<Double>?, _ pbc: UnsafePointer<Int32>?,
                            _ energy: UnsafeMutablePointer<Double>?, _ forces: UnsafeMutablePointer<Double>?,
                            _ virial: UnsafeMutablePointer<Double>?, _ atomEnergies: UnsafeMutablePointer<Double>?,
                            _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    withStatus(error: error, size: errorSize) {
        let potential = try ModelHandle.from(model).potential
        let count = try count(n, "n", positive: true)
        let x = readVectors(try required(positions, "positions"), count)
        let z = try required(numbers, "numbers")
        let box: Cell
        if let cell {
            let h = Matrix3(rows: SIMD3(cell[0], cell[1], cell[2]), SIMD3(cell[3], cell[4], cell[5]),
                            SIMD3(cell[6], cell[7], cell[8]))
            let periodic = pbc.map { Periodicity($0[0] != 0, $0[1] != 0, $0[2] != 0) } ?? .all
            box = Cell(vectors: h, pbc: periodic)
        } else {
            guard pbc.map({ $0[0] == 0 && $0[1] == 0 && $0[2] == 0 }) ?? true else {
                throw CAPIError("pbc is set but cell is NULL")
            }
            box = .none
        }
        let system = try AtomicSystem(atomicNumbers: (0..<count).map { Int(z[$0]) }, positions: x, cell: box)
        try potential.checkElements(of: system)
        var request: EvaluationRequest = .energy
        if forces != nil { request.insert(.forces) }
        if virial != nil { request.insert(.virial) }
        if atomEnergies != nil { request.insert(.atomEnergies) }
        let result = try potential.evaluate(system, request: request)
        energy?.pointee = result.energy
        if let forces { writeVectors(result.forces, to: forces) }
        if let virial, let w = result.virial { writeMatrix(w, to: virial) }
        if let atomEnergies, let e = result.atomEnergies {
            for i in 0..<count { atomEnergies[i] = e[i] }
        }
    }
}

/// `int macemd_evaluate_edges(model, n_owned, n_total, positions, numbers, n_edges, centres,
/// neighbours, shifts, &energy, forces, virial, atom_energies, error, error_size)`: a graph
/// built by the host, as LAMMPS has it on one MPI rank.
///
/// Nodes 0 ..< n_owned are the host's own atoms, n_owned ..< n_total ghost copies (at their
/// unwrapped positions). Edge e is the pair (centres[e], neighbours[e]) with vector
/// r = x[neighbours[e]] − x[centres[e]] + shift_e (shifts: 3 per edge in Å, NULL for none); pairs
/// with |r| ≥ r_max are ignored, so a Verlet list with skin may be passed. The graph must hold
/// both directions of every pair. Energy and atom_energies (n_owned) count owned atoms only;
/// forces (3 n_total) are on every node, ghosts included, for the host to sum onto owners;
/// the virial (9) is this graph's share of W = −∂E/∂ε.
@_cdecl("macemd_evaluate_edges")
public func macemd_evaluate_edges(_ model: OpaquePointer?, _ nOwned: Int64, _ nTotal: Int64,
                                  _ positions: UnsafePointer<Double>?, _ numbers: UnsafePointer<Int32>?,
                                  _ nEdges: Int64, _ centres: UnsafePointer<Int32>?,
                                  _ neighbours: UnsafePointer<Int32>?, _ shifts: UnsafePointer<Double>?,
                                  _ energy: UnsafeMutablePointer<Double>?, _ forces: UnsafeMutablePointer<Double>?,
                                  _ virial: UnsafeMutablePointer<Double>?, _ atomEnergies: UnsafeMutablePointer<Double>?,
                                  _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    withStatus(error: error, size: errorSize) {
        let potential = try ModelHandle.from(model).potential
        let total = try count(nTotal, "n_total")
        let owned = try count(nOwned, "n_owned")
        guard owned <= total else { throw CAPIError("n_owned = \(owned) exceeds n_total = \(total)") }
        let edgeCount = try count(nEdges, "n_edges")
        let z = try required(numbers, "numbers")
        var elements = [Int](repeating: 0, count: total)
        for i in 0..<total {
            guard let k = potential.elementIndex[Int(z[i])] else {
                let known = PotentialError.unsupportedElement(Int(z[i]), supported: potential.config.atomicNumbers)
                throw CAPIError("atom \(i): \(known)")
            }
            elements[i] = k
        }
        // MACE's edge is the message neighbour → centre with r = x_centre − x_neighbour − shift.
        let c = edgeCount > 0 ? try required(centres, "centres") : centres
        let m = edgeCount > 0 ? try required(neighbours, "neighbours") : neighbours
        var graph = MACEGraph(positions: total > 0 ? readVectors(try required(positions, "positions"), total) : [],
                              elements: elements,
                              senders: (0..<edgeCount).map { Int(m![$0]) },
                              receivers: (0..<edgeCount).map { Int(c![$0]) },
                              shifts: shifts.map { s in (0..<edgeCount).map { -SIMD3(s[3 * $0], s[3 * $0 + 1], s[3 * $0 + 2]) } }
                                  ?? Array(repeating: .zero, count: edgeCount))
        graph.owned = (0..<total).map { $0 < owned }
        var request: EvaluationRequest = .energy
        if forces != nil { request.insert(.forces) }
        if virial != nil { request.insert(.virial) }
        let result = try potential.evaluate(graph, request: request)
        energy?.pointee = result.energy
        if let forces { writeVectors(result.forces, to: forces) }
        if let virial, let w = result.virial { writeMatrix(w, to: virial) }
        if let atomEnergies { for i in 0..<owned { atomEnergies[i] = result.atomEnergies[i] } }
    }
}

/// Writes a 3×3 matrix row-major into 9 doubles.
func writeMatrix(_ w: Matrix3, to flat: UnsafeMutablePointer<Double>) {
    for r in 0..<3 { for c in 0..<3 { flat[3 * r + c] = w[row: r][c] } }
}
