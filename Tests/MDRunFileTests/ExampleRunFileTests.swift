import Foundation
import Testing
import TestSupport
@testable import MDRunFile

/// Every example run file in `examples/` is valid under the schema (no key without effect).
@Suite struct ExampleRunFileTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test func everyExampleParses() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
        var count = 0
        for folder in folders {
            let dir = Self.examples.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".yaml") {
                #expect(throws: Never.self) { _ = try RunFile.load(path: dir.appendingPathComponent(name).path, checkFiles: folder != "convert-your-own") }
                count += 1
            }
        }
        #expect(count >= 5)
    }
}
