/// The per-evaluation inputs every layer shares: node elements, edges and edge features.
struct PassContext<T: MACEScalar> {
    let elements: [Int]
    let graph: EdgeGraph
    let edges: EdgeFeatures<T>
    /// Where the work arrays come from.
    let workspace: Workspace<T>
    /// Per-core scratch of the edge blocks.
    let blockWorkspaces: WorkspacePool<T>
    /// Keep Linear(m) of every layer in its tape (for tests that compare stages).
    let keepIntermediates: Bool
    /// Told when each stage ends (nil: nothing is measured).
    let timer: StageTimer?
    /// The rows of the edge networks when opposite edges share them (nil: one row per edge,
    /// see ``InteractionLayer/usesPairs(_:)``).
    let pairing: EdgePairing?
    /// Run the first layer's edge stages with the sender elements folded into the radial MLP's
    /// output layer (``InteractionLayer/senderFoldingNetwork``) where the layer allows it.
    let foldsSenderElements: Bool
    /// ∂E/∂|r_e| per edge from the splines of the fast radial mode (nil in the exact mode).
    var lengthGradients: Buffer<T>? = nil
    var nodeCount: Int { elements.count }
    var edgeCount: Int { graph.count }
    /// Y(r̂_e), edges × (L+1)².
    var sh: Buffer<T> { edges.sh }
    var shCount: Int { edges.shCount }
    /// B(r_e)·f(r_e), edges × nb.
    var radial: Buffer<T> { edges.radial.values }
    var radialCount: Int { edges.radialCount }
    /// f(r_e) per edge when the model multiplies the envelope into the convolution weights and
    /// densities (mace `apply_cutoff=False`) instead of into B; nil otherwise.
    var cutoff: Buffer<T>? { edges.radial.envelope?.values }
    /// ∂E/∂f(r_e), accumulated by the layers when `cutoff` is set.
    var dCutoff: Buffer<T>? { edges.radial.envelope?.gradients }
}

/// Everything one forward pass keeps for the backward pass of one layer (all node-sized).
final class LayerTape<T: MACEScalar> {
    let input: Buffer<T>
    /// h̃ = Linear_up(h).
    var up: Buffer<T>! = nil
    /// Linear(m) (before the normalisation); kept for density blocks and when probing.
    var linearOut: Buffer<T>? = nil
    /// density q_e = D(·) and the normalisation denominators per node.
    var densityRaw: Buffer<T>? = nil
    var denominator: Buffer<T>? = nil
    /// The normalised Linear(m) of residual and non-linear blocks (the gate input of the latter).
    var normalized: Buffer<T>? = nil
    /// A, the input of the symmetric contraction.
    var contractionIn: Buffer<T>! = nil
    /// h' = Linear_p(B(A)) (+ SkipTP(h)), the layer's output.
    var output: Buffer<T>! = nil
    /// What a ``LayerExtension`` keeps for its reverse pass (empty for ordinary models).
    var extensionCache: [Buffer<T>] = []
    init(input: Buffer<T>) { self.input = input }
}

