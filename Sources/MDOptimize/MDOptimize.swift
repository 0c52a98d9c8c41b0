/// The MDOptimize module. See Package.swift for the module map.
