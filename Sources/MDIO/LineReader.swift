#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file one line at a time through C stdio (buffered; files of any size).
/// Lines are returned without their `\n` or `\r\n` ending; `lineNumber` is 1-based.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The number of the line last returned (0 before the first).
    private(set) var lineNumber = 0

    /// Opens `path` for reading; nil when it cannot be opened (`errno` says why).
    init?(path: String) {
        guard let f = fopen(path, "r") else { return nil }
        file = f
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line, or nil at the end of the file.
    func next() -> String? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var length = n
        while length > 0, buffer[length - 1] == 10 || buffer[length - 1] == 13 { length -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
