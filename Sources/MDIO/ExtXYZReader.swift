import Foundation
import MDCore

/// Reads the frames of an extended XYZ (or plain XYZ) file one at a time.
///
/// ```swift
/// let reader = try ExtXYZReader(path: "traj.xyz")
/// while let frame = try reader.next() { ... }
/// ```
/// Every error names the file and line: `traj.xyz:7: bad real number 'x1' in column 2 (pos)`.
public final class ExtXYZReader {
    /// The path as given.
    public let path: String
    private let lines: LineReader

    /// Opens `path`; throws when it does not exist or cannot be read.
    public init(path: String) throws {
        self.path = path
        guard let reader = LineReader(path: path) else {
            throw StructureFileError(file: path, line: nil, message: "cannot open for reading (\(String(cString: strerror(errno))))")
        }
        lines = reader
    }

    /// All frames of the file at `path`.
    public static func readAll(path: String) throws -> [StructureRecord] {
        let reader = try ExtXYZReader(path: path)
        var frames: [StructureRecord] = []
        while let frame = try reader.next() { frames.append(frame) }
        return frames
    }

    /// The first frame of the file at `path` (an error when the file has none).
    public static func readFirst(path: String) throws -> StructureRecord {
        guard let frame = try ExtXYZReader(path: path).next() else {
            throw StructureFileError(file: path, line: nil, message: "no frames in file")
        }
        return frame
    }

    /// The next frame, or nil at the end of the file (blank lines after the last frame are ignored).
    public func next() throws -> StructureRecord? {
        var countLine: String
        repeat {
            guard let line = lines.next() else { return nil }
            countLine = line
        } while countLine.trimmingWhitespace().isEmpty
        let countLineNumber = lines.lineNumber
        let first = countLine.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        guard let natoms = Int(first), natoms >= 0 else {
            throw error(countLineNumber, "expected the number of atoms, got '\(countLine.prefix(40))'")
        }
        guard let comment = lines.next() else {
            throw error(countLineNumber, "file ends after the atom count (no comment line)")
        }
        let header = try parseComment(comment, line: lines.lineNumber)
        var table = ExtXYZColumnTable(properties: header.properties, atomCount: natoms)
        for k in 0..<natoms {
            guard let line = lines.next() else {
                throw error(lines.lineNumber, "file ends after \(k) of \(natoms) atom lines")
            }
            do { try table.append(line: line) } catch { throw self.error(lines.lineNumber, error.message) }
        }
        do {
            return try table.frame(header: header)
        } catch let e as ExtXYZValueError {
            // Atom k is on line (count line + 2 + k).
            throw error(e.atom.map { countLineNumber + 2 + $0 } ?? countLineNumber, e.message)
        } catch {
            throw self.error(countLineNumber, "\(error)")
        }
    }

    /// The comment-line values with `Lattice`, `pbc`, `Properties`, `energy` and `stress` taken out.
    struct Header {
        var lattice: Matrix3?
        var pbc: Periodicity?
        var properties = ExtXYZProperties.plain
        var energy: Double?
        var stress: Matrix3?
        var info = ExtXYZInfo()
    }

    private func parseComment(_ line: String, line number: Int) throws -> Header {
        var header = Header()
        for (key, text) in ExtXYZCommentLine.split(line) {
            do {
                switch key {
                case "Properties":
                    header.properties = try ExtXYZProperties(parsing: text)
                case "Lattice":
                    guard case .matrix(let m) = try ExtXYZValue.parse(text, key: key) else { continue }
                    header.lattice = m.transposed  // the 9 numbers are a, b, c one after another
                case "pbc":
                    switch try ExtXYZValue.parse(text, key: key) {
                    case .bool(let b): header.pbc = Periodicity(b, b, b)
                    case .boolArray(let b) where b.count == 3: header.pbc = Periodicity(b[0], b[1], b[2])
                    default: throw ExtXYZValueError("pbc must be 3 booleans like \"T T F\", got '\(text)'")
                    }
                case "energy":
                    guard let e = try ExtXYZValue.parse(text, key: key).numbers, e.count == 1 else {
                        throw ExtXYZValueError("energy must be one number, got '\(text)'")
                    }
                    header.energy = e[0]
                case "stress":
                    header.stress = try Self.stress(text)
                default:
                    header.info[key] = try ExtXYZValue.parse(text, key: key)
                }
            } catch let e as ExtXYZValueError {
                throw error(number, e.message)
            }
        }
        if let pbc = header.pbc, header.lattice == nil, pbc != .none {
            throw error(number, "pbc=\"\(pbc)\" is periodic but there is no Lattice")
        }
        return header
    }

    /// `stress` as ASE writes it (9 numbers, a 3×3 matrix in Fortran order) or, as some other
    /// programs write it (ASE itself refuses these), 6 numbers in Voigt order xx yy zz yz xz xy.
    static func stress(_ text: String) throws(ExtXYZValueError) -> Matrix3 {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
        let v = parts.compactMap { Double($0) }
        if v.count == 6, parts.count == 6 {
            return Matrix3(rows: SIMD3(v[0], v[5], v[4]), SIMD3(v[5], v[1], v[3]), SIMD3(v[4], v[3], v[2]))
        }
        guard case .matrix(let m) = try ExtXYZValue.parse(text, key: "stress") else {
            throw ExtXYZValueError("'stress' must hold 9 numbers (a 3×3 matrix) or 6 (Voigt), got '\(text)'")
        }
        return m
    }

    private func error(_ line: Int, _ message: String) -> StructureFileError {
        StructureFileError(file: path, line: line, message: message)
    }
}
