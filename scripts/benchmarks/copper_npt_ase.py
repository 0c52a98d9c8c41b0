"""Reference lattice constants of fcc Cu under ASE's EMT (the method the example copper model
was trained on) at constant pressure, for the MaceMD copper-npt example.

Runs ASE's IsotropicMTKNPT (Martyna–Tobias–Klein with Nosé–Hoover chains) on the same 256-atom
crystal at each temperature, P = 0, and prints a(T) = (4 <V> / N)^(1/3) over the second half.

    python -m scripts.benchmarks.copper_npt_ase [--steps 5000]
"""
import argparse

import numpy as np
from ase import units
from ase.calculators.emt import EMT
from ase.io import read
from ase.md import IsotropicMTKNPT
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary

from scripts.repo import ROOT


def lattice_constant(temperature: float, steps: int) -> tuple[float, float]:
    atoms = read(ROOT / "examples/copper-npt/cu256.xyz")
    atoms.calc = EMT()
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature, rng=np.random.default_rng(1))
    Stationary(atoms)
    dyn = IsotropicMTKNPT(atoms, timestep=2 * units.fs, temperature_K=temperature, pressure_au=0.0,
                          tdamp=100 * units.fs, pdamp=500 * units.fs)
    volumes = []
    for step in range(steps):
        dyn.run(1)
        if step >= steps // 2:
            volumes.append(atoms.get_volume())
    a = (4 * np.array(volumes) / len(atoms)) ** (1 / 3)
    blocks = np.array_split(a, 10)
    error = np.std([b.mean() for b in blocks]) / np.sqrt(len(blocks) - 1)
    return a.mean(), error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[300.0, 900.0])
    args = parser.parse_args()
    for t in args.temperatures:
        a, err = lattice_constant(t, args.steps)
        print(f"EMT IsotropicMTKNPT  T = {t:.0f} K  a = {a:.4f} ± {err:.4f} Å")


if __name__ == "__main__":
    main()
