/// A per-atom "fixed" mask checked once for every user: integrators, Maxwell–Boltzmann
/// velocities, optimizers and the cell filter.
public enum FixedAtomMask {
    /// What can be wrong with a mask.
    public enum Problem: Error, Equatable, Sendable {
        /// The mask's length differs from the atom count.
        case lengthMismatch(expected: Int, got: Int)
        /// Every atom is fixed.
        case allFixed(count: Int)
    }

    /// `mask`, or all-free when nil, if it has `count` entries; otherwise the problem.
    /// - Parameter allowAllFixed: accept a mask that fixes every atom (a cell relaxation can
    ///   still move the cell).
    public static func validated(_ mask: [Bool]?, count: Int, allowAllFixed: Bool = false) -> Result<[Bool], Problem> {
        let mask = mask ?? Array(repeating: false, count: count)
        guard mask.count == count else { return .failure(.lengthMismatch(expected: count, got: mask.count)) }
        guard allowAllFixed || count == 0 || mask.contains(false) else { return .failure(.allFixed(count: count)) }
        return .success(mask)
    }
}
