#!/usr/bin/env python3
"""Random-weight mace-torch models and their reference results for MACETests.

For every kind below this script
  1. builds a float64 mace-torch model with the `mace.modules` model classes
     directly (fixed seeds), perturbs every parameter so that no stage is
     negligible, and sets distinct atomic energies and scale/shift;
  2. saves it pickled (`torch.save(model)`, as mace_run_train does) in a temp
     dir and converts it with `scripts/mace_convert.py` (run as a subprocess,
     `--head` for the multi-head kind);
  3. checks the round trip: every tensor of the safetensors file equals the
     state_dict, the config parses; and, after step 4, that
     scripts/mace_numpy_reference.py (plain numpy, reading only the converted
     file) reproduces every reference energy to 1e-12 relative;
  4. evaluates four structures (periodic bulk, small skewed triclinic cell,
     T T F slab, isolated molecule) with mace-torch's own ASE calculator
     `MACECalculator(model_paths=..., device="cpu", default_dtype="float64")`;
  5. writes to Tests/MACETests/Resources/:
       <kind>.safetensors       the converted model
       <kind>.reference.json    structures + energy, forces, node energies,
                                stress (Voigt 6 as ASE gives it and full 3x3,
                                fully periodic structures only), versions
       <kind>.stages.json       (mp0_small, mp0_medium, nonlinear_edge only)
                                intermediate tensors on the bulk structure.

Kinds: mp0_small, mp0_medium, hidden_l2, three_layers_corr2,
gaussian_agnesi_zbl, nonlinear_edge, multihead, density.
Not built: `use_embedding_readout` (only active with `embedding_specs`, i.e. a
joint embedding of extra per-graph inputs such as total charge/spin that the
ASE calculator must supply; MaceMD has no such inputs), and the attention
block RealAgnosticAttResidualInteractionBlock (not selectable with
ScaleShiftMACE in mace_run_train, hard-coded 64x0e/256-wide MLP).

Usage (about 5 minutes for all kinds on the shared 2-core machine, ~1 minute
for mp0_small alone; most of it is TorchScript/e3nn/U-matrix setup):
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /work/main/.venv-ref/bin/python \\
        scripts/make_mace_fixtures.py [KIND ...]

Array convention in the JSON files: every tensor is {"shape": [...],
"data": [row-major flat list]}; floats are written with Python's repr, i.e.
full float64 precision. Lengths Å, energies eV, forces eV/Å, stress eV/Å^3.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

with contextlib.redirect_stdout(io.StringIO()):
    import ase  # noqa: E402
    import e3nn  # noqa: E402
    from ase import Atoms  # noqa: E402
    from e3nn import o3  # noqa: E402
    import mace  # noqa: E402
    from mace.calculators import MACECalculator  # noqa: E402
    from mace.modules import blocks, models  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mace_convert  # noqa: E402
import mace_numpy_reference  # noqa: E402

OUT_DIR = os.path.join(HERE, "..", "Tests", "MACETests", "Resources")
ELEMENTS = [1, 6, 8, 29]
ATOMIC_ENERGIES = [-3.217, -7.541, -5.128, -4.073]
STAGE_KINDS = {"mp0_small", "mp0_medium", "nonlinear_edge"}

torch.set_default_dtype(torch.float64)


# --------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------

def base_kwargs(**over):
    kw = dict(
        r_max=4.5, num_bessel=8, num_polynomial_cutoff=5, max_ell=3,
        interaction_cls=blocks.RealAgnosticResidualInteractionBlock,
        interaction_cls_first=blocks.RealAgnosticInteractionBlock,
        num_interactions=2, num_elements=len(ELEMENTS),
        hidden_irreps=o3.Irreps("8x0e"), MLP_irreps=o3.Irreps("16x0e"),
        atomic_energies=np.array(ATOMIC_ENERGIES), avg_num_neighbors=7.3,
        atomic_numbers=ELEMENTS, correlation=3, gate=torch.nn.functional.silu,
        radial_MLP=[16, 16, 16], atomic_inter_scale=1.7, atomic_inter_shift=-0.35,
    )
    kw.update(over)
    return kw


def build_mp0_small():
    return models.ScaleShiftMACE(**base_kwargs()), None


def build_mp0_medium():
    return models.ScaleShiftMACE(**base_kwargs(hidden_irreps=o3.Irreps("8x0e+8x1o"))), None


def build_hidden_l2():
    # max_ell 2 keeps the correlation-3 U matrices (and the file) small.
    return models.ScaleShiftMACE(**base_kwargs(
        hidden_irreps=o3.Irreps("4x0e+4x1o+4x2e"), max_ell=2)), None


def build_three_layers_corr2():
    # Plain MACE (no scale/shift): atomic energies and every readout summed.
    kw = base_kwargs(hidden_irreps=o3.Irreps("8x0e+8x1o"), num_interactions=3,
                     correlation=2, avg_num_neighbors=5.9)
    kw.pop("atomic_inter_scale")
    kw.pop("atomic_inter_shift")
    return models.MACE(**kw), None


def build_gaussian_agnesi_zbl():
    return models.ScaleShiftMACE(**base_kwargs(
        max_ell=2, radial_type="gaussian", distance_transform="Agnesi",
        pair_repulsion=True, num_polynomial_cutoff=6, r_max=4.8)), None


def build_nonlinear_edge():
    return models.ScaleShiftMACE(**base_kwargs(
        max_ell=2, hidden_irreps=o3.Irreps("8x0e+8x1o"),
        interaction_cls=blocks.RealAgnosticResidualNonLinearInteractionBlock,
        edge_irreps=o3.Irreps("6x0e+6x1o+6x2e"), use_edge_irreps_first=True,
        use_agnostic_product=True, use_last_readout_only=True)), None


def build_multihead():
    heads = ["Default", "omat_pbe"]
    kw = base_kwargs(max_ell=2, heads=heads,
                     atomic_energies=np.array([ATOMIC_ENERGIES,
                                               [-2.911, -8.102, -4.733, -3.655]]),
                     atomic_inter_scale=[1.7, 0.83], atomic_inter_shift=[-0.35, 0.21])
    return models.ScaleShiftMACE(**kw), "omat_pbe"


def build_density():
    return models.ScaleShiftMACE(**base_kwargs(
        max_ell=2, interaction_cls_first=blocks.RealAgnosticDensityInteractionBlock,
        interaction_cls=blocks.RealAgnosticDensityResidualInteractionBlock,
        distance_transform="Soft")), None


KINDS = {
    "mp0_small": (build_mp0_small, 101),
    "mp0_medium": (build_mp0_medium, 102),
    "hidden_l2": (build_hidden_l2, 103),
    "three_layers_corr2": (build_three_layers_corr2, 104),
    "gaussian_agnesi_zbl": (build_gaussian_agnesi_zbl, 105),
    "nonlinear_edge": (build_nonlinear_edge, 106),
    "multihead": (build_multihead, 107),
    "density": (build_density, 108),
}


# Gains applied after the noise. With plain random init the Bessel features
# (rms ~0.09) make the radial MLP output, the messages and hence the
# symmetric-contraction input ~1e-2, so the products and the second layer
# hardly matter and forces are ~0.01 eV/A. These gains bring every stage to
# rms ~0.1-2 and forces to ~0.1-10 eV/A (checked and printed by the script).
GAINS = [("conv_tp_weights.layer0.", 2.5), ("skip_tp.", 3.0),
         ("symmetric_contractions.", 2.0)]


def perturb(model, seed: int) -> None:
    """Add noise to every trainable parameter so every stage matters.

    p += 0.3 * max(std(p), 0.3) * N(0, 1), then the GAINS above. The tiny
    uniform(+-1e-3) node embeddings of the non-linear block get N(0, 0.5)
    instead, and its density normalisation alpha/beta are set to 2.5/0.8 so
    that the density term matters.
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not p.requires_grad or p.numel() == 0:
                continue  # EmptyParam (zeroed symmetric-contraction path)
            noise = torch.randn(p.shape, generator=gen, dtype=p.dtype)
            if name.endswith("source_embedding.weight") or name.endswith("target_embedding.weight"):
                p.copy_(0.5 * noise)
            elif name.endswith(".alpha"):
                p.fill_(2.5)
            elif name.endswith(".beta"):
                p.fill_(0.8)
            else:
                std = float(p.std()) if p.numel() > 1 else abs(float(p))
                p.add_(0.3 * max(std, 0.3) * noise)
            for pattern, gain in GAINS:
                if pattern in name:
                    p.mul_(gain)


# --------------------------------------------------------------------------
# structures
# --------------------------------------------------------------------------

def place(rng, n, cell, pbc, min_dist, box=None):
    """Random positions with pairwise (minimum-image) distance >= min_dist."""
    pos = []
    while len(pos) < n:
        if box is None:
            trial = rng.uniform(0, 1, 3) @ cell
        else:
            trial = rng.uniform(0, box, 3)
        probe = Atoms(positions=pos + [trial], cell=cell, pbc=pbc)
        if pos:
            d = probe.get_distances(len(pos), list(range(len(pos))), mic=any(pbc))
            if np.min(d) < min_dist:
                continue
        pos.append(trial)
    return np.array(pos)


def make_structures():
    rng = np.random.default_rng(20261121)
    out = []
    # Periodic bulk: 10 atoms, all four elements, rattled random packing.
    cell = np.array([[6.1, 0.0, 0.0], [0.4, 5.9, 0.0], [-0.3, 0.5, 6.3]])
    numbers = ELEMENTS + list(rng.choice(ELEMENTS, 6))
    pos = place(rng, 10, cell, [True] * 3, 1.45)
    pos += rng.normal(0, 0.05, pos.shape)
    pos[3] += cell[0] - cell[2]  # one atom outside the cell: unwrapped positions
    out.append(("bulk", Atoms(numbers=numbers, positions=pos, cell=cell, pbc=True)))
    # Small skewed triclinic cell: every face height < r_max (many images).
    cell = np.array([[3.3, 0.0, 0.0], [1.4, 3.1, 0.0], [0.9, -1.0, 3.2]])
    pos = place(rng, 3, cell, [True] * 3, 1.35)
    out.append(("triclinic_small", Atoms(numbers=[29, 8, 6], positions=pos, cell=cell,
                                         pbc=True)))
    # Slab, periodic in x and y only.
    cell = np.array([[5.6, 0.0, 0.0], [-1.1, 5.4, 0.0], [0.0, 0.0, 14.0]])
    pos = place(rng, 8, cell, [True, True, False], 1.45)
    pos[:, 2] = 5.0 + 0.4 * pos[:, 2]
    numbers = list(rng.choice(ELEMENTS, 8))
    out.append(("slab", Atoms(numbers=numbers, positions=pos, cell=cell,
                              pbc=[True, True, False])))
    # Isolated molecule: no cell.
    pos = place(rng, 6, np.eye(3) * 3.2, [False] * 3, 1.1, box=3.2)
    out.append(("molecule", Atoms(numbers=[6, 8, 1, 1, 29, 1], positions=pos, pbc=False)))
    return out


def heights(cell):
    v = abs(np.linalg.det(cell))
    return [v / np.linalg.norm(np.cross(cell[(i + 1) % 3], cell[(i + 2) % 3]))
            for i in range(3)]


# --------------------------------------------------------------------------
# json helpers
# --------------------------------------------------------------------------

def arr(x):
    a = np.asarray(x.detach().cpu().double().numpy() if torch.is_tensor(x) else x,
                   dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def iarr(x):
    a = np.asarray(x.detach().cpu().numpy() if torch.is_tensor(x) else x, dtype=np.int64)
    return {"shape": list(a.shape), "data": [int(v) for v in a.reshape(-1)]}


def versions():
    return {"mace-torch": mace_convert.package_version("mace-torch", mace),
            "e3nn": e3nn.__version__, "torch": torch.__version__, "ase": ase.__version__,
            "numpy": np.__version__}


def voigt_to_full(v):
    xx, yy, zz, yz, xz, xy = v
    return [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]


# --------------------------------------------------------------------------
# per kind
# --------------------------------------------------------------------------

def verify_roundtrip(model, st_path, head_name):
    metadata, tensors = mace_convert.read_safetensors(st_path)
    assert metadata["format"] == mace_convert.FORMAT_NAME
    assert metadata["format_version"] == mace_convert.FORMAT_VERSION
    config = json.loads(metadata["config"])
    assert config["head"] == head_name, (config["head"], head_name)
    sd = model.state_dict()
    for k, v in sd.items():
        ref = v.detach().double().numpy() if v.is_floating_point() else v.long().numpy()
        got = tensors[k]
        assert got.shape == ref.shape and np.array_equal(got, ref), f"tensor {k} differs"
    for k in set(tensors) - set(sd):
        assert k.startswith(mace_convert.W3J_PREFIX), f"unexpected tensor {k}"
    for name in config["w3j_tensors"]:
        l1, l2, l3 = (int(s) for s in name[len(mace_convert.W3J_PREFIX):].split("_"))
        assert np.array_equal(tensors[name], o3.wigner_3j(l1, l2, l3).numpy())
    return config


def calculator(model_path, head):
    with contextlib.redirect_stdout(io.StringIO()):
        kwargs = {} if head is None else {"head": head}
        return MACECalculator(model_paths=model_path, device="cpu",
                              default_dtype="float64", **kwargs)


def reference_results(calc, structures):
    results = []
    for name, atoms in structures:
        atoms = atoms.copy()
        atoms.calc = calc
        entry = {"name": name, "numbers": [int(z) for z in atoms.numbers],
                 "positions": atoms.positions.tolist(),
                 "cell": atoms.cell.array.tolist() if atoms.cell.rank == 3 else None,
                 "pbc": [bool(p) for p in atoms.pbc]}
        entry["energy"] = float(atoms.get_potential_energy())
        entry["forces"] = atoms.get_forces().tolist()
        entry["node_energies"] = np.asarray(calc.results["node_energy"]).tolist()
        if all(atoms.pbc):
            voigt = [float(x) for x in atoms.get_stress(voigt=True)]
            entry["stress_voigt"] = voigt
            entry["stress"] = voigt_to_full(voigt)
            entry["volume"] = float(atoms.get_volume())
        results.append(entry)
    return results


def stage_dump(model, calc, atoms, head_index):
    """Run the model once with forward hooks; return the stages dict."""
    batch = calc._atoms_to_batch(atoms)  # the calculator's own graph
    data = batch.to_dict()
    rec = {}
    hooks = []

    def save(key, with_input=False):
        def hook(mod, inputs, output):
            rec[key] = output
            if with_input:
                rec[key + ".input"] = inputs[0]
        return hook

    def save_inter(i):
        def hook(mod, args, kwargs, output):
            rec[f"interactions.{i}.node_feats_in"] = kwargs["node_feats"]
            rec[f"interactions.{i}.out"] = output[0]
            if output[1] is not None:
                rec[f"interactions.{i}.sc"] = output[1]
        return hook

    hooks.append(model.node_embedding.register_forward_hook(save("node_embedding")))
    hooks.append(model.spherical_harmonics.register_forward_hook(save("spherical_harmonics")))
    hooks.append(model.radial_embedding.register_forward_hook(save("radial_embedding")))
    for i, inter in enumerate(model.interactions):
        hooks.append(inter.register_forward_hook(save_inter(i), with_kwargs=True))
        for cname, child in inter.named_children():
            if cname in ("conv_tp", "reshape"):
                continue  # per-edge tp output is large; its sum is linear's input
            with_input = cname in ("linear", "linear_1")
            hooks.append(child.register_forward_hook(
                save(f"interactions.{i}.{cname}", with_input)))
    for i, prod in enumerate(model.products):
        hooks.append(prod.symmetric_contractions.register_forward_hook(
            save(f"products.{i}.symmetric_contractions")))
        hooks.append(prod.linear.register_forward_hook(save(f"products.{i}.linear")))
        hooks.append(prod.register_forward_hook(save(f"products.{i}.out")))
    for i, r in enumerate(model.readouts):
        hooks.append(r.register_forward_hook(save(f"readouts.{i}.out")))
        for cname, child in r.named_children():
            hooks.append(child.register_forward_hook(save(f"readouts.{i}.{cname}")))
    if hasattr(model, "pair_repulsion_fn"):
        hooks.append(model.pair_repulsion_fn.register_forward_hook(save("pair_repulsion")))
    out = model(data, compute_stress=True)
    for h in hooks:
        h.remove()

    ei = data["edge_index"]
    pos = data["positions"]
    vectors = pos[ei[1]] - pos[ei[0]] + data["shifts"]
    st = {
        "structure": "bulk",
        "head_index": head_index,
        "notes": ("edge e: sender = edge_sender[e], receiver = edge_receiver[e]; "
                  "vector = positions[receiver] - positions[sender] + shift (cartesian, "
                  "shift = unit_shift @ cell); messages are summed at the receiver. "
                  "Node tensors are [n_atoms, dim] in e3nn mul_ir layout unless shaped "
                  "otherwise; interactions.i.out is [n_atoms, channels, (lmax+1)^2]."),
        "edge_sender": iarr(ei[0]), "edge_receiver": iarr(ei[1]),
        "unit_shifts": iarr(data["unit_shifts"]), "shifts": arr(data["shifts"]),
        "vectors": arr(vectors), "lengths": arr(vectors.norm(dim=-1)),
        "node_attrs": arr(data["node_attrs"]),
        "energy": float(out["energy"][0]),
        "node_energies": arr(out["node_energy"]),
        "forces": arr(out["forces"]),
        "stress": arr(out["stress"][0]),
    }
    tensors = {}
    for key, value in rec.items():
        if key == "radial_embedding":
            tensors["edge_feats"] = arr(value[0])
            if value[1] is not None:
                tensors["edge_cutoff"] = arr(value[1])
        elif torch.is_tensor(value):
            tensors[key] = arr(value)
    st["tensors"] = tensors
    return st


def check_magnitudes(kind, refs, stages_model, calc, structures):
    """Print diagnostics: force scale and each readout's energy contribution."""
    for r in refs:
        f = np.asarray(r["forces"])
        norms = np.linalg.norm(f, axis=1)
        print(f"  {kind:20s} {r['name']:16s} E={r['energy']:+.6f} |F| in "
              f"[{norms.min():.3g}, {norms.max():.3g}]", file=sys.stderr)
        if norms.max() > 50 or norms.max() < 0.05:
            print(f"  WARNING: {kind}/{r['name']} forces outside O(0.1-10)", file=sys.stderr)


def readout_contributions(model, calc, atoms, head_index):
    batch = calc._atoms_to_batch(atoms)
    outs = []
    hooks = [r.register_forward_hook(lambda m, i, o: outs.append(o.detach()))
             for r in model.readouts]
    model(batch.to_dict(), compute_stress=False)
    for h in hooks:
        h.remove()
    return [float(o[:, head_index].sum()) for o in outs]


def make_kind(kind, structures, tmp):
    builder, seed = KINDS[kind]
    torch.manual_seed(seed)
    np.random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):
        model, head = builder()
    perturb(model, seed + 1000)
    model = model.double().eval()
    model_path = os.path.join(tmp, f"{kind}.model")
    torch.save(model, model_path)

    st_path = os.path.join(OUT_DIR, f"{kind}.safetensors")
    cmd = [sys.executable, os.path.join(HERE, "mace_convert.py"), model_path, st_path]
    if head is not None:
        cmd += ["--head", head]
    subprocess.run(cmd, check=True)
    head_name = head if head is not None else model.heads[0]
    config = verify_roundtrip(model, st_path, head_name)

    calc = calculator(model_path, head)
    refs = reference_results(calc, structures)
    check_magnitudes(kind, refs, None, calc, structures)
    contrib = readout_contributions(calc.models[0], calc, structures[0][1],
                                    config["head_index"])
    print(f"  {kind:20s} readout energies on bulk: {contrib}", file=sys.stderr)

    reference = {
        "kind": kind,
        "model_file": f"{kind}.safetensors",
        "model_class": config["model_class"],
        "head": config["head"], "head_index": config["head_index"],
        "versions": versions(),
        "units": {"length": "Angstrom", "energy": "eV", "forces": "eV/Angstrom",
                  "stress": "eV/Angstrom^3 (ASE sign: -(1/V) dE/d(strain))"},
        "calculator": "mace.calculators.MACECalculator(model_paths=..., device='cpu', "
                      "default_dtype='float64'" + (f", head='{head}')" if head else ")"),
        "stress_voigt_order": ["xx", "yy", "zz", "yz", "xz", "xy"],
        "structures": refs,
    }
    with open(os.path.join(OUT_DIR, f"{kind}.reference.json"), "w") as f:
        json.dump(reference, f)

    # The converted file + format doc must suffice: re-evaluate in plain numpy.
    for name, e_np, e_ref in mace_numpy_reference.compare(kind, OUT_DIR + os.sep):
        rel = abs(e_np - e_ref) / max(1.0, abs(e_ref))
        assert rel < 1e-12, f"{kind}/{name}: numpy {e_np} vs mace-torch {e_ref}"
    print(f"  {kind:20s} numpy re-evaluation from the .safetensors agrees", file=sys.stderr)

    if kind in STAGE_KINDS:
        st = stage_dump(calc.models[0], calc, structures[0][1].copy(), config["head_index"])
        assert abs(st["energy"] - refs[0]["energy"]) < 1e-9 * max(1, abs(refs[0]["energy"]))
        st["versions"] = versions()
        with open(os.path.join(OUT_DIR, f"{kind}.stages.json"), "w") as f:
            json.dump(st, f)


def main(argv):
    kinds = argv or list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        print(f"unknown kinds {unknown}; known: {list(KINDS)}", file=sys.stderr)
        return 2
    os.makedirs(OUT_DIR, exist_ok=True)
    structures = make_structures()
    for name, atoms in structures:
        if atoms.cell.rank == 3:
            print(f"  structure {name}: {len(atoms)} atoms, face heights "
                  f"{[round(float(h), 3) for h in heights(atoms.cell.array)]}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            make_kind(kind, structures, tmp)
    for kind in kinds:
        for suffix in (".safetensors", ".reference.json", ".stages.json"):
            p = os.path.join(OUT_DIR, kind + suffix)
            if os.path.exists(p):
                print(f"  {os.path.basename(p):36s} {os.path.getsize(p) / 1e6:7.3f} MB",
                      file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
