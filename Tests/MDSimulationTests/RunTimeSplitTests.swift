import Foundation
import Testing
import MDCore
import MDPotentials
import MDNeighbors
import TestSupport
@testable import MDSimulation

/// The run summary's time per step split into the model, the neighbour list and the rest.
@Suite struct RunTimeSplitTests {
    /// Lennard-Jones that sleeps `delay` seconds per evaluation, so the model's share of a
    /// step is known from outside.
    struct SlowPotential: Potential {
        let inner: LennardJones
        let delay: Double
        var cutoff: Double { inner.cutoff }
        var supportedAtomicNumbers: Set<Int>? { inner.supportedAtomicNumbers }
        func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs, request: EvaluationRequest) throws -> Evaluation {
            Thread.sleep(forTimeInterval: delay)
            return try inner.evaluate(system, neighbors: neighbors, request: request)
        }
    }

    /// 10 steps with a 20 ms potential: the model time is at least 10 × 20 ms, and the three
    /// parts add up to the wall time of the run.
    @Test func modelTimeIsTheSleepingPotentials() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let yaml = """
            structure: structure.xyz
            task: md
            md:
              ensemble: nve
              timestep_fs: 2.0
              steps: 10
            output:
              directory: out
              stats_every: 5
              trajectory_every: 0
              restart_every: 0
            """
        let run = try writeRun(yaml, system: try argonCrystal(n: 2), in: dir)
        let summary = try MDRun.run(run, potential: SlowPotential(inner: try testArgon(), delay: 0.02),
                                    options: RunOptions(quiet: true))
        #expect(summary.steps == 10)
        #expect(summary.potentialSeconds >= 10 * 0.02)
        #expect(summary.potentialSeconds <= summary.wallSeconds)
        #expect(summary.neighborListSeconds >= 0 && summary.neighborListSeconds < summary.potentialSeconds)
        let perStep = summary.millisecondsPerStep
        #expect(perStep.potential >= 20)
        #expect(abs(perStep.total - (perStep.potential + perStep.neighborList + perStep.rest)) < 1e-9)
        #expect(perStep.rest >= 0)
    }
}
