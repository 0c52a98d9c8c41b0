/// The MDIO module. See Package.swift for the module map.
