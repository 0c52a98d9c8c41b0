/// An irreducible representation of O(3) in e3nn's notation: degree l and parity p = ±1
/// ("0e" = (0, +1), "1o" = (1, −1)). Its dimension is 2l + 1.
public struct Irrep: Hashable, Sendable, CustomStringConvertible {
    /// Degree l ≥ 0.
    public var l: Int
    /// Parity +1 (even, "e") or −1 (odd, "o").
    public var parity: Int

    public init(l: Int, parity: Int) {
        self.l = l
        self.parity = parity
    }

    /// The number of components 2l + 1.
    public var dimension: Int { 2 * l + 1 }

    public var description: String { "\(l)\(parity > 0 ? "e" : "o")" }
}

/// A direct sum of irreps with multiplicities, e.g. "128x0e+128x1o", in e3nn's order.
///
/// Feature layout used by the evaluator (per node, contiguous): the blocks in order, each block
/// stored m-major with the channel fastest, i.e. element (m, u) of block b at
/// `offsets[b] + m·mul_b + u`. (e3nn stores [u][m]; every operation here acts on the channel
/// index or the m index separately, so only this convention must be kept consistent.)
public struct Irreps: Hashable, Sendable, CustomStringConvertible {
    /// (multiplicity, irrep) blocks in order.
    public var blocks: [(mul: Int, irrep: Irrep)]

    public init(_ blocks: [(mul: Int, irrep: Irrep)]) { self.blocks = blocks }

    /// Parses e3nn's text form "128x0e+128x1o" (a block without "Nx" has multiplicity 1;
    /// "" is the empty sum).
    public init(parsing text: String) throws {
        var blocks: [(mul: Int, irrep: Irrep)] = []
        let trimmed = text.filter { !$0.isWhitespace }
        if !trimmed.isEmpty {
            for part in trimmed.split(separator: "+", omittingEmptySubsequences: false) {
                let pieces = part.split(separator: "x")
                let mul: Int?
                let ir: Substring
                if pieces.count == 2 { mul = Int(pieces[0]); ir = pieces[1] } else { mul = 1; ir = part }
                guard let mul, mul >= 0, let last = ir.last, last == "e" || last == "o",
                      let l = Int(ir.dropLast()), l >= 0 else {
                    throw MACEError.invalidModel("cannot parse irreps '\(text)' at '\(part)'")
                }
                blocks.append((mul, Irrep(l: l, parity: last == "e" ? 1 : -1)))
            }
        }
        self.blocks = blocks
    }

    public static func == (a: Irreps, b: Irreps) -> Bool {
        a.blocks.count == b.blocks.count && zip(a.blocks, b.blocks).allSatisfy { $0.mul == $1.mul && $0.irrep == $1.irrep }
    }

    public func hash(into hasher: inout Hasher) {
        for b in blocks { hasher.combine(b.mul); hasher.combine(b.irrep) }
    }

    /// Total dimension Σ mul·(2l + 1).
    public var dimension: Int { blocks.reduce(0) { $0 + $1.mul * $1.irrep.dimension } }

    /// Start of each block within a node's feature vector.
    public var offsets: [Int] {
        var o: [Int] = [], s = 0
        for b in blocks { o.append(s); s += b.mul * b.irrep.dimension }
        return o
    }

    /// The total multiplicity of `irrep`.
    public func count(_ irrep: Irrep) -> Int { blocks.filter { $0.irrep == irrep }.reduce(0) { $0 + $1.mul } }

    /// The largest degree present (−1 when empty).
    public var lmax: Int { blocks.map(\.irrep.l).max() ?? -1 }

    public var description: String { blocks.map { "\($0.mul)x\($0.irrep)" }.joined(separator: "+") }
}
