/// The scalar non-linearities of MACE, rescaled as e3nn does it.
///
/// e3nn wraps every activation σ of `nn.FullyConnectedNet` (radial MLPs), `nn.Activation`
/// (non-linear readout) and gates (`GatedEquivariantBlock`) in `normalize2mom`, which multiplies
/// σ by a constant s so that E[(s σ(z))²] = 1 for z ~ N(0, 1):
///
///     s = (mean over 10⁶ seed-0 torch normal samples of σ(z)²)^(−1/2)
///
/// a Monte-Carlo estimate, not the exact integral, so its digits are those of the samples
/// (the model pickles them as the attribute `cst`). The values e3nn 0.4.4 with torch 2.x
/// computes (checked by `scripts/fixtures/make_mace_stage_fixtures.py`):
/// SiLU 1.6791767923989418, sigmoid 1.8467055342154763, tanh 1.5937334472592695.
/// e3nn uses σ unscaled when |s − 1| < 1e−4. mace's non-e3nn `RadialMLP` (Linear → LayerNorm →
/// SiLU) uses the bare SiLU: `ScaledActivation(.silu, scale: 1)`.
///
///     SiLU:     σ(x) = x / (1 + e^(−x)),   σ′(x) = g (1 + x (1 − g)),  g = 1/(1 + e^(−x))
///     sigmoid:  σ(x) = 1 / (1 + e^(−x)),   σ′(x) = σ (1 − σ)
///     tanh:     σ(x) = tanh x,             σ′(x) = 1 − tanh² x
public struct ScaledActivation<T: MACEFloat>: Sendable, Equatable {
    /// σ.
    public let function: ActivationFunction
    /// s (1 for the bare function).
    public let scale: T

    /// s · σ with e3nn's constant by default; pass `scale` to use the model's `cst`, or 1 for
    /// the bare function.
    public init(_ function: ActivationFunction, scale: T? = nil) {
        self.function = function
        self.scale = scale ?? T(function.e3nnScale)
    }

    /// s · σ(x).
    @inline(__always) public func value(_ x: T) -> T {
        switch function {
        case .silu: scale * x / (1 + T.exp(-x))
        case .sigmoid: scale / (1 + T.exp(-x))
        case .tanh: scale * T.tanh(x)
        }
    }

    /// s · σ(x) and s · σ′(x).
    @inline(__always) public func valueAndDerivative(_ x: T) -> (value: T, derivative: T) {
        switch function {
        case .silu:
            let e = 1 + T.exp(-x)
            let g = 1 / e
            return (scale * x / e, scale * g * (1 + x * (1 - g)))
        case .sigmoid:
            let g = 1 / (1 + T.exp(-x))
            return (scale / (1 + T.exp(-x)), scale * g * (1 - g))
        case .tanh:
            let t = T.tanh(x)
            return (scale * t, scale * (1 - t * t))
        }
    }

    /// Applies s · σ in place to `values`.
    public func apply(_ values: UnsafeMutableBufferPointer<T>) {
        for i in values.indices { values[i] = value(values[i]) }
    }

    /// Applies s · σ in place to `values` and writes s · σ′ of the inputs into `derivatives`
    /// (at least `values.count` elements).
    public func apply(
        _ values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        precondition(derivatives.count >= values.count, "ScaledActivation: buffer too small")
        for i in values.indices {
            let (v, d) = valueAndDerivative(values[i])
            values[i] = v
            derivatives[i] = d
        }
    }
}

/// The activation functions MACE uses.
public enum ActivationFunction: String, Sendable, Equatable, CaseIterable {
    /// `torch.nn.functional.silu`: radial MLPs, non-linear readout, gated blocks.
    case silu
    /// `torch.nn.functional.sigmoid`: gates of `GatedEquivariantBlock`.
    case sigmoid
    /// `torch.tanh`: odd scalars (`nonlinearities[-1]`) and edge densities.
    case tanh

    /// e3nn's `normalize2mom` constant for this function (see the type's documentation).
    public var e3nnScale: Double {
        switch self {
        case .silu: 1.6791767923989418
        case .sigmoid: 1.8467055342154763
        case .tanh: 1.5937334472592695
        }
    }
}
