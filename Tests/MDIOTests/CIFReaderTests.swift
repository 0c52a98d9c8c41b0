import Foundation
import MDCore
import Testing
import TestSupport

@testable import MDIO

/// CIF files against what `ase.io.read` makes of them (fixtures: scripts/fixtures/make_cif_fixtures.py).
@Suite struct CIFReaderTests {
    /// The CIF fixtures; throws unless all 4 are there.
    static func names() throws -> [String] {
        try Fixtures.names(in: TestFiles.resources().appendingPathComponent("cif"), suffix: ".cif", expected: 4,
                           madeBy: "python -m scripts.fixtures.make_cif_fixtures")
    }

    @Test func fixturesArePresent() throws { #expect(try Self.names().count >= 4) }

    /// Same atoms in the same order, positions and cell within 1e-10 Å, including the
    /// expansion by symmetry operations (rock salt from 2 sites and 192 operations, rutile,
    /// a monoclinic cell with a site on an inversion centre).
    @Test(arguments: try names())
    func readsWhatASEReads(_ name: String) throws {
        let dir = TestFiles.resources().appendingPathComponent("cif")
        let frame = try StructureFile.read(path: dir.appendingPathComponent(name).path)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(name).json"))) as? [String: Any]
        let ref = try #require((object?["frames"] as? [[String: Any]])?.first)
        try ExtXYZComparison(tolerance: 1e-10, structureOnly: true).compare(frame, ref, name)
        #expect(frame.system.cell.pbc == .all)
    }

    static let header = """
        data_test
        _cell_length_a 4.0
        _cell_length_b 4.0
        _cell_length_c 4.0
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90

        """

    func failure(_ text: String) throws -> StructureFileError {
        do {
            _ = try CIFReader.parse(text, file: "bad.cif")
        } catch let error as StructureFileError {
            return error
        }
        Issue.record("no error for:\n\(text)")
        return StructureFileError(file: "", line: nil, message: "")
    }

    @Test func badFilesGiveOneLineErrorsWithTheLine() throws {
        let sites = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
        let partial = try failure(Self.header + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                                  + "_atom_site_fract_z\n_atom_site_occupancy\nFe1 0 0 0 0.5\n")
        #expect(partial.line == 14)
        #expect(partial.message == "site 'Fe1' has occupancy 0.5; partial occupancies are not supported")
        let group = try failure(Self.header + "_space_group_name_H-M_alt 'F m -3 m'\n" + sites + "Na1 0 0 0\n")
        #expect(group.line == 8)
        #expect(group.message.hasPrefix("space group 'F m -3 m' without its symmetry operations"))
        let op = try failure(Self.header + "loop_\n_space_group_symop_operation_xyz\n'x, y'\n" + sites + "Na1 0 0 0\n")
        #expect(op.line == 10 && op.message == "bad symmetry operation 'x, y'")
        let count = try failure(Self.header + sites + "Na1 0 0\n")
        #expect(count.line == 8 && count.message.hasPrefix("loop_ with 4 tags has 3 values"))
        let number = try failure(Self.header + sites + "Na1 0 0 zero\n")
        #expect(number.line == 13 && number.message == "_atom_site_fract_z: bad number 'zero'")
        let element = try failure(Self.header + sites + "Xx1 0 0 0\n")
        #expect(element.message == "cannot tell the element of site 'Xx1'")
        let quote = try failure("data_q\n_title 'not closed\n")
        #expect(quote.line == 2 && quote.message.hasPrefix("string starting with ' is not closed"))
        let cell = try failure("data_c\n_cell_length_a 4\n" + sites + "Na1 0 0 0\n")
        #expect(cell.message == "missing _cell_length_b")
        let noSites = try failure(Self.header)
        #expect(noSites.message.hasPrefix("no data block with atom sites"))
        let angle = try failure(Self.header.replacingOccurrences(of: "_cell_angle_beta 90", with: "_cell_angle_beta 185") + sites + "Na1 0 0 0\n")
        #expect(angle.line == 2 && angle.message.hasSuffix("must be positive (angles below 180°)"))
        #expect(partial.description.hasPrefix("bad.cif:14: "))
    }

    /// A symmetry operation in CIF form: signed axes with factors, fractions and decimals.
    @Test func symmetryOperations() throws {
        let op = try #require(SymmetryOperation("-y+1/2, x-y, 2z+0.25"))
        #expect(op.rotation == [[0, -1, 0], [1, -1, 0], [0, 0, 2]])
        #expect(op.translation == SIMD3(0.5, 0, 0.25))
        let p = op.apply(SIMD3(0.1, 0.3, 0.45))
        #expect(abs(p.x - 0.2) < 1e-15 && abs(p.y - 0.8) < 1e-15 && abs(p.z - 0.15) < 1e-15)
        #expect(SymmetryOperation("x,y") == nil && SymmetryOperation("x,y,q") == nil && SymmetryOperation("x,,z") == nil)
        #expect(SymmetryOperation.coincide(SIMD3(0.9999, 0, 0.5), SIMD3(0, 0, 0.5)))
        #expect(!SymmetryOperation.coincide(SIMD3(0.99, 0, 0.5), SIMD3(0, 0, 0.5)))
    }
}
