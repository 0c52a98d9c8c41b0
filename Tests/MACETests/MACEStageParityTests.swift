import Foundation
import Testing
import MDCore
import MDNeighbors
@testable import MACE

/// Intermediate stages against mace-torch (`<kind>.stages.json`): edge features, node
/// features after every block, and per-atom energies, so a parity failure points at a stage.
@Suite struct MACEStageParityTests {
    /// Every kind is required: a missing `<kind>.stages.json` fails its test.
    static let kinds = ["mp0_small", "mp0_medium", "nonlinear_edge"]

    /// A node-major array in e3nn's layout ([u][m] per block) rearranged to ours ([m][u]).
    static func toOurLayout(_ values: [Double], irreps: Irreps, rows: Int) -> [Double] {
        var out = values
        let dim = irreps.dimension, offsets = irreps.offsets
        for r in 0..<rows {
            for (b, block) in irreps.blocks.enumerated() {
                let d = block.irrep.dimension
                for u in 0..<block.mul { for m in 0..<d {
                    out[r * dim + offsets[b] + m * block.mul + u] = values[r * dim + offsets[b] + u * d + m]
                } }
            }
        }
        return out
    }

    @Test(arguments: kinds) func stagesMatchMaceTorch(kind: String) throws {
        let data = try Data(contentsOf: MACEFixtures.directory.appendingPathComponent("\(kind).stages.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tensors = try #require(root["tensors"] as? [String: [String: Any]])
        let model = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind)))
        let name = try #require(root["structure"] as? String)
        let system = try #require(try MACEFixtures.reference(kind).structures.first { $0.name == name }).system
        let zs = system.atomicNumbers, positions = system.positions, cell = system.cell
        let pairs = try NeighborPairs(positions: positions, cell: cell, cutoff: model.config.cutoff)
        let graph = EdgeGraph(positions: positions, cell: cell.vectors, pairs: pairs, cutoff: model.config.cutoff)
        let index = Dictionary(uniqueKeysWithValues: model.config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
        let elements = zs.map { index[$0]! }
        var ours: [String: [Double]] = [:]
        _ = model.energy(elements: elements, graph: graph, gradients: false) { ours[$0] = $1 }

        // Edges: match mace-torch's (sender, receiver, vector) to ours.
        func field(_ key: String) -> [Double] {
            if let d = root[key] as? [String: Any], let values = d["data"] { return Self.flatten(values) }
            return Self.flatten(root[key] as Any)
        }
        let senders = field("edge_sender").map { Int($0) }, receivers = field("edge_receiver").map { Int($0) }
        let flatVectors = field("vectors")
        var vectors: [SIMD3<Double>] = []
        for k in 0..<(flatVectors.count / 3) {
            vectors.append(SIMD3<Double>(flatVectors[3 * k], flatVectors[3 * k + 1], flatVectors[3 * k + 2]))
        }
        #expect(senders.count == graph.count, "\(kind): \(senders.count) mace edges vs \(graph.count)")
        var edgeMap = [Int](repeating: -1, count: senders.count)
        for k in senders.indices {
            let v = vectors[k]
            for e in graph.offsets[receivers[k]]..<graph.offsets[receivers[k] + 1]
            where graph.senders[e] == senders[k] && length(graph.vectors[e] - v) < 1e-9 { edgeMap[k] = e }
        }
        #expect(!edgeMap.contains(-1), "\(kind): unmatched edges")
        guard !edgeMap.contains(-1) else { return }

        func check(_ name: String, ours values: [Double]?, rowsOf transform: ([Double]) -> [Double], edgeRows: Int? = nil) {
            guard let t = tensors[name], let reference = t["data"] as? [Any] else { Issue.record("\(kind): no stage \(name)"); return }
            let flat = Self.flatten(reference)
            guard var mine = values else { Issue.record("\(kind): we produce no \(name)"); return }
            if let width = edgeRows {
                var reordered = [Double](repeating: 0, count: mine.count)
                for k in edgeMap.indices { for c in 0..<width { reordered[k * width + c] = mine[edgeMap[k] * width + c] } }
                mine = reordered
            }
            let theirs = transform(flat)
            #expect(theirs.count == mine.count, "\(kind) \(name): size \(theirs.count) vs \(mine.count)")
            let scale = theirs.reduce(0) { max($0, abs($1)) }
            let dev = zip(theirs, mine).reduce(0) { max($0, abs($1.0 - $1.1)) }
            #expect(dev <= 1e-10 * (1 + scale), "\(kind) \(name): max deviation \(dev) (scale \(scale))")
        }
        let n = zs.count
        check("spherical_harmonics", ours: ours["spherical_harmonics"], rowsOf: { $0 }, edgeRows: model.sphericalHarmonics.count)
        check("edge_feats", ours: ours["edge_feats"], rowsOf: { $0 }, edgeRows: model.radialEmbedding.count)
        check("node_embedding", ours: ours["node_embedding"], rowsOf: { $0 })
        for (t, layer) in model.layers.enumerated() {
            check("interactions.\(t).linear_up", ours: ours["interactions.\(t).linear_up"]) {
                Self.toOurLayout($0, irreps: layer.linearUp.irrepsOut, rows: n)
            }
            let linearName = layer.kind == .nonLinear ? "interactions.\(t).linear_1" : "interactions.\(t).linear"
            check(linearName, ours: ours["interactions.\(t).linear"]) {
                Self.toOurLayout($0, irreps: layer.linear.irrepsOut, rows: n)
            }
            // interactions.t.out is [n, C, components]: ours is [n][components][C].
            let sc = layer.contraction
            check("interactions.\(t).out", ours: ours["interactions.\(t).out"]) { theirs in
                var out = theirs
                for r in 0..<n { for c in 0..<sc.channels { for i in 0..<sc.components {
                    out[r * sc.dimIn + i * sc.channels + c] = theirs[r * sc.dimIn + c * sc.components + i]
                } } }
                return out
            }
            check("products.\(t).out", ours: ours["products.\(t).out"]) {
                Self.toOurLayout($0, irreps: layer.productLinear.irrepsOut, rows: n)
            }
        }
        let reference = field("node_energies")
        if !reference.isEmpty, let mine = ours["node_energies"] {
            let dev = zip(reference, mine).reduce(0) { max($0, abs($1.0 - $1.1)) }
            #expect(dev <= 1e-10, "\(kind) node energies: max deviation \(dev)")
        } else {
            Issue.record("\(kind): node energies missing")
        }
    }

    static func flatten(_ any: Any) -> [Double] {
        if let d = any as? Double { return [d] }
        if let n = any as? NSNumber { return [n.doubleValue] }
        if let a = any as? [Any] { return a.flatMap { flatten($0) } }
        return []
    }
}
