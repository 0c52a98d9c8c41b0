/// Command-line choices that are not part of the run file.
public struct RunOptions: Sendable {
    /// Continue from this restart file (appends to the existing outputs without duplicating steps).
    public var restart: String?
    /// Print no progress.
    public var quiet: Bool
    /// Replace existing output files instead of refusing to touch them.
    public var overwrite: Bool

    public init(restart: String? = nil, quiet: Bool = false, overwrite: Bool = false) {
        self.restart = restart
        self.quiet = quiet
        self.overwrite = overwrite
    }
}
