import Foundation

/// A tensor read from a safetensors file: its shape and its values converted to Double.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first (row-major); [] for a scalar.
    public var shape: [Int]
    /// Values in row-major order, converted to Double.
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }

    /// The number of elements Π shape.
    public var count: Int { values.count }
}

/// A reader for the safetensors format (https://huggingface.co/docs/safetensors):
///
///     [8 bytes: little-endian u64 header length n][n bytes: JSON header][data]
///
/// The header maps tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
/// relative to the start of the data), plus an optional "__metadata__" string→string map.
/// Supported dtypes: F64, F32, I64, I32 (all read as Double).
public struct SafetensorsFile: Sendable {
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// The "__metadata__" entries.
    public var metadata: [String: String]
    /// Where the file came from (for error messages).
    public var source: String

    /// Reads and parses the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafetensorsError(file: url.path, problem: "cannot read file (\(error.localizedDescription))")
        }
        try self.init(data: data, source: url.path)
    }

    /// Parses safetensors bytes; `source` names them in errors.
    public init(data: Data, source: String) throws {
        func fail(_ problem: String) -> SafetensorsError { SafetensorsError(file: source, problem: problem) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for k in 0..<8 { headerLength |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(bytes.count) (truncated or not safetensors)")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        let dataCount = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let m = entry as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw fail("__metadata__ value '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let e = entry as? [String: Any], let dtype = e["dtype"] as? String,
                  let shapeAny = e["shape"] as? [Any], let offsAny = e["data_offsets"] as? [Any],
                  offsAny.count == 2 else { throw fail("tensor '\(name)' has a malformed header entry") }
            let shape = shapeAny.compactMap { ($0 as? NSNumber)?.intValue }
            let offs = offsAny.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeAny.count, shape.allSatisfy({ $0 >= 0 }), offs.count == 2 else {
                throw fail("tensor '\(name)' has a malformed shape or data_offsets")
            }
            let width: Int
            switch dtype {
            case "F64", "I64": width = 8
            case "F32", "I32": width = 4
            default: throw fail("tensor '\(name)' has unsupported dtype \(dtype) (supported: F64, F32, I64, I32)")
            }
            let count = shape.reduce(1, *)
            guard offs[0] >= 0, offs[1] >= offs[0], offs[1] <= dataCount else {
                throw fail("tensor '\(name)' data range \(offs) lies outside the \(dataCount) data bytes (truncated file?)")
            }
            guard offs[1] - offs[0] == count * width else {
                throw fail("tensor '\(name)' has \(offs[1] - offs[0]) bytes, expected \(count * width) for shape \(shape) \(dtype)")
            }
            let start = headerEnd + offs[0]
            var values = [Double](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                for k in 0..<count {
                    let p = start + k * width
                    switch dtype {
                    case "F64": values[k] = Double(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self).littleEndian)
                    case "F32": values[k] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian))
                    case "I64": values[k] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: Int64.self)))
                    default: values[k] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: Int32.self)))
                    }
                }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        self.tensors = tensors
        self.metadata = metadata
        self.source = source
    }

    /// The tensor `name`, or an error naming the file and the tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let t = tensors[name] else { throw SafetensorsError(file: source, problem: "missing tensor '\(name)'") }
        return t
    }

    /// The tensor `name`, checked to hold `count` elements.
    public func tensor(_ name: String, count: Int) throws -> Tensor {
        let t = try tensor(name)
        guard t.count == count else {
            throw SafetensorsError(file: source, problem: "tensor '\(name)' has \(t.count) elements \(t.shape), expected \(count)")
        }
        return t
    }
}

/// A safetensors file could not be read; `description` names the file and the problem.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String
    public var description: String { "\(file): \(problem)" }
}
