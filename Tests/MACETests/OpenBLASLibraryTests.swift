import Foundation
import Testing
@testable import MACE

/// The OpenBLAS core MaceMD asks for, from CPU flags (``OpenBLASCore``), and the loaded library.
@Suite struct OpenBLASCoreTests {
    static let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    static let avx2 = ["sse4_2", "avx", "avx2", "fma"]

    /// The rows of the table in ``OpenBLASCore``'s documentation.
    @Test func coreFollowsTheVectorExtensions() {
        func best(_ flags: [String], _ vendor: String = "GenuineIntel") -> String? {
            OpenBLASCore.best(flags: Set(flags), vendor: vendor)
        }
        #expect(best(Self.avx2 + Self.avx512 + ["avx512_bf16"]) == "Cooperlake")
        #expect(best(Self.avx2 + Self.avx512 + ["avx512_bf16"], "AuthenticAMD") == "Cooperlake")
        #expect(best(Self.avx2 + Self.avx512) == "SkylakeX")
        #expect(best(Self.avx2 + Self.avx512.dropLast()) == "Haswell", "no avx512vl: not SkylakeX's kernels")
        #expect(best(Self.avx2) == "Haswell")
        #expect(best(Self.avx2, "AuthenticAMD") == "Zen")
        #expect(best(Self.avx2, "HygonGenuine") == "Zen")
        #expect(best(["sse4_2", "avx", "avx2"]) == "Sandybridge", "AVX2 without FMA")
        #expect(best(["sse4_2", "avx"]) == "Sandybridge")
        #expect(best(["sse2", "sse3", "ssse3", "sse4_1", "sse4_2"]) == nil)
    }

    /// The flags and vendor of a /proc/cpuinfo text: the first processor's, whole words only.
    @Test func cpuinfoFlagsAreParsed() throws {
        let text = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: AMD EPYC
        flags\t\t: fpu sse2 avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl avx512_bf16
        bugs\t\t: sysret_ss_attrs

        processor\t: 1
        vendor_id\t: GenuineIntel
        flags\t\t: fpu sse2
        """
        let cpu = try #require(CPUFeatures(cpuinfo: text))
        #expect(cpu.vendor == "AuthenticAMD")
        #expect(cpu.flags.contains("avx512_bf16") && cpu.flags.contains("fma") && !cpu.flags.contains("avx512"))
        #expect(OpenBLASCore.best(flags: cpu.flags, vendor: cpu.vendor) == "Cooperlake")
        #expect(CPUFeatures(cpuinfo: "processor : 0\nvendor_id : ARM\n") == nil)
    }
}

@Suite struct OpenBLASLibraryTests {
    /// In this process OpenBLAS runs the core chosen from this CPU's flags (unless the person
    /// running the tests set OPENBLAS_CORETYPE), the environment is as before, and its
    /// dgemm/sgemm compute a product.
    @Test func loadedLibraryRunsTheBestCoreAndMultiplies() throws {
        let library = try OpenBLASLibrary.shared()
        if case .fromEnvironment = library.selection {
            // The person running the tests chose the kernels.
        } else if let best = OpenBLASCore.bestForThisCPU {
            #expect(library.core.lowercased() == best.lowercased(), "\(library.summary)")
            #expect(library.selection == .fromCPUFlags(best))
            #expect(!library.isSlowerThanBest)
            #expect(getenv("OPENBLAS_CORETYPE") == nil, "the environment is restored after loading")
        }
        #expect(library.summary.hasPrefix("OpenBLAS kernels: \(library.core) ("))
        // [1 2; 3 4]ᵀ · [1 0 2; 0 1 3] = [1 3 11; 2 4 16] (row-major, A transposed).
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [1, 0, 2, 0, 1, 3]
        var c = [Double](repeating: 7, count: 6)
        Double.gemm(transA: true, transB: false, m: 2, n: 3, k: 2, alpha: 1, a: a, lda: 2, b: b, ldb: 3,
                    beta: 0, c: &c, ldc: 3)
        #expect(c == [1, 3, 11, 2, 4, 16])
        var s = [Float](repeating: 7, count: 6)
        Float.gemm(transA: true, transB: false, m: 2, n: 3, k: 2, alpha: 1, a: a.map(Float.init), lda: 2,
                   b: b.map(Float.init), ldb: 3, beta: 0, c: &s, ldc: 3)
        #expect(s == [1, 3, 11, 2, 4, 16])
    }

    /// A library already in the process (as a host program would have loaded it) is found,
    /// not loaded again, and reported with its kernels; slower than the best it says how to fix it.
    @Test func libraryLoadedBeforeIsReportedAsTheHosts() throws {
        let loaded = try OpenBLASLibrary.shared()
        let again = try OpenBLASLibrary.load(environment: [:], best: loaded.core)
        #expect(again.selection == .loadedByHost && again.core == loaded.core && !again.isSlowerThanBest)
        let slow = try OpenBLASLibrary.load(environment: [:], best: "FasterCore")
        #expect(slow.isSlowerThanBest)
        #expect(slow.summary.contains("loaded by the host program") && slow.summary.contains("OPENBLAS_CORETYPE=FasterCore"))
    }
}

@Suite struct OpenBLASMissingTests {
    /// No OpenBLAS on the library path: one line naming the files tried and what to install.
    @Test func missingLibraryIsOneClearLine() {
        do {
            _ = try OpenBLASLibrary.load(environment: [:], best: nil, files: ["libopenblas-missing.so.0"])
            Issue.record("loading a missing library succeeded")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("cannot load OpenBLAS (tried libopenblas-missing.so.0)"), "\(message)")
            #expect(message.contains("libopenblas0") && !message.contains("\n"), "\(message)")
        }
    }
}

/// The measured ceilings the stage profile compares stages against.
@Suite struct PeakMeasurementTests {
    /// Positive (debug builds are slow), and below a bound no core reaches (5 GHz × 64 FLOP per cycle: two AVX-512
    /// FMA units on 16 floats), so a miscounted FLOP total fails.
    @Test func peaksArePositiveAndPhysical() throws {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        for precision in [MACEPrecision.float32, .float64] {
            for peak in [SIMDPeak.measure(precision: precision, seconds: 0.05),
                         try GEMMPeak.measure(precision: precision, size: 128, seconds: 0.05)] {
                #expect(peak > 0 && peak < cores * 5 * 64, "\(precision): \(peak) GFLOP/s")
            }
        }
    }
}
