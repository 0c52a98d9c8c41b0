/// One run-file key, declared once: where it lives, what it holds, its unit, range, default,
/// meaning and where it has an effect. The parser, its error messages, the "has no effect
/// here" checks and README's key table (``RunFileSchema/markdownTable()``) all read it.
public struct RunFileKey: Sendable, Hashable, CustomStringConvertible {
    /// The run-file section a key belongs to.
    public enum Section: String, Sendable, CaseIterable {
        case top = "", md, relax, output
    }

    /// What a key's value is.
    public enum ValueType: Sendable, Hashable {
        /// A real number in `range` (`openLower`: the lower bound itself is excluded).
        case number(range: ClosedRange<Double>, openLower: Bool)
        /// An integer in `range`; integral reals such as `2e4` are accepted.
        case integer(range: ClosedRange<Int>)
        /// Free text.
        case text
        /// A path, resolved against the run file's directory.
        case path
        /// A file name inside `output.directory`.
        case fileName
        /// One of the listed words.
        case choice([String])
        /// `true` or `false`.
        case flag
        /// Exactly `count` flags (0/1 or false/true), each meaning one of `meaning`.
        case flags(count: Int, meaning: String)
        /// A list of distinct 0-based atom indices.
        case atomIndices
        /// A number in `range` (one value for all components), or six numbers in `range` in Voigt
        /// order xx yy zz yz xz xy (a symmetric tensor).
        case numberOrVoigt(range: ClosedRange<Double>)
    }

    /// Where a key has an effect; anywhere else, giving it is an error (see ``RunFile/ineffectiveKeys()``).
    public enum Scope: Sendable, Hashable {
        /// Every run.
        case always
        /// Runs of this task (`md` or `relax`).
        case task(RunFile.Task)
        /// MD runs whose ensemble lists this key in ``EnsembleDefinition/keys``.
        case ensembleKey
        /// MD runs that draw random numbers: a stochastic ensemble, or Maxwell–Boltzmann velocities.
        case randomSeed
        /// Relaxations with `relax.cell: true`.
        case cellRelaxation
    }

    /// Section of the key.
    public let section: Section
    /// The key as written in YAML (`timestep_fs`).
    public let name: String
    /// The value's type and valid range.
    public let type: ValueType
    /// Unit of a number, as written in messages and README ("fs", "K"); "" if none.
    public let unit: String
    /// The default, as README shows it ("1.0", "none", "**required**").
    public let defaultText: String
    /// Where it has an effect.
    public let scope: Scope
    /// What it means, for README.
    public let doc: String
    /// Added to the "has no effect" error, e.g. which key to use instead.
    public let noEffectHint: String?

    public init(_ section: Section, _ name: String, _ type: ValueType, unit: String = "", default defaultText: String,
                scope: Scope, doc: String, noEffectHint: String? = nil) {
        self.section = section
        self.name = name
        self.type = type
        self.unit = unit
        self.defaultText = defaultText
        self.scope = scope
        self.doc = doc
        self.noEffectHint = noEffectHint
    }

    /// `md.timestep_fs`, or just the name at the top level.
    public var dotted: String { section == .top ? name : "\(section.rawValue).\(name)" }

    public var description: String { dotted }

    public static func == (a: RunFileKey, b: RunFileKey) -> Bool { a.dotted == b.dotted }
    public func hash(into hasher: inout Hasher) { hasher.combine(dotted) }
}

extension RunFileKey.ValueType {
    /// The type as README shows it: "number > 0 and ≤ 20", "`fire` \| `lbfgs`".
    var readmeText: String {
        switch self {
        case let .number(range, openLower):
            let lower = openLower ? "> \(Self.short(range.lowerBound))" : "≥ \(Self.short(range.lowerBound))"
            if range.upperBound.isFinite && range.upperBound < 1e5 { return "number \(lower), ≤ \(Self.short(range.upperBound))" }
            if range.lowerBound.isFinite && range.lowerBound > -1e5 { return "number \(lower)" }
            return "number"
        case let .integer(range):
            let upper = range.upperBound == Int.max ? "" : ", ≤ \(range.upperBound)"
            return "integer ≥ \(range.lowerBound)\(upper)"
        case .text: return "text"
        case .path: return "path"
        case .fileName: return "file name"
        case let .choice(words): return words.map { "`\($0)`" }.joined(separator: " \\| ")
        case .flag: return "`true` \\| `false`"
        case let .flags(count, _): return "list of \(count) flags (0/1)"
        case .atomIndices: return "list of 0-based atom indices"
        case .numberOrVoigt: return "number, or list of 6 numbers (Voigt xx yy zz yz xz xy)"
        }
    }

    static func short(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
