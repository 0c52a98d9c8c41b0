import Foundation
import MACE
import MDCore

/// What a `macemd_model *` points to: one loaded model. A class so that the C host can hold
/// it by an opaque pointer; one handle is used by one thread at a time (the host's promise),
/// several handles may evaluate in parallel.
final class ModelHandle {
    /// The model, with its thread limit (``MACEPotential/threads``).
    var potential: MACEPotential

    /// Takes `potential` with the default thread count (see ``ThreadDefault``).
    init(potential: MACEPotential) throws {
        self.potential = potential
        self.potential.threads = try ThreadDefault.threads(requested: 0)
    }

    /// The handle behind a host pointer, or an error when it is NULL.
    static func from(_ pointer: OpaquePointer?) throws -> ModelHandle {
        guard let pointer else { throw CAPIError("model handle is NULL") }
        return Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

/// The library version, "MAJOR.MINOR.PATCH" (the `macemd` tool's version).
let macemdVersion = "0.1.0"
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar> = strdup(macemdVersion)!

/// `const char *macemd_version(void)`: a static NUL-terminated string.
@_cdecl("macemd_version")
public func macemd_version() -> UnsafePointer<CChar> {
    UnsafePointer(versionCString)
}

/// `int macemd_load(path, precision, head, &model, error, error_size)`.
@_cdecl("macemd_load")
public func macemd_load(_ path: UnsafePointer<CChar>?, _ precision: UnsafePointer<CChar>?,
                        _ head: UnsafePointer<CChar>?, _ model: UnsafeMutablePointer<OpaquePointer?>?,
                        _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    macemd_load_radial(path, precision, head, nil, model, error, errorSize)
}

/// `int macemd_load_radial(path, precision, head, radial, &model, error, error_size)`:
/// ``macemd_load(_:_:_:_:_:_:)`` with the radial mode, "exact" (NULL or "") or "spline".
@_cdecl("macemd_load_radial")
public func macemd_load_radial(_ path: UnsafePointer<CChar>?, _ precision: UnsafePointer<CChar>?,
                               _ head: UnsafePointer<CChar>?, _ radial: UnsafePointer<CChar>?,
                               _ model: UnsafeMutablePointer<OpaquePointer?>?,
                               _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    model?.pointee = nil
    return withStatus(error: error, size: errorSize) {
        let out = try required(model, "model (output)")
        let file = String(cString: try required(path, "path"))
        let name = precision.map { String(cString: $0) } ?? "float64"
        guard let chosen = Precision(rawValue: name) else {
            throw CAPIError("unknown precision '\(name)' (use float32 or float64)")
        }
        let headName = head.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        let radialName = radial.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "exact"
        guard let radialMode = RadialMode(rawValue: radialName) else {
            throw CAPIError("unknown radial mode '\(radialName)' (use exact or spline)")
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw CAPIError("\(file): no such model file")
        }
        let potential = try MACEPotential(contentsOf: URL(fileURLWithPath: file), precision: chosen, head: headName,
                                          radial: radialMode)
        let handle = try ModelHandle(potential: potential)
        BLASReport.warnIfSlow
        out.pointee = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
    }
}

/// `void macemd_free(macemd_model *)`: releases a model; NULL is ignored.
@_cdecl("macemd_free")
public func macemd_free(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

/// `int macemd_cutoff(model, &r_max)`: r_max in Å.
@_cdecl("macemd_cutoff")
public func macemd_cutoff(_ model: OpaquePointer?, _ cutoff: UnsafeMutablePointer<Double>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        try required(cutoff, "cutoff (output)").pointee = try ModelHandle.from(model).potential.cutoff
    }
}

/// `int macemd_num_interactions(model, &layers)`: message-passing layers of the model.
@_cdecl("macemd_num_interactions")
public func macemd_num_interactions(_ model: OpaquePointer?, _ layers: UnsafeMutablePointer<Int64>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        try required(layers, "layers (output)").pointee =
            Int64(try ModelHandle.from(model).potential.config.interactionClasses.count)
    }
}

/// `int macemd_num_elements(model, &n)`: how many elements the model knows.
@_cdecl("macemd_num_elements")
public func macemd_num_elements(_ model: OpaquePointer?, _ n: UnsafeMutablePointer<Int64>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        try required(n, "n (output)").pointee = Int64(try ModelHandle.from(model).potential.config.atomicNumbers.count)
    }
}

/// `int macemd_elements(model, numbers)`: the model's atomic numbers, in its one-hot order,
/// into `numbers[0 ..< macemd_num_elements]`.
@_cdecl("macemd_elements")
public func macemd_elements(_ model: OpaquePointer?, _ numbers: UnsafeMutablePointer<Int32>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        let out = try required(numbers, "numbers (output)")
        for (k, z) in try ModelHandle.from(model).potential.config.atomicNumbers.enumerated() { out[k] = Int32(z) }
    }
}

/// `int macemd_num_heads(model, &n)`: heads of a multi-head model (1 otherwise).
@_cdecl("macemd_num_heads")
public func macemd_num_heads(_ model: OpaquePointer?, _ n: UnsafeMutablePointer<Int64>?) -> Int32 {
    withStatus(error: nil, size: 0) {
        try required(n, "n (output)").pointee = Int64(try ModelHandle.from(model).potential.config.heads.count)
    }
}

/// `int macemd_head_name(model, index, name, size, error, error_size)`: head `index`, or the
/// evaluated head when `index` is −1, into `name` (fails when it does not fit).
@_cdecl("macemd_head_name")
public func macemd_head_name(_ model: OpaquePointer?, _ index: Int64, _ name: UnsafeMutablePointer<CChar>?,
                             _ size: Int, _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    withStatus(error: error, size: errorSize) {
        let config = try ModelHandle.from(model).potential.config
        let k = index == -1 ? config.headIndex : Int(index)
        guard config.heads.indices.contains(k) else {
            throw CAPIError("head index \(index) is not in 0..<\(config.heads.count) (or -1 for the evaluated head)")
        }
        let head = config.heads[k]
        guard let name else { throw CAPIError("name (output) is NULL") }
        guard head.utf8.count < size else {
            throw CAPIError("head name '\(head)' needs \(head.utf8.count + 1) bytes, the buffer has \(size)")
        }
        writeMessage(head, to: name, size: size)
    }
}
