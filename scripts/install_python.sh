#!/usr/bin/env bash
# Installs the `macemd` Python package (ASE calculator) into PYTHON's environment:
#   scripts/install_python.sh /path/to/venv/bin/python
# Builds libmacemd.so (scripts/build_library.sh) unless MACEMD_LIBRARY names a built one,
# copies it into python/macemd/ and runs `PYTHON -m pip install ./python`.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PYTHON" >&2; exit 64; }
PYTHON=$1
cd "$(dirname "$0")/.."
"$PYTHON" -c 'import sys' 2>/dev/null || { echo "$0: $PYTHON is not a Python interpreter" >&2; exit 1; }
if [ -n "${MACEMD_LIBRARY:-}" ]; then
  [ -f "$MACEMD_LIBRARY" ] || { echo "$0: MACEMD_LIBRARY=$MACEMD_LIBRARY: no such file" >&2; exit 1; }
  library=$MACEMD_LIBRARY
else
  library=$(scripts/build_library.sh)
fi
cp -f "$library" python/macemd/libmacemd.so
"$PYTHON" -m pip install --quiet --force-reinstall --no-deps ./python
"$PYTHON" -m pip install --quiet numpy ase
"$PYTHON" -c 'import macemd; print("macemd", macemd.version(), "installed:", macemd.library_path())'
