#!/usr/bin/env python3
"""Checks that common readers read a MaceMD AMBER NetCDF trajectory correctly.

    python -m scripts.checks.check_netcdf_readers FILE.nc FILE.xyz

FILE.xyz is the extended XYZ trajectory of the same frames (same positions, cell, elements),
written by MaceMD next to the .nc (the Swift test `AmberTrajectoryTests/writesReaderCheckTrajectory`
writes such pairs when MACEMD_NETCDF_OUT=DIR is set). The .nc holds coordinates in the AMBER
standard orientation (a along x, b in the xy plane); the script rotates the XYZ positions the same
way, with the rotation R solving H R = cellpar_to_cell(cellpar(H)) for periodic cells (identity
for molecules), and compares. Readers: netCDF4 (raw variables), MDAnalysis (NCDF reader, XYZ
topology), mdtraj (NetCDFTrajectoryFile) and ASE's NetCDFTrajectory (also checks elements).
Prints one row per reader and exits non-zero when any check fails.
Needs: netCDF4, MDAnalysis, mdtraj and ASE (scripts/requirements-ase.txt).
"""
import argparse
import sys
import warnings

import numpy as np
from ase import units
from ase.geometry import cellpar_to_cell
from ase.io import read

COORD_TOL = 1e-3   # Å (coordinates are stored as float32)
CELL_TOL = 1e-4    # Å and degrees


def reference(xyz_path):
    """Per frame: rotated positions (Å), cellpar [a b c α β γ] with 0 for non-periodic axes, numbers."""
    frames = []
    for atoms in read(xyz_path, ":", format="extxyz"):
        pbc = atoms.pbc
        cellpar = atoms.cell.cellpar()
        if pbc.all():
            standard = cellpar_to_cell(cellpar)
            rotation = np.linalg.solve(atoms.cell.array, standard)
        elif not pbc.any():
            rotation = np.eye(3)
            cellpar = np.array([0, 0, 0, 90, 90, 90], dtype=float)
        else:
            raise SystemExit("this check handles fully periodic or non-periodic frames only")
        cellpar[:3] *= pbc
        velocities = None
        if atoms.has("momenta"):  # Å/ps, as AMBER stores them
            velocities = atoms.get_velocities() * units.fs * 1000 @ rotation
        frames.append({"positions": atoms.positions @ rotation, "cellpar": cellpar, "velocities": velocities,
                       "numbers": atoms.numbers.copy(), "periodic": bool(pbc.all())})
    return frames


def compare(name, ref, positions, cellpars, numbers=None, note="", velocities=None):
    """One table row: frames, max coordinate deviation, max cell deviation, elements, velocities."""
    ok = len(positions) == len(ref)
    dx = max((np.abs(np.asarray(p, dtype=float) - r["positions"]).max() for p, r in zip(positions, ref)), default=np.inf)
    ok &= dx <= COORD_TOL
    if cellpars is None:
        dcell = "-"
    else:
        d = max(np.abs(np.asarray(c, dtype=float) - r["cellpar"]).max() for c, r in zip(cellpars, ref))
        ok &= d <= CELL_TOL
        dcell = f"{d:.1e}"
    if numbers is None:
        elements = "-"
    else:
        same = all(np.array_equal(n, r["numbers"]) for n, r in zip(numbers, ref))
        ok &= same
        elements = "same" if same else "DIFFER"
    if velocities is None or ref[0]["velocities"] is None:
        dv = "-"
    else:
        d = max(np.abs(np.asarray(v, dtype=float) - r["velocities"]).max() for v, r in zip(velocities, ref))
        ok &= d <= 1e-3 * max(1.0, max(np.abs(r["velocities"]).max() for r in ref))
        dv = f"{d:.1e}"
    print(f"{name:12s} {len(positions):6d} {dx:12.2e} {dcell:>10s} {elements:>8s} {dv:>10s}  {'ok' if ok else 'FAIL'} {note}")
    return ok


def with_netcdf4(nc, ref):
    import netCDF4
    with netCDF4.Dataset(nc) as d:
        conventions = d.getncattr("Conventions")
        fmt = d.data_model
        x = d["coordinates"][:]
        if "cell_lengths" in d.variables:
            cell = list(np.hstack([d["cell_lengths"][:], d["cell_angles"][:]]))
        else:
            cell = [np.array([0, 0, 0, 90, 90, 90], float)] * len(x)
        numbers = [d["atom_types"][:]] * len(x)
        unit = d["coordinates"].units
        v = list(d["velocities"][:]) if "velocities" in d.variables else None
    return compare("netCDF4", ref, list(x), cell, numbers,
                   f"({fmt}, Conventions={conventions}, units={unit})", v)


def with_mdanalysis(nc, xyz, ref):
    import MDAnalysis as mda
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = mda.Universe(xyz, nc, topology_format="XYZ", format="NCDF")
        positions, cells, velocities = [], [], []
        for ts in u.trajectory:
            positions.append(ts.positions.copy())
            velocities.append(ts.velocities.copy() if ts.has_velocities else None)
            dims = ts.dimensions
            cells.append(np.array([0, 0, 0, 90, 90, 90], float) if dims is None else dims.copy())
    velocities = None if any(v is None for v in velocities) else velocities
    return compare("MDAnalysis", ref, positions, cells, None, f"({type(u.trajectory).__name__})", velocities)


def with_mdtraj(nc, ref):
    from mdtraj.formats import NetCDFTrajectoryFile
    with NetCDFTrajectoryFile(nc) as f:
        x, time, lengths, angles = f.read()
    if lengths is None:
        cells = [np.array([0, 0, 0, 90, 90, 90], float)] * len(x)
    else:
        cells = list(np.hstack([lengths, angles]))
    return compare("mdtraj", ref, list(x), cells, None, f"(time {time[0]:.3g}..{time[-1]:.3g} ps)")


def with_ase(nc, ref):
    from ase.io.netcdftrajectory import NetCDFTrajectory
    t = NetCDFTrajectory(nc, "r")
    frames = [t[i] for i in range(len(t))]
    t.close()
    cells = []
    for atoms, r in zip(frames, ref):
        if r["periodic"]:
            cells.append(atoms.cell.cellpar())
        else:
            cells.append(r["cellpar"] if not atoms.pbc.any() else np.full(6, np.inf))
    return compare("ASE", ref, [a.positions for a in frames], cells, [a.numbers for a in frames],
                   "(NetCDFTrajectory; pbc from cell_lengths > 0)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("nc", metavar="FILE.nc")
    parser.add_argument("xyz", metavar="FILE.xyz")
    args = parser.parse_args()
    nc, xyz = args.nc, args.xyz
    ref = reference(xyz)
    print(f"{nc}: {len(ref)} frames of {len(ref[0]['numbers'])} atoms, reference {xyz}")
    print(f"{'reader':12s} {'frames':>6s} {'max|dx| A':>12s} {'max dcell':>10s} {'elements':>8s} {'max|dv|':>10s}  result")
    results = []
    for name, check in (("netCDF4", lambda: with_netcdf4(nc, ref)), ("MDAnalysis", lambda: with_mdanalysis(nc, xyz, ref)),
                        ("mdtraj", lambda: with_mdtraj(nc, ref)), ("ASE", lambda: with_ase(nc, ref))):
        try:
            results.append(check())
        except Exception as error:  # a reader that cannot read the file is a failed check
            print(f"{name:12s} FAIL: cannot read the file: {type(error).__name__}: {error}")
            results.append(False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
