/// The MDDynamics module. See Package.swift for the module map.
