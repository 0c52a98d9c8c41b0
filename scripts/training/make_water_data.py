#!/usr/bin/env python3
"""GFN2-xTB reference data for liquid water (training data of MaceMD's default model).

Method
1. Sampling: a periodic box of 32 water molecules (0.997 g/cm³) is equilibrated with the
   flexible SPC/Fw force field (scripts/training/spcfw_water.py) under Langevin dynamics at a
   temperature redrawn from 250–400 K every 10 snapshots; snapshots are taken every 100 fs.
2. Each snapshot gets small extra random displacements of the hydrogens (σ ≈ 0.04 Å along
   the bond, 0.07 Å across) to widen the sampled bond and angle range, and a quarter of the
   boxes are scaled isotropically (molecules kept whole) to densities of 0.85–1.15 g/cm³.
3. Energies, forces and stresses are computed with GFN2-xTB (tblite's ASE calculator,
   periodic, electronic temperature 300 K) and appended frame by frame to an extended-XYZ
   file with `energy`, `forces` and `stress`, so an interrupted run keeps finished frames.

Usage:  OMP_NUM_THREADS=1 python -m scripts.training.make_water_data OUTPUT.xyz [--frames N] [--seed S]
Needs:  ASE, SciPy and tblite (scripts/requirements-ase.txt)
Timing: one 96-atom GFN2-xTB single point takes 10–30 s on one core of the 2-core
        development machine (measured while other jobs ran); the committed 255 frames took
        85 minutes. The script appends frame by frame and, rerun with the same arguments,
        skips the frames already in OUTPUT, so it can be stopped and resumed.
"""
import argparse
import os
import time

import numpy as np
from ase import Atoms, units
from ase.build import molecule
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

from scripts.training.spcfw_water import SPCFw

WATER_MASS = 18.015  # g/mol


def random_rotation(rng):
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def water_box(n_molecules, density, rng):
    """Randomly inserted, randomly oriented water molecules at `density` g/cm³.

    A trial molecule is accepted when every atom is at least 2.0 Å (O–O: 2.6 Å) from all
    atoms already placed (minimum image), so the start needs no overlap removal.
    """
    volume = n_molecules * WATER_MASS / (density * 0.602214076)  # Å³
    length = volume ** (1 / 3)
    template = molecule("H2O")
    template.positions -= template.positions[0]
    placed = np.zeros((0, 3))
    symbols = []
    while len(placed) < 3 * n_molecules:
        trial = template.positions @ random_rotation(rng).T + rng.uniform(0, length, 3)
        if len(placed):
            d = trial[:, None, :] - placed[None, :, :]
            d -= length * np.round(d / length)
            r = np.linalg.norm(d, axis=-1)
            if r.min() < 2.0 or r[0, 0::3].min() < 2.6:
                continue
        placed = np.vstack([placed, trial])
        symbols.extend(["O", "H", "H"])
    return Atoms(symbols, positions=placed, cell=[length] * 3, pbc=True)


def classical_snapshots(n_molecules, rng, snapshots_per_temperature=10):
    """Flexible SPC/Fw Langevin MD (0.5 fs steps); after 2 ps of equilibration, yields
    (snapshot, T) every 100 fs. Every `snapshots_per_temperature` snapshots the thermostat
    target is redrawn from 250–400 K and the system re-equilibrates for 0.5 ps.
    """
    atoms = water_box(n_molecules, 0.997, rng)
    atoms.calc = SPCFw()
    temperature = rng.uniform(250, 400)
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature, rng=rng)
    dyn = Langevin(atoms, 0.5 * units.fs, temperature_K=temperature, friction=0.05, rng=rng)
    dyn.run(4000)
    while True:
        for _ in range(snapshots_per_temperature):
            dyn.run(200)
            snap = atoms.copy()
            snap.calc = None
            yield snap, temperature
        temperature = rng.uniform(250, 400)
        dyn.set_temperature(temperature_K=temperature)
        dyn.run(1000)


def distort(atoms, rng, scale_density):
    """Random O–H stretches/bends; optionally rescale the box to another density."""
    atoms = atoms.copy()
    pos = atoms.get_positions()
    for m in range(len(atoms) // 3):
        o = 3 * m
        for h in (o + 1, o + 2):
            bond = pos[h] - pos[o]
            bond = atoms.cell.cartesian_positions(
                atoms.cell.scaled_positions(bond[None])[0][None] - np.round(atoms.cell.scaled_positions(bond[None])[0]))[0]
            r = np.linalg.norm(bond)
            stretched = bond / r * (r + rng.normal(0, 0.04))
            perp = rng.normal(0, 0.07, 3)
            perp -= perp.dot(bond) / r**2 * bond
            pos[h] = pos[o] + stretched + perp
    atoms.set_positions(pos)
    if scale_density is not None:
        current = len(atoms) // 3 * WATER_MASS / (atoms.get_volume() * 0.602214076)
        factor = (current / scale_density) ** (1 / 3)
        # Scale molecule centres (oxygens) but keep intramolecular geometry.
        frac_o = atoms.get_scaled_positions(wrap=False)[0::3]
        new_cell = atoms.cell * factor
        new_pos = atoms.get_positions()
        for m in range(len(atoms) // 3):
            shift = frac_o[m] @ new_cell - new_pos[3 * m]
            new_pos[3 * m:3 * m + 3] += shift
        atoms.set_cell(new_cell)
        atoms.set_positions(new_pos)
    return atoms


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--molecules", type=int, default=32)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from tblite.ase import TBLite

    rng = np.random.default_rng(args.seed)
    done = 0
    if os.path.exists(args.output):
        from ase.io import iread
        done = sum(1 for _ in iread(args.output))
        print(f"{args.output} already has {done} frames; continuing")
    produced = 0
    start = time.time()
    for snap, temperature in classical_snapshots(args.molecules, rng):
        if produced >= args.frames:
            break
        density = rng.uniform(0.85, 1.15) if rng.uniform() < 0.25 else None
        atoms = distort(snap, rng, density)
        produced += 1
        if produced <= done:
            continue   # same seed, same sequence: skip frames already computed
        atoms.calc = TBLite(method="GFN2-xTB", electronic_temperature=300.0, verbosity=0)
        energy = atoms.get_potential_energy()
        forces = atoms.get_forces()
        stress = atoms.get_stress()
        atoms.info["sampling_temperature_K"] = round(float(temperature), 2)
        atoms.info["density_g_cm3"] = round(len(atoms) // 3 * WATER_MASS / (atoms.get_volume() * 0.602214076), 4)
        atoms.calc = SinglePointCalculator(atoms, energy=energy, forces=forces, stress=stress)
        write(args.output, atoms, format="extxyz", append=True)
        print(f"frame {produced}/{args.frames}  E = {energy:.4f} eV  T_sample = {temperature:.0f} K  "
              f"elapsed {time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
