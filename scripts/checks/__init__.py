"""Checks of MaceMD outputs with other programs (trajectory readers, water structure and stability)."""
