import Foundation

/// Status codes returned by every `macemd_*` function (see `include/macemd.h`).
enum CStatus {
    /// Success.
    static let ok: Int32 = 0
    /// Failure; the error buffer, when given, holds a one-line message.
    static let error: Int32 = 1
}

/// An error raised by the C layer itself (a NULL pointer, a negative count, an unknown
/// precision name); its description is the message handed to the host.
struct CAPIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Copies `message` into the host's buffer `buffer[0..<size]`, truncated and always
/// NUL-terminated; does nothing when the buffer is NULL or empty.
func writeMessage(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
    guard let buffer, size > 0 else { return }
    let bytes = Array(message.utf8.prefix(size - 1))
    for (k, b) in bytes.enumerated() { buffer[k] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// Runs `body`, turning any thrown Swift error into status ``CStatus/error`` with its
/// description in the error buffer: no Swift error crosses the C boundary.
func withStatus(error buffer: UnsafeMutablePointer<CChar>?, size: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        writeMessage("", to: buffer, size: size)
        return CStatus.ok
    } catch {
        writeMessage(String(describing: error), to: buffer, size: size)
        return CStatus.error
    }
}

/// A required input pointer, or an error naming the argument.
func required<T>(_ pointer: T?, _ name: String) throws -> T {
    guard let pointer else { throw CAPIError("\(name) is NULL") }
    return pointer
}

/// A count from the host, checked to be ≥ 0 (≥ 1 when `positive`).
func count(_ value: Int64, _ name: String, positive: Bool = false) throws -> Int {
    guard value >= (positive ? 1 : 0), value <= Int64(Int32.max) * 64 else {
        throw CAPIError("\(name) = \(value) is out of range")
    }
    return Int(value)
}

/// `n` 3-vectors read from a flat row-major array of 3n doubles.
func readVectors(_ flat: UnsafePointer<Double>, _ n: Int) -> [SIMD3<Double>] {
    (0..<n).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
}

/// Writes `vectors` into a flat row-major array of 3n doubles.
func writeVectors(_ vectors: [SIMD3<Double>], to flat: UnsafeMutablePointer<Double>) {
    for (i, v) in vectors.enumerated() {
        flat[3 * i] = v.x; flat[3 * i + 1] = v.y; flat[3 * i + 2] = v.z
    }
}
