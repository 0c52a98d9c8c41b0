"""mlip 0.2.5 MACE **v2** (`mlip/models/mace`, built on InstaDeep's e3j) → MaceMD's format.

Helper module of mlip_convert.py. Source files read (mlip 0.2.5, e3j 0.1.1, site-packages):
* mlip/models/mace/network.py   `Mace`: embedding, layers, per-layer readouts summed, head select
* mlip/models/mace/blocks.py    `MaceEmbeddingBlock` (species table, Bessel·envelope·prefactor,
                                e3nn-jax spherical harmonics), `EquivariantProductBasisBlock`
* mlip/models/mace/layer.py     `MaceLayer`: interaction, `linear_by_species_block` (first
                                layer) or `residual_block`, product basis, readout
* mlip/models/message_passing.py `O3MessagePassingBlock`: radial MLP → `linear_in` →
                                e3j `Convolution` (÷ avg_num_neighbors folded into its
                                coefficients) → channel-major cast → `linear_out`
* mlip/models/mace/symmetric_contraction.py  e3j `PowerExpansion` + `LinearIndexwise`
* mlip/models/readout.py        per-head `ReadoutBlock`s (e3j Linear, e3nn-jax gate)
* mlip/models/blocks.py         `RadialEmbeddingBlock` (pre_factor from avg_r_min, float32),
                                `MLP` (kernel·1/√fan_in, e3nn.normalize_function(silu)),
                                `AtomicEnergiesBlock` (E = stdev·Σ + mean·N + Σ E0)

Mapping (mace-torch names, §-references are to mace_model_format.md):
* node_embedding.linear   ← species table × √n_el (o3.Linear from one-hot has 1/√n_el)
* interactions.t.linear_up ← linear_in;  conv_tp ← e3j's paths (each a multiple f_p of the
  Wigner-3j, f_p folded with avg_num_neighbors into the radial MLP's output columns);
  linear ← linear_out ∘ channel-major cast (read as one matrix, rows permuted to mace's
  slot-major layout); skip_tp ← linear_by_species_block (layer 0) / residual_block
* products.t.symmetric_contractions ← mlip's own power-expansion basis as U_ν (carried, not
  re-derived), W_ν ← LinearIndexwise weights; products.t.linear ← linear_block
* readouts.t ← the heads' ReadoutBlocks side by side (block-diagonal for the MLP readout)
"""

from __future__ import annotations

import math

import numpy as np

try:
    from . import mlip_convert_maps as maps
except ImportError:
    import mlip_convert_maps as maps


def as_list(irreps) -> list:
    return [[int(mul), int(ir.l), int(ir.p)] for mul, ir in irreps]


def extract(ff, hyper: dict) -> dict:
    """Everything MaceMD needs, read off the bound mlip network (float64 numpy arrays)."""
    import e3nn_jax as e3nn
    import jax
    import jax.numpy as jnp

    params = ff.params
    net_params = params["params"]["mlip_network"]

    def run(fn):
        return ff.predictor.apply(params, method=lambda pred: fn(pred.mlip_network))

    cfg = hyper["config"]
    info = hyper["dataset_info"]
    n_el = len(ff.predictor.mlip_network.dataset_info.allowed_atomic_numbers)
    C = int(cfg["num_channels"])
    out: dict = {"layers": []}

    # --- embedding
    out["species_table"] = np.asarray(run(lambda n: n.embedding_block.node_embedding_block(jnp.arange(n_el))))
    out["radial_prefactor"] = float(run(lambda n: n.embedding_block.radial_embedding_block.pre_factor))
    r = jnp.linspace(0.3, float(info["graph_cutoff_angstrom"]) * 0.999, 37, dtype=jnp.float64)
    out["radial_samples"] = (np.asarray(r), np.asarray(run(lambda n: n.embedding_block.radial_embedding_block(r).array)))
    vec = jnp.asarray(np.random.default_rng(0).normal(size=(11, 3)))
    out["sh_samples"] = (np.asarray(vec), np.asarray(run(lambda n: n.embedding_block.spherical_embedding_block(vec).array)))

    num_layers = int(cfg["num_layers"])
    for t in range(num_layers):
        L: dict = {}

        def layer(n, t=t):
            return n.layers[t]

        blk = run(lambda n: layer(n).interaction_block.clone(parent=None))
        src = e3nn.Irreps(blk.source_irreps)
        tgt = e3nn.Irreps(blk.target_irreps)
        msg = blk.message_irreps
        L["source_irreps"], L["target_irreps"] = as_list(src), as_list(tgt)
        # linear_in
        L["linear_in"] = np.asarray(run(lambda n: layer(n).interaction_block.linear_in(jnp.eye(src.dim))))
        # radial MLP: kernels and the normalisation read from the module
        mlp_p = net_params[f"layers_{t}"]["interaction_block"]["radial_mlp"]
        L["radial_kernels"] = [np.asarray(mlp_p[f"layers_{i}"]["kernel"], dtype=np.float64)
                               for i in range(len(mlp_p))]
        L["radial_scales"] = [float(s) for s in run(lambda n: layer(n).interaction_block.radial_mlp.scales)]
        out.setdefault("radial_act_cst", []).append(
            silu_constant(run(lambda n: layer(n).interaction_block.radial_mlp.activations[0])))
        # the convolution's coupling, one channel: out[o] = Σ T[o,a,j,p] x[a] y[j] s[p]
        conv = run(lambda n: layer(n).interaction_block.convolution_block)
        nx, ny = blk._src.dim, e3nn.Irreps.spherical_harmonics(blk.l_max).dim
        n_paths = msg.num_irreps
        L["avg_num_neighbors"] = float(blk.avg_num_neighbors)

        def tri(a, j, p):
            x = jnp.zeros((2, nx, 1)).at[0, a, 0].set(1.0)
            y = jnp.zeros((1, ny)).at[0, j].set(1.0)
            s = jnp.zeros((1, n_paths, 1)).at[0, p, 0].set(1.0)
            return conv(x, y, s, jnp.array([0]), jnp.array([1]))[1, :, 0]

        A, J, P = jnp.meshgrid(jnp.arange(nx), jnp.arange(ny), jnp.arange(n_paths), indexing="ij")
        vals = jax.vmap(tri)(A.ravel(), J.ravel(), P.ravel())  # [nx*ny*np, num_out]
        L["coupling"] = np.asarray(vals).reshape(nx, ny, n_paths, -1).transpose(3, 0, 1, 2)
        L["x_irreps"] = as_list(blk._src)
        L["y_irreps"] = as_list(e3nn.Irreps.spherical_harmonics(blk.l_max))
        L["msg_irreps"] = as_list(msg)
        num_out = msg.dim

        # linear_out ∘ cast: y [1, num_out, C] (trailing channels) → target
        def lin_out(yflat):
            y = yflat.reshape(1, num_out, C)
            return run(lambda n: layer(n).interaction_block.linear_out(
                layer(n).interaction_block._cast_outputs(y).array))[0]
        eye = jnp.eye(num_out * C)
        L["linear_out"] = np.asarray(jax.vmap(lin_out)(eye))  # rows: o*C + c
        # self-connection / residual (species-indexed)
        ml = run(lambda n: layer(n).clone(parent=None))
        if ml.use_residuals:
            L["residual"] = np.stack([np.asarray(run(lambda n, z=z: layer(n).residual_block(
                jnp.eye(src.dim), jnp.full((src.dim,), z)))) for z in range(n_el)])
            L["residual_irreps_out"] = as_list(C * (e3nn.Irreps("0e") if ml.last_layer else e3nn.Irreps(ml.node_irreps)))
        else:
            L["by_species"] = np.stack([np.asarray(run(lambda n, z=z: layer(n).linear_by_species_block(
                jnp.eye(tgt.dim), jnp.full((tgt.dim,), z)))) for z in range(n_el)])
        # product basis
        eb = run(lambda n: layer(n).expansion_block.clone(parent=None))
        sc_unbound = run(lambda n: layer(n).expansion_block.symmetric_contraction.clone(parent=None))
        sc_params = net_params[f"layers_{t}"]["expansion_block"]["symmetric_contraction"]
        L["sc_module"], L["sc_params"] = sc_unbound, sc_params
        L["product_target"] = as_list(e3nn.Irreps(eb.target_irreps))
        filt = e3nn.Irreps([(1, ir) for _, ir in e3nn.Irreps(eb.target_irreps)])
        L["filter_irreps"] = as_list(filt)
        L["linear_block"] = np.asarray(run(lambda n: layer(n).expansion_block.linear_block(jnp.eye(C * filt.dim))))
        L["coupling_irreps"] = as_list(e3nn.Irreps([(1, ir) for _, ir in e3nn.Irreps(eb.source_irreps)]))
        # readouts: one ReadoutBlock per head
        rp = net_params[f"layers_{t}"]["readout_block"]
        L["readout_params"] = rp
        out["layers"].append(L)
    # the last readout: e3nn.gate on scalars only = normalised activation (mlip/models/readout.py)
    hidden = e3nn.Irreps(cfg["readout_irreps"][0])
    out["readout_hidden"] = hidden.count("0e")
    cst = silu_constant(e3nn.normalize_function(jax.nn.silu))
    gate_cst = silu_constant(lambda x: e3nn.gate(e3nn.IrrepsArray(f"{x.shape[-1]}x0e", x), even_act=jax.nn.silu,
                                                 even_gate_act=None).array)
    if abs(gate_cst - cst) > 1e-14 * cst:
        raise maps.MapError("the readout's gate is not e3nn-jax's normalised SiLU")
    out["readout_act_cst"] = cst
    return out


def silu_constant(act) -> float:
    """1/c of e3nn-jax's normalize_function(silu) = silu(x)/c, as computed in this JAX session
    (x64: 1/c = 1.6765620560798837; e3nn-torch's Monte-Carlo constant is 1.6791767923989418)."""
    import jax
    import jax.numpy as jnp
    x = jnp.linspace(-3.0, 3.0, 13, dtype=jnp.float64)
    ratio = np.asarray(act(x)) / np.asarray(jax.nn.silu(x))
    ratio = ratio[np.abs(np.asarray(x)) > 1e-3]
    if np.max(np.abs(ratio - ratio[0])) > 1e-14 * abs(ratio[0]):
        raise maps.MapError("the activation is not a multiple of SiLU")
    closure = getattr(act, "__closure__", None) or ()
    for cell in closure:  # e3nn-jax stores c in rho's closure: psi(x) = phi(x) / c
        v = cell.cell_contents
        if isinstance(v, float) and abs(1.0 / v - ratio[0]) <= 1e-14 * abs(ratio[0]):
            return 1.0 / v
    return float(ratio[0])


def readout_matrix(params, irreps_in, irreps_out):
    """The matrix [dim_in, dim_out] of one e3j Linear of mlip's ReadoutBlock (mlip/models/readout.py)."""
    import e3j
    import e3nn_jax as e3nn
    import jax.numpy as jnp
    src, tgt = e3nn.Irreps(irreps_in), e3nn.Irreps(irreps_out)
    lin = e3j.linen.Linear(source_irreps=str(src), target_irreps=str(tgt.regroup()), layout="E3NN",
                           kernel_init="FAN_IN", rescale_gradients=True)
    return np.asarray(lin.apply({"params": params}, jnp.eye(src.dim, dtype=jnp.float64)))


def build(ff, hyper: dict, ex: dict, w3j: set):
    """(tensors, partial config) in mace-torch names from the extracted v2 layers `ex`."""
    import e3nn_jax as e3nn
    import jax
    import jax.numpy as jnp

    cfg, info = hyper["config"], hyper["dataset_info"]
    net = ff.predictor.mlip_network
    n_el = len(net.dataset_info.allowed_atomic_numbers)
    C = int(cfg["num_channels"])
    n_heads = int(cfg["num_readout_heads"])
    r_max = float(info["graph_cutoff_angstrom"])
    T: dict = {}
    modules: dict = {}

    t_, d_ = maps.linear_module("node_embedding.linear", ex["species_table"], [[n_el, 0, 1]], [[C, 0, 1]],
                                "species embedding")
    T.update(t_); modules["node_embedding.linear"] = d_

    # radial basis: mlip = pre_factor · √(2/r_max) sin(nπr/r_max)/r · envelope(r)
    nb = int(cfg["num_rbf"])
    freqs = np.arange(1, nb + 1, dtype=np.float64) * np.pi / r_max
    prefactor = ex["radial_prefactor"] * math.sqrt(2.0 / r_max)
    r, ref = ex["radial_samples"]
    u = r / r_max
    p = 5
    env = 1 - (p + 1) * (p + 2) / 2 * u ** p + p * (p + 2) * u ** (p + 1) - p * (p + 1) / 2 * u ** (p + 2)
    maps.check_residual("radial embedding (Bessel × polynomial envelope × avg_r_min prefactor)",
                        ref, prefactor * np.sin(np.outer(r, freqs)) / r[:, None] * env[:, None])
    T["radial_embedding.bessel_fn.bessel_weights"] = freqs

    layers_cfg = []
    for t, L in enumerate(ex["layers"]):
        pre, prod = f"interactions.{t}", f"products.{t}"
        src, tgt = L["source_irreps"], L["target_irreps"]
        t_, d_ = maps.linear_module(f"{pre}.linear_up", L["linear_in"], src, src, f"layer {t} linear_in")
        T.update(t_); modules[f"{pre}.linear_up"] = d_
        # convolution paths (per channel: split the message irreps into multiplicity-1 blocks)
        out_split = [[1, l, par] for mul, l, par in L["msg_irreps"] for _ in range(mul)]
        paths = maps.convolution_paths(L["coupling"], L["x_irreps"], L["y_irreps"], out_split,
                                       f"layer {t} convolution")
        ob = maps.blocks(out_split)
        avg = L["avg_num_neighbors"]
        sh = L["y_irreps"]
        modules[f"{pre}.conv_tp"], path_weights, mid = maps.convolution_module(paths, C, src, sh, w3j)
        scales = [q["factor"] * avg / pw for q, pw in zip(paths, path_weights)]
        # radial MLP: mlip h ← φ(h @ K · s), e3nn h ← φ(h @ W/√h_in)
        kernels = L["radial_kernels"]
        fc_layers = []
        for i, (K, s) in enumerate(zip(kernels, L["radial_scales"])):
            W = K * s * math.sqrt(K.shape[0])
            last = i == len(kernels) - 1
            if last:
                cols = np.asarray(scales).repeat(C)  # column p*C + c of path p
                W = W * cols[None, :]
            name = f"{pre}.conv_tp_weights.layer{i}.weight"
            T[name] = W
            act = ({"name": None, "effective_scale": 1.0} if last else
                   {"name": "silu", "normalize2mom_cst": ex["radial_act_cst"][t], "is_identity_scaling": False,
                    "effective_scale": ex["radial_act_cst"][t]})
            fc_layers.append({"weight": name, "h_in": int(K.shape[0]), "h_out": int(K.shape[1]), "var_in": 1.0,
                              "var_out": 1.0, "activation": act})
        modules[f"{pre}.conv_tp_weights"] = {"type": "e3nn.nn.FullyConnectedNet",
                                             "hs": [int(kernels[0].shape[0])] + [int(K.shape[1]) for K in kernels],
                                             "layers": fc_layers}
        # linear: rows of linear_out∘cast in e3j's (component, channel) order → mace slot-major
        lo = L["linear_out"]
        mb = maps.blocks(mid)
        rows = np.zeros((sum(C * (2 * q["l3"] + 1) for q in paths), lo.shape[1]))
        for k, q in enumerate(paths):
            d = 2 * q["l3"] + 1
            o0 = ob[q["out_block"]][0]
            for c in range(C):
                for m in range(d):
                    rows[mb[k][0] + c * d + m] = lo[(o0 + m) * C + c]
        t_, d_ = maps.linear_module(f"{pre}.linear", rows, mid, tgt, f"layer {t} linear_out")
        T.update(t_); modules[f"{pre}.linear"] = d_
        residual = "residual" in L
        if residual:
            hidden_out = L["residual_irreps_out"]
            t_, d_ = maps.element_linear_module(f"{pre}.skip_tp", L["residual"], src, hidden_out,
                                                f"layer {t} residual_block", w3j)
        else:
            t_, d_ = maps.element_linear_module(f"{pre}.skip_tp", L["by_species"], tgt, tgt,
                                                f"layer {t} linear_by_species_block", w3j)
        T.update(t_); modules[f"{pre}.skip_tp"] = d_
        # symmetric contraction, carrying mlip's basis
        coupling = L["coupling_irreps"]
        D = sum(2 * l + 1 for _, l, _ in coupling)
        filt = L["filter_irreps"]
        corr = int(cfg["correlation"])
        sc_mod, sc_params = L["sc_module"], L["sc_params"]
        leaves = sc_params["LinearIndexwise_0"]
        leaf_names = []
        for _, l, par in filt:
            name = f"weight{l}_{l}_{par}"
            if name not in leaves:
                raise maps.MapError(f"layer {t} symmetric contraction: no parameter {name}")
            leaf_names.append(name)
        coupling_str = str(e3nn.Irreps([(1, (l, par)) for _, l, par in coupling]))
        fo = maps.blocks(filt)

        def apply_sc(prm, x, z):
            y = sc_mod.apply({"params": prm}, e3nn.IrrepsArray(coupling_str, x[None]), jnp.array([z]))
            return y.array[0]  # [C, Dout]

        def basis_fn(j, a, leaf_names=leaf_names, leaves=leaves, fo=fo):
            def one(k):
                prm = {"LinearIndexwise_0": {n: (jnp.zeros(v.shape, dtype=jnp.float64) if n != leaf_names[j] else
                                                 jnp.zeros(v.shape, dtype=jnp.float64).at[..., k].set(1.0))
                                             for n, v in leaves.items()}}
                x = jnp.broadcast_to(a, (C, D))
                off, _, l, _ = fo[j]
                return apply_sc(prm, x, 0)[0, off:off + 2 * l + 1]
            return jax.vmap(one)(jnp.arange(leaves[leaf_names[j]].shape[-1]))

        weights = [np.transpose(np.asarray(leaves[n], dtype=np.float64)[:, :, 0, :], (0, 2, 1)) for n in leaf_names]
        sc_name = f"{prod}.symmetric_contractions"
        t_, contractions = maps.symmetric_contraction_tensors(sc_name, basis_fn, weights, D, corr,
                                                              [[C, l, par] for _, l, par in filt], C,
                                                              f"layer {t} symmetric contraction")
        for c_ in contractions:
            c_["coupling_irreps"] = maps.entry_of(coupling)
        T.update(t_)
        # check against mlip's own layer on random features, every element
        rng = np.random.default_rng(t)
        for z in range(n_el):
            x = rng.normal(size=(C, D))
            exact = np.asarray(apply_sc({"LinearIndexwise_0": {n: jnp.asarray(v, dtype=jnp.float64)
                                                               for n, v in leaves.items()}}, jnp.asarray(x), z))
            rebuilt = np.concatenate([maps.evaluate_contraction(T, c_, x, z).reshape(C, -1) for c_ in contractions],
                                     axis=1)
            maps.check_residual(f"layer {t} symmetric contraction (element {z})", exact, rebuilt)
        prod_out = [[C, l, par] for _, l, par in filt]
        modules[sc_name] = {"type": "mace.SymmetricContraction", "irreps_in": maps.entry_of(tgt),
                            "irreps_out": maps.entry_of(prod_out), "contractions": contractions}
        target = L["product_target"]
        t_, d_ = maps.linear_module(f"{prod}.linear", L["linear_block"], prod_out, target, f"layer {t} linear_block")
        T.update(t_); modules[f"{prod}.linear"] = d_
        layers_cfg.append({
            "interaction_class": ("RealAgnosticResidualInteractionBlock" if residual
                                  else "RealAgnosticInteractionBlock"),
            "node_feats_irreps": maps.entry_of(src), "edge_irreps": maps.entry_of(src),
            "target_irreps": maps.entry_of(tgt), "hidden_irreps": maps.entry_of(target),
            "avg_num_neighbors": avg, "radial_MLP": [int(K.shape[1]) for K in kernels[:-1]],
            "correlation": corr, "product_irreps_in": maps.entry_of(tgt),
            "product_irreps_out": maps.entry_of(prod_out), "product_use_sc": residual,
            "product_use_agnostic_product": False})
        # readouts (one ReadoutBlock per head)
        rp = L["readout_params"]
        heads_p = [rp[f"ReadoutBlock_{h}"] for h in range(n_heads)]
        last = t == len(ex["layers"]) - 1
        rname = f"readouts.{t}"
        if not last:
            M = np.concatenate([readout_matrix(hp["Linear_0"], maps.entry_of(target)["str"], "0e")
                                for hp in heads_p], axis=1)
            t_, d_ = maps.linear_module(f"{rname}.linear", M, target, [[n_heads, 0, 1]], f"layer {t} readout")
            T.update(t_); modules[f"{rname}.linear"] = d_
        else:
            H = ex["readout_hidden"]
            M1 = np.concatenate([readout_matrix(hp["Linear_0"], maps.entry_of(target)["str"], f"{H}x0e")
                                 for hp in heads_p], axis=1)
            M2 = np.zeros((n_heads * H, n_heads))
            for h, hp in enumerate(heads_p):
                M2[h * H:(h + 1) * H, h] = readout_matrix(hp["Linear_1"], f"{H}x0e", "0e")[:, 0]
            t_, d_ = maps.linear_module(f"{rname}.linear_1", M1, target, [[n_heads * H, 0, 1]],
                                        f"layer {t} readout linear 1")
            T.update(t_); modules[f"{rname}.linear_1"] = d_
            t_, d_ = maps.linear_module(f"{rname}.linear_2", M2, [[n_heads * H, 0, 1]], [[n_heads, 0, 1]],
                                        f"layer {t} readout linear 2")
            T.update(t_); modules[f"{rname}.linear_2"] = d_
            cst = ex["readout_act_cst"]
            modules[f"{rname}.non_linearity"] = {
                "type": "e3nn.nn.Activation", "irreps_in": maps.entry_of([[n_heads * H, 0, 1]]),
                "irreps_out": maps.entry_of([[n_heads * H, 0, 1]]),
                "acts": [{"name": "silu", "normalize2mom_cst": cst, "is_identity_scaling": False,
                          "effective_scale": cst}]}
    return T, modules, layers_cfg, {"freqs": freqs, "prefactor": prefactor, "num_bessel": nb, "r_max": r_max}
