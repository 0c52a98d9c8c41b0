/// Problems with an atomic structure (coordinates, cell, elements) found when it is
/// created or validated. Each case's description is a complete one-line message.
public enum StructureError: Error, Equatable, CustomStringConvertible {
    /// A chemical symbol that is not in the periodic table.
    case unknownElement(String)
    /// An atomic number outside 1...118.
    case unknownAtomicNumber(Int)
    /// A coordinate (or velocity) component that is NaN or infinite.
    case nonFiniteCoordinate(atom: Int, what: String)
    /// Periodic boundary conditions along an axis whose cell vector is zero.
    case periodicAxisWithoutCellVector(axis: Int)
    /// Cell vectors that are linearly dependent (zero volume) where a volume is needed.
    case singularCell(volume: Double)
    /// Cell vectors containing NaN or infinity.
    case nonFiniteCell
    /// Per-atom arrays of different lengths.
    case lengthMismatch(what: String, expected: Int, got: Int)
    /// A non-positive atomic mass.
    case nonPositiveMass(atom: Int, mass: Double)

    public var description: String {
        switch self {
        case .unknownElement(let s):
            return "unknown element symbol '\(s)'"
        case .unknownAtomicNumber(let z):
            return "unknown atomic number \(z) (valid: 1...118)"
        case .nonFiniteCoordinate(let atom, let what):
            return "atom \(atom) has a non-finite \(what) (NaN or infinity)"
        case .periodicAxisWithoutCellVector(let axis):
            let name = ["a", "b", "c"][axis]
            return "periodic boundary conditions along \(name) (pbc[\(axis)] = true) but cell vector \(name) is zero"
        case .singularCell(let volume):
            return "the cell vectors are linearly dependent (volume \(volume) Å³); a periodic cell needs three independent vectors along its periodic axes"
        case .nonFiniteCell:
            return "the cell contains NaN or infinite components"
        case .lengthMismatch(let what, let expected, let got):
            return "\(what) has \(got) entries but the structure has \(expected) atoms"
        case .nonPositiveMass(let atom, let mass):
            return "atom \(atom) has a non-positive mass \(mass) amu"
        }
    }
}
