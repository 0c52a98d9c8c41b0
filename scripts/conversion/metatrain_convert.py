#!/usr/bin/env python3
"""Convert a metatrain `experimental.mace` checkpoint (model.ckpt) into MaceMD's safetensors model.

Usage (in the Python environment metatrain's users train with: `pip install "metatrain[mace]"`):
    python scripts/conversion/metatrain_convert.py model.ckpt OUT.safetensors [--head NAME]

What a metatrain MACE model computes (metatrain 2026.4.1, `metatrain/experimental/mace/model.py`,
`MetaMACE.forward`; mace-torch 0.3.14 is what metatrain[mace] pins):

    E = s · Σ_i node_energy_i  +  Σ_i E0[Z_i]

* `node_energy_i` is the inner mace-torch model's per-atom output (`mace_model`, a `MACE` built
  from the hypers, or the pre-trained model given as the `mace_model` hyper), read by
  `MACEHeadWrapper` (`modules/heads.py`) for the target named by `mace_head_target`.
  Its own E0 is zero (built with zeros, or zeroed by `MetaMACE.__init__` for a pre-trained model,
  whose `scale_shift` is replaced by `FakeScaleShift`, `modules/scale_shift.py`).
* s is the `Scaler`'s scale of that target (`metatrain/scaler/_base_scaler.py`, `forward`:
  `scales[target]`, one value for a per-structure target) and E0 the `CompositionModel`'s
  per-type weights (`metatrain/composition/_base_composition.py`). Both live in the state dict as
  metatensor TensorMaps serialised to `.npz` bytes (`*_scaler_buffer`, `*_composition_buffer`);
  metatrain's own `model_from_checkpoint` (`metatrain/utils/io.py`) restores them, as `mtt export` does.
* Positions, cell and shifts are rotated x,y,z → y,z,x before MACE (`MetaMACE.forward`). A proper
  rotation leaves the energy unchanged, and the forces metatomic returns are −∂E/∂x in the
  original frame, so the converted model needs no rotation (the parity fixtures check forces).

So the file is a mace-torch `ScaleShiftMACE` with scale s, shift 0 and atomic energies
s·E0_inner + E0 (the inner E0 is zero in every checkpoint metatrain writes; a non-zero one is
folded in exactly as metatrain scales it). The weights are the inner model's state dict under its
mace-torch names; the JSON config is built from the live modules with mace_convert.py's
description code (mace-torch 0.3.14's e3nn `nn.Gate` of the non-linear interaction block is
described here, since 0.3.16's `GatedEquivariantBlock` is absent from 0.3.14).

Like `mtt export`, the best model of the checkpoint (`best_model_state_dict`) is converted.
Refused (exit 4, naming the option): the attention interaction block
(`RealAgnosticAttResidualInteractionBlock`), `use_embedding_readout`, a `gate` other than silu,
targets in other units than eV and Å. Targets other than the MACE head's energy (metatrain heads
on top of the MACE features) are left out, and the converter says so.
A pre-trained multi-head MACE is converted with the head metatrain was trained on
(`mace_head_name`); other heads were not trained by metatrain and are not in the file.

Exit status: 0 ok; 2 bad arguments/head; 3 metatrain missing; 4 bad or unsupported input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

try:  # run as `python -m scripts.conversion.metatrain_convert` from the repository
    from .macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, write_safetensors
    from .mace_convert import (W3J_PREFIX, build_config, describe_activation, describe_fc_net,
                               describe_linear, describe_radial_mlp, describe_symmetric_contraction,
                               describe_tensor_product, irreps_entry, quiet_import_mace)
except ImportError:  # run as a file next to macemd_format.py (what `macemd convert` does)
    from macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, write_safetensors
    from mace_convert import (W3J_PREFIX, build_config, describe_activation, describe_fc_net,
                              describe_linear, describe_radial_mlp, describe_symmetric_contraction,
                              describe_tensor_product, irreps_entry, quiet_import_mace)

INSTALL = 'pip install "metatrain[mace]"'
#: Interaction blocks MaceMD runs (Sources/MACE/Model/MACEModelConfig.swift, supportedInteractions).
SUPPORTED_INTERACTIONS = (
    "RealAgnosticInteractionBlock", "RealAgnosticResidualInteractionBlock",
    "RealAgnosticDensityInteractionBlock", "RealAgnosticDensityResidualInteractionBlock",
    "RealAgnosticResidualNonLinearInteractionBlock",
)
#: Length and energy units MaceMD works in ("" is metatrain's default: not given, taken as Å / eV).
LENGTH_UNITS = ("", "angstrom", "a", "å")
ENERGY_UNITS = ("", "ev")


class InputError(Exception):
    """The checkpoint cannot be read or uses an option MaceMD does not run (exit 4)."""


class HeadError(Exception):
    """--head names a head the converted model does not have (exit 2)."""


# --------------------------------------------------------------------------
# reading the checkpoint
# --------------------------------------------------------------------------

def load_metamace(path: str):
    """metatrain's MetaMACE from `path`, built as `mtt export` builds it (best model).

    The checkpoint pickles metatomic's TorchScript `ModelMetadata`; importing metatomic.torch
    registers that class, without which `torch.load` fails ("not known to the runtime").
    """
    import torch
    import metatomic.torch  # noqa: F401  (registers torch.classes.metatomic.ModelMetadata)
    from metatrain.utils.io import model_from_checkpoint

    try:
        checkpoint = torch.load(path, weights_only=False, map_location="cpu")
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"cannot load {path} as a metatrain checkpoint: {type(exc).__name__}: {exc}") from exc
    if not isinstance(checkpoint, dict) or "model_state_dict" not in checkpoint:
        raise InputError(f"{path} is not a metatrain checkpoint (no model_state_dict)")
    arch = checkpoint.get("architecture_name")
    if arch != "experimental.mace":
        raise InputError(f"{path} is a metatrain '{arch}' checkpoint; only 'experimental.mace' "
                         f"(MACE) models can be converted")
    check_hypers(checkpoint["model_data"]["hypers"], path)
    try:
        model = model_from_checkpoint(checkpoint, context="export")
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"metatrain cannot rebuild the model in {path}: {type(exc).__name__}: {exc}") from exc
    return model.eval()


def check_hypers(hypers: dict, path: str) -> None:
    """Refuse, before building anything, the hypers MaceMD cannot run (names the option)."""
    for key in ("interaction", "interaction_first"):
        if hypers.get(key) == "RealAgnosticAttResidualInteractionBlock":
            raise InputError(f"{path}: unsupported option {key}: RealAgnosticAttResidualInteractionBlock "
                             f"(the attention interaction block); MaceMD runs {', '.join(SUPPORTED_INTERACTIONS)}")
    if hypers.get("use_embedding_readout"):
        raise InputError(f"{path}: unsupported option use_embedding_readout: true (embedding readouts)")
    if hypers.get("mace_model") is None and hypers.get("gate") != "silu":
        raise InputError(f"{path}: unsupported option gate: {hypers.get('gate')} (MaceMD's readout is silu)")


def energy_target(meta, path: str):
    """(name, TargetInfo) of the energy MACE's own head predicts (`mace_head_target`)."""
    name = meta.hypers["mace_head_target"]
    targets = meta.dataset_info.targets
    if name not in targets:
        raise InputError(f"{path}: the MACE head target '{name}' is not among the model's targets {list(targets)}")
    info = targets[name]
    if info.quantity != "energy" or info.sample_kind != "system":
        raise InputError(f"{path}: the MACE head target '{name}' is a per-{info.sample_kind} "
                         f"'{info.quantity}', not a per-structure energy")
    length = meta.dataset_info.length_unit
    if length.lower() not in LENGTH_UNITS:
        raise InputError(f"{path}: unsupported option length_unit: {length} (MaceMD works in Å)")
    if info.unit.lower() not in ENERGY_UNITS:
        raise InputError(f"{path}: unsupported option unit: {info.unit} of target '{name}' (MaceMD works in eV)")
    return name, info


def scale_and_baseline(meta, target: str, atomic_numbers: list, path: str):
    """(s, {Z: E0}) of `target`: the Scaler's scale and the CompositionModel's per-type weights."""
    from metatrain.composition import CompositionModel

    if len(meta.additive_models) != 1 or not isinstance(meta.additive_models[0], CompositionModel):
        kinds = [type(m).__name__ for m in meta.additive_models]
        raise InputError(f"{path}: unsupported additive models {kinds} (MaceMD adds a composition baseline only)")
    scales = meta.scaler.model.scales[target]
    if len(scales) != 1 or scales.block(0).values.numel() != 1:
        raise InputError(f"{path}: the scale of '{target}' has several values (a per-atom-type scale)")
    s = float(scales.block(0).values.reshape(-1)[0])
    weights = meta.additive_models[0].model.weights[target]
    block = weights.block(0)
    if len(weights) != 1 or block.values.shape[1] != 1:
        raise InputError(f"{path}: the composition baseline of '{target}' is not one value per atom type")
    e0 = {int(z): float(v) for z, v in zip(block.samples.column("center_type").tolist(),
                                           block.values[:, 0].tolist())}
    missing = [z for z in atomic_numbers if z not in e0]
    if missing:
        raise InputError(f"{path}: the composition baseline of '{target}' has no value for Z = {missing}")
    return s, e0


# --------------------------------------------------------------------------
# describing the inner mace-torch 0.3.14 model
# --------------------------------------------------------------------------

def describe_e3nn_gate(gate) -> dict:
    """e3nn `nn.Gate` in the layout mace_convert's `describe_gate` gives mace 0.3.16's
    `GatedEquivariantBlock` (same numerics, e3nn/nn/_gate.py): the input is the sorted, simplified
    direct sum scalars + gates + gated; every gated block is multiplied channel by channel by its
    gates, which follow one another in the order of `irreps_gated`."""
    scalars, gates, gated = gate.irreps_scalars, gate.irreps_gates, gate.irreps_gated
    unsorted = scalars + gates + gated
    irreps_sorted, perm, _ = unsorted.sort()
    offsets, offset = [], 0
    for mul_ir in irreps_sorted:
        offsets.append(offset)
        offset += mul_ir.dim
    n_s, n_g = len(scalars), len(gates)
    kind = ["s" if int(perm[i]) < n_s else "g" if int(perm[i]) < n_s + n_g else "v"
            for i in range(len(irreps_sorted))]

    def span(k):
        idx = [i for i, c in enumerate(kind) if c == k]
        return [offsets[idx[0]], sum(irreps_sorted[i].dim for i in idx)] if idx else [0, 0]

    gate_offset, cum = [], 0
    for mul_ir in gated:
        gate_offset.append(cum)
        cum += mul_ir.mul
    blocks = [{"start": offsets[i], "length": irreps_sorted[i].dim, "ir_dim": irreps_sorted[i].ir.dim,
               "mul": irreps_sorted[i].mul, "gate_offset": gate_offset[int(perm[i]) - n_s - n_g]}
              for i, c in enumerate(kind) if c == "v"]

    def act(activation):
        a = activation.acts[0] if len(activation.acts) else None
        f = getattr(a, "f", a)
        return (None if f is None else getattr(f, "__name__", type(f).__name__),
                1.0 if a is None or getattr(a, "_is_id", False) else float(a.cst))

    scalar_act, scalar_cst = act(gate.act_scalars)
    gate_act, gate_cst = act(gate.act_gates)
    return {"type": "mace.GatedEquivariantBlock", "irreps_in": irreps_entry(irreps_sorted.simplify()),
            "irreps_out": irreps_entry(gate.irreps_out), "irreps_scalars": irreps_entry(scalars),
            "irreps_gates": irreps_entry(gates), "irreps_gated": irreps_entry(gated), "layout": "mul_ir",
            "scalar_act": scalar_act, "scalar_cst": scalar_cst, "gate_act": gate_act, "gate_cst": gate_cst,
            "scalars_slice": span("s"), "gates_slice": span("g"), "gated_blocks": blocks}


def describe_modules(model):
    """mace_convert.describe_modules for mace-torch 0.3.14 (no mace.modules.gate): walk the
    module tree; return ({path: description}, set of (l1, l2, l3))."""
    from e3nn import nn as e3nn_nn
    from e3nn import o3
    from mace.modules.radial import RadialMLP
    from mace.modules.symmetric_contraction import SymmetricContraction

    out, w3j, gates = {}, set(), []
    for name, mod in model.named_modules():
        if any(name.startswith(g + ".") for g in gates):
            continue  # the Gate's own parts are described by describe_e3nn_gate
        if isinstance(mod, e3nn_nn.Gate):
            out[name] = describe_e3nn_gate(mod)
            gates.append(name)
        elif isinstance(mod, o3.Linear):
            out[name] = describe_linear(mod, name)
        elif isinstance(mod, o3.TensorProduct):
            out[name] = describe_tensor_product(mod, name, w3j)
        elif isinstance(mod, e3nn_nn.FullyConnectedNet):
            out[name] = describe_fc_net(mod, name)
        elif isinstance(mod, e3nn_nn.Activation):
            out[name] = describe_activation(mod)
        elif isinstance(mod, SymmetricContraction):
            out[name] = describe_symmetric_contraction(mod, name)
        elif isinstance(mod, RadialMLP):
            out[name] = describe_radial_mlp(mod, name)
        elif isinstance(mod, o3.SphericalHarmonics):
            out[name] = {"type": "e3nn.o3.SphericalHarmonics", "irreps_out": irreps_entry(mod.irreps_out),
                         "normalize": bool(mod.normalize), "normalization": mod.normalization,
                         "lmax": int(mod._lmax)}
    return out, w3j


def check_inner_model(mace, path: str) -> None:
    """Refuse inner-model options MaceMD cannot run (a pre-trained `mace_model` may hold any)."""
    for i, inter in enumerate(mace.interactions):
        name = type(inter).__name__
        if name not in SUPPORTED_INTERACTIONS:
            what = " (the attention interaction block)" if "Att" in name else ""
            raise InputError(f"{path}: unsupported option interaction: {name}{what} in layer {i}")
    if hasattr(mace, "embedding_readout") or hasattr(mace, "joint_embedding"):
        raise InputError(f"{path}: unsupported option use_embedding_readout / embedding_specs (embedding readouts)")
    for j, readout in enumerate(mace.readouts):
        for act in getattr(getattr(readout, "non_linearity", None), "acts", []):
            f = getattr(act, "f", act)
            if getattr(f, "__name__", "") != "silu":
                raise InputError(f"{path}: unsupported option gate: {getattr(f, '__name__', f)} in readout {j} "
                                 f"(MaceMD's readout is silu)")


# --------------------------------------------------------------------------
# conversion
# --------------------------------------------------------------------------

def convert(input_path: str, output_path: str, head) -> dict:
    """Load, describe and write; returns the config. Raises InputError / HeadError."""
    import torch

    try:
        from .metatrain_convert_heads import single_head_model
    except ImportError:
        from metatrain_convert_heads import single_head_model

    meta = load_metamace(input_path)
    target, info = energy_target(meta, input_path)
    others = [t for t in meta.dataset_info.targets if t != target]
    mace = meta.mace_model
    check_inner_model(mace, input_path)
    heads = list(getattr(mace, "heads", None) or ["Default"])
    trained = heads[meta.mace_head_index]
    if head is not None and head != trained:
        raise HeadError(f"head '{head}' was not trained by metatrain: this checkpoint uses head '{trained}' "
                        f"of its MACE model {heads}")
    mace = single_head_model(mace, meta.mace_head_index, trained)

    atomic_numbers = [int(z) for z in mace.atomic_numbers.tolist()]
    s, e0 = scale_and_baseline(meta, target, atomic_numbers, input_path)
    inner_e0 = torch.atleast_2d(mace.atomic_energies_fn.atomic_energies.detach().double())[0].tolist()
    energies = [s * a + e0[z] for a, z in zip(inner_e0, atomic_numbers)]

    params = list(mace.parameters())
    source_dtype = params[0].dtype if params else torch.get_default_dtype()
    tensors = {k: v for k, v in mace.state_dict().items()}
    modules, w3j = describe_modules(mace)
    carried = add_w3j(tensors, w3j)
    config = build_config(mace, trained, 0, source_dtype)
    config.update({
        "model_class": "ScaleShiftMACE", "scale": [s], "shift": [0.0], "scale_selected": s,
        "shift_selected": 0.0, "atomic_energies": [energies], "atomic_energies_selected": energies,
        "modules": modules, "w3j_tensors": sorted(f"{W3J_PREFIX}{a}_{b}_{c}" for a, b, c in w3j),
        "source": {"framework": "metatrain", "architecture": "experimental.mace",
                   "metatrain_version": package_version("metatrain"), "target": target,
                   "targets_left_out": others, "inner_model_class": type(meta.mace_model).__name__,
                   "scale": s, "composition_E0": [e0[z] for z in atomic_numbers],
                   "inner_atomic_energies": inner_e0, "w3j_from_model": carried},
    })
    tensors["atomic_energies_fn.atomic_energies"] = torch.tensor(energies, dtype=torch.float64)
    tensors["scale_shift.scale"] = torch.tensor(s, dtype=torch.float64)
    tensors["scale_shift.shift"] = torch.tensor(0.0, dtype=torch.float64)
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "config": json.dumps(config, separators=(",", ":"))}
    write_safetensors(output_path, tensors, metadata)
    return config


def add_w3j(tensors: dict, needed: set) -> list:
    """Add `__e3nn__.w3j_l1_l2_l3` for every (l1, l2, l3) in `needed`; return the names taken
    from the model itself.

    e3nn's tensor-product code keeps the Wigner-3j tensors of its non-specialised paths as
    buffers (`..._compiled_main_left_right._w3j_l1_l2_l3`), computed in the torch default dtype
    when the model was built. A model built in float32 (mace-torch's default, e.g. a foundation
    model given to metatrain as `mace_model`) carries them rounded to float32 (~6e-9 off), and
    metatrain evaluates with those, also in float64. They are copied from the model when every
    copy agrees; other paths get e3nn's float64 tensor (as mace_convert.py writes them).
    """
    import torch
    from e3nn import o3

    own: dict = {}
    for key, value in tensors.items():
        if "._w3j_" in key:
            ls = tuple(int(x) for x in key.rsplit("._w3j_", 1)[1].split("_"))
            own.setdefault(ls, []).append(value.detach().double())
    carried = []
    for ls in sorted(needed):
        name = f"{W3J_PREFIX}{ls[0]}_{ls[1]}_{ls[2]}"
        copies = own.get(ls, [])
        if copies and all(torch.equal(c, copies[0]) for c in copies):
            tensors[name] = copies[0]
            carried.append(name)
        else:
            tensors[name] = o3.wigner_3j(*ls, dtype=torch.float64)
    return carried


def package_version(dist: str) -> str:
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001
        return "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="metatrain checkpoint (model.ckpt)")
    parser.add_argument("output", help="output .safetensors file")
    parser.add_argument("--head", default=None, help="head of a pre-trained multi-head MACE (the one metatrain used)")
    args = parser.parse_args(argv)

    import warnings
    warnings.filterwarnings("ignore")
    try:
        quiet_import_mace()
        import metatomic.torch  # noqa: F401
        import metatrain.experimental.mace  # noqa: F401
    except Exception:  # noqa: BLE001
        fail(f"metatrain with MACE is not installed for {sys.executable}: {INSTALL}", 3)
    if not os.path.isfile(args.input):
        fail(f"metatrain_convert: input file not found: {args.input}", 4)
    try:
        config = convert(args.input, args.output, args.head)
    except HeadError as exc:
        fail(f"metatrain_convert: {exc}", 2)
    except InputError as exc:
        fail(f"metatrain_convert: {exc}", 4)
    except Exception as exc:  # noqa: BLE001
        fail(f"metatrain_convert: failed to convert {args.input}: {type(exc).__name__}: {exc}", 4)
    left = config["source"]["targets_left_out"]
    note = f"; targets left out (not MACE's energy head): {', '.join(left)}" if left else ""
    print(f"wrote {args.output}: metatrain MACE, {config['num_interactions']} interactions, "
          f"target '{config['source']['target']}', scale {config['scale_selected']:.6g}{note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
