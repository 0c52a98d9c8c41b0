import Foundation
import Testing

@testable import MACE

/// e3nn `normalize2mom` constants and normalised activation values / derivatives.
private struct ActivationFixture: Decodable {
    struct Function: Decodable {
        let cst: Double
        let values: [Double]
        let derivatives: [Double]
    }
    let inputs: [Double]
    let silu: Function
    let sigmoid: Function
    let tanh: Function

    func reference(_ f: ActivationFunction) -> Function {
        switch f {
        case .silu: silu
        case .sigmoid: sigmoid
        case .tanh: tanh
        }
    }
}

@Suite("Activations")
struct BasisActivationTests {
    @Test(arguments: ActivationFunction.allCases)
    func matchesE3nnNormalize2mom(_ function: ActivationFunction) throws {
        let fixture = try basisFixture("activations.json", as: ActivationFixture.self)
        let reference = fixture.reference(function)
        try #require(reference.values.count == fixture.inputs.count && fixture.inputs.count >= 5)
        #expect(function.e3nnScale == reference.cst, "constant as e3nn computes it")
        let act = ScaledActivation<Double>(function)
        let single = ScaledActivation<Float>(function)
        // Errors relative to the largest value: σ′ = 1 − tanh² cancels for large |x| in torch too.
        let valueScale = basisMagnitude(reference.values), derivativeScale = basisMagnitude(reference.derivatives)
        for (i, x) in fixture.inputs.enumerated() {
            let (value, derivative) = act.valueAndDerivative(x)
            #expect(abs(value - reference.values[i]) <= 1e-14 * (abs(reference.values[i]) + valueScale), "x = \(x)")
            #expect(abs(derivative - reference.derivatives[i]) <= 1e-14 * (abs(reference.derivatives[i]) + derivativeScale),
                    "x = \(x)")
            #expect(act.value(x) == value)
            #expect(abs(Double(single.value(Float(x))) - reference.values[i]) <= 1e-5 * (abs(reference.values[i]) + 1e-30))
        }
    }

    @Test(arguments: ActivationFunction.allCases)
    func derivativeMatchesFiniteDifferences(_ function: ActivationFunction) {
        let act = ScaledActivation<Double>(function)
        for x in stride(from: -8.0, through: 8.0, by: 0.37) {
            let numeric = basisFiniteDifference(at: x, step: 1e-4) { act.value($0) }
            let analytic = act.valueAndDerivative(x).derivative
            // Rounding in the difference quotient is about ε·|σ|/h ≈ 1e−11 for |σ| ≈ 10.
            let rounding = 1e-16 * (abs(act.value(x)) + 1) / 1e-4 * 10
            #expect(abs(numeric - analytic) <= 1e-7 * abs(analytic) + rounding, "x = \(x)")
        }
    }

    @Test func bufferFormsAgreeWithScalarForm() {
        let act = ScaledActivation<Double>(.silu, scale: 1)
        var values = [-2.0, -0.5, 0, 0.5, 2], derivatives = [Double](repeating: 0, count: 5)
        let inputs = values
        values.withUnsafeMutableBufferPointer { v in
            derivatives.withUnsafeMutableBufferPointer { d in act.apply(v, derivatives: d) }
        }
        #expect(values == inputs.map { $0 / (1 + exp(-$0)) })
        #expect(derivatives == inputs.map { act.valueAndDerivative($0).derivative })
        var again = inputs
        again.withUnsafeMutableBufferPointer { act.apply($0) }
        #expect(again == values)
    }
}
