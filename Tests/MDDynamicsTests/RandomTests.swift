import Foundation
import Testing
@testable import MDDynamics

@Suite struct RandomTests {
    /// The reference sequence of xoshiro256** from state (1, 2, 3, 4) (Vigna's C code).
    @Test func xoshiroMatchesReferenceSequence() throws {
        var rng = try JSONDecoder().decode(Xoshiro256StarStar.self, from: Data("[1,2,3,4]".utf8))
        let expected: [UInt64] = [11520, 0, 1509978240, 1215971899390074240]
        #expect((0..<4).map { _ in rng.next() } == expected)
    }

    /// The generator state survives JSON exactly (words above 2⁵³ included).
    @Test func stateRoundTripsThroughJSON() throws {
        var rng = Xoshiro256StarStar(seed: 2024)
        _ = rng.next()
        #expect(rng.state.contains { $0 > (1 << 53) })
        let copy = try JSONDecoder().decode(Xoshiro256StarStar.self, from: JSONEncoder().encode(rng))
        #expect(copy == rng)
        var a = rng, b = copy
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
    }

    @Test func allZeroStateIsRejected() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Xoshiro256StarStar.self, from: Data("[0,0,0,0]".utf8))
        }
    }

    /// The libm-free logarithm agrees with Foundation's to a few ulp over many decades.
    @Test func portableLogMatchesLibm() {
        var rng = Xoshiro256StarStar(seed: 1)
        var worst = 0.0
        for _ in 0..<20000 {
            let x = exp(80 * (rng.uniform() - 0.5))
            worst = max(worst, abs(portableLog(x) - log(x)) / max(abs(log(x)), 1e-300))
        }
        for x in [1.0, 2.0, 0.5, 1e-300, 1e300, 1.4142135623730951, 0.9999999999] {
            worst = max(worst, abs(portableLog(x) - log(x)) / max(abs(log(x)), 1e-10))
        }
        #expect(portableLog(1) == 0)
        #expect(worst < 1e-15, "worst relative error \(worst)")
    }

    /// Normal deviates have mean 0, variance 1 and kurtosis 3 (within sampling error).
    @Test func normalMoments() {
        var rng = Xoshiro256StarStar(seed: 99)
        let n = 100_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0
        for _ in 0..<(n / 2) {
            let (a, b) = rng.normalPair()
            for x in [a, b] { s1 += x; s2 += x * x; s4 += x * x * x * x }
        }
        let mean = s1 / Double(n), second = s2 / Double(n), fourth = s4 / Double(n)
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(second - 1) < 5 * (2 / Double(n)).squareRoot())
        #expect(abs(fourth - 3) < 5 * (96 / Double(n)).squareRoot())
    }

    /// χ² with k degrees of freedom has mean k and variance 2k.
    @Test func chiSquaredMoments() {
        var rng = Xoshiro256StarStar(seed: 5)
        let k = 7, n = 20000
        let samples = (0..<n).map { _ in rng.chiSquared(k) }
        let (mean, variance) = meanAndVariance(samples)
        #expect(abs(mean - Double(k)) < 5 * (2 * Double(k) / Double(n)).squareRoot())
        #expect(abs(variance / (2 * Double(k)) - 1) < 0.06)
    }
}
