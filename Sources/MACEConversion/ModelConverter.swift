import Foundation

/// Converts a trained MACE model of any supported framework (``ModelSource``) into MaceMD's
/// safetensors model file, by running that framework's converter script (embedded in the binary:
/// ``scripts``, copies of scripts/conversion) with a Python interpreter of the framework's own
/// environment.
public struct ModelConverter: Sendable {
    /// The Python interpreter: a path, or a name looked up on PATH (default "python3").
    public var python: String
    /// Cores PyTorch may use (`OMP_NUM_THREADS` of the converter; nil: PyTorch's default).
    public var threads: Int?

    public init(python: String = "python3", threads: Int? = nil) {
        self.python = python
        self.threads = threads
    }

    /// Converts `input` (a model of any ``ModelSource``, recognised by its content) to `output`
    /// (safetensors). Nothing is written when the conversion fails.
    /// - Parameter head: the head to select in a multi-head model (nil: the default head).
    /// - Returns: the framework the source was recognised as, and what the converter reported
    ///   (e.g. the head kept, parts of the source left out).
    /// - Throws: ``ModelConversionError`` with the converter's own one-line message.
    @discardableResult
    public func convert(input: URL, output: URL, head: String? = nil) throws -> ModelConversion {
        let source = try ModelSource.detect(input)
        guard ModelConverter.scripts[source.converterScript] != nil else {
            throw ModelConversionError.unsupportedSource(source)
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("macemd_convert_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in ModelConverter.scripts {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        let scriptURL = directory.appendingPathComponent(source.converterScript)

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
        case 0:
            let lines = errorText.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            return ModelConversion(source: source, messages: lines)
        case 3: throw ModelConversionError.frameworkMissing(source, python: python, message: message)
        case 127: throw ModelConversionError.pythonNotFound(python)
        default: throw ModelConversionError.failed(status: process.terminationStatus, message: message)
        }
    }
}

/// What a successful conversion did.
public struct ModelConversion: Sendable, Equatable {
    /// The framework the source was recognised as.
    public var source: ModelSource
    /// The converter's report, one line each (what was written, what was left out and why).
    public var messages: [String]
}

/// Why a model conversion failed.
public enum ModelConversionError: Error, Equatable, CustomStringConvertible {
    case missingInput(String)
    case pythonNotFound(String)
    case frameworkMissing(ModelSource, python: String, message: String)
    case unrecognisedSource(path: String, reason: String)
    case unsupportedSource(ModelSource)
    case failed(status: Int32, message: String)

    public var description: String {
        switch self {
        case .missingInput(let p): return "\(p): no such model file (or not readable)"
        case .pythonNotFound(let p): return "cannot run Python interpreter '\(p)'; give one with --python PATH"
        case .frameworkMissing(let source, let python, let message):
            return message.isEmpty ? "\(source.rawValue) is not installed for \(python): \(source.installHint)" : message
        case .unrecognisedSource(let path, let reason):
            return "\(path): not a model MaceMD can convert (\(reason)); expected a mace-torch .model, an mlip .zip, "
                + "a physicsml model directory or a metatrain .ckpt"
        case .unsupportedSource(let source):
            return "\(source.rawValue) models are recognised but this build has no converter for them yet"
        case .failed(let status, let message):
            return message.isEmpty ? "the converter failed with exit status \(status)" : message
        }
    }
}
