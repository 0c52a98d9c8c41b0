import Foundation
import Testing
import TestSupport
@testable import MDIO

/// One structure-reading path for every command, chosen by file name; other formats are named.
@Suite struct StructureFileTests {
    static let twoFrames = "1\nLattice=\"5 0 0 0 5 0 0 0 5\" pbc=\"T T T\"\nH 0 0 0\n2\n\nO 0 0 0\nH 0 0 1\n"

    @Test func extendedXYZGivesEveryFrameOrTheLast() throws {
        let path = try TestFiles.write(Self.twoFrames, name: "two.extxyz")
        #expect(try StructureFile.readAll(path: path).map(\.system.count) == [1, 2])
        #expect(try StructureFile.read(path: path).system.count == 2)
    }

    @Test func poscarAndCIFAreReadByEveryCommandsPath() throws {
        let poscar = TestFiles.resources().appendingPathComponent("poscar/POSCAR_direct").path
        #expect(try StructureFile.readAll(path: poscar).count == 1)
        #expect(try StructureFile.format(of: poscar) == .poscar)
        let cif = try #require(try FileManager.default.contentsOfDirectory(atPath: TestFiles.resources().appendingPathComponent("cif").path)
            .first { $0.hasSuffix(".cif") })
        #expect(try StructureFile.readAll(path: TestFiles.resources().appendingPathComponent("cif/\(cif)").path).count == 1)
    }

    /// XYZ text in a file with a foreign extension is not parsed as XYZ: the format is named.
    @Test(arguments: [("md.traj", "ASE trajectory"), ("protein.pdb", "PDB"), ("water.data", "LAMMPS data"),
                      ("in.lmp", "LAMMPS data"), ("frame.gro", "GROMACS"), ("thing.weird", "unknown extension .weird"),
                      ("structure", "no extension")])
    func otherFormatsAreNamed(_ name: String, _ what: String) throws {
        let path = try TestFiles.write(Self.twoFrames, name: name)
        #expect {
            try StructureFile.read(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(what) && text.contains(path) && text.contains(".xyz") && !text.contains("\n")
        }
        #expect(throws: StructureFileError.self) { try StructureFile.readAll(path: path) }
    }
}
