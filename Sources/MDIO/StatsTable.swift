import Foundation

/// A stats log read back: column names from the header line and rows of numbers.
///
/// The format is MaceMD's stats log: one header line `name1 name2 ...` (older logs: `# name1
/// name2 ...`; see ``StatsLog/headerNames(_:)``), then whitespace-separated numbers. Later
/// lines starting with `#` (e.g. a repeated header after a restart) are skipped if they name
/// the same columns.
public struct StatsTable: Sendable {
    public var columns: [String]
    public var rows: [[Double]]

    /// Parses the text of a stats log; `name` is used in error messages.
    public init(text: String, name: String) throws {
        var columns: [String]? = nil
        var rows: [[Double]] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if columns == nil, let names = StatsLog.headerNames(line) {
                columns = names
                continue
            }
            if line.hasPrefix("#") {
                guard StatsLog.headerNames(line) == columns else {
                    throw StatsTableError.inconsistentHeader(file: name, line: index + 1)
                }
                continue
            }
            guard let header = columns else { throw StatsTableError.missingHeader(file: name) }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == header.count else {
                throw StatsTableError.badRow(file: name, line: index + 1,
                                             reason: "\(fields.count) values for \(header.count) columns")
            }
            var values: [Double] = []
            for f in fields {
                guard let v = Double(f) else {
                    throw StatsTableError.badRow(file: name, line: index + 1, reason: "'\(f)' is not a number")
                }
                values.append(v)
            }
            rows.append(values)
        }
        guard let header = columns else { throw StatsTableError.missingHeader(file: name) }
        self.columns = header
        self.rows = rows
    }

    /// Reads and parses a stats log file.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw StatsTableError.unreadable(file: url.path)
        }
        try self.init(text: text, name: url.path)
    }

    /// The values of column `name`, or nil if the log has no such column.
    public func column(_ name: String) -> [Double]? {
        columns.firstIndex(of: name).map { k in rows.map { $0[k] } }
    }
}

/// Problems reading a stats log.
public enum StatsTableError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String)
    case missingHeader(file: String)
    case inconsistentHeader(file: String, line: Int)
    case badRow(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let f): return "\(f): cannot read the file"
        case .missingHeader(let f): return "\(f): no header line naming the columns"
        case .inconsistentHeader(let f, let l): return "\(f):\(l): header names different columns than the first header"
        case .badRow(let f, let l, let reason): return "\(f):\(l): \(reason)"
        }
    }
}
