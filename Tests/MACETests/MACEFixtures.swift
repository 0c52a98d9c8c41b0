import Foundation
import MDCore
@testable import MACE

/// Fixtures made by scripts/fixtures/make_mace_fixtures.py, read relative to this file. Every kind
/// listed is required: a missing file fails the tests that read it (nothing is skipped).
enum MACEFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

    /// Model kinds in priority order.
    static let kinds = ["mp0_small", "mp0_medium", "hidden_l2", "three_layers_corr2", "gaussian_agnesi_zbl",
                        "multihead", "nonlinear_edge", "density"]

    static func modelURL(_ kind: String) -> URL { directory.appendingPathComponent("\(kind).safetensors") }
    static func referenceURL(_ kind: String) -> URL { directory.appendingPathComponent("\(kind).reference.json") }

    /// Kinds whose model or reference file is missing (empty when the fixtures are complete).
    static var missing: [String] {
        kinds.filter {
            !FileManager.default.fileExists(atPath: modelURL($0).path)
                || !FileManager.default.fileExists(atPath: referenceURL($0).path)
        }
    }

    /// One structure of a reference file with mace-torch float64 results.
    struct Structure: Sendable {
        var name: String
        var system: AtomicSystem
        var energy: Double
        var forces: [SIMD3<Double>]
        /// ASE-sign stress in eV/Å³ (nil unless fully periodic).
        var stress: Matrix3?
    }

    struct Reference: Sendable {
        var head: String?
        var structures: [Structure]
    }

    static func reference(_ kind: String) throws -> Reference {
        let data = try Data(contentsOf: referenceURL(kind))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["structures"] as? [[String: Any]] else {
            throw FixtureError(message: "\(kind).reference.json: no structures")
        }
        func vectors(_ any: Any?) throws -> [SIMD3<Double>] {
            guard let rows = any as? [[Double]] else { throw FixtureError(message: "\(kind): bad vector list") }
            return rows.map { SIMD3($0[0], $0[1], $0[2]) }
        }
        var structures: [Structure] = []
        for s in list {
            let pbcList = (s["pbc"] as? [Bool]) ?? [false, false, false]
            let pbc = Periodicity(pbcList[0], pbcList[1], pbcList[2])
            let cell: Cell
            if let rows = s["cell"] as? [[Double]] {
                cell = Cell(vectors: try Matrix3(rows), pbc: pbc)
            } else {
                cell = .none
            }
            let system = try AtomicSystem(atomicNumbers: s["numbers"] as? [Int] ?? [], positions: try vectors(s["positions"]), cell: cell)
            let stress = (s["stress"] as? [[Double]]).flatMap { try? Matrix3($0) }
            structures.append(Structure(name: s["name"] as? String ?? "?", system: system,
                                        energy: s["energy"] as? Double ?? .nan, forces: try vectors(s["forces"]), stress: stress))
        }
        return Reference(head: root["head"] as? String, structures: structures)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
