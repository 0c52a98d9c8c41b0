/// The tensors of a converted model file, looked up by mace-torch name and converted to T.
struct ModelTensors: Sendable {
    let file: SafetensorsFile

    /// The values of tensor `name` (any shape), checked to hold `count` elements when given.
    func values(_ name: String, count: Int? = nil) throws -> [Double] {
        if let count { return try file.tensor(name, count: count).values }
        return try file.tensor(name).values
    }

    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }
}
