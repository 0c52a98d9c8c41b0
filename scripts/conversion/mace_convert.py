#!/usr/bin/env python3
"""Convert a pickled mace-torch model into one safetensors file for MaceMD.

Usage:
    python scripts/conversion/mace_convert.py INPUT.model OUTPUT.safetensors [--head NAME]

INPUT.model is a whole pickled model as `mace_run_train` saves it
(`torch.save(model, path)`); it is loaded with
`torch.load(path, weights_only=False, map_location="cpu")`.

OUTPUT.safetensors holds
  * every `state_dict()` entry under its mace-torch name, floating tensors
    as F64, integer and boolean buffers as I64;
  * extra tensors `__e3nn__.w3j_{l1}_{l2}_{l3}` (F64): e3nn's real Wigner-3j
    coupling tensors for every tensor-product instruction of the model;
  * `__metadata__` = {"format": "macemd-mace", "format_version": "1",
    "config": <JSON string>}: every hyperparameter needed to rebuild the model
    and the e3nn structure of every sub-module (irreps, instructions, path
    weights, weight offsets, activation constants), read off the live objects.

The file is written by macemd_format.py (next to this script; no `safetensors`
dependency). See scripts/conversion/mace_model_format.md for every key.

Exit status: 0 ok; 2 bad arguments/head; 3 mace-torch missing; 4 bad input.
The output is written to a temporary file next to OUTPUT and renamed, so a
failed run never leaves a partial file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

try:  # run as `python -m scripts.conversion.mace_convert` from the repository
    from .macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, read_safetensors, write_safetensors
except ImportError:  # run as a file next to macemd_format.py (what `macemd convert` does)
    from macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, read_safetensors, write_safetensors

W3J_PREFIX = "__e3nn__.w3j_"


# --------------------------------------------------------------------------
# description of e3nn / mace modules, read off the live objects
# --------------------------------------------------------------------------

def irreps_list(irreps) -> list:
    """[(mul, l, parity)] of an e3nn Irreps."""
    return [[int(mul), int(ir.l), int(ir.p)] for mul, ir in irreps]


def irreps_entry(irreps) -> dict:
    return {"str": str(irreps), "list": irreps_list(irreps), "dim": int(irreps.dim)}


def act_entry(act) -> dict:
    """Describe an activation (possibly wrapped in e3nn normalize2mom)."""
    if act is None:
        return {"name": None}
    f = getattr(act, "f", act)
    name = getattr(f, "__name__", type(f).__name__)
    entry = {"name": name}
    if hasattr(act, "cst"):
        entry["normalize2mom_cst"] = float(act.cst)
        entry["is_identity_scaling"] = bool(getattr(act, "_is_id", False))
        entry["effective_scale"] = 1.0 if entry["is_identity_scaling"] else float(act.cst)
    else:
        entry["effective_scale"] = 1.0
    return entry


def describe_linear(mod, name: str) -> dict:
    instructions = []
    offset = 0
    for ins in mod.instructions:
        if ins.i_in == -1:
            instructions.append({"i_in": -1, "i_out": int(ins.i_out),
                                 "path_shape": list(ins.path_shape),
                                 "path_weight": float(ins.path_weight), "bias": True})
            continue
        n = math.prod(ins.path_shape)
        instructions.append({"i_in": int(ins.i_in), "i_out": int(ins.i_out),
                             "path_shape": list(ins.path_shape),
                             "path_weight": float(ins.path_weight),
                             "weight_offset": offset, "weight_numel": n})
        offset += n
    return {"type": "e3nn.o3.Linear", "irreps_in": irreps_entry(mod.irreps_in),
            "irreps_out": irreps_entry(mod.irreps_out), "instructions": instructions,
            "weight_numel": int(mod.weight_numel), "bias_numel": int(mod.bias_numel),
            "internal_weights": bool(mod.internal_weights),
            "shared_weights": bool(mod.shared_weights),
            "weight": f"{name}.weight", "bias": f"{name}.bias"}


def describe_tensor_product(mod, name: str, w3j_needed: set) -> dict:
    instructions = []
    offset = 0
    for ins in mod.instructions:
        l1 = mod.irreps_in1[ins.i_in1].ir.l
        l2 = mod.irreps_in2[ins.i_in2].ir.l
        l3 = mod.irreps_out[ins.i_out].ir.l
        w3j_needed.add((l1, l2, l3))
        entry = {"i_in1": int(ins.i_in1), "i_in2": int(ins.i_in2), "i_out": int(ins.i_out),
                 "connection_mode": ins.connection_mode, "has_weight": bool(ins.has_weight),
                 "path_weight": float(ins.path_weight), "path_shape": list(ins.path_shape),
                 "l1_l2_l3": [l1, l2, l3], "w3j": f"{W3J_PREFIX}{l1}_{l2}_{l3}"}
        if ins.has_weight:
            n = math.prod(ins.path_shape)
            entry["weight_offset"] = offset
            entry["weight_numel"] = n
            offset += n
        instructions.append(entry)
    return {"type": "e3nn.o3." + type(mod).__name__,
            "irreps_in1": irreps_entry(mod.irreps_in1),
            "irreps_in2": irreps_entry(mod.irreps_in2),
            "irreps_out": irreps_entry(mod.irreps_out),
            "instructions": instructions, "weight_numel": int(mod.weight_numel),
            "internal_weights": bool(mod.internal_weights),
            "shared_weights": bool(mod.shared_weights),
            "weight": f"{name}.weight" if mod.internal_weights else None}


def describe_fc_net(mod, name: str) -> dict:
    layers = []
    for i in range(len(mod.hs) - 1):
        layer = getattr(mod, f"layer{i}")
        layers.append({"weight": f"{name}.layer{i}.weight", "h_in": int(layer.h_in),
                       "h_out": int(layer.h_out), "var_in": float(layer.var_in),
                       "var_out": float(layer.var_out), "activation": act_entry(layer.act)})
    return {"type": "e3nn.nn.FullyConnectedNet", "hs": [int(h) for h in mod.hs],
            "layers": layers}


def describe_activation(mod) -> dict:
    return {"type": "e3nn.nn.Activation", "irreps_in": irreps_entry(mod.irreps_in),
            "irreps_out": irreps_entry(mod.irreps_out),
            "acts": [act_entry(a) for a in mod.acts]}


def describe_gate(mod) -> dict:
    def fname(f):
        return None if f is None else getattr(f, "__name__", type(f).__name__)
    return {"type": "mace.GatedEquivariantBlock",
            "irreps_in": irreps_entry(mod.irreps_in),
            "irreps_out": irreps_entry(mod.irreps_out),
            "irreps_scalars": irreps_entry(mod.irreps_scalars),
            "irreps_gates": irreps_entry(mod.irreps_gates),
            "irreps_gated": irreps_entry(mod.irreps_gated),
            "layout": "ir_mul" if mod._layout_is_ir_mul else "mul_ir",
            "scalar_act": fname(mod._act_scalar), "scalar_cst": float(mod._scalar_cst),
            "gate_act": fname(mod._act_gate), "gate_cst": float(mod._gate_cst),
            "scalars_slice": [int(mod._s_start), int(mod._s_len)],
            "gates_slice": [int(mod._g_start), int(mod._g_len)],
            "gated_blocks": [{"start": int(a), "length": int(b), "ir_dim": int(c),
                              "mul": int(d), "gate_offset": int(e)}
                             for a, b, c, d, e in mod._gated_info]}


def describe_symmetric_contraction(mod, name: str) -> dict:
    contractions = []
    for j, c in enumerate(mod.contractions):
        cname = f"{name}.contractions.{j}"
        corr = int(c.correlation)
        weights = {str(corr): f"{cname}.weights_max"}
        for idx in range(corr - 1):
            weights[str(corr - 1 - idx)] = f"{cname}.weights.{idx}"
        u = {str(nu): {"name": f"{cname}.U_matrix_{nu}",
                       "shape": list(getattr(c, f"U_matrix_{nu}").shape)}
             for nu in range(1, corr + 1)}
        contractions.append({
            "irrep_out": irreps_entry(mod.irreps_out[j:j + 1]),
            "correlation": corr, "num_features": int(c.num_features),
            "coupling_irreps": irreps_entry(c.coupling_irreps),
            "U_matrices": u, "weights_by_nu": weights,
            "num_elements": int(c.weights_max.shape[0]),
        })
    return {"type": "mace.SymmetricContraction", "irreps_in": irreps_entry(mod.irreps_in),
            "irreps_out": irreps_entry(mod.irreps_out), "contractions": contractions}


def describe_radial_mlp(mod, name: str) -> dict:
    import torch
    layers = []
    for i, m in enumerate(mod.net):
        if isinstance(m, torch.nn.Linear):
            layers.append({"kind": "linear", "weight": f"{name}.net.{i}.weight",
                           "bias": f"{name}.net.{i}.bias" if m.bias is not None else None,
                           "in": int(m.in_features), "out": int(m.out_features)})
        elif isinstance(m, torch.nn.LayerNorm):
            layers.append({"kind": "layer_norm", "weight": f"{name}.net.{i}.weight",
                           "bias": f"{name}.net.{i}.bias", "eps": float(m.eps),
                           "shape": list(m.normalized_shape),
                           "elementwise_affine": bool(m.elementwise_affine)})
        elif isinstance(m, torch.nn.SiLU):
            layers.append({"kind": "silu"})
        else:
            layers.append({"kind": type(m).__name__})
    return {"type": "mace.RadialMLP", "hs": [int(h) for h in mod.hs], "layers": layers}


def describe_modules(model):
    """Walk the module tree; return ({path: description}, set of (l1,l2,l3))."""
    from e3nn import nn as e3nn_nn
    from e3nn import o3
    from mace.modules.gate import GatedEquivariantBlock
    from mace.modules.radial import RadialMLP
    from mace.modules.symmetric_contraction import SymmetricContraction

    out = {}
    w3j = set()
    for name, mod in model.named_modules():
        if isinstance(mod, o3.Linear):
            out[name] = describe_linear(mod, name)
        elif isinstance(mod, o3.TensorProduct):
            out[name] = describe_tensor_product(mod, name, w3j)
        elif isinstance(mod, e3nn_nn.FullyConnectedNet):
            out[name] = describe_fc_net(mod, name)
        elif isinstance(mod, e3nn_nn.Activation):
            out[name] = describe_activation(mod)
        elif isinstance(mod, GatedEquivariantBlock):
            out[name] = describe_gate(mod)
        elif isinstance(mod, SymmetricContraction):
            out[name] = describe_symmetric_contraction(mod, name)
        elif isinstance(mod, RadialMLP):
            out[name] = describe_radial_mlp(mod, name)
        elif isinstance(mod, o3.SphericalHarmonics):
            out[name] = {"type": "e3nn.o3.SphericalHarmonics",
                         "irreps_out": irreps_entry(mod.irreps_out),
                         "normalize": bool(mod.normalize),
                         "normalization": mod.normalization, "lmax": int(mod._lmax)}
    return out, w3j


# --------------------------------------------------------------------------
# model-level configuration
# --------------------------------------------------------------------------

def scalar(t) -> float:
    return float(t.detach().cpu().reshape(-1)[0].item())


def tensor_list(t) -> list:
    return t.detach().cpu().to(dtype=__import__("torch").float64).tolist()


def select_head(heads: list, requested):
    """Mirror MACECalculator's rule; returns (name, index) or raises ValueError."""
    if requested is not None:
        if requested not in heads:
            raise ValueError(f"head '{requested}' not in model heads {heads}")
        return requested, heads.index(requested)
    if len(heads) == 1:
        return heads[0], 0
    defaults = [h for h in heads if h.lower() == "default"]
    if not defaults:
        raise ValueError(f"model has several heads {heads} and none is 'default': pass --head NAME")
    return defaults[0], heads.index(defaults[0])


def radial_config(model) -> dict:
    from mace.modules.radial import (AgnesiTransform, BesselBasis, ChebychevBasis,
                                     GaussianBasis, SoftTransform)
    re = model.radial_embedding
    fn = re.bessel_fn
    cfg: dict = {}
    if isinstance(fn, BesselBasis):
        cfg["radial_type"] = "bessel"
        cfg["num_bessel"] = int(fn.bessel_weights.numel())
        cfg["bessel"] = {"weights": "radial_embedding.bessel_fn.bessel_weights",
                         "prefactor": scalar(fn.prefactor), "r_max": scalar(fn.r_max)}
    elif isinstance(fn, GaussianBasis):
        cfg["radial_type"] = "gaussian"
        cfg["num_bessel"] = int(fn.gaussian_weights.numel())
        cfg["gaussian"] = {"centers": "radial_embedding.bessel_fn.gaussian_weights",
                           "coeff": float(fn.coeff)}
    elif isinstance(fn, ChebychevBasis):
        cfg["radial_type"] = "chebyshev"
        cfg["num_bessel"] = int(fn.num_basis)
        cfg["chebyshev"] = {"n": "radial_embedding.bessel_fn.n", "r_max": float(fn.r_max)}
    else:
        raise ValueError(f"unknown radial basis {type(fn).__name__}")
    cfg["num_polynomial_cutoff"] = int(re.cutoff_fn.p.item())
    cfg["cutoff_r_max"] = scalar(re.cutoff_fn.r_max)
    cfg["apply_cutoff"] = bool(getattr(re, "apply_cutoff", True))
    cfg["radial_out_dim"] = int(re.out_dim)
    dt = getattr(re, "distance_transform", None)
    if dt is None:
        cfg["distance_transform"] = "None"
    elif isinstance(dt, AgnesiTransform):
        cfg["distance_transform"] = "Agnesi"
        cfg["distance_transform_params"] = {
            "q": scalar(dt.q), "p": scalar(dt.p), "a": scalar(dt.a),
            "covalent_radii": "radial_embedding.distance_transform.covalent_radii"}
    elif isinstance(dt, SoftTransform):
        cfg["distance_transform"] = "Soft"
        cfg["distance_transform_params"] = {
            "alpha": scalar(dt.alpha),
            "covalent_radii": "radial_embedding.distance_transform.covalent_radii"}
    else:
        raise ValueError(f"unknown distance transform {type(dt).__name__}")
    return cfg


def build_config(model, head_name: str, head_index: int, source_dtype) -> dict:
    import e3nn
    import mace
    import torch

    heads = list(model.heads)
    n_inter = len(model.interactions)
    atomic_numbers = [int(z) for z in model.atomic_numbers.tolist()]
    inter0 = model.interactions[0]
    if n_inter > 1:
        hidden_irreps = model.interactions[1].node_feats_irreps
    else:
        hidden_irreps = model.products[0].linear.irreps_out
    ae = torch.atleast_2d(model.atomic_energies_fn.atomic_energies.detach().cpu().double())
    cfg = {
        "model_class": type(model).__name__,
        "mace_version": package_version("mace-torch", mace),
        "e3nn_version": e3nn.__version__,
        "torch_version": torch.__version__,
        "source_dtype": str(source_dtype).replace("torch.", ""),
        "r_max": scalar(model.r_max),
        "num_interactions": n_inter,
        "num_elements": len(atomic_numbers),
        "atomic_numbers": atomic_numbers,
        "heads": heads,
        "head": head_name,
        "head_index": head_index,
        "atomic_energies": ae.tolist(),
        "atomic_energies_selected": ae[head_index].tolist(),
        "hidden_irreps": irreps_entry(hidden_irreps),
        "node_attr_irreps": irreps_entry(inter0.node_attrs_irreps),
        "node_feats_irreps_first": irreps_entry(inter0.node_feats_irreps),
        "sh_irreps": irreps_entry(model.spherical_harmonics.irreps_out),
        "max_ell": int(model.spherical_harmonics._lmax),
        "edge_irreps": (None if getattr(model, "edge_irreps", None) is None
                        else irreps_entry(model.edge_irreps)),
        "use_edge_irreps_first": bool(getattr(model, "use_edge_irreps_first", False)),
        "use_reduced_cg": bool(getattr(model, "use_reduced_cg", False)),
        "use_so3": bool(getattr(model, "use_so3", False)),
        "use_agnostic_product": bool(getattr(model, "use_agnostic_product", False)),
        "use_last_readout_only": bool(getattr(model, "use_last_readout_only", False)),
        "use_embedding_readout": hasattr(model, "embedding_readout"),
        "has_joint_embedding": hasattr(model, "joint_embedding"),
        "embedding_specs": None,
        "pair_repulsion": hasattr(model, "pair_repulsion"),
    }
    if hasattr(model, "joint_embedding"):
        cfg["embedding_specs"] = json.loads(json.dumps(getattr(model, "embedding_specs", None),
                                                       default=str))
    cfg.update(radial_config(model))
    if cfg["pair_repulsion"]:
        z = model.pair_repulsion_fn
        cfg["zbl"] = {"p": int(z.p.item()), "c": tensor_list(z.c),
                      "a_exp": scalar(z.a_exp), "a_prefactor": scalar(z.a_prefactor),
                      "covalent_radii": "pair_repulsion_fn.covalent_radii",
                      "bohr_factor": 0.529, "coulomb_constant": 14.3996,
                      "exponents": [3.2, 0.9423, 0.4028, 0.2016]}
    if hasattr(model, "scale_shift"):
        cfg["scale"] = [float(x) for x in torch.atleast_1d(model.scale_shift.scale).tolist()]
        cfg["shift"] = [float(x) for x in torch.atleast_1d(model.scale_shift.shift).tolist()]
        cfg["scale_selected"] = cfg["scale"][head_index if len(cfg["scale"]) > 1 else 0]
        cfg["shift_selected"] = cfg["shift"][head_index if len(cfg["shift"]) > 1 else 0]
    layers = []
    for i, (inter, prod) in enumerate(zip(model.interactions, model.products)):
        sc = prod.symmetric_contractions
        layers.append({
            "interaction_class": type(inter).__name__,
            "node_feats_irreps": irreps_entry(inter.node_feats_irreps),
            "edge_irreps": irreps_entry(inter.linear_up.irreps_out),
            "target_irreps": irreps_entry(inter.target_irreps),
            "hidden_irreps": irreps_entry(prod.linear.irreps_out),
            "avg_num_neighbors": float(inter.avg_num_neighbors),
            "radial_MLP": [int(h) for h in inter.conv_tp_weights.hs[1:-1]],
            "correlation": int(sc.contractions[0].correlation),
            "product_irreps_in": irreps_entry(sc.irreps_in),
            "product_irreps_out": irreps_entry(sc.irreps_out),
            "product_use_sc": bool(getattr(prod, "use_sc", True)),
            "product_use_agnostic_product": bool(getattr(prod, "use_agnostic_product", False)),
        })
    cfg["layers"] = layers
    cfg["correlation"] = [l["correlation"] for l in layers]
    cfg["interaction_classes"] = [l["interaction_class"] for l in layers]
    cfg["avg_num_neighbors"] = layers[0]["avg_num_neighbors"]
    cfg["radial_MLP"] = layers[0]["radial_MLP"]
    readouts = []
    n_read = len(model.readouts)
    for i, r in enumerate(model.readouts):
        entry = {"class": type(r).__name__,
                 "reads_layer": (n_inter - 1) if n_read == 1 else i}
        if hasattr(r, "hidden_irreps"):
            entry["MLP_irreps"] = irreps_entry(r.hidden_irreps)
            entry["num_heads"] = int(getattr(r, "num_heads", 1))
        readouts.append(entry)
    cfg["readouts"] = readouts
    last = model.readouts[-1]
    if hasattr(last, "hidden_irreps"):
        total = last.hidden_irreps
        cfg["MLP_irreps_total"] = irreps_entry(total)
        per_head = total.count((0, 1)) // max(1, len(heads))
        cfg["MLP_irreps"] = irreps_entry(o3_irreps(f"{per_head}x0e"))
    return cfg


def package_version(dist: str, module) -> str:
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001
        return str(getattr(module, "__version__", "unknown"))


def o3_irreps(x):
    from e3nn import o3
    return o3.Irreps(x)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def convert(input_path: str, output_path: str, head) -> dict:
    """Load, describe and write; returns the config dict. Raises on bad input."""
    import torch
    from e3nn import o3

    try:
        model = torch.load(input_path, weights_only=False, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - any load error is a bad input
        raise InputError(f"cannot load {input_path} as a pickled torch model (give the "
                         f"model saved by mace_run_train, not a TorchScript/compiled one): "
                         f"{type(exc).__name__}: {exc}") from exc
    if isinstance(model, torch.jit.ScriptModule):
        raise InputError(f"{input_path} is a TorchScript (compiled) model; give the pickled "
                         f"model that mace_run_train saves next to it (e.g. NAME.model, "
                         f"not NAME_compiled.model)")
    if not isinstance(model, torch.nn.Module) or not all(
            hasattr(model, a) for a in ("interactions", "products", "readouts",
                                        "radial_embedding", "atomic_energies_fn")):
        raise InputError(f"{input_path} is not a mace-torch energy model "
                         f"(got {type(model).__name__})")
    foreign = sorted({type(m).__module__.split(".")[0] for m in model.modules()}
                     & {"cuequivariance_torch", "openequivariance"})
    if foreign:
        raise InputError(f"{input_path} uses {', '.join(foreign)} layers; convert it back to "
                         f"e3nn first (mace_cueq_to_e3nn, or python -m mace.cli.convert_oeq_e3nn)")
    model = model.eval()
    params = list(model.parameters())
    source_dtype = params[0].dtype if params else torch.get_default_dtype()
    heads = list(getattr(model, "heads", ["Default"]))
    model.heads = heads
    try:
        head_name, head_index = select_head(heads, head)
    except ValueError as exc:
        raise HeadError(str(exc)) from exc

    tensors = {k: v for k, v in model.state_dict().items()}
    modules, w3j = describe_modules(model)
    for (l1, l2, l3) in sorted(w3j):
        tensors[f"{W3J_PREFIX}{l1}_{l2}_{l3}"] = o3.wigner_3j(l1, l2, l3, dtype=torch.float64)
    config = build_config(model, head_name, head_index, source_dtype)
    config["modules"] = modules
    config["w3j_tensors"] = sorted(f"{W3J_PREFIX}{a}_{b}_{c}" for a, b, c in w3j)
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "config": json.dumps(config, separators=(",", ":"))}
    write_safetensors(output_path, tensors, metadata)
    return config


def quiet_import_mace() -> None:
    """Import mace.modules, hiding the banner mace/tools/cg.py prints on import."""
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        import mace  # noqa: F401
        import mace.modules  # noqa: F401


class InputError(Exception):
    pass


class HeadError(Exception):
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="pickled mace-torch model (.model)")
    parser.add_argument("output", help="output .safetensors file")
    parser.add_argument("--head", default=None, help="head name of a multi-head model")
    args = parser.parse_args(argv)

    import warnings
    warnings.filterwarnings("ignore")
    try:
        quiet_import_mace()
    except Exception:  # noqa: BLE001
        fail(f"mace-torch is not installed for {sys.executable}: pip install mace-torch", 3)
    if not os.path.isfile(args.input):
        fail(f"mace_convert: input file not found: {args.input}", 4)
    try:
        config = convert(args.input, args.output, args.head)
    except HeadError as exc:
        fail(f"mace_convert: {exc}", 2)
    except InputError as exc:
        fail(f"mace_convert: {exc}", 4)
    except Exception as exc:  # noqa: BLE001
        fail(f"mace_convert: failed to convert {args.input}: {type(exc).__name__}: {exc}", 4)
    print(f"wrote {args.output}: {config['model_class']}, {config['num_interactions']} "
          f"interactions, head {config['head']!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
