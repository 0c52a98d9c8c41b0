"""A small, vectorised flexible SPC/Fw water force field for sampling water geometries.

Used only to generate *configurations* (scripts/training/make_water_data.py labels them with
GFN2-xTB). Parameters from Wu, Tepper & Voth, J. Chem. Phys. 124, 024503 (2006):
harmonic O–H bonds (k_b = 1059.162 kcal/mol/Å², r0 = 1.012 Å) and H–O–H angles
(k_θ = 75.90 kcal/mol/rad², θ0 = 113.24°), charges q_O = −0.82 e, q_H = +0.41 e, O–O
Lennard-Jones (σ = 3.165492 Å, ε = 0.1554253 kcal/mol). Intermolecular Coulomb uses the
damped shifted-force form (Fennell & Gezelter 2006) with α = 0.2 /Å and a cutoff of half the
box, so energy and forces go smoothly to zero there. Atoms must be ordered O, H, H per
molecule in a cubic periodic box.
"""
import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from scipy.special import erfc

KCAL = 0.0433641043  # eV per kcal/mol
KE = 14.399645       # e²/(4πε0) in eV·Å
KB, R0 = 1059.162 * KCAL, 1.012
KTHETA, THETA0 = 75.90 * KCAL, np.deg2rad(113.24)
SIGMA, EPS = 3.165492, 0.1554253 * KCAL
ALPHA = 0.2


class SPCFw(Calculator):
    implemented_properties = ["energy", "forces"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        x = self.atoms.get_positions()
        length = self.atoms.cell[0, 0]
        n = len(x)
        q = np.tile([-0.82, 0.41, 0.41], n // 3)
        mol = np.arange(n) // 3
        energy, forces = 0.0, np.zeros_like(x)

        # Intramolecular bonds and angles.
        o, h1, h2 = x[0::3], x[1::3], x[2::3]
        for hk, idx in ((h1, 1), (h2, 2)):
            d = hk - o
            d -= length * np.round(d / length)
            r = np.linalg.norm(d, axis=1)
            energy += 0.5 * KB * np.sum((r - R0) ** 2)
            f = (-KB * (r - R0) / r)[:, None] * d
            forces[idx::3] += f
            forces[0::3] -= f
        a = h1 - o; a -= length * np.round(a / length)
        b = h2 - o; b -= length * np.round(b / length)
        ra, rb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
        cos = np.clip(np.sum(a * b, axis=1) / (ra * rb), -1, 1)
        theta = np.arccos(cos)
        energy += 0.5 * KTHETA * np.sum((theta - THETA0) ** 2)
        dE = KTHETA * (theta - THETA0) * (-1 / np.sqrt(1 - cos ** 2 + 1e-300))  # dE/dcos
        dcos_da = b / (ra * rb)[:, None] - (cos / ra ** 2)[:, None] * a
        dcos_db = a / (ra * rb)[:, None] - (cos / rb ** 2)[:, None] * b
        forces[1::3] -= dE[:, None] * dcos_da
        forces[2::3] -= dE[:, None] * dcos_db
        forces[0::3] += dE[:, None] * (dcos_da + dcos_db)

        # Intermolecular pairs (minimum image, cutoff half the box).
        rc = 0.5 * length - 1e-6
        i, j = np.triu_indices(n, 1)
        keep = mol[i] != mol[j]
        i, j = i[keep], j[keep]
        d = x[j] - x[i]
        d -= length * np.round(d / length)
        r = np.linalg.norm(d, axis=1)
        inside = r < rc
        i, j, d, r = i[inside], j[inside], d[inside], r[inside]
        qq = KE * q[i] * q[j]
        erfc_rc = erfc(ALPHA * rc) / rc
        slope = erfc(ALPHA * rc) / rc ** 2 + 2 * ALPHA / np.sqrt(np.pi) * np.exp(-(ALPHA * rc) ** 2) / rc
        energy += np.sum(qq * (erfc(ALPHA * r) / r - erfc_rc + slope * (r - rc)))
        dvdr = qq * (-erfc(ALPHA * r) / r ** 2 - 2 * ALPHA / np.sqrt(np.pi) * np.exp(-(ALPHA * r) ** 2) / r + slope)
        oo = (i % 3 == 0) & (j % 3 == 0)
        s6 = (SIGMA / r[oo]) ** 6
        s6c = (SIGMA / rc) ** 6
        energy += np.sum(4 * EPS * (s6 * s6 - s6) - 4 * EPS * (s6c * s6c - s6c))
        dvdr[oo] += -24 * EPS * (2 * s6 * s6 - s6) / r[oo]
        f = (dvdr / r)[:, None] * d   # gradient with respect to x_j
        np.add.at(forces, j, -f)
        np.add.at(forces, i, f)
        self.results = {"energy": energy, "forces": forces}
