import Foundation
import Testing

@testable import MACE

/// mace-torch reference for the radial basis functions and the cutoff.
private struct RadialFixture: Decodable {
    struct Bessel: Decodable {
        let bessel_weights: [Double]
        let prefactor: Double
        let values: [[Double]]?
        let derivatives: [[Double]]?
    }
    struct Gaussian: Decodable {
        let gaussian_weights: [Double]
        let coeff: Double
        let values: [[Double]]
        let derivatives: [[Double]]
    }
    struct Chebyshev: Decodable {
        let inputs: [Double]
        let values: [[Double]]
    }
    struct Cutoff: Decodable {
        let p: Int
        let values: [Double]
        let derivatives: [Double]
    }
    let r_max: Double
    let lengths: [Double]
    let bessel: Bessel
    let bessel_default: Bessel
    let gaussian: Gaussian
    let chebyshev: Chebyshev
    let cutoff: [Cutoff]
    // The file's `edges` and `embeddings` are read by BasisRadialEmbeddingTests.

    static func load() throws -> RadialFixture {
        let fixture = try basisFixture("radial.json", as: RadialFixture.self)
        try #require(fixture.lengths.count >= 10)
        try #require(fixture.bessel.values?.count == fixture.lengths.count)
        try #require(fixture.gaussian.values.count == fixture.lengths.count)
        try #require(fixture.chebyshev.values.count == fixture.chebyshev.inputs.count)
        try #require(fixture.cutoff.count == 2)
        return fixture
    }

    func trainedBessel<T: MACEFloat>(_: T.Type) throws -> BesselBasis<T> {
        try BesselBasis(frequencies: bessel.bessel_weights.map { T($0) }, prefactor: T(bessel.prefactor))
    }
}

/// Values and derivatives of a basis at x, through the fused entry point.
private func basisValuesAndDerivatives<B: RadialBasisFunctions>(_ basis: B, _ x: B.Scalar)
    -> (values: [B.Scalar], derivatives: [B.Scalar])
{
    var values = [B.Scalar](repeating: 0, count: basis.count)
    var derivatives = values
    values.withUnsafeMutableBufferPointer { v in
        derivatives.withUnsafeMutableBufferPointer { d in basis.evaluate(x, values: v, derivatives: d) }
    }
    return (values, derivatives)
}

private func basisValues<B: RadialBasisFunctions>(_ basis: B, _ x: B.Scalar) -> [B.Scalar] {
    basisWithBuffer(basis.count, of: B.Scalar.self) { buffer in
        basis.evaluate(x, into: buffer)
        return Array(buffer)
    }
}

/// Checks a double-precision basis at `inputs`: the fused values equal the plain ones, the
/// derivatives and `contract` agree with finite differences of the values, `backward` with
/// `contract`.
private func checkBasisDerivatives<B: RadialBasisFunctions>(_ basis: B, at inputs: [Double])
where B.Scalar == Double {
    let weights = (0..<basis.count).map { sin(1.7 * Double($0) + 0.4) }
    for x in inputs {
        let (values, derivatives) = basisValuesAndDerivatives(basis, x)
        #expect(values == basisValues(basis, x), "x = \(x)")
        let scale = basisMagnitude(derivatives, floor: 1e-12)
        for k in 0..<basis.count {
            let numeric = basisFiniteDifference(at: x, step: 1e-4) { basisValues(basis, $0)[k] }
            #expect(abs(numeric - derivatives[k]) <= 1e-7 * scale, "x = \(x), k = \(k)")
        }
        let (value, derivative) = weights.withUnsafeBufferPointer { basis.contract(x, with: $0) }
        let expectedValue = zip(weights, values).reduce(0) { $0 + $1.0 * $1.1 }
        let expectedDerivative = zip(weights, derivatives).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(value - expectedValue) <= 1e-13 * basisMagnitude(values, floor: 1e-12))
        #expect(abs(derivative - expectedDerivative) <= 1e-13 * scale * Double(basis.count))
        #expect(weights.withUnsafeBufferPointer { basis.backward(x, gradient: $0) } == derivative)
    }
}

@Suite("Radial bases and cutoff")
struct BasisRadialTests {
    @Test func besselMatchesMaceWithTrainedWeights() throws {
        let fixture = try RadialFixture.load()
        let values = try #require(fixture.bessel.values), derivatives = try #require(fixture.bessel.derivatives)
        let basis = try fixture.trainedBessel(Double.self)
        for (i, r) in fixture.lengths.enumerated() {
            let (v, d) = basisValuesAndDerivatives(basis, r)
            #expect(basisMaxRelativeError(v, values[i], scale: basisMagnitude(values[i])) < 1e-12, "r = \(r)")
            #expect(basisMaxRelativeError(d, derivatives[i], scale: basisMagnitude(derivatives[i])) < 1e-12, "r = \(r)")
        }
        let single = try fixture.trainedBessel(Float.self)
        for (i, r) in fixture.lengths.enumerated() {
            let v = basisValues(single, Float(r))
            #expect(basisMaxRelativeError(v, values[i], scale: basisMagnitude(values[i])) < 1e-5, "r = \(r)")
        }
    }

    /// The harmonic basis (w_k = k w₁, mace-torch's default) takes sin and cos of w_k x by
    /// angle addition. Its sines and cosines agree with the library's sin(w_k x), cos(w_k x) to
    /// 1e-14 (the direct formula's own rounding of w_k x is ~4e-15 at w_k x ≈ 10π), so B_k and
    /// dB_k/dx (and Σ w_k B_k) agree with the direct formula to that error times c/x and
    /// c(w_n + 1/x)/x. Trained (non-harmonic) frequencies take the direct formula.
    @Test func besselAngleAdditionMatchesDirectFormula() throws {
        let basis = try BesselBasis<Double>(count: 10, cutoff: 6)
        #expect(basis.harmonicStep != nil)
        #expect(try RadialFixture.load().trainedBessel(Double.self).harmonicStep == nil)
        let weights = (0..<10).map { 0.3 * Double($0) - 1.1 }, weightSum = weights.reduce(0) { $0 + abs($1) }
        var sines = [Double](repeating: 0, count: 10), cosines = sines
        for r in stride(from: 0.05, through: 6.0, by: 0.0137) {
            basis.sinesAndCosines(r, sines: &sines, cosines: &cosines)
            for (k, w) in basis.frequencies.enumerated() {
                #expect(abs(sines[k] - Foundation.sin(w * r)) < 1e-14 && abs(cosines[k] - Foundation.cos(w * r)) < 1e-14,
                        "k = \(k + 1), r = \(r)")
            }
            let c = basis.prefactor, wn = basis.frequencies[9]
            let valueScale = 1e-14 * c / r, derivativeScale = 1e-14 * c * (wn + 1 / r) / r
            let direct = basis.frequencies.map { c * Foundation.sin($0 * r) / r }
            let directDerivative = basis.frequencies.map { c * ($0 * Foundation.cos($0 * r) - Foundation.sin($0 * r) / r) / r }
            let (v, d) = basisValuesAndDerivatives(basis, r)
            #expect(zip(v, direct).allSatisfy { abs($0 - $1) < valueScale }, "r = \(r)")
            #expect(zip(basisValues(basis, r), direct).allSatisfy { abs($0 - $1) < valueScale }, "r = \(r)")
            #expect(zip(d, directDerivative).allSatisfy { abs($0 - $1) < derivativeScale }, "r = \(r)")
            let (value, derivative) = weights.withUnsafeBufferPointer { basis.contract(r, with: $0) }
            #expect(abs(value - zip(weights, direct).reduce(0) { $0 + $1.0 * $1.1 }) < weightSum * valueScale, "r = \(r)")
            #expect(abs(derivative - zip(weights, directDerivative).reduce(0) { $0 + $1.0 * $1.1 }) < weightSum * derivativeScale)
        }
        let single = try BesselBasis<Float>(count: 10, cutoff: 6)
        #expect(single.harmonicStep != nil)
        for r in stride(from: Float(0.05), through: 6, by: 0.0137) {
            let direct = basis.frequencies.map { basis.prefactor * Foundation.sin($0 * Double(r)) / Double(r) }
            // In Float the direct formula itself is off by up to 1.5e-6 c/r (rounding of w_k x).
            #expect(zip(basisValues(single, r), direct).allSatisfy { abs(Double($0) - $1) < 3e-6 * basis.prefactor / Double(r) },
                    "r = \(r)")
        }
    }

    @Test func besselDefaultInitialisationMatchesMace() throws {
        let fixture = try RadialFixture.load()
        let basis = try BesselBasis<Double>(count: fixture.bessel_default.bessel_weights.count, cutoff: fixture.r_max)
        #expect(basisMaxRelativeError(basis.frequencies, fixture.bessel_default.bessel_weights, scale: 0) < 1e-15)
        #expect(abs(basis.prefactor - fixture.bessel_default.prefactor) <= 1e-15 * basis.prefactor)
    }

    @Test func gaussianMatchesMace() throws {
        let fixture = try RadialFixture.load()
        let made = try GaussianBasis<Double>(count: fixture.gaussian.gaussian_weights.count, cutoff: fixture.r_max)
        #expect(basisMaxRelativeError(made.centres, fixture.gaussian.gaussian_weights, scale: 1e-15) < 1e-15)
        #expect(abs(made.coefficient - fixture.gaussian.coeff) <= 1e-15 * abs(fixture.gaussian.coeff))
        let basis = try GaussianBasis<Double>(centres: fixture.gaussian.gaussian_weights, coefficient: fixture.gaussian.coeff)
        let single = try GaussianBasis<Float>(
            centres: fixture.gaussian.gaussian_weights.map { Float($0) }, coefficient: Float(fixture.gaussian.coeff))
        for (i, r) in fixture.lengths.enumerated() {
            let (v, d) = basisValuesAndDerivatives(basis, r)
            let reference = fixture.gaussian.values[i], referenceDerivative = fixture.gaussian.derivatives[i]
            #expect(basisMaxRelativeError(v, reference, scale: basisMagnitude(reference)) < 1e-12, "r = \(r)")
            #expect(basisMaxRelativeError(d, referenceDerivative, scale: basisMagnitude(referenceDerivative)) < 1e-12)
            #expect(basisMaxRelativeError(basisValues(single, Float(r)), reference, scale: basisMagnitude(reference)) < 1e-5)
        }
    }

    @Test func chebyshevMatchesMaceValues() throws {
        let fixture = try RadialFixture.load()
        let count = try #require(fixture.chebyshev.values.first?.count)
        let basis = try ChebyshevBasis<Double>(count: count)
        for (x, reference) in zip(fixture.chebyshev.inputs, fixture.chebyshev.values) {
            #expect(basisMaxRelativeError(basisValues(basis, x), reference, scale: basisMagnitude(reference)) < 1e-12, "x = \(x)")
            let single = basisValues(try ChebyshevBasis<Float>(count: count), Float(x))
            #expect(basisMaxRelativeError(single, reference, scale: basisMagnitude(reference)) < 1e-5, "x = \(x)")
        }
    }

    @Test func basisDerivativesMatchFiniteDifferences() throws {
        let fixture = try RadialFixture.load()
        let lengths = fixture.lengths
        checkBasisDerivatives(try fixture.trainedBessel(Double.self), at: lengths)
        checkBasisDerivatives(try GaussianBasis<Double>(count: 8, cutoff: fixture.r_max), at: lengths)
        checkBasisDerivatives(try ChebyshevBasis<Double>(count: 8), at: fixture.chebyshev.inputs)
        checkBasisDerivatives(RadialBasis.bessel(try fixture.trainedBessel(Double.self)), at: lengths)
    }

    @Test func polynomialCutoffMatchesMaceAtAndBeyondRMax() throws {
        let fixture = try RadialFixture.load()
        for reference in fixture.cutoff {
            let cutoff = try PolynomialCutoff<Double>(cutoff: fixture.r_max, power: reference.p)
            let pairs = fixture.lengths.map { cutoff.valueAndDerivative($0) }
            #expect(basisMaxRelativeError(pairs.map(\.value), reference.values, scale: 1) < 1e-13, "p = \(reference.p)")
            #expect(basisMaxRelativeError(pairs.map(\.derivative), reference.derivatives,
                                          scale: basisMagnitude(reference.derivatives)) < 1e-12)
            #expect(fixture.lengths.map { cutoff.value($0) } == pairs.map(\.value))
            // mace's mask (r < r_max): exactly zero at r_max and beyond.
            #expect(cutoff.valueAndDerivative(fixture.r_max) == (0, 0))
            #expect(cutoff.valueAndDerivative(fixture.r_max * 1.5) == (0, 0))
            let single = try PolynomialCutoff<Float>(cutoff: Float(fixture.r_max), power: reference.p)
            #expect(basisMaxRelativeError(fixture.lengths.map { single.value(Float($0)) }, reference.values, scale: 1) < 1e-5)
        }
    }

    @Test func polynomialCutoffDerivativeMatchesFiniteDifferences() throws {
        for p in [3, 5, 6, 9] {
            let cutoff = try PolynomialCutoff<Double>(cutoff: 4.5, power: p)
            for r in stride(from: 0.2, through: 4.7, by: 0.3) {
                let numeric = basisFiniteDifference(at: r, step: 1e-4) { cutoff.value($0) }
                let analytic = cutoff.valueAndDerivative(r).derivative
                #expect(abs(numeric - analytic) <= 1e-7 * (abs(analytic) + 1e-3), "p = \(p), r = \(r)")
            }
        }
    }

    @Test func invalidParametersThrow() {
        #expect(throws: BasisError.self) { try PolynomialCutoff<Double>(cutoff: 0, power: 5) }
        #expect(throws: BasisError.self) { try PolynomialCutoff<Double>(cutoff: 5, power: 0) }
        #expect(throws: BasisError.self) { try BesselBasis<Double>(frequencies: [], prefactor: 1) }
        #expect(throws: BasisError.self) { try BesselBasis<Double>(count: 8, cutoff: -1) }
        #expect(throws: BasisError.self) { try GaussianBasis<Double>(count: 1, cutoff: 5) }
        #expect(throws: BasisError.self) { try ChebyshevBasis<Double>(count: 0) }
    }
}
