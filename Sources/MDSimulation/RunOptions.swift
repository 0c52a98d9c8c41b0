/// Command-line choices that are not part of the run file.
public struct RunOptions: Sendable {
    /// Continue from this restart file (appends to the existing outputs without duplicating steps).
    public var restart: String?
    /// Print no progress.
    public var quiet: Bool
    /// Replace existing output files instead of refusing to touch them.
    public var overwrite: Bool
    /// Checked after every step: when it holds a signal, the run writes its restart file and
    /// final structure and throws ``RunInterrupted`` (nil: never interrupted).
    public var interrupt: InterruptSignal?

    public init(restart: String? = nil, quiet: Bool = false, overwrite: Bool = false,
                interrupt: InterruptSignal? = nil) {
        self.restart = restart
        self.quiet = quiet
        self.overwrite = overwrite
        self.interrupt = interrupt
    }
}
