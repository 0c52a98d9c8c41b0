extension MACEModel {
    /// This model in the fast radial mode: every layer's radial weights tabulated at knots at
    /// most `spacing` Å apart (``RadialSplineBuilder``). Throws ``MACEError/unsupported(_:)``
    /// when the radial weights depend on more than r.
    func withRadialSplines(spacing: Double = RadialSplineBuilder.defaultSpacing) throws -> MACEModel {
        var copy = self
        copy.layers = try RadialSplineBuilder.attach(to: layers, embedding: radialEmbedding, cutoff: config.cutoff, spacing: spacing)
        copy.radialMode = .spline
        return copy
    }
}
