import Foundation
import Testing
import TestSupport
@testable import MACEConversion

@Suite struct ModelConversionTests {
    @Test func embeddedScriptsMatchScriptsFolder() throws {
        let folder = TestFiles.repositoryRoot.appendingPathComponent("scripts/conversion")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0 == "macemd_format.py" || $0.hasSuffix("_convert.py") || $0.contains("_convert_") }
        #expect(Set(ModelConverter.scripts.keys) == Set(onDisk), "run python -m scripts.conversion.embed_converter")
        for name in onDisk {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(ModelConverter.scripts[name] == text, "\(name): run python -m scripts.conversion.embed_converter")
        }
    }

    @Test func everySourceWithAnEmbeddedScriptNamesIt() {
        #expect(ModelConverter.scripts[ModelSource.maceTorch.converterScript] != nil)
    }

    @Test func missingInputIsAnError() {
        let converter = ModelConverter(python: "python3")
        #expect(throws: ModelConversionError.missingInput("/nonexistent/x.model")) {
            try converter.convert(input: URL(fileURLWithPath: "/nonexistent/x.model"),
                                  output: URL(fileURLWithPath: "/tmp/x.safetensors"))
        }
    }

    @Test func missingPythonIsAnError() throws {
        let input = ModelSourceTests.fixture("mace_torch.model")
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("out.safetensors")
        let converter = ModelConverter(python: "/nonexistent/python3")
        #expect(throws: ModelConversionError.pythonNotFound("/nonexistent/python3")) {
            try converter.convert(input: input, output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func unrecognisedSourceWritesNothing() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("out.safetensors")
        #expect(throws: ModelConversionError.self) {
            try ModelConverter().convert(input: ModelSourceTests.fixture("not_a_model.txt"), output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
