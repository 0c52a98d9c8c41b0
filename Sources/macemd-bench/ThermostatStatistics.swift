/// Long NVT runs on Lennard-Jones argon; prints mean temperature and kinetic-energy variance
/// against the canonical values. (To be written with MDDynamics.)
func thermostatStatistics(_ arguments: [String]) throws {
    print("thermostats: not yet implemented")
}

/// NVE energy drift and fluctuation per atom at two time steps. (To be written with MDDynamics.)
func nveDriftStatistics(_ arguments: [String]) throws {
    print("nve-drift: not yet implemented")
}
