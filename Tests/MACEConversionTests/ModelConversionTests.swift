import Foundation
import Testing
import TestSupport
@testable import MACEConversion

@Suite struct ModelConversionTests {
    @Test func embeddedScriptMatchesScriptsFolder() throws {
        let onDisk = try String(contentsOf: TestFiles.repositoryRoot.appendingPathComponent("scripts/conversion/mace_convert.py"),
                                encoding: .utf8)
        #expect(ModelConverter.script == onDisk, "run python -m scripts.conversion.embed_converter")
    }

    @Test func missingInputIsAnError() {
        let converter = ModelConverter(python: "python3")
        #expect(throws: ModelConversionError.missingInput("/nonexistent/x.model")) {
            try converter.convert(input: URL(fileURLWithPath: "/nonexistent/x.model"),
                                  output: URL(fileURLWithPath: "/tmp/x.safetensors"))
        }
    }

    @Test func missingPythonIsAnError() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let input = URL(fileURLWithPath: try dir.write("x", to: "dummy.model"))
        let converter = ModelConverter(python: "/nonexistent/python3")
        #expect(throws: ModelConversionError.pythonNotFound("/nonexistent/python3")) {
            try converter.convert(input: input, output: input.appendingPathExtension("out"))
        }
    }
}
