import Foundation
import Testing
import MDCore
import MDIO
@testable import MDSimulation

@Suite struct ExampleStructureTests {
    /// The Quick-start structure is an equilibrated 300 K state: it carries velocities (the run
    /// keeps them instead of drawing new ones into a built structure, which heated to 528 K)
    /// whose temperature (3N − 3 degrees of freedom) is near 300 K, with the centre of mass at rest.
    @Test func waterNVTStartsEquilibrated() throws {
        let path = CommandLineSignalTests.root.appendingPathComponent("examples/water-nvt/water32.xyz").path
        let frame = try StructureFile.read(path: path)
        #expect(frame.hasVelocities)
        let system = frame.system
        let twiceK = 2 * system.kineticEnergy
        let temperature = twiceK / (Double(3 * system.count - 3) * Units.boltzmann)
        #expect(abs(temperature - 300) < 60, "T = \(temperature) K")
        #expect(length(system.totalMomentum) < 1e-6 * Double(system.count))
    }
}
