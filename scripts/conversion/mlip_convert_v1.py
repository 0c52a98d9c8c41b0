"""mlip 0.2.5 MACE **v1** (`mlip/models_v1/mace`, the e3nn-jax port of mace-jax) → MaceMD's format.

Helper module of mlip_convert.py. v1 is built from compact flax modules, so its layers are not
attributes of the bound network as v2's are: each map is obtained by applying mlip's own v1 layer
class (or the e3nn-jax module it instantiates) to the matching params subtree, evaluated in
float64, and every map is checked against that layer (maps.RESIDUAL_LIMIT). Source files read
(mlip 0.2.5, e3nn-jax 0.20, site-packages):
* mlip/models_v1/mace/models.py  `Mace` (node energies = mean + stdev·Σ_layers Σ_heads readout
                                 + E0[z]; e3nn config path/path), `MaceBlock`, `MaceLayer`
                                 (selector FCTP after the interaction in layer 0, residual FCTP
                                 from the layer input afterwards, product basis, readouts)
* mlip/models_v1/mace/blocks.py  `InteractionBlock` (linear_up → MessagePassingConvolution →
                                 linear_down), `EquivariantProductBasisBlock`
                                 (SymmetricContraction → e3nn Linear), Linear/NonLinear readouts
* mlip/models_v1/mace/message_passing.py  messages = concat(x.filter(target), x ⊗ Y(−r)).regroup()
                                 × MLP(radial) [3×64, no bias], summed, ÷ avg_num_neighbors
                                 (v1 negates edge vectors: a (−1)^l2 sign per path)
* mlip/models_v1/mace/symmetric_contraction.py  e3nn-jax `reduced_(symmetric_)tensor_product_basis`
* mlip/models_v1/blocks.py       `RadialEmbeddingBlock` (prefactor from avg_r_min in float32),
                                 `FullyConnectedTensorProduct`, `LinearNodeEmbeddingBlock` (÷√n_species)
* mlip/models_v1/atomic_energies.py  E0 per species

Mapping (mace-torch names; mace_model_format.md):
* node_embedding.linear ← embedding table (÷√n_species as mlip applies it)
* interactions.t.linear_up ← linear_up; conv_tp ← one "uvu" path per message block in v1's
  regrouped order (so mlip's path-major message layout is mace's slot layout and the MLP's
  output columns need no permutation), each path a multiple f_p·(−1)^l2 of the Wigner-3j folded
  into the last radial weights; conv_tp_weights ← the MLP kernels (e3nn-jax and e3nn-torch both
  divide by √fan_in); linear ← linear_down; skip_tp ← selector (layer 0) / residual FCTP
* products.t.symmetric_contractions ← v1's reduced tensor-product basis carried as U_ν,
  W_ν ← w{ν}_{ir}; products.t.linear ← the product block's Linear
* readouts.t ← LinearReadoutBlock / NonLinearReadoutBlock (e3nn-jax normalised SiLU gate); v1 sums
  its heads' outputs, so several heads become one readout (one MaceMD head)
"""

from __future__ import annotations

import math

import numpy as np

try:
    from . import mlip_convert_maps as maps
    from . import mlip_convert_v2 as v2
except ImportError:
    import mlip_convert_maps as maps
    import mlip_convert_v2 as v2


def load_force_field(path: str, hyper: dict, params_npz):
    """mlip's v1 ForceField for the zip, float64, built as mlip's `load_model_from_zip` does for
    v1 networks (mlip/models/model_io.py) but taking the parameter shapes from an abstract
    evaluation of the initialisation (no compilation) to drop a pmap device axis."""
    import jax
    import jax.numpy as jnp
    from mlip.data import DatasetInfo
    from mlip.models import ForceField
    from mlip.models.model_io import _process_loaded_dataset_info_for_v1_compatibility, get_dummy_graph_for_model_init
    from mlip.models_v1 import Mace as MaceV1
    from mlip.models_v1.predictor_v1 import ForceFieldPredictorV1
    from mlip.models_v1.version_compatibility import VERSION
    from mlip.typing.properties import Properties
    if VERSION != 1:  # mlip/models_v1/version_compatibility.py: v2-compatible layouts, not saved v1 models
        raise maps.MapError("MLIP_BACKWARD_V1_COMPATIBLE=false is set: mlip then builds v1 models in its v2 "
                            "layout; unset it to convert a saved v1 model")
    info = DatasetInfo(**_process_loaded_dataset_info_for_v1_compatibility(dict(hyper["dataset_info"])))
    net = MaceV1(config=MaceV1.Config(**hyper["config"]), dataset_info=info)
    predictor = ForceFieldPredictorV1(mlip_network=net, required_properties=Properties(stress=True))
    shapes = jax.eval_shape(predictor.init, jax.random.key(0), get_dummy_graph_for_model_init())

    def fit(loaded, ref):
        a = jnp.asarray(loaded, dtype=jnp.float64)
        if a.ndim == len(ref.shape) + 1:
            a = a[0]
        if tuple(a.shape) != tuple(ref.shape):
            raise maps.MapError(f"parameter of shape {a.shape}, mlip's v1 model expects {ref.shape}")
        return a
    params = jax.tree.map(fit, params_npz, shapes)
    return ForceField(predictor, params)


def _resolved(net):
    """The hyperparameters mlip's v1 `Mace.__call__` resolves from config and dataset_info."""
    cfg, info = net.config, net.dataset_info
    return {
        "avg_num_neighbors": cfg.avg_num_neighbors if cfg.avg_num_neighbors is not None else info.avg_num_neighbors,
        "avg_r_min": cfg.avg_r_min if cfg.avg_r_min is not None else info.avg_r_min_angstrom,
        "node_symmetry": cfg.node_symmetry if cfg.node_symmetry is not None else cfg.l_max,
        "r_max": float(info.graph_cutoff_angstrom),
    }


def atomic_energies(net) -> list:
    """E0 per species (sorted atomic numbers), from mlip's own v1 `get_atomic_energies`."""
    from mlip.models_v1.atomic_energies import get_atomic_energies
    n = len(net.dataset_info.atomic_energies_map)
    return [float(x) for x in np.asarray(get_atomic_energies(net.dataset_info, net.config.atomic_energies, n))]


def build(ff, hyper: dict, w3j: set):
    """(tensors, modules, layer configs, radial, readout activation constant, readout width)."""
    import e3nn_jax as e3nn
    import jax
    import jax.numpy as jnp
    from mlip.models_v1.blocks import FullyConnectedTensorProduct, LinearNodeEmbeddingBlock, RadialEmbeddingBlock
    from mlip.models_v1.mace.blocks import InteractionBlock, LinearReadoutBlock, NonLinearReadoutBlock
    from mlip.models_v1.mace.symmetric_contraction import SymmetricContraction
    from mlip.models_v1.options import parse_activation, parse_radial_envelope
    from mlip.models_v1.radial_embedding import bessel_basis

    # mlip's v1 Mace.__call__ sets these before building its layers
    e3nn.config("path_normalization", "path")
    e3nn.config("gradient_normalization", "path")
    net = ff.predictor.mlip_network
    cfg = net.config
    res = _resolved(net)
    P = ff.params["params"]["mlip_network"]["MaceBlock_0"]
    n_el = len(net.dataset_info.atomic_energies_map)
    C = int(cfg.num_channels)
    L_max = int(cfg.l_max)
    act = parse_activation(cfg.activation)
    r_max = res["r_max"]
    T: dict = {}
    modules: dict = {}
    f64 = jnp.float64

    def lin(irreps_out, params, irreps_in):
        src = e3nn.Irreps(irreps_in)
        return np.asarray(e3nn.flax.Linear(irreps_out).apply({"params": params},
                                                             e3nn.IrrepsArray(src, jnp.eye(src.dim, dtype=f64))).array)

    # --- embedding
    table = np.asarray(LinearNodeEmbeddingBlock(n_el, C * e3nn.Irreps("0e")).apply(
        {"params": P["LinearNodeEmbeddingBlock_0"]}, jnp.arange(n_el)).array)
    t_, d_ = maps.linear_module("node_embedding.linear", table, [[n_el, 0, 1]], [[C, 0, 1]], "species embedding")
    T.update(t_); modules["node_embedding.linear"] = d_

    # --- radial basis: factor · √(2/r_max) sin(nπr/r_max)/r · envelope(r), factor from mlip (float32)
    nb = int(cfg.num_bessel)
    radial = RadialEmbeddingBlock(r_max=r_max, basis_functions=bessel_basis,
                                  envelope_function=parse_radial_envelope(cfg.radial_envelope),
                                  num_bessel=nb, avg_r_min=res["avg_r_min"])
    r = np.linspace(0.3, r_max * 0.999, 37)
    ref = np.asarray(radial.apply({}, jnp.asarray(r)).array)
    freqs = np.arange(1, nb + 1, dtype=np.float64) * np.pi / r_max
    u = r / r_max
    env = 1 - 21 * u ** 5 + 35 * u ** 6 - 15 * u ** 7
    plain = math.sqrt(2.0 / r_max) * np.sin(np.outer(r, freqs)) / r[:, None] * env[:, None]
    factor = float(ref[0, 0] / plain[0, 0])
    maps.check_residual("radial embedding (Bessel × polynomial envelope × avg_r_min prefactor)", ref, factor * plain)
    prefactor = factor * math.sqrt(2.0 / r_max)
    T["radial_embedding.bessel_fn.bessel_weights"] = freqs

    mlp_cst = v2.silu_constant(e3nn.normalize_function(act))
    node_irreps = e3nn.Irreps.spherical_harmonics(res["node_symmetry"])
    inter_irreps = e3nn.Irreps.spherical_harmonics(L_max)
    sh_list = [[1, l, (-1) ** l] for l in range(L_max + 1)]
    avg = float(res["avg_num_neighbors"])
    layers_cfg = []
    src = e3nn.Irreps(f"{C}x0e")
    for t in range(int(cfg.num_layers)):
        LP = P[f"layer_{t}"]
        IP = LP["InteractionBlock_0"]
        last = t == int(cfg.num_layers) - 1
        selector = t == 0
        pre, prod = f"interactions.{t}", f"products.{t}"
        src_list = v2.as_list(src)
        tgt = (C * inter_irreps).simplify()
        tgt_list = v2.as_list(tgt)
        # linear_up
        t_, d_ = maps.linear_module(f"{pre}.linear_up", lin(src, IP["linear_up"], src), src_list, src_list,
                                    f"layer {t} linear_up")
        T.update(t_); modules[f"{pre}.linear_up"] = d_
        # messages of channel 0 (message_passing.py), bilinear in (x, Y) with Y0 standing for 1
        y_rest = e3nn.Irreps.spherical_harmonics(L_max)[1:] if L_max > 0 else None

        def messages(xa, ya):
            x = e3nn.IrrepsArray(src, xa)
            parts = [x.filter(tgt) * ya[0]]
            if y_rest is not None:
                parts.append(e3nn.tensor_product(x, e3nn.IrrepsArray(y_rest, ya[1:]), filter_ir_out=tgt))
            return e3nn.concatenate(parts).regroup()
        ny = (L_max + 1) ** 2
        msg_irreps = messages(jnp.zeros(src.dim), jnp.zeros(ny)).irreps
        x0 = [off + m for off, mul, l, _ in maps.blocks(src_list) for m in range(2 * l + 1)]  # channel 0
        X = jnp.zeros((len(x0), src.dim)).at[jnp.arange(len(x0)), jnp.asarray(x0)].set(1.0)
        full = jax.vmap(lambda xa: jax.vmap(lambda j: messages(xa, jnp.eye(ny)[j]).array)(jnp.arange(ny)))(X)
        full = np.asarray(full).transpose(2, 0, 1)  # [msg.dim, nx1, ny]
        paths_src, rows = [], []  # (path, row offset of its channel-0 component) in v1's order
        off = 0
        for mul, ir in msg_irreps:
            if mul % C:
                raise maps.MapError(f"layer {t} messages: multiplicity {mul} not a multiple of {C} channels")
            for pl in range(mul // C):
                rows.append((ir.l, ir.p, off + pl * C * ir.dim))
            off += mul * ir.dim
        out_split = [[1, l, p] for l, p, _ in rows]
        coupling = np.zeros((sum(2 * l + 1 for l, _, _ in rows), len(x0), ny, len(rows)))
        o = 0
        for k, (l, p, r0) in enumerate(rows):
            coupling[o:o + 2 * l + 1, :, :, k] = full[r0:r0 + 2 * l + 1]
            o += 2 * l + 1
        paths = maps.convolution_paths(coupling, [[1, l, p] for _, l, p in src_list], sh_list, out_split,
                                       f"layer {t} convolution")
        modules[f"{pre}.conv_tp"], path_weights, mid = maps.convolution_module(paths, C, src_list, sh_list, w3j)
        # v1 negates the edge vectors: a (−1)^l2 sign per path
        scales = [q["factor"] * (-1) ** q["l2"] / pw for q, pw in zip(paths, path_weights)]
        mp = IP["MessagePassingConvolution_0"]["MultiLayerPerceptron_0"]
        kernels = [np.asarray(mp[f"Dense_{i}"]["kernel"], dtype=np.float64) for i in range(len(mp))]
        if any("bias" in mp[f"Dense_{i}"] for i in range(len(mp))):
            raise maps.MapError(f"layer {t} radial MLP has biases")
        fc_layers = []
        weights = []
        for i, K in enumerate(kernels):
            is_last = i == len(kernels) - 1
            W = K * np.asarray(scales).repeat(C)[None, :] if is_last else K
            weights.append(W)
            name = f"{pre}.conv_tp_weights.layer{i}.weight"
            T[name] = W
            a = ({"name": None, "effective_scale": 1.0} if is_last else
                 {"name": "silu", "normalize2mom_cst": mlp_cst, "is_identity_scaling": False, "effective_scale": mlp_cst})
            fc_layers.append({"weight": name, "h_in": int(K.shape[0]), "h_out": int(K.shape[1]), "var_in": 1.0,
                              "var_out": 1.0, "activation": a})
        modules[f"{pre}.conv_tp_weights"] = {"type": "e3nn.nn.FullyConnectedNet",
                                             "hs": [int(kernels[0].shape[0])] + [int(K.shape[1]) for K in kernels],
                                             "layers": fc_layers}
        down = lin(tgt, IP["linear_down"], msg_irreps)
        t_, d_ = maps.linear_module(f"{pre}.linear", down, mid, tgt_list, f"layer {t} linear_down")
        T.update(t_); modules[f"{pre}.linear"] = d_
        check_interaction(t, InteractionBlock(target_irreps=C * inter_irreps, avg_num_neighbors=avg, l_max=L_max,
                                              activation=act), IP, T, pre, paths, src, tgt, nb, avg, mlp_cst, C)
        # selector (layer 0, after the interaction) or residual (from the layer input)
        onehot = e3nn.Irreps(f"{n_el}x0e")
        if selector:
            fctp_in, fctp_out = C * inter_irreps, C * inter_irreps
        else:
            fctp_in, fctp_out = src, (C * e3nn.Irreps("0e")) if last else (C * node_irreps).regroup()
        fctp = FullyConnectedTensorProduct(irreps_in1=fctp_in, irreps_in2=onehot, irreps_out=fctp_out)
        din = e3nn.Irreps(fctp_in).dim
        per_z = np.stack([np.asarray(fctp.apply({"params": LP["FullyConnectedTensorProduct_0"]},
                                                e3nn.IrrepsArray(fctp_in, jnp.eye(din, dtype=f64)),
                                                e3nn.IrrepsArray(onehot, jnp.broadcast_to(jnp.eye(n_el)[z], (din, n_el)))
                                                ).array) for z in range(n_el)])
        fin, fout = v2.as_list(e3nn.Irreps(fctp_in).simplify()), v2.as_list(e3nn.Irreps(fctp_out).simplify())
        t_, d_ = maps.element_linear_module(f"{pre}.skip_tp", per_z, fin, fout,
                                            f"layer {t} {'selector' if selector else 'residual'} tensor product", w3j)
        T.update(t_); modules[f"{pre}.skip_tp"] = d_
        # product basis: symmetric contraction (v1's basis carried as U) then Linear
        target = (C * (e3nn.Irreps("0e") if last else node_irreps)).simplify()
        keep = {ir for _, ir in target}
        coupling_irreps = e3nn.Irreps([(1, ir) for _, ir in tgt])
        D = coupling_irreps.dim
        sc = SymmetricContraction(correlation=int(cfg.correlation), keep_irrep_out=keep, num_species=n_el,
                                  gradient_normalization="element",
                                  symmetric_tensor_product_basis=bool(cfg.symmetric_tensor_product_basis),
                                  off_diagonal=False)
        scp = LP["EquivariantProductBasisBlock_0"]["SymmetricContraction_0"]
        out_irs = sorted(keep)
        if any(not any(k.endswith(f"_{ir}") for k in scp) for ir in out_irs):
            raise maps.MapError(f"layer {t} symmetric contraction: an output irrep has no weights")
        fo = maps.blocks([[1, ir.l, ir.p] for ir in out_irs])
        leaf_sets = [[k for nu in range(1, int(cfg.correlation) + 1) for k in [f"w{nu}_{ir}"] if k in scp]
                     for ir in out_irs]

        def apply_sc(prm, x, z):
            return sc.apply({"params": prm}, e3nn.IrrepsArray(coupling_irreps, x[None]), jnp.array([z])).array[0]

        def basis_fn(j, a, leaf_sets=leaf_sets, fo=fo, scp=scp):
            sizes = [scp[n].shape[1] for n in leaf_sets[j]]

            def one(k):
                prm = {n: jnp.zeros(v.shape, dtype=f64) for n, v in scp.items()}
                start = 0
                for n, s in zip(leaf_sets[j], sizes):
                    hit = (jnp.arange(s) == k - start).astype(f64)
                    prm[n] = prm[n].at[:, :, 0].set(jnp.broadcast_to(hit, (n_el, s)))
                    start += s
                x = jnp.broadcast_to(a, (C, D))
                off, _, l, _ = fo[j]
                return apply_sc(prm, x, 0)[0, off:off + 2 * l + 1]
            return jax.vmap(one)(jnp.arange(sum(sizes)))
        wts = [np.concatenate([np.asarray(scp[n], dtype=np.float64) for n in leaf_sets[j]], axis=1)
               for j in range(len(out_irs))]
        sc_name = f"{prod}.symmetric_contractions"
        prod_out = [[C, ir.l, ir.p] for ir in out_irs]
        t_, contractions = maps.symmetric_contraction_tensors(sc_name, basis_fn, wts, D, int(cfg.correlation),
                                                              prod_out, C, f"layer {t} symmetric contraction")
        for c_ in contractions:
            c_["coupling_irreps"] = maps.entry_of(v2.as_list(coupling_irreps))
        T.update(t_)
        rng = np.random.default_rng(100 + t)
        for z in range(n_el):
            x = rng.normal(size=(C, D))
            exact = np.asarray(apply_sc(scp, jnp.asarray(x), z))
            rebuilt = np.concatenate([maps.evaluate_contraction(T, c_, x, z).reshape(C, -1) for c_ in contractions],
                                     axis=1)
            maps.check_residual(f"layer {t} symmetric contraction (element {z})", exact, rebuilt)
        modules[sc_name] = {"type": "mace.SymmetricContraction", "irreps_in": maps.entry_of(tgt_list),
                            "irreps_out": maps.entry_of(prod_out), "contractions": contractions}
        target_list = v2.as_list(target)
        M = lin(target, LP["EquivariantProductBasisBlock_0"]["Linear_0"], e3nn.Irreps(maps.entry_of(prod_out)["str"]))
        t_, d_ = maps.linear_module(f"{prod}.linear", M, prod_out, target_list, f"layer {t} product linear")
        T.update(t_); modules[f"{prod}.linear"] = d_
        layers_cfg.append({
            "interaction_class": "RealAgnosticInteractionBlock" if selector else "RealAgnosticResidualInteractionBlock",
            "node_feats_irreps": maps.entry_of(src_list), "edge_irreps": maps.entry_of(src_list),
            "target_irreps": maps.entry_of(tgt_list), "hidden_irreps": maps.entry_of(target_list),
            "avg_num_neighbors": avg, "radial_MLP": [int(K.shape[1]) for K in kernels[:-1]],
            "correlation": int(cfg.correlation), "product_irreps_in": maps.entry_of(tgt_list),
            "product_irreps_out": maps.entry_of(prod_out), "product_use_sc": not selector,
            "product_use_agnostic_product": False})
        # readout: mlip v1 sums the outputs of its heads (models.py `Mace`: sum_over_heads), so the
        # heads become one readout (linear: summed matrices; non-linear: hidden layers side by side)
        rname = f"readouts.{t}"
        nh = int(cfg.num_readout_heads)
        if not last:
            Mr = sum(np.asarray(LinearReadoutBlock(e3nn.Irreps("0e")).apply(
                {"params": LP[f"LinearReadoutBlock_{h}"]},
                e3nn.IrrepsArray(target, jnp.eye(target.dim, dtype=f64))).array) for h in range(nh))
            t_, d_ = maps.linear_module(f"{rname}.linear", Mr, target_list, [[1, 0, 1]], f"layer {t} readout")
            T.update(t_); modules[f"{rname}.linear"] = d_
        else:
            hidden = e3nn.Irreps(cfg.readout_irreps[0]).simplify()
            H = hidden.count("0e") * nh
            RPs = [LP[f"NonLinearReadoutBlock_{h}"] for h in range(nh)]
            M1 = np.concatenate([lin(hidden, RP["Linear_0"], target) for RP in RPs], axis=1)
            M2 = np.concatenate([lin(e3nn.Irreps("0e"), RP["Linear_1"], hidden) for RP in RPs], axis=0)
            cst = v2.silu_constant(lambda x: e3nn.gate(e3nn.IrrepsArray(f"{x.shape[-1]}x0e", x), even_act=act,
                                                       even_gate_act=None).array)
            block = NonLinearReadoutBlock(hidden, e3nn.Irreps("0e"), activation=act)
            xr = np.random.default_rng(7).normal(size=(5, target.dim))
            exact = sum(np.asarray(block.apply({"params": RP}, e3nn.IrrepsArray(target, jnp.asarray(xr))).array)
                        for RP in RPs)
            maps.check_residual(f"layer {t} non-linear readout (sum of {nh} heads)", exact,
                                cst * np.asarray(jax.nn.silu(jnp.asarray(xr @ M1))) @ M2)
            t_, d_ = maps.linear_module(f"{rname}.linear_1", M1, target_list, [[H, 0, 1]], f"layer {t} readout linear 1")
            T.update(t_); modules[f"{rname}.linear_1"] = d_
            t_, d_ = maps.linear_module(f"{rname}.linear_2", M2, [[H, 0, 1]], [[1, 0, 1]], f"layer {t} readout linear 2")
            T.update(t_); modules[f"{rname}.linear_2"] = d_
            modules[f"{rname}.non_linearity"] = {
                "type": "e3nn.nn.Activation", "irreps_in": maps.entry_of([[H, 0, 1]]),
                "irreps_out": maps.entry_of([[H, 0, 1]]),
                "acts": [{"name": "silu", "normalize2mom_cst": cst, "is_identity_scaling": False,
                          "effective_scale": cst}]}
        src = target
    radial_out = {"freqs": freqs, "prefactor": prefactor, "num_bessel": nb, "r_max": r_max}
    return T, modules, layers_cfg, radial_out, cst, H


def check_interaction(t, block, params, T, pre, paths, src, tgt, nb, avg, mlp_cst, C):
    """mlip's InteractionBlock (v1, edge vectors negated inside) against the mapped weights
    evaluated the mace-torch way on random nodes, edges and radial features."""
    import e3nn_jax as e3nn
    import jax
    import jax.numpy as jnp
    rng = np.random.default_rng(200 + t)
    n, E = 4, 9
    x = rng.normal(size=(n, src.dim))
    vec = rng.normal(size=(E, 3))
    radial = rng.normal(size=(E, nb))
    snd, rcv = rng.integers(0, n, E), rng.integers(0, n, E)
    exact = np.asarray(block.apply({"params": params}, edge_vectors=e3nn.IrrepsArray("1o", jnp.asarray(vec)),
                                   node_feats=e3nn.IrrepsArray(src, jnp.asarray(x)), radial_embeddings=jnp.asarray(radial),
                                   receivers=jnp.asarray(rcv), senders=jnp.asarray(snd)).array)
    lmax = max(q["l2"] for q in paths)
    Y = np.asarray(e3nn.spherical_harmonics(e3nn.Irreps.spherical_harmonics(lmax), jnp.asarray(vec), True).array)
    # linear_up
    h = x @ maps.linear_matrix(T, pre + ".linear_up", src)
    # radial MLP (mace-torch FullyConnectedNet: x ← φ(x W / √h_in))
    w = radial
    i = 0
    while f"{pre}.conv_tp_weights.layer{i}.weight" in T:
        W = T[f"{pre}.conv_tp_weights.layer{i}.weight"]
        w = w @ W / math.sqrt(W.shape[0])
        if f"{pre}.conv_tp_weights.layer{i + 1}.weight" in T:
            w = mlp_cst * np.asarray(jax.nn.silu(jnp.asarray(w)))
        i += 1
    sb = maps.blocks(v2.as_list(src))
    yoff = np.cumsum([0] + [2 * l + 1 for l in range(lmax + 1)])
    outs = []
    for k, q in enumerate(paths):
        off, _, l1, _ = sb[q["x_block"]]
        xs = h[snd, off:off + C * (2 * l1 + 1)].reshape(E, C, 2 * l1 + 1)
        ys = Y[:, yoff[q["l2"]]:yoff[q["l2"] + 1]]
        cg = maps.wigner_3j(q["l1"], q["l2"], q["l3"])
        m = math.sqrt(2 * q["l3"] + 1) * np.einsum("ijk,eci,ej,ec->eck", cg, xs, ys, w[:, k * C:(k + 1) * C])
        outs.append(m.reshape(E, -1))
    msg = np.concatenate(outs, axis=1)
    agg = np.zeros((n, msg.shape[1]))
    np.add.at(agg, rcv, msg)
    mid = [[C, q["l3"], q["parity"]] for q in paths]
    rebuilt = agg / avg @ maps.linear_matrix(T, pre + ".linear", mid, v2.as_list(tgt))
    maps.check_residual(f"layer {t} interaction block (convolution against mlip's InteractionBlock)", exact, rebuilt)

