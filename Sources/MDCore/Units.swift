/// MaceMD's unit system, in one place.
///
/// | quantity      | unit                       |
/// |---------------|----------------------------|
/// | energy        | eV                         |
/// | length        | Å                          |
/// | mass          | amu (unified atomic mass)  |
/// | time          | fs (also the internal unit)|
/// | velocity      | Å/fs                       |
/// | force         | eV/Å                       |
/// | temperature   | K                          |
/// | stress        | eV/Å³ internally, GPa in user-facing files |
///
/// Time is kept in femtoseconds everywhere, so velocities are Å/fs. Newton's law
/// `a = F/m` with F in eV/Å and m in amu gives an acceleration in eV/(Å·amu); one
/// such unit equals ``accelerationPerForceOverMass`` Å/fs². The kinetic energy
/// `½ m v²` with m in amu and v in Å/fs is converted to eV by ``kineticEnergyPerMassVelocitySquared``.
///
/// Constants are CODATA 2018 (exact SI values of e, k_B and N_A).
public enum Units {
    /// Elementary charge in C (exact, SI 2019).
    public static let elementaryCharge = 1.602176634e-19
    /// Unified atomic mass unit in kg (CODATA 2018).
    public static let atomicMassUnit = 1.66053906660e-27
    /// Boltzmann constant in eV/K (exact, SI 2019).
    public static let boltzmann = 8.617333262e-5
    /// Avogadro constant in 1/mol (exact, SI 2019).
    public static let avogadro = 6.02214076e23

    /// The natural time unit of (eV, Å, amu), τ = Å·√(amu/eV), in fs (≈ 10.1805 fs).
    ///
    /// τ = 1e-10 m · √(1.66053906660e-27 kg / 1.602176634e-19 J) = 1.01805e-14 s.
    public static let naturalTimeInFemtoseconds =
        1e-10 * (atomicMassUnit / elementaryCharge).squareRoot() * 1e15

    /// Converts F/m in eV/(Å·amu) to an acceleration in Å/fs²: 1/τ² with τ in fs.
    public static let accelerationPerForceOverMass =
        1.0 / (naturalTimeInFemtoseconds * naturalTimeInFemtoseconds)

    /// Converts m·v² in amu·Å²/fs² to eV: τ² with τ in fs (≈ 103.643 eV).
    public static let kineticEnergyPerMassVelocitySquared =
        naturalTimeInFemtoseconds * naturalTimeInFemtoseconds

    /// 1 eV/Å³ in GPa (≈ 160.2177): e·1e30 Pa / 1e9.
    public static let gigapascalPerEVPerCubicAngstrom = elementaryCharge * 1e30 / 1e9

    /// 1 eV in kcal/mol (≈ 23.0605): e·N_A / 4184 J.
    public static let kilocaloriePerMolePerEV = elementaryCharge * avogadro / 4184.0

    /// Femtoseconds per picosecond.
    public static let femtosecondsPerPicosecond = 1000.0
}
