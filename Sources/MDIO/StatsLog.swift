import Foundation

/// One column of a stats log: its header name and how its numbers are printed.
public struct StatsColumn: Equatable, Sendable {
    /// How values are printed.
    public enum Format: Equatable, Sendable {
        /// An integer (values are rounded), e.g. the step.
        case integer
        /// Fixed point with this many decimals.
        case fixed(decimals: Int)
    }

    /// The header name, with its unit as a suffix (`epot_eV`, `temperature_K`).
    public var name: String
    public var format: Format
    /// Field width in characters (at least the name's length).
    public var width: Int

    public init(_ name: String, _ format: Format, width: Int = 14) {
        self.name = name
        self.format = format
        self.width = max(width, name.count)
    }

    func formatted(_ x: Double) -> String {
        let text: String
        if !x.isFinite {
            text = x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf")
        } else {
            switch format {
            case .integer: text = NumberFormatting.format(Int(x.rounded()), "%ld")
            case .fixed(let d): text = NumberFormatting.format(x, "%.\(d)f")
            }
        }
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension StatsColumn {
    public static let step = StatsColumn("step", .integer, width: 10)
    public static let timeFs = StatsColumn("time_fs", .fixed(decimals: 3), width: 14)
    public static let potentialEnergy = StatsColumn("epot_eV", .fixed(decimals: 6), width: 18)
    public static let kineticEnergy = StatsColumn("ekin_eV", .fixed(decimals: 6), width: 16)
    public static let totalEnergy = StatsColumn("etot_eV", .fixed(decimals: 6), width: 18)
    public static let temperature = StatsColumn("temperature_K", .fixed(decimals: 3), width: 14)
    public static let conservedEnergy = StatsColumn("conserved_eV", .fixed(decimals: 6), width: 18)
    public static let volume = StatsColumn("volume_A3", .fixed(decimals: 4), width: 14)
    public static let pressure = StatsColumn("pressure_GPa", .fixed(decimals: 6), width: 14)
    public static let maxForce = StatsColumn("fmax_eV_per_A", .fixed(decimals: 6), width: 14)
    public static let cellA = StatsColumn("a_A", .fixed(decimals: 6), width: 12)
    public static let cellB = StatsColumn("b_A", .fixed(decimals: 6), width: 12)
    public static let cellC = StatsColumn("c_A", .fixed(decimals: 6), width: 12)
    public static let targetTemperature = StatsColumn("target_temperature_K", .fixed(decimals: 3), width: 20)

    /// `step time_fs epot_eV ekin_eV etot_eV temperature_K conserved_eV`, then `volume_A3 pressure_GPa`
    /// for periodic systems, then `target_temperature_K` for thermostatted runs.
    public static func md(periodic: Bool, targetTemperature: Bool = false) -> [StatsColumn] {
        [.step, .timeFs, .potentialEnergy, .kineticEnergy, .totalEnergy, .temperature, .conservedEnergy]
            + (periodic ? [.volume, .pressure] : []) + (targetTemperature ? [.targetTemperature] : [])
    }

    /// `step epot_eV fmax_eV_per_A`, then `a_A b_A c_A volume_A3 pressure_GPa` when the cell is relaxed.
    public static func relaxation(cell: Bool) -> [StatsColumn] {
        [.step, .potentialEnergy, .maxForce] + (cell ? [.cellA, .cellB, .cellC, .volume, .pressure] : [])
    }
}

/// A whitespace-separated text log: one header line `      step    time_fs …` naming the
/// columns (fixed at creation), then one line of right-aligned numbers per call, flushed at
/// once so that `tail -f` and plots see every line and a killed run loses nothing.
///
/// The header has no `#`, as ASE's MDLogger and LAMMPS' thermo output: with one, pandas'
/// `read_csv(sep=r"\s+")` takes `#` for the first column name and shifts every name by one.
/// `pandas.read_csv(path, sep=r"\s+")` and `numpy.genfromtxt(path, names=True)` both read it
/// (`numpy.loadtxt(path, skiprows=1)` too). Appending to an existing non-empty log (restarts)
/// checks that its header names the same columns (a `#` header of older logs included) and
/// does not repeat the header.
public final class StatsLog {
    public let columns: [StatsColumn]
    private let file: TextOutputFile
    /// The path as given.
    public var path: String { file.path }

    /// Opens the log in `mode` (`.createNew` refuses an existing file).
    public init(path: String, columns: [StatsColumn], mode: OutputMode = .createNew) throws {
        guard !columns.isEmpty else { throw OutputFileError(path: path, message: "a stats log needs at least one column") }
        self.columns = columns
        let header = Self.header(columns)
        if mode == .append, let existing = try Self.firstLine(path), !existing.isEmpty {
            guard Self.headerNames(existing) == columns.map(\.name) else {
                throw OutputFileError(path: path, message: "cannot append: the log's columns are '\(existing)', expected '\(header)'")
            }
            file = try TextOutputFile(path: path, mode: .append)
        } else {
            file = try TextOutputFile(path: path, mode: mode)
            try file.write(header + "\n")
            try file.flush()
        }
    }

    /// `      step    time_fs …`: names right-aligned over their columns, each line starting
    /// with a space.
    static func header(_ columns: [StatsColumn]) -> String {
        " " + columns.map { String(repeating: " ", count: max(0, $0.width - $0.name.count)) + $0.name }.joined(separator: " ")
    }

    /// The column names of a header line, or nil when `line` is a data line. A header is a line
    /// that starts with `#` (older MaceMD logs; the `#` is dropped) or whose first field is not
    /// a number.
    public static func headerNames(_ line: String) -> [String]? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let commented = trimmed.hasPrefix("#")
        let names = (commented ? String(trimmed.dropFirst()) : trimmed)
            .split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard commented || (names.first.map { Double($0) == nil } ?? false) else { return nil }
        return names
    }

    /// Writes one line; `values` are in column order and units.
    public func write(_ values: [Double]) throws {
        guard values.count == columns.count else {
            throw OutputFileError(path: path, message: "stats line has \(values.count) values for \(columns.count) columns")
        }
        let line = " " + zip(columns, values).map { $0.formatted($1) }.joined(separator: " ")
        try file.write(line + "\n")
        try file.flush()
    }

    /// Closes the file.
    public func close() throws { try file.close() }

    static func firstLine(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let reader = LineReader(path: path) else {
            throw OutputFileError(path: path, message: "cannot read (\(String(cString: strerror(errno))))")
        }
        return reader.next() ?? ""
    }
}
