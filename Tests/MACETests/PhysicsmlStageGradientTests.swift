import Foundation
import Testing
@testable import MACE

/// The stages of physicsml's SSF and adapter variants (``InstanceAffine``, ``AdapterBranch``,
/// ``LayerAdapters`` through ``LayerExtension``): each forward against its formula and each
/// reverse against central finite differences, on the converted physicsml fixture models
/// (Tests/MACEConversionTests/Resources/physicsml, made by scripts/fixtures/make_physicsml_fixtures.py).
@Suite struct PhysicsmlStageGradientTests {
    typealias Noise = MACEStageGradientTests.Noise

    static func model(_ variant: String) throws -> MACEModel<Double> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../MACEConversionTests/Resources/physicsml/\(variant).safetensors").standardized
        return try MACEModel<Double>(file: try SafetensorsFile(contentsOf: url))
    }

    static func buffer(_ values: [Double]) -> Buffer<Double> {
        let b = Buffer<Double>(count: values.count)
        for (k, v) in values.enumerated() { b[k] = v }
        return b
    }

    static func dot(_ a: Buffer<Double>, _ b: [Double]) -> Double { b.indices.reduce(0) { $0 + a[$1] * b[$1] } }

    @Test func ssfIsScaleAndShiftPerInstance() throws {
        let model = try Self.model("ssf_mace_model")
        guard case .ssf(let ssf)? = model.extensions[0] else { Issue.record("no SSF stage in layer 0"); return }
        var noise = Noise(state: 11)
        let rows = 2, d = ssf.dimension, x = noise.array(rows * d), s = noise.array(rows * d)
        // γ differs between instances and β is non-zero, so the test can tell a wrong layout.
        #expect(Set(ssf.scale).count > 1 && ssf.bias.contains { $0 != 0 })
        let y = Buffer<Double>(count: rows * d)
        x.withUnsafeBufferPointer { ssf.forward($0.baseAddress!, rows: rows, into: y.pointer) }
        for k in 0..<(rows * d) { #expect(abs(y[k] - (x[k] * ssf.scale[k % d] + ssf.bias[k % d])) <= 1e-15) }
        func f(_ x: [Double]) -> Double {
            let y = Buffer<Double>(count: rows * d)
            x.withUnsafeBufferPointer { ssf.forward($0.baseAddress!, rows: rows, into: y.pointer) }
            return Self.dot(y, s)
        }
        let g = Buffer<Double>(count: rows * d)
        s.withUnsafeBufferPointer { ssf.backward($0.baseAddress!, rows: rows, into: g.pointer) }
        MACEStageGradientTests.checkGradient(x, g.array, f, label: "ssf")
    }

    @Test func batchNormInEvaluationMode() throws {
        let model = try Self.model("adapter_mace_model")
        guard case .adapters(let ad)? = model.extensions[0] else { Issue.record("no adapters in layer 0"); return }
        let bn = ad.norm
        // Per-component (x − μ)·a + b with μ, b only on 0e components; check against the formula.
        var noise = Noise(state: 12)
        let d = bn.dimension, x = noise.array(d)
        let y = Buffer<Double>(count: d)
        x.withUnsafeBufferPointer { bn.forward($0.baseAddress!, rows: 1, into: y.pointer) }
        let scalars = bn.irreps.count(Irrep(l: 0, parity: 1))
        for k in 0..<d {
            let expected = k < scalars ? (x[k] - bn.mean[k]) * bn.scale[k] + bn.bias[k] : x[k] * bn.scale[k]
            #expect(abs(y[k] - expected) <= 1e-15)
            if k >= scalars { #expect(bn.mean[k] == 0 && bn.bias[k] == 0) }
        }
        #expect(bn.mean.contains { $0 != 0 })
    }

    @Test(arguments: [0, 1]) func adapterBranchesBackward(layer t: Int) throws {
        let model = try Self.model("adapter_mace_model")
        guard case .adapters(let ad)? = model.extensions[t] else { Issue.record("no adapters in layer \(t)"); return }
        for (label, branch, sValue) in [("before", ad.before, ad.sBefore), ("after", ad.after, ad.sAfter)] {
            var noise = Noise(state: UInt64(20 + t))
            let rows = 3, x = noise.array(rows * branch.dimIn), s = noise.array(rows * branch.dimOut)
            let ws = Workspace<Double>()
            func f(_ x: [Double]) -> Double {
                let y = Buffer<Double>(count: rows * branch.dimOut), z = Buffer<Double>(count: rows * branch.hiddenDimension)
                x.withUnsafeBufferPointer { branch.forward($0.baseAddress!, rows: rows, s: sValue, z: z, into: y.pointer, workspace: ws) }
                return Self.dot(y, s)
            }
            let z = Buffer<Double>(count: rows * branch.hiddenDimension), y = Buffer<Double>(count: rows * branch.dimOut)
            x.withUnsafeBufferPointer { branch.forward($0.baseAddress!, rows: rows, s: sValue, z: z, into: y.pointer, workspace: ws) }
            #expect(branch.activated.contains(true) && branch.hiddenDimension < branch.dimIn, "\(label): a down-projection with activated scalars")
            let g = Buffer<Double>(count: rows * branch.dimIn)
            s.withUnsafeBufferPointer { branch.backward($0.baseAddress!, rows: rows, s: sValue, z: z, into: g.pointer, workspace: ws) }
            MACEStageGradientTests.checkGradient(x, g.array, f, label: "adapter \(label) layer \(t)")
        }
    }
}
