"""MaceMDCalculator against `macemd eval`, finite differences, NVE, and MaceMD's errors."""
import numpy as np
import pytest
from ase import units
from ase.calculators.calculator import PropertyNotImplementedError
from ase.calculators.fd import calculate_numerical_forces, calculate_numerical_stress
from ase.constraints import FixAtoms
from ase.filters import FrechetCellFilter
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
from ase.md.verlet import VelocityVerlet
from ase.optimize import FIRE

from macemd import MaceMDCalculator, MaceMDError
from conftest import macemd_eval, model, rattled


@pytest.mark.parametrize("name, tilt", [("copper", False), ("mp0_small", True), ("three_layers_corr2", True)])
def test_matches_macemd_eval(name, tilt, tmp_path):
    symbols = ["Cu"] if name == "copper" else ["Cu", "O", "C", "Cu", "H"]
    atoms = rattled(symbols, tilt=tilt)
    atoms, reference = macemd_eval(model(name), atoms, tmp_path)
    atoms.calc = MaceMDCalculator(model(name))
    assert abs(atoms.get_potential_energy() - reference.get_potential_energy()) <= 1e-8
    assert np.abs(atoms.get_forces() - reference.get_forces()).max() <= 1e-8
    assert np.abs(atoms.get_stress() - reference.get_stress()).max() <= 1e-10
    assert atoms.get_potential_energy(force_consistent=True) == atoms.get_potential_energy()


@pytest.mark.parametrize("name", ["copper", "mp0_small"])
def test_forces_and_stress_match_finite_differences(name):
    atoms = rattled(["Cu"] if name == "copper" else ["Cu", "O", "C", "Cu", "H"], size=(2, 1, 1), tilt=True)
    atoms.calc = MaceMDCalculator(model(name))
    numerical = calculate_numerical_forces(atoms, eps=1e-4)
    assert np.abs(atoms.get_forces() - numerical).max() <= 1e-6
    numerical_stress = calculate_numerical_stress(atoms, eps=1e-5)
    assert np.abs(atoms.get_stress() - numerical_stress).max() <= 1e-6


def test_atom_energies_sum_to_the_energy(mixed_atoms):
    mixed_atoms.calc = MaceMDCalculator(model("mp0_small"))
    energies = mixed_atoms.get_potential_energies()
    assert energies.shape == (len(mixed_atoms),)
    assert abs(energies.sum() - mixed_atoms.get_potential_energy()) <= 1e-10 * abs(energies.sum())
    assert np.ptp(energies) > 0.1  # different elements, different energies


def test_velocity_verlet_conserves_energy():
    atoms = rattled(["Cu"], size=(2, 2, 2))
    atoms.calc = MaceMDCalculator(model("copper"))
    MaxwellBoltzmannDistribution(atoms, temperature_K=600, rng=np.random.default_rng(1), force_temp=True)
    Stationary(atoms)
    total, potential = [], []
    dyn = VelocityVerlet(atoms, timestep=2 * units.fs)

    def record():
        total.append(atoms.get_total_energy())
        potential.append(atoms.get_potential_energy())
    dyn.attach(record, interval=1)
    dyn.run(200)
    total, potential = np.array(total), np.array(potential)
    # The total energy fluctuates far less than the potential energy it is exchanged with.
    assert np.std(total) < 0.02 * np.std(potential), (np.std(total), np.std(potential))
    assert abs(total[-1] - total[0]) < 1e-3 * len(atoms)


def test_unknown_element_raises_macemd_message(copper_atoms):
    copper_atoms[3].symbol = "O"
    copper_atoms.calc = MaceMDCalculator(model("copper"))
    with pytest.raises(MaceMDError, match=r"element O is not supported by this potential \(it knows: Cu\)"):
        copper_atoms.get_potential_energy()


def test_load_errors_raise_macemd_message(tmp_path):
    with pytest.raises(MaceMDError, match="no-such.safetensors"):
        MaceMDCalculator(str(tmp_path / "no-such.safetensors"))
    with pytest.raises(MaceMDError, match="float16"):
        MaceMDCalculator(model("copper"), precision="float16")
    with pytest.raises(MaceMDError, match="nohead"):
        MaceMDCalculator(model("copper"), head="nohead")


def test_molecule_without_cell_has_no_stress():
    from ase import Atoms
    atoms = Atoms("CuCu", positions=[[0, 0, 0], [0, 0, 2.3]])
    atoms.calc = MaceMDCalculator(model("copper"))
    assert np.isfinite(atoms.get_potential_energy())
    assert abs(atoms.get_forces()[:, 2].sum()) < 1e-10
    with pytest.raises(PropertyNotImplementedError):
        atoms.get_stress()


def test_model_facts_and_threads():
    calc = MaceMDCalculator(model("three_layers_corr2"), threads=1)
    assert calc.cutoff == 4.5 and calc.elements == [1, 6, 8, 29] and calc.threads == 1


def test_cell_filter_and_constraints_relax(copper_atoms):
    copper_atoms.set_constraint(FixAtoms(indices=[0]))
    scaled = copper_atoms.get_scaled_positions()[0].copy()
    copper_atoms.calc = MaceMDCalculator(model("copper"))
    start, cell = copper_atoms.get_potential_energy(), copper_atoms.cell.array.copy()
    FIRE(FrechetCellFilter(copper_atoms), logfile=None).run(fmax=0.05, steps=60)
    assert copper_atoms.get_potential_energy() < start - 0.01
    assert not np.allclose(copper_atoms.cell.array, cell)
    # The fixed atom moves only with the cell.
    assert np.allclose(copper_atoms.get_scaled_positions()[0], scaled, atol=1e-10)


def test_spline_radial_mode_is_macemds_and_close_to_exact(tmp_path):
    """radial="spline" runs the same fast radial mode as `macemd eval --radial spline`, and its
    forces stay within the bound README documents for it (3e-5 of max|F|) of the exact mode's."""
    atoms = rattled(["Cu", "O", "C", "Cu", "H"], tilt=True)
    atoms, reference = macemd_eval(model("mp0_small"), atoms, tmp_path, radial="spline")
    atoms.calc = MaceMDCalculator(model("mp0_small"), radial="spline")
    spline_forces = atoms.get_forces()
    assert atoms.calc.radial == "spline"
    assert abs(atoms.get_potential_energy() - reference.get_potential_energy()) <= 1e-8
    assert np.abs(spline_forces - reference.get_forces()).max() <= 1e-8
    exact = atoms.copy()
    exact.calc = MaceMDCalculator(model("mp0_small"))
    difference = np.abs(spline_forces - exact.get_forces()).max()
    assert 0 < difference <= 3e-5 * np.abs(exact.get_forces()).max()


def test_unknown_radial_mode_raises_macemd_message():
    with pytest.raises(MaceMDError, match="radial"):
        MaceMDCalculator(model("copper"), radial="splines")
