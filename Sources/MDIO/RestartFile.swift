import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem reading or writing a restart file, as one line: `out/restart.json: …`.
public struct RestartFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// Restart files: any `Codable` payload (positions, velocities, cell, step, time, integrator,
/// thermostat and RNG state …) stored as JSON inside a small envelope
/// `{"format": "macemd-restart", "version": 1, "payload": …}`.
///
/// Doubles are written in their shortest round-trip form, so a restart reproduces every bit;
/// NaN and ±infinity are written as the strings "nan", "inf", "-inf". Writing is atomic:
/// the JSON goes to a temporary file in the same directory, which is flushed to disk (`fsync`)
/// and renamed over the old file, so a crash leaves either the old or the new restart, never a
/// torn one.
public enum RestartFile {
    /// The envelope's format tag.
    public static let format = "macemd-restart"
    /// The envelope version this code writes and reads.
    public static let version = 1

    struct Envelope<Payload: Codable>: Codable {
        var format: String
        var version: Int
        var payload: Payload
    }

    struct Header: Decodable {
        var format: String?
        var version: Int?
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Atomically writes `payload` to `path` (replacing an existing restart file).
    public static func write<Payload: Codable>(_ payload: Payload, to path: String) throws {
        let data: Data
        do {
            data = try encoder().encode(Envelope(format: format, version: version, payload: payload))
        } catch {
            throw RestartFileError(path: path, message: "cannot encode the restart state (\(error))")
        }
        try AtomicFile.write(data + Data("\n".utf8), to: path)
    }

    /// Reads a payload written by `write(_:to:)`; errors say what is wrong and where.
    public static func read<Payload: Codable>(_ type: Payload.Type, from path: String) throws -> Payload {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RestartFileError(path: path, message: "cannot read the restart file (\(OutputDirectory.reason(error)))")
        }
        let header: Header
        do {
            header = try decoder().decode(Header.self, from: data)
        } catch {
            throw RestartFileError(path: path, message: "not a MaceMD restart file (not valid JSON: \(describe(error)))")
        }
        guard header.format == format else {
            throw RestartFileError(path: path, message: "not a MaceMD restart file (no \"format\": \"\(format)\")")
        }
        guard header.version == version else {
            throw RestartFileError(path: path, message: "restart file version \(header.version.map(String.init) ?? "?") is not supported (this MaceMD reads version \(version))")
        }
        do {
            return try decoder().decode(Envelope<Payload>.self, from: data).payload
        } catch {
            throw RestartFileError(path: path, message: "restart file does not match this run: \(describe(error))")
        }
    }

    /// A one-line account of a decoding error: the key path and the problem.
    static func describe(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "top level" : String(keys.drop(while: { $0 == "." }))
        }
        guard let e = error as? DecodingError else {
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c)): missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let c): return "\(path(c)): expected \(type): \(c.debugDescription)"
        case .valueNotFound(let type, let c): return "\(path(c)): missing \(type) value"
        case .dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(path(c)): \(underlying ?? c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// Atomic replacement of a file's contents: temporary file in the same directory, `fsync`,
/// `rename`, then `fsync` of the directory so the rename itself is durable.
public enum AtomicFile {
    /// Writes `data` to `path` atomically; on failure the old file (if any) is untouched.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array((directory + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw RestartFileError(path: path, message: "cannot create a temporary file in \(directory) (\(String(cString: strerror(errno))))")
        }
        let temporary = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ what: String) -> RestartFileError {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return RestartFileError(path: path, message: "\(what) failed (\(reason))")
        }
        var written = 0
        let ok: Bool = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        guard ok else { _ = systemClose(fd); throw fail("write") }
        guard fsync(fd) == 0 else { _ = systemClose(fd); throw fail("fsync") }
        guard systemClose(fd) == 0 else { throw fail("close") }
        fchmodCompatible(temporary)
        guard rename(temporary, path) == 0 else { throw fail("rename") }
        let dfd = open(directory, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); _ = systemClose(dfd) }
    }

    /// mkstemp creates 0600 files; restart files get the usual 0644.
    private static func fchmodCompatible(_ path: String) { _ = chmod(path, 0o644) }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}
