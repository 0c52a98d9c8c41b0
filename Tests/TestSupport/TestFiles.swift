import Foundation

/// Where test targets find their fixtures and the repository, and where they write scratch files.
public enum TestFiles {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Resources` beside the calling test file, e.g. `Tests/MDIOTests/Resources`: fixtures are
    /// found relative to the source, so a test target needs no resources entry in Package.swift.
    public static func resources(near file: String = #filePath) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Resources")
    }

    /// A fresh empty directory under the system temporary directory (see ``ScratchDirectory``).
    public static func scratchDirectory(_ label: String = #function) throws -> URL {
        try ScratchDirectory(label).url
    }

    /// Writes `text` to a new file `name` in a fresh scratch directory and returns its path.
    public static func write(_ text: String, name: String = "input.xyz", label: String = #function) throws -> String {
        try ScratchDirectory(label).write(text, to: name)
    }
}

/// A fresh empty directory for one test under the system temporary directory, named after the
/// test (`label`, letters and digits only) plus a random suffix; removed by ``cleanup()``.
public struct ScratchDirectory: Sendable {
    public let url: URL

    public init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("macemd-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The UTF-8 text of the file `name` inside the directory.
    public func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// Writes `text` to the file `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Removes the directory and everything in it.
    public func cleanup() { try? FileManager.default.removeItem(at: url) }
}
