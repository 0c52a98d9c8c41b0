import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on an output directory, so that two runs never write into the same
/// directory at once (also not with `--overwrite`).
///
/// The lock is `flock(2)` on the file `.macemd.lock` in the directory, which holds the
/// process id of its owner. The operating system releases it when the owner closes it or
/// ends in any way (normal exit, error, signal, SIGKILL, crash), so a stale lock file never
/// blocks a later run; the file itself stays. On network file systems `flock` is only as
/// reliable as the server's locking (Linux NFS maps it to POSIX record locks).
public final class OutputDirectoryLock {
    /// The lock file, `<directory>/.macemd.lock`.
    public let path: String
    private var descriptor: Int32

    /// The lock file's name inside a locked directory.
    public static let fileName = ".macemd.lock"

    /// Takes the lock of `directory` (which must exist) without waiting; when another process
    /// holds it, throws an error that names the directory and that process.
    public init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutputFileError(path: path, message: "cannot create the output directory's lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let owner = Self.owner(fd)
            closeLockDescriptor(fd)
            if reason == EWOULDBLOCK {
                let who = owner.map { "process \($0)" } ?? "another process"
                throw OutputFileError(path: directory, message:
                    "another macemd run (\(who)) is writing into this output directory; wait for it to end or choose another directory")
            }
            throw OutputFileError(path: path, message: "cannot lock the output directory (\(String(cString: strerror(reason))))")
        }
        descriptor = fd
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { release() }

    /// Releases the lock (also done on deinit and by the operating system when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        closeLockDescriptor(descriptor)
        descriptor = -1
    }

    /// The process id written by the lock's owner, if readable.
    private static func owner(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

private func closeLockDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #elseif canImport(Darwin)
    _ = Darwin.close(fd)
    #endif
}
