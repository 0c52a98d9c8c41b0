#!/usr/bin/env python3
"""CIF fixtures for MDIOTests (Tests/MDIOTests/Resources/cif/) and the JSON of what ASE reads.

For each NAME.cif it writes NAME.cif.json in the format of the POSCAR fixtures
(scripts/make_extxyz_fixtures.py `dump`): atomic numbers, Cartesian positions, cell, pbc.
The Swift reader must give the same atoms in the same order.

Files:
  Cu_P1.cif              written by ase.io.write (P 1, all atoms, triclinic cell)
  NaCl_Fm-3m.cif         rock salt from its asymmetric unit, the 192 operations of Fm-3m
                         (from ase.spacegroup) in _space_group_symop_operation_xyz
  TiO2_rutile.cif        hand-written rutile, P4_2/mnm: old-style _symmetry_equiv_pos_as_xyz,
                         uncertainties "4.5937(3)", charged type symbols, comments, a
                         quoted string and a ; text field
  monoclinic_P21c.cif    a made-up P2_1/c crystal with beta = 104.5 degrees, Cartesian-free,
                         labels only (no type symbols), one site on a special position

Usage: python3 scripts/make_cif_fixtures.py   (needs ase)
"""

import json
import pathlib
import sys
from fractions import Fraction

import numpy as np
from ase.build import bulk
from ase.io import read, write
from ase.spacegroup import Spacegroup

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from make_extxyz_fixtures import dump  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "MDIOTests" / "Resources" / "cif"


def xyz(rotation, translation) -> str:
    """An operation in CIF form, e.g. '-y+1/2,x,z'."""
    parts = []
    for row, t in zip(rotation, translation):
        s = ""
        for coefficient, axis in zip(row, "xyz"):
            if coefficient == 1:
                s += f"+{axis}"
            elif coefficient == -1:
                s += f"-{axis}"
            elif coefficient != 0:
                s += f"{coefficient:+d}{axis}"
        f = Fraction(float(t) % 1.0).limit_denominator(12)
        if f != 0:
            s += f"+{f.numerator}/{f.denominator}"
        parts.append(s.lstrip("+"))
    return ",".join(parts)


def nacl() -> str:
    ops = "\n".join(f"  '{xyz(r, t)}'" for r, t in Spacegroup(225).get_symop())
    return f"""data_NaCl
_chemical_formula_sum 'Na Cl'
_cell_length_a 5.6402
_cell_length_b 5.6402
_cell_length_c 5.6402
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_space_group_name_H-M_alt 'F m -3 m'
loop_
  _space_group_symop_operation_xyz
{ops}
loop_
  _atom_site_label
  _atom_site_type_symbol
  _atom_site_fract_x
  _atom_site_fract_y
  _atom_site_fract_z
  _atom_site_occupancy
  Na1 Na 0.0 0.0 0.0 1.0
  Cl1 Cl 0.5 0.5 0.5 1.0
"""


RUTILE = """# Rutile, hand-written for MaceMD's CIF reader tests.
data_rutile
_publ_section_title
;
Rutile (TiO2), a test file with a text field
;
_chemical_name_mineral 'Rutile'
_cell_length_a    4.5937(3)
_cell_length_b    4.5937(3)
_cell_length_c    2.9587(2)
_cell_angle_alpha 90.0
_cell_angle_beta  90.0
_cell_angle_gamma 90.0
_symmetry_space_group_name_H-M 'P 42/m n m'
loop_
_symmetry_equiv_pos_site_id
_symmetry_equiv_pos_as_xyz
1 x,y,z
2 -x,-y,z
3 1/2-y,1/2+x,1/2+z
4 1/2+y,1/2-x,1/2+z
5 1/2-x,1/2+y,1/2-z
6 1/2+x,1/2-y,1/2-z
7 y,x,-z
8 -y,-x,-z
9 -x,-y,-z
10 x,y,-z
11 1/2+y,1/2-x,1/2-z
12 1/2-y,1/2+x,1/2-z
13 1/2+x,1/2-y,1/2+z
14 1/2-x,1/2+y,1/2+z
15 -y,-x,z
16 y,x,z
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Ti1 Ti4+ 0.0 0.0 0.0 1.0
O1 O2- 0.3048(2) 0.3048(2) 0.0 1.0
"""

MONOCLINIC = """data_made_up_monoclinic
_cell_length_a 5.10
_cell_length_b 6.20
_cell_length_c 7.30
_cell_angle_alpha 90
_cell_angle_beta 104.5
_cell_angle_gamma 90
_space_group_name_H-M_alt 'P 21/c'
loop_
_space_group_symop_id
_space_group_symop_operation_xyz
1 'x, y, z'
2 '-x, y+1/2, -z+1/2'
3 '-x, -y, -z'
4 'x, -y+1/2, z+1/2'
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Fe1 0.0 0.0 0.0
O1 0.1234 0.2345 0.3456
O2 0.7 0.25 0.15
"""


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cu = bulk("Cu", "fcc", a=3.61).repeat((2, 2, 1))
    cu.rattle(stdev=0.02, seed=3)
    write(OUT / "Cu_P1.cif", cu, format="cif")
    (OUT / "NaCl_Fm-3m.cif").write_text(nacl())
    (OUT / "TiO2_rutile.cif").write_text(RUTILE)
    (OUT / "monoclinic_P21c.cif").write_text(MONOCLINIC)
    for path in sorted(OUT.glob("*.cif")):
        atoms = read(path, format="cif")
        atoms.info = {}  # spacegroup and occupancy objects; the test compares the structure
        (OUT / f"{path.name}.json").write_text(json.dumps({"name": path.name, "frames": dump([atoms])}, indent=1) + "\n")
        print(f"wrote cif/{path.name}: {len(atoms)} atoms {atoms.get_chemical_formula()}")


if __name__ == "__main__":
    main()
