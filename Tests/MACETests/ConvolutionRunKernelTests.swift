import Foundation
import Testing
@testable import MACE

/// The channel-blocked convolution kernels (``ConvolutionTensorProduct/accumulate(run:into:scratch:)``
/// and ``ConvolutionTensorProduct/backward(x:sh:weights:gradient:dx:dSH:dWeights:accumulateWeights:)``)
/// against the per-edge kernels on random data: the fixture models' convolutions (l1 = 0 and
/// l1 > 0 instructions, channel counts with and without a partial SIMD lane), runs of 1, 2, 7
/// and ``ConvolutionTensorProduct/maxRunLength`` edges, float64 and float32.
@Suite struct ConvolutionRunKernelTests {
    static let kinds = ["mp0_small", "mp0_medium", "hidden_l2", "three_layers_corr2"]

    /// Deterministic pseudo-random numbers in [−1, 1).
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        mutating func array<T: MACEScalar>(_ n: Int) -> [T] { (0..<n).map { _ in T(next()) } }
    }

    /// max |a − b| / max(1, max |b|).
    static func relativeDifference<T: MACEScalar>(_ a: [T], _ b: [T]) -> Double {
        let scale = b.reduce(1.0) { max($0, abs(Double($1))) }
        return zip(a, b).reduce(0.0) { max($0, abs(Double($1.0 - $1.1))) } / scale
    }

    static func convolutions<T: MACEScalar>(_: T.Type) throws -> [(String, ConvolutionTensorProduct<T>)] {
        try kinds.flatMap { kind in
            let model = try MACEModel<T>(file: SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind)))
            return model.layers.enumerated().map { ("\(kind) layer \($0.offset)", $0.element.convolution) }
        }
    }

    func checkForward<T: MACEScalar>(_: T.Type, tolerance: Double) throws {
        var noise = Noise(state: 11)
        let storage = ConvolutionRunStorage<T>(capacity: ConvolutionTensorProduct<T>.maxRunLength)
        for (label, conv) in try Self.convolutions(T.self) {
            let nx = conv.irrepsIn.dimension, ny = conv.irrepsSH.dimension, nw = conv.weightCount
            for n in [1, 2, 7, ConvolutionTensorProduct<T>.maxRunLength] {
                let x: [T] = noise.array(n * nx), y: [T] = noise.array(n * ny), w: [T] = noise.array(n * nw)
                let start: [T] = noise.array(conv.irrepsOut.dimension)
                var reference = start, blocked = start
                let scratch = Buffer<T>(count: max(conv.scratchCount, conv.runScratchCount))
                x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in w.withUnsafeBufferPointer { pw in
                    var run = storage.emptyRun
                    for e in 0..<n {
                        conv.accumulate(x: px.baseAddress! + e * nx, sh: py.baseAddress! + e * ny, weights: pw.baseAddress! + e * nw,
                                        into: &reference, scratch: scratch.pointer)
                        run.append(x: px.baseAddress! + e * nx, sh: py.baseAddress! + e * ny, weights: pw.baseAddress! + e * nw)
                    }
                    conv.accumulate(run: run, into: &blocked, scratch: scratch.pointer)
                } } }
                let d = Self.relativeDifference(blocked, reference)
                #expect(d <= tolerance, "\(label), \(T.self), run of \(n): max relative difference \(d)")
            }
        }
    }

    func checkBackward<T: MACEScalar>(_: T.Type, tolerance: Double) throws {
        var noise = Noise(state: 12)
        for (label, conv) in try Self.convolutions(T.self) {
            let nx = conv.irrepsIn.dimension, ny = conv.irrepsSH.dimension, nw = conv.weightCount
            for accumulateWeights in [false, true] {
                let x: [T] = noise.array(nx), y: [T] = noise.array(ny), w: [T] = noise.array(nw)
                let g: [T] = noise.array(conv.irrepsOut.dimension)
                let dx0: [T] = noise.array(nx), dy0: [T] = noise.array(ny), dw0: [T] = noise.array(nw)
                var dx = (dx0, dx0), dy = (dy0, dy0), dw = (dw0, dw0)
                let scratch = Buffer<T>(count: conv.referenceBackwardScratchCount)
                conv.perEdgeReferenceBackward(x: x, sh: y, weights: w, gradient: g, dx: &dx.0, dSH: &dy.0, dWeights: &dw.0,
                              scratch: scratch.pointer, accumulateWeights: accumulateWeights)
                conv.backward(x: x, sh: y, weights: w, gradient: g, dx: &dx.1, dSH: &dy.1, dWeights: &dw.1,
                                     accumulateWeights: accumulateWeights)
                for (name, a, b) in [("dx", dx.1, dx.0), ("dY", dy.1, dy.0), ("dw", dw.1, dw.0)] {
                    let d = Self.relativeDifference(a, b)
                    #expect(d <= tolerance, "\(label), \(T.self), accumulate \(accumulateWeights): \(name) max relative difference \(d)")
                }
            }
        }
    }

    @Test func runForwardMatchesPerEdgeFloat64() throws { try checkForward(Double.self, tolerance: 1e-13) }
    @Test func runForwardMatchesPerEdgeFloat32() throws { try checkForward(Float.self, tolerance: 1e-5) }
    @Test func blockedBackwardMatchesPerEdgeFloat64() throws { try checkBackward(Double.self, tolerance: 1e-13) }
    @Test func blockedBackwardMatchesPerEdgeFloat32() throws { try checkBackward(Float.self, tolerance: 1e-5) }

    /// The fixtures cover what the kernels branch on: inputs with l1 > 0, rows with several
    /// Wigner entries, and channel counts that leave a partial lane in float32 and float64.
    @Test func fixturesCoverTheKernelsBranches() throws {
        let convs = try Self.convolutions(Double.self).map(\.1)
        #expect(convs.contains { $0.instructions.contains { $0.inDimension > 1 } })
        #expect(convs.contains { $0.instructions.contains { ins in Set(ins.entries.map(\.m3)).count < ins.entries.count } })
        let muls = Set(convs.flatMap { $0.instructions.map(\.mul) })
        #expect(muls.contains { $0 % 4 != 0 } || muls.contains { $0 % 8 != 0 }, "channel counts \(muls)")
    }
}
