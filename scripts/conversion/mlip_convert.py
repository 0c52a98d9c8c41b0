#!/usr/bin/env python3
"""Convert an InstaDeep mlip (JAX) MACE model zip into one safetensors file for MaceMD.

Usage:
    python mlip_convert.py MODEL.zip OUTPUT.safetensors [--head NAME]

MODEL.zip is what mlip's `save_model_to_zip` writes (mlip/models/model_io.py, mlip 0.2.5):
`hyperparams.json` (dataset_info: E0 map, cutoff, avg_num_neighbors, avg_r_min_angstrom,
scaling mean/stdev; config; version) and `params.npz` (flax parameters, keys joined by '#').
mlip 0.2.5 has two MACE families: v2 (`mlip/models/mace`, on e3j; config field `num_rbf`),
and v1 (`mlip/models_v1/mace`, the e3nn-jax port, what `load_model_from_zip` uses for older
zips; config field `num_bessel`); this converter reads both (mlip_convert_v2.py, mlip_convert_v1.py).
Runs in mlip's own environment (`pip install mlip "jax[cpu]"`), never needs mace-torch.

The model is loaded with mlip itself in float64 (jax x64) and every layer is read off the live
network and re-expressed with mace-torch 0.3.16 names and layouts (mace_model_format.md);
each map is checked to reproduce mlip's layer to ~1e-12 (mlip_convert_maps.py). The energy is
mlip's: E = stdev·Σ_i (Σ_layers readout_i) + mean·N + Σ_i E0(z_i), written as a
ScaleShiftMACE with scale = stdev, shift = mean.

Exit status: 0 ok; 2 bad arguments/head; 3 mlip or jax missing; 4 bad input or an option
MaceMD does not run (the message names it). Nothing is written on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile

try:
    from .macemd_format import EXIT_ARGUMENTS, EXIT_BAD_INPUT, EXIT_FRAMEWORK_MISSING, FORMAT_NAME, FORMAT_VERSION
    from .macemd_format import fail, write_safetensors
except ImportError:
    from macemd_format import EXIT_ARGUMENTS, EXIT_BAD_INPUT, EXIT_FRAMEWORK_MISSING, FORMAT_NAME, FORMAT_VERSION
    from macemd_format import fail, write_safetensors


class InputError(Exception):
    """Bad or unsupported input; the message names the file/option."""


class HeadError(Exception):
    """Unknown head."""


def read_hyperparams(path: str) -> dict:
    """hyperparams.json of an mlip model zip (standard library only, so that options MaceMD
    refuses are named even where mlip is not installed)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = {n.split("/")[-1]: n for n in z.namelist()}
            if "hyperparams.json" not in names or "params.npz" not in names:
                raise InputError(f"{path}: not an mlip model zip (needs hyperparams.json and params.npz)")
            hyper = json.loads(z.read(names["hyperparams.json"]).decode("utf-8"))
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"{path}: cannot read the mlip zip: {exc}") from exc
    for key in ("config", "dataset_info"):
        if not isinstance(hyper.get(key), dict):
            raise InputError(f"{path}: hyperparams.json has no '{key}' object")
    return hyper


def family(hyper: dict) -> str:
    """'v2' (mlip/models/mace) or 'v1' (mlip/models_v1/mace), from the config's field names."""
    cfg = hyper["config"]
    if "num_rbf" in cfg:
        return "v2"
    if "num_bessel" in cfg or "symmetric_tensor_product_basis" in cfg:
        return "v1"
    raise InputError("hyperparams.json: config has neither 'num_rbf' (v2) nor 'num_bessel' (v1): "
                     "not an mlip MACE model")


def refuse_unsupported(hyper: dict, fam: str) -> None:
    """Raise InputError naming the first option of the config that MaceMD does not run."""
    cfg = hyper["config"]
    info = hyper["dataset_info"]

    def bad(option, value, why):
        raise InputError(f"unsupported mlip option {option}={value!r}: {why}")

    for key in ("gate_nodes", "include_pseudotensors", "predict_partial_charges", "use_coulomb_term",
                "use_total_charge_embedding", "use_gaunt_tp_message_passing"):
        if cfg.get(key):
            bad(key, cfg[key], "MaceMD does not run this option")
    if cfg.get("soft_normalization") is not None:
        bad("soft_normalization", cfg["soft_normalization"], "MaceMD does not run this option")
    if cfg.get("radial_envelope", "polynomial_envelope") != "polynomial_envelope":
        bad("radial_envelope", cfg["radial_envelope"], "only polynomial_envelope is supported")
    backend = cfg.get("symmetric_contraction_backend", "e3j")
    if backend == "gaunt_tp":
        bad("symmetric_contraction_backend", backend, "Gaunt tensor products are not supported")
    if fam == "v2" and backend != "e3j":
        bad("symmetric_contraction_backend", backend, "only the default e3j contraction is converted")
    if fam == "v1" and cfg.get("species_embedding_dim") is not None:
        bad("species_embedding_dim", cfg["species_embedding_dim"], "edge species embeddings are not supported")
    if fam == "v1" and cfg.get("num_species") is not None and int(cfg["num_species"]) != len(
            info.get("atomic_energies_map") or {}):
        bad("num_species", cfg["num_species"], "v1 models whose species count differs from the atomic "
            "energies map are not supported")
    if fam == "v1" and isinstance(cfg.get("atomic_energies"), dict):
        bad("atomic_energies", "{...}", "v1 per-model atomic energy dictionaries are not supported; use the "
            "dataset_info map ('average') or 'zero'")
    for key in ("activation", "radial_mlp_activation"):
        if cfg.get(key, "silu") not in ("silu", "swish"):
            bad(key, cfg[key], "only silu is supported")
    if int(cfg.get("correlation", 3)) > 3:
        bad("correlation", cfg["correlation"], "MaceMD's product basis supports correlation 1-3")
    ro = cfg.get("readout_irreps", ["16x0e", "0e"])
    if len(ro) != 2 or str(ro[1]).replace("1x", "") != "0e" or not all(
            part.strip().endswith("x0e") or part.strip() == "0e" for part in str(ro[0]).split("+")):
        bad("readout_irreps", ro, "only (NxOe, 0e) readouts (scalar hidden layer) are supported")
    if info.get("long_range_cutoff_angstrom") is not None:
        bad("long_range_cutoff_angstrom", info["long_range_cutoff_angstrom"], "long-range terms are not supported")
    if int(cfg.get("l_max", 3)) > 3:
        bad("l_max", cfg["l_max"], "MaceMD's spherical harmonics stop at l = 3")


def head_names(hyper: dict) -> list:
    """Head names: dataset_name entries of a multi-dataset model, else 'Default'."""
    info, cfg = hyper["dataset_info"], hyper["config"]
    n = int(cfg.get("num_readout_heads", 1))
    names = info.get("dataset_name")
    if isinstance(names, list) and len(names) == n:
        return [str(x) for x in names]
    return ["Default"] if n == 1 else [f"head{i}" for i in range(n)]


def select_head(heads: list, requested):
    if requested is not None:
        if requested not in heads:
            raise HeadError(f"head '{requested}' not in model heads {heads}")
        return requested, heads.index(requested)
    return heads[0], 0  # mlip evaluates head 0 when no dataset index is given


def atomic_energy_rows(hyper: dict, zs: list, n_heads: int) -> list:
    info, cfg = hyper["dataset_info"], hyper["config"]
    if cfg.get("add_atomic_energies", True) is False:
        return [[0.0] * len(zs) for _ in range(n_heads)]
    maps_ = info["atomic_energies_map"]
    maps_ = maps_ if isinstance(maps_, list) else [maps_] * n_heads
    if len(maps_) != n_heads:
        raise InputError(f"dataset_info.atomic_energies_map has {len(maps_)} maps for {n_heads} heads")
    return [[float({int(k): v for k, v in m.items()}.get(z, 0.0)) for z in zs] for m in maps_]


def read_params(path: str) -> dict:
    """params.npz of the zip as a nested dict of float64 jax arrays (keys split at mlip's '#')."""
    import io

    import jax.numpy as jnp
    import numpy as np
    from mlip.models.model_io import PARAMETER_MODULE_DELIMITER
    from mlip.utils.dict_flatten import unflatten_dict
    with zipfile.ZipFile(path) as z:
        names = {n.split("/")[-1]: n for n in z.namelist()}
        npz = np.load(io.BytesIO(z.read(names["params.npz"])))
        return unflatten_dict({tuple(k.split(PARAMETER_MODULE_DELIMITER)): jnp.asarray(npz[k], dtype=jnp.float64)
                               for k in npz.files})


def load_force_field(path: str, hyper: dict):
    """mlip's v2 ForceField for the zip, parameters widened to float64 (exact).

    Built like mlip's `load_model_from_zip` (mlip/models/model_io.py) but without its random
    initialisation pass (a full compilation of the model), which the conversion does not need.
    """
    import io

    import jax
    import jax.numpy as jnp
    import numpy as np
    from mlip.data import DatasetInfo
    from mlip.models import ForceField, Mace
    from mlip.models.model_io import PARAMETER_MODULE_DELIMITER, _process_loaded_dataset_info_for_v1_compatibility
    from mlip.typing.properties import Properties
    from mlip.utils.dict_flatten import unflatten_dict
    with zipfile.ZipFile(path) as z:
        names = {n.split("/")[-1]: n for n in z.namelist()}
        npz = np.load(io.BytesIO(z.read(names["params.npz"])))
        params = unflatten_dict({tuple(k.split(PARAMETER_MODULE_DELIMITER)): jnp.asarray(npz[k], dtype=jnp.float64)
                                 for k in npz.files})
    info = DatasetInfo(**_process_loaded_dataset_info_for_v1_compatibility(dict(hyper["dataset_info"])))
    net = Mace(config=Mace.Config(**hyper["config"]), dataset_info=info)
    props = Properties(stress=True)
    predictor_cls = ForceField.get_predictor_class(props, net.config)
    predictor = predictor_cls(mlip_network=net, required_properties=props,
                              energy_head=ForceField.get_energy_head(net.config, props, net))
    return ForceField(predictor, jax.tree.map(lambda a: a.astype("float64"), params))


def convert(input_path: str, output_path: str, head, force_field=None) -> dict:
    """Convert `input_path` (an mlip zip) to `output_path`; returns the config written.

    `force_field`: the same model already in memory as an mlip ForceField (the fixture script
    passes the one it saved; skips loading it again).
    """
    import e3nn_jax
    import jax
    import mlip
    import numpy as np

    try:
        from . import mlip_convert_maps as maps
        from . import mlip_convert_v1 as v1
        from . import mlip_convert_v2 as v2
    except ImportError:
        import mlip_convert_maps as maps
        import mlip_convert_v1 as v1
        import mlip_convert_v2 as v2

    hyper = read_hyperparams(input_path)
    fam = family(hyper)
    refuse_unsupported(hyper, fam)
    # v1 sums the outputs of all its readout heads (mlip/models_v1/mace/models.py): one head
    heads = head_names(hyper) if fam == "v2" else ["Default"]
    head_name, head_index = select_head(heads, head)
    try:
        ff = force_field if force_field is not None else (
            load_force_field(input_path, hyper) if fam == "v2" else v1.load_force_field(input_path, hyper,
                                                                                        read_params(input_path)))
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{input_path}: mlip cannot load this {fam} model: {type(exc).__name__}: {exc}") from exc
    net = ff.predictor.mlip_network
    zs = [int(z) for z in net.dataset_info.allowed_atomic_numbers]
    if fam == "v1":  # v1 species index = position in the sorted atomic energies map (models_v1/atomic_energies.py)
        zs = sorted(int(z) for z in net.dataset_info.atomic_energies_map)
    w3j: set = set()
    try:
        if fam == "v2":
            ex = v2.extract(ff, hyper)
            tensors, modules, layers, radial = v2.build(ff, hyper, ex, w3j)
            cst, H = ex["readout_act_cst"], ex["readout_hidden"]
        else:
            tensors, modules, layers, radial, cst, H = v1.build(ff, hyper, w3j)
    except maps.MapError as exc:
        raise InputError(f"{input_path}: {exc}") from exc
    for (l1, l2, l3) in sorted(w3j):
        tensors[f"__e3nn__.w3j_{l1}_{l2}_{l3}"] = maps.wigner_3j(l1, l2, l3)
    info = hyper["dataset_info"]
    n_heads = len(heads)
    e0 = atomic_energy_rows(hyper, zs, n_heads) if fam == "v2" else [v1.atomic_energies(net)]
    tensors["atomic_energies_fn.atomic_energies"] = np.asarray(e0 if n_heads > 1 else e0[0])
    tensors["atomic_numbers"] = np.asarray(zs, dtype=np.int64)
    tensors["r_max"] = np.asarray(radial["r_max"])
    C = int(hyper["config"]["num_channels"])
    last_hidden = layers[-1]["hidden_irreps"]
    hidden = layers[1]["node_feats_irreps"] if len(layers) > 1 else last_hidden
    n_layers = len(layers)
    config = {
        "model_class": "ScaleShiftMACE", "converted_from": f"mlip {hyper.get('version', '?')} MACE {fam}",
        "mlip_version": getattr(mlip, "__version__", "?"), "jax_version": jax.__version__,
        "e3nn_jax_version": e3nn_jax.__version__, "source_dtype": "float64",
        "r_max": radial["r_max"], "num_interactions": n_layers, "num_elements": len(zs), "atomic_numbers": zs,
        "heads": heads, "head": head_name, "head_index": head_index,
        "atomic_energies": e0, "atomic_energies_selected": e0[head_index],
        "scale": [float(info.get("scaling_stdev", 1.0))], "shift": [float(info.get("scaling_mean", 0.0))],
        "scale_selected": float(info.get("scaling_stdev", 1.0)), "shift_selected": float(info.get("scaling_mean", 0.0)),
        "hidden_irreps": hidden, "node_attr_irreps": maps.entry_of([[len(zs), 0, 1]]),
        "node_feats_irreps_first": maps.entry_of([[C, 0, 1]]),
        "sh_irreps": maps.entry_of([[1, l, (-1) ** l] for l in range(int(hyper["config"]["l_max"]) + 1)]),
        "max_ell": int(hyper["config"]["l_max"]), "edge_irreps": None, "use_edge_irreps_first": False,
        "use_reduced_cg": False, "use_so3": False, "use_agnostic_product": False,
        "use_last_readout_only": False, "use_embedding_readout": False, "has_joint_embedding": False,
        "embedding_specs": None, "pair_repulsion": False,
        "radial_type": "bessel", "num_bessel": radial["num_bessel"], "radial_out_dim": radial["num_bessel"],
        "bessel": {"weights": "radial_embedding.bessel_fn.bessel_weights", "prefactor": radial["prefactor"],
                   "r_max": radial["r_max"]},
        "num_polynomial_cutoff": 5, "cutoff_r_max": radial["r_max"], "apply_cutoff": True,
        "distance_transform": "None", "layers": layers,
        "correlation": [x["correlation"] for x in layers],
        "interaction_classes": [x["interaction_class"] for x in layers],
        "avg_num_neighbors": layers[0]["avg_num_neighbors"], "radial_MLP": layers[0]["radial_MLP"],
        "readouts": ([{"class": "LinearReadoutBlock", "reads_layer": t} for t in range(n_layers - 1)]
                     + [{"class": "NonLinearReadoutBlock", "reads_layer": n_layers - 1,
                         "MLP_irreps": maps.entry_of([[H, 0, 1]]), "num_heads": n_heads}]),
        "MLP_irreps_total": maps.entry_of([[H * n_heads, 0, 1]]), "MLP_irreps": maps.entry_of([[H, 0, 1]]),
        "readout_activation_cst": cst,
        "modules": modules, "w3j_tensors": sorted(f"__e3nn__.w3j_{a}_{b}_{c}" for a, b, c in w3j),
    }
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "config": json.dumps(config, separators=(",", ":"))}
    write_safetensors(output_path, tensors, metadata)
    return config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="mlip model zip (save_model_to_zip)")
    parser.add_argument("output", help="output .safetensors file")
    parser.add_argument("--head", default=None, help="head name of a multi-head model")
    args = parser.parse_args(argv)

    import warnings
    warnings.filterwarnings("ignore")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    if not os.path.isfile(args.input):
        fail(f"mlip_convert: input file not found: {args.input}", EXIT_BAD_INPUT)
    try:  # options MaceMD cannot run are named before mlip is needed
        hyper = read_hyperparams(args.input)
        refuse_unsupported(hyper, family(hyper))
    except InputError as exc:
        fail(f"mlip_convert: {exc}", EXIT_BAD_INPUT)
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import e3nn_jax  # noqa: F401
        import mlip.models  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        fail(f"mlip (with jax) is not installed for {sys.executable} ({type(exc).__name__}: {exc}): "
             f"pip install mlip \"jax[cpu]\"", EXIT_FRAMEWORK_MISSING)
    try:
        config = convert(args.input, args.output, args.head)
    except HeadError as exc:
        fail(f"mlip_convert: {exc}", EXIT_ARGUMENTS)
    except InputError as exc:
        fail(f"mlip_convert: {exc}", EXIT_BAD_INPUT)
    except Exception as exc:  # noqa: BLE001
        fail(f"mlip_convert: failed to convert {args.input}: {type(exc).__name__}: {exc}", EXIT_BAD_INPUT)
    print(f"wrote {args.output}: mlip MACE, {config['num_interactions']} layers, head {config['head']!r}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
