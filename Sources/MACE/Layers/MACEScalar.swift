import CBLAS

/// The scalar types the MACE evaluator runs in (`Float`, `Double`): the elementary functions
/// of ``MACEFloat`` plus the dense matrix product of BLAS (OpenBLAS, see ``OpenBLASLibrary``).
public protocol MACEScalar: MACEFloat {
    /// C ← α·op(A)·op(B) + β·C for row-major matrices (BLAS `?gemm`).
    ///
    /// op(A) is m×k, op(B) is k×n, C is m×n; `lda`, `ldb`, `ldc` are the row strides.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// e^x written so that loops of it vectorise (``VectorExp``; used by ``scaledSiLU(_:scale:logistic:into:count:)``).
    static func vectorExp(_ x: Self) -> Self
}

extension Double: MACEScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        OpenBLASLibrary.loadedForGEMM.dgemm(
            MACEMD_CBLAS_ROW_MAJOR, transA ? MACEMD_CBLAS_TRANS : MACEMD_CBLAS_NO_TRANS,
            transB ? MACEMD_CBLAS_TRANS : MACEMD_CBLAS_NO_TRANS,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Float: MACEScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        OpenBLASLibrary.loadedForGEMM.sgemm(
            MACEMD_CBLAS_ROW_MAJOR, transA ? MACEMD_CBLAS_TRANS : MACEMD_CBLAS_NO_TRANS,
            transB ? MACEMD_CBLAS_TRANS : MACEMD_CBLAS_NO_TRANS,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
