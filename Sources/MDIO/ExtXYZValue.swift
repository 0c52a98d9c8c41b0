import MDCore

/// One value of the extended XYZ comment line (`key=value`), typed as ASE types it.
///
/// ASE's rules (ase/io/extxyz.py, `key_val_str_to_dict`), which `parse(_:key:)` follows:
/// 1. split the value on whitespace and commas; if every part is an integer → `.int` (one part) or
///    `.intArray`; else if every part is a real number → `.double` / `.doubleArray`;
/// 2. the keys `Lattice`, `virial` and `stress` must then hold 9 numbers and become a 3×3 matrix
///    in Fortran (column-major) order: `m[i][j] = flat[i + 3j]`;
/// 3. else if every part is one of `T F true false True False TRUE FALSE` → `.bool` / `.boolArray`;
/// 4. else a value starting with `_JSON ` is kept as JSON text; anything else is a `.string`.
/// A bare key (no `=`) means `true`.
public enum ExtXYZValue: Equatable, Sendable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case boolArray([Bool])
    case intArray([Int])
    case doubleArray([Double])
    /// A 3×3 matrix (keys `virial`, `stress`); `m[i, j]` is row i, column j.
    case matrix(Matrix3)
    /// Anything ASE writes as `_JSON <text>` (e.g. lists of strings); holds the JSON text.
    case json(String)

    /// Keys whose 9 numbers ASE reshapes into a 3×3 matrix (Fortran order).
    public static let matrixKeys: Set<String> = ["Lattice", "virial", "stress"]

    static let boolSpellings: [String: Bool] = [
        "T": true, "F": false, "true": true, "false": false,
        "True": true, "False": false, "TRUE": true, "FALSE": false,
    ]

    /// Types the raw text of a value (quotes and escapes already removed).
    /// Throws a message (without file/line) when a matrix key does not hold 9 numbers.
    static func parse(_ text: String, key: String) throws(ExtXYZValueError) -> ExtXYZValue {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        var value: ExtXYZValue?
        if !parts.isEmpty {
            let ints = parts.compactMap { Int($0) }
            if ints.count == parts.count {
                value = ints.count == 1 ? .int(ints[0]) : .intArray(ints)
            } else {
                let doubles = parts.compactMap { Double($0) }
                if doubles.count == parts.count {
                    value = doubles.count == 1 ? .double(doubles[0]) : .doubleArray(doubles)
                }
            }
        }
        if matrixKeys.contains(key) {
            guard let numbers = value?.numbers, numbers.count == 9 else {
                throw ExtXYZValueError("'\(key)' must hold 9 numbers (a 3×3 matrix), got '\(text)'")
            }
            return .matrix(Matrix3(fortranOrder: numbers))
        }
        if let value { return value }
        let bools = parts.compactMap { boolSpellings[$0] }
        if !parts.isEmpty, bools.count == parts.count {
            return bools.count == 1 ? .bool(bools[0]) : .boolArray(bools)
        }
        if text.hasPrefix("_JSON ") { return .json(String(text.dropFirst(6))) }
        return .string(text)
    }

    /// The numbers of an `.int`, `.double`, `.intArray` or `.doubleArray` value, else nil.
    public var numbers: [Double]? {
        switch self {
        case .int(let v): return [Double(v)]
        case .double(let v): return [v]
        case .intArray(let v): return v.map(Double.init)
        case .doubleArray(let v): return v
        default: return nil
        }
    }

    /// The value as ASE writes it, before quoting: numbers in shortest round-trip form, booleans
    /// `T`/`F`, arrays space-separated, matrices as 9 numbers in Fortran order.
    var unquotedText: String {
        switch self {
        case .bool(let b): return b ? "T" : "F"
        case .int(let v): return String(v)
        case .double(let v): return Self.format(v)
        case .string(let s): return s
        case .boolArray(let v): return v.map { $0 ? "T" : "F" }.joined(separator: " ")
        case .intArray(let v): return v.map(String.init).joined(separator: " ")
        case .doubleArray(let v): return v.map(Self.format).joined(separator: " ")
        case .matrix(let m): return m.fortranOrder.map(Self.format).joined(separator: " ")
        case .json(let text): return "_JSON " + text
        }
    }

    /// Swift's shortest round-trip text of a Double ("3.0", "1.5e-09", "6.02e+23", "inf", "nan"):
    /// it always holds a '.', an 'e' or letters, so it reads back as a real, never as an integer.
    static func format(_ x: Double) -> String { "\(x)" }

    public var description: String { unquotedText }
}

/// A problem with one comment-line value; the reader adds the file and line.
struct ExtXYZValueError: Error {
    let message: String
    /// The 0-based atom whose line is at fault, when known.
    let atom: Int?
    init(_ message: String, atom: Int? = nil) { self.message = message; self.atom = atom }
}

extension Matrix3 {
    /// A matrix from 9 numbers in Fortran (column-major) order: `m[i, j] = flat[i + 3j]`.
    init(fortranOrder flat: [Double]) {
        self.init(rows: SIMD3(flat[0], flat[3], flat[6]),
                  SIMD3(flat[1], flat[4], flat[7]),
                  SIMD3(flat[2], flat[5], flat[8]))
    }

    /// The 9 entries in Fortran (column-major) order.
    var fortranOrder: [Double] { (0..<3).flatMap { j in (0..<3).map { i in self[i, j] } } }
}
