import Foundation

/// Reports the progress of a run on standard error.
///
/// On a terminal it redraws one live line (step, simulated time, ns/day, ETA, temperature,
/// energy); when standard error is a file or pipe it prints a plain line every
/// ``plainInterval`` seconds instead, so logs stay readable. `quiet` silences it.
public struct ProgressReporter {
    /// What the reporter shows for one step.
    public struct Snapshot: Sendable {
        public var step: Int
        public var totalSteps: Int
        /// Simulated time in fs (nil for relaxations).
        public var timeFs: Double?
        /// Temperature in K (nil for relaxations).
        public var temperatureK: Double?
        /// Potential energy in eV.
        public var potentialEnergyEV: Double
        /// Largest force in eV/Å (relaxations).
        public var maxForceEVPerA: Double?

        public init(step: Int, totalSteps: Int, timeFs: Double? = nil, temperatureK: Double? = nil,
                    potentialEnergyEV: Double, maxForceEVPerA: Double? = nil) {
            self.step = step
            self.totalSteps = totalSteps
            self.timeFs = timeFs
            self.temperatureK = temperatureK
            self.potentialEnergyEV = potentialEnergyEV
            self.maxForceEVPerA = maxForceEVPerA
        }
    }

    /// Output mode.
    public enum Mode: Sendable { case live, plain, quiet }

    public let mode: Mode
    /// Seconds between plain lines.
    public var plainInterval: Double
    private let startTime: Double
    private let startStep: Int
    private let startTimeFs: Double
    private var lastReport = -Double.infinity

    /// - Parameters:
    ///   - quiet: print nothing.
    ///   - startStep, startTimeFs: where the run (or restart) begins, for rates and ETA.
    public init(quiet: Bool, startStep: Int = 0, startTimeFs: Double = 0, plainInterval: Double = 10) {
        if quiet { mode = .quiet } else { mode = isatty(STDERR_FILENO) == 1 ? .live : .plain }
        self.plainInterval = plainInterval
        self.startTime = ProgressReporter.now()
        self.startStep = startStep
        self.startTimeFs = startTimeFs
    }

    /// Reports one step; cheap enough to call every step (it rate-limits itself).
    public mutating func report(_ s: Snapshot, force: Bool = false) {
        guard mode != .quiet else { return }
        let t = ProgressReporter.now()
        let interval = mode == .live ? 0.2 : plainInterval
        guard force || t - lastReport >= interval else { return }
        lastReport = t
        let line = ProgressReporter.format(s, elapsed: t - startTime, stepsDone: s.step - startStep,
                                           simulatedFs: (s.timeFs ?? 0) - startTimeFs)
        let text = mode == .live ? "\r\u{1B}[K" + line : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Ends the live line with a newline.
    public func finish() {
        if mode == .live { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The progress line: step, simulated time, ns/day, ETA, T and E.
    public static func format(_ s: Snapshot, elapsed: Double, stepsDone: Int, simulatedFs: Double) -> String {
        var parts = ["step \(s.step)/\(s.totalSteps)"]
        if let fs = s.timeFs { parts.append(String(format: "t %.3f ps", fs / 1000)) }
        if s.timeFs != nil, elapsed > 0, simulatedFs > 0 {
            // ns/day = simulated ns per wall-clock day.
            parts.append(String(format: "%.3g ns/day", simulatedFs * 1e-6 / elapsed * 86400))
        }
        if stepsDone > 0, elapsed > 0 {
            let remaining = Double(max(0, s.totalSteps - s.step)) * elapsed / Double(stepsDone)
            parts.append("ETA " + formatDuration(remaining))
        }
        if let temperature = s.temperatureK { parts.append(String(format: "T %.1f K", temperature)) }
        parts.append(String(format: "Epot %.6f eV", s.potentialEnergyEV))
        if let fmax = s.maxForceEVPerA { parts.append(String(format: "fmax %.4f eV/Å", fmax)) }
        return parts.joined(separator: "  ")
    }

    /// "1h02m", "3m05s" or "12s".
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
