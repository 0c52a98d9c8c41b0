import Foundation
import MDCore
import TestSupport
@testable import CMaceMD

/// Test helpers that drive the C entry points exactly as a C host does.
enum CModel {
    /// A committed model: "copper" (models/copper) or a MACE test fixture name.
    static func path(_ name: String) -> String {
        let root = TestFiles.repositoryRoot
        if name == "copper" { return root.appendingPathComponent("models/copper/copper.safetensors").path }
        return root.appendingPathComponent("Tests/MACETests/Resources/\(name).safetensors").path
    }

    /// Loads through `macemd_load`; throws the C error message on failure.
    static func load(_ name: String, precision: String = "float64", head: String? = nil) throws -> OpaquePointer {
        var model: OpaquePointer?
        var error = [CChar](repeating: 0, count: 512)
        let status = path(name).withCString { p in
            precision.withCString { q in
                withOptionalCString(head) { h in macemd_load(p, q, h, &model, &error, error.count) }
            }
        }
        guard status == CStatus.ok, let model else { throw CAPIError(text(error)) }
        return model
    }

    /// Calls `body` with a C string for `text`, or NULL.
    static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }

    /// What a structure or graph evaluation returns through the C interface.
    struct Result {
        var energy = 0.0
        var forces: [Double] = []
        var virial = [Double](repeating: 0, count: 9)
        var atomEnergies: [Double] = []
    }

    /// `macemd_evaluate` on a system; throws the C error message on failure.
    static func evaluate(_ model: OpaquePointer, _ system: AtomicSystem) throws -> Result {
        let n = system.count
        var r = Result(forces: [Double](repeating: .nan, count: 3 * n), atomEnergies: [Double](repeating: .nan, count: n))
        let x = system.positions.flatMap { [$0.x, $0.y, $0.z] }
        let z = system.atomicNumbers.map(Int32.init)
        let h = system.cell.vectors
        let cell = (0..<3).flatMap { i in (0..<3).map { h[row: i][$0] } }
        let pbc: [Int32] = [system.cell.pbc.a, system.cell.pbc.b, system.cell.pbc.c].map { $0 ? 1 : 0 }
        var error = [CChar](repeating: 0, count: 512)
        let status = macemd_evaluate(model, Int64(n), x, z, cell, pbc, &r.energy, &r.forces, &r.virial, &r.atomEnergies,
                                     &error, error.count)
        guard status == CStatus.ok else { throw CAPIError(text(error)) }
        return r
    }

    /// One rank of a slab decomposition: owned atoms first, then ghost copies, the atom each
    /// node copies, and a full edge list (both directions) out to `radius`.
    struct Rank {
        var positions: [SIMD3<Double>]
        var atom: [Int]
        var owned: Int
        var centres: [Int32] = []
        var neighbours: [Int32] = []
    }

    /// Cuts a periodic `system` into `count` slabs along a (by fractional coordinate) with ghosts
    /// out to `shell` Å from the nearest owned atom, and edges of length < `radius` among all nodes.
    static func ranks(of system: AtomicSystem, count: Int, shell: Double, radius: Double) throws -> [Rank] {
        let h = system.cell.vectors
        let fractional = try system.cell.fractional(system.positions)
        let heights = system.cell.faceHeights
        let reach = (0..<3).map { Int((shell / heights[$0]).rounded(.up)) + 1 }
        var images: [SIMD3<Double>] = []
        for a in -reach[0]...reach[0] { for b in -reach[1]...reach[1] { for c in -reach[2]...reach[2] {
            images.append(SIMD3<Double>(Double(a), Double(b), Double(c)) * h)
        } } }
        return (0..<count).map { k in
            let owned = system.positions.indices.filter {
                let f = fractional[$0].x - fractional[$0].x.rounded(.down)
                return min(Int(f * Double(count)), count - 1) == k
            }
            var rank = Rank(positions: owned.map { system.positions[$0] }, atom: owned, owned: owned.count)
            let ownedSet = Set(owned)
            for (s, shift) in images.enumerated() {
                for j in system.positions.indices where !(s == images.count / 2 && ownedSet.contains(j)) {
                    let x = system.positions[j] + shift
                    if owned.contains(where: { length(system.positions[$0] - x) < shell }) {
                        rank.positions.append(x); rank.atom.append(j)
                    }
                }
            }
            for i in rank.positions.indices {
                for j in rank.positions.indices where i != j && length(rank.positions[i] - rank.positions[j]) < radius {
                    rank.centres.append(Int32(i)); rank.neighbours.append(Int32(j))
                }
            }
            return rank
        }
    }

    /// `macemd_evaluate_edges` on one rank; throws the C error message on failure.
    static func evaluate(_ model: OpaquePointer, _ rank: Rank, numbers: [Int]) throws -> Result {
        let n = rank.positions.count
        var r = Result(forces: [Double](repeating: .nan, count: 3 * n), atomEnergies: [Double](repeating: .nan, count: rank.owned))
        let x = rank.positions.flatMap { [$0.x, $0.y, $0.z] }
        let z = rank.atom.map { Int32(numbers[$0]) }
        var error = [CChar](repeating: 0, count: 512)
        let status = macemd_evaluate_edges(model, Int64(rank.owned), Int64(n), x, z, Int64(rank.centres.count),
                                           rank.centres, rank.neighbours, nil,
                                           &r.energy, &r.forces, &r.virial, &r.atomEnergies, &error, error.count)
        guard status == CStatus.ok else { throw CAPIError(text(error)) }
        return r
    }
}

/// The text before the first NUL of a C buffer (all of it when there is none).
func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A rattled fcc crystal of `symbols` cycled over the sites (Å), periodic; `tilted` shears it
/// into a triclinic cell (x → x·M with M = [[1, 0, 0], [0.2, 1, 0], [0.1, 0.15, 1]]).
func rattledFCC(_ symbols: [String], a: Double, repeats: SIMD3<Int>, tilted: Bool = false, seed: UInt64 = 7) throws -> AtomicSystem {
    let shear = tilted ? Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0.2, 1, 0), SIMD3(0.1, 0.15, 1)) : Matrix3(diagonal: SIMD3(1, 1, 1))
    let basis: [SIMD3<Double>] = [.zero, SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)]
    var positions: [SIMD3<Double>] = [], names: [String] = []
    var state = seed
    for i in 0..<repeats.x { for j in 0..<repeats.y { for k in 0..<repeats.z { for b in basis {
        var noise = SIMD3<Double>.zero
        for c in 0..<3 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            noise[c] = (Double(state >> 11) / Double(1 << 53) - 0.5) * 0.2
        }
        positions.append((SIMD3(Double(i), Double(j), Double(k)) + b) * a + noise)
        names.append(symbols[names.count % symbols.count])
    } } } }
    let lengths = SIMD3<Double>(Double(repeats.x), Double(repeats.y), Double(repeats.z)) * a
    let box = Matrix3(diagonal: lengths)
    func sheared(_ x: SIMD3<Double>) -> SIMD3<Double> { x.x * shear[row: 0] + x.y * shear[row: 1] + x.z * shear[row: 2] }
    let cell = Matrix3(rows: sheared(box[row: 0]), sheared(box[row: 1]), sheared(box[row: 2]))
    return try AtomicSystem(symbols: names, positions: positions.map(sheared), cell: Cell(vectors: cell))
}
