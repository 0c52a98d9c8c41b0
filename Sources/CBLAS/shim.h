// The part of the CBLAS / OpenBLAS C interface that MaceMD calls, declared here instead of
// included from <cblas.h>: MaceMD does not link OpenBLAS but loads it at run time with dlopen,
// after choosing its kernels from the CPU's feature flags (Sources/MACE/Layers/OpenBLASLibrary.swift).
// These declarations are the C ABI of OpenBLAS's 32-bit-integer ("LP64") interface, the one
// Debian's libopenblas0 and Homebrew's openblas ship; the loader resolves each by name with dlsym.
#ifndef MACEMD_CBLAS_SHIM_H
#define MACEMD_CBLAS_SHIM_H

/// Row-major storage (CBLAS_ORDER CblasRowMajor).
#define MACEMD_CBLAS_ROW_MAJOR 101
/// op(X) = X (CBLAS_TRANSPOSE CblasNoTrans).
#define MACEMD_CBLAS_NO_TRANS 111
/// op(X) = Xᵀ (CBLAS_TRANSPOSE CblasTrans).
#define MACEMD_CBLAS_TRANS 112

/// `cblas_dgemm`: C ← α·op(A)·op(B) + β·C in double precision.
typedef void (*macemd_cblas_dgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k,
                                      double alpha, const double *a, int lda, const double *b, int ldb,
                                      double beta, double *c, int ldc);
/// `cblas_sgemm`: C ← α·op(A)·op(B) + β·C in single precision.
typedef void (*macemd_cblas_sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k,
                                      float alpha, const float *a, int lda, const float *b, int ldb,
                                      float beta, float *c, int ldc);
/// `openblas_set_num_threads`: the size of OpenBLAS's own thread pool.
typedef void (*macemd_openblas_set_num_threads_fn)(int threads);
/// `openblas_get_corename` / `openblas_get_config`: static strings naming the kernels in use
/// ("Cooperlake", "Haswell", …) and the build ("OpenBLAS 0.3.21 DYNAMIC_ARCH …").
typedef char *(*macemd_openblas_string_fn)(void);

#endif
