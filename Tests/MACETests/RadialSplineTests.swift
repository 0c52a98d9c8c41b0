import Foundation
import Testing
import MDCore
import MDNeighbors
import MDPotentials
@testable import MACE

/// The fast radial mode (``RadialMode/spline``): opt-in, bounded error against the exact mode
/// per model kind, forces and virial that are the exact derivative of its energy, and a clear
/// refusal for models whose radial weights depend on the elements.
@Suite struct RadialSplineTests {
    /// Kinds whose radial weights depend on r only, so the spline mode applies.
    static let splinedKinds = ["mp0_small", "mp0_medium", "hidden_l2", "three_layers_corr2", "multihead"]
    /// Kinds refused: an element-pair distance transform, element embeddings in the radial MLP.
    static let refusedKinds = ["gaussian_agnesi_zbl", "nonlinear_edge", "density"]

    static func potential(_ kind: String, _ radial: RadialMode, _ precision: MACEPrecision = .float64) throws -> MACEPotential {
        try MACEPotential(contentsOf: MACEFixtures.modelURL(kind), precision: precision,
                          head: try MACEFixtures.reference(kind).head, radial: radial)
    }

    /// The model file of `kind` without its distance transform (the density fixture has the
    /// Soft transform, which the spline mode refuses), optionally with the envelope on the
    /// weights (mace `apply_cutoff=False`): so that the density column and the envelope on the
    /// weights are checked too.
    static func withoutTransform(_ kind: String, envelopeOnWeights: Bool) throws -> SafetensorsFile {
        var file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))
        var config = try #require(file.metadata["config"])
        config = config.replacingOccurrences(of: "\"distance_transform\":\"Soft\"", with: "\"distance_transform\":\"None\"")
        if envelopeOnWeights {
            config = config.replacingOccurrences(of: "\"apply_cutoff\":true", with: "\"apply_cutoff\":false")
        }
        file.metadata["config"] = config
        return file
    }

    @Test func exactIsTheDefault() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        #expect(mace.radialMode == .exact)
        guard case .double(let model) = mace.storage else { Issue.record("float64 expected"); return }
        #expect(model.layers.allSatisfy { $0.radialSpline == nil })
    }

    /// Spline against exact, float64, on every reference structure: max|ΔF| ≤ 3e-5·max|F|
    /// + 1e-9 eV/Å (symmetrix-xl's 256-point splines: 5e-5 on a realistic model), |ΔE| ≤
    /// 1e-7·(|E| + N) eV, virial like the forces. Measured: forces ≤ 1.3e-5 and virial ≤ 1.1e-5
    /// of their largest entry (multi-head), energies ≤ 1e-8 (|E| + N).
    @Test(arguments: splinedKinds) func splineIsCloseToExact(kind: String) throws {
        let exact = try Self.potential(kind, .exact), spline = try Self.potential(kind, .spline)
        #expect(spline.radialMode == .spline)
        for s in try MACEFixtures.reference(kind).structures {
            let a = try exact.evaluate(s.system), b = try spline.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(a.energy - b.energy) <= 1e-7 * (abs(a.energy) + n), "\(kind)/\(s.name): E \(b.energy) vs \(a.energy)")
            let fmax = a.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(a.forces, b.forces)
            #expect(df <= 3e-5 * fmax + 1e-9, "\(kind)/\(s.name): max |ΔF| = \(df), max|F| = \(fmax)")
            if let va = a.virial, let vb = b.virial {
                let dv = (va - vb).maxAbs
                #expect(dv <= 3e-5 * va.maxAbs + 1e-9, "\(kind)/\(s.name): max |ΔW| = \(dv)")
            }
        }
    }

    /// Float32 spline against float64 exact stays within the float32 parity tolerance.
    @Test(arguments: ["mp0_medium", "three_layers_corr2"]) func float32SplineIsCloseToExact(kind: String) throws {
        let exact = try Self.potential(kind, .exact), spline = try Self.potential(kind, .spline, .float32)
        for s in try MACEFixtures.reference(kind).structures {
            let a = try exact.evaluate(s.system), b = try spline.evaluate(s.system)
            let fmax = a.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(a.forces, b.forces)
            #expect(df <= 2e-3 * fmax + 1e-5, "\(kind)/\(s.name): max |ΔF| = \(df)")
            #expect(abs(a.energy - b.energy) <= 1e-5 * (abs(a.energy) + Double(s.system.count)))
        }
    }

    @Test(arguments: refusedKinds) func elementDependentRadialWeightsAreRefused(kind: String) throws {
        do {
            _ = try Self.potential(kind, .spline)
            Issue.record("\(kind): spline mode accepted")
        } catch let error as MACEError {
            #expect(error.description.contains("radial mode 'spline'") && error.description.contains("'exact'"),
                    "\(error.description)")
        }
    }

    /// Forces are −∂E/∂x of the spline energy (central differences), also with the envelope on
    /// the weights and a density column.
    @Test(arguments: [("three_layers_corr2", false), ("density", false), ("density", true)])
    func forcesAreMinusSplineEnergyGradient(kind: String, envelopeOnWeights: Bool) throws {
        let mace = try MACEPotential(file: try Self.withoutTransform(kind, envelopeOnWeights: envelopeOnWeights), radial: .spline)
        let system = try MACEPotentialTests.structure(kind, "triclinic_small")
        try MACEPotentialTests.checkForcesAgainstFiniteDifferences(mace, system, atoms: min(system.count, 4), label: kind)
    }

    /// W = −∂E/∂ε of the spline energy.
    @Test func virialIsMinusSplineStrainDerivative() throws {
        let mace = try MACEPotential(file: try Self.withoutTransform("density", envelopeOnWeights: false), radial: .spline)
        let system = try MACEPotentialTests.structure("density", "triclinic_small")
        try MACEPotentialTests.checkVirialAgainstStrain(mace, system, label: "density, spline")
    }

    /// The table interpolates the radial network with the error of a cubic Hermite spline:
    /// at the knots it is the network itself, and halving the spacing divides the error of
    /// w between knots by ~16 and of dw/dr by ~8 (a wrong knot slope would leave O(h) errors).
    @Test func tableConvergesAtFourthOrder() throws {
        let model = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL("mp0_small")))
        let layer = model.layers[0]
        guard case .e3nn(let net) = layer.radial else { Issue.record("e3nn radial MLP expected"); return }
        let nb = model.radialEmbedding.count, nw = net.outputCount
        // The network at r and by central differences its slope, for probe lengths between knots.
        func network(_ r: Double) -> [Double] {
            var e = [Double](repeating: 0, count: nb), de = e
            e.withUnsafeMutableBufferPointer { ev in de.withUnsafeMutableBufferPointer { dv in
                model.radialEmbedding.evaluate(r, 0, 0, features: ev, derivatives: dv)
            } }
            return RadialSplineBuilder.tangent(net, e, de, rows: 1).value
        }
        func errors(_ spacing: Double) -> (value: Double, slope: Double) {
            let spline = RadialSplineBuilder.tabulate(radial: net, density: nil, embedding: model.radialEmbedding,
                                                      cutoff: model.config.cutoff, spacing: spacing)
            var value = 0.0, slope = 0.0
            for r in stride(from: 1.0137, to: 5.9, by: 0.1371) {
                var w = [Double](repeating: 0, count: nw)
                w.withUnsafeMutableBufferPointer { spline.evaluate(r, into: $0.baseAddress!, count: nw) }
                let exact = network(r), d = 1e-5
                let plus = network(r + d), minus = network(r - d)
                for k in 0..<nw {
                    value = max(value, abs(w[k] - exact[k]))
                    var unit = [Double](repeating: 0, count: nw); unit[k] = 1
                    let ds = unit.withUnsafeBufferPointer { spline.contractDerivative(r, with: $0.baseAddress!, count: nw) }
                    slope = max(slope, abs(ds - (plus[k] - minus[k]) / (2 * d)))
                }
            }
            return (value, slope)
        }
        let coarse = errors(0.08), fine = errors(0.04)
        #expect(coarse.value / fine.value > 10, "value errors \(coarse.value) → \(fine.value)")
        #expect(coarse.slope / fine.slope > 5, "slope errors \(coarse.slope) → \(fine.slope)")
    }
}

/// Forces (eV/Å) of a whole system from a model's edge gradients.
func modelForces<T>(_ model: MACEModel<T>, _ system: AtomicSystem) throws -> (energy: Double, forces: [SIMD3<Double>]) {
    let graph = EdgeGraph(positions: system.positions, cell: system.cell.vectors,
                          pairs: try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: model.config.cutoff),
                          cutoff: model.config.cutoff)
    let index = Dictionary(uniqueKeysWithValues: model.config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
    let elements = system.atomicNumbers.map { index[$0]! }
    let (energy, grads) = model.energy(elements: elements, graph: graph, gradients: true)
    var forces = [SIMD3<Double>](repeating: .zero, count: system.count)
    for e in 0..<graph.count { forces[graph.receivers[e]] -= grads[e]; forces[graph.senders[e]] += grads[e] }
    return (energy, forces)
}

extension RadialSplineTests {
    /// The density blocks' column and the envelope on the weights: the density fixture without
    /// its Soft transform, spline against exact, within the bound of ``splineIsCloseToExact(kind:)``.
    @Test(arguments: [false, true]) func densityBlocksAreCloseToExact(envelopeOnWeights: Bool) throws {
        let file = try Self.withoutTransform("density", envelopeOnWeights: envelopeOnWeights)
        let exact = try MACEModel<Double>(file: file), spline = try exact.withRadialSplines()
        for s in try MACEFixtures.reference("density").structures {
            let a = try modelForces(exact, s.system), b = try modelForces(spline, s.system)
            let fmax = a.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(a.forces, b.forces)
            #expect(df <= 3e-5 * fmax + 1e-9, "density/\(s.name): max |ΔF| = \(df), max|F| = \(fmax)")
            #expect(abs(a.energy - b.energy) <= 1e-7 * (abs(a.energy) + Double(s.system.count)))
        }
    }

    /// The whole model's force error falls with the knot spacing as a cubic Hermite spline's
    /// derivative error should (h³ to h⁴): measured 11× (mp0_small) from 0.02 to 0.01 Å.
    @Test func forceErrorConvergesWithSpacing() throws {
        let ref = try MACEFixtures.reference("mp0_small")
        let exact = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL("mp0_small")))
        func error(_ spacing: Double) throws -> Double {
            let spline = try exact.withRadialSplines(spacing: spacing)
            var worst = 0.0
            for s in ref.structures {
                let a = try modelForces(exact, s.system), b = try modelForces(spline, s.system)
                worst = max(worst, maxDeviation(a.forces, b.forces) / a.forces.reduce(0) { max($0, length($1)) })
            }
            return worst
        }
        let coarse = try error(0.02), fine = try error(0.01)
        #expect(coarse / fine > 6, "max|ΔF|/max|F|: \(coarse) at 0.02 Å, \(fine) at 0.01 Å")
    }
}
