import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDDynamics

/// The dynamics layer's pressure: P = (Σ m v⊗v + W)/V, p = tr(P)/3, σ = −W/V.
@Suite struct PressureTests {
    func thermalState(request: EvaluationRequest) throws -> DynamicsState {
        let system = try thermalArgon(repeats: 3, temperature: 300)
        let evaluator = try NeighborListEvaluator(potential: LennardJones.argon(cutoff: 6.0), skin: 0.5, request: request)
        return try DynamicsState(system: system, forces: evaluator.closure)
    }

    @Test func pressureIsTheTraceOfThePressureTensor() throws {
        let state = try thermalState(request: .all)
        let p = try #require(state.pressure), tensor = try #require(state.pressureTensor)
        #expect(abs(tensor.trace / 3 - p) <= 1e-12 * abs(p))
        // The kinetic tensor's trace is twice the kinetic energy.
        #expect(abs(state.kineticTensor.trace - 2 * state.kineticEnergy) <= 1e-12 * state.kineticEnergy)
        // Its kinetic part is the ideal-gas pressure N_f k_B T / (3V) with N_f = 3N − 3.
        let virial = try #require(state.virial)
        let kinetic = p - virial.trace / (3 * state.system.cell.volume)
        let ideal = Double(state.degreesOfFreedom) * Units.boltzmann * state.temperature / (3 * state.system.cell.volume)
        #expect(abs(kinetic - ideal) <= 1e-12 * ideal)
        // The frame stress is the potential part only, ASE's sign.
        let stress = try #require(state.stress)
        #expect(stress == (-1 / state.system.cell.volume) * virial)
    }

    @Test func noVirialOrNoPeriodicCellMeansNoPressure() throws {
        #expect(try thermalState(request: .energyAndForces).pressure == nil)
        var molecule = try fccArgon(repeats: 1)
        molecule.cell = Cell(vectors: .zero, pbc: Periodicity(false, false, false))
        let evaluator = try NeighborListEvaluator(potential: LennardJones.argon(cutoff: 6.0), skin: 0.5, request: .all)
        let state = try DynamicsState(system: molecule, forces: evaluator.closure)
        #expect(state.pressure == nil && state.pressureTensor == nil && state.stress == nil)
    }
}
