import Foundation
import MDCore
import MDNeighbors
import MDPotentials

/// The arithmetic precision of a MACE evaluation (MDCore's ``Precision``).
public typealias MACEPrecision = Precision

/// A mace-torch model as a ``Potential``: energy, analytic forces and virial.
///
/// Load a file written by `scripts/conversion/mace_convert.py`:
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
    /// How the radial weights are computed (``RadialMode/exact`` unless asked for).
    public let radialMode: RadialMode
    /// The head being evaluated (see ``ModelHead`` for how it is chosen).
    public var head: String { config.heads[config.headIndex] }
    /// The most cores one evaluation runs on (nil: every core the process may use).
    public var threads: Int?
    /// The model's element index of each atomic number it knows (its one-hot position).
    public let elementIndex: [Int: Int]

    /// Loads a converted model.
    /// - Parameters:
    ///   - url: a `.safetensors` file from `scripts/conversion/mace_convert.py`.
    ///   - precision: `.float32` or `.float64` (default).
    ///   - head: head of a multi-head model to evaluate (nil: the head chosen at conversion,
    ///     else the only head or the one named "default"; see ``ModelHead``).
    ///   - threads: the most cores one evaluation runs on (nil: all the process may use).
    ///   - radial: `.exact` (default) or `.spline`, the fast radial mode (see ``RadialMode``); a
    ///     model whose radial weights depend on the elements refuses `.spline` with a ``MACEError``.
    /// - Throws: ``SafetensorsError`` or ``MACEError`` naming the file or setting; a mace-torch
    ///   model given in place of a converted one is a ``ForeignModelError`` naming the command that converts it.
    public init(contentsOf url: URL, precision: MACEPrecision = .float64, head: String? = nil,
                threads: Int? = nil, radial: RadialMode = .exact) throws {
        try ForeignModelFile.check(url)
        try self.init(file: try SafetensorsFile(contentsOf: url), precision: precision, head: head, radial: radial)
        self.threads = threads
    }

    /// Builds the potential from an already read model file (see ``init(contentsOf:precision:head:threads:)``).
    public init(file: SafetensorsFile, precision: MACEPrecision = .float64, head: String? = nil,
                radial: RadialMode = .exact) throws {
        let name = file.source.split(separator: "/").last.map(String.init) ?? file.source
        do {
            let chosen = try ModelHead.recorded(in: file).map {
                try ModelHead.resolve(requested: head, converted: $0.converted, heads: $0.heads)
            } ?? head
            switch precision {
            case .float32:
                let m = try MACEModel<Float>(file: file, head: chosen, radial: radial)
                storage = .single(m); config = m.config
            case .float64:
                let m = try MACEModel<Double>(file: file, head: chosen, radial: radial)
                storage = .double(m); config = m.config
            }
        } catch let error as MACEError {
            throw MACEError.loading(file: name, error)
        }
        self.precision = precision
        radialMode = radial
        elementIndex = Dictionary(uniqueKeysWithValues: config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
    }

    /// r_max of the model in Å.
    public var cutoff: Double { config.cutoff }

    /// The model's elements.
    public var supportedAtomicNumbers: Set<Int>? { Set(config.atomicNumbers) }

    /// Message-passing layers (mace `num_interactions`).
    public var interactionCount: Int { config.interactionClasses.count }

    /// How far an atom's energy reaches, interactionCount × r_max in Å: a host that splits
    /// space (see ``MACEGraph``) needs ghost atoms out to this distance from its own atoms.
    public var receptiveField: Double { Double(interactionCount) * cutoff }

    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest) throws -> Evaluation {
        try evaluate(system, neighbors: neighbors, request: request, profile: nil)
    }

    /// ``evaluate(_:neighbors:request:)`` that also records the time and floating-point work of
    /// each stage of the evaluation in `profile` (when not nil), for benchmarks.
    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest, profile: StageProfile?) throws -> Evaluation {
        guard neighbors.atomCount == system.count else {
            throw MACEError.invalidInput("neighbour list is for \(neighbors.atomCount) atoms, the system has \(system.count)")
        }
        // The neighbour list's pair (i, j, S) with r_ij = x_j − x_i + S·H is the message j → i:
        // receiver i, sender j, shift −S·H, so that r = x_i − x_j − S·H.
        let h = system.cell.vectors
        // Z → model element index, built once at load; an unknown element is the error here
        // (no separate pass over the atoms).
        let elements = try system.atomicNumbers.map { z in
            guard let index = elementIndex[z] else {
                throw PotentialError.unsupportedElement(z, supported: elementIndex.keys.sorted())
            }
            return index
        }
        let graph = MACEGraph(positions: system.positions,
                              elements: elements,
                              senders: neighbors.second, receivers: neighbors.first,
                              shifts: neighbors.shifts.map { -(SIMD3<Double>($0) * h) })
        let result = try evaluate(graph, request: request, options: EvaluationOptions(profile: profile))
        return Evaluation(energy: result.energy, forces: result.forces, virial: result.virial,
                          atomEnergies: request.contains(.atomEnergies) ? result.atomEnergies : nil)
    }
}
