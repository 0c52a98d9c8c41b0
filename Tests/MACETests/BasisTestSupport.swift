import Foundation
import Testing

/// Loads a fixture written by `scripts/fixtures/make_mace_stage_fixtures.py` from
/// `Tests/MACETests/Resources/stages/` (found next to this source file, so no bundle is needed).
func basisFixture<F: Decodable>(_ name: String, as type: F.Type) throws -> F {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/stages/\(name)")
    return try JSONDecoder().decode(F.self, from: Data(contentsOf: url))
}

/// The largest |a − b| / (|b| + scale) over two equally long arrays (infinity if lengths differ).
/// `scale` keeps entries near zero from demanding more than absolute accuracy `tol · scale`.
func basisMaxRelativeError<T: BinaryFloatingPoint>(_ a: [T], _ b: [Double], scale: Double) -> Double {
    guard a.count == b.count else { return .infinity }
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let error = abs(Double(x) - y) / (abs(y) + scale)
        if !(error <= worst) { worst = error }      // also propagates NaN
    }
    return worst
}

/// The largest |b_i| (at least `floor`), a natural `scale` for `basisMaxRelativeError`.
func basisMagnitude(_ b: [Double], floor: Double = 1e-300) -> Double {
    b.reduce(floor) { max($0, abs($1)) }
}

/// df/dx by the fourth-order central difference
/// (−f(x + 2h) + 8 f(x + h) − 8 f(x − h) + f(x − 2h)) / (12 h).
func basisFiniteDifference(at x: Double, step h: Double, _ f: (Double) -> Double) -> Double {
    (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)
}

/// Calls `body` with a temporary zeroed buffer of `count` elements.
func basisWithBuffer<T: BinaryFloatingPoint, R>(
    _ count: Int, of type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) -> R
) -> R {
    var storage = [T](repeating: 0, count: count)
    return storage.withUnsafeMutableBufferPointer { body($0) }
}
