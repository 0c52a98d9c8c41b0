import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an output file that may already exist is opened. Nothing is truncated unless asked.
public enum OutputMode: String, Sendable, Codable {
    /// Create a new file; an error if the file exists.
    case createNew
    /// Append to the file, creating it when missing (restarts).
    case append
    /// Replace the file's contents (only when the user asked for it, e.g. `--overwrite`).
    case overwrite
}

/// A one-line problem with an output file or directory: `out/traj.xyz: file exists (…)`.
public struct OutputFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// The one overwrite policy of every command: an existing output file is never replaced
/// unless the user passed `--overwrite`.
public enum ExistingOutput {
    /// Throws `PATH: file exists; pass --overwrite to replace it` when `path` exists and
    /// `overwrite` is false.
    public static func check(_ path: String, overwrite: Bool) throws {
        guard !overwrite, FileManager.default.fileExists(atPath: path) else { return }
        throw OutputFileError(path: path, message: "file exists; pass --overwrite to replace it")
    }
}

/// Helpers for output directories.
public enum OutputDirectory {
    /// Creates `path` (and missing parents) when needed and checks that it is a writable directory.
    public static func prepare(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw OutputFileError(path: path, message: "output directory path exists but is not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw OutputFileError(path: path, message: "cannot create output directory (\(Self.reason(error)))")
            }
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw OutputFileError(path: path, message: "output directory is not writable (\(String(cString: strerror(errno))))")
        }
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return String(cString: strerror(u.code.rawValue))
        }
        return (error as NSError).localizedDescription
    }
}

/// A text file opened for writing in an `OutputMode`, written through a stdio buffer.
/// `flush()` pushes the buffer to the operating system; `close()` is also done on deinit.
public final class TextOutputFile {
    /// The path as given.
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    /// Whether the file held data before it was opened (append mode only).
    public let appendedToExisting: Bool

    /// Opens `path` in `mode`. `.createNew` fails when the file exists; `.append` creates it when
    /// missing; `.overwrite` truncates. Errors name the path and the reason.
    public init(path: String, mode: OutputMode) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        var size = 0
        if exists, let attributes = try? FileManager.default.attributesOfItem(atPath: path) {
            size = (attributes[.size] as? Int) ?? 0
        }
        appendedToExisting = mode == .append && size > 0
        let flags: Int32
        switch mode {
        case .createNew: flags = O_WRONLY | O_CREAT | O_EXCL
        case .append: flags = O_WRONLY | O_CREAT | O_APPEND
        case .overwrite: flags = O_WRONLY | O_CREAT | O_TRUNC
        }
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if mode == .createNew, errno == EEXIST {
                throw OutputFileError(path: path, message: "file exists; refusing to overwrite it (choose append or overwrite explicitly)")
            }
            throw OutputFileError(path: path, message: "cannot open for writing (\(reason))")
        }
        guard let f = fdopen(fd, mode == .append ? "a" : "w") else {
            closeDescriptor(fd)
            throw OutputFileError(path: path, message: "cannot open for writing (\(String(cString: strerror(errno))))")
        }
        file = f
    }

    deinit { if let file { fclose(file) } }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws {
        guard let file else { throw OutputFileError(path: path, message: "write after close") }
        let ok = text.utf8.withContiguousStorageIfAvailable { buffer in
            buffer.isEmpty || fwrite(buffer.baseAddress, 1, buffer.count, file) == buffer.count
        } ?? {
            var copy = text
            return copy.withUTF8 { $0.isEmpty || fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
        }()
        guard ok else { throw OutputFileError(path: path, message: "write failed (\(String(cString: strerror(errno))))") }
    }

    /// Writes raw bytes (UTF-8 text).
    public func write(bytes: [UInt8]) throws {
        guard let file else { throw OutputFileError(path: path, message: "write after close") }
        let ok = bytes.withUnsafeBufferPointer { $0.isEmpty || fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
        guard ok else { throw OutputFileError(path: path, message: "write failed (\(String(cString: strerror(errno))))") }
    }

    /// Pushes buffered text to the operating system (survives a killed process, not a power cut).
    public func flush() throws {
        guard let file else { return }
        guard fflush(file) == 0 else {
            throw OutputFileError(path: path, message: "write failed (\(String(cString: strerror(errno))))")
        }
    }

    /// Flushes and closes; later writes are errors.
    public func close() throws {
        guard let f = file else { return }
        file = nil
        guard fclose(f) == 0 else {
            throw OutputFileError(path: path, message: "close failed (\(String(cString: strerror(errno))))")
        }
    }
}

private func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #elseif canImport(Darwin)
    _ = Darwin.close(fd)
    #endif
}
