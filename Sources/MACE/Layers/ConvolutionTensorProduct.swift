/// The channel-wise ("uvu") tensor product of MACE's interaction, eq. (8) of Batatia et al.:
/// the one-particle basis of an edge j → i,
///
///     φ_{k l3 m3}(ij) = Σ_{l1 l2} c_{l1l2l3} Σ_{m1 m2} C^{l1 l2 l3}_{m1 m2 m3} R_{k,ins}(r_ij) Y_{l2 m2}(r̂_ij) h_{j,k l1 m1},
///
/// with one output block per instruction (l1, l2 → l3), R the radial-MLP weights of the edge
/// (one per channel k and instruction), C e3nn's real Wigner-3j and c the instruction's path
/// weight (√(2l3+1) for "component" normalisation). The Wigner-3j tensors are stored sparsely.
struct ConvolutionTensorProduct<T: MACEScalar>: Sendable {
    struct Entry: Sendable { var m1: Int, m2: Int, m3: Int, coefficient: T }
    struct Instruction: Sendable {
        /// Offsets of the input block (node features), the harmonic block and the output block.
        var inOffset: Int, shOffset: Int, outOffset: Int
        /// Multiplicity (channels) of input and output block.
        var mul: Int
        /// Offset of this instruction's weights in the per-edge weight vector.
        var weightOffset: Int
        /// 2l1 + 1 of the input block.
        var inDimension: Int
        var entries: [Entry]
    }
    let irrepsIn: Irreps
    let irrepsSH: Irreps
    let irrepsOut: Irreps
    let instructions: [Instruction]
    let weightCount: Int
    /// The same as flat tables for the kernels.
    let kernels: ConvolutionKernels<T>

    init(_ d: JSONNode, tensors: ModelTensors) throws {
        irrepsIn = try d["irreps_in1"].irreps()
        irrepsSH = try d["irreps_in2"].irreps()
        irrepsOut = try d["irreps_out"].irreps()
        weightCount = try d["weight_numel"].int()
        let o1 = irrepsIn.offsets, o2 = irrepsSH.offsets, o3 = irrepsOut.offsets
        var list: [Instruction] = []
        for ins in try d["instructions"].array() {
            guard try ins["connection_mode"].string() == "uvu", try ins["has_weight"].bool() else {
                throw MACEError.unsupported("\(ins.path): only weighted 'uvu' convolution instructions are supported")
            }
            let a = try ins["i_in1"].int(), b = try ins["i_in2"].int(), c = try ins["i_out"].int()
            guard a >= 0, a < irrepsIn.blocks.count, b >= 0, b < irrepsSH.blocks.count, c >= 0, c < irrepsOut.blocks.count,
                  irrepsSH.blocks[b].mul == 1, irrepsIn.blocks[a].mul == irrepsOut.blocks[c].mul else {
                throw ins.fail("a valid uvu instruction")
            }
            let d1 = irrepsIn.blocks[a].irrep.dimension, d2 = irrepsSH.blocks[b].irrep.dimension
            let d3 = irrepsOut.blocks[c].irrep.dimension
            let w3j = try tensors.values(ins["w3j"].string(), count: d1 * d2 * d3)
            let pw = try ins["path_weight"].double()
            var entries: [Entry] = []
            for m1 in 0..<d1 { for m2 in 0..<d2 { for m3 in 0..<d3 {
                let v = w3j[(m1 * d2 + m2) * d3 + m3]
                if v != 0 { entries.append(Entry(m1: m1, m2: m2, m3: m3, coefficient: T(pw * v))) }
            } } }
            let woff = try ins["weight_offset"].int()
            guard woff >= 0, woff + irrepsIn.blocks[a].mul <= weightCount else { throw ins.fail("weights in range") }
            list.append(Instruction(inOffset: o1[a], shOffset: o2[b], outOffset: o3[c], mul: irrepsIn.blocks[a].mul,
                                    weightOffset: woff, inDimension: d1, entries: entries))
        }
        instructions = list
        kernels = ConvolutionKernels(list)
    }

    /// Multiplies and adds of ``accumulate(x:sh:weights:into:scratch:)`` for one edge:
    /// per instruction d1·u for w·x and 2u per Wigner entry.
    var forwardFlopsPerEdge: Double {
        instructions.reduce(0) { $0 + Double($1.inDimension * $1.mul + 2 * $1.entries.count * $1.mul) }
    }

    /// Multiplies and adds of ``backward(x:sh:weights:gradient:dx:dSH:dWeights:accumulateWeights:)``
    /// for one edge, as that kernel does them: per chunk of up to four Wigner entries of one input
    /// row, u for w·x and 4u for ∂E/∂x and ∂E/∂w, and 4u per entry (G and ∂E/∂Y).
    var backwardFlopsPerEdge: Double {
        var total = 0
        for i in 0..<kernels.instructionCount {
            let ins = kernels.instructions[i]
            for g in ins.inputGroups {
                let n = kernels.inputGroups[g].entries.count
                total += (5 * ((n + 3) / 4) + 4 * n) * ins.mul
            }
        }
        return Double(total)
    }

    /// Scalars of scratch space the per-edge forward kernel needs: the d1 × mul rows (w x),
    /// then one coefficient per Wigner entry of an instruction.
    var scratchCount: Int {
        instructions.map { $0.inDimension * $0.mul + $0.entries.count }.max() ?? 0
    }

    /// out += φ(x, Y, w) for one edge: x the sender's features (irrepsIn), Y the harmonics,
    /// w the edge's weights (`weightCount`), out the receiver's message (irrepsOut).
    /// With (wx)_{m1,u} = w_u x_{m1,u} formed once per instruction, each Wigner entry costs one
    /// multiply-add per channel; the entries of one output row m3 are summed in registers and
    /// the row is read and written once (``ConvolutionKernels/groups``).
    @inline(__always)
    func accumulate(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>, into out: UnsafeMutablePointer<T>,
                    scratch: UnsafeMutablePointer<T>) {
        let table = kernels
        for i in 0..<table.instructionCount {
            let ins = table.instructions[i]
            let u = ins.mul, wi = w + ins.weightOffset
            for m1 in 0..<ins.inDimension {
                let xi = x + ins.inOffset + m1 * u, wx = scratch + m1 * u
                for k in 0..<u { wx[k] = wi[k] * xi[k] }
            }
            // a_t = c_t Y_{m2(t)}, after the wx rows.
            let a = scratch + ins.inDimension * u, first = ins.entries.lowerBound
            for t in ins.entries { let e = table.entries[t]; a[t - first] = e.coefficient * sh[e.shIndex] }
            for g in ins.groups {
                let group = table.groups[g]
                sumRows(coefficients: a + (group.entries.lowerBound - first), entries: table.entries + group.entries.lowerBound,
                        count: group.entries.count, rows: scratch, into: out + group.outRow, length: u)
            }
        }
    }
}

/// The instructions and Wigner entries of a ``ConvolutionTensorProduct`` as flat tables with
/// precomputed row offsets, for the per-edge kernels (no arrays inside arrays to retain and
/// release per edge).
final class ConvolutionKernels<T: MACEScalar>: @unchecked Sendable {
    struct Instruction {
        var inOffset: Int, mul: Int, weightOffset: Int, inDimension: Int
        /// The instruction's entries, ordered by output row, and their groups by output row.
        var entries: Range<Int>
        var groups: Range<Int>
        /// The same entries ordered by input row m1 (in ``ConvolutionKernels/entriesByInput``),
        /// and their groups by input row (``Group/outRow`` is then the row m1·mul of the input).
        var inputGroups: Range<Int>
    }
    /// The entries of one instruction that write one output row.
    struct Group {
        var outRow: Int
        var entries: Range<Int>
    }
    struct Entry {
        /// Index of Y_{m2}; offset of row m3 in the output; offset of row m1 in the scratch.
        var shIndex: Int, outRow: Int, scratchRow: Int
        var coefficient: T
    }
    let instructions: UnsafeMutablePointer<Instruction>
    let instructionCount: Int
    let entries: UnsafeMutablePointer<Entry>
    let entryCount: Int
    let groups: UnsafeMutablePointer<Group>
    /// The entries again, each instruction's ordered by (m1, m3, m2), and their groups by input row.
    let entriesByInput: UnsafeMutablePointer<Entry>
    let inputGroups: UnsafeMutablePointer<Group>

    init(_ list: [ConvolutionTensorProduct<T>.Instruction]) {
        var flat: [Entry] = []
        var rows: [Instruction] = []
        var runs: [Group] = []
        var byInput: [Entry] = [], inputRuns: [Group] = []
        for ins in list {
            let firstInputGroup = inputRuns.count
            for e in ins.entries.sorted(by: { ($0.m1, $0.m3, $0.m2) < ($1.m1, $1.m3, $1.m2) }) {
                let inRow = e.m1 * ins.mul
                if inputRuns.count == firstInputGroup || inputRuns[inputRuns.count - 1].outRow != inRow {
                    inputRuns.append(Group(outRow: inRow, entries: byInput.count..<byInput.count))
                }
                byInput.append(Entry(shIndex: ins.shOffset + e.m2, outRow: ins.outOffset + e.m3 * ins.mul,
                                     scratchRow: inRow, coefficient: e.coefficient))
                inputRuns[inputRuns.count - 1].entries = inputRuns[inputRuns.count - 1].entries.lowerBound..<byInput.count
            }
            let first = flat.count, firstGroup = runs.count
            let sorted = ins.entries.sorted { ($0.m3, $0.m1, $0.m2) < ($1.m3, $1.m1, $1.m2) }
            for e in sorted {
                let outRow = ins.outOffset + e.m3 * ins.mul
                if runs.count == firstGroup || runs[runs.count - 1].outRow != outRow {
                    runs.append(Group(outRow: outRow, entries: flat.count..<flat.count))
                }
                flat.append(Entry(shIndex: ins.shOffset + e.m2, outRow: outRow,
                                  scratchRow: e.m1 * ins.mul, coefficient: e.coefficient))
                runs[runs.count - 1].entries = runs[runs.count - 1].entries.lowerBound..<flat.count
            }
            rows.append(Instruction(inOffset: ins.inOffset, mul: ins.mul, weightOffset: ins.weightOffset,
                                    inDimension: ins.inDimension, entries: first..<flat.count, groups: firstGroup..<runs.count,
                                    inputGroups: firstInputGroup..<inputRuns.count))
        }
        instructionCount = rows.count
        instructions = .allocate(capacity: max(rows.count, 1))
        instructions.initialize(from: rows, count: rows.count)
        entries = .allocate(capacity: max(flat.count, 1))
        entries.initialize(from: flat, count: flat.count)
        entryCount = flat.count
        entriesByInput = .allocate(capacity: max(byInput.count, 1))
        entriesByInput.initialize(from: byInput, count: byInput.count)
        inputGroups = .allocate(capacity: max(inputRuns.count, 1))
        inputGroups.initialize(from: inputRuns, count: inputRuns.count)
        groups = .allocate(capacity: max(runs.count, 1))
        groups.initialize(from: runs, count: runs.count)
    }

    deinit {
        instructions.deallocate()
        entries.deallocate()
        groups.deallocate()
        entriesByInput.deallocate()
        inputGroups.deallocate()
    }
}

/// y_k += a·x_k for `count` scalars, eight at a time.
@inline(__always)
func axpy<T: MACEScalar>(_ a: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, count: Int) {
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y), stride = MemoryLayout<T>.stride
    let av = SIMD8<T>(repeating: a)
    var k = 0
    while k + 8 <= count {
        let yv = ry.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)
        ry.storeBytes(of: yv.addingProduct(av, rx.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)),
                      toByteOffset: k &* stride, as: SIMD8<T>.self)
        k += 8
    }
    while k < count { y[k] += a * x[k]; k += 1 }
}

/// y_k += Σ_t a_t·rows[scratchRow_t + k] for `length` scalars, eight at a time: the terms of one
/// output row summed in registers, y read and written once.
@inline(__always)
func sumRows<T: MACEScalar>(coefficients a: UnsafePointer<T>, entries: UnsafePointer<ConvolutionKernels<T>.Entry>, count: Int,
                            rows: UnsafePointer<T>, into y: UnsafeMutablePointer<T>, length: Int) {
    if count == 1 { axpy(a[0], rows + entries[0].scratchRow, y, count: length); return }
    let rr = UnsafeRawPointer(rows), ry = UnsafeMutableRawPointer(y), stride = MemoryLayout<T>.stride
    var k = 0
    while k + 8 <= length {
        var acc = ry.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)
        for t in 0..<count {
            acc.addProduct(SIMD8<T>(repeating: a[t]), rr.loadUnaligned(fromByteOffset: (entries[t].scratchRow &+ k) &* stride, as: SIMD8<T>.self))
        }
        ry.storeBytes(of: acc, toByteOffset: k &* stride, as: SIMD8<T>.self)
        k += 8
    }
    while k < length {
        var s = y[k]
        for t in 0..<count { s += a[t] * rows[entries[t].scratchRow + k] }
        y[k] = s
        k += 1
    }
}

/// y_k += a·x_k and returns Σ_k d_k x_k, reading x once, for `count` scalars.
@inline(__always)
func axpyAndDot<T: MACEScalar>(_ a: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, dot d: UnsafePointer<T>,
                               count: Int) -> T {
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y), rd = UnsafeRawPointer(d)
    let stride = MemoryLayout<T>.stride
    let av = SIMD8<T>(repeating: a)
    var acc = SIMD8<T>()
    var k = 0
    while k + 8 <= count {
        let xv = rx.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)
        let yv = ry.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)
        ry.storeBytes(of: yv.addingProduct(av, xv), toByteOffset: k &* stride, as: SIMD8<T>.self)
        acc.addProduct(rd.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self), xv)
        k += 8
    }
    var s = acc.sum()
    while k < count { y[k] += a * x[k]; s += d[k] * x[k]; k += 1 }
    return s
}
