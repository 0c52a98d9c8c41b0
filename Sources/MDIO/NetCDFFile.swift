import CNetCDF
import Foundation

/// A NetCDF-C call that failed: `traj.nc: nc_def_var(coordinates): NetCDF: String match to name in use`.
public struct NetCDFError: Error, Equatable, CustomStringConvertible {
    /// The file path as given.
    public let file: String
    /// The NetCDF-C call and its object, e.g. `nc_put_vara_float(coordinates)`.
    public let operation: String
    /// The NetCDF-C status code (negative), or 0 for a problem found by MaceMD itself.
    public let status: Int32
    /// `nc_strerror(status)`, or MaceMD's explanation.
    public let message: String

    public var description: String { "\(file): \(operation): \(message)" }
}

/// The one lock around every NetCDF-C call: the library keeps global state and is not thread-safe.
enum NetCDFLock {
    static let lock = NSLock()

    /// Runs `body` holding the lock.
    static func with<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A thin typed layer over an open NetCDF-C dataset (`ncid`): every call takes the global lock
/// and turns a non-zero status into a `NetCDFError` with `nc_strerror`'s text and the file name.
final class NetCDFFile {
    let path: String
    let ncid: Int32
    private var isOpen = true

    private init(path: String, ncid: Int32) {
        self.path = path
        self.ncid = ncid
    }

    deinit { if isOpen { NetCDFLock.with { _ = nc_close(ncid) } } }

    /// Creates a 64-bit-offset (CDF-2) file; `overwrite: false` fails when the file exists.
    static func create(path: String, overwrite: Bool) throws -> NetCDFFile {
        var id: Int32 = -1
        let mode = Int32(NC_64BIT_OFFSET) | (overwrite ? Int32(NC_CLOBBER) : Int32(NC_NOCLOBBER))
        try call(path, "nc_create") { nc_create(path, mode, &id) }
        let file = NetCDFFile(path: path, ncid: id)
        var old: Int32 = 0
        try file.check("nc_set_fill") { nc_set_fill(id, NC_NOFILL, &old) }
        return file
    }

    /// Opens an existing file, for writing when `writable`.
    static func open(path: String, writable: Bool) throws -> NetCDFFile {
        var id: Int32 = -1
        try call(path, "nc_open") { nc_open(path, writable ? Int32(NC_WRITE) : 0, &id) }
        let file = NetCDFFile(path: path, ncid: id)
        if writable {
            var old: Int32 = 0
            try file.check("nc_set_fill") { nc_set_fill(id, NC_NOFILL, &old) }
        }
        return file
    }

    static func call(_ path: String, _ operation: String, _ body: () -> Int32) throws {
        let status = NetCDFLock.with(body)
        guard status == NC_NOERR else {
            throw NetCDFError(file: path, operation: operation, status: status,
                              message: String(cString: nc_strerror(status)))
        }
    }

    func check(_ operation: String, _ body: () -> Int32) throws { try Self.call(path, operation, body) }

    func failure(_ operation: String, _ message: String) -> NetCDFError {
        NetCDFError(file: path, operation: operation, status: 0, message: message)
    }

    // MARK: Define mode

    func defineDimension(_ name: String, length: Int) throws -> Int32 {
        var id: Int32 = -1
        try check("nc_def_dim(\(name))") { nc_def_dim(ncid, name, length, &id) }
        return id
    }

    func defineVariable(_ name: String, type: nc_type, dimensions: [Int32]) throws -> Int32 {
        var id: Int32 = -1
        try check("nc_def_var(\(name))") { nc_def_var(ncid, name, type, Int32(dimensions.count), dimensions, &id) }
        return id
    }

    /// A text attribute of variable `variable` (NC_GLOBAL for the file).
    func putAttribute(_ name: String, _ value: String, variable: Int32 = NC_GLOBAL) throws {
        let bytes = Array(value.utf8)
        try check("nc_put_att_text(\(name))") { nc_put_att_text(ncid, variable, name, bytes.count, bytes.map { CChar(bitPattern: $0) }) }
    }

    func putAttribute(_ name: String, _ value: Float, variable: Int32) throws {
        var v = value
        try check("nc_put_att_float(\(name))") { nc_put_att_float(ncid, variable, name, nc_type(NC_FLOAT), 1, &v) }
    }

    func endDefine() throws { try check("nc_enddef") { nc_enddef(ncid) } }

    // MARK: Inquiry

    func dimensionLength(_ name: String) throws -> Int {
        var id: Int32 = -1
        var length = 0
        try check("nc_inq_dimid(\(name))") { nc_inq_dimid(ncid, name, &id) }
        try check("nc_inq_dimlen(\(name))") { nc_inq_dimlen(ncid, id, &length) }
        return length
    }

    /// The variable's id, or nil when the file has no such variable.
    func variableID(_ name: String) throws -> Int32? {
        var id: Int32 = -1
        let status = NetCDFLock.with { nc_inq_varid(ncid, name, &id) }
        if status == NC_ENOTVAR { return nil }
        try check("nc_inq_varid(\(name))") { status }
        return id
    }

    func requireVariable(_ name: String) throws -> Int32 {
        guard let id = try variableID(name) else { throw failure("nc_inq_varid(\(name))", "the file has no variable '\(name)'") }
        return id
    }

    /// A text attribute (NC_GLOBAL for the file), or nil when absent.
    func textAttribute(_ name: String, variable: Int32 = NC_GLOBAL) throws -> String? {
        var length = 0
        let status = NetCDFLock.with { nc_inq_attlen(ncid, variable, name, &length) }
        if status == NC_ENOTATT { return nil }
        try check("nc_inq_attlen(\(name))") { status }
        var buffer = [CChar](repeating: 0, count: length + 1)
        try check("nc_get_att_text(\(name))") { nc_get_att_text(ncid, variable, name, &buffer) }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Data

    func put(_ variable: Int32, _ name: String, start: [Int], count: [Int], floats: [Float]) throws {
        try check("nc_put_vara_float(\(name))") { nc_put_vara_float(ncid, variable, start, count, floats) }
    }

    func put(_ variable: Int32, _ name: String, start: [Int], count: [Int], doubles: [Double]) throws {
        try check("nc_put_vara_double(\(name))") { nc_put_vara_double(ncid, variable, start, count, doubles) }
    }

    func put(_ variable: Int32, _ name: String, start: [Int], count: [Int], ints: [Int32]) throws {
        try check("nc_put_vara_int(\(name))") { nc_put_vara_int(ncid, variable, start, count, ints) }
    }

    func put(_ variable: Int32, _ name: String, start: [Int], count: [Int], text: String) throws {
        let bytes = text.utf8.map { CChar(bitPattern: $0) }
        try check("nc_put_vara_text(\(name))") { nc_put_vara_text(ncid, variable, start, count, bytes) }
    }

    func getFloats(_ variable: Int32, _ name: String, start: [Int], count: [Int]) throws -> [Float] {
        var out = [Float](repeating: 0, count: count.reduce(1, *))
        try check("nc_get_vara_float(\(name))") { nc_get_vara_float(ncid, variable, start, count, &out) }
        return out
    }

    func getDoubles(_ variable: Int32, _ name: String, start: [Int], count: [Int]) throws -> [Double] {
        var out = [Double](repeating: 0, count: count.reduce(1, *))
        try check("nc_get_vara_double(\(name))") { nc_get_vara_double(ncid, variable, start, count, &out) }
        return out
    }

    func getInts(_ variable: Int32, _ name: String, start: [Int], count: [Int]) throws -> [Int32] {
        var out = [Int32](repeating: 0, count: count.reduce(1, *))
        try check("nc_get_vara_int(\(name))") { nc_get_vara_int(ncid, variable, start, count, &out) }
        return out
    }

    /// Writes the header and the records so far to disk (`nc_sync`), so that a killed process
    /// leaves a file with every frame written before the sync.
    func sync() throws { try check("nc_sync") { nc_sync(ncid) } }

    func close() throws {
        guard isOpen else { return }
        isOpen = false
        try check("nc_close") { nc_close(ncid) }
    }
}
