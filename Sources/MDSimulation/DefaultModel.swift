import Foundation

/// Finds MaceMD's bundled default model (the trained water model, models/water/water.safetensors).
///
/// Looked up, in order: the file named by the environment variable `MACEMD_DEFAULT_MODEL`;
/// `models/water/water.safetensors` above the executable (the `.build/<config>/macemd`
/// layout of a source checkout); `../share/macemd/models/water/water.safetensors` next to an
/// installed executable; and the current directory's `models/` folder.
public enum DefaultModel {
    /// The relative path of the default model inside a MaceMD checkout.
    public static let relativePath = "models/water/water.safetensors"

    /// The candidate locations, in search order.
    public static func candidates(executable: URL = URL(fileURLWithPath: CommandLine.arguments[0])) -> [URL] {
        var result: [URL] = []
        if let env = ProcessInfo.processInfo.environment["MACEMD_DEFAULT_MODEL"], !env.isEmpty {
            result.append(URL(fileURLWithPath: env))
        }
        let bin = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        var dir = bin
        for _ in 0..<4 {   // .build/x86_64-unknown-linux-gnu/release/macemd → checkout root
            dir = dir.deletingLastPathComponent()
            result.append(dir.appendingPathComponent(relativePath))
        }
        result.append(bin.deletingLastPathComponent().appendingPathComponent("share/macemd/" + relativePath))
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relativePath))
        return result
    }

    /// The first existing candidate; throws naming the places searched.
    public static func locate() throws -> URL {
        let all = candidates()
        if let found = all.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) { return found }
        throw DefaultModelError(searched: all.map(\.path))
    }
}

/// The default model was not found.
public struct DefaultModelError: Error, CustomStringConvertible {
    public let searched: [String]
    public var description: String {
        "no `model:` given and the default model was not found (searched \(searched.joined(separator: ", "))); "
            + "name a model in the run file or set MACEMD_DEFAULT_MODEL"
    }
}
