import Foundation

/// Finds MaceMD's bundled default model (the trained water model, models/water/water.safetensors)
/// when a run file names no `model:`.
///
/// Looked up, in order (the first readable file wins):
/// 1. the file named by the environment variable `MACEMD_DEFAULT_MODEL`;
/// 2. next to the executable: `water.safetensors` or `models/water/water.safetensors` in the
///    executable's directory (a binary copied to a cluster together with its model);
/// 3. `models/water/water.safetensors` in a directory above the executable (the
///    `.build/<config>/macemd` layout of a source checkout);
/// 4. `../share/macemd/models/water/water.safetensors` from the executable's directory (an
///    installed `PREFIX/bin/macemd`);
/// 5. the current directory's `models/water/water.safetensors`.
public enum DefaultModel {
    /// The relative path of the default model inside a MaceMD checkout.
    public static let relativePath = "models/water/water.safetensors"
    /// The environment variable that names the default model file.
    public static let environmentVariable = "MACEMD_DEFAULT_MODEL"

    /// The candidate locations, in search order, without repeats.
    /// - Parameters:
    ///   - executable: the running binary (symbolic links are followed).
    ///   - environment: the process environment (for `MACEMD_DEFAULT_MODEL`).
    ///   - currentDirectory: the working directory.
    public static func candidates(executable: URL = executableURL(),
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> [URL] {
        var result: [URL] = []
        if let env = environment[environmentVariable], !env.isEmpty {
            result.append(URL(fileURLWithPath: env))
        }
        let bin = executable.resolvingSymlinksInPath().deletingLastPathComponent().standardizedFileURL
        result.append(bin.appendingPathComponent("water.safetensors"))
        result.append(bin.appendingPathComponent(relativePath))
        var dir = bin
        for _ in 0..<4 where dir.path != "/" {   // .build/x86_64-unknown-linux-gnu/release/macemd → checkout root
            dir = dir.deletingLastPathComponent().standardizedFileURL
            result.append(dir.appendingPathComponent(relativePath))
        }
        result.append(bin.deletingLastPathComponent().appendingPathComponent("share/macemd/" + relativePath))
        result.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent(relativePath))
        var seen = Set<String>()
        return result.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    /// The running executable: /proc/self/exe where there is one, else argv[0].
    public static func executableURL() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// The first readable candidate; throws naming the places searched.
    public static func locate(candidates all: [URL] = candidates()) throws -> URL {
        if let found = all.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) { return found }
        throw DefaultModelError(searched: all.map(\.path))
    }
}

/// The default model was not found.
public struct DefaultModelError: Error, CustomStringConvertible {
    /// The paths searched, in order.
    public let searched: [String]
    public var description: String {
        "no `model:` given and the default model was not found; searched: \(searched.joined(separator: ", ")). "
            + "Name a model in the run file, set \(DefaultModel.environmentVariable)=FILE, or copy "
            + "water.safetensors next to the macemd binary"
    }
}
