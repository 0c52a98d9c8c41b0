import MDDynamics

/// An ensemble as the run file names it: its `md.ensemble` word, which `md.` keys it reads, and
/// how those settings become an ``MDDynamics/Ensemble``.
///
/// Adding an ensemble: one file in `Ensembles/` with a `static let` of this type (its keys from
/// ``RunFileSchema/MD``), plus its line in ``all``. Parsing, the "has no effect" checks,
/// did-you-mean suggestions, restarts and README's key table follow from that.
public struct EnsembleDefinition: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The `md.ensemble` value (`nvt-langevin`).
    public let name: String
    /// One line for README and messages.
    public let summary: String
    /// The ensemble-specific `md.` keys it reads (keys of scope ``RunFileKey/Scope/ensembleKey``).
    public let keys: [RunFileKey]
    /// Whether it draws random numbers every step (so `md.seed` matters).
    public let isStochastic: Bool
    /// Whether it holds a temperature (so velocities are drawn at `md.temperature_K` when the
    /// structure has none).
    public let isThermostatted: Bool
    /// The integrator configuration for `md`.
    public let makeEnsemble: @Sendable (MDSettings) -> Ensemble

    public init(name: String, summary: String, keys: [RunFileKey], isStochastic: Bool, isThermostatted: Bool,
                makeEnsemble: @escaping @Sendable (MDSettings) -> Ensemble) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.isStochastic = isStochastic
        self.isThermostatted = isThermostatted
        self.makeEnsemble = makeEnsemble
    }

    /// Every ensemble a run file may name, in README order (the registration list).
    public static let all: [EnsembleDefinition] = [.nve, .nvtLangevin, .nvtCSVR, .nvtNoseHoover, .nvtBerendsen,
                                                        .nptCRescale, .nptMTK, .nptBerendsen]

    /// Words users try for ensembles MaceMD does not have yet, with what to say.
    static let unavailable: [(prefix: String, message: String)] = [
        ("npt", "use npt-crescale (stochastic cell rescaling), npt-mtk (Martyna–Tobias–Klein) or npt-berendsen "
            + "(equilibration only)"),
        ("nph", "constant-pressure dynamics without a thermostat (NPH) is not available; use npt-crescale"),
        ("nvt-nh", "use nvt-nose-hoover"),
    ]

    /// The definition named `name`, if any.
    public static func named(_ name: String) -> EnsembleDefinition? { all.first { $0.name == name } }

    public var description: String { name }

    public static func == (a: EnsembleDefinition, b: EnsembleDefinition) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let known = Self.named(name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown ensemble '\(name)'"))
        }
        self = known
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
