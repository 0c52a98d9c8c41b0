import MDCore
import MDNeighbors

/// The edges MACE sees, grouped by receiving atom: for receiver i and sender j, mace-torch's
/// edge vector is r = x_i − x_j − S·H, i.e. minus the neighbour list's r_ij = x_j − x_i + S·H
/// for the pair (i, j, S). Messages j → i are summed at i, so every edge of atom i in the
/// neighbour list is one incoming message of i. Pairs with |r| ≥ r_max (the list's skin) are
/// dropped.
struct EdgeGraph: Sendable {
    /// Receiver (node the message goes to) and sender of each kept edge.
    var receivers: [Int] = []
    var senders: [Int] = []
    /// r = x_receiver − x_sender − S·H, Å.
    var vectors: [SIMD3<Double>] = []
    /// CSR: incoming edges of node i are offsets[i]..<offsets[i+1].
    var offsets: [Int] = [0]
    /// Edges grouped by sender: the outgoing edges of node j are
    /// outgoing[outgoingOffsets[j]..<outgoingOffsets[j+1]] (for conflict-free scatter to senders).
    var outgoing: [Int] = []
    var outgoingOffsets: [Int] = []
    /// The reverse of each edge (i ← j with shift S is j ← i with −S, vector −r), or −1 when the
    /// list lacks it.
    var reverse: [Int] = []

    init(positions: [SIMD3<Double>], cell: Matrix3, pairs: NeighborPairs, cutoff: Double) {
        let c2 = cutoff * cutoff
        receivers.reserveCapacity(pairs.count); senders.reserveCapacity(pairs.count); vectors.reserveCapacity(pairs.count)
        for i in 0..<pairs.atomCount {
            for e in pairs.range(of: i) {
                let v = -pairs.vector(e, positions: positions, cell: cell)
                if dot(v, v) < c2 {
                    receivers.append(i)
                    senders.append(pairs.second[e])
                    vectors.append(v)
                }
            }
            offsets.append(receivers.count)
        }
        let n = pairs.atomCount
        var counts = [Int](repeating: 0, count: n + 1)
        for j in senders { counts[j + 1] += 1 }
        for j in 0..<n { counts[j + 1] += counts[j] }
        outgoingOffsets = counts
        var fill = counts
        outgoing = [Int](repeating: 0, count: senders.count)
        for (e, j) in senders.enumerated() { outgoing[fill[j]] = e; fill[j] += 1 }
        // Receiver j's incoming edges are sorted by sender, so the candidates for the reverse of
        // e (sender i) are found by binary search; periodic images of the same pair differ in r.
        reverse = [Int](repeating: -1, count: receivers.count)
        for e in 0..<receivers.count {
            let i = receivers[e], j = senders[e]
            var lo = offsets[j], hi = offsets[j + 1]
            while lo < hi { let mid = (lo + hi) / 2; if senders[mid] < i { lo = mid + 1 } else { hi = mid } }
            while lo < offsets[j + 1], senders[lo] == i {
                if vectors[lo] == -vectors[e] { reverse[e] = lo; break }
                lo += 1
            }
        }
    }

    var count: Int { receivers.count }
    var nodeCount: Int { offsets.count - 1 }
}
