import Foundation
import MDCore
import MDNeighbors
import Testing
@testable import MACE

/// The first layer's edge stages with the sender elements folded into the radial MLP's output
/// layer (``InteractionLayer/senderFoldingNetwork``) give the energy and forces of the per-edge
/// weights and convolution, for several elements, both schedules and the envelope on the weights.
@Suite struct MACESenderFoldingTests {
    @Test(arguments: [("mp0_small", false), ("mp0_medium", false), ("mp0_small", true), ("gaussian_agnesi_zbl", false),
                      ("three_layers_corr2", false)])
    func foldedFirstLayerMatchesPerEdgeWeights(kind: String, envelopeOnWeights: Bool) throws {
        var file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))
        if envelopeOnWeights, let config = file.metadata["config"] {
            file.metadata["config"] = config.replacingOccurrences(of: "\"apply_cutoff\":true", with: "\"apply_cutoff\":false")
        }
        let model = try MACEModel<Double>(file: file)
        #expect(model.config.applyCutoff == !envelopeOnWeights)
        #expect(model.layers[0].senderFoldingNetwork != nil, "\(kind): the first layer folds")
        #expect(model.layers.dropFirst().allSatisfy { $0.senderFoldingNetwork == nil })
        let system = try MACEPotentialTests.structure(kind, "bulk")
        let graph = EdgeGraph(positions: system.positions, cell: system.cell.vectors,
                              pairs: try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: model.config.cutoff),
                              cutoff: model.config.cutoff)
        let index = Dictionary(uniqueKeysWithValues: model.config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
        let elements = system.atomicNumbers.map { index[$0]! }
        #expect(Set(elements).count > 1)
        let net = try #require(model.layers[0].senderFoldingNetwork)
        #expect(SenderFolding.fits(slots: Set(elements).count, layer: model.layers[0], net: net, shCount: model.sphericalHarmonics.count))
        let reference = model.energy(elements: elements, graph: graph, gradients: true, foldsSenderElements: false)
        for schedule in [EdgeSchedule.automatic, .blocked] {
            let folded = model.energy(elements: elements, graph: graph, gradients: true, schedule: schedule)
            #expect(abs(folded.energy - reference.energy) <= 1e-12 * max(1, abs(reference.energy)), "\(kind) \(schedule)")
            // Per node, the sum of ±g over its edges is what enters the forces.
            var fa = [SIMD3<Double>](repeating: .zero, count: system.count), fb = fa
            for e in 0..<graph.count {
                fa[graph.receivers[e]] -= reference.edgeGradients[e]; fa[graph.senders[e]] += reference.edgeGradients[e]
                fb[graph.receivers[e]] -= folded.edgeGradients[e]; fb[graph.senders[e]] += folded.edgeGradients[e]
            }
            let scale = fa.map { ($0 * $0).sum().squareRoot() }.max() ?? 1
            for i in 0..<system.count {
                let d = fa[i] - fb[i]
                #expect((d * d).sum().squareRoot() <= 1e-11 * max(1, scale), "\(kind) \(schedule) atom \(i)")
            }
        }
    }
}

extension MACESenderFoldingTests {
    /// S per node may take four times the memory of the messages (or 8192 scalars): a model
    /// shaped like MACE-MP-0 (128 channels, l ≤ 3, hidden 64) folds up to 8 elements present.
    @Test func foldingMemoryRule() throws {
        let model = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL("mp0_small")))
        let layer = model.layers[0], net = try #require(layer.senderFoldingNetwork)
        let perSlot = model.sphericalHarmonics.count * net.hiddenCount
        let limit = max(4 * layer.convolution.irrepsOut.dimension, 8192) / perSlot
        #expect(SenderFolding.fits(slots: limit, layer: layer, net: net, shCount: model.sphericalHarmonics.count))
        #expect(!SenderFolding.fits(slots: limit + 1, layer: layer, net: net, shCount: model.sphericalHarmonics.count))
    }
}
