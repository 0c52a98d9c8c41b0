import Foundation
import Testing

@testable import MACE

/// e3nn reference: `o3.SphericalHarmonics(0…lmax, normalize=True, normalization="component")`.
private struct SphericalHarmonicsFixture: Decodable {
    let lmax: Int
    let vectors: [[Double]]
    let values: [[Double]]
    let gradients: [[Double]]

    /// Checks the fixture is complete, so that loops over it cannot pass vacuously.
    static func load() throws -> SphericalHarmonicsFixture {
        let fixture = try basisFixture("spherical_harmonics.json", as: SphericalHarmonicsFixture.self)
        let count = (fixture.lmax + 1) * (fixture.lmax + 1)
        try #require(fixture.vectors.count >= 10)
        try #require(fixture.values.count == fixture.vectors.count)
        try #require(fixture.gradients.count == fixture.vectors.count)
        try #require(fixture.values.allSatisfy { $0.count == count })
        return fixture
    }

    /// The fixture's loss weights w[e, i] = cos(0.37 (i + 1) + 1.3 e).
    func weights(edge e: Int, count: Int) -> [Double] {
        (0..<count).map { cos(0.37 * Double($0 + 1) + 1.3 * Double(e)) }
    }
}

private func harmonics<T: MACEFloat>(_ sh: SphericalHarmonics<T>, _ r: SIMD3<T>) -> [T] {
    basisWithBuffer(sh.count, of: T.self) { buffer in
        sh.evaluate(r, into: buffer)
        return Array(buffer)
    }
}

private func vector<T: MACEFloat>(_ v: [Double], as: T.Type = T.self) -> SIMD3<T> {
    SIMD3(T(v[0]), T(v[1]), T(v[2]))
}

@Suite("Spherical harmonics")
struct BasisSphericalHarmonicsTests {
    @Test func valuesMatchE3nnInDoubleToLmax11() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        let sh = try SphericalHarmonics<Double>(maxDegree: fixture.lmax)
        #expect(sh.count == (fixture.lmax + 1) * (fixture.lmax + 1))
        for (r, reference) in zip(fixture.vectors, fixture.values) {
            let error = basisMaxRelativeError(harmonics(sh, vector(r)), reference, scale: 1)
            #expect(error < 1e-12, "r = \(r)")
        }
    }

    @Test func valuesMatchE3nnInFloat() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        let sh = try SphericalHarmonics<Float>(maxDegree: fixture.lmax)
        for (r, reference) in zip(fixture.vectors, fixture.values) {
            let error = basisMaxRelativeError(harmonics(sh, vector(r, as: Float.self)), reference, scale: 1)
            #expect(error < 1e-5, "r = \(r)")
        }
    }

    @Test func lowerDegreesArePrefixesOfHigherOnes() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        for lmax in [0, 1, 2, 3, 4] {
            let sh = try SphericalHarmonics<Double>(maxDegree: lmax)
            for (r, reference) in zip(fixture.vectors, fixture.values) {
                let prefix = Array(reference.prefix(sh.count))
                #expect(basisMaxRelativeError(harmonics(sh, vector(r)), prefix, scale: 1) < 1e-12)
            }
        }
    }

    @Test func degreeOneIsSqrt3TimesUnitVectorInXYZOrder() throws {
        let sh = try SphericalHarmonics<Double>(maxDegree: 1)
        let r = SIMD3<Double>(0.3, -1.7, 2.9)
        let n = r / (r * r).sum().squareRoot()
        let y = harmonics(sh, r)
        #expect(y[0] == 1)
        let expected = [n.x, n.y, n.z].map { 3.0.squareRoot() * $0 }
        #expect(basisMaxRelativeError(Array(y[1...3]), expected, scale: 1) < 1e-15)
    }

    @Test func backwardMatchesE3nnAutograd() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        let sh = try SphericalHarmonics<Double>(maxDegree: fixture.lmax)
        for (e, (r, reference)) in zip(fixture.vectors, fixture.gradients).enumerated() {
            let w = fixture.weights(edge: e, count: sh.count)
            let g = w.withUnsafeBufferPointer { sh.backward(vector(r), gradient: $0) }
            let error = basisMaxRelativeError([g.x, g.y, g.z], reference, scale: basisMagnitude(reference))
            #expect(error < 1e-12, "r = \(r)")
        }
    }

    @Test func backwardMatchesE3nnAutogradInFloat() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        let sh = try SphericalHarmonics<Float>(maxDegree: fixture.lmax)
        for (e, (r, reference)) in zip(fixture.vectors, fixture.gradients).enumerated() {
            let w = fixture.weights(edge: e, count: sh.count).map { Float($0) }
            let g = w.withUnsafeBufferPointer { sh.backward(vector(r, as: Float.self), gradient: $0) }
            let error = basisMaxRelativeError([g.x, g.y, g.z], reference, scale: basisMagnitude(reference))
            #expect(error < 1e-5, "r = \(r)")
        }
    }

    @Test func backwardMatchesFiniteDifferences() throws {
        let fixture = try SphericalHarmonicsFixture.load()
        for lmax in [1, 3, 6, 11] {
            let sh = try SphericalHarmonics<Double>(maxDegree: lmax)
            for (e, components) in fixture.vectors.enumerated() {
                let r = vector(components, as: Double.self)
                let w = fixture.weights(edge: e, count: sh.count)
                let energy: (SIMD3<Double>) -> Double = { x in
                    zip(harmonics(sh, x), w).reduce(0) { $0 + $1.0 * $1.1 }
                }
                let analytic = w.withUnsafeBufferPointer { sh.backward(r, gradient: $0) }
                let length = (r * r).sum().squareRoot()
                var numeric = SIMD3<Double>.zero
                for a in 0..<3 {
                    numeric[a] = basisFiniteDifference(at: r[a], step: 1e-4 * length) { t in
                        var x = r
                        x[a] = t
                        return energy(x)
                    }
                }
                let scale = (analytic * analytic).sum().squareRoot()
                let worst = (0..<3).map { abs(numeric[$0] - analytic[$0]) }.max() ?? .infinity
                #expect(worst <= 1e-7 * scale, "lmax \(lmax), r = \(components)")
            }
        }
    }

    @Test func componentNormalizationSumsTo2LPlus1() throws {
        let sh = try SphericalHarmonics<Double>(maxDegree: 11)
        let fixture = try SphericalHarmonicsFixture.load()
        for r in fixture.vectors {
            let y = harmonics(sh, vector(r))
            for l in 0...11 {
                let sum = y[(l * l)..<((l + 1) * (l + 1))].reduce(0) { $0 + $1 * $1 }
                #expect(abs(sum - Double(2 * l + 1)) < 1e-12 * Double(2 * l + 1))
            }
        }
    }

    /// Addition theorem: Σ_m Y_lm(a) Y_lm(b) = (2l + 1) P_l(â·b̂), invariant under any rotation.
    @Test func additionTheoremHoldsForRotatedPairs() throws {
        let sh = try SphericalHarmonics<Double>(maxDegree: 8)
        let a = SIMD3<Double>(0.4, 1.1, -0.8), b = SIMD3<Double>(-1.3, 0.2, 0.5)
        // Rotation about the axis (1, 2, 2)/3 by 0.9 rad (Rodrigues).
        let k = SIMD3<Double>(1, 2, 2) / 3, angle = 0.9
        let rotate: (SIMD3<Double>) -> SIMD3<Double> = { v in
            let cross = SIMD3(k.y * v.z - k.z * v.y, k.z * v.x - k.x * v.z, k.x * v.y - k.y * v.x)
            return v * cos(angle) + cross * sin(angle) + k * (k * v).sum() * (1 - cos(angle))
        }
        let cosine = (a * b).sum() / ((a * a).sum() * (b * b).sum()).squareRoot()
        for (x, y) in [(a, b), (rotate(a), rotate(b))] {
            let ya = harmonics(sh, x), yb = harmonics(sh, y)
            var legendre = (previous: 1.0, current: cosine)    // P_{l−1}, P_l for l ≥ 1
            for l in 0...8 {
                let p = l == 0 ? 1.0 : legendre.current
                let range = (l * l)..<((l + 1) * (l + 1))
                let dot = range.reduce(0.0) { $0 + ya[$1] * yb[$1] }
                #expect(abs(dot - Double(2 * l + 1) * p) < 1e-12 * Double(2 * l + 1), "l = \(l)")
                if l >= 1 {
                    let next = (Double(2 * l + 1) * cosine * legendre.current
                        - Double(l) * legendre.previous) / Double(l + 1)
                    legendre = (legendre.current, next)
                }
            }
        }
    }

    @Test func zeroVectorGivesConstantAndZeroGradient() throws {
        let sh = try SphericalHarmonics<Double>(maxDegree: 3)
        let y = harmonics(sh, .zero)
        #expect(y[0] == 1)
        #expect(y.dropFirst().allSatisfy { $0 == 0 })
        let w = [Double](repeating: 1, count: sh.count)
        #expect(w.withUnsafeBufferPointer { sh.backward(.zero, gradient: $0) } == .zero)
    }

    @Test func rejectsNegativeDegree() {
        #expect(throws: BasisError.self) { try SphericalHarmonics<Double>(maxDegree: -1) }
    }
}
