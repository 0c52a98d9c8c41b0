#!/usr/bin/env python3
"""MaceMD vs mace-torch on CPU: energy+forces time, peak memory and parity.

Builds two random-weight mace-torch models shaped like MACE-MP-0 (89 elements
Z = 1..89, r_max 6.0, 10 Bessel functions, polynomial cutoff p = 5, max_ell 3,
two interactions: RealAgnosticInteractionBlock then
RealAgnosticResidualInteractionBlock, correlation 3, radial MLP [64, 64, 64],
MLP_irreps 16x0e, avg_num_neighbors 40, ScaleShiftMACE):
    small   hidden irreps 128x0e
    medium  hidden irreps 128x0e+128x1o
saves them pickled and converts them with scripts/conversion/mace_convert.py into a cache
directory (default .build/mace-bench-cache, not committed; reused on later
runs). Every parameter gets noise p += max(std(p), 0.3) N(0, 1) (fixed seed)
and the interaction-energy scale is 25, so that forces on rattled Cu are
~0.1-1 eV/A rather than the ~1e-4 eV/A of the default initialisation (the
values do not change the cost; they make the parity check meaningful). Structures: fcc Cu, a = 3.61 A cubic cell repeated n x n x n
(--sizes 4,6 -> 256 and 864 atoms), rattled by N(0, 0.05 A) with a fixed seed,
written as extended XYZ.

For each model x size x precision it measures
  * mace-torch, each in its own subprocess (so that its peak memory, VmHWM,
    is its own), torch.set_num_threads(--threads), after --warmup untimed calls:
      - "ASE": one MACECalculator.calculate() (neighbour list, graph, model
        forward and backward; the calculator also computes stress);
      - "model": the model call alone on a prebuilt graph, energy+forces only
        (compute_stress=False), i.e. what `macemd-bench mace` times;
  * MaceMD: `macemd-bench mace` (release build), same threads, which times
    `evaluate(system, neighbors:, request: .energyAndForces)` only (the
    neighbour-list build is reported separately);
and checks parity of MaceMD against the mace-torch calculator in the same
precision:
    forces  max|dF| <= rel * max|F| + abs        energy |dE| <= rel * |E| + abs * N
    float64: rel 1e-6, abs 1e-9 eV/A;           float32: rel 2e-3, abs 1e-5 eV/A.
Prints a Markdown table (median times; speed-up = mace-torch model / MaceMD)
and writes every raw measurement to <cache>/results.json.

--large: additionally (with --skip-torch: only) evaluates 100,920 atoms of Cu
(29 x 29 x 30 cubic cells) with the small model in MaceMD only, per precision,
and prints time and peak memory per atom. Its peak memory is first
extrapolated from runs on 4,000 and 16,384 atoms; if that exceeds 90% of
MemAvailable the run is skipped with a message (the machine is shared) unless
--force-large.

Usage (mace-torch environment, scripts/requirements-mace.txt):
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 python -m scripts.benchmarks.benchmark_mace [--quick] [--models small,medium] [--sizes 4,6]
        [--precisions float32,float64] [--repeats 5] [--warmup 1] [--threads 2]
        [--large [--force-large]] [--skip-torch] [--stages] [--bench .build/release/macemd-bench]
        [--cache DIR]
    --quick = --models small --sizes 4 --precisions float32
Build MaceMD first: swift build -c release --product macemd-bench
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")

from scripts.repo import CONVERTER, ROOT  # noqa: E402

MODELS = {"small": "128x0e", "medium": "128x0e+128x1o"}
MODEL_SEEDS = {"small": 701, "medium": 702}
RATTLE_SEED = 7
PROBE_CELLS = [(10, 10, 10), (16, 16, 16)]
LARGE_CELLS = (29, 29, 30)   # 100,920 atoms
RECIPE_VERSION = 2            # bump when build_model changes (cached files are per version)
INTER_SCALE = 25.0            # scale of the interaction energy: forces ~1 eV/A on rattled Cu
TOLERANCES = {"float64": (1e-6, 1e-9), "float32": (2e-3, 1e-5)}


def peak_rss_mib() -> float:
    """Peak resident memory of this process in MiB (VmHWM, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------
# models and structures (cached)
# --------------------------------------------------------------------------

def build_model(name: str, cache: str) -> tuple[str, str]:
    """Pickled float64 mace-torch model and its converted .safetensors, built once."""
    stem = os.path.join(cache, f"mp0_like_{name}_v{RECIPE_VERSION}")
    model_path, st_path = stem + ".model", stem + ".safetensors"
    if os.path.exists(model_path) and os.path.exists(st_path):
        return model_path, st_path
    import numpy as np
    import torch
    with contextlib.redirect_stdout(io.StringIO()):
        from e3nn import o3
        from mace.modules import blocks, models
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(MODEL_SEEDS[name])
    rng = np.random.default_rng(MODEL_SEEDS[name])
    z = list(range(1, 90))
    with contextlib.redirect_stdout(io.StringIO()):
        model = models.ScaleShiftMACE(
            r_max=6.0, num_bessel=10, num_polynomial_cutoff=5, max_ell=3,
            interaction_cls_first=blocks.RealAgnosticInteractionBlock,
            interaction_cls=blocks.RealAgnosticResidualInteractionBlock,
            num_interactions=2, num_elements=len(z), atomic_numbers=z,
            hidden_irreps=o3.Irreps(MODELS[name]), MLP_irreps=o3.Irreps("16x0e"),
            atomic_energies=rng.uniform(-8.0, -1.0, len(z)), avg_num_neighbors=40.0,
            correlation=3, gate=torch.nn.functional.silu, radial_MLP=[64, 64, 64],
            atomic_inter_scale=INTER_SCALE, atomic_inter_shift=0.0)
    # Default initialisation leaves the interaction energy ~1e-4 eV/atom (forces ~1e-4 eV/A),
    # too small for a meaningful float32 parity check: add noise to every parameter.
    gen = torch.Generator().manual_seed(MODEL_SEEDS[name] + 1000)
    with torch.no_grad():
        for p in model.parameters():
            if p.numel() > 0:
                std = float(p.std()) if p.numel() > 1 else abs(float(p))
                p.add_(max(std, 0.3) * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    model = model.double().eval()
    torch.save(model, model_path)
    subprocess.run([sys.executable, str(CONVERTER), model_path, st_path],
                   check=True)
    return model_path, st_path


def build_structure(cells: tuple[int, int, int], cache: str) -> str:
    """Rattled fcc Cu (a = 3.61 A) of nx x ny x nz cubic cells as extended XYZ, built once."""
    path = os.path.join(cache, "cu_{}x{}x{}.xyz".format(*cells))
    if not os.path.exists(path):
        from ase.build import bulk
        from ase.io import write
        atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(cells)
        atoms.rattle(stdev=0.05, seed=RATTLE_SEED)
        write(path, atoms, format="extxyz")
    return path


# --------------------------------------------------------------------------
# measurements
# --------------------------------------------------------------------------

def torch_worker(args) -> int:
    """Subprocess body: time mace-torch on one model/structure/precision, print one JSON line."""
    import torch
    torch.set_num_threads(args.threads)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from ase.io import read
        from mace.calculators import MACECalculator
        calc = MACECalculator(model_paths=args.model, device="cpu", default_dtype=args.precision)
    atoms = read(args.structure)

    def timed(fn):
        for _ in range(args.warmup):
            fn()
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1e3)
        return times

    ase_times = timed(lambda: calc.calculate(atoms))
    energy = float(calc.results["energy"])
    forces = calc.results["forces"].tolist()

    model = calc.models[0]
    dtype = next(model.parameters()).dtype
    base = calc._atoms_to_batch(atoms)

    def model_call():
        batch = calc._clone_batch(base)
        for key in batch.keys:
            value = batch[key]
            if torch.is_tensor(value) and torch.is_floating_point(value):
                batch[key] = value.to(dtype=dtype)
        out = model(batch.to_dict(), compute_stress=False, training=False)
        return out["forces"]

    model_times = timed(model_call)
    with open(args.output, "w") as f:
        json.dump({"energy": energy, "forces": forces}, f)
    print(json.dumps({"ase_ms": ase_times, "model_ms": model_times,
                      "edges": int(base["edge_index"].shape[1]),
                      "peak_rss_mb": peak_rss_mib(), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))
    return 0


def run_json(cmd, env=None) -> dict:
    """Run a command that prints one JSON line last; return it, failing loudly with stderr."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def thread_env(threads: int) -> dict:
    env = dict(os.environ)
    for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = str(threads)
    return env


def measure_torch(model_path, structure, precision, args, out_path) -> dict:
    cmd = [sys.executable, "-m", "scripts.benchmarks.benchmark_mace", "--torch-worker", "--model", model_path,
           "--structure", structure, "--precision", precision, "--output", out_path,
           "--repeats", str(args.repeats), "--warmup", str(args.warmup),
           "--threads", str(args.threads)]
    env = thread_env(args.threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return run_json(cmd, env=env)


def measure_macemd(st_path, structure, precision, args, out_path, repeats=None, warmup=None) -> dict:
    cmd = [args.bench, "mace", "--model", st_path, "--structure", structure,
           "--precision", precision, "--repeats", str(repeats or args.repeats),
           "--warmup", str(args.warmup if warmup is None else warmup),
           "--threads", str(args.threads), "--output", out_path]
    if getattr(args, "stages", False) and repeats is None:
        cmd.append("--stages")
    return run_json(cmd, env=thread_env(args.threads))


def parity(ref_path, got_path, precision) -> dict:
    """Energy and force agreement of MaceMD (got) with mace-torch (ref), see module doc."""
    import numpy as np
    with open(ref_path) as f:
        ref = json.load(f)
    with open(got_path) as f:
        got = json.load(f)
    fr, fg = np.array(ref["forces"]), np.array(got["forces"])
    rel, abs_ = TOLERANCES[precision]
    fmax = float(np.abs(fr).max())
    df = float(np.abs(fr - fg).max())
    de = abs(ref["energy"] - got["energy"])
    ok = df <= rel * fmax + abs_ and de <= rel * abs(ref["energy"]) + abs_ * len(fr)
    return {"max_abs_force": fmax, "max_force_error": df, "energy_error": de,
            "energy": ref["energy"], "ok": bool(ok)}


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------

def mem_available_mib() -> float:
    """MemAvailable of /proc/meminfo in MiB (inf when unknown)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def run_large(args, rows) -> list:
    """The 100,920-atom Cu evaluation, small model, MaceMD only, per precision.

    Its memory is first extrapolated linearly from runs on 4,000 and 16,384 atoms (the
    slope between them; fixed costs such as the model and BLAS buffers cancel). If that
    exceeds 90% of MemAvailable the size is skipped (a shared machine must not swap) unless
    --force-large.
    """
    _, st_path = build_model("small", args.cache)
    probes = [build_structure(cells, args.cache) for cells in PROBE_CELLS]
    structure = build_structure(LARGE_CELLS, args.cache)
    atoms = 4 * LARGE_CELLS[0] * LARGE_CELLS[1] * LARGE_CELLS[2]
    results = []
    for precision in args.precisions:
        small, large = (measure_macemd(st_path, path, precision, args,
                                       os.path.join(args.cache, f"probe{k}.macemd.json"), repeats=1, warmup=0)
                        for k, path in enumerate(probes))
        slope = (large["peak_rss_mb"] - small["peak_rss_mb"]) / (large["atoms"] - small["atoms"])
        estimate = large["peak_rss_mb"] + slope * (atoms - large["atoms"])
        available = mem_available_mib()
        if estimate > 0.9 * available and not args.force_large:
            print(f"large {precision}: skipped, estimated peak {estimate:.0f} MiB > 90% of "
                  f"MemAvailable {available:.0f} MiB (--force-large runs it anyway)", file=sys.stderr)
            results.append({"atoms": atoms, "precision": precision, "skipped": True,
                            "estimated_peak_rss_mb": estimate, "mem_available_mb": available})
            continue
        print(f"[{time.strftime('%H:%M:%S')}] large {precision}: MaceMD (estimated peak "
              f"{estimate:.0f} MiB)", file=sys.stderr, flush=True)
        out = os.path.join(args.cache, f"large_{precision}.macemd.json")
        m = measure_macemd(st_path, structure, precision, args, out,
                           repeats=min(args.repeats, 2), warmup=min(args.warmup, 1))
        m["estimated_peak_rss_mb"] = estimate
        results.append(m)
    return results


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small model, 256 atoms, float32 only")
    p.add_argument("--models", default="small,medium")
    p.add_argument("--sizes", default="4,6", help="fcc repetitions n (4 atoms x n^3)")
    p.add_argument("--precisions", default="float32,float64")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--large", action="store_true", help="also 100,920 Cu atoms, small model, MaceMD")
    p.add_argument("--force-large", action="store_true",
                   help="run --large even when its extrapolated memory exceeds MemAvailable")
    p.add_argument("--skip-torch", action="store_true", help="MaceMD only (no parity)")
    p.add_argument("--stages", action="store_true",
                   help="also profile MaceMD per stage (time share, GFLOP/s vs GEMM peak)")
    p.add_argument("--bench", default=str(ROOT / ".build" / "release" / "macemd-bench"))
    p.add_argument("--cache", default=str(ROOT / ".build" / "mace-bench-cache"))
    # internal: one mace-torch measurement in a subprocess
    p.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--structure", help=argparse.SUPPRESS)
    p.add_argument("--precision", help=argparse.SUPPRESS)
    p.add_argument("--output", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.models, args.sizes, args.precisions = "small", "4", "float32"
    args.models = [m for m in args.models.split(",") if m]
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    args.precisions = [q for q in args.precisions.split(",") if q]
    for m in args.models:
        if m not in MODELS:
            p.error(f"unknown model '{m}' (known: {', '.join(MODELS)})")
    for q in args.precisions:
        if q not in TOLERANCES:
            p.error(f"unknown precision '{q}' (float32 or float64)")
    if args.repeats < 1 or args.warmup < 0 or args.threads < 1:
        p.error("--repeats and --threads must be >= 1, --warmup >= 0")
    return args


def table(rows) -> str:
    head = ("| model | atoms | edges | precision | mace-torch ms/atom (model) | mace-torch ms/atom (ASE calc) "
            "| MaceMD ms/atom | speed-up | mace-torch peak MiB | MaceMD peak MiB | max abs dF / max abs F | parity OK |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        t, m, q = r.get("torch"), r["macemd"], r.get("parity")
        n = m["atoms"]
        mm = m["median_ms"] / n
        tm = statistics.median(t["model_ms"]) / n if t else None
        ta = statistics.median(t["ase_ms"]) / n if t else None
        fmt = lambda x, f="{:.3f}": "-" if x is None else f.format(x)
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            r["model"], n, m["edges"], r["precision"], fmt(tm), fmt(ta), fmt(mm),
            fmt(tm / mm if tm else None, "{:.1f}x"), fmt(t["peak_rss_mb"] if t else None, "{:.0f}"),
            fmt(m["peak_rss_mb"], "{:.0f}"),
            fmt(q["max_force_error"] / q["max_abs_force"] if q else None, "{:.1e}"),
            "-" if not q else ("yes" if q["ok"] else "**NO**")))
    return "\n".join(lines)


def stage_table(row) -> str:
    """Per-stage share of one MaceMD evaluation and GFLOP/s against the machine's ceilings."""
    m = row["macemd"]
    peak, nominal, simd = m["gemm_peak_gflops"], m.get("nominal_peak_gflops"), m.get("simd_peak_gflops")
    lines = [f"{row['model']} model, {m['atoms']} atoms, {row['precision']}: {m['stages_wall_ms']:.1f} ms per "
             f"evaluation with profiling; GEMM peak {peak:.0f} GFLOP/s ({m.get('blas_core', 'OpenBLAS')} kernels)"
             + (f", SIMD peak of MaceMD's own vector code {simd:.0f} GFLOP/s" if simd else "")
             + (f", nominal peak {nominal:.0f} GFLOP/s" if nominal else ""),
             "",
             "| stage | share of time | GFLOP per evaluation | GFLOP/s | % of GEMM peak | % of SIMD peak |",
             "|---|---:|---:|---:|---:|---:|"]
    for st in m["stages"]:
        rate = st["gflops"]
        lines.append("| {} | {:.1f} % | {} | {} | {} | {} |".format(
            st["stage"], 100 * st["share"], f"{st['gflop']:.3f}" if st["gflop"] else "-",
            f"{rate:.1f}" if rate else "-", f"{100 * rate / peak:.0f} %" if rate else "-",
            f"{100 * rate / simd:.0f} %" if rate and simd else "-"))
    return "\n".join(lines)


def main(argv) -> int:
    args = parse(argv)
    if args.torch_worker:
        return torch_worker(args)
    if not os.access(args.bench, os.X_OK):
        print(f"{args.bench}: not found; build it: swift build -c release --product macemd-bench",
              file=sys.stderr)
        return 2
    os.makedirs(args.cache, exist_ok=True)
    rows, all_ok = [], True
    for name in args.models if not (args.large and args.skip_torch) else []:
        model_path, st_path = build_model(name, args.cache)
        for n in args.sizes:
            structure = build_structure((n, n, n), args.cache)
            for precision in args.precisions:
                tag = f"{name}_{n}_{precision}"
                ref_out = os.path.join(args.cache, f"{tag}.torch.json")
                got_out = os.path.join(args.cache, f"{tag}.macemd.json")
                # 1-minute load average before the pair: timings on a busy machine are noise.
                row = {"model": name, "precision": precision, "cells": n,
                       "loadavg_1min": os.getloadavg()[0]}
                print(f"[{time.strftime('%H:%M:%S')}] {tag}: MaceMD", file=sys.stderr, flush=True)
                row["macemd"] = measure_macemd(st_path, structure, precision, args, got_out)
                if not args.skip_torch:
                    print(f"[{time.strftime('%H:%M:%S')}] {tag}: mace-torch", file=sys.stderr, flush=True)
                    row["torch"] = measure_torch(model_path, structure, precision, args, ref_out)
                    row["parity"] = parity(ref_out, got_out, precision)
                    all_ok &= row["parity"]["ok"]
                rows.append(row)
    large = []
    if args.large:
        large = run_large(args, rows)
    with open(os.path.join(args.cache, "results.json"), "w") as f:
        json.dump({"rows": rows, "large": large, "threads": args.threads,
                   "repeats": args.repeats, "warmup": args.warmup}, f, indent=1)
    loads = [r["loadavg_1min"] for r in rows]
    if loads:
        print(f"1-minute load average before each measurement: {min(loads):.1f} to {max(loads):.1f} "
              f"on {os.cpu_count()} CPUs (above {args.threads} the timings are not trustworthy)")
    print(f"threads {args.threads}, warm-up {args.warmup}, median of {args.repeats}; "
          f"raw results: {os.path.join(args.cache, 'results.json')}\n")
    if rows:
        print(table(rows))
    for row in rows:
        if "stages" in row["macemd"]:
            print("\n" + stage_table(row))
    for m in large:
        if m.get("skipped"):
            print(f"\nlarge: {m['atoms']} atoms, {m['precision']}: skipped, estimated peak "
                  f"{m['estimated_peak_rss_mb']:.0f} MiB ({m['estimated_peak_rss_mb'] * 1024 / m['atoms']:.0f} "
                  f"KiB/atom) > 90% of MemAvailable {m['mem_available_mb']:.0f} MiB")
            continue
        print(f"\nlarge: {m['atoms']} atoms, {m['edges']} edges, {m['precision']}: "
              f"median {m['median_ms']:.0f} ms ({m['median_ms_per_atom'] * 1e3:.1f} us/atom), "
              f"neighbour list {m['neighbors_ms']:.0f} ms, peak {m['peak_rss_mb']:.0f} MiB "
              f"({m['peak_rss_kb_per_atom']:.1f} KiB/atom)")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
