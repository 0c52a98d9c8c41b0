import Foundation
import MDCore
import Testing
@testable import MACE

/// The multi-head fixtures of scripts/fixtures/make_head_fixtures.py: two tiny models converted with a
/// chosen head, and mace-torch's energies for every head.
enum HeadFixtures {
    static let directory = MACEFixtures.directory

    struct Model {
        var url: URL
        var heads: [String]
        var convertedHead: String
        /// Energy per frame for each head (eV), from MACECalculator(head=…).
        var energies: [String: [Double]]
    }

    static func frames() throws -> [AtomicSystem] {
        let root = try json()
        guard let list = root["frames"] as? [[String: Any]] else { throw MACEFixtures.FixtureError(message: "heads: no frames") }
        return try list.map { f in
            let rows = f["positions"] as? [[Double]] ?? []
            return try AtomicSystem(atomicNumbers: f["numbers"] as? [Int] ?? [],
                                    positions: rows.map { SIMD3($0[0], $0[1], $0[2]) },
                                    cell: Cell(vectors: try Matrix3(f["cell"] as? [[Double]] ?? []), pbc: .all))
        }
    }

    static func model(_ name: String) throws -> Model {
        guard let m = (try json()["models"] as? [String: Any])?[name] as? [String: Any] else {
            throw MACEFixtures.FixtureError(message: "heads: no model \(name)")
        }
        return Model(url: directory.appendingPathComponent("\(name).safetensors"), heads: m["heads"] as? [String] ?? [],
                     convertedHead: m["converted_head"] as? String ?? "", energies: m["energies"] as? [String: [Double]] ?? [:])
    }

    static func json() throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("heads.reference.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

@Suite struct ModelHeadTests {
    /// Energies of every frame with `potential`, against mace-torch's for `head`.
    func expectEnergies(_ potential: MACEPotential, _ model: HeadFixtures.Model, head: String) throws {
        let reference = try #require(model.energies[head])
        for (system, expected) in zip(try HeadFixtures.frames(), reference) {
            let energy = try potential.evaluate(system, request: .energy).energy
            #expect(abs(energy - expected) <= 1e-10 * abs(expected), "head \(head): \(energy) vs mace-torch \(expected)")
        }
    }

    /// heads ["default", "pt_head"] converted with --head pt_head: pt_head runs, not default.
    @Test func theHeadChosenAtConversionRuns() throws {
        let model = try HeadFixtures.model("heads_ft")
        #expect(model.convertedHead == "pt_head")
        let potential = try MACEPotential(contentsOf: model.url)
        #expect(potential.head == "pt_head")
        try expectEnergies(potential, model, head: "pt_head")
    }

    /// A head asked for at run time overrides the conversion's; each head gives mace-torch's energy.
    @Test(arguments: ["heads_ft", "heads_omat_pbe"])
    func everyHeadCanBeChosen(_ name: String) throws {
        let model = try HeadFixtures.model(name)
        for head in model.heads {
            let potential = try MACEPotential(contentsOf: model.url, head: head)
            #expect(potential.head == head)
            try expectEnergies(potential, model, head: head)
        }
    }

    /// heads ["omat", "pbe"] (none named default) load without a head: the conversion's (pbe).
    @Test func aModelWithoutADefaultHeadLoads() throws {
        let model = try HeadFixtures.model("heads_omat_pbe")
        let potential = try MACEPotential(contentsOf: model.url, precision: .float32)
        #expect(potential.head == "pbe")
    }

    @Test func anUnknownHeadNamesTheHeads() {
        #expect {
            try MACEPotential(contentsOf: HeadFixtures.directory.appendingPathComponent("heads_omat_pbe.safetensors"), head: "PBE")
        } throws: { error in
            let text = "\(error)"
            return text.contains("'PBE'") && text.contains("'omat', 'pbe'") && text.contains("heads_omat_pbe.safetensors")
        }
    }

    @Test func resolutionOrder() throws {
        let heads = ["default", "pt_head"]
        #expect(try ModelHead.resolve(requested: "default", converted: "pt_head", heads: heads) == "default")
        #expect(try ModelHead.resolve(requested: nil, converted: "pt_head", heads: heads) == "pt_head")
        #expect(try ModelHead.resolve(requested: nil, converted: nil, heads: heads) == "default")
        #expect(try ModelHead.resolve(requested: nil, converted: nil, heads: ["only"]) == "only")
        #expect {
            try ModelHead.resolve(requested: nil, converted: nil, heads: ["omat", "pbe"])
        } throws: { "\($0)".contains("--head") && "\($0)".contains("'omat', 'pbe'") }
    }

    /// A mace-torch file (a zip archive from torch.save, or a bare pickle) given as the model is
    /// named as such with the command that converts it.
    @Test(arguments: [[0x50, 0x4B, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0], [0x80, 2, 0x8A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0]] as [[UInt8]])
    func aMaceTorchModelIsNamedWithTheFix(_ bytes: [UInt8]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("my-\(UUID()).model")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try MACEPotential(contentsOf: url)
        } throws: { error in
            let text = "\(error)"
            return text.contains("mace-torch") && text.contains("macemd convert \(url.path)") && !text.contains("header length")
        }
    }

    /// Under a limit of one core every chunk of a parallel loop, nested ones included, runs on
    /// the calling thread.
    @Test func oneThreadMeansTheCallingThread() {
        final class Threads: @unchecked Sendable {
            let lock = NSLock()
            var seen = Set<ObjectIdentifier>()
            func add() { let t = ObjectIdentifier(Thread.current); lock.withLock { _ = seen.insert(t) } }
        }
        let threads = Threads()
        Parallel.$limit.withValue(1) {
            Parallel.forEach(4) { _ in Parallel.forChunks(4000, grain: 1) { _ in threads.add(); usleep(100) } }
        }
        #expect(threads.seen.count == 1)
    }

    /// The thread limit bounds the cores of an evaluation and leaves the result unchanged (to rounding).
    @Test func threadLimit() throws {
        #expect(Parallel.$limit.withValue(1) { Parallel.cores } == 1)
        #expect(Parallel.cores == ProcessInfo.processInfo.activeProcessorCount)
        let model = try HeadFixtures.model("heads_ft")
        let one = try MACEPotential(contentsOf: model.url, threads: 1)
        let all = try MACEPotential(contentsOf: model.url)
        #expect(one.threads == 1 && all.threads == nil)
        let system = try HeadFixtures.frames()[0]
        let a = try one.evaluate(system, request: .energyAndForces), b = try all.evaluate(system, request: .energyAndForces)
        #expect(abs(a.energy - b.energy) <= 1e-12 * abs(b.energy))
    }
}
