"""Benchmarks of MaceMD against mace-torch."""
