import MDCore

/// One structure as every reader returns it and every writer takes it, whatever the format
/// (extended XYZ, POSCAR, CIF): the atoms, key-value metadata, extra per-atom columns, and the
/// single-point results ASE keeps in its calculator.
///
/// Its fields follow extended XYZ, the richest format MaceMD reads; mapping to that file (as
/// ASE ≥ 3.23 reads and writes it):
/// - `system.cell` rows ↔ `Lattice="ax ay az bx by bz cx cy cz"`, `system.cell.pbc` ↔ `pbc="T T F"`;
/// - `species:S:1` (or `Z:I:1`) and `pos:R:3` (Å) columns ↔ atomic numbers and positions;
/// - `masses:R:1` (amu) ↔ `system.masses` (written only when they differ from the element masses);
/// - `momenta:R:3` ↔ `system.velocities`: ASE momenta are amu·Å per ASE time unit
///   (t₀ = `Units.naturalTimeInFemtoseconds` fs), so p = m · v[Å/fs] · t₀ and v = p / (m · t₀);
/// - `energy=` (eV), `forces:R:3` (eV/Å) and `stress="9 numbers"` (eV/Å³, ASE sign: −virial/V)
///   ↔ `energy`, `forces`, `stress`.
public struct StructureRecord: Equatable, Sendable {
    /// Atomic numbers, positions (Å), masses (amu), velocities (Å/fs) and cell.
    public var system: AtomicSystem
    /// Whether the frame carries velocities (a `momenta` column); the writer writes them only then.
    public var hasVelocities: Bool
    /// The other comment-line values, in file order.
    public var info: ExtXYZInfo
    /// The other per-atom columns, in file order.
    public var arrays: [ExtXYZArray]
    /// Potential energy (eV), when present.
    public var energy: Double?
    /// Forces (eV/Å), when present.
    public var forces: [SIMD3<Double>]?
    /// Stress (eV/Å³, ASE sign convention σ = −W/V), when present.
    public var stress: Matrix3?

    /// A frame of `system`; velocities are written when `hasVelocities` (default: when any
    /// velocity is non-zero).
    public init(system: AtomicSystem, hasVelocities: Bool? = nil, info: ExtXYZInfo = ExtXYZInfo(),
                arrays: [ExtXYZArray] = [], energy: Double? = nil, forces: [SIMD3<Double>]? = nil,
                stress: Matrix3? = nil) {
        self.system = system
        self.hasVelocities = hasVelocities ?? system.velocities.contains(where: { $0 != .zero })
        self.info = info
        self.arrays = arrays
        self.energy = energy
        self.forces = forces
        self.stress = stress
    }

    /// The extra per-atom array called `name`, if any.
    public func array(named name: String) -> ExtXYZArray? { arrays.first { $0.name == name } }
}

extension StructureRecord {
    /// Atoms that may not move at all according to a `move_mask` column (ASE's way of writing
    /// FixAtoms as `move_mask:L:1` and FixCartesian as `move_mask:L:3`; POSCAR selective dynamics):
    /// the 0-based indices whose flags are all F. Nil when there is no such column.
    public var fixedAtoms: [Int]? {
        guard let mask = array(named: "move_mask"), case .logical(let flags) = mask.values, mask.width >= 1 else { return nil }
        return (0..<mask.atomCount).filter { i in !(0..<mask.width).contains { flags[i * mask.width + $0] } }
    }

    /// Atoms a `move_mask:L:3` column fixes along some directions only (ASE's FixCartesian): the
    /// 0-based indices whose three flags differ. Empty without such a column.
    public var partiallyFixedAtoms: [Int] {
        guard let mask = array(named: "move_mask"), case .logical(let flags) = mask.values, mask.width > 1 else { return [] }
        return (0..<mask.atomCount).filter { i in Set((0..<mask.width).map { flags[i * mask.width + $0] }).count > 1 }
    }
}
