import MDCore

/// xoshiro256** (Blackman & Vigna 2018): a small, fast 64-bit generator whose whole state
/// is four `UInt64` words. The state is `Codable`, so a restarted run draws exactly the
/// numbers the uninterrupted run would have drawn, on any machine.
///
/// Seeding expands one `UInt64` with SplitMix64, as the authors recommend.
/// Normal deviates use the Marsaglia polar method with ``portableLog(_:)``, which is
/// built from IEEE-754 +, −, ×, ÷ and √ only, so the deviates do not depend on the
/// platform's libm either.
public struct Xoshiro256StarStar: RandomNumberGenerator, Codable, Sendable, Equatable {
    /// The generator state s₀…s₃ (never all zero).
    public private(set) var state: [UInt64]

    /// A generator seeded from `seed` through SplitMix64.
    public init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        state = [splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next()]
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let words = try container.decode([UInt64].self)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(in: container,
                debugDescription: "xoshiro256** state needs 4 words, not all zero; got \(words.count)")
        }
        state = words
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(state)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits: result = rotl(s₁·5, 7)·9, then the xorshift state update.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = Self.rotl(state[3], 45)
        return result
    }

    /// A uniform deviate in [0, 1) with 53 random bits: (bits >> 11) · 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Two independent standard normal deviates (Marsaglia polar method):
    /// draw u, v uniform in (−1, 1) until 0 < s = u² + v² < 1, then
    /// (u, v)·√(−2 ln s / s).
    public mutating func normalPair() -> (Double, Double) {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * portableLog(s) / s).squareRoot()
                return (u * factor, v * factor)
            }
        }
    }

    /// `count` independent standard normal vectors (three deviates each).
    public mutating func normalVectors(_ count: Int) -> [SIMD3<Double>] {
        var flat: [Double] = []
        flat.reserveCapacity(3 * count + 1)
        while flat.count < 3 * count {
            let (a, b) = normalPair()
            flat.append(a)
            flat.append(b)
        }
        return (0..<count).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
    }

    /// The sum of squares of `count` independent standard normal deviates (a χ² deviate
    /// with `count` degrees of freedom).
    public mutating func chiSquared(_ count: Int) -> Double {
        var sum = 0.0
        var left = count
        while left >= 2 {
            let (a, b) = normalPair()
            sum += a * a + b * b
            left -= 2
        }
        if left == 1 { let (a, _) = normalPair(); sum += a * a }
        return sum
    }
}

/// ln x for finite x > 0, computed with IEEE-754 arithmetic only (no libm), so that it
/// gives the same bits on every platform. Accurate to a few ulp.
///
/// x = m·2ᵉ with m ∈ [√½, √2); ln m = 2 atanh z = 2(z + z³/3 + z⁵/5 + …) with
/// z = (m − 1)/(m + 1), |z| ≤ 0.172, so 12 terms reach double precision; ln x = ln m + e ln 2.
public func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    var m = x.significand            // in [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    let z = (m - 1) / (m + 1)
    let z2 = z * z
    var term = z
    var sum = 0.0
    for k in 0..<14 {
        sum += term / Double(2 * k + 1)
        term *= z2
    }
    // ln 2 split into a high part with trailing zero bits and a small correction.
    let ln2High = 0.693147180369123816490
    let ln2Low = 1.90821492927058770002e-10
    return (e * ln2High + 2 * sum) + e * ln2Low
}
