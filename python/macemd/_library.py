"""ctypes bindings to libmacemd.so (the functions of include/macemd.h)."""
import ctypes
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t, c_void_p

_ERROR_SIZE = 1024
_lib = None


class MaceMDError(RuntimeError):
    """An error reported by libmacemd: its one-line message (bad model file, unknown element...)."""


def library_path():
    """The libmacemd.so in use: $MACEMD_LIBRARY if set, else the one installed in this package."""
    path = os.environ.get("MACEMD_LIBRARY")
    if path:
        return path
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libmacemd.so")


def lib():
    """The loaded library with its function signatures declared (loaded once)."""
    global _lib
    if _lib is not None:
        return _lib
    path = library_path()
    if not os.path.exists(path):
        raise MaceMDError(f"{path}: libmacemd.so not found (run scripts/install_python.sh, "
                          "or set MACEMD_LIBRARY to a built libmacemd.so)")
    l = ctypes.CDLL(path)
    dp, ip, i64p = POINTER(c_double), POINTER(c_int32), POINTER(c_int64)
    err = [c_char_p, c_size_t]
    sig = {
        "macemd_version": (c_char_p, []),
        "macemd_blas": (c_char_p, []),
        "macemd_load": (c_int, [c_char_p, c_char_p, c_char_p, POINTER(c_void_p)] + err),
        "macemd_load_radial": (c_int, [c_char_p, c_char_p, c_char_p, c_char_p, POINTER(c_void_p)] + err),
        "macemd_free": (None, [c_void_p]),
        "macemd_cutoff": (c_int, [c_void_p, dp]),
        "macemd_num_interactions": (c_int, [c_void_p, i64p]),
        "macemd_num_elements": (c_int, [c_void_p, i64p]),
        "macemd_elements": (c_int, [c_void_p, ip]),
        "macemd_num_heads": (c_int, [c_void_p, i64p]),
        "macemd_head_name": (c_int, [c_void_p, c_int64, c_char_p, c_size_t] + err),
        "macemd_set_threads": (c_int, [c_void_p, c_int64] + err),
        "macemd_threads": (c_int, [c_void_p, i64p]),
        "macemd_evaluate": (c_int, [c_void_p, c_int64, dp, ip, dp, ip, dp, dp, dp, dp] + err),
    }
    for name, (restype, argtypes) in sig.items():
        f = getattr(l, name)
        f.restype, f.argtypes = restype, argtypes
    _lib = l
    return l


def call(function, *args):
    """Calls a libmacemd function that takes an error buffer; raises MaceMDError on failure."""
    buffer = ctypes.create_string_buffer(_ERROR_SIZE)
    if function(*args, buffer, _ERROR_SIZE) != 0:
        raise MaceMDError(buffer.value.decode("utf-8", "replace"))


def check(status, what):
    """Raises MaceMDError when an accessor without an error buffer failed."""
    if status != 0:
        raise MaceMDError(f"{what} failed")


def version():
    """The version of the loaded libmacemd."""
    return lib().macemd_version().decode()


def blas():
    """One line naming the OpenBLAS kernels libmacemd's matrix products run on, and how they
    were chosen (e.g. "OpenBLAS kernels: Cooperlake (chosen by MaceMD from the CPU flags; ...)")."""
    return lib().macemd_blas().decode()
