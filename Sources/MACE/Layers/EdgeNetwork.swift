/// The radial network of an interaction block: e3nn's `FullyConnectedNet` or mace's `RadialMLP`.
enum EdgeNetwork<T: MACEScalar>: Sendable {
    case e3nn(FullyConnectedNet<T>)
    case layerNorm(LayerNormMLP<T>)

    init(_ d: JSONNode, tensors: ModelTensors) throws {
        switch try d["type"].string() {
        case "e3nn.nn.FullyConnectedNet": self = .e3nn(try FullyConnectedNet(d, tensors: tensors))
        case "mace.RadialMLP": self = .layerNorm(try LayerNormMLP(d, tensors: tensors))
        case let other: throw MACEError.unsupported("\(d.path): radial network '\(other)'")
        }
    }

    var inputCount: Int { switch self { case .e3nn(let m): m.inputCount; case .layerNorm(let m): m.inputCount } }
    var outputCount: Int { switch self { case .e3nn(let m): m.outputCount; case .layerNorm(let m): m.outputCount } }

    /// Multiplies and adds of the matrix products for one row, forward (the backward pass to
    /// the input costs the same again).
    var flopsPerRow: Double {
        switch self {
        case .e3nn(let m): m.layers.reduce(0) { $0 + 2 * Double($1.inputs * $1.outputs) }
        case .layerNorm(let m): m.layers.reduce(0) { $0 + 2 * Double($1.inputs * $1.outputs) }
        }
    }

    final class Cache {
        let e3nn = FullyConnectedNet<T>.Cache()
        let layerNorm = LayerNormMLP<T>.Cache()
        init() {}
    }

    func forward(_ input: UnsafePointer<T>, rows: Int, into out: UnsafeMutablePointer<T>, cache: Cache, workspace ws: Workspace<T>) {
        switch self {
        case .e3nn(let m): m.forward(input, rows: rows, into: out, cache: cache.e3nn, workspace: ws)
        case .layerNorm(let m): m.forward(input, rows: rows, into: out, cache: cache.layerNorm, workspace: ws)
        }
    }

    func backward(_ dOut: UnsafePointer<T>, rows: Int, cache: Cache, into dInput: UnsafeMutablePointer<T>, workspace ws: Workspace<T>) {
        switch self {
        case .e3nn(let m): m.backward(dOut, rows: rows, cache: cache.e3nn, into: dInput, workspace: ws)
        case .layerNorm(let m): m.backward(dOut, rows: rows, cache: cache.layerNorm, into: dInput, workspace: ws)
        }
    }
}
