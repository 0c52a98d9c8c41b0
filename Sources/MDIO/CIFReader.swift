import Foundation
import MDCore

/// Reads crystal structures from CIF files (CIF 1.1), as `ase.io.read` does for the files it
/// reads with symmetry:
///
/// - the last data block with atom sites is read;
/// - the cell from `_cell_length_a/b/c` (Å) and `_cell_angle_alpha/beta/gamma` (degrees), in
///   the standard orientation (**a** along x, **b** in the xy plane);
/// - the sites from the `_atom_site_` loop: fractional (`_fract_x/y/z`) or Cartesian
///   (`_Cartn_x/y/z`, Å) positions; the element from `_type_symbol` (`Fe2+` is Fe) or else the
///   label (`Fe1` is Fe); sites with an occupancy below 1 are refused;
/// - the sites expanded by the symmetry operations listed in the file
///   (`_space_group_symop_operation_xyz` or `_symmetry_equiv_pos_as_xyz`, e.g. `-x+1/2, y, -z`):
///   the orbit of each site in the order of the operations, positions wrapped into [0, 1),
///   images closer than 10⁻³ (fractional) to an earlier one dropped, and a site equivalent to an
///   earlier site skipped (ASE's `crystal`, `symprec` 10⁻³). A file that names a space group
///   other than P 1 but lists no operations is refused (MaceMD has no space-group tables).
///
/// Numbers may carry an uncertainty, `3.6149(2)`. The result is fully periodic.
public enum CIFReader {
    /// Reads the structure at `path` as a frame.
    public static func read(path: String) throws -> StructureRecord {
        try parse(try StructureFile.text(at: path), file: path)
    }

    /// Parses CIF text; errors name `file` and, where it helps, the line.
    public static func parse(_ text: String, file: String = "structure.cif") throws -> StructureRecord {
        let blocks = try CIFBlock.blocks(of: text, file: file)
        guard let block = blocks.last(where: { $0.hasAtomSites }) else {
            throw StructureFileError(file: file, line: nil, message: "no data block with atom sites (_atom_site_fract_x or _atom_site_Cartn_x)")
        }
        return try structure(of: block, file: file)
    }

    private static func structure(of block: CIFBlock, file: String) throws -> StructureRecord {
        func fail(_ line: Int?, _ message: String) -> StructureFileError { StructureFileError(file: file, line: line, message: message) }
        func number(_ tag: String) throws -> Double {
            guard let value = block.values[tag] else { throw fail(nil, "missing \(tag)") }
            guard let x = CIFBlock.number(value.text) else { throw fail(value.line, "\(tag): bad number '\(value.text)'") }
            return x
        }
        let lengths = SIMD3(try number("_cell_length_a"), try number("_cell_length_b"), try number("_cell_length_c"))
        let angles = SIMD3(try number("_cell_angle_alpha"), try number("_cell_angle_beta"), try number("_cell_angle_gamma"))
        let line = block.values["_cell_length_a"]?.line
        guard (lengths .> 0) == .init(repeating: true), (angles .> 0) == .init(repeating: true),
              (angles .< 180) == .init(repeating: true) else {
            throw fail(line, "cell lengths \(lengths) Å and angles \(angles)° must be positive (angles below 180°)")
        }
        let cell = Cell(lengths: lengths, anglesInDegrees: angles)
        guard cell.vectors.isFinite, cell.volume > 1e-8, let inverse = cell.vectors.inverse else {
            throw fail(line, "lengths \(lengths) Å and angles \(angles)° do not make a cell with a volume")
        }

        let sites = try atomSites(block, cell: cell.vectors, inverse: inverse, file: file)
        let operations = try symmetryOperations(block, file: file)
        var numbers: [Int] = [], fractional: [SIMD3<Double>] = []
        var orbits: [[SIMD3<Double>]] = []
        for site in sites {
            if orbits.contains(where: { $0.contains { SymmetryOperation.coincide($0, site.position) } }) { continue }
            var orbit: [SIMD3<Double>] = []
            for op in operations {
                let p = op.apply(site.position)
                if !orbit.contains(where: { SymmetryOperation.coincide($0, p) }) { orbit.append(p) }
            }
            orbits.append(orbit)
            numbers += Array(repeating: site.atomicNumber, count: orbit.count)
            fractional += orbit
        }
        let system: AtomicSystem
        do {
            system = try AtomicSystem(atomicNumbers: numbers, positions: fractional.map { $0 * cell.vectors }, cell: cell)
        } catch {
            throw fail(nil, "\(error)")
        }
        return StructureRecord(system: system, hasVelocities: false, info: ExtXYZInfo(), arrays: [])
    }

    /// One site of the `_atom_site_` loop.
    private struct Site { var atomicNumber: Int; var position: SIMD3<Double> }

    private static func atomSites(_ block: CIFBlock, cell: Matrix3, inverse: Matrix3, file: String) throws -> [Site] {
        func fail(_ line: Int?, _ message: String) -> StructureFileError { StructureFileError(file: file, line: line, message: message) }
        let fractional = block.loops.first { $0.tags.contains("_atom_site_fract_x") }
        guard let loop = fractional ?? block.loops.first(where: { $0.tags.contains("_atom_site_cartn_x") }) else {
            throw fail(nil, "the atom sites must be a loop_ of _atom_site_ tags")
        }
        let axes = fractional != nil ? ["_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"]
                                     : ["_atom_site_cartn_x", "_atom_site_cartn_y", "_atom_site_cartn_z"]
        let columns = try axes.map { tag in
            guard let c = loop.tags.firstIndex(of: tag) else { throw fail(loop.line, "the atom-site loop has no \(tag)") }
            return c
        }
        let symbolColumn = loop.tags.firstIndex(of: "_atom_site_type_symbol") ?? loop.tags.firstIndex(of: "_atom_site_label")
        guard let symbolColumn else { throw fail(loop.line, "the atom-site loop has neither _atom_site_type_symbol nor _atom_site_label") }
        let occupancy = loop.tags.firstIndex(of: "_atom_site_occupancy")
        return try loop.rows.map { row in
            let symbol = row[symbolColumn]
            let letters = String(symbol.text.prefix { $0.isLetter })
            let element = (try? Element(symbol: letters)) ?? (try? Element(symbol: String(letters.prefix(1))))
            guard let element, let first = letters.first, first.isUppercase else {
                throw fail(symbol.line, "cannot tell the element of site '\(symbol.text)'")
            }
            if let occupancy, let x = CIFBlock.number(row[occupancy].text), x < 1 - 1e-6 {
                throw fail(row[occupancy].line, "site '\(symbol.text)' has occupancy \(x); partial occupancies are not supported")
            }
            let xyz = try columns.map { c -> Double in
                guard let x = CIFBlock.number(row[c].text) else { throw fail(row[c].line, "\(loop.tags[c]): bad number '\(row[c].text)'") }
                return x
            }
            let p = SIMD3(xyz)
            return Site(atomicNumber: element.atomicNumber, position: fractional != nil ? p : p * inverse)
        }
    }

    private static func symmetryOperations(_ block: CIFBlock, file: String) throws -> [SymmetryOperation] {
        let tags = ["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"]
        var texts: [CIFBlock.Value] = []
        for tag in tags {
            if let loop = block.loops.first(where: { $0.tags.contains(tag) }), let c = loop.tags.firstIndex(of: tag) {
                texts = loop.rows.map { $0[c] }
            } else if let value = block.values[tag] {
                texts = [value]
            }
            if !texts.isEmpty { break }
        }
        if texts.isEmpty {
            let names = ["_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m"]
            if let name = names.lazy.compactMap({ block.values[$0] }).first,
               name.text.filter({ !$0.isWhitespace }).uppercased() != "P1" {
                throw StructureFileError(file: file, line: name.line, message: "space group '\(name.text)' without its symmetry "
                    + "operations (_space_group_symop_operation_xyz); list them, or give all atoms in P 1")
            }
            return [SymmetryOperation.identity]
        }
        return try texts.map { value in
            guard let op = SymmetryOperation(value.text) else {
                throw StructureFileError(file: file, line: value.line, message: "bad symmetry operation '\(value.text)'")
            }
            return op
        }
    }
}
