#!/usr/bin/env python3
"""Reference neighbour lists from ASE for MDNeighborsTests.

Writes Tests/MDNeighborsTests/Resources/ase_neighbor_lists.json: a list of cases, each
with the structure (atomic numbers, positions in Å, cell rows in Å, pbc), the cutoff
(Å) and ASE's `neighbor_list('ijS', atoms, cutoff)` as rows [i, j, S0, S1, S2].

Cases cover cubic and strongly skewed triclinic cells, cells smaller than the cutoff,
slabs (T T F), wires (F F T, T F F), molecules (no cell) and non-periodic clusters in a
cell. Positions include atoms outside the cell, so unwrapped positions are exercised.

Needs: pip install ase numpy.  Usage: python3 scripts/make_neighbor_fixtures.py
"""
import json
import os

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

rng = np.random.default_rng(20261121)
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "MDNeighborsTests",
                   "Resources", "ase_neighbor_lists.json")


def random_cell(kind):
    if kind == "cubic":
        return np.eye(3) * rng.uniform(6.0, 9.0)
    if kind == "orthorhombic":
        return np.diag(rng.uniform(5.0, 10.0, 3))
    if kind == "triclinic":
        m = np.diag(rng.uniform(6.0, 9.0, 3))
        m[1, 0] = rng.uniform(-3, 3)
        m[2, 0:2] = rng.uniform(-3, 3, 2)
        return m
    if kind == "skewed":
        # Strongly sheared: off-diagonal terms comparable to the diagonal.
        m = np.diag(rng.uniform(5.0, 7.0, 3))
        m[1, 0] = rng.uniform(4, 6) * rng.choice([-1, 1])
        m[2, 0] = rng.uniform(3, 5) * rng.choice([-1, 1])
        m[2, 1] = rng.uniform(3, 5) * rng.choice([-1, 1])
        return m
    if kind == "small":
        # Every face height below the cutoff: many images of every atom.
        m = np.diag(rng.uniform(2.0, 3.2, 3))
        m[1, 0] = rng.uniform(-1, 1)
        m[2, 0:2] = rng.uniform(-1, 1, 2)
        return m
    if kind == "small_skewed":
        m = np.diag(rng.uniform(2.5, 3.5, 3))
        m[1, 0] = 2.0
        m[2, 0] = -1.5
        m[2, 1] = 2.2
        return m
    raise ValueError(kind)


def case(name, cell, pbc, n_atoms, cutoff, spread=1.2, zero_cell_axes=()):
    cell = np.array(cell, dtype=float)
    frac = rng.uniform(-0.2, spread, (n_atoms, 3))
    positions = frac @ cell if np.linalg.det(cell) != 0 else rng.uniform(-4, 4, (n_atoms, 3))
    for axis in zero_cell_axes:
        cell[axis] = 0.0
    numbers = rng.integers(1, 30, n_atoms)
    atoms = Atoms(numbers=numbers, positions=positions, cell=cell, pbc=pbc)
    i, j, S = neighbor_list("ijS", atoms, cutoff)
    pairs = np.column_stack([i, j, S]).astype(int)
    pairs = pairs[np.lexsort((pairs[:, 4], pairs[:, 3], pairs[:, 2], pairs[:, 1], pairs[:, 0]))]
    return {
        "name": name,
        "numbers": [int(z) for z in numbers],
        "positions": np.round(positions, 12).tolist(),
        "cell": cell.tolist(),
        "pbc": [bool(p) for p in pbc],
        "cutoff": cutoff,
        "pairs": pairs.tolist(),
    }


cases = []
for k in range(4):
    cases.append(case(f"cubic_{k}", random_cell("cubic"), [True] * 3, 24, rng.uniform(3.0, 4.5)))
for k in range(3):
    cases.append(case(f"orthorhombic_{k}", random_cell("orthorhombic"), [True] * 3, 20, rng.uniform(3.0, 4.5)))
for k in range(4):
    cases.append(case(f"triclinic_{k}", random_cell("triclinic"), [True] * 3, 20, rng.uniform(3.0, 4.5)))
for k in range(4):
    cases.append(case(f"skewed_{k}", random_cell("skewed"), [True] * 3, 16, rng.uniform(3.0, 5.0)))
for k in range(3):
    cases.append(case(f"small_cell_{k}", random_cell("small"), [True] * 3, 3, rng.uniform(4.0, 6.0)))
for k in range(2):
    cases.append(case(f"small_skewed_{k}", random_cell("small_skewed"), [True] * 3, 2, 5.5))
cases.append(case("single_atom_tiny_cell", np.eye(3) * 1.7, [True] * 3, 1, 4.0))
for k in range(3):
    cases.append(case(f"slab_{k}", random_cell("triclinic"), [True, True, False], 18, rng.uniform(3.0, 4.5),
                      spread=1.6))
cases.append(case("slab_small_cell", random_cell("small"), [True, True, False], 4, 5.0, spread=2.5))
cases.append(case("slab_zero_c_vector", random_cell("orthorhombic"), [True, True, False], 12, 4.0,
                  zero_cell_axes=(2,)))
for k in range(2):
    cases.append(case(f"wire_c_{k}", random_cell("triclinic"), [False, False, True], 14, rng.uniform(3.0, 4.5),
                      spread=1.8))
cases.append(case("wire_a_small", random_cell("small"), [True, False, False], 5, 4.5, spread=2.0))
for k in range(3):
    cases.append(case(f"molecule_{k}", np.zeros((3, 3)), [False] * 3, 15, rng.uniform(2.0, 4.0)))
cases.append(case("cluster_in_cell", random_cell("cubic"), [False] * 3, 20, 3.5, spread=1.5))
cases.append(case("dense_cubic", np.eye(3) * 7.0, [True] * 3, 48, 3.0))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "ase.neighborlist.neighbor_list('ijS')", "cases": cases}, f, separators=(",", ":"))
print(f"{len(cases)} cases, {sum(len(c['pairs']) for c in cases)} pairs -> {os.path.normpath(OUT)}")
