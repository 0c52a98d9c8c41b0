"""Paths inside the MaceMD repository, for the scripts of every role (one place, no sys.path edits)."""
from pathlib import Path

#: The repository root (the folder holding Package.swift).
ROOT = Path(__file__).resolve().parent.parent

#: The mace-torch → safetensors converter. It is also embedded in the `macemd` binary
#: (scripts/conversion/embed_converter.py), so it imports nothing from this package but its
#: sibling macemd_format.py, and runs as a plain script: `python CONVERTER INPUT.model OUTPUT.safetensors`.
CONVERTER = ROOT / "scripts" / "conversion" / "mace_convert.py"


def CONVERTER_SCRIPTS() -> list:
    """The scripts `macemd convert` carries: macemd_format.py, every *_convert.py and *_convert_*.py."""
    folder = ROOT / "scripts" / "conversion"
    names = {p for p in folder.glob("*_convert.py")} | {p for p in folder.glob("*_convert_*.py")}
    return [folder / "macemd_format.py"] + sorted(names)


def tests_resources(target: str) -> Path:
    """`Tests/<target>/Resources`, where the fixture scripts write."""
    return ROOT / "Tests" / target / "Resources"
