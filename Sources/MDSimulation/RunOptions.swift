import Foundation

/// Command-line choices that are not part of the run file.
public struct RunOptions: Sendable {
    /// Continue from this restart file (appends to the existing outputs without duplicating steps).
    public var restart: String?
    /// Print no progress.
    public var quiet: Bool
    /// Replace existing output files instead of refusing to touch them.
    public var overwrite: Bool
    /// What the run records about itself in its outputs, e.g. `model`, `head` and `precision`
    /// (see ``ModelChoice/metadata(_:path:)``); written into final.xyz's comment line.
    public var metadata: [String: String]
    /// Receives one-line notices about settings that changed meaning (restart continuations,
    /// keys without effect found only once the structure is read). Default: standard error.
    public var notice: @Sendable (String) -> Void
    /// Checked after every step: when it holds a signal, the run writes its restart file and
    /// final structure and throws ``RunInterrupted`` (nil: never interrupted).
    public var interrupt: InterruptSignal?

    public init(restart: String? = nil, quiet: Bool = false, overwrite: Bool = false, metadata: [String: String] = [:],
                interrupt: InterruptSignal? = nil,
                notice: @escaping @Sendable (String) -> Void = RunOptions.printNotice) {
        self.restart = restart
        self.quiet = quiet
        self.overwrite = overwrite
        self.interrupt = interrupt
        self.metadata = metadata
        self.notice = notice
    }

    /// Writes `macemd: note: LINE` to standard error.
    public static let printNotice: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data("macemd: note: \(line)\n".utf8))
    }
}
