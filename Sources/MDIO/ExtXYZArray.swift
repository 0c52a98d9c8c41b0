/// One extra per-atom column group of an extended XYZ frame (`name:TYPE:width` in `Properties`),
/// such as `tags:I:1` or `dipoles:R:3`. Values are stored row by row: atom i, column c is
/// `values[i * width + c]`.
public struct ExtXYZArray: Equatable, Sendable {
    /// The column values, typed by the `Properties` letter: R real, I integer, S string, L logical.
    public enum Values: Equatable, Sendable {
        case real([Double])
        case integer([Int])
        case string([String])
        case logical([Bool])

        /// The `Properties` type letter.
        public var typeLetter: Character {
            switch self {
            case .real: "R"
            case .integer: "I"
            case .string: "S"
            case .logical: "L"
            }
        }

        /// The number of stored values (atoms × width).
        public var count: Int {
            switch self {
            case .real(let v): v.count
            case .integer(let v): v.count
            case .string(let v): v.count
            case .logical(let v): v.count
            }
        }
    }

    /// The property name as written in `Properties`.
    public var name: String
    /// Columns per atom (1 for scalars, 3 for vectors).
    public var width: Int
    /// The values, row-major (atom-major).
    public var values: Values

    public init(name: String, width: Int, values: Values) {
        self.name = name
        self.width = width
        self.values = values
    }

    /// The number of atoms this array covers.
    public var atomCount: Int { width > 0 ? values.count / width : 0 }
}
