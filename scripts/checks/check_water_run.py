#!/usr/bin/env python3
"""Stability check of a water MD run written by `macemd run`.

Usage:  python -m scripts.checks.check_water_run OUTPUT_DIR [--target-K 300] [--skip-ps 2]

Reads OUTPUT_DIR/stats.log and the trajectory (trajectory.nc or trajectory.xyz) and
checks: no NaN in the log; every molecule keeps its O–H bonds (atoms ordered O, H, H per
molecule; both minimum-image O–H distances < 1.3 Å in every frame); the mean temperature
after --skip-ps is within 3 % of --target-K. Prints each check and exits 1 if any fails.
"""
import argparse
import os
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--target-K", type=float, default=300.0)
    parser.add_argument("--skip-ps", type=float, default=2.0)
    args = parser.parse_args()
    stats = np.loadtxt(os.path.join(args.directory, "stats.log"))
    header = open(os.path.join(args.directory, "stats.log")).readline().lstrip("#").split()
    col = {name: k for k, name in enumerate(header)}
    ok = True
    finite = bool(np.all(np.isfinite(stats)))
    print(f"stats rows: {len(stats)}, simulated {stats[-1, col['time_fs']] / 1000:.2f} ps, all finite: {finite}")
    ok &= finite
    late = stats[stats[:, col["time_fs"]] >= 1000 * args.skip_ps]
    mean_t = late[:, col["temperature_K"]].mean()
    deviation = abs(mean_t / args.target_K - 1)
    print(f"mean T after {args.skip_ps} ps: {mean_t:.1f} K ({100 * deviation:.2f} % from {args.target_K} K; limit 3 %)")
    ok &= deviation <= 0.03

    nc = os.path.join(args.directory, "trajectory.nc")
    if os.path.exists(nc):
        from ase.io.netcdftrajectory import NetCDFTrajectory
        t = NetCDFTrajectory(nc)
        frames = [t[i] for i in range(len(t))]
    else:
        from ase.io import read
        frames = read(os.path.join(args.directory, "trajectory.xyz"), ":")
    worst = 0.0
    for atoms in frames:
        x, cell = atoms.positions, atoms.cell.array
        inv = np.linalg.inv(cell)
        for k in (1, 2):
            d = x[k::3] - x[0::3]
            d -= np.round(d @ inv) @ cell
            worst = max(worst, float(np.linalg.norm(d, axis=1).max()))
    print(f"{len(frames)} frames; longest O–H bond in any frame: {worst:.3f} Å (limit 1.3 Å)")
    ok &= worst < 1.3
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
