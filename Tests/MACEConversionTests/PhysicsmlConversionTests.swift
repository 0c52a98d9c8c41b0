import Foundation
import Testing
import TestSupport
@testable import MACEConversion

/// `macemd convert` on physicsml model directories. The conversion itself needs physicsml's
/// Python environment; it runs only when MACEMD_TEST_PHYSICSML_PYTHON names that interpreter
/// (e.g. MACEMD_TEST_PHYSICSML_PYTHON=/work/venvs/physicsml/bin/python swift test).
@Suite struct PhysicsmlConversionTests {
    static let bondFeatures = PhysicsmlParityTests.directory.appendingPathComponent("bond_features")

    @Test func modelDirectoryIsRecognisedAndHasAConverter() throws {
        #expect(try ModelSource.detect(Self.bondFeatures) == .physicsml)
        #expect(ModelConverter.scripts[ModelSource.physicsml.converterScript] != nil)
    }

    /// A model with bond features (num_edge_feats = 4) is refused, naming the option, with exit
    /// status 4 and no output file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MACEMD_TEST_PHYSICSML_PYTHON"] != nil))
    func bondFeaturesAreRefusedAndNothingIsWritten() throws {
        let python = try #require(ProcessInfo.processInfo.environment["MACEMD_TEST_PHYSICSML_PYTHON"])
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("refused.safetensors")
        do {
            _ = try ModelConverter(python: python).convert(input: Self.bondFeatures, output: output)
            Issue.record("a model with bond features converted")
        } catch ModelConversionError.failed(let status, let message) {
            #expect(status == 4)
            #expect(message.contains("bond features"), "\(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
