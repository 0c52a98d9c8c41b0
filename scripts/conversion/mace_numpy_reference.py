#!/usr/bin/env python3
"""Plain-numpy MACE energy computed from a converted `.safetensors` file alone.

An executable version of scripts/conversion/mace_model_format.md: it reads only the tensors
and the config written by mace_convert.py (no torch, no mace, no e3nn) and
evaluates the energy of a structure the way mace-torch 0.3.16 does. It exists to
check that the file and the document are sufficient: make_mace_fixtures.py runs
it on every fixture and requires agreement with mace-torch's calculator to 1e-12
relative (observed ~1e-16). It is a readable reference for the Swift evaluator,
not a fast one. Energies only (forces: use the fixtures).

Usage:
    python -m scripts.conversion.mace_numpy_reference KIND [KIND ...]
compares with Tests/MACETests/Resources/KIND.reference.json.
Needs numpy and ase (for ase.neighborlist.neighbor_list 'ijS'; edge order does
not matter for the energy).
"""
import argparse
import json
import os

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

from scripts.conversion.macemd_format import read_safetensors
from scripts.repo import tests_resources


def slices(irr):
    """[(offset, mul, l)] of each irreps block in mul_ir layout (doc §4)."""
    out, o = [], 0
    for mul, l, p in irr['list']:
        d = mul * (2 * l + 1)
        out.append((o, mul, l)); o += d
    return out


def linear(desc, T, x):
    """e3nn o3.Linear (doc §5.2): out[w,m] += pw * sum_u W[u,w] x[u,m]."""
    W = T[desc['weight']]
    si, so = slices(desc['irreps_in']), slices(desc['irreps_out'])
    n = x.shape[0]
    out = np.zeros((n, desc['irreps_out']['dim']))
    for ins in desc['instructions']:
        oi, mi, l = si[ins['i_in']]; oo, mo, lo = so[ins['i_out']]
        w = W[ins['weight_offset']:ins['weight_offset'] + ins['weight_numel']].reshape(mi, mo)
        xin = x[:, oi:oi + mi * (2 * l + 1)].reshape(n, mi, 2 * l + 1)
        out[:, oo:oo + mo * (2 * l + 1)] += ins['path_weight'] * np.einsum('uw,nui->nwi', w, xin).reshape(n, -1)
    return out


def tp(desc, T, x1, x2, weights=None):
    """e3nn TensorProduct, uvu with per-edge weights or uvw shared (doc §5.3)."""
    s1, s2, so = slices(desc['irreps_in1']), slices(desc['irreps_in2']), slices(desc['irreps_out'])
    n = x1.shape[0]
    out = np.zeros((n, desc['irreps_out']['dim']))
    W = T[desc['weight']] if weights is None else weights
    for ins in desc['instructions']:
        o1, m1, l1 = s1[ins['i_in1']]; o2, m2, l2 = s2[ins['i_in2']]; oo, mo, l3 = so[ins['i_out']]
        C = T[ins['w3j']]
        a = x1[:, o1:o1 + m1 * (2 * l1 + 1)].reshape(n, m1, 2 * l1 + 1)
        b = x2[:, o2:o2 + m2 * (2 * l2 + 1)].reshape(n, m2, 2 * l2 + 1)
        off, num = ins['weight_offset'], ins['weight_numel']
        if ins['connection_mode'] == 'uvu':
            w = W[:, off:off + num].reshape(n, m1, m2)
            r = np.einsum('nuv,ijk,nui,nvj->nuk', w, C, a, b)
        elif ins['connection_mode'] == 'uvw':
            w = W[off:off + num].reshape(m1, m2, mo)
            r = np.einsum('uvw,ijk,nui,nvj->nwk', w, C, a, b)
        out[:, oo:oo + mo * (2 * l3 + 1)] += ins['path_weight'] * r.reshape(n, -1)
    return out


def silu(x):
    return x / (1 + np.exp(-x))


def fcnet(desc, T, x):
    """e3nn FullyConnectedNet (doc §5.5): W/sqrt(h_in), normalised SiLU."""
    for L in desc['layers']:
        x = x @ (T[L['weight']] / np.sqrt(L['h_in']))
        if L['activation']['name'] is not None:
            x = L['activation']['effective_scale'] * silu(x)
    return x


def radial_mlp(desc, T, x):
    """mace RadialMLP: Linear+bias, LayerNorm, plain SiLU (doc §8)."""
    for L in desc['layers']:
        if L['kind'] == 'linear':
            x = x @ T[L['weight']].T + T[L['bias']]
        elif L['kind'] == 'layer_norm':
            mu = x.mean(-1, keepdims=True); var = ((x - mu) ** 2).mean(-1, keepdims=True)
            x = (x - mu) / np.sqrt(var + L['eps']) * T[L['weight']] + T[L['bias']]
        elif L['kind'] == 'silu':
            x = silu(x)
    return x


def gate(desc, x):
    """mace GatedEquivariantBlock (doc §8)."""
    s0, sl = desc['scalars_slice']; g0, gl = desc['gates_slice']
    out = [silu(x[:, s0:s0 + sl]) * desc['scalar_cst']]
    g = 1 / (1 + np.exp(-x[:, g0:g0 + gl])) * desc['gate_cst']
    for b in desc['gated_blocks']:
        chunk = x[:, b['start']:b['start'] + b['length']].reshape(-1, b['mul'], b['ir_dim'])
        out.append((chunk * g[:, b['gate_offset']:b['gate_offset'] + b['mul'], None]).reshape(len(x), -1))
    return np.concatenate(out, axis=1)


def sh(vec, lmax):
    """e3nn real spherical harmonics, normalize=True, component (doc §5.4)."""
    u = vec / np.linalg.norm(vec, axis=1, keepdims=True)
    x, y, z = u.T
    s3 = np.sqrt(3.0)
    comps = [np.ones_like(x), x, y, z]
    if lmax >= 2:
        y2 = y * y; x2z2 = x * x + z * z
        s20, s21, s22, s23, s24 = s3 * x * z, s3 * x * y, y2 - 0.5 * x2z2, s3 * y * z, s3 / 2 * (z * z - x * x)
        comps += [s20, s21, s22, s23, s24]
    if lmax >= 3:
        comps += [np.sqrt(5 / 6) * (s20 * z + s24 * x), np.sqrt(5) * s20 * y,
                  np.sqrt(3 / 8) * (4 * y2 - x2z2) * x, 0.5 * y * (2 * y2 - 3 * x2z2),
                  np.sqrt(3 / 8) * z * (4 * y2 - x2z2), np.sqrt(5) * s24 * y,
                  np.sqrt(5 / 6) * (s24 * z - s20 * x)]
    Y = np.stack(comps, 1)
    scale = np.concatenate([[np.sqrt(2 * l + 1)] * (2 * l + 1) for l in range(lmax + 1)])
    return Y[:, :(lmax + 1) ** 2] * scale


def envelope(r, rmax, p):
    """Polynomial cutoff (doc §7.1)."""
    u = r / rmax
    return (1 - (p + 1) * (p + 2) / 2 * u ** p + p * (p + 2) * u ** (p + 1) - p * (p + 1) / 2 * u ** (p + 2)) * (r < rmax)


def symcon(desc, T, x, el):
    """Symmetric contraction (doc §6): sum_nu U_nu W_nu[el] x^nu; x is [n, C, N_ell]."""
    outs = []
    n, C, _ = x.shape
    for c in desc['contractions']:
        L = c['irrep_out']['list'][0][1]
        res = np.zeros((n, C, 2 * L + 1))
        for nu in range(1, c['correlation'] + 1):
            U = T[c['U_matrices'][str(nu)]['name']]
            if L == 0:
                U = U[None]
            W = T[c['weights_by_nu'][str(nu)]][el]  # [n, K, C]
            t = np.einsum('m...k,nkc->ncm...', U, W)  # [n,C,m,i1..inu]
            for _ in range(nu):
                t = np.einsum('ncm...i,nci->ncm...', t, x)
            res += t
        outs.append(res.reshape(n, -1))
    return np.concatenate(outs, axis=1)


def energy(path, atoms):
    """Energy (eV) of ase `atoms` for the model in `path` (selected head)."""
    md, T = read_safetensors(path)
    cfg = json.loads(md['config']); M = cfg['modules']
    Z = list(cfg['atomic_numbers'])
    el = np.array([Z.index(z) for z in atoms.numbers])
    n = len(atoms); ne = len(Z)
    attrs = np.eye(ne)[el]
    i, j, S = neighbor_list('ijS', atoms, cfg['r_max'])
    snd, rcv = i, j
    vec = atoms.positions[rcv] - atoms.positions[snd] + S @ atoms.cell.array
    r = np.linalg.norm(vec, axis=1)
    Y = sh(vec, cfg['max_ell'])
    fc = envelope(r, cfg['cutoff_r_max'], cfg['num_polynomial_cutoff'])
    Zs, Zr = np.array(Z)[el[snd]], np.array(Z)[el[rcv]]
    t = r
    if cfg['distance_transform'] == 'Agnesi':
        P = cfg['distance_transform_params']; R = T[P['covalent_radii']]
        r0 = 0.5 * (R[Zs] + R[Zr]); q = r / r0
        t = 1 / (1 + P['a'] * q ** P['q'] / (1 + q ** (P['q'] - P['p'])))
    elif cfg['distance_transform'] == 'Soft':
        P = cfg['distance_transform_params']; R = T[P['covalent_radii']]
        r0 = R[Zs] + R[Zr]; p0 = 0.75 * r0; p1 = 4 / 3 * r0; m = (p0 + p1) / 2
        al = P['alpha'] / (p1 - p0); s = 0.5 * (1 + np.tanh(al * (r - m))); t = p0 + (r - p0) * s
    if cfg['radial_type'] == 'bessel':
        w = T[cfg['bessel']['weights']]
        basis = cfg['bessel']['prefactor'] * np.sin(w * t[:, None]) / t[:, None]
    else:
        c = T[cfg['gaussian']['centers']]
        basis = np.exp(cfg['gaussian']['coeff'] * (t[:, None] - c) ** 2)
    ef = basis * fc[:, None]
    h = linear(M['node_embedding.linear'], T, attrs)
    hi = cfg['head_index']
    feats = []
    for li, lay in enumerate(cfg['layers']):
        p = f'interactions.{li}'; cls = lay['interaction_class']
        def scatter(m):
            out = np.zeros((n, m.shape[1])); np.add.at(out, rcv, m); return out
        if cls == 'RealAgnosticResidualNonLinearInteractionBlock':
            sc = linear(M[p + '.skip_tp'], T, h)
            hu = linear(M[p + '.linear_up'], T, h)
            hres = linear(M[p + '.linear_res'], T, hu)
            se = linear(M[p + '.source_embedding'], T, attrs); te = linear(M[p + '.target_embedding'], T, attrs)
            a = np.concatenate([ef, se[snd], te[rcv]], 1)
            tw = radial_mlp(M[p + '.conv_tp_weights'], T, a)
            dens = scatter(np.tanh(radial_mlp(M[p + '.density_fn'], T, a) ** 2))
            msg = scatter(tp(M[p + '.conv_tp'], T, hu[snd], Y, tw))
            alpha = T[p + '.alpha']; beta = T[p + '.beta']
            o = linear(M[p + '.linear_1'], T, msg) / (dens * beta + alpha) + hres
            o = linear(M[p + '.linear_2'], T, gate(M[p + '.equivariant_nonlin'], o))
        else:
            sc = None
            if 'Residual' in cls:
                sc = tp(M[p + '.skip_tp'], T, h, attrs)
            hu = linear(M[p + '.linear_up'], T, h)
            tw = fcnet(M[p + '.conv_tp_weights'], T, ef)
            msg = scatter(tp(M[p + '.conv_tp'], T, hu[snd], Y, tw))
            o = linear(M[p + '.linear'], T, msg)
            if 'Density' in cls:
                dens = scatter(np.tanh(fcnet(M[p + '.density_fn'], T, ef) ** 2))
                o = o / (dens + 1)
            else:
                o = o / lay['avg_num_neighbors']
            if 'Residual' not in cls:
                o = tp(M[p + '.skip_tp'], T, o, attrs)
        # reshape [n, C, sum dims]
        blocks = []
        for (off, mul, l) in slices(lay['target_irreps']):
            blocks.append(o[:, off:off + mul * (2 * l + 1)].reshape(n, mul, 2 * l + 1))
        x = np.concatenate(blocks, 2)
        elp = np.zeros(n, dtype=int) if lay['product_use_agnostic_product'] else el
        B = symcon(M[f'products.{li}.symmetric_contractions'], T, x, elp)
        h = linear(M[f'products.{li}.linear'], T, B)
        if lay['product_use_sc'] and sc is not None:
            h = h + sc
        feats.append(h)
    node = np.zeros(n)
    if cfg['pair_repulsion']:
        zb = cfg['zbl']; R = T[zb['covalent_radii']]
        a = zb['a_prefactor'] * 0.529 / (Zs ** zb['a_exp'] + Zr ** zb['a_exp'])
        x_ = r / a
        phi = sum(c * np.exp(-k * x_) for c, k in zip(zb['c'], zb['exponents']))
        v = 0.5 * 14.3996 * Zs * Zr / r * phi * envelope(r, R[Zs] + R[Zr], zb['p'])
        np.add.at(node, rcv, v)
    for j, ro in enumerate(cfg['readouts']):
        f = feats[ro['reads_layer']]; p = f'readouts.{j}'
        if ro['class'] == 'LinearReadoutBlock':
            out = linear(M[p + '.linear'], T, f)
        else:
            z = linear(M[p + '.linear_1'], T, f)
            z = M[p + '.non_linearity']['acts'][0]['effective_scale'] * silu(z)
            nh = len(cfg['heads'])
            if nh > 1:
                per = z.shape[1] // nh
                mask = np.zeros_like(z); mask[:, hi * per:(hi + 1) * per] = 1; z = z * mask
            out = linear(M[p + '.linear_2'], T, z)
        node += out[:, hi]
    e0 = np.array(cfg['atomic_energies_selected'])[el]
    if cfg['model_class'] == 'ScaleShiftMACE':
        node = cfg['scale_selected'] * node + cfg['shift_selected']
    return float((e0 + node).sum())


RESOURCES = str(tests_resources("MACETests")) + os.sep


def compare(kind, resources=RESOURCES):
    """[(structure name, numpy energy, reference energy)] for one fixture kind."""
    ref = json.load(open(resources + kind + '.reference.json'))
    out = []
    for s in ref['structures']:
        atoms = Atoms(numbers=s['numbers'], positions=s['positions'],
                      cell=s['cell'] if s['cell'] else np.zeros((3, 3)), pbc=s['pbc'])
        out.append((s['name'], energy(resources + kind + '.safetensors', atoms), s['energy']))
    return out


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kinds", nargs="+", metavar="KIND", help="fixture kind, e.g. mp0_small")
    for kind in parser.parse_args().kinds:
        for name, e, e_ref in compare(kind):
            print(f"{kind:20s} {name:16s} numpy {e:+.12f} ref {e_ref:+.12f} rel {abs(e - e_ref) / abs(e_ref):.2e}")
