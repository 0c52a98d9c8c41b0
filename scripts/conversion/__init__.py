"""Conversion of mace-torch models to MaceMD safetensors files, the format document and its numpy reading."""
