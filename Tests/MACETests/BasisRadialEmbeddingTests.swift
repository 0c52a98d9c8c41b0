import Foundation
import Testing

@testable import MACE

/// mace-torch `RadialEmbeddingBlock` outputs for one edge per (r, Z_sender, Z_receiver).
private struct EmbeddingFixture: Decodable {
    struct Case: Decodable {
        let radial_type: String
        let distance_transform: String
        let p: Int
        let features: [[Double]]
        let weights: [[Double]]
        let gradients: [Double]
    }
    let r_max: Double
    let lengths: [Double]
    let edges: [[Int]]
    let embeddings: [Case]

    static func load() throws -> EmbeddingFixture {
        let fixture = try basisFixture("radial.json", as: EmbeddingFixture.self)
        try #require(fixture.edges.count == fixture.lengths.count && fixture.lengths.count >= 10)
        try #require(fixture.embeddings.count == 4)
        for c in fixture.embeddings {
            try #require(c.features.count == fixture.lengths.count && c.gradients.count == fixture.lengths.count)
        }
        return fixture
    }

    /// The embedding mace builds for a case (default, untrained parameters).
    func embedding<T: MACEFloat>(_ c: Case, _: T.Type) throws -> RadialEmbedding<T> {
        let count = c.features[0].count
        let basis: RadialBasis<T> = switch c.radial_type {
        case "bessel": .bessel(try BesselBasis(count: count, cutoff: T(r_max)))
        default: .gaussian(try GaussianBasis(count: count, cutoff: T(r_max)))
        }
        let transform: DistanceTransform<T>? = switch c.distance_transform {
        case "Agnesi": .agnesi(AgnesiTransform())
        case "Soft": .soft(SoftTransform())
        default: nil
        }
        return RadialEmbedding(
            basis: basis, cutoff: try PolynomialCutoff(cutoff: T(r_max), power: c.p), transform: transform)
    }
}

private func features<T: MACEFloat>(_ e: RadialEmbedding<T>, _ r: T, _ z1: Int, _ z2: Int) -> [T] {
    basisWithBuffer(e.count, of: T.self) { buffer in
        e.evaluate(r, z1, z2, into: buffer)
        return Array(buffer)
    }
}

private func fusedFeatures<T: MACEFloat>(_ e: RadialEmbedding<T>, _ r: T, _ z1: Int, _ z2: Int)
    -> (values: [T], derivatives: [T])
{
    var values = [T](repeating: 0, count: e.count), derivatives = values
    values.withUnsafeMutableBufferPointer { v in
        derivatives.withUnsafeMutableBufferPointer { d in e.evaluate(r, z1, z2, features: v, derivatives: d) }
    }
    return (values, derivatives)
}

@Suite("Radial embedding")
struct BasisRadialEmbeddingTests {
    @Test func featuresAndBackwardMatchMace() throws {
        let fixture = try EmbeddingFixture.load()
        for c in fixture.embeddings {
            let embedding = try fixture.embedding(c, Double.self)
            let single = try fixture.embedding(c, Float.self)
            let label = "\(c.radial_type)/\(c.distance_transform)"
            let gradientScale = basisMagnitude(c.gradients)
            for (i, r) in fixture.lengths.enumerated() {
                let (z1, z2) = (fixture.edges[i][0], fixture.edges[i][1])
                let reference = c.features[i], scale = basisMagnitude(c.features.flatMap { $0 })
                #expect(basisMaxRelativeError(features(embedding, r, z1, z2), reference, scale: scale) < 1e-12,
                        "\(label) r = \(r)")
                #expect(basisMaxRelativeError(features(single, Float(r), z1, z2), reference, scale: scale) < 1e-5,
                        "\(label) r = \(r) (Float)")
                let g = c.weights[i].withUnsafeBufferPointer { embedding.backward(r, z1, z2, gradient: $0) }
                #expect(abs(g - c.gradients[i]) <= 1e-12 * (abs(c.gradients[i]) + gradientScale), "\(label) r = \(r)")
                let g32 = c.weights[i].map { Float($0) }.withUnsafeBufferPointer {
                    single.backward(Float(r), z1, z2, gradient: $0)
                }
                #expect(abs(Double(g32) - c.gradients[i]) <= 1e-5 * (abs(c.gradients[i]) + gradientScale),
                        "\(label) r = \(r) (Float)")
            }
        }
    }

    @Test func fusedDerivativesMatchFiniteDifferencesAndBackward() throws {
        let fixture = try EmbeddingFixture.load()
        for c in fixture.embeddings {
            let embedding = try fixture.embedding(c, Double.self)
            let fused = fixture.lengths.enumerated().map { i, r in
                fusedFeatures(embedding, r, fixture.edges[i][0], fixture.edges[i][1])
            }
            // Near r_max the derivatives vanish; errors are measured against the largest one.
            let scale = basisMagnitude(fused.flatMap(\.derivatives))
            for (i, r) in fixture.lengths.enumerated() {
                let (z1, z2) = (fixture.edges[i][0], fixture.edges[i][1])
                let (values, derivatives) = fused[i]
                #expect(values == features(embedding, r, z1, z2))
                for k in 0..<embedding.count {
                    let numeric = basisFiniteDifference(at: r, step: 1e-4) { features(embedding, $0, z1, z2)[k] }
                    #expect(abs(numeric - derivatives[k]) <= 1e-7 * scale, "\(c.distance_transform) r = \(r) k = \(k)")
                }
                let w = c.weights[i]
                let backward = w.withUnsafeBufferPointer { embedding.backward(r, z1, z2, gradient: $0) }
                let contracted = zip(w, derivatives).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(backward - contracted) <= 1e-13 * scale * Double(w.count))
            }
        }
    }

    @Test func withoutCutoffFeaturesAreTheBareBasis() throws {
        let fixture = try EmbeddingFixture.load()
        let basis = RadialBasis.bessel(try BesselBasis<Double>(count: 8, cutoff: fixture.r_max))
        let cutoff = try PolynomialCutoff<Double>(cutoff: fixture.r_max, power: 5)
        let withCutoff = RadialEmbedding(basis: basis, cutoff: cutoff)
        let bare = RadialEmbedding(basis: basis, cutoff: cutoff, appliesCutoff: false)
        for r in fixture.lengths {
            let f = cutoff.value(r)
            let expected = features(bare, r, 1, 1).map { $0 * f }
            #expect(basisMaxRelativeError(features(withCutoff, r, 1, 1), expected, scale: 1e-12) < 1e-15)
            let numeric = basisFiniteDifference(at: r, step: 1e-4) { features(bare, $0, 1, 1)[3] }
            let w = [0.0, 0, 0, 1, 0, 0, 0, 0]
            let analytic = w.withUnsafeBufferPointer { bare.backward(r, 1, 1, gradient: $0) }
            #expect(abs(numeric - analytic) <= 1e-7 * (abs(analytic) + 1e-3), "r = \(r)")
        }
    }
}
