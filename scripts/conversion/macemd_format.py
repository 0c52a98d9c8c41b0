#!/usr/bin/env python3
"""MaceMD's model file: safetensors with mace-torch tensor names and a JSON config.

Shared by every converter in scripts/conversion (mace-torch, and the other frameworks'):
it needs only numpy, so a converter run in a framework's own environment (JAX, physicsml,
metatrain) can write the file without mace-torch or torch. The keys of the config are
described in scripts/conversion/mace_model_format.md.

Layout (written with struct + json, no `safetensors` package): 8-byte little-endian header
length N, N bytes of JSON header padded with spaces to a multiple of 8, then the raw
little-endian data of every tensor in sorted-name order. Floating tensors are stored as F64,
integer and boolean ones as I64.

Exit statuses shared by the converters: 0 ok; 2 bad arguments or head; 3 the framework is not
installed for this interpreter; 4 bad or unsupported input (the message names what).
"""

from __future__ import annotations

import json
import os
import struct
import sys
import tempfile

#: The `format` metadata value MaceMD's loader checks.
FORMAT_NAME = "macemd-mace"
#: The `format_version` metadata value MaceMD's loader checks.
FORMAT_VERSION = "1"

#: Exit status: bad command-line arguments or an unknown head.
EXIT_ARGUMENTS = 2
#: Exit status: the framework the source needs is not installed for this interpreter.
EXIT_FRAMEWORK_MISSING = 3
#: Exit status: the source cannot be read or uses an option MaceMD does not run.
EXIT_BAD_INPUT = 4


def fail(message: str, code: int) -> None:
    """Print one line to stderr and exit with `code`."""
    print(message.replace("\n", " "), file=sys.stderr)
    sys.exit(code)


def as_numpy(value):
    """A numpy array from a numpy array, a torch tensor or a JAX array (without importing them)."""
    import numpy as np

    if hasattr(value, "detach"):  # torch.Tensor
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        value = value.numpy()
    return np.asarray(value)


def write_safetensors(path: str, tensors: dict, metadata: dict) -> None:
    """Write `tensors` (name -> array-like) atomically to `path` (temporary file, then rename).

    Floating arrays are stored as F64, integer/bool arrays as I64, little-endian and
    C-contiguous, in sorted-name order; `metadata` values are stored as strings.
    """
    import numpy as np

    header: dict = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = as_numpy(tensors[name])
        if np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype("<f8")
            dtype = "F64"
        elif np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
            arr = arr.astype("<i8")
            dtype = "I64"
        else:
            raise ValueError(f"tensor {name} has unsupported dtype {arr.dtype}")
        data = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".macemd_convert.", suffix=".tmp", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give a normal file mode
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(header_bytes)))
            f.write(header_bytes)
            for data in blobs:
                f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def read_safetensors(path: str):
    """Read a safetensors file: returns (metadata dict, {name: numpy array})."""
    import numpy as np

    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    base = 8 + n
    metadata = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        dt = {"F64": "<f8", "I64": "<i8", "F32": "<f4"}[info["dtype"]]
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(raw[base + a:base + b], dtype=dt).reshape(info["shape"])
    return metadata, out
