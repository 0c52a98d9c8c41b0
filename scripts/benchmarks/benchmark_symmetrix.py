#!/usr/bin/env python3
"""MaceMD vs symmetrix-xl vs mace-torch on CPU: parity, per-frame time, start-up and memory.

The acceptance benchmark of issue #16. Three engines evaluate energy + forces of the same
models and structures, each as a user runs it:
  * MaceMD: `macemd eval` (release build), the command-line path. Per-frame cost is the
    marginal cost: (wall of `macemd eval` on 1 + K frames - wall on 1 frame) / K, K =
    --macemd-frames (default 10, frames 1..F repeated), so the model load, first neighbour list
    and process start-up cancel. The 1-frame run is its start-up time (process start to first
    force written). The OpenBLAS kernels it ran are read from its "OpenBLAS kernels:" line.
    `macemd eval` also computes the stress of periodic frames (the virial: a few per cent).
  * symmetrix-xl 0.1.1: its ASE calculator `Symmetrix(json, dtype=...)`, best CPU backend
    (cpu-avx512 where the CPU has AVX-512, else cpu), warmed: frame 0 is the start-up (process
    start to first force; the model-specific C++ it JIT-compiles is cached in
    <cache>/symmetrix-jit and compiled once, before the timed rounds, in a "prepare" step
    whose time is reported as the cold start-up), frames 1..F are timed one by one.
  * mace-torch 0.3.16: `MACECalculator(default_dtype=...)`, the same frames. Skipped (and said
    so) where its estimated peak memory exceeds 80 % of MemAvailable.
Every engine runs in its own process (`os.wait4` gives its own peak RSS), with --threads
threads (OMP_NUM_THREADS for symmetrix-xl, torch.set_num_threads, `macemd eval --threads`).

Models: benchmark_mace.py's random-weight models shaped like MACE-MP-0 (89 elements, r_max
6, 10 Bessel, max_ell 3, correlation 3, 2 layers, radial MLP [64,64,64]; small = 128x0e,
medium = 128x0e+128x1o). Their recipe perturbs every parameter (p += max(std p, 0.3) N(0,1))
and raises the interaction-energy scale to 25, so that forces on rattled Cu are realistic
(max|F| 0.5-0.7 eV/A; the default initialisation gives ~1e-3 eV/A and hides errors). Exported
with `symmetrix_extract_mace` (universal compact v2 export: its default, splines built at
load) and `macemd convert`. Structures: rattled fcc Cu (a = 3.61 A, N(0, 0.05 A)), sizes 256
(4x4x4 cells), 864 (6x6x6), 10000 (10x10x25); 1 + F frames with different rattles.

Parity: frame 0 of every engine against mace-torch float64 on the same model and structure
(computed once per model x size and cached): |dE| per atom, max|dF| and max|dF| / max|F|.

Timing: --rounds rounds, interleaved (round r runs every cell and every engine before round
r+1); per-round per-frame medians, then the median over rounds (min-max in the JSON). The
1-minute load average is recorded before every measurement.

Virtual environments (created under --venv-dir if missing):
    <venv-dir>/symmetrix   symmetrix-xl==0.1.1 (+ symmetrix-xl-cpu-avx512==0.1.1 on AVX-512) and ase
    <venv-dir>/mace        mace-torch==0.3.16, plus `pip install --no-deps symmetrix-xl==0.1.1`
                           for symmetrix_extract_mace; or --mace-python PYTHON to reuse an
                           existing mace-torch 0.3.16 environment, with symmetrix-xl installed
                           --no-deps into <venv-dir>/symmetrix-for-mace (added to PYTHONPATH).

Usage (this script needs only the standard library):
    python -m scripts.benchmarks.benchmark_symmetrix [--models small,medium] [--sizes 256,864,10000]
        [--precisions float32,float64] [--engines macemd,macemd-spline,symmetrix,torch] [--rounds 3] [--frames 3] [--macemd-frames 10]
        [--threads 2] [--venv-dir DIR] [--mace-python PYTHON] [--cache DIR] [--macemd .build/release/macemd]
Build MaceMD first: swift build -c release --product macemd. A full run (2 models x 3 sizes x 2
precisions x 3 engines x 3 rounds) takes hours on 2 cores; symmetrix-xl's first use of the
medium model compiles C++ for minutes (cached after).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from scripts.repo import ROOT

#: "macemd-spline" is MaceMD with the opt-in fast radial mode (`--radial spline`).
ENGINES = ("macemd", "macemd-spline", "symmetrix", "torch")
SIZES = {256: (4, 4, 4), 864: (6, 6, 6), 10000: (10, 10, 25)}
RATTLE_SEED = 7
# mace-torch peak memory per atom at 864 atoms (MiB; README's benchmark table), to skip what
# would not fit.
TORCH_MIB_PER_ATOM = {("small", "float32"): 3.9, ("small", "float64"): 6.0,
                      ("medium", "float32"): 7.3, ("medium", "float64"): 12.9}
SYMMETRIX = "symmetrix-xl==0.1.1"
MACE_TORCH = "mace-torch==0.3.16"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_flags() -> set:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def mem_available_mib() -> float:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def run(cmd, env=None, cwd=None) -> dict:
    """Runs cmd; returns wall seconds, exit status, stdout, stderr and its own peak RSS (MiB)."""
    out_path = os.path.join(ARGS.cache, f".out-{os.getpid()}")
    err_path = out_path + ".err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        launched = time.time()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    return {"wall_s": wall, "launched": launched, "status": proc.returncode, "stdout": stdout,
            "stderr": stderr, "peak_rss_mb": usage.ru_maxrss / 1024}


def checked(result, what) -> dict:
    if result["status"] != 0:
        raise RuntimeError(f"{what} failed ({result['status']}): {result['stderr'].strip()[-3000:]}")
    return result


# --------------------------------------------------------------------------
# environments, models, structures
# --------------------------------------------------------------------------

def python_env(extra_path=None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), extra_path, env.get("PYTHONPATH")]))
    env["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
    env["SYMMETRIX_JIT_CACHE"] = os.path.join(ARGS.cache, "symmetrix-jit")
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = str(ARGS.threads)
    if not ARGS.keep_coretype:
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def ensure_venvs() -> dict:
    """Python executables of the two environments (created if missing), see the module doc."""
    os.makedirs(ARGS.venv_dir, exist_ok=True)
    sym = os.path.join(ARGS.venv_dir, "symmetrix")
    sym_python = os.path.join(sym, "bin", "python")
    if not os.path.exists(sym_python):
        log(f"creating {sym} ({SYMMETRIX})")
        checked(run([sys.executable, "-m", "venv", sym]), "python -m venv")
        packages = [SYMMETRIX, "ase"] + (["symmetrix-xl-cpu-avx512==0.1.1"] if "avx512f" in cpu_flags() else [])
        checked(run([sym_python, "-m", "pip", "install", "-q"] + packages), "pip install symmetrix-xl")
    if ARGS.mace_python:
        target = os.path.join(ARGS.venv_dir, "symmetrix-for-mace")
        if not os.path.exists(os.path.join(target, "symmetrix")):
            log(f"installing {SYMMETRIX} --no-deps into {target} for {ARGS.mace_python}")
            checked(run([sym_python, "-m", "pip", "install", "-q", "--no-deps", "--target", target, SYMMETRIX]),
                    "pip install --target")
        return {"symmetrix": sym_python, "mace": ARGS.mace_python, "mace_path": target}
    mace = os.path.join(ARGS.venv_dir, "mace")
    mace_python = os.path.join(mace, "bin", "python")
    if not os.path.exists(mace_python):
        log(f"creating {mace} ({MACE_TORCH})")
        checked(run([sys.executable, "-m", "venv", mace]), "python -m venv")
        checked(run([mace_python, "-m", "pip", "install", "-q", MACE_TORCH, "ase"]), "pip install mace-torch")
        checked(run([mace_python, "-m", "pip", "install", "-q", "--no-deps", SYMMETRIX]),
                "pip install --no-deps symmetrix-xl")
    return {"symmetrix": sym_python, "mace": mace_python, "mace_path": None}


def prepare_model(name, pythons) -> dict:
    """The mace-torch model (benchmark_mace's recipe) and its MaceMD and symmetrix-xl exports."""
    stem = os.path.join(ARGS.cache, f"mp0_like_{name}_v2")
    files = {"torch": stem + ".model", "macemd": stem + ".safetensors", "symmetrix": stem + ".symmetrix.json"}
    if not os.path.exists(files["torch"]):
        log(f"{name}: building the mace-torch model")
        code = f"from scripts.benchmarks.benchmark_mace import build_model; build_model({name!r}, {ARGS.cache!r})"
        checked(run([pythons["mace"], "-c", code], env=python_env(pythons["mace_path"])), "build_model")
    if not os.path.exists(files["macemd"]):
        log(f"{name}: macemd convert")
        checked(run([ARGS.macemd, "convert", files["torch"], files["macemd"], "--python", pythons["mace"]],
                    env=python_env()), "macemd convert")
    if not os.path.exists(files["symmetrix"]):
        log(f"{name}: symmetrix_extract_mace")
        code = ("import sys; from symmetrix.cli.extract_mace import main; "
                f"sys.argv = ['symmetrix_extract_mace', '--model', {files['torch']!r}, '--output', {files['symmetrix']!r}]; main()")
        checked(run([pythons["mace"], "-c", code], env=python_env(pythons["mace_path"])), "symmetrix_extract_mace")
    return files


def prepare_structure(atoms_count, pythons) -> str:
    """1 + --frames rattled Cu frames of one size (extended XYZ), built once."""
    cells = SIZES[atoms_count]
    path = os.path.join(ARGS.cache, "cu_{}x{}x{}_{}frames.xyz".format(*cells, 1 + ARGS.frames))
    if not os.path.exists(path):
        code = ("from ase.build import bulk; from ase.io import write\n"
                f"frames = []\nfor k in range({1 + ARGS.frames}):\n"
                f"    a = bulk('Cu', 'fcc', a=3.61, cubic=True).repeat({cells})\n"
                f"    a.rattle(stdev=0.05, seed={RATTLE_SEED} + k)\n    frames.append(a)\n"
                f"write({path!r}, frames, format='extxyz')\n")
        checked(run([pythons["mace"], "-c", code], env=python_env(pythons["mace_path"])), "structure")
    return path


# --------------------------------------------------------------------------
# engines
# --------------------------------------------------------------------------

def read_extxyz(path) -> list:
    """(energy, forces) of every frame of an extended XYZ file that `macemd eval` wrote."""
    frames = []
    with open(path) as f:
        lines = f.read().splitlines()
    k = 0
    while k < len(lines):
        n = int(lines[k])
        comment = lines[k + 1]
        energy = float(comment.split("energy=")[1].split()[0])
        spec = comment.split("Properties=")[1].split()[0].split(":")
        column, start = 0, None
        for i in range(0, len(spec), 3):
            if spec[i] == "forces":
                start = column
            column += int(spec[i + 2])
        forces = [[float(x) for x in lines[k + 2 + a].split()[start:start + 3]] for a in range(n)]
        frames.append((energy, forces))
        k += n + 2
    return frames


def macemd_round(files, structure, precision, frames, tag, radial="exact") -> dict:
    """One MaceMD measurement: `macemd eval` on frame 0 alone, then on frame 0 followed by
    `frames` frames (frames 1..F of the structure file, repeated as needed)."""
    first = os.path.join(ARGS.cache, f"{tag}.first.xyz")
    many_path = os.path.join(ARGS.cache, f"{tag}.many.xyz")
    with open(structure) as f:
        lines = f.read().splitlines()
    n = int(lines[0])
    blocks = [lines[k:k + n + 2] for k in range(0, len(lines), n + 2)]
    with open(first, "w") as f:
        f.write("\n".join(blocks[0]) + "\n")
    with open(many_path, "w") as f:
        for k in range(frames + 1):
            block = blocks[0] if k == 0 else blocks[1 + (k - 1) % (len(blocks) - 1)]
            f.write("\n".join(block) + "\n")
    structure = many_path
    env = python_env()
    base = [ARGS.macemd, "eval", "--model", files["macemd"], "--precision", precision, "--threads",
            str(ARGS.threads), "--overwrite", "--radial", radial]
    one = checked(run(base + [first, "-o", first + ".out.xyz"], env=env), "macemd eval")
    many = checked(run(base + [structure, "-o", os.path.join(ARGS.cache, f"{tag}.out.xyz")], env=env), "macemd eval")
    energy, forces = read_extxyz(os.path.join(ARGS.cache, f"{tag}.out.xyz"))[0]
    kernels = next((line for line in one["stdout"].splitlines() if line.startswith("OpenBLAS kernels:")), "")
    return {"frame_ms": [(many["wall_s"] - one["wall_s"]) / frames * 1e3], "startup_s": one["wall_s"],
            "peak_rss_mb": max(one["peak_rss_mb"], many["peak_rss_mb"]), "energy": energy, "forces": forces,
            "blas": kernels}


def python_round(engine, files, structure, precision, tag, pythons, frames=None) -> dict:
    """One symmetrix-xl or mace-torch measurement in its own process (see worker())."""
    out = os.path.join(ARGS.cache, f"{tag}.{engine}.json")
    python = pythons["symmetrix"] if engine == "symmetrix" else pythons["mace"]
    cmd = [python, "-m", "scripts.benchmarks.benchmark_symmetrix", "--worker", engine, "--model", files[engine],
           "--structure", structure, "--precision", precision, "--threads", str(ARGS.threads), "--output", out,
           "--cache", ARGS.cache]
    if frames is not None:
        cmd += ["--worker-frames", str(frames)]
    result = checked(run(cmd, env=python_env(pythons["mace_path"] if engine == "torch" else None)), engine)
    with open(out) as f:
        data = json.load(f)
    data["startup_s"] = data.pop("first_force_at") - result["launched"]
    data["peak_rss_mb"] = result["peak_rss_mb"]
    return data


def worker(args) -> int:
    """Subprocess body: load one engine's ASE calculator, evaluate the frames, write JSON."""
    import contextlib
    import io
    import warnings
    warnings.filterwarnings("ignore")
    with contextlib.redirect_stdout(io.StringIO()):
        from ase.io import read
        frames = read(args.structure, index=":")
        if args.worker_frames is not None:
            frames = frames[:args.worker_frames]
        info = {}
        if args.worker == "symmetrix":
            from symmetrix import Symmetrix
            calc = Symmetrix(args.model, dtype=args.precision)
            from symmetrix import backend_loader
            selected = backend_loader.selected_backend() or {}
            info["backend"] = selected.get("selector", "unknown")
        else:
            import torch
            torch.set_num_threads(args.threads)
            from mace.calculators import MACECalculator
            calc = MACECalculator(model_paths=args.model, device="cpu", default_dtype=args.precision)
            info["torch"] = torch.__version__
    times = []
    for k, atoms in enumerate(frames):
        start = time.perf_counter()
        calc.calculate(atoms, properties=["energy", "forces"])
        if k == 0:
            first_force_at = time.time()
            energy, forces = float(calc.results["energy"]), calc.results["forces"].tolist()
        else:
            times.append((time.perf_counter() - start) * 1e3)
    with open(args.output, "w") as f:
        json.dump(dict(info, frame_ms=times, first_force_at=first_force_at, energy=energy, forces=forces), f)
    return 0


# --------------------------------------------------------------------------
# parity and the driver
# --------------------------------------------------------------------------

def parity(ref, got) -> dict:
    n = len(ref["forces"])
    fmax = max(abs(x) for row in ref["forces"] for x in row)
    df = max(abs(a - b) for r, g in zip(ref["forces"], got["forces"]) for a, b in zip(r, g))
    return {"energy_error_per_atom": abs(ref["energy"] - got["energy"]) / n, "max_force_error": df,
            "relative_force_error": df / fmax, "max_abs_force": fmax}


def torch_fits(model, atoms, precision) -> tuple[bool, float]:
    estimate = TORCH_MIB_PER_ATOM[(model, precision)] * atoms
    return estimate <= 0.8 * mem_available_mib(), estimate


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default="small,medium")
    p.add_argument("--sizes", default="864,256,10000", help="atoms: 256, 864, 10000")
    p.add_argument("--precisions", default="float32,float64")
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--frames", type=int, default=3, help="timed frames per measurement (after frame 0)")
    p.add_argument("--macemd-frames", type=int, default=10,
                   help="frames of MaceMD's multi-frame run (its per-frame cost is a difference of two "
                        "process wall times: more frames, less noise)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--venv-dir", default=str(ROOT / ".build" / "bench-venvs"))
    p.add_argument("--mace-python", help="an existing mace-torch 0.3.16 python (e.g. /work/venv-ref/bin/python)")
    p.add_argument("--cache", default=str(ROOT / ".build" / "symmetrix-bench-cache"))
    p.add_argument("--macemd", default=str(ROOT / ".build" / "release" / "macemd"))
    p.add_argument("--keep-coretype", action="store_true",
                   help="pass a hand-set OPENBLAS_CORETYPE on (default: removed, as a user runs it)")
    p.add_argument("--worker", choices=("symmetrix", "torch"), help=argparse.SUPPRESS)
    p.add_argument("--worker-frames", type=int, help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--structure", help=argparse.SUPPRESS)
    p.add_argument("--precision", help=argparse.SUPPRESS)
    p.add_argument("--output", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.precisions = [q for q in args.precisions.split(",") if q]
    args.engines = [e for e in args.engines.split(",") if e]
    for m in args.models:
        if m not in ("small", "medium"):
            p.error(f"unknown model '{m}' (small, medium)")
    for s in args.sizes:
        if s not in SIZES:
            p.error(f"unknown size {s} (256, 864, 10000)")
    for q in args.precisions:
        if q not in ("float32", "float64"):
            p.error(f"unknown precision '{q}' (float32, float64)")
    for e in args.engines:
        if e not in ENGINES:
            p.error(f"unknown engine '{e}' ({', '.join(ENGINES)})")
    if args.rounds < 1 or args.frames < 1 or args.threads < 1 or args.macemd_frames < 1:
        p.error("--rounds, --frames, --macemd-frames and --threads must be >= 1")
    args.cache = os.path.abspath(args.cache)
    return args


def median_or_none(values):
    return statistics.median(values) if values else None


def summarise(cells, pythons_info) -> str:
    """The Markdown table of the run (medians over rounds)."""
    head = ("| model | atoms | precision | MaceMD ms/frame (exact) | MaceMD ms/frame (spline) | symmetrix-xl ms/frame "
            "| mace-torch ms/frame | symmetrix-xl / MaceMD time: exact, spline | mace-torch / MaceMD time: exact, spline "
            "| start-up s: MaceMD / symmetrix-xl / mace-torch "
            "| peak MiB: MaceMD / symmetrix-xl / mace-torch | max abs dF / max abs F vs mace-torch float64: "
            "MaceMD exact / MaceMD spline / symmetrix-xl / mace-torch |")
    lines = [head, "|" + "---|" * 12]
    fmt = lambda x, f="{:.0f}": "-" if x is None else f.format(x)
    for c in cells:
        e = c["engines"]
        t = {k: median_or_none([v for r in e.get(k, []) for v in [statistics.median(r["frame_ms"])]]) for k in ENGINES}
        su = {k: median_or_none([r["startup_s"] for r in e.get(k, [])]) for k in ENGINES}
        pk = {k: max([r["peak_rss_mb"] for r in e.get(k, [])], default=None) for k in ENGINES}
        pe = {k: c.get("parity", {}).get(k, {}).get("relative_force_error") for k in ENGINES}
        ratio = lambda a, b: None if a is None or b is None or b == 0 else a / b
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {}, {} | {}, {} | {} / {} / {} | {} / {} / {} | {} / {} / {} / {} |".format(
            c["model"], c["atoms"], c["precision"], fmt(t["macemd"]), fmt(t["macemd-spline"]), fmt(t["symmetrix"]),
            fmt(t["torch"]) if not c.get("torch_skipped") else "skipped (memory)",
            fmt(ratio(t["symmetrix"], t["macemd"]), "{:.2f}"), fmt(ratio(t["symmetrix"], t["macemd-spline"]), "{:.2f}"),
            fmt(ratio(t["torch"], t["macemd"]), "{:.1f}"), fmt(ratio(t["torch"], t["macemd-spline"]), "{:.1f}"),
            fmt(su["macemd"], "{:.1f}"), fmt(su["symmetrix"], "{:.1f}"), fmt(su["torch"], "{:.1f}"),
            fmt(pk["macemd"]), fmt(pk["symmetrix"]), fmt(pk["torch"]),
            fmt(pe["macemd"], "{:.1e}"), fmt(pe["macemd-spline"], "{:.1e}"), fmt(pe["symmetrix"], "{:.1e}"),
            fmt(pe["torch"], "{:.1e}")))
    return "\n".join(lines)


def main(argv) -> int:
    global ARGS
    ARGS = args = parse(argv)
    if args.worker:
        return worker(args)
    if "macemd" in args.engines and not os.access(args.macemd, os.X_OK):
        print(f"{args.macemd}: not found; build it: swift build -c release --product macemd", file=sys.stderr)
        return 2
    os.makedirs(args.cache, exist_ok=True)
    pythons = ensure_venvs()
    files = {m: prepare_model(m, pythons) for m in args.models}
    structures = {n: prepare_structure(n, pythons) for n in args.sizes}
    report = {"command": " ".join(sys.argv), "threads": args.threads, "rounds": args.rounds, "frames": args.frames,
              "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
              "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE") if args.keep_coretype else None,
              "startup_cold_s": {}, "cells": []}

    # symmetrix-xl compiles model-specific C++ at first use: once per model and precision, here.
    if "symmetrix" in args.engines:
        jit = os.path.join(args.cache, "symmetrix-jit")
        for m in args.models:
            for q in args.precisions:
                before = sum(len(f) for _, _, f in os.walk(jit)) if os.path.isdir(jit) else 0
                log(f"{m} {q}: symmetrix-xl first use (JIT compile unless cached)")
                r = python_round("symmetrix", files[m], structures[min(args.sizes)], q, f"prepare_{m}_{q}",
                                 pythons, frames=1)
                after = sum(len(f) for _, _, f in os.walk(jit))
                report["startup_cold_s"][f"{m}/{q}"] = {"startup_s": r["startup_s"], "compiled": after > before}

    # mace-torch float64 reference of frame 0, once per model and size.
    references = {}
    for m in args.models:
        for n in args.sizes:
            path = os.path.join(args.cache, f"reference_{m}_{n}.json")
            fits, estimate = torch_fits(m, n, "float64")
            if not os.path.exists(path) and fits:
                log(f"{m} {n} atoms: mace-torch float64 reference")
                python_round("torch", files[m], structures[n], "float64", f"reference_{m}_{n}", pythons, frames=1)
                os.replace(os.path.join(args.cache, f"reference_{m}_{n}.torch.json"), path)
            if os.path.exists(path):
                with open(path) as f:
                    references[(m, n)] = json.load(f)
            else:
                log(f"{m} {n} atoms: no mace-torch reference (estimated peak {estimate / 1024:.0f} GiB > 80 % "
                    f"of MemAvailable {mem_available_mib() / 1024:.0f} GiB)")

    cells = [{"model": m, "atoms": n, "precision": q, "engines": {}, "loadavg": []}
             for m in args.models for n in args.sizes for q in args.precisions]
    for r in range(args.rounds):
        for c in cells:
            m, n, q = c["model"], c["atoms"], c["precision"]
            for engine in args.engines:
                if engine == "torch":
                    fits, estimate = torch_fits(m, n, q)
                    if not fits:
                        c["torch_skipped"] = f"estimated peak {estimate / 1024:.0f} GiB > 80 % of MemAvailable"
                        continue
                tag = f"{m}_{n}_{q}_r{r}"
                load = os.getloadavg()[0]
                c["loadavg"].append(load)
                log(f"round {r + 1}/{args.rounds} {m} {n} atoms {q}: {engine} (load {load:.1f})")
                if engine == "macemd":
                    result = macemd_round(files[m], structures[n], q, args.macemd_frames, tag)
                elif engine == "macemd-spline":
                    result = macemd_round(files[m], structures[n], q, args.macemd_frames, tag + "_spline", "spline")
                else:
                    result = python_round(engine, files[m], structures[n], q, tag, pythons)
                result["loadavg_1min"] = load
                if (m, n) in references and r == 0:
                    c.setdefault("parity", {})[engine] = parity(references[(m, n)], result)
                result.pop("forces", None)
                c["engines"].setdefault(engine, []).append(result)
    report["cells"] = cells
    results = os.path.join(args.cache, time.strftime("symmetrix_results_%Y%m%d-%H%M%S.json"))
    with open(results, "w") as f:
        json.dump(report, f, indent=1)
    kernels = sorted({r.get("blas", "") for c in cells for r in c["engines"].get("macemd", [])} - {""})
    loads = [x for c in cells for x in c["loadavg"]]
    print(summarise(cells, pythons))
    print()
    print(f"{args.threads} threads, {args.rounds} rounds interleaved, {args.frames} timed frames each; "
          f"1-minute load average {min(loads, default=0):.1f} to {max(loads, default=0):.1f}")
    for k in kernels:
        print(f"MaceMD: {k}")
    backends = sorted({str(r.get("backend")) for c in cells for r in c["engines"].get("symmetrix", [])})
    if backends:
        print(f"symmetrix-xl backend: {', '.join(backends)}")
    for key, v in report["startup_cold_s"].items():
        print(f"symmetrix-xl first use {key}: {v['startup_s']:.1f} s" + (" (JIT compile)" if v["compiled"] else " (cached)"))
    for c in cells:
        if c.get("torch_skipped"):
            print(f"mace-torch skipped for {c['model']} {c['atoms']} atoms {c['precision']}: {c['torch_skipped']}")
    print(f"raw results: {results}")
    return 0


ARGS = None

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
