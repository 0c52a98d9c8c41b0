import Foundation
import MDCore
import MDNeighbors
import MDPotentials

/// The arithmetic precision of a MACE evaluation.
public enum MACEPrecision: String, Sendable, CaseIterable {
    /// Single precision: fast MD; forces agree with float64 to ~1e-5 relative.
    case float32
    /// Double precision: agrees with mace-torch float64 to ~1e-12.
    case float64
}

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
    /// The head being evaluated (see ``ModelHead`` for how it is chosen).
    public var head: String { config.heads[config.headIndex] }
    /// The most cores one evaluation runs on (nil: every core the process may use).
    public var threads: Int?

    /// Loads a converted model.
    /// - Parameters:
    ///   - url: a `.safetensors` file from `scripts/mace_convert.py`.
    ///   - precision: `.float32` or `.float64` (default).
    ///   - head: head of a multi-head model to evaluate (nil: the head chosen at conversion,
    ///     else the only head or the one named "default"; see ``ModelHead``).
    ///   - threads: the most cores one evaluation runs on (nil: all the process may use).
    /// - Throws: ``SafetensorsError`` or ``MACEError`` naming the file or setting; a mace-torch
    ///   model given in place of a converted one is a ``ForeignModelError`` naming the command that converts it.
    public init(contentsOf url: URL, precision: MACEPrecision = .float64, head: String? = nil,
                threads: Int? = nil) throws {
        try ForeignModelFile.check(url)
        try self.init(file: try SafetensorsFile(contentsOf: url), precision: precision, head: head)
        self.threads = threads
    }

    /// Builds the potential from an already read model file (see ``init(contentsOf:precision:head:threads:)``).
    public init(file: SafetensorsFile, precision: MACEPrecision = .float64, head: String? = nil) throws {
        let name = file.source.split(separator: "/").last.map(String.init) ?? file.source
        do {
            let chosen = try ModelHead.recorded(in: file).map {
                try ModelHead.resolve(requested: head, converted: $0.converted, heads: $0.heads)
            } ?? head
            switch precision {
            case .float32:
                let m = try MACEModel<Float>(file: file, head: chosen)
                storage = .single(m); config = m.config
            case .float64:
                let m = try MACEModel<Double>(file: file, head: chosen)
                storage = .double(m); config = m.config
            }
        } catch let error as MACEError {
            throw MACEError.loading(file: name, error)
        }
        self.precision = precision
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
        let index = Dictionary(uniqueKeysWithValues: config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
        let elements = system.atomicNumbers.map { index[$0]! }
        let h = system.cell.vectors
        let graph = EdgeGraph(positions: system.positions, cell: h, pairs: neighbors, cutoff: cutoff)
        let wantGradients = request.contains(.forces) || request.contains(.virial)
        let (energy, grads): (Double, [SIMD3<Double>]) = Parallel.$limit.withValue(threads) {
            switch storage {
            case .single(let m): return m.energy(elements: elements, graph: graph, gradients: wantGradients, profile: profile)
            case .double(let m): return m.energy(elements: elements, graph: graph, gradients: wantGradients, profile: profile)
            }
        }
        var forces: [SIMD3<Double>] = []
        if request.contains(.forces) {
            // r_e = x_receiver − x_sender − S·H: ∂E/∂x_receiver = g_e, ∂E/∂x_sender = −g_e.
            forces = [SIMD3<Double>](repeating: .zero, count: system.count)
            for e in 0..<graph.count {
                forces[graph.receivers[e]] -= grads[e]
                forces[graph.senders[e]] += grads[e]
            }
        }
        var virial: Matrix3? = nil
        if request.contains(.virial) {
            // W = −∂E/∂ε with r → (1 + ε) r, symmetrised as mace-torch does: −½ Σ_e (g⊗r + r⊗g).
            var w = Matrix3.zero
            for e in 0..<graph.count {
                w += (-0.5) * (Matrix3.outer(grads[e], graph.vectors[e]) + Matrix3.outer(graph.vectors[e], grads[e]))
            }
            virial = w
        }
        return Evaluation(energy: energy, forces: forces, virial: virial)
    }
}
