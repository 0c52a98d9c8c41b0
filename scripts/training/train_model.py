#!/usr/bin/env python3
"""Trains a small MACE model with mace-torch on a reference data set, evaluates it on a
held-out test split, converts it for MaceMD and writes a model card.

Usage:
  TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 python -m scripts.training.train_model PRESET DATA.xyz [--epochs N]
      [--device cpu|cuda] [--work-dir DIR] [--out models/NAME]

PRESET is `water` (GFN2-xTB liquid water, the default model) or `copper` (EMT fcc Cu); it
fixes the architecture and training settings below. DATA.xyz is an extended-XYZ file whose
frames carry `energy`, `forces` and `stress` (scripts/training/make_water_data.py,
scripts/training/make_copper_data.py). The frames are shuffled with a fixed seed; 10 % become the
test set, which training never sees (mace-torch takes a further 10 % of the rest for
validation). Training runs in float64 on the CPU by default (`--device cuda` uses a GPU
when one is available; the result is the same recipe).

Outputs in --out (default models/PRESET): `PRESET.safetensors` (MaceMD model, converted
with scripts/conversion/mace_convert.py), `PRESET.model` is NOT kept (it is a large pickle),
`metrics.json` and `MODEL_CARD.md`. Runs in the mace-torch environment
(scripts/requirements-mace.txt).
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import numpy as np
from ase.io import read, write

from scripts.repo import CONVERTER, ROOT

PRESETS = {
    "water": dict(
        description="liquid water (H, O) at 250-400 K, densities 0.85-1.15 g/cm3",
        reference="GFN2-xTB (tblite, periodic, electronic temperature 300 K)",
        args=["--model", "ScaleShiftMACE", "--r_max", "5.0", "--num_radial_basis", "8",
              "--num_cutoff_basis", "5", "--max_ell", "2", "--correlation", "3",
              "--num_interactions", "2", "--hidden_irreps", "16x0e",
              "--MLP_irreps", "16x0e", "--radial_MLP", "[32, 32, 32]",
              "--batch_size", "4", "--lr", "0.01", "--energy_weight", "1.0",
              "--forces_weight", "100.0", "--stress_weight", "1.0", "--loss", "weighted"],
        epochs=30,
    ),
    "copper": dict(
        description="fcc copper: strained/rattled bulk, vacancies, (111)/(100) slabs, 300-1500 K MD snapshots",
        reference="ASE EMT calculator",
        args=["--model", "ScaleShiftMACE", "--r_max", "4.5", "--num_radial_basis", "8",
              "--num_cutoff_basis", "5", "--max_ell", "2", "--correlation", "3",
              "--num_interactions", "2", "--hidden_irreps", "16x0e",
              "--MLP_irreps", "16x0e", "--radial_MLP", "[32, 32, 32]",
              "--batch_size", "4", "--lr", "0.01", "--energy_weight", "10.0",
              "--forces_weight", "100.0", "--stress_weight", "10.0", "--loss", "stress"],
        epochs=80,
    ),
}


def relabel(frames):
    """Moves energy/forces/stress into REF_* keys, which mace-torch reads by default."""
    out = []
    for atoms in frames:
        a = atoms.copy()
        a.calc = None
        a.info["REF_energy"] = atoms.get_potential_energy()
        a.arrays["REF_forces"] = atoms.get_forces()
        a.info["REF_stress"] = atoms.get_stress(voigt=False)
        out.append(a)
    return out


def errors(model_path, frames, device):
    from mace.calculators import MACECalculator
    calc = MACECalculator(model_paths=str(model_path), device=device, default_dtype="float64")
    de, df = [], []
    for atoms in frames:
        ref_e, ref_f = atoms.info["REF_energy"], atoms.arrays["REF_forces"]
        a = atoms.copy()
        a.calc = calc
        de.append((a.get_potential_energy() - ref_e) / len(a))
        df.append((a.get_forces() - ref_f).ravel())
    de, df = np.array(de), np.concatenate(df)
    return {"energy_mae_meV_per_atom": 1000 * float(np.mean(np.abs(de))),
            "energy_rmse_meV_per_atom": 1000 * float(np.sqrt(np.mean(de ** 2))),
            "forces_mae_meV_per_A": 1000 * float(np.mean(np.abs(df))),
            "forces_rmse_meV_per_A": 1000 * float(np.sqrt(np.mean(df ** 2))),
            "frames": len(frames)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("preset", choices=sorted(PRESETS))
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--out", default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    out = pathlib.Path(args.out or ROOT / "models" / args.preset)
    work = pathlib.Path(args.work_dir or f"/tmp/macemd-train-{args.preset}")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    out.mkdir(parents=True, exist_ok=True)

    frames = relabel(read(args.data, index=":"))
    order = np.random.default_rng(args.seed).permutation(len(frames))
    n_test = max(1, len(frames) // 10)
    test = [frames[i] for i in order[:n_test]]
    train = [frames[i] for i in order[n_test:]]
    write(work / "train.xyz", train, format="extxyz")
    write(work / "test.xyz", test, format="extxyz")
    epochs = args.epochs or preset["epochs"]

    command = [sys.executable, "-m", "mace.cli.run_train", "--name", args.preset,
               "--work_dir", str(work), "--train_file", str(work / "train.xyz"),
               "--valid_fraction", "0.1", "--E0s", "average", "--default_dtype", "float64",
               "--device", args.device, "--seed", str(args.seed), "--max_num_epochs", str(epochs),
               "--energy_key", "REF_energy", "--forces_key", "REF_forces", "--stress_key", "REF_stress",
               "--ema", "--ema_decay", "0.99", "--amsgrad", "--scheduler_patience", "5",
               "--eval_interval", "2", "--save_cpu", "--num_workers", "0"] + preset["args"]
    print(" ".join(command), flush=True)
    start = time.time()
    env = dict(os.environ, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1")
    subprocess.run(command, check=True, env=env)
    training_seconds = time.time() - start
    model = work / f"{args.preset}.model"
    if not model.exists():
        candidates = sorted(work.rglob("*.model"))
        model = next(p for p in candidates if "compiled" not in p.name)

    metrics = {"test": errors(model, test, args.device), "train_frames": len(train),
               "test_frames": len(test), "training_seconds": round(training_seconds),
               "epochs": epochs, "device": args.device}
    target = out / f"{args.preset}.safetensors"
    subprocess.run([sys.executable, str(CONVERTER), str(model), str(target)],
                   check=True, env=env)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    arch = preset["args"]
    get = lambda key: arch[arch.index(key) + 1]
    elements = sorted({s for a in frames for s in a.get_chemical_symbols()})
    card = f"""# MaceMD example model: {args.preset}

Trained by the MaceMD project for examples and tests, **not for production science**.

| | |
|---|---|
| file | `{target.name}` ({target.stat().st_size / 1e6:.2f} MB) |
| system | {preset['description']} |
| elements | {', '.join(elements)} |
| reference method | {preset['reference']} |
| data | `{pathlib.Path(args.data).name}`: {len(frames)} frames; {len(train)} for training (10 % of them for validation), {len(test)} held out for testing |
| architecture | {get('--model')}, {get('--num_interactions')} interactions, hidden irreps {get('--hidden_irreps')}, max_ell {get('--max_ell')}, correlation {get('--correlation')}, {get('--num_radial_basis')} Bessel functions, radial MLP {get('--radial_MLP')} |
| r_max | {get('--r_max')} Å |
| training | mace-torch, float64, {epochs} epochs, EMA, device {args.device}, {training_seconds / 60:.1f} min |

## Test-set errors (held-out frames, float64)

| quantity | MAE | RMSE |
|---|---:|---:|
| energy (meV/atom) | {metrics['test']['energy_mae_meV_per_atom']:.2f} | {metrics['test']['energy_rmse_meV_per_atom']:.2f} |
| forces (meV/Å) | {metrics['test']['forces_mae_meV_per_A']:.1f} | {metrics['test']['forces_rmse_meV_per_A']:.1f} |

Reproduce: `python -m scripts.training.train_model {args.preset} {args.data}` (see the script's docstring).
"""
    (out / "MODEL_CARD.md").write_text(card)
    print(card)


if __name__ == "__main__":
    main()
