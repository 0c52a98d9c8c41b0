"""Exact maps from mlip's (JAX) MACE layers to the mace-torch layers of MaceMD's format.

Helper module of mlip_convert.py (runs in mlip's own environment: jax, e3nn-jax, e3j, flax;
never mace-torch). Every map here is read off the live mlip layer by evaluating it in float64,
never re-derived from a formula, and then checked: each helper rebuilds the mlip layer from
the mace-style weights it returns and fails (MapError) unless the two agree to ~1e-12
relative. The layers are linear (or multilinear, or polynomial) in their inputs, so
evaluating them on unit vectors or differentiating them at zero gives their coefficients
exactly up to rounding.

mace-torch conventions written here (scripts/conversion/mace_model_format.md §5–6):
* e3nn `o3.Linear`: out[w, m] = pw · Σ_u W[u, w] x[u, m] per pair of blocks with the same irrep,
  pw = 1/√(Σ mul_in into that output block), weights flat in instruction order, [mul_in, mul_out].
* `FullyConnectedTensorProduct(x, one-hot)` (skip_tp): weights [mul_in, n_el, mul_out] per
  block, factor pw·w3j(l,0,l) = 1/√(mul_in·n_el).
* conv_tp "uvu": out_k[u, m3] = √(2l3+1) Σ w3j[m1, m2, m3] w_{k,u} x[u, m1] Y[m2].
* symmetric contraction: B[c, M] = Σ_ν Σ_{i…} Σ_k U_ν[M, i1…iν, k] W_ν[z, k, c] Π x[c, i].
"""

from __future__ import annotations

import math

import numpy as np

#: Largest relative residual accepted for an exact map (observed ~1e-15).
RESIDUAL_LIMIT = 1e-11


class MapError(Exception):
    """A layer of the source could not be mapped exactly (the message names it)."""


def irreps_entry(irreps) -> dict:
    """MaceMD's irreps description of an e3nn-jax Irreps: str, [[mul, l, parity]], dim."""
    lst = [[int(mul), int(ir.l), int(ir.p)] for mul, ir in irreps]
    text = "+".join(f"{m}x{l}{'e' if p == 1 else 'o'}" for m, l, p in lst)
    return {"str": text, "list": lst, "dim": int(sum(m * (2 * l + 1) for m, l, _ in lst))}


def blocks(irreps) -> list:
    """[(offset, mul, l, parity)] of each block of an irreps list [[mul, l, p]] (mul_ir layout)."""
    out, offset = [], 0
    for mul, l, p in irreps:
        out.append((offset, mul, l, p))
        offset += mul * (2 * l + 1)
    return out


def check_residual(what: str, exact, rebuilt) -> float:
    """Relative max deviation between two arrays; MapError when above RESIDUAL_LIMIT."""
    exact = np.asarray(exact, dtype=np.float64)
    rebuilt = np.asarray(rebuilt, dtype=np.float64)
    scale = max(float(np.max(np.abs(exact))) if exact.size else 0.0, 1e-300)
    residual = float(np.max(np.abs(exact - rebuilt))) / scale if exact.size else 0.0
    if not residual <= RESIDUAL_LIMIT:
        raise MapError(f"{what}: the mapped weights reproduce mlip's layer only to {residual:.2e} "
                       f"relative (need {RESIDUAL_LIMIT:.0e})")
    return residual


# --------------------------------------------------------------------------
# linear maps
# --------------------------------------------------------------------------

def equivariant_linear(matrix, irreps_in: list, irreps_out: list, what: str):
    """Weights of e3nn's o3.Linear equal to `matrix` [dim_in, dim_out] (rows: input components).

    Returns (flat weights, instructions) with instructions as MaceMD's config lists them.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    bin_, bout = blocks(irreps_in), blocks(irreps_out)
    instructions, weights, offset = [], [], 0
    rebuilt = np.zeros_like(matrix)
    for j, (oo, mo, lo, po) in enumerate(bout):
        sources = [i for i, (_, _, l, p) in enumerate(bin_) if (l, p) == (lo, po)]
        fan_in = sum(bin_[i][1] for i in sources)
        if fan_in == 0:
            continue
        pw = 1.0 / math.sqrt(fan_in)
        d = 2 * lo + 1
        for i in sources:
            oi, mi, _, _ = bin_[i]
            if mi == 0 or mo == 0:
                continue
            w = matrix[oi:oi + mi * d:d, oo:oo + mo * d:d] / pw  # m = 0 component
            for m in range(d):
                rebuilt[oi + m:oi + mi * d:d, oo + m:oo + mo * d:d] = pw * w
            instructions.append({"i_in": i, "i_out": j, "path_shape": [mi, mo], "path_weight": pw,
                                 "weight_offset": offset, "weight_numel": mi * mo})
            weights.append(w.reshape(-1))
            offset += mi * mo
    check_residual(what, matrix, rebuilt)
    flat = np.concatenate(weights) if weights else np.zeros(0)
    instructions.sort(key=lambda ins: ins["weight_offset"])
    return flat, instructions


def linear_module(name: str, matrix, irreps_in: list, irreps_out: list, what: str):
    """({tensor name: weights}, module description) of an o3.Linear named `name`."""
    flat, instructions = equivariant_linear(matrix, irreps_in, irreps_out, what)
    desc = {"type": "e3nn.o3.Linear", "irreps_in": entry_of(irreps_in), "irreps_out": entry_of(irreps_out),
            "instructions": instructions, "weight_numel": int(flat.size), "bias_numel": 0,
            "internal_weights": True, "shared_weights": True,
            "weight": f"{name}.weight", "bias": f"{name}.bias"}
    return {f"{name}.weight": flat, f"{name}.bias": np.zeros(0)}, desc


def linear_matrix(T, name, irreps_in, irreps_out=None):
    """The matrix [dim_in, dim_out] of the o3.Linear `name` that linear_module wrote into the
    tensors T (irreps_out defaults to irreps_in): the layer rebuilt from the file, for checks."""
    lst = irreps_in if isinstance(irreps_in, list) else [[int(mul), int(ir.l), int(ir.p)] for mul, ir in irreps_in]
    out = lst if irreps_out is None else irreps_out
    bi, bo = blocks(lst), blocks(out)
    flat = T[name + ".weight"]
    dim_in, dim_out = entry_of(lst)["dim"], entry_of(out)["dim"]
    _, instructions = equivariant_linear(np.zeros((dim_in, dim_out)), lst, out, name)
    M = np.zeros((dim_in, dim_out))
    for ins in instructions:
        oi, mi, l, _ = bi[ins["i_in"]]
        oo, mo, _, _ = bo[ins["i_out"]]
        W = flat[ins["weight_offset"]:ins["weight_offset"] + mi * mo].reshape(mi, mo) * ins["path_weight"]
        d = 2 * l + 1
        for m in range(d):
            M[oi + m:oi + mi * d:d, oo + m:oo + mo * d:d] = W
    return M

def entry_of(lst: list) -> dict:
    text = "+".join(f"{m}x{l}{'e' if p == 1 else 'o'}" for m, l, p in lst)
    return {"str": text, "list": [list(map(int, x)) for x in lst],
            "dim": int(sum(m * (2 * l + 1) for m, l, _ in lst))}


def element_linear_module(name: str, matrices, irreps_in: list, irreps_out: list, what: str, w3j_needed: set):
    """skip_tp (FullyConnectedTensorProduct(x, one-hot element)) from per-element matrices
    [n_el, dim_in, dim_out]. Returns ({tensor: array}, description)."""
    matrices = np.asarray(matrices, dtype=np.float64)
    n_el = matrices.shape[0]
    per_element = [equivariant_linear(matrices[z], irreps_in, irreps_out, f"{what} (element {z})")
                   for z in range(n_el)]
    bin_, bout = blocks(irreps_in), blocks(irreps_out)
    instructions, chunks, offset = [], [], 0
    for k, ins in enumerate(per_element[0][1]):
        i, j = ins["i_in"], ins["i_out"]
        mi, mo = ins["path_shape"]
        l, p = bin_[i][2], bin_[i][3]
        # the o3.Linear weight W_z[u, w] times its pw equals (1/√(mi·n_el))·W_tp[u, z, w]
        factor = 1.0 / math.sqrt(mi * n_el)
        w = np.stack([per_element[z][0][ins["weight_offset"]:ins["weight_offset"] + mi * mo].reshape(mi, mo)
                      * per_element[z][1][k]["path_weight"] / factor for z in range(n_el)], axis=1)
        chunks.append(w.reshape(-1))
        w3j_needed.add((l, 0, l))
        # path_weight·w3j(l,0,l)[m,0,m] = factor, w3j(l,0,l)[m,0,m] = 1/√(2l+1)
        instructions.append({"i_in1": i, "i_in2": 0, "i_out": j, "connection_mode": "uvw", "has_weight": True,
                             "path_weight": factor * math.sqrt(2 * l + 1), "path_shape": [mi, n_el, mo],
                             "l1_l2_l3": [l, 0, l], "w3j": f"__e3nn__.w3j_{l}_0_{l}",
                             "weight_offset": offset, "weight_numel": mi * n_el * mo})
        offset += mi * n_el * mo
    flat = np.concatenate(chunks) if chunks else np.zeros(0)
    desc = {"type": "e3nn.o3.FullyConnectedTensorProduct", "irreps_in1": entry_of(irreps_in),
            "irreps_in2": entry_of([[n_el, 0, 1]]), "irreps_out": entry_of(irreps_out),
            "instructions": instructions, "weight_numel": int(flat.size), "internal_weights": True,
            "shared_weights": True, "weight": f"{name}.weight"}
    return {f"{name}.weight": flat}, desc


# --------------------------------------------------------------------------
# Clebsch-Gordan (Wigner-3j) tensors, from e3nn-jax
# --------------------------------------------------------------------------

def wigner_3j(l1: int, l2: int, l3: int) -> np.ndarray:
    """The real coupling tensor [2l1+1, 2l2+1, 2l3+1] (Frobenius norm 1) written as
    `__e3nn__.w3j_{l1}_{l2}_{l3}`: e3nn-jax's `clebsch_gordan`, normalised.

    It is e3nn-torch's `o3.wigner_3j` up to a sign: checked against e3nn 0.4.4 for every
    triple with l ≤ 3, the two agree to 1e-15 except (1,2,2), (2,1,2), (2,2,1), (1,3,3),
    (3,1,3), (3,3,1), where they are opposite. MaceMD contracts whatever tensor the file holds,
    and the converter checks that each of mlip's couplings is a multiple f_p of this tensor
    (f_p, sign included, is folded into the radial weights), so the model is exact either way.
    """
    import e3nn_jax as e3nn
    c = np.asarray(e3nn.clebsch_gordan(l1, l2, l3), dtype=np.float64)
    return c / np.linalg.norm(c)


# --------------------------------------------------------------------------
# symmetric contraction: polynomial coefficients by differentiation at zero
# --------------------------------------------------------------------------

def polynomial_coefficients(fn, dim: int, degree: int):
    """Symmetric coefficient tensors of a polynomial map fn: R^dim → R^(shape) of degree ≤ `degree`.

    Returns [c_0, c_1, ..., c_degree] with c_ν[..., i1, ..., iν] = (1/ν!) ∂^ν fn(0), so that
    fn(a) = Σ_ν Σ c_ν[..., i…] a_i1 … a_iν (forward-mode derivatives of a polynomial are exact
    up to rounding).
    """
    import jax
    import jax.numpy as jnp
    zero = jnp.zeros(dim, dtype=jnp.float64)
    out = [np.asarray(jax.jit(fn)(zero))]
    g = fn
    for nu in range(1, degree + 1):
        g = jax.jacfwd(g)
        out.append(np.asarray(jax.jit(g)(zero)) / math.factorial(nu))
    return out


# --------------------------------------------------------------------------
# the convolution: one coupling per path, a multiple of the Wigner-3j tensor
# --------------------------------------------------------------------------

def convolution_paths(coupling, x_irreps: list, y_irreps: list, out_irreps: list, what: str) -> list:
    """Read the paths of a channel-wise convolution off its coupling tensor.

    `coupling` [num_out, num_x, num_y, num_paths] is the trilinear map of one channel:
    out[o] = Σ coupling[o, a, j, p] x[a] y[j] s[p] (s: the per-edge weight of each path).
    Each path must couple one block of x and one of y into one block of out through a
    multiple f of the Wigner-3j tensor. Returns [{x_block, y_block, out_block, l1, l2, l3,
    parity, factor}] in path order.
    """
    coupling = np.asarray(coupling, dtype=np.float64)
    bx, by, bo = blocks(x_irreps), blocks(y_irreps), blocks(out_irreps)

    def block_of(index, bl):
        for n, (off, mul, l, p) in enumerate(bl):
            if off <= index < off + mul * (2 * l + 1):
                return n
        raise MapError(f"{what}: component {index} outside the irreps")

    paths = []
    for p in range(coupling.shape[3]):
        t = coupling[:, :, :, p]
        nz = np.argwhere(np.abs(t) > 1e-14 * max(np.max(np.abs(t)), 1e-300))
        if nz.size == 0:
            raise MapError(f"{what}: path {p} couples nothing")
        ob = {block_of(i, bo) for i in nz[:, 0]}
        xb = {block_of(i, bx) for i in nz[:, 1]}
        yb = {block_of(i, by) for i in nz[:, 2]}
        if len(ob) != 1 or len(xb) != 1 or len(yb) != 1:
            raise MapError(f"{what}: path {p} spans several irreps blocks")
        o, a, j = ob.pop(), xb.pop(), yb.pop()
        (oo, mo, l3, p3), (ox, mx, l1, p1), (oy, my, l2, p2) = bo[o], bx[a], by[j]
        if mo != 1 or mx != 1 or my != 1:
            raise MapError(f"{what}: expected multiplicity-1 blocks per channel")
        sub = t[oo:oo + 2 * l3 + 1, ox:ox + 2 * l1 + 1, oy:oy + 2 * l2 + 1].transpose(1, 2, 0)
        w = wigner_3j(l1, l2, l3)
        factor = float(np.sum(sub * w) / np.sum(w * w))
        rebuilt = np.zeros_like(t)
        rebuilt[oo:oo + 2 * l3 + 1, ox:ox + 2 * l1 + 1, oy:oy + 2 * l2 + 1] = factor * w.transpose(2, 0, 1)
        check_residual(f"{what}, path {p} ({l1}⊗{l2}→{l3}) against e3nn's Wigner-3j", t, rebuilt)
        if p1 * p2 != p3:
            raise MapError(f"{what}: path {p} breaks parity")
        paths.append({"x_block": a, "y_block": j, "out_block": o, "l1": l1, "l2": l2, "l3": l3,
                      "parity": p3, "factor": factor})
    return paths


def convolution_module(paths: list, channels: int, irreps_in1: list, irreps_in2: list, w3j_needed: set):
    """The e3nn `TensorProduct` description of a MACE convolution (mode "uvu", one weight per
    channel and path, weights from the radial MLP) for the paths `convolution_paths` found.

    Returns (module dict, path weights √(2 l3 + 1), its output irreps: one [channels, l3, parity]
    per path); adds every path's (l1, l2, l3) to `w3j_needed`.
    Shared by the v1 and v2 converters, which differ only in the factor each path's radial
    weights absorb.
    """
    instructions, path_weights = [], []
    for k, q in enumerate(paths):
        pw = math.sqrt(2 * q["l3"] + 1)
        w3j_needed.add((q["l1"], q["l2"], q["l3"]))
        instructions.append({"i_in1": q["x_block"], "i_in2": q["y_block"], "i_out": k, "connection_mode": "uvu",
                             "has_weight": True, "path_weight": pw, "path_shape": [channels, 1],
                             "l1_l2_l3": [q["l1"], q["l2"], q["l3"]],
                             "w3j": f"__e3nn__.w3j_{q['l1']}_{q['l2']}_{q['l3']}",
                             "weight_offset": k * channels, "weight_numel": channels})
        path_weights.append(pw)
    mid = [[channels, q["l3"], q["parity"]] for q in paths]
    module = {"type": "e3nn.o3.TensorProduct", "irreps_in1": entry_of(irreps_in1), "irreps_in2": entry_of(irreps_in2),
              "irreps_out": entry_of(mid), "instructions": instructions, "weight_numel": len(paths) * channels,
              "internal_weights": False, "shared_weights": False, "weight": None}
    return module, path_weights, mid


def symmetric_contraction_tensors(name: str, basis_fn, weights_by_irrep: list, coupling_dim: int,
                                  correlation: int, out_irreps: list, num_channels: int, what: str):
    """U_ν and W_ν of each output irrep of a symmetric contraction, carrying mlip's own basis.

    `basis_fn(j, a)` returns [K_j, 2L+1]: the polynomials P_k(a) of every basis element k of
    output irrep j (mlip's layer evaluated with weight 1 on k and 0 elsewhere, one channel);
    `weights_by_irrep[j]` [n_el, K_j, C] are the weights that multiply P_k for element z and
    channel c. The contraction is B_j[z, c] = Σ_k W[z, k, c] P_k(x_c). Each P_k is split by
    degree ν; U_ν[M, i1..iν, k] = the ν-th coefficient tensor (L = 0: no M axis, as mace).
    Returns (tensors, contractions description).
    """
    tensors, contractions = {}, []
    for j, (mul, l, p) in enumerate(out_irreps):
        w = np.asarray(weights_by_irrep[j], dtype=np.float64)  # [n_el, K, C]
        n_el, K, C = w.shape
        coeffs = polynomial_coefficients(lambda a, j=j: basis_fn(j, a), coupling_dim, correlation)
        per_k = [[c[k] for c in coeffs] for k in range(K)]
        cname = f"{name}.contractions.{j}"
        entry = {"irrep_out": entry_of([[C, l, p]]), "correlation": correlation, "num_features": C,
                 "coupling_irreps": None, "U_matrices": {}, "weights_by_nu": {}, "num_elements": n_el}
        for k in range(K):
            if np.max(np.abs(per_k[k][0])) > 0:
                raise MapError(f"{what}: basis element {k} of {l}{'e' if p == 1 else 'o'} has a constant term")
        for nu in range(1, correlation + 1):
            keep = [k for k in range(K) if np.max(np.abs(per_k[k][nu])) > 0]
            if not keep:
                keep = [0]
            u = np.stack([per_k[k][nu] for k in keep], axis=-1)  # [2L+1, D…, K_ν]
            if l == 0:
                u = u[0]
            wnu = w[:, keep, :]
            uname = f"{cname}.U_matrix_{nu}"
            wname = f"{cname}.weights_max" if nu == correlation else f"{cname}.weights.{correlation - 1 - nu}"
            tensors[uname] = u
            tensors[wname] = wnu
            entry["U_matrices"][str(nu)] = {"name": uname, "shape": list(u.shape)}
            entry["weights_by_nu"][str(nu)] = wname
        contractions.append(entry)
    return tensors, contractions


def evaluate_contraction(tensors: dict, contraction: dict, x, element: int):
    """B[c, M] of one node from the U_ν/W_ν written by symmetric_contraction_tensors (a check)."""
    x = np.asarray(x, dtype=np.float64)  # [C, D]
    out = 0.0
    for nu_s, u_entry in contraction["U_matrices"].items():
        nu = int(nu_s)
        u = tensors[u_entry["name"]]
        w = tensors[contraction["weights_by_nu"][nu_s]][element]  # [K, C]
        if u.ndim == nu + 1:
            u = u[None]
        t = np.einsum("m...k,kc->cm...", u, w)
        for _ in range(nu):
            t = np.einsum("cm...i,ci->cm...", t, x)
        out = out + t
    return out
