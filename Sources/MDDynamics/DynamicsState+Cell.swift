import MDCore

/// The cell primitive the barostats share: a homogeneous deformation of cell and atoms.
extension DynamicsState {
    /// Deforms the cell and the positions by D = exp(e) for a symmetric strain `e`
    /// (r → D·r, cell rows a → D·a, so fractional coordinates are unchanged) and, when
    /// `scaleVelocities`, the velocities by D⁻¹ (v → D⁻¹·v, C-rescale and MTK: the
    /// positions' change is then a change of scale, not a motion). Returns the kinetic energy
    /// change in eV.
    @discardableResult
    mutating func deformCell(by e: Matrix3, scaleVelocities: Bool) -> Double {
        let d = e.exponential
        let kineticBefore = kineticEnergy
        let h = system.cell.vectors
        system.cell.vectors = Matrix3(rows: d * h.rows.0, d * h.rows.1, d * h.rows.2)
        for i in 0..<system.count { system.positions[i] = d * system.positions[i] }
        if scaleVelocities {
            let inverse = (-1 * e).exponential
            for i in 0..<system.count { system.velocities[i] = inverse * system.velocities[i] }
        }
        return kineticEnergy - kineticBefore
    }

    /// Throws unless the state can run under a barostat: a fully periodic cell and no fixed atoms.
    func requireBarostatCompatible() throws {
        guard system.cell.pbc.isFullyPeriodic, system.cell.volume > 0 else {
            throw DynamicsError.invalidParameter(name: "cell", value: system.cell.volume, requirement:
                "constant-pressure dynamics needs a fully periodic cell with a volume (pbc = T T T)")
        }
        guard !fixed.contains(true) else {
            throw DynamicsError.invalidParameter(name: "fixed atoms", value: Double(fixed.filter { $0 }.count), requirement:
                "constant-pressure dynamics does not support fixed atoms (the cell deformation would move them)")
        }
    }
}
