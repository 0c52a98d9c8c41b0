import Foundation
import Testing
@testable import MACE

/// The vectorisable e^x of the radial-MLP activations against the C library.
@Suite struct VectorExpTests {
    /// x on a fine grid over the range where e^x is a normal number, plus special points.
    static func samples(_ lower: Double, _ upper: Double) -> [Double] {
        stride(from: lower, through: upper, by: (upper - lower) / 40_000).map { $0 }
            + [0, -0.0, 1e-30, -1e-30, 0.5 * log(2.0), -0.5 * log(2.0)]
    }

    @Test func floatMatchesTheCLibraryWithinFourUlp() {
        for x in Self.samples(-87.3, 88).map({ Float($0) }) {
            let reference = Float(Foundation.exp(Double(x)))
            let e = VectorExp.exp(x)
            #expect(abs(e - reference) <= 4 * reference.ulp, "e^\(x) = \(e), C library \(reference)")
        }
    }

    @Test func doubleMatchesTheCLibraryWithinFourUlp() {
        for x in Self.samples(-708, 709) {
            let reference = Foundation.exp(x)
            let e = VectorExp.exp(x)
            #expect(abs(e - reference) <= 4 * reference.ulp, "e^\(x) = \(e), C library \(reference)")
        }
    }

    /// Arguments outside the normal range are clamped to it (finite, no NaN).
    @Test func outOfRangeArgumentsAreClamped() {
        #expect(VectorExp.exp(Float(1e30)) == VectorExp.exp(Float(88)))
        #expect(VectorExp.exp(-Float.infinity) == VectorExp.exp(Float(-87.3)))
        #expect(VectorExp.exp(Double.infinity) == VectorExp.exp(709.0))
        #expect(VectorExp.exp(-1e300) == VectorExp.exp(-708.0))
        #expect(VectorExp.exp(-1e300) < 1e-307 && VectorExp.exp(-1e300) > 0)
    }

    /// The fused SiLU's logistic agrees with 1/(1 + e^{−z}) from the C library, including where
    /// it saturates, and its value is c·z·s.
    @Test(arguments: [-800.0, -100, -60, -20, -1, 0, 0.3, 5, 30, 100, 800])
    func scaledSiLUMatchesScalarFormula(z: Double) {
        var s = Double.nan, f = Float.nan, h = Double.nan, hf = Float.nan
        var zd = z, zf = Float(z)
        Double.scaledSiLU(&zd, scale: 1.5, logistic: &s, into: &h, count: 1)
        Float.scaledSiLU(&zf, scale: 1.5, logistic: &f, into: &hf, count: 1)
        let reference = 1 / (1 + Foundation.exp(-z))
        #expect(abs(s - reference) <= 4 * reference.ulp + 1e-300, "σ(\(z)) = \(s), reference \(reference)")
        #expect(h == 1.5 * z * s)
        let referenceF = Float(1 / (1 + Foundation.exp(-Double(zf))))
        #expect(abs(f - referenceF) <= 4 * referenceF.ulp + 1e-37, "σ(\(zf)) = \(f), reference \(referenceF)")
        #expect(hf == 1.5 * zf * f)
    }
}
