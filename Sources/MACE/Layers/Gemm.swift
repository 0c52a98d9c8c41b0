import Dispatch
import Foundation
import CBLAS

/// The scalar types the MACE evaluator runs in (`Float`, `Double`): the elementary functions
/// of ``MACEFloat`` plus the dense matrix product of BLAS.
public protocol MACEScalar: MACEFloat {
    /// C ← α·op(A)·op(B) + β·C for row-major matrices (BLAS `?gemm`).
    ///
    /// op(A) is m×k, op(B) is k×n, C is m×n; `lda`, `ldb`, `ldc` are the row strides.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// s_k ← 1/(1 + e^{−z_k}) for `count` values, eight at a time (see ``VectorExp``).
    static func logistic(_ z: UnsafePointer<Self>, into s: UnsafeMutablePointer<Self>, count: Int)
}

extension Double: MACEScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Float: MACEScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// How the evaluator shares the cores with BLAS.
///
/// MaceMD parallelises an evaluation itself (``Parallel``: blocks of edges and of nodes, each
/// handed to one core), and every BLAS call works on one such block. OpenBLAS must then run
/// each call on the calling thread: its own thread pool would compete with ours for the same
/// cores (measured: a third of the time spent spinning and yielding). This is a setting of the
/// OpenBLAS library, so it holds for the whole process.
enum BLASThreading {
    /// Makes every OpenBLAS call run on its calling thread.
    static func runOnCallingThread() {
        openblas_set_num_threads(1)
    }
}

/// The speed of dense matrix products on this machine, the practical ceiling for MACE's
/// arithmetic: every core multiplies its own pair of n×n matrices (OpenBLAS, one thread per
/// call, as in an evaluation) for about `seconds`.
public enum GEMMPeak {
    /// Measured GFLOP/s of all cores together (2n³ operations per product).
    public static func measure(precision: MACEPrecision, size n: Int = 1024, seconds: Double = 1) -> Double {
        BLASThreading.runOnCallingThread()
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
