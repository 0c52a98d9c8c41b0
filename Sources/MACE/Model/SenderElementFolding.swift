import Foundation

/// The edge stages of the first interaction with the radial MLP's output layer moved after the
/// sum over neighbours (exact: the same sums, reassociated).
///
/// In the first layer the sender's features h̃_j = Linear_up(W z_j) depend on its element only
/// (x_z, scalars 0e), and the radial MLP ends in a linear layer W: R_ij = h_ij W with h_ij the
/// last hidden layer's activations. The message of eq. (8) is then
///
///     m_{i,c,m3,k} = Σ_j f_ij Σ_{(m2→m3)∈c} coef Y_{m2}(ij) (h_ij W)_{o_c+k} x_{z_j,k}
///                  = Σ_z Σ_{(m2→m3)∈c} coef Σ_a S_{i,z,m2,a} W^z_{a,o_c+k},
///     S_{i,z,m2,a} = Σ_{j∈N(i), z_j=z} f_ij Y_{m2}(ij) h_{ij,a},      W^z_{a,o+k} = W_{a,o+k} x_{z,k},
///
/// for every instruction c (weights at o_c, Wigner entries (m2→m3) with coefficient coef) and
/// f the envelope when the model puts it on the weights (1 otherwise). An edge then costs
/// (L+1)²·hidden multiply-adds (16·64 for MACE-MP-0) instead of the output layer's
/// hidden·weights (64·512) plus the convolution, and the sum over a is a matrix product per node
/// and element. The reverse pass runs the same way back: ∂E/∂S by a matrix product per node,
/// then per edge ∂E/∂h_ij = f Σ_{m2} Y_{m2} ∂E/∂S_{i,z,m2}, ∂E/∂Y_{m2} = f Σ_a h_a ∂E/∂S_{i,z,m2,a}
/// and ∂E/∂f = Σ_{m2} Y_{m2} Σ_a h_a ∂E/∂S_{i,z,m2,a}.
///
/// ∂E/∂h̃ is not formed (the first layer's input depends on elements only), so this serves the
/// reverse pass only when no input gradient is asked for.
extension InteractionLayer {
    /// The radial MLP when the layer's edge stages fold the sender elements (see the type's
    /// notes: the first layer, a plain e3nn MLP, scalar convolution inputs, no density or
    /// element-embedding inputs); nil otherwise.
    var senderFoldingNetwork: FullyConnectedNet<T>? {
        guard readsElementFeatures, density == nil, nonLinear == nil, case .e3nn(let net) = radial, net.layers.count > 1,
              convolution.instructions.allSatisfy({ $0.inDimension == 1 }) else { return nil }
        return net
    }

    /// Forward edge stages with the sender elements folded: messages (nodes × dim(irreps_mid),
    /// zero on entry) ← m of eq. (8). `up` is h̃ = Linear_up(h), one row per node.
    func forwardFoldedEdges(_ c: PassContext<T>, _ fold: SenderFolding<T>, net: FullyConnectedNet<T>, messages: Buffer<T>) {
        let sums = c.workspace.buffer(c.nodeCount * fold.width)
        let plan = EdgeBlockPlan(c, sums: .atReceivers, usesPairs: usesPairs(c, width: fold.width))
        let split = c.timer.map { _ in StageProfile.Split() }
        plan.run(c, FoldedForwardPass(layer: self, c: c, net: net, fold: fold), target: sums, width: fold.width, split: split)
        if let split {
            c.timer?.ended(split, .radialMLP, flops: Double(plan.rowCount) * fold.hiddenFlopsPerRow,
                           .convolution, flops: Double(c.edgeCount) * fold.flopsPerEdge)
        }
        fold.messages(from: sums, into: messages, nodes: c.nodeCount)
        c.timer?.ended(.radialMLP, flops: Double(c.nodeCount) * fold.flopsPerNode)
    }

    /// Reverse mode of ``forwardFoldedEdges(_:_:net:messages:)`` given dM = ∂E/∂m: adds ∂E/∂Y to
    /// dSH, ∂E/∂B to dRadial and ∂E/∂f to `c.dCutoff`; the MLP's hidden layers are recomputed.
    func backwardFoldedEdges(_ c: PassContext<T>, _ fold: SenderFolding<T>, net: FullyConnectedNet<T>, dM: Buffer<T>,
                             dSH: Buffer<T>, dRadial: Buffer<T>) {
        let dSums = c.workspace.buffer(c.nodeCount * fold.width)
        fold.sumsGradient(from: dM, into: dSums, nodes: c.nodeCount)
        c.timer?.ended(.backwardRadialMLP, flops: Double(c.nodeCount) * fold.flopsPerNode)
        // Every edge reads its receiver's ∂E/∂S and writes only its own rows: no node sums.
        let plan = EdgeBlockPlan(c, sums: .atReceivers, usesPairs: usesPairs(c, width: 0))
        let split = c.timer.map { _ in StageProfile.Split() }
        plan.run(c, FoldedBackwardPass(layer: self, c: c, net: net, fold: fold, dSums: dSums, dSH: dSH, dRadial: dRadial),
                 target: dSums, width: 0, split: split)
        if let split {
            c.timer?.ended(split, .backwardRadialMLP, flops: 3 * Double(plan.rowCount) * fold.hiddenFlopsPerRow,
                           .backwardConvolution, flops: 2 * Double(c.edgeCount) * fold.flopsPerEdge)
        }
    }
}

/// The tables of one folded evaluation: element slots and the folded output weights W^z.
struct SenderFolding<T: MACEScalar> {
    /// Slot of each model element among the elements present (−1: absent).
    let slot: [Int]
    let slotCount: Int
    /// (L+1)² and the last hidden width.
    let shCount: Int, hidden: Int
    /// S per node: slots × (L+1)² × hidden.
    var width: Int { slotCount * shCount * hidden }
    /// W^z per slot, hidden × weights.
    let weights: [[T]]
    let weightCount: Int
    let dimOut: Int
    let instructions: [ConvolutionTensorProduct<T>.Instruction]
    let hiddenFlopsPerRow: Double

    /// Whether S for `slots` elements present fits the memory rule: per node at most four times
    /// the messages or 8192 scalars (so small models always fold); otherwise (many elements in
    /// one system) the layer runs per edge and the peak memory stays that of the messages.
    static func fits(slots: Int, layer: InteractionLayer<T>, net: FullyConnectedNet<T>, shCount: Int) -> Bool {
        slots * shCount * net.hiddenCount <= max(4 * layer.convolution.irrepsOut.dimension, 8192)
    }

    /// The tables for the nodes of `c`, with `up` = h̃ = Linear_up(h) one row per node; nil when
    /// S does not fit (``fits(slots:layer:net:shCount:)``).
    init?(_ layer: InteractionLayer<T>, _ c: PassContext<T>, net: FullyConnectedNet<T>, up: Buffer<T>) {
        let elementCount = (c.elements.max() ?? -1) + 1
        var slot = [Int](repeating: -1, count: elementCount), representative: [Int] = []
        for (i, z) in c.elements.enumerated() where slot[z] < 0 {
            slot[z] = representative.count
            representative.append(i)
        }
        guard Self.fits(slots: representative.count, layer: layer, net: net, shCount: c.shCount) else { return nil }
        self.slot = slot
        slotCount = representative.count
        shCount = c.shCount
        hidden = net.hiddenCount
        let conv = layer.convolution, nw = conv.weightCount, dUp = layer.linearUp.dimOut
        weightCount = nw
        dimOut = conv.irrepsOut.dimension
        instructions = conv.instructions
        let hid = hidden
        weights = representative.map { node in
            layer.senderFoldedWeights.table(c.elements[node]) {
                let w = net.outputWeights, x = up.pointer + node * dUp
                var folded = [T](repeating: 0, count: hid * nw)
                for ins in conv.instructions {
                    for a in 0..<hid {
                        let row = a * nw + ins.weightOffset
                        for k in 0..<ins.mul { folded[row + k] = w[row + k] * x[ins.inOffset + k] }
                    }
                }
                return folded
            }
        }
        hiddenFlopsPerRow = net.layers.dropLast().reduce(0) { $0 + 2 * Double($1.inputs * $1.outputs) }
    }

    /// Multiply-adds of S per edge (forward; the reverse does twice as many).
    var flopsPerEdge: Double { 2 * Double(shCount * hidden) }

    /// Multiply-adds of the per-node products (forward or reverse).
    var flopsPerNode: Double {
        Double(slotCount) * instructions.reduce(0) { $0 + 2 * Double($1.entries.count * hidden * $1.mul) }
    }

    /// Calls `body(coef, shIndex, outRow, weightOffset, mul)` for every Wigner entry.
    private func forEachEntry(_ body: (T, Int, Int, Int, Int) -> Void) {
        for ins in instructions {
            for e in ins.entries { body(e.coefficient, ins.shOffset + e.m2, ins.outOffset + e.m3 * ins.mul, ins.weightOffset, ins.mul) }
        }
    }

    /// m_{i,c,m3} += coef S_{i,z,m2} W^z_c for every node, slot and entry (matrix products over node chunks).
    func messages(from sums: Buffer<T>, into m: Buffer<T>, nodes n: Int) {
        let width = self.width, nw = weightCount, dMid = dimOut, hid = hidden, shCount = shCount, slots = slotCount
        Parallel.forChunks(n, grain: 32) { chunk in
            for s in 0..<slots {
                weights[s].withUnsafeBufferPointer { w in
                    forEachEntry { coef, shIndex, outRow, woff, mul in
                        T.gemm(transA: false, transB: false, m: chunk.count, n: mul, k: hid, alpha: coef,
                               a: sums.pointer + chunk.lowerBound * width + (s * shCount + shIndex) * hid, lda: width,
                               b: w.baseAddress! + woff, ldb: nw,
                               beta: 1, c: m.pointer + chunk.lowerBound * dMid + outRow, ldc: dMid)
                    }
                }
            }
        }
    }

    /// ∂E/∂S_{i,z,m2} += coef ∂E/∂m_{i,c,m3} (W^z_c)ᵀ for every node, slot and entry.
    func sumsGradient(from dM: Buffer<T>, into dS: Buffer<T>, nodes n: Int) {
        let width = self.width, nw = weightCount, dMid = dimOut, hid = hidden, shCount = shCount, slots = slotCount
        Parallel.forChunks(n, grain: 32) { chunk in
            for s in 0..<slots {
                weights[s].withUnsafeBufferPointer { w in
                    forEachEntry { coef, shIndex, outRow, woff, mul in
                        T.gemm(transA: false, transB: true, m: chunk.count, n: hid, k: mul, alpha: coef,
                               a: dM.pointer + chunk.lowerBound * dMid + outRow, lda: dMid,
                               b: w.baseAddress! + woff, ldb: nw,
                               beta: 1, c: dS.pointer + chunk.lowerBound * width + (s * shCount + shIndex) * hid, ldc: width)
                    }
                }
            }
        }
    }
}

/// Tables per model element, built on first use (thread-safe).
final class ElementTables<T: MACEScalar>: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [Int: [T]] = [:]

    init() {}

    /// The table of element index `z`, made by `build` if there is none yet.
    func table(_ z: Int, build: () -> [T]) -> [T] {
        lock.lock()
        defer { lock.unlock() }
        if let t = tables[z] { return t }
        let t = build()
        tables[z] = t
        return t
    }
}

/// Forward folded pass on one block: the MLP's hidden layers for its rows, then S at the
/// receivers of its edges.
private struct FoldedForwardPass<T: MACEScalar>: EdgeBlockPass {
    let layer: InteractionLayer<T>
    let c: PassContext<T>
    let net: FullyConnectedNet<T>
    let fold: SenderFolding<T>

    func networks(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>) -> UnsafePointer<T> {
        let input = layer.edgeInput(c, block, workspace: s.workspace)
        return net.forwardHidden(input, rows: block.rows, cache: s.radialCache.e3nn, workspace: s.workspace)
    }

    func convolution(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ h: UnsafePointer<T>) {
        let graph = c.graph, sh = c.sh.pointer, shCount = c.shCount, hid = fold.hidden, width = fold.width
        for r in 0..<block.rows {
            let hr = h + r * hid
            for side in 0..<block.edgeCount(r) {
                let e = block.edge(r, side: side)
                let z = fold.slot[c.elements[graph.senders[e]]]
                let target = s.accumulator + graph.receivers[e] * width + z * shCount * hid
                let f = c.cutoff?[e] ?? 1
                for m2 in 0..<shCount { axpy(f * sh[e * shCount + m2], hr, target + m2 * hid, count: hid) }
            }
        }
    }
}

/// Reverse folded pass on one block: the hidden layers recomputed, ∂E/∂h, ∂E/∂Y and ∂E/∂f
/// per edge from its receiver's ∂E/∂S, then the hidden layers' reverse to ∂E/∂B.
private struct FoldedBackwardPass<T: MACEScalar>: EdgeBlockPass {
    let layer: InteractionLayer<T>
    let c: PassContext<T>
    let net: FullyConnectedNet<T>
    let fold: SenderFolding<T>
    let dSums: Buffer<T>, dSH: Buffer<T>, dRadial: Buffer<T>

    struct Networks { let hidden: UnsafePointer<T>, dHidden: Buffer<T> }

    func networks(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>) -> Networks {
        let input = layer.edgeInput(c, block, workspace: s.workspace)
        let h = net.forwardHidden(input, rows: block.rows, cache: s.radialCache.e3nn, workspace: s.workspace)
        return Networks(hidden: h, dHidden: s.workspace.buffer(block.rows * fold.hidden))
    }

    func convolution(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ n: Networks) {
        let graph = c.graph, sh = c.sh.pointer, shCount = c.shCount, hid = fold.hidden, width = fold.width
        for r in 0..<block.rows {
            let hr = n.hidden + r * hid, dh = n.dHidden.pointer + r * hid
            for side in 0..<block.edgeCount(r) {
                let e = block.edge(r, side: side)
                let z = fold.slot[c.elements[graph.senders[e]]]
                let g = UnsafePointer(dSums.pointer + graph.receivers[e] * width + z * shCount * hid)
                let f = c.cutoff?[e] ?? 1
                var df: T = 0
                for m2 in 0..<shCount {
                    let y = sh[e * shCount + m2]
                    let hg = axpyAndDot(f * y, g + m2 * hid, dh, dot: hr, count: hid)
                    dSH[e * shCount + m2] += f * hg
                    df += y * hg
                }
                if let dCutoff = c.dCutoff { dCutoff[e] += df }
            }
        }
    }

    func networksBackward(_ block: EdgeBlock, _ s: EdgeBlockScratch<T>, _ n: Networks) {
        let dIn = s.workspace.buffer(block.rows * layer.edgeInputWidth(c), zeroed: false)
        net.backwardHidden(n.dHidden.pointer, rows: block.rows, cache: s.radialCache.e3nn, into: dIn.pointer, workspace: s.workspace)
        layer.addRadialGradient(c, block, UnsafePointer(dIn.pointer), into: dRadial)
    }
}
