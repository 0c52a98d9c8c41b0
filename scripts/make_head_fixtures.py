#!/usr/bin/env python3
"""Two tiny multi-head mace-torch models and their per-head reference energies, for the
head-selection tests of MaceMD (convert -> eval and run use the head chosen at conversion,
a run-file `head:` or `--head` overrides it).

Models (H and O only, max_ell 1, correlation 2, 4x0e hidden: a few tens of KB each):
  heads_ft         heads ["default", "pt_head"]  (a fine-tuned model as mace_run_train
                   writes it), converted with `--head pt_head`
  heads_omat_pbe   heads ["omat", "pbe"] (no head named "default"), converted with
                   `--head pbe`
Both heads of a model share every layer; they differ in the readout columns, E0 and
scale/shift, so their energies differ by hundreds of meV.

For each model the script
  1. builds it with mace.modules.ScaleShiftMACE (fixed seeds), perturbs every parameter as
     scripts/make_mace_fixtures.py does, saves it pickled (as mace_run_train does);
  2. converts it with scripts/mace_convert.py (subprocess, `--head` as above; the same
     script `macemd convert` runs);
  3. evaluates `heads_water.xyz` (two frames of four water molecules in a periodic 6.2 A box)
     with mace-torch's `MACECalculator(model_paths=..., head=H, default_dtype="float64")`
     for EVERY head H;
and writes to Tests/MACETests/Resources/:
  heads_ft.safetensors, heads_omat_pbe.safetensors    converted models
  heads_water.xyz                                     the structures (extended XYZ)
  heads.reference.json  {"frames": [{numbers, positions, cell}], "models": {model: {"converted_head", "heads", "energies": {head: [E per frame]},
                         "forces": {head: [[[fx, fy, fz] per atom] per frame]}}}}, versions

Usage (about a minute on the shared 2-core machine):
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /work/venv-ref/bin/python scripts/make_head_fixtures.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

with contextlib.redirect_stdout(io.StringIO()):
    import ase.io  # noqa: E402
    from ase import Atoms  # noqa: E402
    from e3nn import o3  # noqa: E402
    from mace.calculators import MACECalculator  # noqa: E402
    from mace.modules import blocks, models  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_mace_fixtures import perturb, versions  # noqa: E402

OUT_DIR = os.path.join(HERE, "..", "Tests", "MACETests", "Resources")
ELEMENTS = [1, 8]
torch.set_default_dtype(torch.float64)

# name: (heads, head chosen at conversion, E0 per head [H, O], scale per head, shift per head, seed)
MODELS = {
    "heads_ft": (["default", "pt_head"], "pt_head",
                 [[-13.587, -2041.84], [-12.912, -2043.17]], [0.9, 1.4], [-0.05, 0.12], 201),
    "heads_omat_pbe": (["omat", "pbe"], "pbe",
                       [[-3.12, -7.48], [-3.41, -6.92]], [1.1, 0.7], [0.08, -0.11], 202),
}


def build(heads, e0, scale, shift):
    return models.ScaleShiftMACE(
        r_max=4.0, num_bessel=4, num_polynomial_cutoff=5, max_ell=1,
        interaction_cls=blocks.RealAgnosticResidualInteractionBlock,
        interaction_cls_first=blocks.RealAgnosticInteractionBlock,
        num_interactions=2, num_elements=len(ELEMENTS),
        hidden_irreps=o3.Irreps("4x0e"), MLP_irreps=o3.Irreps("4x0e"),
        atomic_energies=np.array(e0), avg_num_neighbors=6.0,
        atomic_numbers=ELEMENTS, correlation=2, gate=torch.nn.functional.silu,
        radial_MLP=[8, 8], atomic_inter_scale=scale, atomic_inter_shift=shift, heads=heads)


def water_frames():
    """Two frames of four rigid-ish water molecules in a 6.2 A cubic box, rattled."""
    rng = np.random.default_rng(20261201)
    box = 6.2
    centres = np.array([[1.0, 1.2, 1.1], [4.1, 1.3, 3.9], [1.4, 4.2, 4.0], [4.3, 4.4, 1.2]])
    frames = []
    for frame in range(2):
        numbers, positions = [], []
        for c in centres:
            r = rng.normal(size=(3, 3))
            q, _ = np.linalg.qr(r)
            oh = 0.96
            half = np.radians(104.5) / 2
            local = np.array([[0, 0, 0], [oh * np.sin(half), oh * np.cos(half), 0],
                              [-oh * np.sin(half), oh * np.cos(half), 0]])
            numbers += [8, 1, 1]
            positions += list(c + local @ q.T + rng.normal(0, 0.03 * (frame + 1), (3, 3)))
        frames.append(Atoms(numbers=numbers, positions=positions, cell=np.eye(3) * box, pbc=True))
    return frames


def main() -> int:
    os.makedirs(OUT_DIR, exist_ok=True)
    frames = water_frames()
    xyz_path = os.path.join(OUT_DIR, "heads_water.xyz")
    ase.io.write(xyz_path, frames, format="extxyz")
    reference = {"structures": "heads_water.xyz", "versions": versions(),
                 "calculator": "mace.calculators.MACECalculator(model_paths=..., head=H, "
                               "device='cpu', default_dtype='float64')",
                 "units": {"length": "Angstrom", "energy": "eV", "forces": "eV/Angstrom"},
                 "frames": [{"numbers": [int(z) for z in a.numbers], "positions": a.positions.tolist(),
                             "cell": a.cell.array.tolist()} for a in frames],
                 "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (heads, converted, e0, scale, shift, seed) in MODELS.items():
            torch.manual_seed(seed)
            np.random.seed(seed)
            with contextlib.redirect_stdout(io.StringIO()):
                model = build(heads, e0, scale, shift)
            perturb(model, seed + 1000)
            model = model.double().eval()
            model_path = os.path.join(tmp, f"{name}.model")
            torch.save(model, model_path)
            st_path = os.path.join(OUT_DIR, f"{name}.safetensors")
            subprocess.run([sys.executable, os.path.join(HERE, "mace_convert.py"), model_path,
                            st_path, "--head", converted], check=True)
            entry = {"model_file": f"{name}.safetensors", "heads": heads,
                     "converted_head": converted, "energies": {}, "forces": {}}
            for head in heads:
                with contextlib.redirect_stdout(io.StringIO()):
                    calc = MACECalculator(model_paths=model_path, device="cpu",
                                          default_dtype="float64", head=head)
                energies, forces = [], []
                for atoms in frames:
                    atoms = atoms.copy()
                    atoms.calc = calc
                    energies.append(float(atoms.get_potential_energy()))
                    forces.append(atoms.get_forces().tolist())
                entry["energies"][head] = energies
                entry["forces"][head] = forces
                print(f"  {name:15s} head {head:8s} E = {energies}", file=sys.stderr)
            a, b = (entry["energies"][h][0] for h in heads)
            assert abs(a - b) > 0.1, f"{name}: the heads' energies should differ ({a} vs {b})"
            reference["models"][name] = entry
    with open(os.path.join(OUT_DIR, "heads.reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
    for p in sorted(os.listdir(OUT_DIR)):
        if p.startswith("heads"):
            print(f"  {p:32s} {os.path.getsize(os.path.join(OUT_DIR, p)) / 1e3:8.1f} KB",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
