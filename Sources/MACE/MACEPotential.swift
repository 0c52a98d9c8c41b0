import Foundation
import MDCore
import MDNeighbors
import MDPotentials

/// The arithmetic precision of a MACE evaluation (MDCore's ``Precision``).
public typealias MACEPrecision = Precision

/// A mace-torch model as a ``Potential``: energy, analytic forces and virial.
///
/// Load a file written by `scripts/mace_convert.py`:
///
///     let mace = try MACEPotential(contentsOf: url, precision: .float64)
///     let result = try mace.evaluate(system)      // eV, eV/Å, eV
///
/// Forces F_i = −∂E/∂x_i and the virial W = −∂E/∂ε come from a hand-written reverse pass
/// through every stage (no finite differences, no autodiff).
public struct MACEPotential: Potential, Sendable {
    enum Storage: Sendable {
        case single(MACEModel<Float>)
        case double(MACEModel<Double>)
    }
    let storage: Storage
    /// The decoded model hyperparameters.
    public let config: MACEModelConfig
    /// Precision the model runs in.
    public let precision: MACEPrecision
    /// The model's element index of each atomic number it knows (its one-hot position).
    public let elementIndex: [Int: Int]
    /// The most cores one evaluation runs on (nil: every core the process may use).
    public var threads: Int?

    /// Loads a converted model.
    /// - Parameters:
    ///   - url: a `.safetensors` file from `scripts/mace_convert.py`.
    ///   - precision: `.float32` or `.float64` (default).
    ///   - head: head name for multi-head models (nil: the only head or the one named "default").
    /// - Throws: ``SafetensorsError`` or ``MACEError`` naming the file or setting.
    public init(contentsOf url: URL, precision: MACEPrecision = .float64, head: String? = nil) throws {
        try self.init(file: try SafetensorsFile(contentsOf: url), precision: precision, head: head)
    }

    /// Builds the potential from an already read model file (see ``init(contentsOf:precision:head:)``).
    public init(file: SafetensorsFile, precision: MACEPrecision = .float64, head: String? = nil) throws {
        let name = file.source.split(separator: "/").last.map(String.init) ?? file.source
        do {
            switch precision {
            case .float32:
                let m = try MACEModel<Float>(file: file, head: head)
                storage = .single(m); config = m.config
            case .float64:
                let m = try MACEModel<Double>(file: file, head: head)
                storage = .double(m); config = m.config
            }
        } catch let error as MACEError {
            throw MACEError.loading(file: name, error)
        }
        self.precision = precision
        elementIndex = Dictionary(uniqueKeysWithValues: config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
    }

    /// r_max of the model in Å.
    public var cutoff: Double { config.cutoff }

    /// The model's elements.
    public var supportedAtomicNumbers: Set<Int>? { Set(config.atomicNumbers) }

    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest) throws -> Evaluation {
        try evaluate(system, neighbors: neighbors, request: request, profile: nil)
    }

    /// ``evaluate(_:neighbors:request:)`` that also records the time and floating-point work of
    /// each stage of the evaluation in `profile` (when not nil), for benchmarks.
    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest, profile: StageProfile?) throws -> Evaluation {
        try checkElements(of: system)
        guard neighbors.atomCount == system.count else {
            throw MACEError.invalidInput("neighbour list is for \(neighbors.atomCount) atoms, the system has \(system.count)")
        }
        // The neighbour list's pair (i, j, S) with r_ij = x_j − x_i + S·H is the message j → i:
        // receiver i, sender j, shift −S·H, so that r = x_i − x_j − S·H.
        let h = system.cell.vectors
        let graph = MACEGraph(positions: system.positions,
                              elements: system.atomicNumbers.map { elementIndex[$0] ?? -1 },
                              senders: neighbors.second, receivers: neighbors.first,
                              shifts: neighbors.shifts.map { -(SIMD3<Double>($0) * h) })
        let result = try evaluate(graph, request: request, options: EvaluationOptions(profile: profile))
        return Evaluation(energy: result.energy, forces: result.forces, virial: result.virial,
                          atomEnergies: request.contains(.atomEnergies) ? result.atomEnergies : nil)
    }
}
