import Foundation

/// The rows of the edge networks when opposite edges share them. When the edge networks see
/// B(r) alone, the edges i ← j and j ← i have the same input (|r| is the same), hence the same
/// radial-MLP weights R(B) and density D(B); computing them once per pair halves the radial
/// MLP, the most expensive stage. Edges whose reverse is missing (an edge into a ghost node
/// whose own neighbours are not listed) or whose features differ bitwise from their reverse's
/// are rows of their own.
struct EdgePairing: Sendable {
    /// The first edge of each row, in edge order.
    let first: [Int]
    /// The second edge of each row (the reverse of the first), or −1 for a row of one edge.
    let second: [Int]
    /// Rows that hold two edges.
    let pairCount: Int

    /// Pairs the edges of `edges` whose reverse has bitwise the same radial features (and
    /// envelope); nil when no edge pairs.
    init?<T>(_ edges: EdgeFeatures<T>) {
        let graph = edges.graph, nb = edges.radialCount
        let radial = edges.radial.values, cutoff = edges.radial.envelope?.values
        func sameFeatures(_ a: Int, _ b: Int) -> Bool {
            for k in 0..<nb where radial[a * nb + k] != radial[b * nb + k] { return false }
            if let cutoff, cutoff[a] != cutoff[b] { return false }
            return true
        }
        var first: [Int] = [], second: [Int] = []
        first.reserveCapacity(graph.count / 2); second.reserveCapacity(graph.count / 2)
        var taken = [Bool](repeating: false, count: graph.count)
        var pairs = 0
        for e in 0..<graph.count where !taken[e] {
            let b = graph.reverse[e]
            if b > e, !taken[b], sameFeatures(e, b) {
                taken[b] = true
                first.append(e); second.append(b)
                pairs += 1
            } else {
                first.append(e); second.append(-1)
            }
        }
        guard pairs > 0 else { return nil }
        self.first = first
        self.second = second
        pairCount = pairs
    }

    var rowCount: Int { first.count }
}

extension InteractionLayer {
    /// Most bytes of per-core node arrays the paired stages may use: an eighth of the
    /// machine's memory.
    static var memoryBudget: Int { Int(ProcessInfo.processInfo.physicalMemory / 8) }

    /// Whether this layer runs its edge stages by rows of ``EdgePairing`` in this evaluation.
    /// Each core then sums the messages (forward) and ∂E/∂h̃ (backward) of its rows into node
    /// arrays of its own, added up at the end: this costs cores × nodes × features of memory,
    /// so it is used only within ``memoryBudget``; otherwise (and for edge networks that see
    /// element embeddings, which differ between the two directions) the edge stages run by
    /// blocks of receivers and senders, recomputing the radial MLP per direction.
    /// `width`: the features per node of the pass's sums (default: the larger of the messages and ∂E/∂h̃).
    func usesPairs(_ c: PassContext<T>, width: Int? = nil) -> Bool {
        guard c.pairing != nil, nonLinear == nil else { return false }
        let width = width ?? max(convolution.irrepsOut.dimension, linearUp.dimOut)
        return (Parallel.cores - 1) * c.nodeCount * width * MemoryLayout<T>.stride <= Self.memoryBudget
    }
}
