import Dispatch
import Foundation

/// The ceiling of MaceMD's own vector loops (the convolution, the symmetric contraction and
/// the other stages that do not call BLAS): fused multiply-adds on SIMD values held in registers
/// (8 doubles or 16 floats, two AVX2 registers each), compiled like the rest of the MACE module (`-target-cpu`, see Package.swift), on
/// every core for about `seconds`. No memory traffic: a loop that reaches this is bound by
/// arithmetic; the stage profile's GFLOP/s of such a stage against it shows how far its
/// memory traffic and bookkeeping keep it from that.
public enum SIMDPeak {
    /// Measured GFLOP/s of all cores together (a multiply-add counts 2).
    public static func measure(precision: MACEPrecision, seconds: Double = 1) -> Double {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let total = Total()
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            var flops = 0.0
            repeat {
                switch precision {
                case .float32: flops += block(SIMD16<Float>.self)
                case .float64: flops += block(SIMD8<Double>.self)
                }
            } while Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 < seconds
            total.add(flops)
        }
        return total.value / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9) / 1e9
    }

    /// Independent accumulators per core: enough to hide the FMA latency (4 cycles, 2 units),
    /// few enough to stay in the 16 vector registers of AVX2 (each accumulator, 8 doubles or
    /// 16 floats, is two).
    static let accumulators = 6
    /// Multiply-adds per accumulator between clock reads.
    static let steps = 1 << 12

    /// One core's block of work: `steps` FMAs on each accumulator; returns the FLOPs done.
    @inline(__always)
    private static func block<V: SIMD>(_: V.Type) -> Double where V.Scalar: BinaryFloatingPoint {
        let m = V(repeating: V.Scalar(0.999_999)), c = V(repeating: V.Scalar(1e-7))
        var a0 = V(repeating: 1), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c
        for _ in 0..<steps {
            a0 = a0.addingProduct(m, c); a1 = a1.addingProduct(m, c); a2 = a2.addingProduct(m, c)
            a3 = a3.addingProduct(m, c); a4 = a4.addingProduct(m, c); a5 = a5.addingProduct(m, c)
        }
        // Keep the result alive so that the loop is not removed.
        if (a0 + a1 + a2 + a3 + a4 + a5).sum() == V.Scalar.infinity { print("") }
        return Double(steps * accumulators * V.scalarCount * 2)
    }

    /// The FLOPs of the measuring threads.
    private final class Total: @unchecked Sendable {
        private let lock = NSLock()
        private var sum = 0.0
        func add(_ x: Double) { lock.withLock { sum += x } }
        var value: Double { lock.withLock { sum } }
    }
}
