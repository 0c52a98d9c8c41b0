import CBLAS
import Foundation

/// OpenBLAS, loaded by MaceMD at run time with kernels MaceMD chose (see ``OpenBLASCore``).
///
/// OpenBLAS picks its kernels once, in its library constructor, reading `OPENBLAS_CORETYPE`
/// if set and otherwise guessing from the CPU's model number (which fails on many VMs: see
/// ``OpenBLASCore``). MaceMD therefore does not link OpenBLAS. The first model load (or GEMM)
/// in a process:
/// 1. looks for an OpenBLAS already in the process (a host program such as LAMMPS or Python
///    may have loaded it): its kernels are fixed, and they are reported as they are;
/// 2. otherwise sets `OPENBLAS_CORETYPE` to ``OpenBLASCore/best(flags:vendor:)`` for this CPU
///    — unless the user set it, which is respected — loads the library with `dlopen`, and
///    restores the environment as it was;
/// 3. resolves the few functions MaceMD calls (`cblas_dgemm`, `cblas_sgemm`,
///    `openblas_set_num_threads`) and asks the library which kernels it runs.
///
/// The library is searched for as `libopenblas.so.0` then `libopenblas.so` (Linux: the
/// dynamic linker's path, `LD_LIBRARY_PATH` included), or Homebrew's `libopenblas.dylib`
/// (macOS). Loading happens once per process; the outcome is kept for its lifetime.
public struct OpenBLASLibrary: @unchecked Sendable {
    /// How the kernels were chosen.
    public enum Selection: Sendable, Equatable {
        /// MaceMD set `OPENBLAS_CORETYPE` to this core, chosen from the CPU's flags.
        case fromCPUFlags(String)
        /// The user's `OPENBLAS_CORETYPE` (this value).
        case fromEnvironment(String)
        /// OpenBLAS's own detection: no flags MaceMD chooses by (no AVX, or not x86 Linux).
        case byOpenBLAS
        /// The host process had loaded OpenBLAS before MaceMD; its kernels were fixed then.
        case loadedByHost
    }

    /// `cblas_dgemm` of the loaded library.
    let dgemm: macemd_cblas_dgemm_fn
    /// `cblas_sgemm` of the loaded library.
    let sgemm: macemd_cblas_sgemm_fn
    /// `openblas_set_num_threads` of the loaded library.
    let setThreadCount: macemd_openblas_set_num_threads_fn
    /// The file that was loaded (`libopenblas.so.0`, …).
    public let file: String
    /// The kernels OpenBLAS runs, as it names them (`openblas_get_corename`: "Cooperlake",
    /// "Haswell", "Prescott", …).
    public let core: String
    /// The library's build description (`openblas_get_config`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH …").
    public let config: String
    /// How ``core`` was chosen.
    public let selection: Selection
    /// The best core for this CPU by its flags (nil: none; see ``OpenBLASCore``).
    public let best: String?

    /// The library of this process, loaded on first use.
    /// - Throws: ``OpenBLASLoadError`` when no OpenBLAS can be loaded or it lacks a function.
    public static func shared() throws -> OpenBLASLibrary { try loaded.get() }

    /// The outcome of the one load of this process (a `static let` runs once, thread-safely).
    private static let loaded: Result<OpenBLASLibrary, any Error> = Result {
        try load(environment: ProcessInfo.processInfo.environment, best: OpenBLASCore.bestForThisCPU)
    }

    /// True when the kernels in use are not the best for this CPU by its flags (and the user
    /// did not ask for them): BLAS then runs slower than it could.
    public var isSlowerThanBest: Bool {
        guard let best else { return false }
        if case .fromEnvironment = selection { return false }
        return core.lowercased() != best.lowercased()
    }

    /// One line for logs, e.g. "OpenBLAS kernels: Cooperlake (chosen by MaceMD from the CPU
    /// flags; OpenBLAS 0.3.21 …, libopenblas.so.0)".
    public var summary: String {
        let how: String
        switch selection {
        case .fromCPUFlags(let wanted) where wanted.lowercased() == core.lowercased():
            how = "chosen by MaceMD from the CPU flags"
        case .fromCPUFlags(let wanted):
            how = "MaceMD asked for \(wanted) from the CPU flags, this OpenBLAS build does not have it"
        case .fromEnvironment(let wanted) where wanted.lowercased() == core.lowercased():
            how = "OPENBLAS_CORETYPE=\(wanted)"
        case .fromEnvironment(let wanted):
            how = "OPENBLAS_CORETYPE=\(wanted), which this OpenBLAS build does not have: it chose itself"
        case .byOpenBLAS:
            how = "OpenBLAS's own choice: no AVX flags to choose by"
        case .loadedByHost:
            how = isSlowerThanBest
                ? "OpenBLAS was loaded by the host program before MaceMD; this CPU's best is \(best ?? ""): "
                    + "set OPENBLAS_CORETYPE=\(best ?? "") before starting it"
                : "OpenBLAS was loaded by the host program before MaceMD"
        }
        return "OpenBLAS kernels: \(core) (\(how); \(config.trimmingCharacters(in: .whitespaces)), \(file))"
    }

    /// Makes every OpenBLAS call run on its calling thread (see ``BLASThreading``).
    func runOnCallingThread() { setThreadCount(1) }
}

/// OpenBLAS could not be loaded or lacks a function MaceMD calls; `description` is one line.
public struct OpenBLASLoadError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension OpenBLASLibrary {
    /// The file names tried, in order.
    static var candidateFiles: [String] {
        #if os(macOS)
        ["libopenblas.0.dylib", "libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
         "/usr/local/opt/openblas/lib/libopenblas.dylib"]
        #else
        ["libopenblas.so.0", "libopenblas.so"]
        #endif
    }

    /// Loads OpenBLAS as described on ``OpenBLASLibrary``; `environment` is the process's
    /// environment, `best` the core for this CPU and `files` the names tried.
    static func load(environment: [String: String], best: String?,
                     files: [String] = candidateFiles) throws -> OpenBLASLibrary {
        for file in files {
            if let handle = dlopen(file, RTLD_NOW | RTLD_NOLOAD) {
                return try resolve(handle, file: file, selection: .loadedByHost, best: best)
            }
        }
        let original = environment["OPENBLAS_CORETYPE"]
        let userCore = original.flatMap { $0.isEmpty ? nil : $0 }
        let selection: Selection = userCore.map { .fromEnvironment($0) } ?? best.map { .fromCPUFlags($0) } ?? .byOpenBLAS
        if userCore == nil, let best { setenv("OPENBLAS_CORETYPE", best, 1) }
        defer {
            if userCore == nil && best != nil {
                if let original { setenv("OPENBLAS_CORETYPE", original, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
            }
        }
        var errors: [String] = []
        for file in files {
            if let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) {
                return try resolve(handle, file: file, selection: selection, best: best)
            }
            errors.append(dlerror().map { String(cString: $0) } ?? file)
        }
        throw OpenBLASLoadError(description: "cannot load OpenBLAS (tried \(files.joined(separator: ", "))): "
            + "\(errors.first ?? "not found"); install it (Debian/Ubuntu: apt-get install libopenblas0; "
            + "macOS: brew install openblas) or add its directory to LD_LIBRARY_PATH")
    }

    /// The functions MaceMD calls, looked up in the library behind `handle`.
    private static func resolve(_ handle: UnsafeMutableRawPointer, file: String, selection: Selection,
                                best: String?) throws -> OpenBLASLibrary {
        func symbol<F>(_ name: String, as _: F.Type) throws -> F {
            guard let address = dlsym(handle, name) else {
                throw OpenBLASLoadError(description: "\(file) has no function \(name): MaceMD needs OpenBLAS "
                    + "with its 32-bit-integer CBLAS interface (Debian/Ubuntu: libopenblas0)")
            }
            return unsafeBitCast(address, to: F.self)
        }
        typealias Text = @convention(c) () -> UnsafeMutablePointer<CChar>?
        let core = try symbol("openblas_get_corename", as: Text.self)().map { String(cString: $0) } ?? "unknown"
        let config = try symbol("openblas_get_config", as: Text.self)().map { String(cString: $0) } ?? "OpenBLAS"
        return OpenBLASLibrary(
            dgemm: try symbol("cblas_dgemm", as: macemd_cblas_dgemm_fn.self),
            sgemm: try symbol("cblas_sgemm", as: macemd_cblas_sgemm_fn.self),
            setThreadCount: try symbol("openblas_set_num_threads", as: macemd_openblas_set_num_threads_fn.self),
            file: file, core: core, config: config, selection: selection, best: best)
    }
}

extension OpenBLASLibrary {
    /// The loaded library, for ``MACEScalar/gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    /// Every model load calls ``shared()`` first and throws its error, so a failed load stops
    /// here only for a GEMM called without a model (a programming error).
    static var loadedForGEMM: OpenBLASLibrary {
        do { return try shared() } catch { preconditionFailure("\(error)") }
    }
}
