import Foundation
import Testing
import TestSupport
@testable import MACEConversion

/// The committed metatrain sources (Resources/metatrain, scripts/fixtures/make_metatrain_fixtures.py).
@Suite struct MetatrainSourceTests {
    static let attention = MetatrainFixture.directory.appendingPathComponent("attention.ckpt")

    /// A real `mtt train` checkpoint is recognised as metatrain by its content.
    @Test func realCheckpointIsRecognised() throws {
        #expect(try ModelSource.detect(Self.attention) == .metatrain)
    }

    @Test func converterScriptsAreEmbedded() {
        #expect(ModelConverter.scripts[ModelSource.metatrain.converterScript] != nil)
        #expect(ModelConverter.scripts["metatrain_convert_heads.py"] != nil)
    }
}

/// `macemd convert` on metatrain checkpoints through the embedded converter; needs a Python with
/// metatrain[mace], so it runs only when MACEMD_METATRAIN_PYTHON names one
/// (e.g. MACEMD_METATRAIN_PYTHON=~/metatrain-venv/bin/python swift test --filter Metatrain).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MACEMD_METATRAIN_PYTHON"] != nil))
struct MetatrainConversionTests {
    static var python: String { ProcessInfo.processInfo.environment["MACEMD_METATRAIN_PYTHON"] ?? "python3" }

    /// The attention interaction block is refused with a message naming it, and nothing is written.
    @Test func attentionBlockIsRefusedAndNothingWritten() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("out.safetensors")
        do {
            try ModelConverter(python: Self.python).convert(input: MetatrainSourceTests.attention, output: output)
            Issue.record("the attention block was converted")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("interaction: RealAgnosticAttResidualInteractionBlock"), "\(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    /// An interpreter without metatrain gets the pip command (the converter exits 3).
    @Test func missingMetatrainNamesThePipCommand() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("out.safetensors")
        do {
            try ModelConverter(python: "/usr/bin/python3").convert(input: MetatrainSourceTests.attention, output: output)
            Issue.record("converted without metatrain")
        } catch let error as ModelConversionError {
            guard case .frameworkMissing(.metatrain, _, let message) = error else {
                Issue.record("expected frameworkMissing, got \(error)")
                return
            }
            #expect(message.contains("pip install \"metatrain[mace]\""), "\(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
