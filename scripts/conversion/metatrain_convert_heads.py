"""One head of a multi-head mace-torch model, as a single-head model (for metatrain_convert.py).

metatrain trains and evaluates one head of a pre-trained multi-head MACE (`mace_head_name`,
metatrain/experimental/mace/utils/mace_head.py); its scale and E0 hold for that head only, so
the converted file keeps that head alone. Readouts (mace-torch 0.3.14 `mace/modules/blocks.py`):

* `LinearReadoutBlock`: o3.Linear hidden → `{n_heads}x0e`; the 0e→0e weight is a row-major
  [C, n_heads] block with path weight 1/√C. Head h is column h (same path weight).
* `NonLinearReadoutBlock`: linear_1 → `{n_heads·m}x0e`, cst·SiLU, `mask_head` (hidden units of
  other heads set to zero: head h owns units [h·m, (h+1)·m), irreps_tools.py `mask_head`),
  linear_2 → `{n_heads}x0e` with path weight 1/√(n_heads·m). Head h alone: linear_1's columns
  [h·m, (h+1)·m) (path weight 1/√C unchanged) and linear_2's rows [h·m, (h+1)·m) of column h,
  times √m/√(n_heads·m) since the new path weight is 1/√m.
"""

from __future__ import annotations

import copy
import math


def single_head_model(model, index: int, name: str):
    """`model` itself when it has one head; else a copy whose readouts, E0 and scale/shift
    are those of head `index`, named `name`."""
    import torch
    from e3nn import o3
    from mace.modules.blocks import LinearReadoutBlock, NonLinearReadoutBlock

    heads = list(getattr(model, "heads", None) or [name])
    if len(heads) == 1:
        model.heads = heads
        return model
    n = len(heads)
    model = copy.deepcopy(model)
    for j, readout in enumerate(model.readouts):
        dtype = next(readout.parameters()).dtype  # new modules in the model's dtype before copying weights
        if type(readout) is LinearReadoutBlock:
            old = readout.linear
            c = old.irreps_in.count((0, 1))
            new = LinearReadoutBlock(old.irreps_in, o3.Irreps("0e")).to(dtype)
            w = scalar_block(old, c, n)
            set_weight(new.linear, w[:, index])
        elif type(readout) is NonLinearReadoutBlock:
            c = readout.linear_1.irreps_in.count((0, 1))
            total = readout.linear_2.irreps_in.count((0, 1))
            m = total // n
            act = readout.non_linearity.acts[0]
            new = NonLinearReadoutBlock(readout.linear_1.irreps_in, o3.Irreps(f"{m}x0e"),
                                        getattr(act, "f", act), o3.Irreps("0e"), num_heads=1).to(dtype)
            w1 = scalar_block(readout.linear_1, c, total)
            set_weight(new.linear_1, w1[:, index * m:(index + 1) * m])
            w2 = scalar_block(readout.linear_2, total, n)
            set_weight(new.linear_2, w2[index * m:(index + 1) * m, index] * math.sqrt(m / total))
        else:
            raise ValueError(f"readout {j} is a {type(readout).__name__}, not a MACE energy readout")
        model.readouts[j] = new
    e0 = model.atomic_energies_fn.atomic_energies
    if e0.ndim == 2:
        model.atomic_energies_fn.atomic_energies = e0[index].clone()
    ss = getattr(model, "scale_shift", None)
    if ss is not None:
        for key in ("scale", "shift"):
            value = getattr(ss, key)
            if torch.is_tensor(value) and value.ndim > 0 and value.numel() == n:
                setattr(ss, key, value[index].clone())
    model.heads = [name]
    return model


def scalar_block(linear, rows: int, cols: int):
    """The 0e→0e weight of an o3.Linear whose input's scalars come first, as [rows, cols]."""
    ins = [i for i in linear.instructions if linear.irreps_in[i.i_in].ir.l == 0]
    if len(ins) != 1 or linear.irreps_in[0].ir.l != 0:
        raise ValueError("readout linear with other than one scalar path")
    return linear.weight.detach()[:rows * cols].reshape(rows, cols)


def set_weight(linear, block):
    import torch
    with torch.no_grad():
        linear.weight.copy_(block.reshape(-1).to(linear.weight.dtype))
