#!/usr/bin/env python3
"""EMT reference data for fcc copper (training data of MaceMD's example Cu model).

Configurations (all with ASE's EMT calculator: energy, forces, stress):
- bulk fcc Cu 2×2×2 conventional cells (32 atoms) at lattice constants 3.45–3.80 Å,
  rattled by σ = 0.02–0.12 Å, plus random shear strains up to 3 %;
- the same with a vacancy (31 atoms);
- (111) and (100) slabs with vacuum (pbc T T F in a periodic box of 12 Å vacuum, stored as
  fully periodic with the vacuum so stress stays defined), rattled;
- snapshots from Langevin MD with EMT at 300–1500 K on the 32-atom cell.

Usage:  python -m scripts.training.make_copper_data OUTPUT.xyz [--seed S]
Needs:  ASE (scripts/requirements-ase.txt)        Timing: under a minute.
"""
import argparse

import numpy as np
from ase import units
from ase.build import bulk, fcc100, fcc111
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution


def labelled(atoms, kind):
    atoms = atoms.copy()
    atoms.calc = EMT()
    e, f, s = atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()
    atoms.calc = SinglePointCalculator(atoms, energy=e, forces=f, stress=s)
    atoms.info["config_type"] = kind
    return atoms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=29)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    frames = []
    for _ in range(120):
        a = rng.uniform(3.45, 3.80)
        atoms = bulk("Cu", "fcc", a=a, cubic=True).repeat((2, 2, 2))
        strain = np.eye(3) + rng.uniform(-0.03, 0.03, (3, 3)) * (rng.uniform() < 0.5)
        atoms.set_cell(atoms.cell @ (0.5 * (strain + strain.T)), scale_atoms=True)
        atoms.rattle(stdev=rng.uniform(0.02, 0.12), seed=int(rng.integers(1 << 30)))
        if rng.uniform() < 0.3:
            del atoms[int(rng.integers(len(atoms)))]
            frames.append(labelled(atoms, "vacancy"))
        else:
            frames.append(labelled(atoms, "bulk"))
    for _ in range(40):
        builder = fcc111 if rng.uniform() < 0.5 else fcc100
        slab = builder("Cu", size=(2, 2, 4), a=rng.uniform(3.55, 3.68), vacuum=6.0)
        slab.pbc = True
        slab.rattle(stdev=rng.uniform(0.02, 0.1), seed=int(rng.integers(1 << 30)))
        frames.append(labelled(slab, "surface"))
    for temperature in (300, 600, 900, 1200, 1500):
        atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 2))
        atoms.calc = EMT()
        MaxwellBoltzmannDistribution(atoms, temperature_K=temperature, rng=rng)
        dyn = Langevin(atoms, 2 * units.fs, temperature_K=temperature, friction=0.02, rng=rng)
        for _ in range(16):
            dyn.run(25)
            frames.append(labelled(atoms, f"md_{temperature}K"))
    write(args.output, frames, format="extxyz")
    print(f"{len(frames)} frames -> {args.output}")


if __name__ == "__main__":
    main()
