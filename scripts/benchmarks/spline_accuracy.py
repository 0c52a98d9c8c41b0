#!/usr/bin/env python3
"""Force error and speed of MaceMD's fast radial mode (`radial: spline`) against mace-torch.

For each model (a pickled mace-torch model and its converted .safetensors, e.g. the
realistic-force models that scripts/benchmarks/benchmark_mace.py caches: every parameter
perturbed, interaction scale 25, max|F| ~ 0.6 eV/A on rattled Cu) and one structure:
  * mace-torch float64 energy and forces (MACECalculator, default dtype float64);
  * `macemd eval` with --radial exact and --radial spline, float64 and float32;
and prints, per MaceMD mode, max|dF| (eV/A), max|dF| / max|F| and |dE| per atom against
mace-torch float64, plus the wall time of each `macemd eval` (one frame: it includes the
model load and neighbour list; use `macemd-bench mace --radial spline` for the evaluation
alone).

Usage (mace-torch environment; build first: swift build -c release --product macemd):
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 python -m scripts.benchmarks.spline_accuracy \\
        --model CACHE/mp0_like_small_v2.model --converted CACHE/mp0_like_small_v2.safetensors \\
        --structure CACHE/cu_6x6x6.xyz [--macemd .build/release/macemd] [--precisions float64,float32]
        [--reference REF.npz]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def torch_reference(model: str, structure: str) -> tuple[float, np.ndarray]:
    """mace-torch float64 energy (eV) and forces (eV/A)."""
    import ase.io
    from mace.calculators import MACECalculator
    atoms = ase.io.read(structure)
    atoms.calc = MACECalculator(model_paths=model, device="cpu", default_dtype="float64")
    return atoms.get_potential_energy(), atoms.get_forces()


def macemd_eval(binary: str, converted: str, structure: str, precision: str, radial: str) -> dict:
    """Energy, forces and wall time of one `macemd eval` run."""
    import ase.io
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.xyz")
        start = time.perf_counter()
        subprocess.run([binary, "eval", "--model", converted, "--precision", precision, "--radial", radial,
                        structure, "-o", out], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        atoms = ase.io.read(out)
        return {"energy": atoms.get_potential_energy(), "forces": atoms.get_forces(), "wall_s": wall,
                "radial_recorded": atoms.info.get("radial")}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="pickled mace-torch model")
    p.add_argument("--converted", required=True, help="the same model converted for MaceMD")
    p.add_argument("--structure", required=True)
    p.add_argument("--macemd", default=".build/release/macemd")
    p.add_argument("--precisions", default="float64,float32")
    p.add_argument("--reference", help="an .npz file holding the mace-torch result (written when missing)")
    args = p.parse_args(argv)
    if args.reference and os.path.exists(args.reference):
        saved = np.load(args.reference)
        e_ref, f_ref = float(saved["energy"]), saved["forces"]
    else:
        e_ref, f_ref = torch_reference(args.model, args.structure)
        if args.reference:
            np.savez(args.reference, energy=e_ref, forces=f_ref)
    n = len(f_ref)
    fmax = float(np.linalg.norm(f_ref, axis=1).max())
    rows = []
    for precision in args.precisions.split(","):
        for radial in ("exact", "spline"):
            r = macemd_eval(args.macemd, args.converted, args.structure, precision, radial)
            df = float(np.linalg.norm(r["forces"] - f_ref, axis=1).max())
            rows.append({"precision": precision, "radial": radial, "recorded": r["radial_recorded"],
                         "max_dF": df, "max_dF_over_max_F": df / fmax,
                         "dE_per_atom": abs(r["energy"] - e_ref) / n, "eval_wall_s": r["wall_s"]})
    print(f"model {os.path.basename(args.converted)}, {n} atoms, max|F| {fmax:.4f} eV/A (mace-torch float64)")
    print("| precision | radial | max abs dF (eV/A) | max abs dF / max abs F | abs dE per atom (eV) | macemd eval wall (s) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['precision']} | {r['radial']} | {r['max_dF']:.2e} | {r['max_dF_over_max_F']:.2e} "
              f"| {r['dE_per_atom']:.2e} | {r['eval_wall_s']:.2f} |")
    print(json.dumps({"max_force": fmax, "atoms": n, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
