"""MD throughput of the examples: milliseconds per step and ns/day of `macemd run`.

    python -m scripts.benchmarks.md_throughput [--macemd .build/release/macemd]
        [--baseline OTHER/macemd] [--examples water-nvt,copper-nvt] [--rounds 3]

Runs each example's run file (`examples/NAME/run.yaml`, its own structure, model, precision,
thermostat and outputs) for a fixed number of steps (water-nvt 2000, copper-nvt 1000; --steps
overrides) into a scratch directory, with each binary in turn, round after round (interleaved,
so a change in the machine's load affects both alike). The time per step is the run's own
figure ("finished N steps ... in X s", the MD loop after the first force evaluation); a
binary that prints the split ("time per step: ... = model ... + neighbour list ... + ...")
has it reported too, which shows how much of a step is outside the model (neighbour list,
integrator, thermostat, output). Medians over rounds, min-max beside them, the 1-minute load
average of each run recorded. No hand-set OPENBLAS_CORETYPE is passed on.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

from scripts.repo import ROOT

DEFAULT_STEPS = {"water-nvt": 2000, "copper-nvt": 1000}
FINISHED = re.compile(r"finished (\d+) steps \(([\d.]+) ps\) in ([\d.]+) s: ([\d.e+]+) ns/day")
SPLIT = re.compile(r"time per step: ([\d.]+) ms = model ([\d.]+) ms \+ neighbour list ([\d.]+) ms \+ .* ([\d.]+) ms")


def run_once(binary, example, steps, scratch):
    out = os.path.join(scratch, "out")
    shutil.rmtree(out, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    load = os.getloadavg()[0]
    p = subprocess.run([binary, "run", os.path.join(ROOT, "examples", example, "run.yaml"), "--steps", str(steps),
                        "--output", out, "--quiet"], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"{binary} run {example}: exit {p.returncode}: {p.stderr.strip()[-400:]}")
    m = FINISHED.search(p.stdout)
    if not m:
        raise SystemExit(f"{binary} run {example}: no 'finished ...' line in its output")
    n, wall = int(m.group(1)), float(m.group(3))
    result = {"ms_per_step": wall / n * 1e3, "ns_per_day": float(m.group(4)), "load": load}
    s = SPLIT.search(p.stdout)
    if s:
        result.update(model_ms=float(s.group(2)), neighbour_ms=float(s.group(3)), rest_ms=float(s.group(4)))
    kernel = next((l for l in p.stdout.splitlines() if l.startswith("OpenBLAS kernels:")), None)
    if kernel:
        result["blas"] = kernel.split("(")[0].strip()
    return result


def describe(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--macemd", default=os.path.join(ROOT, ".build", "release", "macemd"))
    p.add_argument("--baseline", help="a second macemd binary (e.g. an older commit's release build)")
    p.add_argument("--examples", default="water-nvt,copper-nvt")
    p.add_argument("--steps", type=int, help="steps per run (default: water-nvt 2000, copper-nvt 1000)")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    binaries = {"this": args.macemd} | ({"baseline": args.baseline} if args.baseline else {})
    for name, path in binaries.items():
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path}: not an executable ({name}); build it: swift build -c release --product macemd")
    examples = [e for e in args.examples.split(",") if e]
    for e in examples:
        if not os.path.exists(os.path.join(ROOT, "examples", e, "run.yaml")):
            raise SystemExit(f"examples/{e}/run.yaml: not found")
    results = {(e, b): [] for e in examples for b in binaries}
    with tempfile.TemporaryDirectory(prefix="md-throughput-") as scratch:
        for r in range(args.rounds):
            for e in examples:
                steps = args.steps or DEFAULT_STEPS.get(e, 1000)
                for b, path in binaries.items():
                    res = run_once(path, e, steps, scratch)
                    results[(e, b)].append(res)
                    print(f"round {r + 1}/{args.rounds} {e} {b}: {res['ms_per_step']:.2f} ms/step "
                          f"(load {res['load']:.1f})", file=sys.stderr)
    print("| example | binary | ms per step, median (min–max) | ns/day | model ms/step | neighbour list ms/step | "
          "integrator, output, rest ms/step | 1-min load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (e, b), rs in results.items():
        split = [describe([x[k] for x in rs]) if all(k in x for x in rs) else "–"
                 for k in ("model_ms", "neighbour_ms", "rest_ms")]
        print(f"| {e} | {b} | {describe([x['ms_per_step'] for x in rs])} | "
              f"{statistics.median([x['ns_per_day'] for x in rs]):.3g} | {' | '.join(split)} | "
              f"{min(x['load'] for x in rs):.1f}–{max(x['load'] for x in rs):.1f} |")
    for b, path in binaries.items():
        kernels = sorted({x.get("blas", "") for (e, bb), rs in results.items() if bb == b for x in rs} - {""})
        print(f"{b} = {path}: {', '.join(kernels) or 'no BLAS line printed'}")
    if args.baseline:
        for e in examples:
            ratio = [a["ms_per_step"] / c["ms_per_step"] for a, c in zip(results[(e, "baseline")], results[(e, "this")])]
            print(f"{e}: baseline / this, per round: {', '.join(f'{x:.2f}' for x in ratio)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
