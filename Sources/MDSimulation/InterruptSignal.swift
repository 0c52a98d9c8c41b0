import Dispatch
import Foundation

/// A request to stop a run early, raised by SIGINT (Ctrl-C) or SIGTERM (what a batch
/// scheduler sends at its time limit).
///
/// The signal handler only records which signal came; the run checks ``stopIfRequested()``
/// after each MD or optimizer step, so the step in progress finishes, the restart file and
/// the final structure are written, and the run ends with ``RunInterrupted``. A second
/// signal while the first is being honoured ends the process at once with the signal's
/// default action (the shell then reports 128 + the signal number, like the first one).
/// SIGKILL cannot be caught: every finished trajectory frame and stats line survives it,
/// the restart file is the last periodic one.
///
/// The handlers are `DispatchSource` signal sources on a queue of their own (no code runs
/// inside the asynchronous signal context); the flag is guarded by a lock. An instance
/// that was never installed is a plain flag for tests and programs that embed the driver.
public final class InterruptSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "macemd.interrupt-signal")

    /// A flag that no signal sets yet (see ``install(signals:onFirst:)``).
    public init() {}

    /// The signal that asked the run to stop, nil while none came.
    public var received: Int32? { lock.withLock { first } }

    /// Records `signal` as a stop request; returns whether it was the first one.
    @discardableResult
    public func request(_ signal: Int32) -> Bool {
        lock.withLock {
            guard first == nil else { return false }
            first = signal
            return true
        }
    }

    /// Throws ``StopRequested`` when a signal came: the step loop's check after each step.
    public func stopIfRequested() throws {
        if let signal = received { throw StopRequested(signal: signal) }
    }

    /// Catches `signals` (default SIGINT and SIGTERM). The first sets ``received`` and calls
    /// `onFirst` (e.g. to print what happens next); a second one (also two at once) restores
    /// the default action and sends the signal again, which ends the process at once.
    public static func install(signals: [Int32] = [SIGINT, SIGTERM],
                               onFirst: @escaping @Sendable (Int32) -> Void = { _ in }) -> InterruptSignal {
        let flag = InterruptSignal()
        for number in signals {
            // The source sees the signal only while its default action (termination) is off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: flag.queue)
            source.setEventHandler { [weak flag] in
                guard let flag else { return }
                // A source reports signals that came close together as one event of count > 1.
                let count = source.data   // (the cycle source → handler → source ends at cancel())
                let first = flag.request(number)
                if first { onFirst(number) }
                if !first || count > 1 { endNow(number) }
            }
            source.resume()
            flag.lock.withLock { flag.sources.append(source) }
        }
        return flag
    }

    /// Ends the process at once by `signal`'s default action: sent to the process, not to this
    /// queue's thread (which blocks signals); `_exit(128 + signal)` if it still runs.
    private static func endNow(_ number: Int32) -> Never {
        signal(number, SIG_DFL)
        kill(getpid(), number)
        usleep(200_000)
        _exit(exitStatus(number))
    }

    /// Stops catching signals and restores their default actions.
    public func uninstall() {
        let installed = lock.withLock { () -> [DispatchSourceSignal] in
            defer { sources = [] }
            return sources
        }
        for source in installed {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
    }

    /// "SIGINT", "SIGTERM", or "signal N".
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGUSR1: "SIGUSR1"
        case SIGUSR2: "SIGUSR2"
        default: "signal \(signal)"
        }
    }

    /// The exit status a shell reports for a process ended by `signal`: 128 + its number
    /// (130 for SIGINT, 143 for SIGTERM). `macemd run` exits with it after an interrupted run.
    public static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }
}

/// Thrown by ``InterruptSignal/stopIfRequested()`` inside the step loop; the driver catches
/// it, writes the restart file and the final structure, and throws ``RunInterrupted``.
public struct StopRequested: Error, Equatable {
    public let signal: Int32
}

/// A run that stopped on a signal after writing its restart file (MD) and final structure.
public struct RunInterrupted: Error, Equatable, CustomStringConvertible {
    /// The signal number (SIGINT 2, SIGTERM 15).
    public let signal: Int32
    /// The last finished MD step or optimizer iteration.
    public let step: Int
    /// The restart file, for MD runs (nil for relaxations).
    public let restartFile: String?
    /// The final structure (extended XYZ).
    public let finalStructure: String

    public init(signal: Int32, step: Int, restartFile: String?, finalStructure: String) {
        self.signal = signal
        self.step = step
        self.restartFile = restartFile
        self.finalStructure = finalStructure
    }

    /// One line: what stopped, where, what was written and how to continue.
    public var description: String {
        let name = InterruptSignal.name(signal)
        if let restartFile {
            return "interrupted by \(name) after step \(step); wrote \(restartFile) and \(finalStructure); "
                + "continue with --restart \(restartFile)"
        }
        return "relaxation interrupted by \(name) after step \(step); the last structure is in \(finalStructure)"
    }

    /// The exit status of `macemd run` (128 + signal: 130 for SIGINT, 143 for SIGTERM).
    public var exitStatus: Int32 { InterruptSignal.exitStatus(signal) }
}
