import MDCore
import MDPotentials

/// Pressure and stress of the dynamics, computed here and nowhere else.
///
/// With the virial W = −∂E/∂ε (eV, ASE's sign; see ``Evaluation``) and the kinetic tensor
/// K = Σ_i m_i v_i ⊗ v_i (eV), the instantaneous pressure tensor is
///     P = (K + W) / V,
/// the scalar pressure p = tr(P)/3 = (2 E_kin + tr W)/(3V), and the stress that ASE reports for
/// a frame is the potential part only, σ = −W/V. Units here are eV/Å³ (×160.2177 for GPa).
extension DynamicsState {
    /// The last force evaluation (energy, forces with fixed atoms' zeroed, virial when computed).
    public var evaluation: Evaluation { Evaluation(energy: potentialEnergy, forces: forces, virial: virial) }

    /// Kinetic tensor K = Σ m v ⊗ v in eV (twice the kinetic-energy tensor).
    public var kineticTensor: Matrix3 {
        var k = Matrix3.zero
        for i in 0..<system.count {
            let p = (system.masses[i] * Units.kineticEnergyPerMassVelocitySquared) * system.velocities[i]
            k += Matrix3.outer(p, system.velocities[i])
        }
        return k
    }

    /// Pressure tensor P = (K + W)/V in eV/Å³; nil without a virial or for a cell without volume.
    public var pressureTensor: Matrix3? {
        let volume = system.cell.volume
        guard let virial, volume > 0, system.cell.pbc.isFullyPeriodic else { return nil }
        return (1 / volume) * (kineticTensor + virial)
    }

    /// Instantaneous pressure p = tr(P)/3 = (2 E_kin + tr W)/(3V) in eV/Å³, or nil (see ``pressureTensor``).
    public var pressure: Double? {
        let volume = system.cell.volume
        guard let virial, volume > 0, system.cell.pbc.isFullyPeriodic else { return nil }
        return (2 * kineticEnergy + virial.trace) / (3 * volume)
    }

    /// Potential stress σ = −W/V in eV/Å³ (what ASE stores with a frame), or nil without a virial
    /// or outside a fully periodic cell.
    public var stress: Matrix3? {
        guard system.cell.pbc.isFullyPeriodic else { return nil }
        return evaluation.stress(volume: system.cell.volume)
    }
}
