/// The MACE module. See Package.swift for the module map.
