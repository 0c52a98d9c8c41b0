import Foundation

/// Converts a mace-torch `.model` file into MaceMD's safetensors model file by running the
/// embedded converter script (``script``, a copy of scripts/conversion/mace_convert.py) with a Python
/// interpreter that has mace-torch installed.
public struct ModelConverter: Sendable {
    /// The Python interpreter: a path, or a name looked up on PATH (default "python3").
    public var python: String
    /// Cores PyTorch may use (`OMP_NUM_THREADS` of the converter; nil: PyTorch's default).
    public var threads: Int?

    public init(python: String = "python3", threads: Int? = nil) {
        self.python = python
        self.threads = threads
    }

    /// Converts `input` (a pickled mace-torch model) to `output` (safetensors).
    /// - Parameter head: the head to select in a multi-head model (nil: the default head).
    /// - Throws: ``ModelConversionError`` with the converter's own one-line message.
    public func convert(input: URL, output: URL, head: String? = nil) throws {
        guard FileManager.default.isReadableFile(atPath: input.path) else {
            throw ModelConversionError.missingInput(input.path)
        }
        let scriptURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("macemd_convert_\(ProcessInfo.processInfo.processIdentifier).py")
        try Data(ModelConverter.script.utf8).write(to: scriptURL)
        defer { try? FileManager.default.removeItem(at: scriptURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [python, scriptURL.path, input.path, output.path]
        if let head { arguments += ["--head", head] }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
        if let threads { environment["OMP_NUM_THREADS"] = String(threads) }
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        do { try process.run() } catch {
            throw ModelConversionError.pythonNotFound(python)
        }
        let errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let message = errorText.split(separator: "\n").last.map(String.init) ?? ""
        switch process.terminationStatus {
        case 0: return
        case 3: throw ModelConversionError.maceTorchMissing(python: python, message: message)
        case 127: throw ModelConversionError.pythonNotFound(python)
        default: throw ModelConversionError.failed(status: process.terminationStatus, message: message)
        }
    }
}

/// Why a model conversion failed.
public enum ModelConversionError: Error, Equatable, CustomStringConvertible {
    case missingInput(String)
    case pythonNotFound(String)
    case maceTorchMissing(python: String, message: String)
    case failed(status: Int32, message: String)

    public var description: String {
        switch self {
        case .missingInput(let p): return "\(p): no such model file (or not readable)"
        case .pythonNotFound(let p): return "cannot run Python interpreter '\(p)'; give one with --python PATH"
        case .maceTorchMissing(let python, let message):
            return message.isEmpty ? "mace-torch is not installed for \(python): pip install mace-torch" : message
        case .failed(let status, let message):
            return message.isEmpty ? "the converter failed with exit status \(status)" : message
        }
    }
}
