import Foundation
import MACE

/// What the host learns about the OpenBLAS kernels behind the model's matrix products (see
/// ``OpenBLASLibrary``): libmacemd loads OpenBLAS itself, with the kernels chosen from the CPU
/// flags, unless the host process loaded it first; then its kernels were fixed by the host.
enum BLASReport {
    /// The one-line summary (``OpenBLASLibrary/summary``), or the loading error's message.
    static let line: String = {
        do { return try OpenBLASLibrary.shared().summary } catch { return "OpenBLAS: \(error)" }
    }()

    /// Writes ``line`` to standard error, once per process, when the kernels in use are slower
    /// than the best for this CPU (OpenBLAS loaded by the host with a guessed core): a host
    /// should not be slow without saying so.
    static let warnIfSlow: Void = {
        if (try? OpenBLASLibrary.shared())?.isSlowerThanBest == true {
            FileHandle.standardError.write(Data("libmacemd: warning: \(line)\n".utf8))
        }
    }()
}

nonisolated(unsafe) private let blasCString: UnsafeMutablePointer<CChar> = strdup(BLASReport.line)!

/// `const char *macemd_blas(void)`: one line naming the OpenBLAS kernels in use and how they
/// were chosen (loads OpenBLAS if no model has yet); a static string.
@_cdecl("macemd_blas")
public func macemd_blas() -> UnsafePointer<CChar> {
    UnsafePointer(blasCString)
}
