"""MaceMD's MACE evaluator from Python: an ASE calculator over libmacemd.so.

    from macemd import MaceMDCalculator
    atoms.calc = MaceMDCalculator("model.safetensors", precision="float64")
"""
from ._library import MaceMDError, blas, library_path, version
from .calculator import MaceMDCalculator

__all__ = ["MaceMDCalculator", "MaceMDError", "blas", "library_path", "version"]
