import MDCore
import MDNeighbors
import MDPotentials

/// A potential whose every result is checked to be finite: a NaN or infinite energy, force or
/// virial (typically atoms on top of each other, where a machine-learned model's edge
/// directions are 0/0) is an error that names the closest pair of atoms, instead of a
/// `-nan` written to a file with exit status 0.
public struct FiniteCheckedPotential: Potential {
    /// The potential whose results are checked.
    public let base: any Potential

    public init(_ base: any Potential) { self.base = base }

    /// Atoms closer than this (Å) are reported as coinciding when the base potential fails.
    static let coincidentDistance = 1e-6

    public var cutoff: Double { base.cutoff }
    public var supportedAtomicNumbers: Set<Int>? { base.supportedAtomicNumbers }

    /// `base`'s evaluation; throws ``NonFiniteResultError`` when any part of it is not finite,
    /// or when `base` refuses atoms that sit on top of each other (MACE: an edge of length 0).
    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest) throws -> Evaluation {
        let result: Evaluation
        do {
            result = try base.evaluate(system, neighbors: neighbors, request: request)
        } catch {
            if let pair = ClosestPair(in: system), pair.distance < Self.coincidentDistance {
                throw NonFiniteResultError(quantity: "result (\(error))", closestPair: pair)
            }
            throw error
        }
        var what: String?
        if !result.energy.isFinite {
            what = "energy (\(result.energy) eV)"
        } else if let i = result.forces.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            what = "force on atom \(i)"
        } else if let w = result.virial, !w.isFinite {
            what = "virial"
        }
        guard let what else { return result }
        throw NonFiniteResultError(quantity: what, closestPair: ClosestPair(in: system))
    }
}

/// The two closest atoms of a system (minimum image in periodic directions).
public struct ClosestPair: Sendable, Equatable, CustomStringConvertible {
    /// 0-based atom indices, i < j.
    public var i: Int, j: Int
    /// Their element symbols.
    public var symbols: (String, String)
    /// Their distance in Å.
    public var distance: Double

    /// The closest pair within 3 Å (nil when no two atoms are that close, or for one atom).
    public init?(in system: AtomicSystem, within radius: Double = 3) {
        guard system.count > 1,
              let pairs = try? NeighborPairs(positions: system.positions, cell: system.cell, cutoff: radius) else { return nil }
        var best: (Int, Int, Double)?
        for e in 0..<pairs.count {
            let v = pairs.vector(e, positions: system.positions, cell: system.cell.vectors)
            let d = dot(v, v)
            guard d.isFinite, best == nil || d < best!.2 else { continue }
            best = (min(pairs.first[e], pairs.second[e]), max(pairs.first[e], pairs.second[e]), d)
        }
        guard let (a, b, d2) = best else { return nil }
        i = a; j = b; distance = d2.squareRoot()
        symbols = (system.symbols[a], system.symbols[b])
    }

    public static func == (l: ClosestPair, r: ClosestPair) -> Bool {
        l.i == r.i && l.j == r.j && l.distance == r.distance
    }

    public var description: String {
        "the closest atoms are \(i) (\(symbols.0)) and \(j) (\(symbols.1)), \(String(format: "%.4f", distance)) Å apart"
    }
}

/// A potential returned a NaN or infinite result.
public struct NonFiniteResultError: Error, CustomStringConvertible {
    /// What was not finite: "energy (nan eV)", "force on atom 3", "virial".
    public var quantity: String
    /// The closest pair of atoms (nil: none within 3 Å).
    public var closestPair: ClosestPair?

    public var description: String {
        "the model gave a non-finite \(quantity); "
            + (closestPair.map { "\($0) (overlapping atoms?)" } ?? "no two atoms are within 3 Å")
    }
}
