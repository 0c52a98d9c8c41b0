import Foundation

/// How many cores one model evaluation uses when the host does not say.
///
/// In order: the host's own choice (`macemd_set_threads` with n ≥ 1); `MACEMD_NUM_THREADS`;
/// under MPI, the node's cores divided by the ranks on the node (so that ranks sharing a
/// machine do not oversubscribe it), read from MPICH's `MPI_LOCALNRANKS` or Open MPI's
/// `OMPI_COMM_WORLD_LOCAL_SIZE` (unless the launcher already bound the rank to fewer cores than
/// the node has: then those); else every core the process may use.
enum ThreadDefault {
    /// The environment variable that sets the thread count.
    static let variable = "MACEMD_NUM_THREADS"
    /// Variables in which MPI launchers give the number of ranks on this node.
    static let localRankVariables = ["MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"]

    /// The thread limit for `requested` (≥ 1: that; 0: the default above).
    /// - Throws: when `MACEMD_NUM_THREADS` is set but is not a whole number ≥ 1.
    static func threads(requested: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        if requested >= 1 { return requested }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let text = environment[variable] {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else {
                throw CAPIError("\(variable)='\(text)' is not a whole number ≥ 1")
            }
            return n
        }
        let bound = cores < ProcessInfo.processInfo.processorCount
        for name in localRankVariables where !bound {
            if let text = environment[name], let ranks = Int(text), ranks >= 1 {
                return max(1, cores / ranks)
            }
        }
        return cores
    }
}

/// `int macemd_set_threads(model, n, error, error_size)`: the most cores one evaluation of
/// `model` uses; n = 0 restores the default (see ``ThreadDefault``).
@_cdecl("macemd_set_threads")
public func macemd_set_threads(_ model: OpaquePointer?, _ n: Int64,
                               _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    withStatus(error: error, size: errorSize) {
        let handle = try ModelHandle.from(model)
        guard n >= 0, n <= 1 << 16 else { throw CAPIError("thread count \(n) must be ≥ 1, or 0 for the default") }
        handle.potential.threads = try ThreadDefault.threads(requested: Int(n))
    }
}

/// `int macemd_threads(model, &n)`: the cores one evaluation of `model` uses now.
@_cdecl("macemd_threads")
public func macemd_threads(_ model: OpaquePointer?, _ n: UnsafeMutablePointer<Int64>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        let limit = try ModelHandle.from(model).potential.threads
        let cores = ProcessInfo.processInfo.activeProcessorCount
        try required(n, "n (output)").pointee = Int64(max(1, min(limit ?? cores, cores)))
    }
}
