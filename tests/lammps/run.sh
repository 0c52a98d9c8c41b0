#!/usr/bin/env bash
# The LAMMPS tests of pair_style macemd:
#   tests/lammps/run.sh VENV [pytest arguments]
# builds the plugin into VENV (scripts/build_lammps_plugin.sh installs LAMMPS and pytest there
# when missing) and runs tests/lammps with it: energy, forces, per-atom energies and pressure on
# 1, 2 and 4 MPI ranks against `macemd eval`, and a 1000-step NVE run against `macemd run`.
# Needs the macemd tool built (swift build; MACEMD_BIN may name it).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 VENV [pytest arguments]" >&2; exit 64; }
VENV=$(realpath -m "$1"); shift
cd "$(dirname "$0")/../.."
scripts/build_lammps_plugin.sh "$VENV" >/dev/null
"$VENV/bin/python" -c 'import pytest, ase' 2>/dev/null || "$VENV/bin/python" -m pip install --quiet pytest ase numpy
MACEMD_LAMMPS_VENV=$VENV "$VENV/bin/python" -m pytest -q tests/lammps "$@"
