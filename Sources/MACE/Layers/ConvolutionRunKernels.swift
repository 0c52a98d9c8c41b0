/// Channel-blocked kernels of the convolution (``ConvolutionTensorProduct``), the same maths
/// as its per-edge kernels with the sums reordered so that the accumulated rows stay in SIMD
/// registers: one vector of channels (a "lane", 8 floats or 4 doubles, one AVX register) at a
/// time, the output rows (forward) or the ∂E/∂Y sums (reverse) of a few Wigner entries held
/// across the loop that feeds them.
extension ConvolutionTensorProduct {
    /// Most edges of one ``ConvolutionRun`` (longer runs are split; the scratch of
    /// ``runScratchCount`` holds this many edges' coefficients).
    static var maxRunLength: Int { 64 }

    /// Scalars of scratch space ``accumulate(run:into:scratch:)`` needs: one coefficient per
    /// Wigner entry and edge of the longest run, then the (w x) rows of one instruction for one
    /// edge or, for a scalar input, for the whole run.
    var runScratchCount: Int {
        Self.maxRunLength * kernels.entryCount
            + (instructions.map { max($0.inDimension, Self.maxRunLength) * $0.mul }.max() ?? 0)
    }

    /// out += Σ_{e ∈ run} φ(x_e, Y_e, w_e) for a run of edges e = j → i with one receiver i:
    /// per instruction and output row m3, in channels k,
    ///
    ///     out_{m3,k} += Σ_e Σ_{entries t of m3} a_{e,t} · w_{e,k} · x_{e,m1(t),k},   a_{e,t} = c_t Y_{e,m2(t)}.
    ///
    /// Instructions with a scalar input (l1 = 0: one Wigner entry per output row, a_{e,m3} =
    /// c Y_{e,m3}) keep a lane of four output rows in registers while the run's edges are
    /// added, out_{m3,k} += Σ_e a_{e,m3} (w_{e,k} x_{e,k}), so each row's lane of `out` is loaded
    /// and stored once per run, not once per edge. Other instructions run edge by edge as in
    /// ``accumulate(x:sh:weights:into:scratch:)``. Scratch: ``runScratchCount`` scalars.
    func accumulate(run: ConvolutionRun<T>, into out: UnsafeMutablePointer<T>, scratch: UnsafeMutablePointer<T>) {
        if MemoryLayout<T>.size == 4 {
            accumulate(run: run, into: out, scratch: scratch, lane: SIMD8<T>.self)
        } else {
            accumulate(run: run, into: out, scratch: scratch, lane: SIMD4<T>.self)
        }
    }

    @inline(__always)
    private func accumulate<V: SIMD>(run: ConvolutionRun<T>, into out: UnsafeMutablePointer<T>, scratch a: UnsafeMutablePointer<T>,
                                     lane: V.Type) where V.Scalar == T {
        let table = kernels, n = run.count, ne = table.entryCount, width = V.scalarCount
        for e in 0..<n {
            let y = run.sh[e], ae = a + e &* ne
            for t in 0..<ne { ae[t] = table.entries[t].coefficient * y[table.entries[t].shIndex] }
        }
        let rowScratch = a + Self.maxRunLength &* ne
        let ro = UnsafeMutableRawPointer(out), stride = MemoryLayout<T>.stride
        for i in 0..<table.instructionCount {
            let ins = table.instructions[i]
            let u = ins.mul, full = u - u % width, bytes = ins.weightOffset &* stride, inBytes = ins.inOffset &* stride
            guard ins.inDimension == 1, ins.groups.count == ins.entries.count else {
                // Edge by edge: (w x)_{m1} rows in scratch, each output row's entries summed in registers.
                for e in 0..<n {
                    let x = run.x[e] + ins.inOffset, w = run.weights[e] + ins.weightOffset
                    for m1 in 0..<ins.inDimension {
                        let xi = x + m1 &* u, wx = rowScratch + m1 &* u
                        for k in 0..<u { wx[k] = w[k] * xi[k] }
                    }
                    let ae = a + e &* ne
                    for g in ins.groups {
                        let group = table.groups[g]
                        sumRows(coefficients: ae + group.entries.lowerBound, entries: table.entries + group.entries.lowerBound,
                                count: group.entries.count, rows: rowScratch, into: out + group.outRow, length: u)
                    }
                }
                continue
            }
            // (w_e x_e) of the run's edges, lane by lane: packed[(j n + e) width + l] = w_{e,k} x_{e,k}
            // for channel k = j width + l, so that the loops below read it in order.
            let packed = rowScratch
            for e in 0..<n {
                let w = UnsafeRawPointer(run.weights[e]) + bytes, x = UnsafeRawPointer(run.x[e]) + inBytes
                var j = 0
                while j &* width < full {
                    let kb = j &* width &* stride
                    UnsafeMutableRawPointer(packed).storeBytes(
                        of: w.loadUnaligned(fromByteOffset: kb, as: V.self) * x.loadUnaligned(fromByteOffset: kb, as: V.self),
                        toByteOffset: (j &* n &+ e) &* width &* stride, as: V.self)
                    j += 1
                }
            }
            var g = ins.groups.lowerBound
            while g < ins.groups.upperBound {
                let rows = min(4, ins.groups.upperBound - g)
                let t0 = table.groups[g].entries.lowerBound
                let o0 = table.groups[g].outRow &* stride
                let o1 = table.groups[g + min(1, rows - 1)].outRow &* stride
                let o2 = table.groups[g + min(2, rows - 1)].outRow &* stride
                let o3 = table.groups[g + min(3, rows - 1)].outRow &* stride
                var k = 0
                while k < full {
                    let kb = k &* stride
                    var acc0 = ro.loadUnaligned(fromByteOffset: o0 &+ kb, as: V.self)
                    var acc1 = ro.loadUnaligned(fromByteOffset: o1 &+ kb, as: V.self)
                    var acc2 = ro.loadUnaligned(fromByteOffset: o2 &+ kb, as: V.self)
                    var acc3 = ro.loadUnaligned(fromByteOffset: o3 &+ kb, as: V.self)
                    let lane = UnsafeRawPointer(packed + k &* n)
                    @inline(__always) func wx(_ e: Int) -> V { lane.loadUnaligned(fromByteOffset: e &* width &* stride, as: V.self) }
                    // One loop per number of rows, so that the loop over edges has no branches;
                    // one or two rows sum even and odd edges apart (two chains of additions).
                    switch rows {
                    case 4:
                        for e in 0..<n {
                            let v = wx(e), ae = a + e &* ne + t0
                            acc0.addProduct(V(repeating: ae[0]), v); acc1.addProduct(V(repeating: ae[1]), v)
                            acc2.addProduct(V(repeating: ae[2]), v); acc3.addProduct(V(repeating: ae[3]), v)
                        }
                    case 3:
                        for e in 0..<n {
                            let v = wx(e), ae = a + e &* ne + t0
                            acc0.addProduct(V(repeating: ae[0]), v); acc1.addProduct(V(repeating: ae[1]), v); acc2.addProduct(V(repeating: ae[2]), v)
                        }
                    case 2:
                        var odd0 = V(), odd1 = V(), e = 0
                        while e &+ 1 < n {
                            let v = wx(e), ae = a + e &* ne + t0, v2 = wx(e &+ 1), ae2 = ae + ne
                            acc0.addProduct(V(repeating: ae[0]), v); acc1.addProduct(V(repeating: ae[1]), v)
                            odd0.addProduct(V(repeating: ae2[0]), v2); odd1.addProduct(V(repeating: ae2[1]), v2)
                            e &+= 2
                        }
                        if e < n {
                            let v = wx(e), ae = a + e &* ne + t0
                            acc0.addProduct(V(repeating: ae[0]), v); acc1.addProduct(V(repeating: ae[1]), v)
                        }
                        acc0 += odd0; acc1 += odd1
                    default:
                        var odd0 = V(), e = 0
                        while e &+ 1 < n {
                            acc0.addProduct(V(repeating: a[e &* ne &+ t0]), wx(e))
                            odd0.addProduct(V(repeating: a[(e &+ 1) &* ne &+ t0]), wx(e &+ 1))
                            e &+= 2
                        }
                        if e < n { acc0.addProduct(V(repeating: a[e &* ne &+ t0]), wx(e)) }
                        acc0 += odd0
                    }
                    // Stores in reverse: an unused slot holds the last row unchanged and is stored before it.
                    ro.storeBytes(of: acc3, toByteOffset: o3 &+ kb, as: V.self)
                    ro.storeBytes(of: acc2, toByteOffset: o2 &+ kb, as: V.self)
                    ro.storeBytes(of: acc1, toByteOffset: o1 &+ kb, as: V.self)
                    ro.storeBytes(of: acc0, toByteOffset: o0 &+ kb, as: V.self)
                    k += width
                }
                // Channels past the last whole lane, one at a time.
                for r in 0..<rows where full < u {
                    let row = table.groups[g + r].outRow, t = t0 + r
                    for k in full..<u {
                        var s = out[row + k]
                        for e in 0..<n { s += a[e &* ne &+ t] * (run.weights[e][ins.weightOffset + k] * run.x[e][ins.inOffset + k]) }
                        out[row + k] = s
                    }
                }
                g += rows
            }
        }
    }

    /// The reverse of ``accumulate(x:sh:weights:into:scratch:)`` for one edge, channel-blocked:
    /// the same results as the per-edge reverse written term by term (the tests' reference)
    /// up to summation order. Per instruction and input row m1, its Wigner entries t (output row
    /// m3, harmonic m2, a_t = c_t Y_{m2}) are taken four at a time; for each lane of channels k
    ///
    ///     G_k = Σ_t a_t g_{m3(t),k},   ∂E/∂x_{m1,k} += w_k G_k,   ∂E/∂w_k += x_{m1,k} G_k,
    ///     D_t += w_k x_{m1,k} g_{m3(t),k}   (a lane of partial sums per entry, in registers),
    ///
    /// and after the last lane ∂E/∂Y_{m2(t)} += c_t Σ_lanes D_t. G is linear in the entries, so
    /// adding the G of each group of four to ∂E/∂x and ∂E/∂w is the same sum as adding the whole G.
    /// Nothing but ∂E/∂x and ∂E/∂w is stored per lane.
    func backward(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>, gradient g: UnsafePointer<T>,
                         dx: UnsafeMutablePointer<T>, dSH: UnsafeMutablePointer<T>, dWeights dw: UnsafeMutablePointer<T>,
                         accumulateWeights: Bool = false) {
        if MemoryLayout<T>.size == 4 {
            backward(x: x, sh: sh, weights: w, gradient: g, dx: dx, dSH: dSH, dWeights: dw,
                            accumulateWeights: accumulateWeights, lane: SIMD8<T>.self)
        } else {
            backward(x: x, sh: sh, weights: w, gradient: g, dx: dx, dSH: dSH, dWeights: dw,
                            accumulateWeights: accumulateWeights, lane: SIMD4<T>.self)
        }
    }

    @inline(__always)
    private func backward<V: SIMD>(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>,
                                          gradient g: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, dSH: UnsafeMutablePointer<T>,
                                          dWeights dw: UnsafeMutablePointer<T>, accumulateWeights: Bool,
                                          lane: V.Type) where V.Scalar == T {
        let table = kernels, width = V.scalarCount, stride = MemoryLayout<T>.stride
        @inline(__always) func load(_ p: UnsafePointer<T>, _ k: Int) -> V {
            UnsafeRawPointer(p).loadUnaligned(fromByteOffset: k &* stride, as: V.self)
        }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<T>, _ k: Int) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: k &* stride, as: V.self)
        }
        for i in 0..<table.instructionCount {
            let ins = table.instructions[i]
            let u = ins.mul, full = u - u % width
            let wi = w + ins.weightOffset, dwi = dw + ins.weightOffset
            if !accumulateWeights { dwi.update(repeating: 0, count: u) }
            for gi in ins.inputGroups {
                let grp = table.inputGroups[gi]
                let xi = x + ins.inOffset + grp.outRow, dxi = dx + ins.inOffset + grp.outRow
                var t = grp.entries.lowerBound
                while t < grp.entries.upperBound {
                    let count = min(4, grp.entries.upperBound - t)
                    let e0 = table.entriesByInput[t], e1 = table.entriesByInput[t + min(1, count - 1)]
                    let e2 = table.entriesByInput[t + min(2, count - 1)], e3 = table.entriesByInput[t + min(3, count - 1)]
                    let a0 = V(repeating: e0.coefficient * sh[e0.shIndex]), a1 = V(repeating: e1.coefficient * sh[e1.shIndex])
                    let a2 = V(repeating: e2.coefficient * sh[e2.shIndex]), a3 = V(repeating: e3.coefficient * sh[e3.shIndex])
                    let p0 = g + e0.outRow, p1 = g + e1.outRow, p2 = g + e2.outRow, p3 = g + e3.outRow
                    var d0 = V(), d1 = V(), d2 = V(), d3 = V()
                    // The loop over lanes for `entries` (1…4) entries; called with a constant,
                    // so each copy has no branches inside.
                    @inline(__always) func lanes(_ entries: Int) {
                        var k = 0
                        while k < full {
                            let xv = load(xi, k), wv = load(wi, k), wx = wv * xv
                            let v0 = load(p0, k)
                            var gsum = a0 * v0
                            d0.addProduct(wx, v0)
                            if entries > 1 { let v = load(p1, k); gsum.addProduct(a1, v); d1.addProduct(wx, v) }
                            if entries > 2 { let v = load(p2, k); gsum.addProduct(a2, v); d2.addProduct(wx, v) }
                            if entries > 3 { let v = load(p3, k); gsum.addProduct(a3, v); d3.addProduct(wx, v) }
                            store(load(dxi, k).addingProduct(wv, gsum), dxi, k)
                            store(load(dwi, k).addingProduct(xv, gsum), dwi, k)
                            k &+= width
                        }
                    }
                    switch count {
                    case 4: lanes(4)
                    case 3: lanes(3)
                    case 2: lanes(2)
                    default: lanes(1)
                    }
                    var s0 = d0.sum(), s1 = d1.sum(), s2 = d2.sum(), s3 = d3.sum()
                    // Channels past the last whole lane, one at a time.
                    for k in full..<u {
                        let wx = wi[k] * xi[k]
                        var gsum = a0[0] * p0[k]
                        s0 += wx * p0[k]
                        if count > 1 { gsum += a1[0] * p1[k]; s1 += wx * p1[k] }
                        if count > 2 { gsum += a2[0] * p2[k]; s2 += wx * p2[k] }
                        if count > 3 { gsum += a3[0] * p3[k]; s3 += wx * p3[k] }
                        dxi[k] += wi[k] * gsum
                        dwi[k] += xi[k] * gsum
                    }
                    dSH[e0.shIndex] += e0.coefficient * s0
                    if count > 1 { dSH[e1.shIndex] += e1.coefficient * s1 }
                    if count > 2 { dSH[e2.shIndex] += e2.coefficient * s2 }
                    if count > 3 { dSH[e3.shIndex] += e3.coefficient * s3 }
                    t += count
                }
            }
        }
    }
}

/// The per-edge inputs of a run of edges that share their receiver (``ConvolutionTensorProduct/accumulate(run:into:scratch:)``):
/// for edge e < `count`, the sender's features x_e, the harmonics Y_e and the weights w_e.
struct ConvolutionRun<T: MACEScalar> {
    var count = 0
    let x: UnsafeMutablePointer<UnsafePointer<T>>
    let sh: UnsafeMutablePointer<UnsafePointer<T>>
    let weights: UnsafeMutablePointer<UnsafePointer<T>>

    /// Appends one edge.
    @inline(__always) mutating func append(x xe: UnsafePointer<T>, sh se: UnsafePointer<T>, weights we: UnsafePointer<T>) {
        x[count] = xe; sh[count] = se; weights[count] = we
        count += 1
    }
}

/// Storage for the pointers of one ``ConvolutionRun`` of up to `capacity` edges.
final class ConvolutionRunStorage<T: MACEScalar> {
    private let pointers: UnsafeMutablePointer<UnsafePointer<T>>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointers = .allocate(capacity: 3 * capacity)
    }

    deinit { pointers.deallocate() }

    /// An empty run over this storage.
    var emptyRun: ConvolutionRun<T> {
        ConvolutionRun(x: pointers, sh: pointers + capacity, weights: pointers + 2 * capacity)
    }
}
