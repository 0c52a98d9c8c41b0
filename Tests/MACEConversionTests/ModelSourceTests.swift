import Foundation
import Testing
import TestSupport
@testable import MACEConversion

/// Recognition of a model source by its content, on the stand-ins written by
/// scripts/fixtures/make_source_fixtures.py.
@Suite struct ModelSourceTests {
    static func fixture(_ name: String) -> URL {
        TestFiles.repositoryRoot.appendingPathComponent("Tests/MACEConversionTests/Resources/sources/\(name)")
    }

    @Test(arguments: [
        ("mace_torch.model", ModelSource.maceTorch),
        ("legacy_mace.model", .maceTorch),
        ("metatrain.ckpt", .metatrain),
        ("mlip_model.zip", .mlip),
        ("physicsml_model", .physicsml),
    ])
    func recognisesEachFramework(name: String, expected: ModelSource) throws {
        #expect(try ModelSource.detect(Self.fixture(name)) == expected)
    }

    @Test(arguments: [
        ("torchscript.pt", "TorchScript"),
        ("other_torch.pt", "neither a mace-torch model nor a metatrain checkpoint"),
        ("not_a_model.txt", "neither a zip archive nor a pickled torch model"),
        ("empty_directory", "not a physicsml model directory"),
    ])
    func namesWhatItFoundInAnythingElse(name: String, phrase: String) {
        do {
            _ = try ModelSource.detect(Self.fixture(name))
            Issue.record("\(name) was recognised")
        } catch {
            let message = String(describing: error)
            #expect(message.contains(phrase), "\(message)")
            #expect(message.contains(name), "the message names the file: \(message)")
        }
    }

    @Test func zipDirectoryListsMembersAndReadsStoredOnes() throws {
        let zip = try #require(ZipDirectory(contentsOf: Self.fixture("mace_torch.model")))
        #expect(zip.names == ["archive/data.pkl", "archive/version"])
        let version = try #require(zip.members.last)
        #expect(zip.storedBytes(of: version) == Data("3\n".utf8))
        #expect(ZipDirectory(contentsOf: Self.fixture("not_a_model.txt")) == nil)
    }
}
