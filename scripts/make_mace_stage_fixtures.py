#!/usr/bin/env python3
"""Reference values of MACE's per-edge basis stages, from e3nn 0.4.4 / mace-torch 0.3.16.

Writes small JSON files into Tests/MACETests/Resources/stages/ for the Swift tests of
Sources/MACE/Basis (float64 throughout):

  spherical_harmonics.json  e3nn o3.SphericalHarmonics(lmax, normalize=True,
                            normalization="component") of bond vectors, and dE/dr by autograd
                            for E = sum(w * Y) with w[e, i] = cos(0.37 (i + 1) + 1.3 e).
  radial.json               mace BesselBasis (with perturbed, "trained" bessel_weights),
                            GaussianBasis, ChebychevBasis, PolynomialCutoff (p = 5, 6) and whole
                            RadialEmbeddingBlocks (none / Agnesi / Soft transform) at lengths
                            around 0.5 r_max, near, at and beyond r_max; values and d/dr.
  transforms.json           AgnesiTransform and SoftTransform per edge (r, Z_sender, Z_receiver).
  zbl.json                  ZBLBasis edge energies (one edge per two-atom graph; energy lands on
                            the receiver) and dE/dr.
  activations.json          e3nn normalize2mom constants of silu, sigmoid, tanh and values and
                            derivatives of the normalised functions.
  covalent_radii.json       ase.data.covalent_radii as mace's buffers hold them.

Usage: TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /work/main/.venv-ref/bin/python \
           scripts/make_mace_stage_fixtures.py
"""
import json
import math
import os

import ase.data
import numpy as np
import torch
from e3nn import o3
from e3nn.math import normalize2mom
from mace.modules.blocks import RadialEmbeddingBlock
from mace.modules.radial import (AgnesiTransform, BesselBasis, ChebychevBasis, GaussianBasis,
                                 PolynomialCutoff, SoftTransform, ZBLBasis)

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261121)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "MACETests",
                   "Resources", "stages")


def dump(name, data):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")


def tolist(t):
    return t.detach().numpy().tolist()


def spherical_harmonics():
    lmax = 11
    vectors = [rng.normal(size=3) * rng.uniform(0.5, 6.0) for _ in range(12)]
    vectors += [[0.0, 2.0, 0.0], [0.0, -1.5, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -3.0],
                [1e-3, 4.0, -2e-3], [3.0, 1e-7, -4.0]]
    r = torch.tensor(np.array(vectors), requires_grad=True)
    sh = o3.SphericalHarmonics(list(range(lmax + 1)), normalize=True, normalization="component")
    y = sh(r)
    # Weights w[e, i] = cos(0.37 (i + 1) + 1.3 e), recomputed by the Swift test.
    e, i = np.meshgrid(np.arange(y.shape[0]), np.arange(y.shape[1]), indexing="ij")
    w = torch.tensor(np.cos(0.37 * (i + 1) + 1.3 * e))
    (grad,) = torch.autograd.grad((w * y).sum(), r)
    dump("spherical_harmonics.json", {
        "lmax": lmax, "vectors": tolist(r), "values": tolist(y), "gradients": tolist(grad)})


def radial_lengths(r_max):
    base = [0.35, 0.9, 1.7, 0.5 * r_max - 1e-3, 0.5 * r_max, 0.5 * r_max + 1e-3, 3.3,
            0.9 * r_max, r_max - 1e-2, r_max - 1e-6, r_max, r_max + 1e-6, 1.1 * r_max]
    return torch.tensor(base).unsqueeze(-1)


def values_and_derivatives(module_fn, x, count):
    """Values [n, count] and d value / dx [n, count] by autograd, per column."""
    x = x.clone().requires_grad_(True)
    y = module_fn(x)
    derivatives = []
    for k in range(count):
        (g,) = torch.autograd.grad(y[:, k].sum(), x, retain_graph=True)
        derivatives.append(g[:, 0])
    return tolist(y), tolist(torch.stack(derivatives, dim=1))


def one_edge_graphs(edges):
    """A graph of 2 atoms per edge (sender 2e, receiver 2e+1) for (r, Z_sender, Z_receiver)."""
    zs = sorted({z for _, a, b in edges for z in (a, b)})
    index = {z: i for i, z in enumerate(zs)}
    node_z = [z for _, a, b in edges for z in (a, b)]
    node_attrs = torch.nn.functional.one_hot(
        torch.tensor([index[z] for z in node_z]), len(zs)).to(torch.float64)
    n = len(edges)
    edge_index = torch.tensor([[2 * e for e in range(n)], [2 * e + 1 for e in range(n)]])
    lengths = torch.tensor([[r] for r, _, _ in edges], requires_grad=True)
    return lengths, node_attrs, edge_index, torch.tensor(zs)


def edge_list(r_values):
    pairs = [(1, 1), (1, 8), (8, 1), (6, 8), (14, 29), (79, 26)]
    edges = []
    for i, r in enumerate(r_values):
        a, b = pairs[i % len(pairs)]
        edges.append((float(r), a, b))
    return edges


def radial():
    r_max = 5.0
    n = 8
    x = radial_lengths(r_max)
    out = {"r_max": r_max, "lengths": tolist(x[:, 0])}

    bessel = BesselBasis(r_max=r_max, num_basis=n, trainable=True)
    with torch.no_grad():
        bessel.bessel_weights.mul_(torch.tensor(1 + 0.05 * rng.normal(size=n)))
    v, d = values_and_derivatives(bessel, x, n)
    out["bessel"] = {"bessel_weights": tolist(bessel.bessel_weights),
                     "prefactor": bessel.prefactor.item(), "values": v, "derivatives": d}
    default_bessel = BesselBasis(r_max=r_max, num_basis=n)
    out["bessel_default"] = {"bessel_weights": tolist(default_bessel.bessel_weights),
                             "prefactor": default_bessel.prefactor.item()}

    gaussian = GaussianBasis(r_max=r_max, num_basis=n)
    v, d = values_and_derivatives(gaussian, x, n)
    out["gaussian"] = {"gaussian_weights": tolist(gaussian.gaussian_weights),
                       "coeff": gaussian.coeff, "values": v, "derivatives": d}

    # torch.special.chebyshev_polynomial_t has no autograd formula: its output is detached, so
    # mace-torch models with radial_type="chebyshev" get no radial term in their forces. Only
    # values are recorded; the Swift derivative is checked by finite differences.
    cheb = ChebychevBasis(r_max=r_max, num_basis=n)
    xc = torch.tensor([[-0.97], [-0.3], [0.0], [0.2], [0.71], [0.999], [1.0], [1.3], [2.2]])
    out["chebyshev"] = {"inputs": tolist(xc[:, 0]), "values": tolist(cheb(xc))}

    out["cutoff"] = []
    for p in (5, 6):
        cut = PolynomialCutoff(r_max=r_max, p=p)
        v, d = values_and_derivatives(cut, x, 1)
        out["cutoff"].append({"p": p, "values": [row[0] for row in v],
                              "derivatives": [row[0] for row in d]})

    edges = edge_list(x[:, 0].tolist())
    out["edges"] = [[z1, z2] for _, z1, z2 in edges]
    out["embeddings"] = []
    for radial_type, transform, p in [("bessel", "None", 5), ("bessel", "Agnesi", 6),
                                      ("bessel", "Soft", 5), ("gaussian", "None", 6)]:
        block = RadialEmbeddingBlock(r_max=r_max, num_bessel=n, num_polynomial_cutoff=p,
                                     radial_type=radial_type, distance_transform=transform)
        lengths, node_attrs, edge_index, zs = one_edge_graphs(edges)
        feats, _ = block(lengths, node_attrs, edge_index, zs)
        w = torch.tensor(rng.normal(size=feats.shape))
        (grad,) = torch.autograd.grad((w * feats).sum(), lengths)
        out["embeddings"].append({
            "radial_type": radial_type, "distance_transform": transform, "p": p,
            "features": tolist(feats), "weights": tolist(w), "gradients": tolist(grad[:, 0])})
    dump("radial.json", out)


def transforms():
    r_values = np.concatenate([rng.uniform(0.3, 6.0, 18), [0.05, 1.0, 10.0]])
    edges = edge_list(r_values)
    out = {"edges": [list(e) for e in edges]}
    for name, module in [("agnesi", AgnesiTransform()), ("soft", SoftTransform())]:
        lengths, node_attrs, edge_index, zs = one_edge_graphs(edges)
        t = module(lengths, node_attrs, edge_index, zs)
        (d,) = torch.autograd.grad(t.sum(), lengths)
        params = {k: v.item() for k, v in module.state_dict().items() if v.numel() == 1}
        out[name] = {"parameters": params, "values": tolist(t[:, 0]),
                     "derivatives": tolist(d[:, 0])}
    dump("transforms.json", out)


def zbl():
    r_values = np.concatenate([rng.uniform(0.1, 3.5, 20), [0.05, 1e-2]])
    edges = edge_list(r_values)
    # Beyond the covalent-radius cutoff: H–H at 0.7 Å (r_max = 0.62 Å) and exactly at it.
    edges += [(0.7, 1, 1), (0.62, 1, 1), (2.84, 79, 26)]
    lengths, node_attrs, edge_index, zs = one_edge_graphs(edges)
    out = {"edges": [list(e) for e in edges], "cases": []}
    for p in (5, 6):
        module = ZBLBasis(p=p)
        node_energy = module(lengths, node_attrs, edge_index, zs)
        (d,) = torch.autograd.grad(node_energy.sum(), lengths)
        out["cases"].append({
            "p": p, "c": tolist(module.c), "a_exp": module.a_exp.item(),
            "a_prefactor": module.a_prefactor.item(),
            "sender_energies": tolist(node_energy[0::2]),
            "receiver_energies": tolist(node_energy[1::2]),
            "derivatives": tolist(d[:, 0])})
    dump("zbl.json", out)


def activations():
    x = torch.tensor([-12.0, -4.0, -1.3, -0.2, 0.0, 1e-3, 0.4, 1.0, 2.7, 9.0, 30.0],
                     requires_grad=True)
    out = {"inputs": tolist(x)}
    for name, f in [("silu", torch.nn.functional.silu), ("sigmoid", torch.sigmoid),
                    ("tanh", torch.tanh)]:
        g = normalize2mom(f)
        y = g(x)
        (d,) = torch.autograd.grad(y.sum(), x)
        out[name] = {"cst": g.cst, "values": tolist(y), "derivatives": tolist(d)}
    dump("activations.json", out)


def covalent_radii():
    dump("covalent_radii.json", {"covalent_radii": [float(v) for v in ase.data.covalent_radii]})


if __name__ == "__main__":
    spherical_harmonics()
    radial()
    transforms()
    zbl()
    activations()
    covalent_radii()
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
