"""Paths inside the MaceMD repository, for the scripts of every role (one place, no sys.path edits)."""
from pathlib import Path

#: The repository root (the folder holding Package.swift).
ROOT = Path(__file__).resolve().parent.parent

#: The mace-torch → safetensors converter. It is also embedded in the `macemd` binary
#: (scripts/conversion/embed_converter.py), so it imports nothing from this package and
#: runs as a plain script: `python CONVERTER INPUT.model OUTPUT.safetensors`.
CONVERTER = ROOT / "scripts" / "conversion" / "mace_convert.py"


def tests_resources(target: str) -> Path:
    """`Tests/<target>/Resources`, where the fixture scripts write."""
    return ROOT / "Tests" / target / "Resources"
