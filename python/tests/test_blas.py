"""macemd.blas(): the OpenBLAS kernels libmacemd runs, and a host that loaded OpenBLAS first."""
import os
import subprocess
import sys
from pathlib import Path

import macemd
from conftest import model


def test_blas_names_the_kernels():
    line = macemd.blas()
    assert line.startswith("OpenBLAS kernels: "), line


def test_openblas_loaded_by_the_host_is_reported():
    """A host that loaded OpenBLAS with slow kernels before libmacemd: the line says so, and the
    model load warns on stderr with the core to set."""
    code = (
        "import ctypes, os\n"
        "ctypes.CDLL('libopenblas.so.0', mode=ctypes.RTLD_GLOBAL)\n"
        "del os.environ['OPENBLAS_CORETYPE']\n"
        "import macemd\n"
        f"macemd.MaceMDCalculator({model('copper')!r})\n"
        "print(macemd.blas())\n")
    env = dict(os.environ, OPENBLAS_CORETYPE="Prescott",
               PYTHONPATH=os.pathsep.join([str(Path(macemd.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OpenBLAS kernels: Prescott (OpenBLAS was loaded by the host program"), result.stdout
    if "set OPENBLAS_CORETYPE=" in result.stdout:  # a CPU with AVX: Prescott is slower than its best
        assert "libmacemd: warning: OpenBLAS kernels: Prescott" in result.stderr, result.stderr
