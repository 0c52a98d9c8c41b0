"""Helpers for the LAMMPS tests: structures as LAMMPS data files, running lmp under mpirun,
reading back energy, per-atom forces and energies, and the pressure tensor."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python/tests"))
from conftest import macemd_eval, macemd_tool, model, rattled  # noqa: E402,F401

PLUGIN = ROOT / "lammps/build/macemdplugin.so"
# LAMMPS metal units: pressure in bar, nktv2p = 1.6021765e6 bar per eV/Å³ (src/update.cpp).
NKTV2P_METAL = 1.6021765e6


def venv():
    path = os.environ.get("MACEMD_LAMMPS_VENV")
    assert path, "set MACEMD_LAMMPS_VENV to the venv of scripts/build_lammps_plugin.sh"
    return Path(path)


def write_data(atoms, path, elements):
    """A LAMMPS data file (atom_style atomic) of `atoms`, whose cell must already be in LAMMPS's
    lower-triangular form (a along x, b in the xy plane); types follow `elements`."""
    h = atoms.cell.array.tolist()
    assert abs(h[0][1]) + abs(h[0][2]) + abs(h[1][2]) == 0, "cell not in LAMMPS form"
    lines = ["MaceMD test structure", "", f"{len(atoms)} atoms", f"{len(elements)} atom types", "",
             f"0 {h[0][0]!r} xlo xhi", f"0 {h[1][1]!r} ylo yhi", f"0 {h[2][2]!r} zlo zhi",
             f"{h[1][0]!r} {h[2][0]!r} {h[2][1]!r} xy xz yz", "", "Masses", ""]
    from ase.data import atomic_masses, atomic_numbers
    lines += [f"{t + 1} {float(atomic_masses[atomic_numbers[e]])!r}" for t, e in enumerate(elements)]
    lines += ["", "Atoms # atomic", ""]
    for i, (s, x) in enumerate(zip(atoms.get_chemical_symbols(), atoms.positions.tolist())):
        lines.append(f"{i + 1} {elements.index(s) + 1} {x[0]!r} {x[1]!r} {x[2]!r}")
    Path(path).write_text("\n".join(lines) + "\n")


def run_lammps(input_text, workdir, ranks=1, timeout=900):
    """Runs `mpirun -np ranks lmp -in in.lmp` of the venv in `workdir`; returns the log text."""
    workdir = Path(workdir)
    (workdir / "in.lmp").write_text(input_text)
    v = venv()
    env = dict(os.environ, LD_LIBRARY_PATH=f"{v}/lib:" + os.environ.get("LD_LIBRARY_PATH", ""))
    command = [str(v / "bin/mpirun"), "-np", str(ranks), str(v / "bin/lmp"), "-in", "in.lmp", "-log", "log.lammps"]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def single_point_input(model_path, elements, precision="float64", extra=""):
    return f"""units metal
atom_style atomic
atom_modify map array
boundary p p p
read_data data.lmp
plugin load {PLUGIN}
pair_style macemd precision {precision}
pair_coeff * * {model_path} {' '.join(elements)}
{extra}
compute pe_atom all pe/atom
dump d all custom 1 forces.dump id fx fy fz c_pe_atom
dump_modify d sort id format float %.17g
thermo_style custom step pe press pxx pyy pzz pxy pxz pyz
thermo_modify format float %.17g
run 0
"""


def read_thermo(log, columns):
    """The rows of the thermo table whose header starts with 'Step' (as float arrays)."""
    lines = log.splitlines()
    start = next(i for i, l in enumerate(lines) if l.split()[:1] == ["Step"])
    header = lines[start].split()
    rows = []
    for l in lines[start + 1:]:
        parts = l.split()
        if not parts or not parts[0].lstrip("-").isdigit():
            break
        rows.append([float(p) for p in parts])
    table = np.array(rows)
    return {c: table[:, header.index(c)] for c in columns}


def read_dump(path):
    """Forces (N×3) and per-atom energies (N) from the last frame of forces.dump, sorted by id."""
    lines = Path(path).read_text().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith("ITEM: ATOMS"))
    data = np.array([[float(x) for x in l.split()] for l in lines[start + 1:]])
    return data[:, 1:4], data[:, 4]
