import Foundation
import Dispatch
import Testing
import MDCore
@testable import CMaceMD

/// Every failure comes back as MACEMD_ERROR with a one-line message, never as a trap.
@Suite struct CErrorTests {
    /// Calls `body` with an error buffer and returns (status, message).
    func call(size: Int = 512, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> (Int32, String) {
        var buffer = [CChar](repeating: 65, count: max(size, 1))
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, size) }
        return (status, text(buffer))
    }

    @Test func loadFailuresNameTheCause() throws {
        var model: OpaquePointer?
        var (status, message) = call { macemd_load("/nonexistent/m.safetensors", "float64", nil, &model, $0, $1) }
        #expect(status == CStatus.error && model == nil)
        #expect(message.contains("/nonexistent/m.safetensors"), "\(message)")
        (status, message) = call { macemd_load(CModel.path("copper"), "float16", nil, &model, $0, $1) }
        #expect(status == CStatus.error && message.contains("float16"), "\(message)")
        (status, message) = call { macemd_load(CModel.path("copper"), nil, "nohead", &model, $0, $1) }
        #expect(status == CStatus.error && message.contains("nohead"), "\(message)")
        (status, message) = call { macemd_load(nil, nil, nil, &model, $0, $1) }
        #expect(status == CStatus.error && message.contains("path"), "\(message)")
        let text = try TestScratch.file("not a model", name: "bad.safetensors")
        (status, message) = call { macemd_load(text, nil, nil, &model, $0, $1) }
        #expect(status == CStatus.error && message.contains("bad.safetensors"), "\(message)")
        #expect(model == nil)
    }

    @Test func messagesAreTruncatedAndTerminated() {
        var model: OpaquePointer?
        let (status, message) = call(size: 8) { macemd_load("/nonexistent/m.safetensors", nil, nil, &model, $0, $1) }
        #expect(status == CStatus.error && message.utf8.count == 7)
        let (zero, untouched) = call(size: 0) { macemd_load(nil, nil, nil, &model, $0, $1) }
        #expect(zero == CStatus.error && untouched == "A", "a zero-size buffer is not written")
    }

    @Test func unknownElementIsNamed() throws {
        let model = try CModel.load("copper")
        defer { macemd_free(model) }
        var system = try rattledFCC(["Cu"], a: 3.6, repeats: SIMD3(2, 2, 2))
        system.atomicNumbers[3] = 8
        #expect(throws: CAPIError.self) { try CModel.evaluate(model, system) }
        do { _ = try CModel.evaluate(model, system) } catch {
            #expect("\(error)".contains("element O is not supported"), "\(error)")
        }
        let rank = CModel.Rank(positions: [.zero, SIMD3(0, 0, 2.5)], atom: [0, 1], owned: 2, centres: [0, 1], neighbours: [1, 0])
        do { _ = try CModel.evaluate(model, rank, numbers: [29, 8]) } catch {
            #expect("\(error)".contains("atom 1") && "\(error)".contains("element O"), "\(error)")
        }
    }

    @Test func badInputsAreErrors() throws {
        let model = try CModel.load("copper")
        defer { macemd_free(model) }
        let x: [Double] = [0, 0, 0, 0, 0, 2.5], z: [Int32] = [29, 29]
        var e = 0.0, f = [Double](repeating: 0, count: 6)
        // Non-finite position, zero atoms, NULL handle, NULL positions, pbc without a cell.
        var (status, message) = call { macemd_evaluate(model, 2, [0, 0, .nan, 0, 0, 2.5], z, nil, nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && !message.isEmpty)
        (status, message) = call { macemd_evaluate(model, 0, x, z, nil, nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("n = 0"), "\(message)")
        (status, message) = call { macemd_evaluate(nil, 2, x, z, nil, nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("handle"), "\(message)")
        (status, message) = call { macemd_evaluate(model, 2, nil, z, nil, nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("positions"), "\(message)")
        (status, message) = call { macemd_evaluate(model, 2, x, z, nil, [1, 1, 1], &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("cell"), "\(message)")
        // Edge lists: an index out of range, more owned than total.
        (status, message) = call { macemd_evaluate_edges(model, 2, 2, x, z, 2, [0, 1], [1, 5], nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("edge 1"), "\(message)")
        (status, message) = call { macemd_evaluate_edges(model, 3, 2, x, z, 2, [0, 1], [1, 0], nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("n_owned"), "\(message)")
        (status, message) = call { macemd_evaluate_edges(model, 2, 2, x, z, 2, nil, [1, 0], nil, &e, &f, nil, nil, $0, $1) }
        #expect(status == CStatus.error && message.contains("centres"), "\(message)")
        // Accessors with NULL.
        #expect(macemd_cutoff(nil, &e) == CStatus.error)
        #expect(macemd_cutoff(model, nil) == CStatus.error)
        var name = [CChar](repeating: 0, count: 3)
        (status, message) = call { macemd_head_name(model, 0, &name, 3, $0, $1) }
        #expect(status == CStatus.error && message.contains("bytes"), "\(message)")
        (status, message) = call { macemd_head_name(model, 4, &name, 3, $0, $1) }
        #expect(status == CStatus.error && message.contains("head index 4"), "\(message)")
        macemd_free(nil)
    }

    @Test func threadCount() throws {
        let model = try CModel.load("copper")
        defer { macemd_free(model) }
        let cores = Int64(ProcessInfo.processInfo.activeProcessorCount)
        var n: Int64 = 0
        #expect(call { macemd_set_threads(model, 1, $0, $1) }.0 == CStatus.ok)
        #expect(macemd_threads(model, &n) == CStatus.ok && n == 1)
        let system = try rattledFCC(["Cu"], a: 3.6, repeats: SIMD3(2, 2, 2))
        let one = try CModel.evaluate(model, system)
        #expect(call { macemd_set_threads(model, 0, $0, $1) }.0 == CStatus.ok)
        #expect(macemd_threads(model, &n) == CStatus.ok && n >= 1 && n <= cores)
        let all = try CModel.evaluate(model, system)
        #expect(abs(one.energy - all.energy) <= 1e-10)
        let (status, message) = call { macemd_set_threads(model, -2, $0, $1) }
        #expect(status == CStatus.error && message.contains("-2"), "\(message)")
        // The default: MACEMD_NUM_THREADS, then cores ÷ local MPI ranks, else all cores.
        #expect(try ThreadDefault.threads(requested: 3, environment: ["MACEMD_NUM_THREADS": "5"]) == 3)
        #expect(try ThreadDefault.threads(requested: 0, environment: ["MACEMD_NUM_THREADS": "5"]) == 5)
        #expect(throws: CAPIError.self) { try ThreadDefault.threads(requested: 0, environment: ["MACEMD_NUM_THREADS": "x"]) }
        let bound = ProcessInfo.processInfo.activeProcessorCount < ProcessInfo.processInfo.processorCount
        let c = ProcessInfo.processInfo.activeProcessorCount
        #expect(try ThreadDefault.threads(requested: 0, environment: ["MPI_LOCALNRANKS": "2"]) == (bound ? c : max(1, c / 2)))
        #expect(try ThreadDefault.threads(requested: 0, environment: [:]) == c)
    }

    /// Two handles evaluate at the same time and give what each gives alone.
    @Test func handlesEvaluateInParallel() throws {
        let models = [try CModel.load("copper"), try CModel.load("mp0_small")]
        defer { models.forEach { macemd_free($0) } }
        let systems = [try rattledFCC(["Cu"], a: 3.6, repeats: SIMD3(2, 2, 2)),
                       try rattledFCC(["Cu", "O", "H"], a: 3.6, repeats: SIMD3(2, 2, 2))]
        let alone = try (0..<2).map { try CModel.evaluate(models[$0], systems[$0]).energy }
        let together = Energies()
        let handles = models.map { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer($0))) }
        // Each handle on one thread at a time: worker k uses handle k for four evaluations.
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            let model = OpaquePointer(bitPattern: handles[k])!
            for r in 0..<4 { together.set(2 * r + k, (try? CModel.evaluate(model, systems[k]).energy) ?? .nan) }
        }
        for k in 0..<8 { #expect(abs(together.get(k) - alone[k % 2]) <= 1e-10) }
    }
}

/// Energies written by concurrent workers.
final class Energies: @unchecked Sendable {
    private var values = [Double](repeating: .nan, count: 8)
    private let lock = NSLock()
    func set(_ k: Int, _ e: Double) { lock.lock(); values[k] = e; lock.unlock() }
    func get(_ k: Int) -> Double { lock.lock(); defer { lock.unlock() }; return values[k] }
}

/// A scratch file for a test.
enum TestScratch {
    static func file(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmacemd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
