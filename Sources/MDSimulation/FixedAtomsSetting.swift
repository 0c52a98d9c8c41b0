import MDIO

/// The atoms a run holds fixed: a run file's `fixed_atoms` indices plus the structure's
/// `move_mask` column (ASE's FixAtoms), checked so that nothing is silently dropped.
enum FixedAtomsSetting {
    /// The per-atom mask; errors name `key` or the structure file.
    /// - Throws: an index out of range; a `move_mask` that fixes an atom along some directions
    ///   only (ASE's FixCartesian, which MaceMD does not implement: it fixes whole atoms);
    ///   a `velocities` column (MaceMD reads velocities from ASE's `momenta` column only).
    static func mask(_ indices: [Int], frame: StructureRecord, key: String) throws -> [Bool] {
        let count = frame.system.count
        var mask = Array(repeating: false, count: count)
        for i in indices {
            guard i >= 0 && i < count else {
                throw SimulationError.invalidSetting(key: key, message: "atom index \(i) is out of range (the structure has \(count) atoms, indices 0...\(count - 1))")
            }
            mask[i] = true
        }
        let partial = frame.partiallyFixedAtoms
        if !partial.isEmpty {
            let shown = partial.prefix(5).map(String.init).joined(separator: ", ") + (partial.count > 5 ? ", ..." : "")
            throw SimulationError.invalidSetting(key: "structure", message:
                "move_mask fixes atoms \(shown) along some directions only (ASE's FixCartesian); MaceMD fixes whole atoms: "
                + "give each atom three equal flags (or use \(key))")
        }
        if frame.array(named: "velocities") != nil {
            throw SimulationError.invalidSetting(key: "structure", message:
                "the structure has a 'velocities' column, which MaceMD does not read (its unit is not defined): "
                + "give velocities as ASE's momenta column (atoms.set_velocities(...); ase.io.write(..., format='extxyz'))")
        }
        for i in frame.fixedAtoms ?? [] where i >= 0 && i < count { mask[i] = true }
        return mask
    }
}
