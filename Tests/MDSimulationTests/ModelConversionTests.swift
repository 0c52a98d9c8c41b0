import Foundation
import Testing
@testable import MDSimulation

@Suite struct ModelConversionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func embeddedScriptMatchesScriptsFolder() throws {
        let onDisk = try String(contentsOf: Self.root.appendingPathComponent("scripts/mace_convert.py"), encoding: .utf8)
        #expect(ModelConverter.script == onDisk, "run scripts/embed_converter.py")
    }

    @Test func missingInputIsAnError() {
        let converter = ModelConverter(python: "python3")
        #expect(throws: ModelConversionError.missingInput("/nonexistent/x.model")) {
            try converter.convert(input: URL(fileURLWithPath: "/nonexistent/x.model"),
                                  output: URL(fileURLWithPath: "/tmp/x.safetensors"))
        }
    }

    @Test func missingPythonIsAnError() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("dummy-\(UUID()).model")
        try Data("x".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let converter = ModelConverter(python: "/nonexistent/python3")
        #expect(throws: ModelConversionError.pythonNotFound("/nonexistent/python3")) {
            try converter.convert(input: input, output: input.appendingPathExtension("out"))
        }
    }
}
