"""A 1000-step NVE run of pair_style macemd on 2 MPI ranks, with neighbour-list rebuilds,
conserves the total energy as well as `macemd run` NVE does from the same start."""
import os
import re
import subprocess

import numpy as np
from ase import units
from ase.io import write
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary

from lammps_support import PLUGIN, macemd_tool, model, rattled, run_lammps, write_data

# MACEMD_NVE_STEPS shortens the run (CI on two cores runs 200 steps; 1000 take ~15 min there).
STEPS, TIMESTEP_FS, EVERY = int(os.environ.get("MACEMD_NVE_STEPS", "1000")), 2.0, 10


def start():
    atoms = rattled(["Cu"], size=(3, 3, 3), tilt=True)
    MaxwellBoltzmannDistribution(atoms, temperature_K=600, rng=np.random.default_rng(5), force_temp=True)
    Stationary(atoms)
    return atoms


def lammps_total_energy(atoms, tmp_path):
    write_data(atoms, tmp_path / "data.lmp", ["Cu"])
    velocities = atoms.get_velocities() * 1000 * units.fs    # Å/fs·1000 = Å/ps (metal)
    with open(tmp_path / "data.lmp", "a") as f:
        f.write("\nVelocities\n\n" + "".join(f"{i + 1} {v[0]!r} {v[1]!r} {v[2]!r}\n" for i, v in enumerate(velocities.tolist())))
    text = f"""units metal
atom_style atomic
atom_modify map array
boundary p p p
read_data data.lmp
plugin load {PLUGIN}
pair_style macemd precision float64
pair_coeff * * {model("copper")} Cu
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
timestep {TIMESTEP_FS / 1000}
fix nve all nve
thermo_style custom step pe ke etotal
thermo_modify format float %.12f norm no
thermo {EVERY}
run {STEPS}
"""
    log = run_lammps(text, tmp_path, ranks=2)
    rows = [l.split() for l in log.splitlines()]
    etot = [float(r[3]) for r in rows if len(r) == 4 and r[0].isdigit() and "." in r[3]]
    builds = int(re.search(r"Neighbor list builds = (\d+)", log).group(1))
    return np.array(etot), builds


def macemd_total_energy(atoms, tmp_path):
    write(tmp_path / "start.xyz", atoms, format="extxyz")
    (tmp_path / "run.yaml").write_text(f"""structure: start.xyz
model: {model("copper")}
precision: float64
task: md
md:
  ensemble: nve
  timestep_fs: {TIMESTEP_FS}
  steps: {STEPS}
output:
  directory: out
  stats_every: {EVERY}
""")
    subprocess.run([macemd_tool(), "run", "run.yaml"], cwd=tmp_path, check=True, capture_output=True, text=True)
    lines = (tmp_path / "out/stats.log").read_text().splitlines()
    header = lines[0].lstrip("#").split()
    column = header.index("etot_eV")
    return np.array([float(l.split()[column]) for l in lines[1:] if l.strip() and not l.startswith("#")])


def test_nve_conserves_energy_like_macemd_run(tmp_path):
    atoms = start()
    (tmp_path / "lammps").mkdir()
    (tmp_path / "macemd").mkdir()
    lammps, builds = lammps_total_energy(atoms, tmp_path / "lammps")
    macemd = macemd_total_energy(atoms, tmp_path / "macemd")
    assert len(lammps) == STEPS // EVERY + 1 and len(macemd) == STEPS // EVERY + 1, (len(lammps), len(macemd))
    assert builds >= 5, f"only {builds} neighbour-list builds"
    # Same start, same integrator: the same initial total energy, and drifts of the same size.
    assert abs(lammps[0] - macemd[0]) <= 1e-6, (lammps[0], macemd[0])
    drift_lammps, drift_macemd = np.abs(lammps - lammps[0]).max(), np.abs(macemd - macemd[0]).max()
    print(f"max |E_tot - E_tot(0)| over {STEPS} steps: LAMMPS {drift_lammps:.2e} eV, macemd run {drift_macemd:.2e} eV; "
          f"{builds} neighbour-list builds")
    assert drift_lammps <= 2 * drift_macemd + 1e-4, (drift_lammps, drift_macemd)
    assert drift_lammps <= 1e-3 * len(atoms), drift_lammps
