"""Plot a(T) of fcc Cu: MaceMD's copper-npt runs (examples/copper-npt/out-*/stats.log, second half
of each run) against ASE EMT values from copper_npt_ase.py, with the 0 K values of both.

    python -m scripts.benchmarks.plot_copper_npt --emt 0:3.5898 300:3.6116 900:3.66 --macemd-0K 3.5848
"""
import argparse

import matplotlib
import numpy as np

from scripts.repo import ROOT

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def macemd_points() -> list[tuple[float, float, float, str]]:
    points = []
    for log in sorted((ROOT / "examples/copper-npt").glob("out-*/stats.log")):
        with open(log) as f:
            names = f.readline().lstrip("#").split()
        data = np.loadtxt(log, comments="#")
        half = data[len(data) // 2:]
        a = (half[:, names.index("volume_A3")] / 64) ** (1 / 3)
        blocks = np.array_split(a, 10)
        error = np.std([b.mean() for b in blocks]) / np.sqrt(len(blocks) - 1)
        points.append((half[:, names.index("temperature_K")].mean(), a.mean(), error, log.parent.name))
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emt", nargs="+", default=[], help="T:a pairs from copper_npt_ase.py (K:Å)")
    parser.add_argument("--macemd-0K", type=float, help="MaceMD's 0 K relaxed lattice constant (Å)")
    parser.add_argument("--output", default=str(ROOT / "examples/copper-npt/a_of_T.svg"))
    args = parser.parse_args()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    emt = sorted(tuple(map(float, p.split(":"))) for p in args.emt)
    if emt:
        ax.plot([t for t, _ in emt], [a for _, a in emt], "s--", color="gray", label="ASE EMT (reference)")
    points = macemd_points()
    for t, a, err, name in points:
        marker = "^" if "aniso" in name else "o"
        ax.errorbar([t], [a], yerr=[err], fmt=marker, color="C0" if marker == "o" else "C1")
    iso = sorted((t, a) for t, a, _, name in points if "aniso" not in name)
    if args.macemd_0K:
        iso = [(0.0, args.macemd_0K)] + iso
    ax.plot([t for t, _ in iso], [a for _, a in iso], "-", color="C0", label="MaceMD npt-crescale (iso; ▲ aniso)")
    ax.set_xlabel("T (K)")
    ax.set_ylabel("lattice constant a (Å)")
    ax.set_title("fcc Cu at zero pressure, example Cu model")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
