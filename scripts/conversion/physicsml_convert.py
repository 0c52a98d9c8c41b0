#!/usr/bin/env python3
"""Convert a physicsml 0.6.0 MACE model directory into one safetensors file for MaceMD.

Usage (in the Python environment physicsml's users have: pip install physicsml rdkit "pyarrow<21"):
    python scripts/conversion/physicsml_convert.py MODEL_DIR OUTPUT.safetensors

MODEL_DIR is what `molflux.core.save_model` writes: `model_config.json` (name + hyperparameters),
`model_artefacts/module_checkpoint.ckpt` (a plain torch state dict, loaded with
`weights_only=True`) and `featurisation_metadata.json` (atomic_number_mapping and the atomic
energies E0, which are not part of the network). The four MACE variants of physicsml 0.6.0 convert:

* `mace_model`            physicsml/models/mace/supervised/mace_module.py
* `mean_var_mace_model`   physicsml/models/mace/mean_var/mean_var_mace_module.py — energy and forces
                          come from the mean head `graph_scalars_head`; the std head
                          (`graph_scalars_head_std`, an uncertainty |σ|/N_atoms) is dropped.
* `ssf_mace_model`        physicsml/models/mace/ssf/ssf_mace_utils.py — per-layer scale/shift
                          (written as `physicsml_ssf.t.{gamma,beta}`, config key `physicsml_ssf`).
* `adapter_mace_model`    physicsml/models/mace/adapter/adapter_mace_utils.py — adapters and
                          e3nn BatchNorm (config key `physicsml_adapters`).

physicsml's MACE (physicsml/models/mace/modules/{mace,blocks}.py) is an older copy of mace-torch;
its network is rebuilt here from the model's own classes (so every e3nn path weight and
normalize2mom constant is the one physicsml computes), the checkpoint is loaded into it, and each
weight is written under its mace-torch 0.3.16 name (scripts/conversion/mace_model_format.md):

    mace.node_embedding                         -> node_embedding.linear
    mace.interactions.t.linear_node_feats       -> interactions.t.linear_up
    mace.interactions.t.net_R_channels          -> interactions.t.conv_tp_weights   (output columns permuted, see below)
    mace.interactions.t.conv_tp                 -> interactions.t.conv_tp           (instructions sorted by output)
    mace.interactions.t.linear                  -> interactions.t.linear            (input = the unsimplified conv_tp output)
    mace.interactions.0.mix_layer               -> interactions.0.skip_tp           (RealAgnosticInteractionBlock)
    mace.node_updates.t.residual_connection_layer -> interactions.t.skip_tp         (RealAgnosticResidualInteractionBlock, t ≥ 1)
    mace.messages.t.symmetric_contractions.contractions.j.U_matrices.ν
                                                -> products.t.symmetric_contractions.contractions.j.U_matrix_ν (copied, never recomputed)
    mace.node_updates.t.linear                  -> products.t.linear
    graph_scalars_head.readouts.t               -> readouts.t.linear (t < T−1), readouts.T−1.{linear_1,non_linearity,linear_2}
    graph_scalars_head.scale_shift.{scale,shift} -> config scale/shift (ScaleShiftMACE: E_i = E0 + scale·Σ_t e_t + shift)

Traps handled: physicsml's `tp_out_irreps_with_instructions` (modules/irreps_tools.py) does not
sort the conv_tp instructions by output slot as mace-torch does, so the radial MLP's output
columns are permuted to follow the sorted order; the U matrices are stored parameters (an older
coupling basis than mace-torch's) and are copied; scale/shift are float32 buffers (their float32
values are written exactly); the radial MLP is fixed at [64, 64, 64] and read as built;
physicsml's float64 model contracts with float32-rounded Wigner-3j buffers (e3nn's compiled
`_w3j_*`), which are copied as `__e3nn__.w3j_*`.

Refused (exit 4, the message names the option): bond features (num_edge_feats > 0 or
featurisation bond_features), extra atom features (num_node_feats > num_elements or
atom_features), per-charge atomic energies, graph attributes, self_interaction, scaled
positions, direct (non-conservative) force heads, several graph-scalar targets, an
atomic_number_mapping that does not cover the one-hot indices 0..num_elements−1.

Exit status: 0 ok; 2 bad arguments/head; 3 physicsml missing; 4 bad or unsupported input.
Nothing is written on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

try:  # run as `python -m scripts.conversion.physicsml_convert` from the repository
    from .macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, write_safetensors
    from .mace_convert import (describe_activation, describe_fc_net, describe_linear,
                               describe_tensor_product, irreps_entry)
except ImportError:  # run as a file next to macemd_format.py (what `macemd convert` does)
    from macemd_format import FORMAT_NAME, FORMAT_VERSION, fail, write_safetensors
    from mace_convert import (describe_activation, describe_fc_net, describe_linear,
                              describe_tensor_product, irreps_entry)

W3J_PREFIX = "__e3nn__.w3j_"

#: physicsml model name -> (module attribute holding the MACE body, variant key)
VARIANTS = {
    "mace_model": ("mace", "plain"),
    "mean_var_mace_model": ("mace", "mean_var"),
    "ssf_mace_model": ("ssf_mace", "ssf"),
    "adapter_mace_model": ("adapter_mace", "adapter"),
}


class InputError(Exception):
    """Bad or unsupported input; the message names the file/option."""


# --------------------------------------------------------------------------
# reading the model directory
# --------------------------------------------------------------------------

def read_json(path: str) -> dict:
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: not found (give the directory molflux.core.save_model wrote)")
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON: line {exc.lineno}: {exc.msg}")


def featurisation_options(meta: dict, path: str) -> dict:
    """The `physicsml_features` representation config of featurisation_metadata.json."""
    for col in meta.get("config", []):
        for rep in col.get("representations", []):
            if rep.get("name") == "physicsml_features":
                return rep.get("config", {}) or {}
    raise InputError(f"{path}: no 'physicsml_features' representation in 'config'")


def element_table(model_cfg: dict, feat: dict, feat_path: str):
    """(atomic numbers by one-hot index, E0 by one-hot index in eV).

    physicsml one-hot encodes `atomic_number_mapping[Z]` (featurisation/physicsml_features/
    atom_features.py:compute_atom_numbers_and_coordinates; without a mapping the backend's
    Z -> Z−1) over `datamodule.num_elements` classes (lightning/graph_datasets/graph_dataset.py:get)
    and adds Σ_i E0(Z_i) from `atomic_energies` (atom_features.py:compute_total_atomic_energies)
    to the pooled energy (supervised/mace_module.py:forward).
    """
    n = int(model_cfg["datamodule"].get("num_elements", 0))
    if n <= 0:
        raise InputError("model_config.json: datamodule.num_elements must be positive")
    mapping = feat.get("atomic_number_mapping")
    if mapping is None:
        by_index = {z - 1: z for z in range(1, n + 1)}
    else:
        by_index = {}
        for z, i in mapping.items():
            by_index.setdefault(int(i), []).append(int(z))
        for i, zs in by_index.items():
            if len(zs) > 1:
                raise InputError(f"{feat_path}: atomic_number_mapping maps atomic numbers {zs} to the same "
                                 f"index {i}; MaceMD needs one element per one-hot index")
        by_index = {i: zs[0] for i, zs in by_index.items()}
    if sorted(by_index) != list(range(n)):
        raise InputError(f"{feat_path}: atomic_number_mapping indices {sorted(by_index)} do not cover "
                         f"0..{n - 1} (datamodule.num_elements = {n})")
    numbers = [by_index[i] for i in range(n)]
    energies = feat.get("atomic_energies")
    if energies is None:
        e0 = [0.0] * n
    else:
        e0 = []
        for z in numbers:
            v = energies.get(str(z), energies.get(z))
            if v is None:
                raise InputError(f"{feat_path}: atomic_energies has no entry for Z = {z}")
            if isinstance(v, dict):
                raise InputError(f"{feat_path}: per-charge atomic energies (atomic_energies[{z}] = {v}) are "
                                 f"not supported: MaceMD has no formal charges; give one E0 per element")
            e0.append(float(v))
    return numbers, e0


def check_options(model_cfg: dict, feat: dict, variant: str) -> None:
    """Refuse every option of the model or its featurisation that MaceMD does not run."""
    dm = model_cfg["datamodule"]
    n_el = int(dm.get("num_elements", 0))
    if int(model_cfg.get("num_edge_feats", 0)) != 0 or feat.get("bond_features"):
        raise InputError("unsupported option: bond features (num_edge_feats = "
                         f"{model_cfg.get('num_edge_feats')}, bond_features = {feat.get('bond_features')}); "
                         "MaceMD builds edges from distances only")
    if int(model_cfg.get("num_node_feats", 0)) != n_el or feat.get("atom_features"):
        raise InputError("unsupported option: extra atom features (num_node_feats = "
                         f"{model_cfg.get('num_node_feats')} for {n_el} elements, atom_features = "
                         f"{feat.get('atom_features')}); MaceMD's node attributes are the element one-hot only")
    if dm.get("graph_attrs_cols"):
        raise InputError(f"unsupported option: datamodule.graph_attrs_cols = {dm['graph_attrs_cols']}")
    if dm.get("self_interaction"):
        raise InputError("unsupported option: datamodule.self_interaction = true (self edges)")
    if dm.get("use_scaled_positions"):
        raise InputError("unsupported option: datamodule.use_scaled_positions = true")
    targets = dm.get("y_graph_scalars")
    if not targets or len(targets) != 1:
        raise InputError(f"unsupported option: datamodule.y_graph_scalars = {targets} (MaceMD needs exactly "
                         f"one graph scalar, the energy)")
    if dm.get("y_node_vector") is not None and not model_cfg.get("compute_forces", False):
        raise InputError("unsupported option: a direct force head (datamodule.y_node_vector with "
                         "compute_forces = false); MaceMD's forces are −∂E/∂x")
    if variant == "adapter" and int(model_cfg.get("ratio_adapter_down", 1)) < 1:
        raise InputError("model_config.json: ratio_adapter_down must be ≥ 1")


def build_module(model_dir: str, name: str, model_cfg: dict):
    """physicsml's own module for `name`, with the checkpoint loaded, in float64, eval mode."""
    import torch
    from molflux.modelzoo import load_from_dict

    ckpt = os.path.join(model_dir, "model_artefacts", "module_checkpoint.ckpt")
    try:
        state = torch.load(ckpt, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise InputError(f"{ckpt}: not found")
    except Exception as exc:  # noqa: BLE001 - any load error is a bad input
        raise InputError(f"{ckpt}: cannot load as a torch state dict: {type(exc).__name__}: {exc}")
    # molflux saves {"state_dict": module.state_dict()} (molflux/modelzoo/models/lightning/model.py)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise InputError(f"{ckpt}: not a state dict (got {type(state).__name__})")
    try:
        model = load_from_dict({"name": name, "config": model_cfg})
        module = model._instantiate_module()
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"model_config.json: physicsml cannot build '{name}' from it: "
                         f"{type(exc).__name__}: {exc}")
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise InputError(f"{ckpt}: does not match model_config.json: {str(exc).splitlines()[0]}")
    return module.double().eval(), state


# --------------------------------------------------------------------------
# mapping onto mace-torch names
# --------------------------------------------------------------------------

def conv_tp_sorted(tp, name: str, w3j: set):
    """Describe conv_tp with its instructions sorted by output slot (mace-torch's order).

    Returns (description, column permutation): new radial-MLP column j is old column perm[j].
    physicsml keeps the creation order (modules/irreps_tools.py:tp_out_irreps_with_instructions),
    while e3nn takes instruction k's weights from the slice at its position in the list; sorting
    the list therefore permutes the weight slices.
    """
    desc = describe_tensor_product(tp, name, w3j)
    ins = desc["instructions"]
    order = sorted(range(len(ins)), key=lambda k: ins[k]["i_out"])
    perm = []
    offset = 0
    new = []
    for k in order:
        e = dict(ins[k])
        perm.extend(range(e["weight_offset"], e["weight_offset"] + e["weight_numel"]))
        e["weight_offset"] = offset
        offset += e["weight_numel"]
        new.append(e)
    desc["instructions"] = new
    return desc, perm


def rename_linear(desc: dict, name: str) -> dict:
    desc = dict(desc)
    desc["weight"], desc["bias"] = f"{name}.weight", f"{name}.bias"
    return desc


def silu_name(entry: dict) -> dict:
    """Name torch.nn.SiLU as MaceMD's loader expects ('silu')."""
    if entry.get("name") in ("SiLU", "silu"):
        entry["name"] = "silu"
    return entry


def describe_contraction(sc, name: str, tensors: dict, src: str) -> dict:
    contractions = []
    for j, c in enumerate(sc.contractions):
        cname = f"{name}.contractions.{j}"
        sname = f"{src}.contractions.{j}"
        corr = int(c.correlation)
        weights = {str(corr): f"{cname}.weights_max"}
        tensors[f"{cname}.weights_max"] = c.weights_max
        for idx in range(corr - 1):
            weights[str(corr - 1 - idx)] = f"{cname}.weights.{idx}"
            tensors[f"{cname}.weights.{idx}"] = c.weights[idx]
        u = {}
        for nu in range(1, corr + 1):
            mat = c.U_matrices[str(nu)]
            tensors[f"{cname}.U_matrix_{nu}"] = mat
            u[str(nu)] = {"name": f"{cname}.U_matrix_{nu}", "shape": list(mat.shape),
                          "source": f"{sname}.U_matrices.{nu}"}
        contractions.append({
            "irrep_out": irreps_entry(sc.irreps_out[j:j + 1]), "correlation": corr,
            "num_features": int(c.num_features), "coupling_irreps": irreps_entry(c.coupling_irreps),
            "U_matrices": u, "weights_by_nu": weights, "num_elements": int(c.weights_max.shape[0])})
    return {"type": "mace.SymmetricContraction", "irreps_in": irreps_entry(sc.irreps_in),
            "irreps_out": irreps_entry(sc.irreps_out), "contractions": contractions}


def describe_batch_norm(bn, name: str, tensors: dict) -> dict:
    """e3nn.nn.BatchNorm in eval mode (e3nn/nn/_batchnorm.py:forward, training = False): per irrep
    instance u, y = (x − μ_u)·w_u/√(σ²_u + ε) + b_u for 0e instances, y = x·w_u/√(σ²_u + ε) otherwise."""
    if bn.instance or not bn.affine or bn.normalization != "component" or not bn.include_bias:
        raise InputError(f"unsupported option: BatchNorm {name} (instance/affine/normalization/bias settings)")
    for k in ("running_mean", "running_var", "weight", "bias"):
        tensors[f"{name}.{k}"] = getattr(bn, k)
    return {"type": "e3nn.nn.BatchNorm", "irreps": irreps_entry(bn.irreps), "eps": float(bn.eps),
            "running_mean": f"{name}.running_mean", "running_var": f"{name}.running_var",
            "weight": f"{name}.weight", "bias": f"{name}.bias"}


def describe_adapter(ad, name: str, tensors: dict, modules: dict) -> dict:
    """physicsml Adapter: Linear down → normalised SiLU on 0e → Linear up → BatchNorm."""
    for part in ("linear_down", "linear_up"):
        lin = getattr(ad, part)
        modules[f"{name}.{part}"] = describe_linear(lin, f"{name}.{part}")
        tensors[f"{name}.{part}.weight"] = lin.weight
    act = describe_activation(ad.non_linearity)
    act["acts"] = [silu_name(a) if a.get("name") is not None else a for a in act["acts"]]
    modules[f"{name}.non_linearity"] = act
    modules[f"{name}.bn"] = describe_batch_norm(ad.bn, f"{name}.bn", tensors)
    return {"linear_down": f"{name}.linear_down", "non_linearity": f"{name}.non_linearity",
            "linear_up": f"{name}.linear_up", "bn": f"{name}.bn"}


def convert(model_dir: str, output: str, head) -> dict:
    import e3nn
    import torch
    from e3nn import o3

    model_json = read_json(os.path.join(model_dir, "model_config.json"))
    feat_path = os.path.join(model_dir, "featurisation_metadata.json")
    feat = featurisation_options(read_json(feat_path), feat_path)
    name = model_json.get("name")
    if name not in VARIANTS:
        raise InputError(f"model_config.json: model '{name}' is not a physicsml MACE model "
                         f"(supported: {', '.join(VARIANTS)})")
    if head not in (None, "Default", "default"):
        raise HeadError(f"head '{head}' not in model heads ['Default'] (physicsml models have one energy head)")
    body_attr, variant = VARIANTS[name]
    cfg = model_json["config"]
    check_options(cfg, feat, variant)
    numbers, e0 = element_table(cfg, feat, feat_path)
    module, _ = build_module(model_dir, name, cfg)
    body = getattr(module, body_attr)
    readout_head = module.graph_scalars_head

    tensors: dict = {}
    modules: dict = {}
    w3j: set = set()

    def linear(mod, new: str):
        modules[new] = describe_linear(mod, new)
        tensors[f"{new}.weight"] = mod.weight
        tensors[f"{new}.bias"] = mod.bias

    linear(body.node_embedding, "node_embedding.linear")
    tensors["radial_embedding.bessel_fn.bessel_weights"] = body.radial_embedding.bessel_fn.bessel_weights
    modules["spherical_harmonics"] = {"type": "e3nn.o3.SphericalHarmonics",
                                      "irreps_out": irreps_entry(body.spherical_harmonics.irreps_out),
                                      "normalize": True, "normalization": "component",
                                      "lmax": int(body.spherical_harmonics._lmax)}
    n_inter = len(body.interactions)
    layers = []
    for t in range(n_inter):
        inter, msg, upd = body.interactions[t], body.messages[t], body.node_updates[t]
        p, q = f"interactions.{t}", f"products.{t}"
        linear(inter.linear_node_feats, f"{p}.linear_up")
        conv, perm = conv_tp_sorted(inter.conv_tp, f"{p}.conv_tp", w3j)
        conv["weight"] = None
        modules[f"{p}.conv_tp"] = conv
        fc = describe_fc_net(inter.net_R_channels, f"{p}.conv_tp_weights")
        for layer in fc["layers"]:
            silu_name(layer["activation"])
        modules[f"{p}.conv_tp_weights"] = fc
        n_fc = len(fc["layers"])
        for k in range(n_fc):
            w = getattr(inter.net_R_channels, f"layer{k}").weight.detach()
            tensors[f"{p}.conv_tp_weights.layer{k}.weight"] = w[:, perm] if k == n_fc - 1 else w
        # `linear` reads the simplified conv_tp output; the same weights read the unsimplified
        # slots (e3nn lays a simplified block's [Σmul, mul_out] weights out as the stacked slots').
        lin = describe_linear(inter.linear, f"{p}.linear")
        lin = relabel_linear_input(lin, conv["irreps_out"], inter.linear)
        modules[f"{p}.linear"] = lin
        tensors[f"{p}.linear.weight"] = inter.linear.weight
        tensors[f"{p}.linear.bias"] = inter.linear.bias
        skip = inter.mix_layer if t == 0 else upd.residual_connection_layer
        if skip is None:
            raise InputError(f"layer {t}: expected {'mix_layer' if t == 0 else 'residual_connection_layer'}")
        modules[f"{p}.skip_tp"] = describe_tensor_product(skip, f"{p}.skip_tp", w3j)
        tensors[f"{p}.skip_tp.weight"] = skip.weight
        modules[f"{q}.symmetric_contractions"] = describe_contraction(
            msg.symmetric_contractions, f"{q}.symmetric_contractions", tensors,
            f"{body_attr}.messages.{t}.symmetric_contractions")
        linear(upd.linear, f"{q}.linear")
        sc = msg.symmetric_contractions
        layers.append({
            "interaction_class": "RealAgnosticInteractionBlock" if t == 0 else "RealAgnosticResidualInteractionBlock",
            "node_feats_irreps": irreps_entry(inter.linear_node_feats.irreps_in),
            "edge_irreps": irreps_entry(inter.linear_node_feats.irreps_out),
            "target_irreps": irreps_entry(inter.linear.irreps_out),
            "hidden_irreps": irreps_entry(upd.linear.irreps_out),
            "avg_num_neighbors": float(inter.avg_num_neighbours),
            "radial_MLP": [int(h) for h in inter.net_R_channels.hs[1:-1]],
            "correlation": int(sc.contractions[0].correlation),
            "product_irreps_in": irreps_entry(sc.irreps_in),
            "product_irreps_out": irreps_entry(sc.irreps_out),
            "product_use_sc": t > 0, "product_use_agnostic_product": False})

    readouts = []
    for t, r in enumerate(readout_head.readouts):
        if t < n_inter - 1:
            linear(r, f"readouts.{t}.linear")
            readouts.append({"class": "LinearReadoutBlock", "reads_layer": t})
        else:
            linear(r.linear_1, f"readouts.{t}.linear_1")
            linear(r.linear_2, f"readouts.{t}.linear_2")
            act = describe_activation(r.non_linearity)
            act["acts"] = [silu_name(a) for a in act["acts"]]
            modules[f"readouts.{t}.non_linearity"] = act
            readouts.append({"class": "NonLinearReadoutBlock", "reads_layer": t,
                             "MLP_irreps": irreps_entry(r.linear_1.irreps_out), "num_heads": 1})

    ssf = None
    if variant == "ssf":
        ssf = []
        for t, s in enumerate(body.ssf):
            irreps = body.node_updates[t].linear.irreps_out
            n_scalar = int(s.num_scalar)
            lead = 0
            for mul, ir in irreps:
                if not ir.is_scalar():
                    break
                lead += mul
            if lead != n_scalar:
                raise InputError(f"unsupported option: hidden_irreps '{cfg.get('hidden_irreps')}' with 0e "
                                 f"blocks after other irreps (physicsml's SSF shifts the first {n_scalar} components)")
            tensors[f"physicsml_ssf.{t}.gamma"] = s.gamma.reshape(-1)
            tensors[f"physicsml_ssf.{t}.beta"] = s.beta.reshape(-1)
            ssf.append({"irreps": irreps_entry(irreps), "gamma": f"physicsml_ssf.{t}.gamma",
                        "beta": f"physicsml_ssf.{t}.beta"})
    adapters = None
    if variant == "adapter":
        adapters = []
        for t in range(n_inter):
            entry = {
                "batch_norm": f"physicsml_adapters.{t}.batch_norm",
                "before": describe_adapter(body.adapters_before[t], f"physicsml_adapters.{t}.before", tensors, modules),
                "after": describe_adapter(body.adapters_after[t], f"physicsml_adapters.{t}.after", tensors, modules),
                "s_before": float(body.s_params_before[t].item()),
                "s_after": float(body.s_params_after[t].item())}
            modules[entry["batch_norm"]] = describe_batch_norm(body.batch_norms[t], entry["batch_norm"], tensors)
            adapters.append(entry)

    # e3nn's compiled tensor products keep the Wigner-3j of paths without an l = 0 member as
    # buffers `..._w3j_{l1}_{l2}_{l3}`, built in physicsml's float32 default dtype and widened by
    # .double(): physicsml's float64 model contracts with those float32-rounded values (6e-9 off
    # the exact ones), so they are copied; paths with an l = 0 member use e3nn's specialised
    # code, which is exact (o3.wigner_3j in float64).
    own = {}
    for key, value in module.state_dict().items():
        if "._w3j_" in key:
            own[tuple(int(x) for x in key.rsplit("._w3j_", 1)[1].split("_"))] = value.detach().double()
    for (l1, l2, l3) in sorted(w3j):
        exact = o3.wigner_3j(l1, l2, l3, dtype=torch.float64)
        tensors[f"{W3J_PREFIX}{l1}_{l2}_{l3}"] = own.get((l1, l2, l3), exact)
    scale = float(readout_head.scale_shift.scale.item())
    shift = float(readout_head.scale_shift.shift.item())
    hidden = (body.interactions[1].linear_node_feats.irreps_in if n_inter > 1
              else body.node_updates[0].linear.irreps_out)
    r_max = float(body.r_max)
    rad = body.radial_embedding
    config = {
        "source_framework": "physicsml", "physicsml_model": name,
        "physicsml_version": package_version("physicsml"),
        "model_class": "ScaleShiftMACE", "mace_version": None, "e3nn_version": e3nn.__version__,
        "torch_version": torch.__version__, "source_dtype": str(body.node_embedding.weight.dtype).replace("torch.", ""),
        "r_max": r_max, "num_interactions": n_inter, "num_elements": len(numbers), "atomic_numbers": numbers,
        "heads": ["Default"], "head": "Default", "head_index": 0,
        "atomic_energies": [e0], "atomic_energies_selected": e0,
        "hidden_irreps": irreps_entry(hidden),
        "node_attr_irreps": irreps_entry(body.interactions[0].mix_layer.irreps_in2),
        "node_feats_irreps_first": irreps_entry(body.node_embedding.irreps_out),
        "sh_irreps": irreps_entry(body.spherical_harmonics.irreps_out),
        "max_ell": int(body.spherical_harmonics._lmax),
        "edge_irreps": None, "use_edge_irreps_first": False, "use_reduced_cg": False, "use_so3": False,
        "use_agnostic_product": False, "use_last_readout_only": False, "use_embedding_readout": False,
        "has_joint_embedding": False, "embedding_specs": None, "pair_repulsion": False,
        "radial_type": "bessel", "num_bessel": int(rad.bessel_fn.bessel_weights.numel()),
        "bessel": {"weights": "radial_embedding.bessel_fn.bessel_weights",
                   "prefactor": float(rad.bessel_fn.prefactor), "r_max": float(rad.bessel_fn.r_max)},
        "num_polynomial_cutoff": int(rad.cutoff_fn.p), "cutoff_r_max": float(rad.cutoff_fn.r_max),
        "apply_cutoff": True, "radial_out_dim": int(rad.out_dim), "distance_transform": "None",
        "scale": [scale], "shift": [shift], "scale_selected": scale, "shift_selected": shift,
        "layers": layers, "correlation": [l["correlation"] for l in layers],
        "interaction_classes": [l["interaction_class"] for l in layers],
        "avg_num_neighbors": layers[0]["avg_num_neighbors"], "radial_MLP": layers[0]["radial_MLP"],
        "readouts": readouts,
        "MLP_irreps_total": readouts[-1]["MLP_irreps"], "MLP_irreps": readouts[-1]["MLP_irreps"],
        "modules": modules, "w3j_tensors": sorted(f"{W3J_PREFIX}{a}_{b}_{c}" for a, b, c in w3j),
        "physicsml_dropped": (["graph_scalars_head_std (uncertainty head)"] if variant == "mean_var" else []),
    }
    if ssf is not None:
        config["physicsml_ssf"] = ssf
    if adapters is not None:
        config["physicsml_adapters"] = adapters
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "config": json.dumps(config, separators=(",", ":"))}
    write_safetensors(output, tensors, metadata)
    return config


def relabel_linear_input(desc: dict, conv_out: dict, mod) -> dict:
    """Re-express an o3.Linear on simplified irreps as one on the unsimplified slots `conv_out`.

    Each simplified input block (Σ_s mul_s)×ir becomes its consecutive slots s; instruction
    (block → out) becomes one instruction per slot with rows [Σ_{s'<s} mul_s', +mul_s) of the
    block's [Σmul, mul_out] weight: same offsets, same path weight 1/√(Σ mul_in).
    """
    slots = conv_out["list"]
    simplified = [list(x) for x in desc["irreps_in"]["list"]]
    groups = []  # simplified block index -> list of slot indices
    s = 0
    for mul, l, p in simplified:
        members, total = [], 0
        while total < mul:
            if s >= len(slots) or slots[s][1:] != [l, p]:
                raise InputError("conv_tp output slots do not simplify to the linear's input irreps")
            members.append(s)
            total += slots[s][0]
            s += 1
        if total != mul:
            raise InputError("conv_tp output slots do not simplify to the linear's input irreps")
        groups.append(members)
    if s != len(slots):
        raise InputError("conv_tp output slots do not simplify to the linear's input irreps")
    out = []
    for ins in desc["instructions"]:
        mul_out = ins["path_shape"][1]
        offset = ins["weight_offset"]
        for slot in groups[ins["i_in"]]:
            m = slots[slot][0]
            out.append({"i_in": slot, "i_out": ins["i_out"], "path_shape": [m, mul_out],
                        "path_weight": ins["path_weight"], "weight_offset": offset, "weight_numel": m * mul_out})
            offset += m * mul_out
    desc = dict(desc)
    desc["irreps_in"] = conv_out
    desc["instructions"] = out
    return desc


def package_version(dist: str) -> str:
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001
        return "unknown"


class HeadError(Exception):
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="physicsml model directory (molflux.core.save_model)")
    parser.add_argument("output", help="output .safetensors file")
    parser.add_argument("--head", default=None, help="physicsml models have one head ('Default')")
    args = parser.parse_args(argv)

    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    try:
        import physicsml.models.mace  # noqa: F401
        import molflux.modelzoo  # noqa: F401
    except Exception:  # noqa: BLE001
        fail(f"physicsml is not installed for {sys.executable}: pip install physicsml rdkit \"pyarrow<21\"", 3)
    if not os.path.isdir(args.input):
        fail(f"physicsml_convert: not a model directory: {args.input}", 4)
    try:
        config = convert(args.input, args.output, args.head)
    except HeadError as exc:
        fail(f"physicsml_convert: {exc}", 2)
    except InputError as exc:
        fail(f"physicsml_convert: {args.input}: {exc}", 4)
    except Exception as exc:  # noqa: BLE001
        fail(f"physicsml_convert: failed to convert {args.input}: {type(exc).__name__}: {exc}", 4)
    extra = {"ssf_mace_model": " with SSF", "adapter_mace_model": " with adapters",
             "mean_var_mace_model": " (mean head; the std head is dropped)"}.get(config["physicsml_model"], "")
    print(f"wrote {args.output}: physicsml {config['physicsml_model']}{extra}, "
          f"{config['num_interactions']} interactions, elements {config['atomic_numbers']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
