import Foundation
import Testing
@testable import MACE

/// The grouped symmetric contraction (``SymmetricContraction/forward(_:element:into:)`` and
/// ``SymmetricContraction/backward(_:element:gradient:into:)``) against its terms summed one by
/// one, B_{c,M} = Σ_t a_{z,t,c} Π_ν A_{c,i_ν(t)}, and that sum's derivative, on random features:
/// every layer of the fixture models (correlation 2 and 3, channel counts with and without a
/// partial lane of eight), every element, float64 and float32.
@Suite struct SymmetricContractionTests {
    static let kinds = ["mp0_small", "mp0_medium", "hidden_l2", "three_layers_corr2", "gaussian_agnesi_zbl"]

    /// (B, ∂⟨s, B⟩/∂A) summed term by term.
    static func reference<T: MACEScalar>(_ sc: SymmetricContraction<T>, _ x: [T], element z: Int, gradient s: [T]) -> ([T], [T]) {
        let C = sc.channels
        var out = [T](repeating: 0, count: sc.dimOut), dx = [T](repeating: 0, count: x.count)
        for o in sc.outputs {
            let a = o.folded.table(z)
            for (t, term) in o.terms.enumerated() {
                let indices = Array([term.i0, term.i1, term.i2].prefix(term.order))
                for c in 0..<C {
                    let row = o.outOffset + term.m * C + c
                    let factors = indices.map { x[$0 * C + c] }
                    out[row] += a[t * C + c] * factors.reduce(1, *)
                    for (f, i) in indices.enumerated() {
                        var others: T = 1
                        for (f2, v) in factors.enumerated() where f2 != f { others *= v }
                        dx[i * C + c] += s[row] * a[t * C + c] * others
                    }
                }
            }
        }
        return (out, dx)
    }

    func check<T: MACEScalar>(_: T.Type, tolerance: Double) throws {
        var noise = ConvolutionRunKernelTests.Noise(state: 21)
        var channelCounts = Set<Int>()
        for kind in Self.kinds {
            let model = try MACEModel<T>(file: SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind)))
            for (l, layer) in model.layers.enumerated() {
                let sc = layer.contraction
                channelCounts.insert(sc.channels)
                for z in 0..<model.config.atomicNumbers.count {
                    let x: [T] = noise.array(sc.dimIn), s: [T] = noise.array(sc.dimOut)
                    let (refOut, refDx) = Self.reference(sc, x, element: z, gradient: s)
                    var out = [T](repeating: 0, count: sc.dimOut)
                    sc.forward(x, element: z, into: &out)
                    let start: [T] = noise.array(sc.dimIn)
                    var dx = start
                    sc.backward(x, element: z, gradient: s, into: &dx)
                    let added = zip(dx, start).map { $0 - $1 }
                    let label = "\(kind) layer \(l) element \(z) \(T.self)"
                    let dOut = ConvolutionRunKernelTests.relativeDifference(out, refOut)
                    let dGrad = ConvolutionRunKernelTests.relativeDifference(added, refDx)
                    #expect(dOut <= tolerance, "\(label): forward max relative difference \(dOut)")
                    #expect(dGrad <= tolerance, "\(label): backward max relative difference \(dGrad)")
                }
            }
        }
        #expect(channelCounts.contains { $0 % 8 != 0 } && channelCounts.contains { $0 % 8 == 0 },
                "fixture channel counts \(channelCounts.sorted()) should include whole and partial lanes")
    }

    @Test func float64MatchesTheTermSum() throws { try check(Double.self, tolerance: 1e-13) }
    @Test func float32MatchesTheTermSum() throws { try check(Float.self, tolerance: 2e-5) }
}
