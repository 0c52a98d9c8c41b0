import MDCore
/// Problems found by the optimizers and cell filter. Each description is one line.
public enum OptimizeError: Error, Equatable, CustomStringConvertible {
    /// A parameter outside its valid range.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// The fixed-atom mask has the wrong length.
    case maskLengthMismatch(expected: Int, got: Int)
    /// Every atom is fixed and there is no cell to relax.
    case allAtomsFixed(count: Int)
    /// Coordinates of the wrong length were passed to an ``Optimizable``.
    case coordinateCountMismatch(expected: Int, got: Int)
    /// The evaluator returned the wrong number of forces.
    case forceCountMismatch(expected: Int, got: Int)
    /// The cell filter needs a virial but the evaluator gave none.
    case missingVirial
    /// The cell filter needs a fully periodic cell.
    case notFullyPeriodic
    /// The energy or a force became NaN or infinite at `step`.
    case nonFinite(step: Int, what: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let requirement):
            return "invalid optimizer parameter \(name) = \(value): \(requirement)"
        case .maskLengthMismatch(let expected, let got):
            return "the fixed-atom mask has \(got) entries but the system has \(expected) atoms"
        case .allAtomsFixed(let count):
            return "all \(count) atoms are fixed: there is nothing to relax"
        case .coordinateCountMismatch(let expected, let got):
            return "expected \(expected) coordinate rows, got \(got)"
        case .forceCountMismatch(let expected, let got):
            return "the evaluator returned \(got) forces for \(expected) atoms"
        case .missingVirial:
            return "cell relaxation needs the virial, but the evaluator returned none (request .virial)"
        case .notFullyPeriodic:
            return "cell relaxation needs a cell that is periodic along a, b and c"
        case .nonFinite(let step, let what):
            return "relaxation failed at step \(step): \(what) is NaN or infinite"
        }
    }
}

func requirePositive(_ name: String, _ value: Double, unit: String = "") throws {
    guard value > 0, value.isFinite else {
        throw OptimizeError.invalidParameter(name: name, value: value, requirement: "must be a finite number > 0 \(unit)")
    }
}

extension OptimizeError {
    /// The fixed-atom mask (all free when nil) checked by ``FixedAtomMask``, or its problem as an optimizer error.
    static func checked(_ mask: [Bool]?, count: Int, allowAllFixed: Bool = false) throws -> [Bool] {
        switch FixedAtomMask.validated(mask, count: count, allowAllFixed: allowAllFixed) {
        case .success(let mask): return mask
        case .failure(.lengthMismatch(let expected, let got)): throw OptimizeError.maskLengthMismatch(expected: expected, got: got)
        case .failure(.allFixed(let count)): throw OptimizeError.allAtomsFixed(count: count)
        }
    }
}
