/// An invalid parameter of a MACE basis stage (radial basis, cutoff, transform, harmonics),
/// typically read from a model file.
public struct BasisError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One line naming the stage, the parameter and the problem.
    public let description: String

    /// Makes an error with a one-line description, e.g.
    /// `"BesselBasis: bessel_weights is empty"`.
    public init(_ description: String) {
        self.description = description
    }
}
