#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scalar type of MACE evaluation: `Float` or `Double`.
///
/// Every MACE stage is generic over `T: MACEFloat`, so the same code runs in single precision
/// (fast MD) and double precision (parity tests against mace-torch at ~1e-12).
/// The protocol adds to `BinaryFloatingPoint` the elementary functions MACE needs, as static
/// members so that generic code writes `T.exp(x)`. `squareRoot()` comes from `FloatingPoint`.
/// `SIMDScalar` lets stages take bond vectors as `SIMD3<T>`.
///
/// Performance: instantiate the generic stages with a concrete type inside module MACE (e.g. a
/// non-generic potential holding `MACEModel<Double>`): generic code called from another module
/// is not specialised, and unspecialised `SphericalHarmonics` measured ~25× slower.
///
/// Conformances forward to the C library (`exp`/`expf`, ...), so `Double` results equal
/// those of NumPy/PyTorch on CPU up to the last few ulps.
public protocol MACEFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// e^x.
    static func exp(_ x: Self) -> Self
    /// Natural logarithm, x > 0.
    static func log(_ x: Self) -> Self
    /// Sine of x (radians).
    static func sin(_ x: Self) -> Self
    /// Cosine of x (radians).
    static func cos(_ x: Self) -> Self
    /// Hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
    /// x^y for real y (x > 0, or x = 0 with y > 0).
    static func pow(_ x: Self, _ y: Self) -> Self
}

// Free-function wrappers: inside the conforming extensions an unqualified `exp(x)` would find
// the static requirement itself, so the C functions are reached through these.
@inline(__always) private func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cSin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func cTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func cExp(_ x: Float) -> Float { expf(x) }
@inline(__always) private func cLog(_ x: Float) -> Float { logf(x) }
@inline(__always) private func cSin(_ x: Float) -> Float { sinf(x) }
@inline(__always) private func cCos(_ x: Float) -> Float { cosf(x) }
@inline(__always) private func cTanh(_ x: Float) -> Float { tanhf(x) }
@inline(__always) private func cPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }

extension Double: MACEFloat {
    public static func exp(_ x: Double) -> Double { cExp(x) }
    public static func log(_ x: Double) -> Double { cLog(x) }
    public static func sin(_ x: Double) -> Double { cSin(x) }
    public static func cos(_ x: Double) -> Double { cCos(x) }
    public static func tanh(_ x: Double) -> Double { cTanh(x) }
    public static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
}

extension Float: MACEFloat {
    public static func exp(_ x: Float) -> Float { cExp(x) }
    public static func log(_ x: Float) -> Float { cLog(x) }
    public static func sin(_ x: Float) -> Float { cSin(x) }
    public static func cos(_ x: Float) -> Float { cCos(x) }
    public static func tanh(_ x: Float) -> Float { cTanh(x) }
    public static func pow(_ x: Float, _ y: Float) -> Float { cPow(x, y) }
}
