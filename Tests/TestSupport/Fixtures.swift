import Foundation

/// A parity suite's fixture set is incomplete or unreadable; the message names the directory,
/// what was expected and the script that makes the fixtures.
public struct MissingFixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Fixture files of parity suites. A suite states how many fixtures it expects, so a missing
/// file fails the suite instead of quietly shrinking its list of test cases.
public enum Fixtures {
    /// The sorted names of the files in `directory` that end in `suffix` (and not in
    /// `excludingSuffix`); throws ``MissingFixtureError`` unless there are exactly `expected`.
    /// - Parameter madeBy: the command that regenerates the fixtures, for the error message.
    public static func names(in directory: URL, suffix: String = "", excludingSuffix: String? = nil,
                             expected: Int, madeBy: String) throws -> [String] {
        let all: [String]
        do {
            all = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MissingFixtureError("\(directory.path): cannot list the fixtures (\(error.localizedDescription)); make them with \(madeBy)")
        }
        let names = all.filter { $0.hasSuffix(suffix) && !(excludingSuffix.map($0.hasSuffix) ?? false) }.sorted()
        guard names.count == expected else {
            throw MissingFixtureError("\(directory.path): expected \(expected) *\(suffix) fixtures, found \(names.count) (\(names.joined(separator: ", "))); make them with \(madeBy)")
        }
        return names
    }
}
