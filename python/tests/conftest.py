"""Shared fixtures: model paths, the macemd tool, test structures."""
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from ase.build import bulk

ROOT = Path(__file__).resolve().parents[2]
MODELS = {
    "copper": ROOT / "models/copper/copper.safetensors",
    "mp0_small": ROOT / "Tests/MACETests/Resources/mp0_small.safetensors",
    "three_layers_corr2": ROOT / "Tests/MACETests/Resources/three_layers_corr2.safetensors",
}


def model(name):
    path = MODELS[name]
    assert path.exists(), f"{path}: committed model missing"
    return str(path)


def macemd_tool():
    """The macemd executable: $MACEMD_BIN, else the release build, else the debug build."""
    candidates = [os.environ.get("MACEMD_BIN"), ROOT / ".build/release/macemd", ROOT / ".build/debug/macemd"]
    for c in candidates:
        if c and Path(c).exists():
            return str(c)
    raise AssertionError("no macemd executable: run `swift build` (or set MACEMD_BIN)")


def macemd_eval(model_path, atoms, tmp_path, precision="float64", radial="exact"):
    """(input, output): `atoms` as written to the input file (positions rounded to 1e-8 Å) and
    the frame that `macemd eval` writes for it, both read back with ASE."""
    from ase.io import read, write
    src, out = tmp_path / "in.xyz", tmp_path / "out.xyz"
    write(src, atoms, format="extxyz")
    subprocess.run([macemd_tool(), "eval", "--model", model_path, "--precision", precision, "--radial", radial,
                    str(src), "-o", str(out)],
                   check=True, capture_output=True, text=True)
    return read(src, format="extxyz"), read(out, format="extxyz")


def rattled(symbols, size=(2, 2, 2), a=3.6, tilt=False, seed=3, amplitude=0.08):
    """A rattled fcc crystal with `symbols` cycled over its sites; `tilt` makes the cell triclinic."""
    atoms = bulk("Cu", "fcc", a=a, cubic=True).repeat(size)
    atoms.set_chemical_symbols([symbols[i % len(symbols)] for i in range(len(atoms))])
    if tilt:
        shear = np.array([[1, 0, 0], [0.2, 1, 0], [0.1, 0.15, 1.0]])
        atoms.set_cell(atoms.cell.array @ shear, scale_atoms=True)
    atoms.rattle(amplitude, seed=seed)
    return atoms


@pytest.fixture
def copper_atoms():
    return rattled(["Cu"])


@pytest.fixture
def mixed_atoms():
    return rattled(["Cu", "O", "C", "Cu", "H"], tilt=True)
