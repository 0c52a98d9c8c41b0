#!/usr/bin/env python3
"""The cost of using MaceMD from ASE and LAMMPS, against the macemd tool on the same system.

    VENV/bin/python -m scripts.benchmarks.benchmark_interfaces --venv VENV --model M.safetensors

VENV holds the macemd Python package (scripts/install_python.sh) and LAMMPS with the plugin
(scripts/build_lammps_plugin.sh); the macemd tool is .build/release/macemd. System: fcc Cu,
a = 3.61 Å, 6×6×6 cubic cells (864 atoms), rattled by 0.05 Å. It prints:
  * ASE: seconds per MaceMDCalculator call (energy, forces, stress; positions moved between
    calls so that nothing is cached), after one untimed call;
  * eval: `macemd eval` seconds per frame, (t(K+1 frames) − t(1 frame)) / K, which removes
    start-up and model loading;
  * run: `macemd run` NVE seconds per step, (t(N2 steps) − t(N1 steps)) / (N2 − N1);
  * LAMMPS on 1 and 2 ranks: "Loop time" / steps of an NVE run, and on 2 ranks the mean
    owned and ghost atoms per rank (ghost overhead = nodes evaluated / atoms owned).
Every timing is the best of --repeats."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from ase.build import bulk
from ase.io import write

from scripts.repo import ROOT

sys.path.insert(0, str(ROOT / "tests/lammps"))


def structure(n=6):
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((n, n, n))
    atoms.rattle(0.05, seed=1)
    return atoms


def timed(command, cwd, env=None):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def ase_per_call(model, atoms, calls):
    from macemd import MaceMDCalculator
    atoms = atoms.copy()
    atoms.calc = MaceMDCalculator(model)
    atoms.get_forces()
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(calls):
        atoms.positions += rng.normal(0, 1e-4, atoms.positions.shape)
        atoms.get_potential_energy(); atoms.get_forces(); atoms.get_stress()
    return (time.perf_counter() - start) / calls


def eval_per_frame(tool, model, atoms, frames, work):
    write(work / "one.xyz", atoms)
    write(work / "many.xyz", [atoms] * (frames + 1))
    t1 = timed([tool, "eval", "--model", model, "one.xyz", "-o", "o1.xyz", "--overwrite"], work)
    tk = timed([tool, "eval", "--model", model, "many.xyz", "-o", "ok.xyz", "--overwrite"], work)
    return (tk - t1) / frames


def run_per_step(tool, model, atoms, n1, n2, work):
    write(work / "start.xyz", atoms)
    times = []
    for n in (n1, n2):
        (work / f"run{n}.yaml").write_text(f"structure: start.xyz\nmodel: {model}\nprecision: float64\ntask: md\n"
                                           f"md:\n  ensemble: nve\n  timestep_fs: 2.0\n  steps: {n}\n"
                                           f"output:\n  directory: out{n}\n  stats_every: 1000\n")
        subprocess.run(["rm", "-rf", str(work / f"out{n}")])
        times.append(timed([tool, "run", f"run{n}.yaml"], work))
    return (times[1] - times[0]) / (n2 - n1)


def lammps_per_step(venv, model, atoms, steps, ranks, work):
    from lammps_support import PLUGIN, write_data
    write_data(atoms, work / "data.lmp", ["Cu"])
    (work / "in.lmp").write_text(f"""units metal
atom_style atomic
atom_modify map array
read_data data.lmp
plugin load {PLUGIN}
pair_style macemd precision float64
pair_coeff * * {model} Cu
neighbor 1.0 bin
timestep 0.002
fix nve all nve
thermo {steps}
run {steps}
""")
    env = dict(os.environ, LD_LIBRARY_PATH=f"{venv}/lib")
    out = subprocess.run([f"{venv}/bin/mpirun", "-np", str(ranks), f"{venv}/bin/lmp", "-in", "in.lmp"], cwd=work,
                         env=env, check=True, capture_output=True, text=True).stdout
    loop = float(re.search(r"Loop time of ([0-9.eE+-]+) on", out).group(1))
    nlocal = float(re.search(r"Nlocal:\s+([0-9.]+)", out).group(1))
    nghost = float(re.search(r"Nghost:\s+([0-9.]+)", out).group(1))
    return loop / steps, nlocal, nghost


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--venv", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--tool", default=str(ROOT / ".build/release/macemd"))
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--calls", type=int, default=5)
    p.add_argument("--steps", type=int, default=10)
    a = p.parse_args()
    atoms = structure()
    model = str(Path(a.model).resolve())
    print(f"{len(atoms)} Cu atoms, model {Path(model).name}, load average {os.getloadavg()[0]:.2f} at start, "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        ase = min(ase_per_call(model, atoms, a.calls) for _ in range(a.repeats))
        ev = min(eval_per_frame(a.tool, model, atoms, a.calls, work) for _ in range(a.repeats))
        print(f"ASE calculator  {ase * 1e3:9.1f} ms/call   macemd eval {ev * 1e3:9.1f} ms/frame   "
              f"overhead {100 * (ase / ev - 1):+.1f} %")
        run = min(run_per_step(a.tool, model, atoms, a.steps, 3 * a.steps, work) for _ in range(a.repeats))
        l1 = min((lammps_per_step(a.venv, model, atoms, a.steps, 1, work) for _ in range(a.repeats)), key=lambda r: r[0])
        print(f"LAMMPS 1 rank   {l1[0] * 1e3:9.1f} ms/step   macemd run  {run * 1e3:9.1f} ms/step    "
              f"ratio {l1[0] / run:.3f}   (images folded: {l1[2]:.0f} LAMMPS ghosts, none evaluated)")
        l2 = min((lammps_per_step(a.venv, model, atoms, a.steps, 2, work) for _ in range(a.repeats)), key=lambda r: r[0])
        print(f"LAMMPS 2 ranks  {l2[0] * 1e3:9.1f} ms/step   per rank {l2[1]:.0f} owned + {l2[2]:.0f} ghost atoms: "
              f"{(l2[1] + l2[2]) / l2[1]:.2f}× the owned atoms evaluated")
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
