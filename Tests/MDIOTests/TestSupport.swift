import Foundation

/// Fixture and scratch-file helpers for MDIOTests (fixtures are found relative to this file, so
/// the test target needs no resources entry).
enum TestFiles {
    /// `Tests/MDIOTests/Resources`.
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

    /// A fresh empty directory under the system temporary directory.
    static func scratchDirectory(_ label: String = #function) throws -> URL {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mdio-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new file `name` in a scratch directory and returns its path.
    static func write(_ text: String, name: String = "input.xyz", label: String = #function) throws -> String {
        let url = try scratchDirectory(label).appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
