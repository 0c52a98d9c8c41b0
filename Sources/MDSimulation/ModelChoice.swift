import Foundation
import MACE
import MDCore
import MDRunFile

/// The model a command evaluates: file, head, precision and thread count, gathered from the
/// command line, the environment and the run file in one place.
///
/// Precedence for the head: `--head` on the command line, then the run file's `head:` key,
/// then the head chosen when the model was converted (see ``ModelHead``); for the thread count:
/// `--threads`, then `MACEMD_NUM_THREADS`, then every core the process may use.
public struct ModelChoice: Sendable {
    /// The converted model file (`.safetensors`).
    public var path: String
    /// The head asked for (nil: the model's own choice, normally the conversion's head).
    public var head: String?
    /// Arithmetic precision.
    public var precision: MACEPrecision
    /// The most cores one evaluation runs on (nil: all).
    public var threads: Int?
    /// How the radial weights are computed (exact unless asked for).
    public var radial: RadialMode

    public init(path: String, head: String? = nil, precision: MACEPrecision = .float64, threads: Int? = nil,
                radial: RadialMode = .exact) {
        self.path = path
        self.head = head
        self.precision = precision
        self.threads = threads
        self.radial = radial
    }

    /// The model of a run: the run file's `model` (or the default model), its `head` unless
    /// `headOption` (the command line's `--head`) overrides it, and its `precision`.
    public init(runFile: RunFile, headOption: String?, threads: Int?) throws {
        self.init(path: try runFile.model ?? DefaultModel.locate().path,
                  head: Self.requestedHead(option: headOption, runFile: runFile.head),
                  precision: runFile.precision, threads: threads, radial: runFile.radial)
    }

    /// The head asked for: the command line's, else the run file's; nil leaves the choice to the model.
    public static func requestedHead(option: String?, runFile: String?) -> String? { option ?? runFile }

    /// Loads the model.
    public func load() throws -> MACEPotential {
        try MACEPotential(contentsOf: URL(fileURLWithPath: path), precision: precision, head: head, threads: threads,
                          radial: radial)
    }

    /// What is recorded about the model in a run's outputs: `model`, `head`, `precision`, `radial`.
    public static func metadata(_ potential: MACEPotential, path: String) -> [String: String] {
        ["model": path, "head": potential.head, "precision": potential.precision.rawValue,
         "radial": potential.radialMode.rawValue]
    }

    /// The line printed at the start: "model FILE: head 'H' of [heads], float64, N threads"
    /// (", radial spline" added in the fast radial mode).
    public static func summary(_ potential: MACEPotential, path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let heads = potential.config.heads
        let head = heads.count > 1 ? "head '\(potential.head)' (of \(heads.joined(separator: ", ")))"
                                   : "head '\(potential.head)'"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = min(potential.threads ?? cores, cores)
        let radial = potential.radialMode == .exact ? "" : ", radial \(potential.radialMode.rawValue)"
        return "model \(name): \(head), \(potential.precision.rawValue)\(radial), \(threads) thread\(threads == 1 ? "" : "s")"
    }
}

/// The number of cores MACE evaluations may use.
public enum ThreadCount {
    /// The environment variable read when `--threads` is not given.
    public static let environmentVariable = "MACEMD_NUM_THREADS"

    /// `option` (from `--threads`) if given, else `MACEMD_NUM_THREADS` if set, else nil (all cores).
    /// - Throws: ``SimulationError/invalidSetting(key:message:)`` for a value that is not an integer ≥ 1.
    public static func resolve(option: Int?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        if let option {
            guard option >= 1 else { throw SimulationError.invalidSetting(key: "--threads", message: "must be ≥ 1, got \(option)") }
            return option
        }
        guard let text = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let n = Int(text), n >= 1 else {
            throw SimulationError.invalidSetting(key: environmentVariable, message: "must be an integer ≥ 1, got '\(text)'")
        }
        return n
    }
}
