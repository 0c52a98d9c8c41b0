#!/usr/bin/env python3
"""O–O radial distribution function of a water trajectory, with its first peak.

Usage:  python -m scripts.checks.water_rdf TRAJECTORY.(nc|xyz) [-o rdf.svg] [--skip-ps 2] [--rmax 6]

Reads the frames with ASE (AMBER NetCDF or extended XYZ), discards the first --skip-ps
picoseconds as equilibration, histograms all O–O minimum-image distances up to --rmax Å
(at most half the shortest box length), normalises by the ideal-gas pair density, prints
the position and height of the first peak, and plots g(r) to -o (SVG or PNG) with matplotlib.
"""
import argparse

import numpy as np
from ase.io import read


def frames_of(path):
    if path.endswith(".nc"):
        from ase.io.netcdftrajectory import NetCDFTrajectory
        t = NetCDFTrajectory(path)
        return [t[i] for i in range(len(t))]
    return read(path, index=":")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trajectory")
    parser.add_argument("-o", "--output", default="water_rdf.svg")
    parser.add_argument("--skip-ps", type=float, default=2.0)
    parser.add_argument("--rmax", type=float, default=6.0)
    parser.add_argument("--bins", type=int, default=120)
    args = parser.parse_args()

    frames = frames_of(args.trajectory)
    times = [f.info.get("time_fs", None) for f in frames]
    if all(t is not None for t in times):
        frames = [f for f, t in zip(frames, times) if t >= 1000 * args.skip_ps]
    else:   # NetCDF frames carry no time in ASE: assume evenly spaced, skip the same fraction
        frames = frames[len(frames) // 10:]
    if not frames:
        raise SystemExit("no frames left after skipping the equilibration period")
    rmax = min(args.rmax, 0.5 * min(frames[0].cell.lengths()))
    edges = np.linspace(0, rmax, args.bins + 1)
    counts = np.zeros(args.bins)
    density = 0.0
    for atoms in frames:
        o = atoms.positions[atoms.numbers == 8]
        cell = atoms.cell.array
        inv = np.linalg.inv(cell)
        d = o[:, None, :] - o[None, :, :]
        f = d @ inv
        f -= np.round(f)
        r = np.linalg.norm(f @ cell, axis=-1)[np.triu_indices(len(o), 1)]
        counts += np.histogram(r, bins=edges)[0]
        density += len(o) / atoms.get_volume()
    n_frames = len(frames)
    n_o = int(np.sum(frames[0].numbers == 8))
    density /= n_frames
    shell = 4 / 3 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    g = counts / (n_frames * 0.5 * n_o * density * shell)
    centres = 0.5 * (edges[1:] + edges[:-1])
    peak = int(np.argmax(g))
    print(f"{n_frames} frames, {n_o} O atoms; first O–O peak at r = {centres[peak]:.3f} Å, g = {g[peak]:.2f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(centres, g, lw=1.5)
    ax.axhline(1.0, color="0.7", lw=0.8)
    ax.set_xlabel("r (Å)")
    ax.set_ylabel("g$_{OO}$(r)")
    ax.set_title(f"O–O RDF, {n_frames} frames (first peak {centres[peak]:.2f} Å)")
    fig.tight_layout()
    fig.savefig(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
