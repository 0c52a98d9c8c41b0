/// Periodic boundary conditions along the three cell vectors a, b, c (ASE's `pbc`).
public struct Periodicity: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var a: Bool
    public var b: Bool
    public var c: Bool

    public init(_ a: Bool, _ b: Bool, _ c: Bool) {
        self.a = a; self.b = b; self.c = c
    }

    /// Periodic along all three axes (bulk).
    public static let all = Periodicity(true, true, true)
    /// Periodic along none (an isolated molecule or cluster).
    public static let none = Periodicity(false, false, false)

    /// Whether axis `i` (0 = a, 1 = b, 2 = c) is periodic.
    public subscript(i: Int) -> Bool {
        get { i == 0 ? a : (i == 1 ? b : c) }
        set {
            switch i {
            case 0: a = newValue
            case 1: b = newValue
            default: c = newValue
            }
        }
    }

    public var isFullyPeriodic: Bool { a && b && c }
    public var isNonPeriodic: Bool { !a && !b && !c }
    public var asArray: [Bool] { [a, b, c] }

    public init(from decoder: Decoder) throws {
        let flags = try [Bool](from: decoder)
        guard flags.count == 3 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "pbc needs 3 booleans, got \(flags.count)"))
        }
        self.init(flags[0], flags[1], flags[2])
    }

    public func encode(to encoder: Encoder) throws { try asArray.encode(to: encoder) }

    /// ASE's spelling, e.g. "T T F".
    public var description: String { asArray.map { $0 ? "T" : "F" }.joined(separator: " ") }
}
