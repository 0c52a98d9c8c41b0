extension InteractionLayer {
    /// Multiplies and adds per node of the linear maps between the normalisation and the
    /// contraction: the element self-connection (plain blocks) or Linear_res and Linear₂
    /// (non-linear blocks); none for residual blocks.
    var mixingFlopsPerRow: Double {
        switch kind {
        case .plain: skip.flopsPerRow
        case .residual: 0
        case .nonLinear: (nonLinear?.linearResidual.flopsPerRow ?? 0) + (nonLinear?.linearOut.flopsPerRow ?? 0)
        }
    }

    /// Multiplies and adds per node of the product's output map (and skip connection).
    var outputFlopsPerRow: Double { productLinear.flopsPerRow + (kind != .plain ? skip.flopsPerRow : 0) }

    /// Runs the layer on `tape.input`, filling the tape: the stages of eqs. 7–12 in order.
    /// The tape's buffers live until the evaluation ends; the stages' temporaries only within
    /// this call.
    func forward(_ c: PassContext<T>, tape: LayerTape<T>) {
        let rows = Double(c.nodeCount)
        allocateTape(c, tape)
        c.workspace.withScratch {
            computeUp(c, tape)
            c.timer?.ended(.linears, flops: rows * linearUp.flopsPerRow)
            let messages = computeMessages(c, tape)
            let (linear, normalized) = computeLinear(c, tape, messages: messages)
            c.timer?.ended(.linears, flops: rows * self.linear.flopsPerRow)
            normalize(c, tape, linear: linear, into: normalized)
            c.timer?.ended(.other)
            computeMixing(c, tape, normalized: normalized)
            c.timer?.ended(.linears, flops: rows * mixingFlopsPerRow)
            let b = computeContraction(c, tape)
            c.timer?.ended(.contraction, flops: rows * contraction.flopsPerNode.forward)
            computeOutput(c, tape, product: b)
            c.timer?.ended(.linears, flops: rows * outputFlopsPerRow)
        }
    }

    /// The buffers the backward pass reads, taken before any temporary.
    private func allocateTape(_ c: PassContext<T>, _ tape: LayerTape<T>) {
        let n = c.nodeCount, ws = c.workspace, dL = linear.dimOut
        tape.up = ws.buffer(n * linearUp.dimOut)
        tape.densityRaw = density != nil ? ws.buffer(c.edgeCount) : nil
        tape.denominator = density != nil ? ws.buffer(n) : nil
        tape.linearOut = density != nil || c.keepIntermediates ? ws.buffer(n * dL) : nil
        tape.normalized = kind == .plain ? nil : ws.buffer(n * dL)
        switch kind {
        case .plain: tape.contractionIn = ws.buffer(n * skip.dimOut)
        case .residual: tape.contractionIn = tape.normalized
        case .nonLinear: tape.contractionIn = ws.buffer(n * nonLinear!.linearOut.dimOut)
        }
        tape.output = ws.buffer(n * productLinear.dimOut)
    }

    /// h̃ = Linear_up(h) (eq. 8).
    private func computeUp(_ c: PassContext<T>, _ tape: LayerTape<T>) {
        linearUp.forward(tape.input.pointer, rows: c.nodeCount, into: tape.up.pointer)
    }

    /// m_i = Σ_j φ(h̃_j, Y_ij, R(B_ij)) (eq. 8), and the edge densities of density blocks.
    private func computeMessages(_ c: PassContext<T>, _ tape: LayerTape<T>) -> Buffer<T> {
        let messages = c.workspace.buffer(c.nodeCount * convolution.irrepsOut.dimension)
        if c.foldsSenderElements, let net = senderFoldingNetwork, let fold = SenderFolding(self, c, net: net, up: tape.up) {
            forwardFoldedEdges(c, fold, net: net, messages: messages)
        } else {
            forwardEdges(c, up: tape.up, messages: messages, density: tape.densityRaw)
        }
        return messages
    }

    /// Linear(m), into the tape when it is kept (density blocks, probes), otherwise into the
    /// buffer that the normalisation then overwrites in place.
    private func computeLinear(_ c: PassContext<T>, _ tape: LayerTape<T>, messages: Buffer<T>) -> (Buffer<T>, Buffer<T>) {
        let n = c.nodeCount
        let normalized = tape.normalized ?? c.workspace.buffer(n * linear.dimOut, zeroed: false)
        let out = tape.linearOut ?? normalized
        linear.forward(messages.pointer, rows: n, into: out.pointer)
        return (out, normalized)
    }

    /// A_i = Linear(m_i)/n̄, or Linear(m_i)/D(ρ_i) for density blocks with
    /// ρ_i = Σ_j tanh(q_ij²)·f(r_ij) and D(ρ) = 1 + ρ (or βρ + α, non-linear blocks).
    private func normalize(_ c: PassContext<T>, _ tape: LayerTape<T>, linear lin: Buffer<T>, into normalized: Buffer<T>) {
        let n = c.nodeCount, dL = linear.dimOut
        guard let q = tape.densityRaw, let denom = tape.denominator else {
            for k in 0..<(n * dL) { normalized[k] = lin[k] * inverseAverageNeighbors }
            return
        }
        for i in 0..<n {
            var rho: T = 0
            for e in c.graph.offsets[i]..<c.graph.offsets[i + 1] { rho += T.tanh(q[e] * q[e]) * (c.cutoff?[e] ?? 1) }
            denom[i] = nonLinear.map { $0.beta * rho + $0.alpha } ?? (1 + rho)
            for k in 0..<dL { normalized[i * dL + k] = lin[i * dL + k] / denom[i] }
        }
    }

    /// The maps between the normalisation and the contraction: A ← SkipTP(A, z) (plain
    /// blocks) or A ← Linear₂(Gate(A + Linear_res(h̃))) (non-linear blocks).
    private func computeMixing(_ c: PassContext<T>, _ tape: LayerTape<T>, normalized: Buffer<T>) {
        let n = c.nodeCount, a = tape.contractionIn!
        switch kind {
        case .plain:
            skip.forward(normalized.pointer, elements: c.elements, into: a.pointer, accumulate: false)
        case .residual:
            break
        case .nonLinear:
            let nl = nonLinear!, dL = linear.dimOut
            nl.linearResidual.forward(tape.up.pointer, rows: n, into: normalized.pointer, accumulate: true)
            let gated = c.workspace.buffer(n * nl.gate.dimOut)
            for i in 0..<n { nl.gate.forward(normalized.pointer + i * dL, into: gated.pointer + i * nl.gate.dimOut) }
            nl.linearOut.forward(gated.pointer, rows: n, into: a.pointer)
        }
    }

    /// B_i = symmetric contraction of A_i for element z_i (eqs. 10–11).
    private func computeContraction(_ c: PassContext<T>, _ tape: LayerTape<T>) -> Buffer<T> {
        let sc = contraction, a = tape.contractionIn!
        let b = c.workspace.buffer(c.nodeCount * sc.dimOut, zeroed: false)
        Parallel.forChunks(c.nodeCount, grain: 4) { nodes in
            for i in nodes { sc.forward(a.pointer + i * sc.dimIn, element: c.elements[i], into: b.pointer + i * sc.dimOut) }
        }
        return b
    }

    /// h'_i = Linear_p(B_i) (+ SkipTP(h_i, z_i) for residual blocks) (eq. 12).
    private func computeOutput(_ c: PassContext<T>, _ tape: LayerTape<T>, product b: Buffer<T>) {
        productLinear.forward(b.pointer, rows: c.nodeCount, into: tape.output.pointer)
        if kind != .plain { skip.forward(tape.input.pointer, elements: c.elements, into: tape.output.pointer, accumulate: true) }
    }
}
