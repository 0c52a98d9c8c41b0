/// How the evaluator shares the cores with BLAS.
///
/// MaceMD parallelises an evaluation itself (``Parallel``: blocks of edges and of nodes, each
/// handed to one core), and every BLAS call works on one such block. OpenBLAS must then run
/// each call on the calling thread: its own thread pool would compete with ours for the same
/// cores (measured: a third of the time spent spinning and yielding). This is a setting of the
/// OpenBLAS library, so it holds for the whole process.
enum BLASThreading {
    /// Loads OpenBLAS if it is not yet loaded (``OpenBLASLibrary``) and makes every OpenBLAS
    /// call run on its calling thread.
    /// - Throws: ``OpenBLASLoadError`` when OpenBLAS cannot be loaded.
    static func runOnCallingThread() throws {
        try OpenBLASLibrary.shared().runOnCallingThread()
    }
}
