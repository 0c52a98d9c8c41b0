import MDCore
/// Problems found by the integrators: bad parameters, bad input state, or a trajectory
/// that blew up. Each case's description is one line that names the parameter or the step.
public enum DynamicsError: Error, Equatable, CustomStringConvertible {
    /// A parameter outside its valid range, e.g. a non-positive time step.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// The fixed-atom mask has the wrong length.
    case maskLengthMismatch(expected: Int, got: Int)
    /// Every atom is fixed: there is nothing to integrate.
    case allAtomsFixed(count: Int)
    /// The force evaluator returned the wrong number of forces.
    case forceCountMismatch(expected: Int, got: Int)
    /// The integration produced a non-finite or implausible state at `step`; the state
    /// passed in is left at the last good step.
    case explosion(step: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let requirement):
            return "invalid dynamics parameter \(name) = \(value): \(requirement)"
        case .maskLengthMismatch(let expected, let got):
            return "the fixed-atom mask has \(got) entries but the system has \(expected) atoms"
        case .allAtomsFixed(let count):
            return "all \(count) atoms are fixed: there is nothing to move"
        case .forceCountMismatch(let expected, let got):
            return "the force evaluator returned \(got) forces for \(expected) atoms"
        case .explosion(let step, let reason):
            return "MD blew up at step \(step): \(reason); the last good state is kept"
        }
    }
}

/// Throws ``DynamicsError/invalidParameter(name:value:requirement:)`` unless `value` is
/// finite and > 0.
func requirePositive(_ name: String, _ value: Double, unit: String) throws {
    guard value > 0, value.isFinite else {
        throw DynamicsError.invalidParameter(name: name, value: value, requirement: "must be a finite number > 0 \(unit)")
    }
}

/// Throws ``DynamicsError/invalidParameter(name:value:requirement:)`` unless `value` is
/// finite and ≥ 0.
func requireNonNegative(_ name: String, _ value: Double, unit: String) throws {
    guard value >= 0, value.isFinite else {
        throw DynamicsError.invalidParameter(name: name, value: value, requirement: "must be a finite number ≥ 0 \(unit)")
    }
}

extension DynamicsError {
    /// The fixed-atom mask (all free when nil) checked by ``FixedAtomMask``, or its problem as a dynamics error.
    static func checked(_ mask: [Bool]?, count: Int) throws -> [Bool] {
        switch FixedAtomMask.validated(mask, count: count) {
        case .success(let mask): return mask
        case .failure(.lengthMismatch(let expected, let got)): throw DynamicsError.maskLengthMismatch(expected: expected, got: got)
        case .failure(.allFixed(let count)): throw DynamicsError.allAtomsFixed(count: count)
        }
    }
}
