import MDCore

/// The edges MACE sees, grouped by receiving node (CSR), each with its vector
/// r = x_receiver − x_sender + shift (mace-torch's `vectors`). Messages j → i are summed at the
/// receiver i. Edges with |r| ≥ r_max are dropped; ``inputEdge`` maps every kept edge back to the
/// caller's edge list.
struct EdgeGraph: Sendable {
    /// Receiver (node the message goes to) and sender of each kept edge.
    private(set) var receivers: [Int] = []
    private(set) var senders: [Int] = []
    /// r = x_receiver − x_sender + shift, Å.
    private(set) var vectors: [SIMD3<Double>] = []
    /// |r| of each edge, Å.
    private(set) var lengths: [Double] = []
    /// The index in the caller's edge list of each kept edge.
    private(set) var inputEdge: [Int] = []
    /// CSR: incoming edges of node i are offsets[i]..<offsets[i+1], sorted by sender.
    private(set) var offsets: [Int] = [0]
    /// Edges grouped by sender: the outgoing edges of node j are
    /// outgoing[outgoingOffsets[j]..<outgoingOffsets[j+1]] (for conflict-free scatter to senders).
    private(set) var outgoing: [Int] = []
    private(set) var outgoingOffsets: [Int] = []
    /// The reverse of each edge (i ← j with vector r is j ← i with vector −r), or −1 when the
    /// edge list lacks it (e.g. an edge to a ghost node whose own neighbours are not listed).
    private(set) var reverse: [Int] = []

    /// Builds the graph of `nodeCount` nodes from directed edges in any order.
    /// - Parameters:
    ///   - vector: r_e of input edge e (Å), evaluated once per edge.
    ///   - cutoff: r_max (Å); edges with |r| ≥ r_max are dropped.
    init(nodeCount n: Int, senders s: [Int], receivers rcv: [Int], cutoff: Double, vector: (Int) -> SIMD3<Double>) {
        let c2 = cutoff * cutoff
        // Counting sort by receiver keeps the caller's order within a receiver.
        var counts = [Int](repeating: 0, count: n + 1)
        for i in rcv { counts[i + 1] += 1 }
        for i in 0..<n { counts[i + 1] += counts[i] }
        var order = [Int](repeating: 0, count: rcv.count)
        var fill = counts
        for (e, i) in rcv.enumerated() { order[fill[i]] = e; fill[i] += 1 }
        for i in 0..<n {
            let range = counts[i]..<counts[i + 1]
            let run = order[range]
            if !zip(run, run.dropFirst()).allSatisfy({ s[$0] <= s[$1] }) {
                order.replaceSubrange(range, with: run.sorted { (s[$0], $0) < (s[$1], $1) })
            }
        }
        receivers.reserveCapacity(rcv.count); senders.reserveCapacity(rcv.count)
        vectors.reserveCapacity(rcv.count); lengths.reserveCapacity(rcv.count); inputEdge.reserveCapacity(rcv.count)
        var next = 0
        for i in 0..<n {
            while next < counts[i + 1] {
                let e = order[next]
                next += 1
                let v = vector(e)
                let r2 = dot(v, v)
                guard r2 < c2 else { continue }
                receivers.append(i); senders.append(s[e]); vectors.append(v)
                lengths.append(r2.squareRoot()); inputEdge.append(e)
            }
            offsets.append(receivers.count)
        }
        groupBySender(nodeCount: n)
        findReverses()
    }

    private mutating func groupBySender(nodeCount n: Int) {
        var counts = [Int](repeating: 0, count: n + 1)
        for j in senders { counts[j + 1] += 1 }
        for j in 0..<n { counts[j + 1] += counts[j] }
        outgoingOffsets = counts
        var fill = counts
        outgoing = [Int](repeating: 0, count: senders.count)
        for (e, j) in senders.enumerated() { outgoing[fill[j]] = e; fill[j] += 1 }
    }

    /// Receiver j's incoming edges are sorted by sender, so the candidates for the reverse of
    /// e (sender i) are found by binary search; periodic images of the same pair differ in r.
    private mutating func findReverses() {
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
