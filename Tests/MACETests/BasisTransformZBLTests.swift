import Foundation
import Testing

@testable import MACE

/// mace-torch `AgnesiTransform` / `SoftTransform` per edge [r, Z_sender, Z_receiver].
private struct TransformFixture: Decodable {
    struct Transform: Decodable {
        let parameters: [String: Double]
        let values: [Double]
        let derivatives: [Double]
    }
    let edges: [[Double]]
    let agnesi: Transform
    let soft: Transform

    static func load() throws -> TransformFixture {
        let fixture = try basisFixture("transforms.json", as: TransformFixture.self)
        try #require(fixture.edges.count >= 10)
        try #require(fixture.agnesi.values.count == fixture.edges.count)
        try #require(fixture.soft.derivatives.count == fixture.edges.count)
        return fixture
    }
}

/// mace-torch `ZBLBasis` energies of one-edge graphs (energy lands on the receiver) and dE/dr.
private struct ZBLFixture: Decodable {
    struct Case: Decodable {
        let p: Int
        let c: [Double]
        let a_exp: Double
        let a_prefactor: Double
        let sender_energies: [Double]
        let receiver_energies: [Double]
        let derivatives: [Double]
    }
    let edges: [[Double]]
    let cases: [Case]

    static func load() throws -> ZBLFixture {
        let fixture = try basisFixture("zbl.json", as: ZBLFixture.self)
        try #require(fixture.edges.count >= 10 && fixture.cases.count == 2)
        for c in fixture.cases { try #require(c.receiver_energies.count == fixture.edges.count) }
        return fixture
    }
}

private func edge(_ e: [Double]) -> (r: Double, z1: Int, z2: Int) { (e[0], Int(e[1]), Int(e[2])) }

@Suite("Distance transforms and ZBL")
struct BasisTransformZBLTests {
    private func transforms(_ fixture: TransformFixture) throws -> [(String, DistanceTransform<Double>, TransformFixture.Transform)] {
        let a = fixture.agnesi.parameters, s = fixture.soft.parameters
        let agnesi = AgnesiTransform<Double>(a: try #require(a["a"]), q: try #require(a["q"]), p: try #require(a["p"]))
        let soft = SoftTransform<Double>(alpha: try #require(s["alpha"]))
        return [("Agnesi", .agnesi(agnesi), fixture.agnesi), ("Soft", .soft(soft), fixture.soft)]
    }

    @Test func transformsMatchMace() throws {
        let fixture = try TransformFixture.load()
        for (name, transform, reference) in try transforms(fixture) {
            let derivativeScale = basisMagnitude(reference.derivatives)
            for (i, e) in fixture.edges.map(edge).enumerated() {
                let (value, derivative) = transform.valueAndDerivative(e.r, e.z1, e.z2)
                #expect(abs(value - reference.values[i]) <= 1e-12 * abs(reference.values[i]), "\(name) \(e)")
                #expect(abs(derivative - reference.derivatives[i]) <= 1e-12 * (abs(reference.derivatives[i]) + derivativeScale),
                        "\(name) \(e)")
            }
        }
        // The defaults are mace's initial parameters.
        #expect(AgnesiTransform<Double>() == AgnesiTransform(
            a: fixture.agnesi.parameters["a"] ?? 0, q: fixture.agnesi.parameters["q"] ?? 0,
            p: fixture.agnesi.parameters["p"] ?? 0))
        #expect(SoftTransform<Double>().alpha == fixture.soft.parameters["alpha"])
    }

    @Test func transformDerivativesMatchFiniteDifferences() throws {
        let fixture = try TransformFixture.load()
        for (name, transform, _) in try transforms(fixture) {
            for e in fixture.edges.map(edge) {
                let h = 1e-4 * min(e.r, 1)
                let numeric = basisFiniteDifference(at: e.r, step: h) { transform.valueAndDerivative($0, e.z1, e.z2).value }
                let analytic = transform.valueAndDerivative(e.r, e.z1, e.z2).derivative
                #expect(abs(numeric - analytic) <= 1e-7 * (abs(analytic) + 1e-6), "\(name) \(e)")
            }
        }
    }

    @Test func covalentRadiiAreASEs() throws {
        struct Radii: Decodable { let covalent_radii: [Double] }
        let reference = try basisFixture("covalent_radii.json", as: Radii.self).covalent_radii
        try #require(reference.count == 119)
        #expect(CovalentRadii.ase == reference)
    }

    @Test func zblMatchesMace() throws {
        let fixture = try ZBLFixture.load()
        for c in fixture.cases {
            let zbl = try ZBLRepulsion<Double>(
                coefficients: c.c, screeningExponent: c.a_exp, screeningPrefactor: c.a_prefactor, power: c.p)
            #expect(zbl == (try ZBLRepulsion<Double>(power: c.p)), "defaults are mace's initial parameters")
            let single = try ZBLRepulsion<Float>(power: c.p)
            #expect(c.sender_energies.allSatisfy { $0 == 0 }, "mace puts the edge energy on the receiver")
            for (i, e) in fixture.edges.map(edge).enumerated() {
                let (energy, derivative) = zbl.edgeEnergyAndDerivative(e.r, e.z1, e.z2)
                let reference = c.receiver_energies[i]
                #expect(abs(energy - reference) <= 1e-12 * abs(reference), "p = \(c.p) \(e)")
                #expect(abs(derivative - c.derivatives[i]) <= 1e-12 * abs(c.derivatives[i]), "p = \(c.p) \(e)")
                #expect(zbl.edgeEnergy(e.r, e.z1, e.z2) == energy)
                let e32 = single.edgeEnergy(Float(e.r), e.z1, e.z2)
                #expect(abs(Double(e32) - reference) <= 1e-5 * abs(reference), "p = \(c.p) \(e) (Float)")
            }
        }
    }

    @Test func zblIsSymmetricZeroBeyondCovalentCutoffAndMatchesFiniteDifferences() throws {
        let zbl = try ZBLRepulsion<Double>(power: 6)
        for (z1, z2) in [(1, 8), (6, 6), (29, 14), (79, 26)] {
            let rMax = CovalentRadii.ase[z1] + CovalentRadii.ase[z2]
            #expect(zbl.edgeEnergyAndDerivative(rMax, z1, z2) == (0, 0))
            #expect(zbl.edgeEnergyAndDerivative(rMax + 0.1, z1, z2) == (0, 0))
            for fraction in [0.05, 0.2, 0.5, 0.8, 0.97] {
                let r = fraction * rMax
                let (energy, derivative) = zbl.edgeEnergyAndDerivative(r, z1, z2)
                // Symmetric up to rounding (mace's operand order 14.3996·Z_u·Z_v is kept).
                #expect(abs(energy - zbl.edgeEnergy(r, z2, z1)) <= 1e-15 * energy)
                let numeric = basisFiniteDifference(at: r, step: 1e-5 * rMax) { zbl.edgeEnergy($0, z1, z2) }
                #expect(abs(numeric - derivative) <= 1e-7 * abs(derivative), "Z \(z1)-\(z2) r = \(r)")
            }
        }
    }
}
