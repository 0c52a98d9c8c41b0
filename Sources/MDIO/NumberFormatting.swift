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
