import Dispatch
import Foundation

/// Splits 0..<count into contiguous chunks run on all cores (`DispatchQueue.concurrentPerform`).
/// The body must only write data owned by its chunk (rows of its nodes or edges).
enum Parallel {
    /// Cores the evaluation runs on.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body(k)` for k in 0..<count, concurrently (one task per core when count = ``cores``).
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { if count == 1 { body(0) }; return }
        withoutActuallyEscaping(body) { escapable in
            let task = IndexBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: count) { task.run($0) }
        }
    }

    /// Runs `body` over chunks of at least `grain` items; serially when there is one chunk.
    static func forChunks(_ count: Int, grain: Int = 8, _ body: (Range<Int>) -> Void) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = max(1, min(4 * cores, count / max(grain, 1)))
        if chunks <= 1 || cores <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let task = ChunkBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                task.run((count * c / chunks)..<(count * (c + 1) / chunks))
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
