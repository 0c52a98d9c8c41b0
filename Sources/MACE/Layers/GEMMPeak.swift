import Dispatch
import Foundation

/// The speed of dense matrix products on this machine, the practical ceiling for MACE's
/// arithmetic: every core multiplies its own pair of n×n matrices (OpenBLAS, one thread per
/// call, as in an evaluation) for about `seconds`.
public enum GEMMPeak {
    /// Measured GFLOP/s of all cores together (2n³ operations per product).
    public static func measure(precision: MACEPrecision, size n: Int = 1024, seconds: Double = 1) throws -> Double {
        try BLASThreading.runOnCallingThread()
        switch precision {
        case .float32: return measure(Float.self, n: n, seconds: seconds)
        case .float64: return measure(Double.self, n: n, seconds: seconds)
        }
    }

    private static func measure<T: MACEScalar>(_: T.Type, n: Int, seconds: Double) -> Double {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let a = Buffer<T>((0..<(n * n)).map { T(($0 % 7) - 3) / 8 })
        let products = Atomic(0)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            let c = Buffer<T>(count: n * n)
            repeat {
                T.gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a.pointer, lda: n,
                       b: a.pointer, ldb: n, beta: 0, c: c.pointer, ldc: n)
                products.add(1)
            } while Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 < seconds
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return Double(products.value) * 2 * Double(n * n * n) / elapsed / 1e9
    }

    /// A counter shared by the measuring threads.
    private final class Atomic: @unchecked Sendable {
        private let lock = NSLock()
        private var count: Int
        init(_ value: Int) { count = value }
        func add(_ k: Int) { lock.withLock { count += k } }
        var value: Int { lock.withLock { count } }
    }
}
