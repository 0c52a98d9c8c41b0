"""MaceMDCalculator: an ASE calculator that evaluates a MACE model with libmacemd."""
import ctypes

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes
from ase.stress import full_3x3_to_voigt_6_stress

from ._library import MaceMDError, call, check, lib


def _pointer(array, ctype):
    return array.ctypes.data_as(ctypes.POINTER(ctype))


class MaceMDCalculator(Calculator):
    """A MACE model evaluated by MaceMD (energy in eV, forces in eV/Å, stress in eV/Å³).

    Parameters:
        model: a converted model file (``macemd convert`` or scripts/conversion/mace_convert.py).
        precision: "float64" (default) or "float32".
        head: head of a multi-head model (None: the only head, or the one named "default").
        radial: "exact" (default: the radial MLP per edge) or "spline" (the fast radial mode:
            the radial MLP tabulated at load and interpolated; float64 forces within ~1e-5 of
            max|F| of "exact"; refused for models whose radial MLP sees the elements).
        threads: cores per evaluation (None: MACEMD_NUM_THREADS, else all cores; under MPI,
            cores divided by the ranks on the node).

    Properties: energy, free_energy (= energy), forces, energies (per atom, summing to the
    energy) and, for cells periodic along all three axes, stress (ASE's sign, Voigt order
    xx, yy, zz, yz, xz, xy). Errors of MaceMD (unknown element, unreadable model) are raised
    as ``MaceMDError`` with MaceMD's message.
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress", "energies"]

    def __init__(self, model, precision="float64", head=None, threads=None, radial="exact", **kwargs):
        super().__init__(**kwargs)
        self._lib = lib()
        self._model = ctypes.c_void_p()
        call(self._lib.macemd_load_radial, str(model).encode(), precision.encode(),
             head.encode() if head else None, radial.encode(), ctypes.byref(self._model))
        if threads is not None:
            call(self._lib.macemd_set_threads, self._model, int(threads))
        self.model_path, self.precision, self.radial = str(model), precision, radial

    def __del__(self):
        model = getattr(self, "_model", None)
        if model:
            self._lib.macemd_free(model)
            self._model = None

    @property
    def cutoff(self):
        """r_max of the model in Å."""
        value = ctypes.c_double()
        check(self._lib.macemd_cutoff(self._model, ctypes.byref(value)), "macemd_cutoff")
        return value.value

    @property
    def elements(self):
        """Atomic numbers the model knows."""
        n = ctypes.c_int64()
        check(self._lib.macemd_num_elements(self._model, ctypes.byref(n)), "macemd_num_elements")
        out = np.zeros(n.value, dtype=np.int32)
        check(self._lib.macemd_elements(self._model, _pointer(out, ctypes.c_int32)), "macemd_elements")
        return [int(z) for z in out]

    @property
    def threads(self):
        """Cores one evaluation runs on."""
        n = ctypes.c_int64()
        check(self._lib.macemd_threads(self._model, ctypes.byref(n)), "macemd_threads")
        return n.value

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        atoms = self.atoms
        n = len(atoms)
        periodic = bool(np.all(atoms.pbc))
        if "stress" in properties and not periodic:
            raise PropertyNotImplementedError("stress needs a cell periodic along a, b and c")
        positions = np.ascontiguousarray(atoms.get_positions(), dtype=np.float64)
        numbers = np.ascontiguousarray(atoms.get_atomic_numbers(), dtype=np.int32)
        cell = np.ascontiguousarray(atoms.cell.array, dtype=np.float64)
        pbc = np.ascontiguousarray(atoms.pbc, dtype=np.int32)
        no_cell = not atoms.pbc.any() and not cell.any()
        energy = ctypes.c_double()
        forces = np.zeros((n, 3))
        virial = np.zeros((3, 3)) if periodic else None
        energies = np.zeros(n)
        dp = ctypes.c_double
        call(self._lib.macemd_evaluate, self._model, n, _pointer(positions, dp), _pointer(numbers, ctypes.c_int32),
             None if no_cell else _pointer(cell, dp), None if no_cell else _pointer(pbc, ctypes.c_int32),
             ctypes.byref(energy), _pointer(forces, dp),
             None if virial is None else _pointer(virial, dp), _pointer(energies, dp))
        self.results["energy"] = self.results["free_energy"] = energy.value
        self.results["forces"] = forces
        self.results["energies"] = energies
        if virial is not None:
            # σ = −W/V (ASE: positive under tension), in eV/Å³.
            self.results["stress"] = full_3x3_to_voigt_6_stress(-virial / atoms.get_volume())


__all__ = ["MaceMDCalculator", "MaceMDError"]
