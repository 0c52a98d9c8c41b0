import Dispatch
import Foundation

/// Splits 0..<count into contiguous chunks run on all cores (`DispatchQueue.concurrentPerform`).
/// The body must only write data owned by its chunk (rows of its nodes or edges).
enum Parallel {
    /// The most cores to use, set for one evaluation by ``MACEPotential/threads``
    /// (`Parallel.$limit.withValue(n) { … }`); nil: every core the process may run on.
    @TaskLocal static var limit: Int?

    /// Cores the evaluation runs on: the process's cores, at most ``limit``.
    static var cores: Int {
        let all = processCores
        return max(1, min(all, limit ?? all))
    }

    /// The CPUs the process may run on, read once (each read is a system call, and an
    /// evaluation runs dozens of parallel loops); a process that restricts its CPUs
    /// (`macemd-bench --threads`, an MPI launcher) does so before its first evaluation.
    private static let processCores = ProcessInfo.processInfo.activeProcessorCount

    /// Runs `body(k)` for k in 0..<count, concurrently (one task per core when count = ``cores``;
    /// under a ``limit``, never more than ``cores`` at once).
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { if count == 1 { body(0) }; return }
        let limit = Self.limit, cores = Self.cores
        withoutActuallyEscaping(body) { escapable in
            let task = IndexBody(run: escapable)
            if limit == nil {
                DispatchQueue.concurrentPerform(iterations: count) { task.run($0) }
            } else {
                // At most `cores` workers at once (worker w takes tasks w, w + cores, …); worker
                // threads do not inherit task-local values, so each hands the limit on.
                let workers = min(count, cores)
                if workers <= 1 { for k in 0..<count { task.run(k) }; return }
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    Self.$limit.withValue(limit) {
                        for k in stride(from: w, to: count, by: workers) { task.run(k) }
                    }
                }
            }
        }
    }

    /// Runs `body` over chunks of at least `grain` items; serially when there is one chunk.
    static func forChunks(_ count: Int, grain: Int = 8, _ body: (Range<Int>) -> Void) {
        let cores = Self.cores, limit = Self.limit
        let chunks = max(1, min(4 * cores, count / max(grain, 1)))
        if chunks <= 1 || cores <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let task = ChunkBody(run: escapable)
            if limit == nil {
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    task.run((count * c / chunks)..<(count * (c + 1) / chunks))
                }
            } else {
                // At most `cores` workers at once (worker w takes chunks w, w + cores, …), each
                // handing the limit on to parallel loops nested in the body.
                DispatchQueue.concurrentPerform(iterations: cores) { w in
                    Self.$limit.withValue(limit) {
                        for c in stride(from: w, to: chunks, by: cores) {
                            task.run((count * c / chunks)..<(count * (c + 1) / chunks))
                        }
                    }
                }
            }
        }
    }
}

/// The chunk body handed to the worker threads. Callers guarantee that chunks write disjoint
/// memory, which is what makes sharing it sound.
private struct ChunkBody: @unchecked Sendable {
    let run: (Range<Int>) -> Void
}

/// The indexed body of ``Parallel/forEach(_:_:)``; callers guarantee that tasks write disjoint memory.
private struct IndexBody: @unchecked Sendable {
    let run: (Int) -> Void
}
