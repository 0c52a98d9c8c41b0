/// The atoms of a simulation: what they are, where they are, how fast they move,
/// and the cell they live in. A plain value; integrators and optimizers change copies.
public struct AtomicSystem: Equatable, Sendable, Codable {
    /// Atomic numbers Z, one per atom.
    public var atomicNumbers: [Int]
    /// Cartesian positions in Å.
    public var positions: [SIMD3<Double>]
    /// Masses in amu (default: ASE's standard atomic masses).
    public var masses: [Double]
    /// Velocities in Å/fs (zero unless set).
    public var velocities: [SIMD3<Double>]
    /// The simulation cell and its periodicity.
    public var cell: Cell

    /// A validated system. Masses default to the standard atomic masses and velocities to zero.
    public init(atomicNumbers: [Int], positions: [SIMD3<Double>], cell: Cell = .none,
                masses: [Double]? = nil, velocities: [SIMD3<Double>]? = nil) throws {
        let elements = try atomicNumbers.map { try Element(atomicNumber: $0) }
        self.atomicNumbers = atomicNumbers
        self.positions = positions
        self.masses = masses ?? elements.map(\.mass)
        self.velocities = velocities ?? Array(repeating: .zero, count: atomicNumbers.count)
        self.cell = cell
        try validate()
    }

    /// A validated system from chemical symbols ("O", "H", "H", ...).
    public init(symbols: [String], positions: [SIMD3<Double>], cell: Cell = .none,
                masses: [Double]? = nil, velocities: [SIMD3<Double>]? = nil) throws {
        let numbers = try symbols.map { try Element(symbol: $0).atomicNumber }
        try self.init(atomicNumbers: numbers, positions: positions, cell: cell,
                      masses: masses, velocities: velocities)
    }

    /// The number of atoms.
    public var count: Int { atomicNumbers.count }

    /// Chemical symbols of the atoms.
    public var symbols: [String] { atomicNumbers.map { Element.symbols[$0] } }

    /// Checks array lengths, elements, finiteness of positions and velocities, masses
    /// and the cell; throws a ``StructureError`` that names the first problem.
    public func validate() throws {
        let n = atomicNumbers.count
        if positions.count != n { throw StructureError.lengthMismatch(what: "positions", expected: n, got: positions.count) }
        if masses.count != n { throw StructureError.lengthMismatch(what: "masses", expected: n, got: masses.count) }
        if velocities.count != n { throw StructureError.lengthMismatch(what: "velocities", expected: n, got: velocities.count) }
        for z in atomicNumbers { _ = try Element(atomicNumber: z) }
        for i in 0..<n {
            let p = positions[i]
            if !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
                throw StructureError.nonFiniteCoordinate(atom: i, what: "position")
            }
            let v = velocities[i]
            if !(v.x.isFinite && v.y.isFinite && v.z.isFinite) {
                throw StructureError.nonFiniteCoordinate(atom: i, what: "velocity")
            }
            if !(masses[i] > 0) || !masses[i].isFinite { throw StructureError.nonPositiveMass(atom: i, mass: masses[i]) }
        }
        try cell.validate()
    }

    /// Kinetic energy Σ ½ m v² in eV.
    public var kineticEnergy: Double {
        var twiceK = 0.0
        for i in 0..<count { twiceK += masses[i] * dot(velocities[i], velocities[i]) }
        return 0.5 * twiceK * Units.kineticEnergyPerMassVelocitySquared
    }

    /// Total momentum Σ m v in amu·Å/fs.
    public var totalMomentum: SIMD3<Double> {
        var p = SIMD3<Double>.zero
        for i in 0..<count { p += masses[i] * velocities[i] }
        return p
    }
}
