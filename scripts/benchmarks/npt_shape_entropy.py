#!/usr/bin/env python3
"""How much larger a mean volume a flexible NPT cell samples than a cubic one, for the LJ argon
crystal of `macemd-bench npt` (ε = 0.0104 eV, σ = 3.40 Å, energy shifted to zero at r_c = 8.5 Å).

    python3 -m scripts.benchmarks.npt_shape_entropy [--vstar 9472.17 --atoms 256 --kappa 0.378 --temperature 40]

A barostat that lets the cell change shape also samples the volume-preserving shape modes k. With
K_k the curvature of the energy along mode k (log-strain, as the barostats move it), integrating
them out adds (k_BT/2) Σ_k ln K_k(V) to the free energy, hence a pressure −(k_BT/2V) Σ_k g_k with
g_k = d ln K_k / d ln V, and raises the mean volume by δV = −(κ_T k_BT/2) Σ_k g_k (independent of N).
K_k comes from the static lattice sum at V*/N and V*/N·(1 ± 0.005) (thermal softening ignored).
Modes: two volume-preserving diagonal strains (semi-isotropic moves one of them, anisotropic
both) and three shears (triclinic adds them). Needs numpy only."""
import argparse

import numpy as np

EPS, SIG, RC = 0.0104, 3.40, 8.5
BOLTZMANN = 8.617333262e-5          # eV/K
GPA = 160.21766208                  # GPa per eV/Å³


def pair_energy(r):
    """Energy-shifted 12-6 Lennard-Jones (eV) for distances r (Å) below the cutoff."""
    s6, c6 = (SIG / r) ** 6, (SIG / RC) ** 6
    return 4 * EPS * (s6 * s6 - s6) - 4 * EPS * (c6 * c6 - c6)


def lattice(a, shells=6):
    """fcc lattice vectors (Å) of lattice constant a within r_c + 2 Å of the origin."""
    base = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    n = np.arange(-shells, shells + 1)
    cells = np.stack(np.meshgrid(n, n, n, indexing="ij"), -1).reshape(-1, 3)
    points = (cells[:, None, :] + base[None, :, :]).reshape(-1, 3) * a
    r = np.linalg.norm(points, axis=1)
    return points[(r > 1e-9) & (r < RC + 2)]


def energy_per_atom(vectors, strain):
    """Static energy per atom (eV) after the deformation exp(strain) (strain symmetric)."""
    w, u = np.linalg.eigh(strain)
    r = np.linalg.norm(vectors @ (u @ np.diag(np.exp(w)) @ u.T).T, axis=1)
    return 0.5 * pair_energy(r[r < RC]).sum()


def curvature(a, mode, h=2e-3):
    vectors = lattice(a)
    e = [energy_per_atom(vectors, t * mode) for t in (-h, 0.0, h)]
    return (e[0] - 2 * e[1] + e[2]) / h ** 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vstar", type=float, default=9472.17, help="V* of the equation of state (Å³)")
    parser.add_argument("--atoms", type=int, default=256)
    parser.add_argument("--kappa", type=float, default=0.378, help="κ_T in 1/GPa")
    parser.add_argument("--temperature", type=float, default=40.0, help="K")
    args = parser.parse_args()
    a0 = (4 * args.vstar / args.atoms) ** (1 / 3)
    modes = {
        "diagonal (s, s, −2s)/√3": np.diag([1.0, 1.0, -2.0]) / np.sqrt(3),
        "diagonal (s, −s, 0)/√2": np.diag([1.0, -1.0, 0.0]) / np.sqrt(2),
        "shear xy": np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0.0]]) / np.sqrt(2),
    }
    g = {}
    for name, mode in modes.items():
        k = [curvature(a0 * f ** (1 / 3), mode) for f in (0.995, 1.005)]
        g[name] = np.log(k[1] / k[0]) / np.log(1.005 / 0.995)
        print(f"{name}: K/N = {np.mean(k):.4f} eV, g = d ln K / d ln V = {g[name]:.2f}")
    kappa_kt = args.kappa * GPA * BOLTZMANN * args.temperature     # Å³
    diagonal, shear = list(g.values())[0], g["shear xy"]
    print(f"a(V*) = {a0:.4f} Å, κ_T k_BT = {kappa_kt:.4f} Å³")
    for coupling, total in (("semi-isotropic (1 mode)", diagonal), ("anisotropic (2 modes)", 2 * diagonal),
                            ("triclinic (5 modes)", 2 * diagonal + 3 * shear)):
        print(f"{coupling}: δV = {-0.5 * kappa_kt * total:.2f} Å³ above the isotropic cell's ⟨V⟩")


if __name__ == "__main__":
    main()
