/// SplitMix64 (Steele, Lea & Flood 2014): a tiny 64-bit generator with one word of state.
///
/// Used to rattle structures reproducibly and to seed larger generators (the thermostats'
/// xoshiro256**). Same seed, same numbers, on any machine.
public struct SplitMix64: RandomNumberGenerator, Codable, Sendable, Equatable {
    /// The generator state.
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits: z = s + golden gamma, then two xor-shift-multiply rounds.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [−1, 1).
    public mutating func symmetric() -> Double { 2 * uniform() - 1 }

    /// A vector whose components are uniform in [−amplitude, amplitude).
    public mutating func vector(_ amplitude: Double) -> SIMD3<Double> {
        amplitude * SIMD3(symmetric(), symmetric(), symmetric())
    }
}
