#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting of one number into a string, without Foundation's `String(format:)`.
enum NumberFormatting {
    /// `x` formatted with the C format `format` (one `%…f`, `%…e`, `%…g` conversion).
    static func format(_ x: Double, _ format: String) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress, 64, format, $0) }
            guard n >= 0 else { return "\(x)" }
            if n < 64 { return String(cString: buffer.baseAddress!) }
            return "\(x)"
        }
    }

    /// `x` formatted with the C format `format` (one `%…d` conversion of a 64-bit integer: `%…ld`).
    static func format(_ x: Int, _ format: String) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress, 64, format, $0) }
            guard n >= 0, n < 64 else { return "\(x)" }
            return String(cString: buffer.baseAddress!)
        }
    }
}

/// A growing UTF-8 byte buffer for building large text blocks (a trajectory frame) without
/// creating a Swift `String` per number.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity n: Int = 0) { bytes.reserveCapacity(n) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends `x` formatted by the C format `format` (NUL-terminated, one conversion that
    /// matches the type: `%…f`/`%…e` for Double, `%…ld` for Int).
    mutating func append<Number: CVarArg & CustomStringConvertible>(_ x: Number, format: [CChar]) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { scratch in
            let n = format.withUnsafeBufferPointer { f in withVaList([x]) { vsnprintf(scratch.baseAddress, 64, f.baseAddress, $0) } }
            if n >= 0, n < 64 {
                scratch.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: Int(n)) {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(n)))
                }
            } else {
                append(x.description)
            }
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
