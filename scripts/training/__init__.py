"""Reference data (GFN2-xTB water, EMT copper) and training of the example MACE models."""
