import Foundation
import MDCore

/// Reads VASP POSCAR/CONTCAR files (VASP 5 and 6 layout, element names on line 6).
///
/// Layout: comment; scale (one positive factor, a negative target volume in Å³, or three
/// factors); three lattice vectors (Å, rows a, b, c); element names (`Fe`, `Fe_pv` and
/// `Fe/hash` are read as Fe); counts; optional `Selective dynamics`; `Direct` (fractional)
/// or `Cartesian` (Å, scaled like the lattice); one line per atom. A velocity block after the
/// positions is ignored. The result is fully periodic. Selective-dynamics flags become an
/// `L:3` extra array `move_mask` (T = free to move), as ASE writes FixCartesian constraints.
public enum POSCARReader {
    /// Reads the structure at `path` as a frame (comment in info `comment`).
    public static func read(path: String) throws -> StructureRecord {
        try parse(try StructureFile.text(at: path), file: path)
    }

    /// Parses POSCAR text; errors name `file` and the line.
    public static func parse(_ text: String, file: String = "POSCAR") throws -> StructureRecord {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.trimmingWhitespace()) }
        func fail(_ line: Int, _ message: String) -> StructureFileError { StructureFileError(file: file, line: line, message: message) }
        func fields(_ k: Int) throws -> [String] {
            guard k < lines.count else { throw fail(k + 1, "file ends early (expected the POSCAR line \(k + 1))") }
            return lines[k].split(whereSeparator: \.isWhitespace).map(String.init)
        }
        func numbers(_ k: Int, _ count: Int, _ what: String) throws -> [Double] {
            let f = try fields(k)
            guard f.count >= count else { throw fail(k + 1, "expected \(count) numbers (\(what)), got '\(lines[k])'") }
            return try f.prefix(count).map { s in
                guard let x = Double(s) else { throw fail(k + 1, "bad number '\(s)' in \(what)") }
                return x
            }
        }
        let scaleFields = try fields(1)
        let scale = try numbers(1, scaleFields.count >= 3 && Double(scaleFields[2]) != nil ? 3 : 1, "scale factor")
        let unscaled = try (2...4).map { try SIMD3(numbers($0, 3, "lattice vector")) }
        // The factor applied to the lattice and to Cartesian positions.
        let factor: SIMD3<Double>
        if scale.count == 3 {
            factor = SIMD3(scale)
        } else if scale[0] < 0 {
            let volume = abs(Matrix3(rows: unscaled[0], unscaled[1], unscaled[2]).determinant)
            guard volume > 0 else { throw fail(3, "the lattice vectors are linearly dependent") }
            factor = SIMD3(repeating: cbrt(-scale[0] / volume))
        } else {
            guard scale[0] > 0 else { throw fail(2, "scale factor must be non-zero") }
            factor = SIMD3(repeating: scale[0])
        }
        let rows = unscaled.map { $0 * factor }
        let lattice = Matrix3(rows: rows[0], rows[1], rows[2])

        var k = 5
        let nameFields = try fields(k)
        guard let first = nameFields.first, Int(first) == nil else {
            throw fail(k + 1, "expected element names (VASP 5 layout); VASP 4 files without names are not supported")
        }
        let symbols = nameFields.map { name in String(name.prefix(while: { $0.isLetter })) }
        k += 1
        let counts = try fields(k).map { s -> Int in
            guard let n = Int(s), n >= 0 else { throw fail(k + 1, "bad atom count '\(s)'") }
            return n
        }
        guard counts.count == symbols.count else {
            throw fail(k + 1, "\(counts.count) counts for \(symbols.count) element names")
        }
        var numbersZ: [Int] = []
        for (symbol, n) in zip(symbols, counts) {
            guard let z = try? Element(symbol: symbol).atomicNumber else { throw fail(6, "unknown element '\(symbol)'") }
            numbersZ += Array(repeating: z, count: n)
        }
        k += 1
        var mode = try fields(k).first?.lowercased() ?? ""
        let selective = mode.hasPrefix("s")
        if selective { k += 1; mode = try fields(k).first?.lowercased() ?? "" }
        guard let c = mode.first, "dck".contains(c) else {
            throw fail(k + 1, "expected 'Direct' or 'Cartesian', got '\(lines[k])'")
        }
        let cartesian = c != "d"
        k += 1
        var positions: [SIMD3<Double>] = []
        var mask: [Bool] = []
        for i in 0..<numbersZ.count {
            let x = SIMD3(try numbers(k + i, 3, "position of atom \(i + 1)"))
            positions.append(cartesian ? x * factor : x * lattice)
            if selective {
                let f = try fields(k + i)
                guard f.count >= 6 else { throw fail(k + i + 1, "selective dynamics needs three T/F flags after the position") }
                for s in f[3..<6] {
                    guard let b = ["T": true, "F": false, "t": true, "f": false][s] else {
                        throw fail(k + i + 1, "bad selective-dynamics flag '\(s)' (expected T or F)")
                    }
                    mask.append(b)
                }
            }
        }
        let system: AtomicSystem
        do {
            system = try AtomicSystem(atomicNumbers: numbersZ, positions: positions, cell: Cell(vectors: lattice, pbc: .all))
        } catch {
            throw fail(3, "\(error)")
        }
        var info = ExtXYZInfo()
        info["comment"] = .string(lines.first ?? "")
        let arrays = selective ? [ExtXYZArray(name: "move_mask", width: 3, values: .logical(mask))] : []
        return StructureRecord(system: system, hasVelocities: false, info: info, arrays: arrays)
    }

}
