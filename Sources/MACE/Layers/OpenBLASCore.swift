import Foundation

/// The OpenBLAS kernel family ("core", the names of `OPENBLAS_CORETYPE`) that MaceMD asks for,
/// chosen from the CPU's feature flags rather than from its model name.
///
/// An OpenBLAS built with `DYNAMIC_ARCH` (Debian's, Ubuntu's, conda's) picks its kernels when
/// it is loaded, from the CPU's family and model numbers. A CPU it does not know — a cloud VM
/// that reports "Intel(R) Xeon(R) Processor" or "AMD EPYC", a newer generation — gets the
/// oldest x86-64 kernels ("Prescott", SSE3), which run dgemm ~4× slower than the AVX-512 ones
/// on the same machine. The instruction sets a kernel needs are what matter, and the flags
/// say which the CPU (and the operating system) support:
///
/// | flags | core | kernels |
/// |---|---|---|
/// | avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_bf16 | Cooperlake | SkylakeX's AVX-512 kernels plus bfloat16 |
/// | avx512f, avx512cd, avx512bw, avx512dq, avx512vl | SkylakeX | AVX-512 |
/// | avx2, fma on an AMD or Hygon CPU | Zen | AVX2/FMA, Zen's blocking |
/// | avx2, fma | Haswell | AVX2/FMA |
/// | avx | Sandybridge | AVX |
/// | fewer | none (OpenBLAS's own choice) | |
public enum OpenBLASCore {
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    static let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// The core for a CPU with `flags` (as in /proc/cpuinfo: `avx2`, `avx512f`, …) made by
    /// `vendor` (`GenuineIntel`, `AuthenticAMD`, …); nil when no vector extension beyond SSE
    /// is there (OpenBLAS's own detection then decides, as it would for any such CPU).
    public static func best(flags: Set<String>, vendor: String) -> String? {
        if avx512.allSatisfy(flags.contains) {
            return flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") {
            return ["AuthenticAMD", "HygonGenuine"].contains(vendor) ? "Zen" : "Haswell"
        }
        return flags.contains("avx") ? "Sandybridge" : nil
    }

    /// The core for the CPU this process runs on (see ``CPUFeatures/current``).
    public static var bestForThisCPU: String? {
        CPUFeatures.current.flatMap { best(flags: $0.flags, vendor: $0.vendor) }
    }
}

/// The instruction-set extensions of the CPU, as the operating system reports them (Linux
/// lists only those it has enabled, e.g. no AVX-512 flags when the kernel does not save the
/// AVX-512 registers).
public struct CPUFeatures: Sendable, Equatable {
    /// The feature flags (`sse4_2`, `avx2`, `fma`, `avx512f`, `avx512_bf16`, …).
    public var flags: Set<String>
    /// The vendor string (`GenuineIntel`, `AuthenticAMD`, …; empty when not given).
    public var vendor: String

    public init(flags: Set<String>, vendor: String) {
        self.flags = flags
        self.vendor = vendor
    }

    /// The first processor's `flags` and `vendor_id` lines of a /proc/cpuinfo text; nil when
    /// it has no `flags` line (not x86, or not Linux).
    public init?(cpuinfo text: String) {
        var flags: Set<String>?
        var vendor = ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "flags" && flags == nil {
                flags = Set(parts[1].split(separator: " ").map(String.init))
            } else if key == "vendor_id" && vendor.isEmpty {
                vendor = parts[1].trimmingCharacters(in: .whitespaces)
            }
            if flags != nil && !vendor.isEmpty { break }
        }
        guard let flags else { return nil }
        self.init(flags: flags, vendor: vendor)
    }

    /// This machine's features from /proc/cpuinfo; nil where that file is missing (macOS) or
    /// has no flags.
    public static var current: CPUFeatures? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return CPUFeatures(cpuinfo: text)
    }
}
