/// The MDSimulation module. See Package.swift for the module map.
