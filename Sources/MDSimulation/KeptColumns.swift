import MDIO

/// The per-atom columns of the input structure that every structure MaceMD writes keeps
/// (trajectory frames in extended XYZ, `final.xyz`), so that chaining runs (relax → MD from
/// `final.xyz`) loses nothing: fixed atoms stay fixed, tags and labels stay.
///
/// Kept: every column that describes the atoms, as ASE keeps `atoms.arrays` through its
/// dynamics and optimizers (`tags`, `initial_magmoms`, `initial_charges`, residue or
/// molecule labels, training-set columns, …). Dropped: the columns the writer makes from the
/// current state (`momenta`, `masses`, `forces`, written by the writer itself) and ASE's
/// per-atom calculator results of the input geometry (`energies`, `stresses`, `charges`,
/// `magmoms`, `dipoles`), which a moved structure no longer has; ASE reads those into a
/// calculator, not into `atoms.arrays`, and does not carry them either.
///
/// Fixed atoms: `move_mask` (T = free; ASE writes FixAtoms as `move_mask:L:1`, FixCartesian
/// as `move_mask:L:3`) is written for every atom that did not move, whether the input's
/// `move_mask` or the run file's `fixed_atoms` fixed it; without fixed atoms and without an
/// input `move_mask` no column is added.
enum KeptColumns {
    /// ASE's per-atom calculator results (`ase.io.extxyz.per_atom_properties` less `forces`),
    /// plus `velocities`, which describes the input's motion, not the written one.
    static let inputResults: Set<String> = ["energies", "stresses", "charges", "magmoms", "dipoles", "velocities"]

    /// The columns of `input` to write with every structure of a run in which `fixed` atoms
    /// (one flag per atom) do not move.
    static func columns(of input: StructureRecord, fixed: [Bool]) -> [ExtXYZArray] {
        var kept = input.arrays.filter { !inputResults.contains($0.name) && $0.name != "move_mask" }
        if let mask = moveMask(input.array(named: "move_mask"), fixed: fixed) { kept.append(mask) }
        return kept
    }

    /// The input's `move_mask` with every fixed atom's flags set to F (free = T), or a new
    /// `move_mask:L:1` when atoms are fixed and the input had none.
    static func moveMask(_ input: ExtXYZArray?, fixed: [Bool]) -> ExtXYZArray? {
        if let input, case .logical(var flags) = input.values, input.atomCount == fixed.count {
            for (i, isFixed) in fixed.enumerated() where isFixed {
                for c in 0..<input.width { flags[i * input.width + c] = false }
            }
            return ExtXYZArray(name: "move_mask", width: input.width, values: .logical(flags))
        }
        guard fixed.contains(true) else { return nil }
        return ExtXYZArray(name: "move_mask", width: 1, values: .logical(fixed.map { !$0 }))
    }
}
