import Foundation
import Testing
@testable import MACE

/// Every backward stage against central finite differences of its forward stage, on the
/// stages of small fixture models with random inputs: for f(x) = ⟨s, F(x)⟩ with a random seed
/// s, the reverse pass must give ∂f/∂x_k = (f(x + h e_k) − f(x − h e_k))/2h.
@Suite struct MACEStageGradientTests {
    static func model(_ kind: String) throws -> MACEModel<Double> {
        let file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))
        return try MACEModel<Double>(file: file)
    }

    /// Deterministic pseudo-random numbers in [−1, 1).
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        mutating func array(_ n: Int) -> [Double] { (0..<n).map { _ in next() } }
    }

    /// Checks the analytic gradient `g` of `f` at `x` on up to `probes` components.
    static func checkGradient(_ x: [Double], _ g: [Double], probes: Int = 24, step h: Double = 1e-5,
                              tolerance: Double = 1e-6, _ f: ([Double]) -> Double, label: String) {
        #expect(g.count == x.count, "\(label): gradient size")
        let stride = max(1, x.count / probes)
        var worst = 0.0, scale = 1e-12
        for k in Swift.stride(from: 0, to: x.count, by: stride) {
            var xp = x, xm = x
            xp[k] += h; xm[k] -= h
            let fd = (f(xp) - f(xm)) / (2 * h)
            worst = max(worst, abs(fd - g[k]))
            scale = max(scale, abs(fd))
        }
        #expect(worst <= tolerance * max(1, scale), "\(label): max |FD − analytic| = \(worst) (scale \(scale))")
    }

    @Test func equivariantLinearBackward() throws {
        let layer = try Self.model("mp0_medium").layers[1].linearUp
        var noise = Noise(state: 1)
        let rows = 3, x = noise.array(rows * layer.dimIn), s = noise.array(rows * layer.dimOut)
        func f(_ x: [Double]) -> Double {
            var y = [Double](repeating: 0, count: rows * layer.dimOut)
            layer.forward(x, rows: rows, into: &y)
            return zip(y, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var g = [Double](repeating: 0, count: x.count)
        layer.backward(s, rows: rows, into: &g)
        Self.checkGradient(x, g, f, label: "linear")
    }

    @Test func elementLinearBackward() throws {
        guard case .element(let layer) = try Self.model("mp0_medium").layers[1].skip else { Issue.record("no element skip"); return }
        var noise = Noise(state: 2)
        let elements = [0, 1, 0], x = noise.array(3 * layer.dimIn), s = noise.array(3 * layer.dimOut)
        func f(_ x: [Double]) -> Double {
            var y = [Double](repeating: 0, count: s.count)
            layer.forward(x, elements: elements, into: &y, accumulate: false)
            return zip(y, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var g = [Double](repeating: 0, count: x.count)
        layer.backward(s, elements: elements, into: &g)
        Self.checkGradient(x, g, f, label: "skip_tp")
    }

    @Test(arguments: ["mp0_small", "nonlinear_edge"]) func radialNetworkBackward(kind: String) throws {
        let m = try Self.model(kind)
        let net = m.layers[m.layers.count - 1].radial
        var noise = Noise(state: 3)
        let rows = 4, x = noise.array(rows * net.inputCount), s = noise.array(rows * net.outputCount)
        func f(_ x: [Double]) -> Double {
            let out = Buffer<Double>(count: rows * net.outputCount), cache = EdgeNetwork<Double>.Cache()
            x.withUnsafeBufferPointer { net.forward($0.baseAddress!, rows: rows, into: out.pointer, cache: cache, workspace: Workspace()) }
            return zip(out.array, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let cache = EdgeNetwork<Double>.Cache(), out = Buffer<Double>(count: rows * net.outputCount)
        x.withUnsafeBufferPointer { net.forward($0.baseAddress!, rows: rows, into: out.pointer, cache: cache, workspace: Workspace()) }
        let g = Buffer<Double>(count: x.count)
        s.withUnsafeBufferPointer { net.backward($0.baseAddress!, rows: rows, cache: cache, into: g.pointer, workspace: Workspace()) }
        Self.checkGradient(x, g.array, f, label: "\(kind) radial MLP")
    }

    @Test func densityNetworkBackward() throws {
        let m = try Self.model("nonlinear_edge")
        let net = try #require(m.layers[1].density)
        var noise = Noise(state: 4)
        let rows = 3, x = noise.array(rows * net.inputCount), s = noise.array(rows)
        func f(_ x: [Double]) -> Double {
            let out = Buffer<Double>(count: rows), cache = EdgeNetwork<Double>.Cache()
            x.withUnsafeBufferPointer { net.forward($0.baseAddress!, rows: rows, into: out.pointer, cache: cache, workspace: Workspace()) }
            return zip(out.array, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let cache = EdgeNetwork<Double>.Cache(), out = Buffer<Double>(count: rows)
        x.withUnsafeBufferPointer { net.forward($0.baseAddress!, rows: rows, into: out.pointer, cache: cache, workspace: Workspace()) }
        let g = Buffer<Double>(count: x.count)
        s.withUnsafeBufferPointer { net.backward($0.baseAddress!, rows: rows, cache: cache, into: g.pointer, workspace: Workspace()) }
        Self.checkGradient(x, g.array, f, label: "density MLP")
    }

    @Test(arguments: ["mp0_medium", "hidden_l2"]) func convolutionBackward(kind: String) throws {
        let conv = try Self.model(kind).layers[1].convolution
        var noise = Noise(state: 5)
        let nx = conv.irrepsIn.dimension, ny = conv.irrepsSH.dimension, nw = conv.weightCount
        let inputs = noise.array(nx + ny + nw), s = noise.array(conv.irrepsOut.dimension)
        func f(_ v: [Double]) -> Double {
            var out = [Double](repeating: 0, count: s.count)
            let scratch = Buffer<Double>(count: conv.scratchCount)
            v.withUnsafeBufferPointer { p in
                conv.accumulate(x: p.baseAddress!, sh: p.baseAddress! + nx, weights: p.baseAddress! + nx + ny, into: &out,
                                scratch: scratch.pointer)
            }
            return zip(out, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var dx = [Double](repeating: 0, count: nx), dy = [Double](repeating: 0, count: ny), dw = [Double](repeating: 0, count: nw)
        inputs.withUnsafeBufferPointer { p in
            conv.backward(x: p.baseAddress!, sh: p.baseAddress! + nx, weights: p.baseAddress! + nx + ny, gradient: s,
                          dx: &dx, dSH: &dy, dWeights: &dw)
        }
        Self.checkGradient(inputs, dx + dy + dw, probes: 60, f, label: "\(kind) conv_tp")
    }

    @Test(arguments: ["mp0_medium", "three_layers_corr2"]) func symmetricContractionBackward(kind: String) throws {
        let sc = try Self.model(kind).layers[0].contraction
        var noise = Noise(state: 6)
        let x = noise.array(sc.dimIn).map { 0.5 * $0 }, s = noise.array(sc.dimOut)
        func f(_ x: [Double]) -> Double {
            var out = [Double](repeating: 0, count: s.count)
            sc.forward(x, element: 1, into: &out)
            return zip(out, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var g = [Double](repeating: 0, count: x.count)
        sc.backward(x, element: 1, gradient: s, into: &g)
        Self.checkGradient(x, g, probes: 64, f, label: "\(kind) symmetric contraction")
    }

    @Test func gateBackward() throws {
        let gate = try #require(try Self.model("nonlinear_edge").layers[1].nonLinear).gate
        var noise = Noise(state: 7)
        let x = noise.array(gate.dimIn), s = noise.array(gate.dimOut)
        func f(_ x: [Double]) -> Double {
            var out = [Double](repeating: 0, count: s.count)
            gate.forward(x, into: &out)
            return zip(out, s).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var g = [Double](repeating: 0, count: x.count)
        gate.backward(x, gradient: s, into: &g)
        Self.checkGradient(x, g, probes: 88, f, label: "gate")
    }

    @Test func nonLinearReadoutBackward() throws {
        let m = try Self.model("multihead")
        let readout = try #require(m.readouts.last)
        var noise = Noise(state: 8)
        let rows = 2, x = noise.array(rows * readout.first.dimIn)
        func f(_ x: [Double]) -> Double {
            x.withUnsafeBufferPointer { readout.forward($0.baseAddress!, rows: rows, cache: nil) }.reduce(0, +) * 1.7
        }
        let cache: Buffer<Double>? = readout.linears.count > 1 ? Buffer<Double>(count: rows * readout.cacheWidth) : nil
        _ = x.withUnsafeBufferPointer { readout.forward($0.baseAddress!, rows: rows, cache: cache) }
        let g = Buffer<Double>(count: x.count)
        readout.backward(seed: 1.7, rows: rows, cache: cache, into: g.pointer)
        Self.checkGradient(x, g.array, f, label: "readout")
    }
}
