#!/usr/bin/env python3
"""Extended XYZ (and VASP POSCAR) fixtures for MDIOTests, written and read back with ASE.

    python scripts/make_extxyz_fixtures.py            # writes Tests/MDIOTests/Resources/extxyz/
                                                      # and Tests/MDIOTests/Resources/poscar/
    python scripts/make_extxyz_fixtures.py --check DIR  # reads DIR/*.xyz written by MaceMD with
                                                      # ASE and compares with the fixture JSON

For every fixture NAME this writes NAME.xyz (with ase.io.write, format extxyz) and NAME.json,
a dump of what ase.io.read(NAME.xyz, ':') gives: per frame the atomic numbers, positions (Å),
cell rows (Å), pbc, masses (amu), velocities (Å/fs, from ASE's momenta), info (typed values),
extra per-atom arrays (typed), and the SinglePointCalculator's energy (eV), forces (eV/Å) and
stress (Voigt 6, eV/Å³), and the indices fixed by FixAtoms (ASE's move_mask column).
POSCAR fixtures (ase.io.write format vasp, plus hand-written ones) get NAME.json the same way.

In --check mode the Swift test `ExtXYZFixtureTests/writeThenReadGivesTheSameValues` has
written, for every fixture, NAME.xyz with MaceMD's writer into DIR:
    MACEMD_EXTXYZ_OUT=DIR swift test --filter writeThenReadGivesTheSameValues The script reads each with ASE and compares with the fixture's JSON.
Run with the reference venv: /work/main/.venv-ref/bin/python.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
from ase import Atoms, units
from ase.build import bulk, molecule
from ase.calculators.singlepoint import SinglePointCalculator
from ase.constraints import FixAtoms
from ase.io import read, write

OUT = Path(__file__).resolve().parent.parent / "Tests" / "MDIOTests" / "Resources" / "extxyz"


def typed(value):
    """A JSON-able {type, value} record for an info or array value as ASE holds it."""
    if isinstance(value, (bool, np.bool_)):
        return {"type": "bool", "value": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"type": "int", "value": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"type": "float", "value": float(value)}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, list) and all(isinstance(v, (bool, np.bool_)) for v in value):
        return {"type": "bool_array", "value": [bool(v) for v in value]}
    if isinstance(value, np.ndarray):
        kind = {"b": "bool", "i": "int", "f": "float", "U": "str", "O": "str", "S": "str"}[value.dtype.kind]
        if value.ndim == 2 and value.shape == (3, 3) and kind in ("int", "float"):
            return {"type": "matrix", "value": value.astype(float).tolist()}
        shape = "array" if value.ndim == 1 else "array2"
        return {"type": f"{kind}_{shape}", "value": value.tolist()}
    return {"type": "json", "value": value}


def dump(frames):
    out = []
    for atoms in frames:
        frame = {
            "numbers": atoms.numbers.tolist(),
            "positions": atoms.positions.tolist(),
            "cell": atoms.cell.array.tolist(),
            "pbc": [bool(p) for p in atoms.pbc],
            "masses": atoms.get_masses().tolist(),
            "velocities": (atoms.get_velocities() * units.fs).tolist() if atoms.has("momenta") else None,
            "info": [[k, typed(v)] for k, v in atoms.info.items()],
            "arrays": [[k, typed(v)] for k, v in atoms.arrays.items()
                       if k not in ("numbers", "positions", "momenta", "masses")],
            "energy": None, "forces": None, "stress": None,
            "fixed": sorted(int(i) for c in atoms.constraints if isinstance(c, FixAtoms) for i in c.index) or None,
        }
        if atoms.calc is not None:
            results = atoms.calc.results
            frame["energy"] = float(results["energy"]) if "energy" in results else None
            frame["forces"] = results["forces"].tolist() if "forces" in results else None
            frame["stress"] = results["stress"].tolist() if "stress" in results else None
        out.append(frame)
    return out


def fixtures():
    """name -> list of Atoms."""
    rng = np.random.default_rng(7)
    out = {}

    si = bulk("Si", "diamond", a=5.43, cubic=True)
    si.positions += rng.normal(0, 0.05, si.positions.shape)
    out["periodic_cubic"] = [si]

    tri = Atoms("CuAuO", scaled_positions=[[0.1, 0.2, 0.3], [0.6, 0.5, 0.4], [0.9, 0.8, 0.05]],
                cell=[[4.1, 0.0, 0.0], [1.3, 3.9, 0.0], [-0.7, 0.9, 5.2]], pbc=True)
    out["triclinic"] = [tri]

    rot = Atoms("NaCl", positions=[[0.3, 0.2, 0.1], [1.9, 2.1, 1.7]],
                cell=[[3.0, 1.0, 0.5], [-0.4, 3.2, 0.8], [0.6, -0.3, 4.0]], pbc=True)
    out["rotated_cell"] = [rot]

    slab = Atoms("Pt4", positions=[[0, 0, 10], [1.4, 1.4, 10], [0, 1.4, 11.9], [1.4, 0, 11.9]],
                 cell=[2.8, 2.8, 22.0], pbc=[True, True, False])
    slab.info["surface"] = "Pt(100)"
    out["mixed_pbc"] = [slab]

    water = molecule("H2O")
    out["molecule"] = [water]

    frames = []
    for k in range(4):
        a = bulk("Ar", "fcc", a=5.26, cubic=True)
        a.positions += rng.normal(0, 0.1, a.positions.shape)
        a.cell[0, 1] = 0.05 * k
        a.info["step"] = 10 * k
        a.info["time"] = 2.5 * k
        frames.append(a)
    out["multi_frame"] = frames

    info = molecule("CH4")
    info.info.update({
        "int_value": 42, "negative": -7, "float_value": 3.25, "small": 1.5e-9, "big": 6.02e23,
        "flag_true": True, "flag_false": False, "name": "methane",
        "vector": np.array([1.5, -2.0, 3.25]), "ints": np.array([1, 2, 3, 4]),
        "bools": np.array([True, False, True]),
        "virial": np.array([[1.0, 0.2, 0.3], [0.2, 2.0, 0.5], [0.3, 0.5, 3.0]]),
    })
    out["info_values"] = [info]

    quoted = molecule("NH3")
    quoted.info["title"] = "ammonia in a box"
    quoted.info["path"] = 'say "hello" {now}'
    quoted.info["bracket"] = "[x]"
    out["quoted_strings"] = [quoted]

    arrays = bulk("NaCl", "rocksalt", a=5.64, cubic=True)
    n = len(arrays)
    arrays.new_array("tags_int", np.arange(n, dtype=int) * 3 - 4)
    arrays.new_array("weights", rng.normal(0, 1, n))
    arrays.new_array("dipoles", rng.normal(0, 1, (n, 3)))
    arrays.new_array("label", np.array([f"s{i}" for i in range(n)]))
    arrays.new_array("selected", np.array([i % 3 == 0 for i in range(n)]))
    arrays.new_array("flags3", rng.random((n, 3)) > 0.5)
    out["extra_arrays"] = [arrays]

    moving = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 1, 1))
    moving.set_velocities(rng.normal(0, 0.01, (len(moving), 3)) / units.fs)
    out["velocities"] = [moving]

    heavy = molecule("CO2")
    heavy.set_masses([12.0, 18.0, 16.0])
    heavy.set_velocities(rng.normal(0, 0.02, (3, 3)) / units.fs)
    out["custom_masses"] = [heavy]

    calc_frames = []
    for k in range(2):
        c = bulk("Al", "fcc", a=4.05, cubic=True)
        c.positions += rng.normal(0, 0.05, c.positions.shape)
        stress = rng.normal(0, 0.01, 6)
        c.calc = SinglePointCalculator(c, energy=-13.5 + 0.1 * k, forces=rng.normal(0, 0.5, (4, 3)),
                                       stress=stress)
        calc_frames.append(c)
    out["calculator"] = calc_frames

    fixed = bulk("Cu", "fcc", a=3.61, cubic=True)
    fixed.set_constraint(FixAtoms(indices=[0, 2]))
    out["fixed_atoms"] = [fixed]

    mol_calc = molecule("H2O")
    mol_calc.calc = SinglePointCalculator(mol_calc, energy=-14.2, forces=rng.normal(0, 1, (3, 3)))
    out["molecule_calculator"] = [mol_calc]
    return out


# Files written by hand in the spellings ASE and libextxyz accept but ASE does not write itself:
# bare keys, braces and brackets, comma-separated arrays, escaped quotes, lower-case species,
# a Z column instead of species, True/False spellings, a plain XYZ comment.
HANDWRITTEN = {
    "handwritten_keys": (
        "3\n"
        'Lattice={5.0 0 0 0 6.0 0 0.5 0 7.0} Properties=species:S:1:pos:R:3:Z:I:1 converged '
        'label="a \\"quoted\\" word" arr=[1,2,3] farr=[1.5, 2, 3] mixed="1 2.5" '
        'flags="True false TRUE" json="_JSON [\\"x\\", \\"y\\"]" empty_ok=T '
        "temperature = 300.5 pbc=[T, T, T]\n"
        "o 0.0 0.0 0.0 8\n"
        "H 0.9 0.1 0.0 1\n"
        "h -0.2 0.95 0.05 1\n"
    ),
    "plain_xyz": (
        "2\n"
        "two atoms\n"
        "He 0 0 0\n"
        "Ne 1.5 0 0\n"
    ),
}


POSCAR_OUT = OUT.parent / "poscar"

# Hand-written VASP files: negative scale (a volume), three scale factors, Cartesian with a
# scale, POTCAR-style names.
POSCAR_HANDWRITTEN = {
    "POSCAR_volume_scale": (
        "volume given as a negative scale\n"
        "-64.0\n"
        "  2.0 0.0 0.0\n  0.0 2.0 0.0\n  0.0 0.0 2.0\n"
        "Si\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n"
    ),
    "POSCAR_cartesian_scaled": (
        "cartesian with scale 2\n"
        "2.0\n"
        "  2.0 0.0 0.0\n  0.5 2.0 0.0\n  0.0 0.0 2.5\n"
        "Ga_d As/4a5b\n1 1\nCartesian\n0 0 0\n1.0 1.0 1.2\n"
    ),
}


def make_poscar():
    """POSCAR fixtures (ase.io.write format vasp) and the JSON of what ASE reads."""
    POSCAR_OUT.mkdir(parents=True, exist_ok=True)
    tri = Atoms("CuAuO", scaled_positions=[[0.1, 0.2, 0.3], [0.6, 0.5, 0.4], [0.9, 0.8, 0.05]],
                cell=[[4.1, 0.0, 0.0], [1.3, 3.9, 0.0], [-0.7, 0.9, 5.2]], pbc=True)
    write(POSCAR_OUT / "POSCAR_direct", tri, format="vasp", direct=True)
    write(POSCAR_OUT / "POSCAR_cartesian", tri, format="vasp", direct=False)
    sel = bulk("Cu", "fcc", a=3.61, cubic=True)
    sel.set_constraint(FixAtoms(indices=[1, 3]))
    write(POSCAR_OUT / "CONTCAR_selective", sel, format="vasp", direct=True)
    for name, text in POSCAR_HANDWRITTEN.items():
        (POSCAR_OUT / name).write_text(text)
    for path in sorted(POSCAR_OUT.iterdir()):
        if path.suffix == ".json":
            continue
        atoms = read(path, format="vasp")
        (POSCAR_OUT / f"{path.name}.json").write_text(json.dumps({"name": path.name, "frames": dump([atoms])}, indent=1) + "\n")
        print(f"wrote poscar/{path.name}")


def make():
    make_poscar()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in HANDWRITTEN.items():
        path = OUT / f"{name}.xyz"
        path.write_text(text)
        back = read(path, ":", format="extxyz")
        (OUT / f"{name}.json").write_text(json.dumps({"name": name, "frames": dump(back)}, indent=1) + "\n")
        print(f"wrote {path.name} (hand-written)")
    for name, frames in fixtures().items():
        path = OUT / f"{name}.xyz"
        write(path, frames, format="extxyz")
        back = read(path, ":", format="extxyz")
        (OUT / f"{name}.json").write_text(json.dumps({"name": name, "frames": dump(back)}, indent=1) + "\n")
        print(f"wrote {path.relative_to(OUT.parent.parent.parent.parent)} ({len(frames)} frames)")


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=tol, rtol=0)


def same_typed(a, b, tol):
    if a["type"] != b["type"]:
        return False
    if a["type"] in ("float", "float_array", "float_array2", "matrix"):
        return close(a["value"], b["value"], tol)
    return a["value"] == b["value"]


def check(directory):
    """Reads MaceMD-written files with ASE and compares with the fixture JSON."""
    directory = Path(directory)
    failures = 0
    files = sorted(OUT.glob("*.json"))
    print(f"{'fixture':24s} {'frames':>6s}  result")
    for ref_path in files:
        name = ref_path.stem
        ours = directory / f"{name}.xyz"
        if not ours.exists():
            print(f"{name:24s} {'-':>6s}  MISSING {ours}")
            failures += 1
            continue
        ref = json.loads(ref_path.read_text())["frames"]
        got = dump(read(ours, ":", format="extxyz"))
        problems = []
        if len(ref) != len(got):
            problems.append(f"{len(got)} frames, expected {len(ref)}")
        for k, (r, g) in enumerate(zip(ref, got)):
            for key, tol in (("positions", 1e-7), ("cell", 1e-12), ("masses", 1e-12),
                             ("velocities", 1e-7), ("forces", 1e-7), ("stress", 1e-12),
                             ("energy", 1e-12)):
                if not close(r[key], g[key], tol):
                    problems.append(f"frame {k}: {key} differs")
            for key in ("numbers", "pbc", "fixed"):
                if r[key] != g[key]:
                    problems.append(f"frame {k}: {key} differs")
            for part in ("info", "arrays"):
                rd, gd = dict((k2, v) for k2, v in r[part]), dict((k2, v) for k2, v in g[part])
                if set(rd) != set(gd):
                    problems.append(f"frame {k}: {part} keys {sorted(gd)} != {sorted(rd)}")
                    continue
                for key in rd:
                    if not same_typed(rd[key], gd[key], 1e-7):
                        problems.append(f"frame {k}: {part}[{key}] {gd[key]} != {rd[key]}")
        status = "ok" if not problems else "FAIL: " + "; ".join(problems[:4])
        failures += bool(problems)
        print(f"{name:24s} {len(got):6d}  {status}")
    print(f"{len(files) - failures}/{len(files)} fixtures read back by ASE {ase_version()} as expected")
    return 1 if failures else 0


def ase_version():
    import ase
    return ase.__version__


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="DIR", help="read MaceMD-written DIR/*.xyz with ASE and compare")
    args = parser.parse_args()
    sys.exit(check(args.check) if args.check else make())
