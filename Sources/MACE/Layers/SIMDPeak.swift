import Dispatch
import Foundation

/// The ceiling of MaceMD's own vector loops (the convolution, the symmetric contraction and
/// the other stages that do not call BLAS): the speed of their inner loop, y ← y + a·x on
/// 8-lane SIMD values, written and compiled as MACE's kernels are (`-target-cpu`, see
/// Package.swift), on every core for about `seconds`, with x and y in the core's cache. Such
/// a loop loads two vectors and stores one per multiply and add: a stage that reaches this
/// speed is limited by its loop's loads and stores, not by main memory or bookkeeping.
public enum SIMDPeak {
    /// Measured GFLOP/s of all cores together (a multiply and an add count 2).
    public static func measure(precision: MACEPrecision, seconds: Double = 1) -> Double {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let total = Total()
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            let x = UnsafeMutableRawPointer.allocate(byteCount: length * 8, alignment: 64)
            let y = UnsafeMutableRawPointer.allocate(byteCount: length * 8, alignment: 64)
            defer { x.deallocate(); y.deallocate() }
            x.initializeMemory(as: UInt8.self, repeating: 0, count: length * 8)
            y.initializeMemory(as: UInt8.self, repeating: 0, count: length * 8)
            var flops = 0.0
            repeat {
                switch precision {
                case .float32: flops += block(x, y, Float.self)
                case .float64: flops += block(x, y, Double.self)
                }
            } while Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 < seconds
            total.add(flops)
        }
        return total.value / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9) / 1e9
    }

    /// Values in each core's two buffers: 2 × 16 KiB of doubles, in the L1 cache (48 KiB and more since 2019).
    static let length = 2048
    /// Passes over the buffers between clock reads.
    static let passes = 16

    /// One core's block of work: y ← y + a·x over the buffers `passes` times, 8 values at a
    /// time, written as MaceMD's convolution writes its inner loops (unaligned SIMD8 loads and
    /// stores, a fused multiply-add); returns the FLOPs done (an FMA counts as two).
    @inline(never)
    private static func block<T: MACEScalar>(_ x: UnsafeMutableRawPointer, _ y: UnsafeMutableRawPointer,
                                             _: T.Type) -> Double {
        let stride = MemoryLayout<SIMD8<T>>.stride
        let a = SIMD8<T>(repeating: T(1e-7))
        for _ in 0..<passes {
            for k in 0..<(length / 8) {
                let yv = y.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)
                y.storeBytes(of: yv.addingProduct(a, x.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<T>.self)),
                             toByteOffset: k &* stride, as: SIMD8<T>.self)
            }
        }
        return Double(passes * length * 2)
    }

    /// The FLOPs of the measuring threads.
    private final class Total: @unchecked Sendable {
        private let lock = NSLock()
        private var sum = 0.0
        func add(_ x: Double) { lock.withLock { sum += x } }
        var value: Double { lock.withLock { sum } }
    }
}
