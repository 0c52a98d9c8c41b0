import Yams

/// A YAML mapping read against a fixed set of keys: unknown or repeated keys are errors with
/// a suggestion, and each typed accessor reports a wrong type or out-of-range value with the
/// key's dotted name and YAML line.
struct YAMLSection {
    let file: String
    /// Dotted name of the section ("" for the top level, "md", "output", …).
    let name: String
    let line: Int?
    private let values: [String: Node]
    private let lines: [String: Int]

    /// Reads `node` as a mapping whose keys must be among `allowed`.
    /// - Parameter elsewhere: keys of other sections (dotted), suggested when a key is misplaced.
    init(_ node: Node, file: String, name: String, allowed: [String], elsewhere: [String] = []) throws {
        self.file = file
        self.name = name
        line = node.mark?.line
        guard let mapping = node.mapping else {
            throw RunFileError(file: file, line: node.mark?.line, key: name,
                               message: "\(name.isEmpty ? "the run file" : name) must be a mapping of key: value lines")
        }
        var values: [String: Node] = [:]
        var lines: [String: Int] = [:]
        for (keyNode, value) in mapping {
            let keyLine = keyNode.mark?.line
            guard let key = keyNode.scalar?.string else {
                throw RunFileError(file: file, line: keyLine, key: name, message: "keys must be plain words")
            }
            let dotted = name.isEmpty ? key : "\(name).\(key)"
            guard allowed.contains(key) else {
                let place = name.isEmpty ? "at the top level" : "in \(name)"
                var message = "unknown key '\(key)' \(place)"
                if let s = EditDistance.suggestion(for: key, among: allowed) {
                    message += " (did you mean '\(s)'?)"
                } else if let s = elsewhere.first(where: { $0.split(separator: ".").last.map(String.init) == key }) {
                    message += " (did you mean '\(s)'?)"
                } else {
                    message += " (valid keys: \(allowed.joined(separator: ", ")))"
                }
                throw RunFileError(file: file, line: keyLine, key: dotted, message: message)
            }
            if values[key] != nil {
                throw RunFileError(file: file, line: keyLine, key: dotted, message: "\(dotted) is given twice")
            }
            values[key] = value
            lines[key] = keyLine
        }
        self.values = values
        self.lines = lines
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func dotted(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }

    func error(_ key: String, _ message: String) -> RunFileError {
        RunFileError(file: file, line: lines[key] ?? line, key: dotted(key), message: "\(dotted(key)): \(message)")
    }

    /// The text of a scalar for messages.
    private func shown(_ node: Node) -> String {
        if let s = node.scalar?.string { return "'\(s)'" }
        if node.mapping != nil { return "a mapping" }
        return "a list"
    }

    private func isNull(_ node: Node) -> Bool { node.scalar != nil && node.null != nil && node.scalar?.style == .plain }

    func string(_ key: String) throws -> String? {
        guard let node = values[key] else { return nil }
        guard let s = node.scalar?.string, !isNull(node), !s.isEmpty else { throw error(key, "expected a text value, got \(shown(node))") }
        return s
    }

    /// A real number in `range` (the message states the range and unit).
    func double(_ key: String, unit: String, _ range: ClosedRange<Double>, openLower: Bool = false) throws -> Double? {
        guard let node = values[key] else { return nil }
        guard node.scalar != nil, let x = node.float, !isNull(node), node.bool == nil || node.int != nil else {
            throw error(key, "expected a number in \(unit), got \(shown(node))")
        }
        let unitText = unit.isEmpty ? "" : " \(unit)"
        if openLower ? !(x > range.lowerBound && x <= range.upperBound) : !range.contains(x) {
            let lower = openLower ? "> \(range.lowerBound)" : "≥ \(range.lowerBound)"
            let upper = range.upperBound.isFinite ? " and ≤ \(range.upperBound)" : ""
            throw error(key, "\(x)\(unitText) is out of range (must be \(lower)\(upper)\(unitText))")
        }
        return x
    }

    /// An integer in `range`; integral reals such as `1e6` are accepted.
    func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let node = values[key] else { return nil }
        var value = node.int
        if value == nil, let x = node.float, x.rounded() == x, abs(x) < 9e15 { value = Int(x) }
        guard node.scalar != nil, let v = value, !isNull(node) else { throw error(key, "expected an integer, got \(shown(node))") }
        guard range.contains(v) else {
            let upper = range.upperBound == Int.max ? "" : " and ≤ \(range.upperBound)"
            throw error(key, "\(v) is out of range (must be ≥ \(range.lowerBound)\(upper))")
        }
        return v
    }

    func bool(_ key: String) throws -> Bool? {
        guard let node = values[key] else { return nil }
        guard node.scalar != nil, let b = node.bool else { throw error(key, "expected true or false, got \(shown(node))") }
        return b
    }

    /// One of the raw values of `E`; a misspelling gets a suggestion.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws -> E? where E.RawValue == String {
        guard let text = try string(key) else { return nil }
        if let value = E(rawValue: text) { return value }
        throw error(key, Self.unknownValue(text, options: E.allCases.map(\.rawValue)))
    }

    /// The message for a word that is not among `options`: the family it names when it is the
    /// start of several options (`nvt` → `nvt-langevin, nvt-csvr, …`), else the closest option,
    /// else the full list.
    static func unknownValue(_ text: String, options: [String], unavailable: [(prefix: String, message: String)] = []) -> String {
        let lower = text.lowercased()
        if let match = options.first(where: { $0 == lower }) { return "unknown value '\(text)' (values are lower case: '\(match)')" }
        if let missing = unavailable.first(where: { lower.hasPrefix($0.prefix) }) {
            return "'\(text)': \(missing.message) (valid: \(options.joined(separator: ", ")))"
        }
        let family = options.filter { $0.hasPrefix(lower + "-") }
        if !family.isEmpty {
            return "unknown value '\(text)' (did you mean one of \(family.joined(separator: ", "))?)"
        }
        if let s = EditDistance.suggestion(for: text, among: options) { return "unknown value '\(text)' (did you mean '\(s)'?)" }
        return "unknown value '\(text)' (valid: \(options.joined(separator: ", ")))"
    }

    /// An `md.ensemble` value.
    func ensemble(_ key: String) throws -> EnsembleDefinition? {
        guard let text = try string(key) else { return nil }
        if let value = EnsembleDefinition.named(text) { return value }
        throw error(key, Self.unknownValue(text, options: EnsembleDefinition.all.map(\.name),
                                           unavailable: EnsembleDefinition.unavailable))
    }

    /// The keys given in this section, with their lines.
    var givenKeys: [(key: String, line: Int?)] { values.keys.sorted().map { ($0, lines[$0]) } }

    /// The YAML line of `key`, or of the section when absent.
    func line(of key: String) -> Int? { lines[key] ?? line }

    /// A list of exactly `count` flags, each written 0/1 or false/true (e.g. a strain mask).
    func flags(_ key: String, count: Int, meaning: String) throws -> [Bool]? {
        guard let node = values[key] else { return nil }
        let usage = "expected a list of \(count) flags (0 or 1) for \(meaning)"
        guard let sequence = node.sequence else { throw error(key, "\(usage), got \(shown(node))") }
        guard sequence.count == count else { throw error(key, "\(usage), got \(sequence.count)") }
        return try sequence.map { item in
            if let v = item.int, v == 0 || v == 1 { return v == 1 }
            if item.scalar != nil, let b = item.bool { return b }
            throw error(key, "\(usage), got \(shown(item)) in it")
        }
    }

    /// A number, or a list of six numbers (Voigt order), each in `range`: one number gives the
    /// hydrostatic tensor (x, x, x, 0, 0, 0).
    func numberOrVoigt(_ key: String, unit: String, _ range: ClosedRange<Double>) throws -> [Double]? {
        guard let node = values[key] else { return nil }
        let usage = "expected a number in \(unit) or a list of six (xx, yy, zz, yz, xz, xy)"
        func number(_ item: Node) throws -> Double {
            guard item.scalar != nil, let x = item.float, !isNull(item), item.bool == nil || item.int != nil else {
                throw error(key, "\(usage), got \(shown(item))")
            }
            guard range.contains(x) else {
                throw error(key, "\(x) \(unit) is out of range (must be ≥ \(range.lowerBound) and ≤ \(range.upperBound) \(unit))")
            }
            return x
        }
        if let sequence = node.sequence {
            guard sequence.count == 6 else { throw error(key, "\(usage), got a list of \(sequence.count)") }
            return try sequence.map(number)
        }
        let x = try number(node)
        return [x, x, x, 0, 0, 0]
    }

    /// A list of integers, each in `range`.
    func intList(_ key: String, _ range: ClosedRange<Int>) throws -> [Int]? {
        guard let node = values[key] else { return nil }
        guard let sequence = node.sequence else { throw error(key, "expected a list of integers like [0, 1, 5], got \(shown(node))") }
        var seen = Set<Int>()
        return try sequence.map { item in
            guard let v = item.int else { throw error(key, "expected a list of integers, got \(shown(item)) in it") }
            guard range.contains(v) else { throw error(key, "index \(v) is out of range (must be ≥ \(range.lowerBound))") }
            guard seen.insert(v).inserted else { throw error(key, "index \(v) appears twice") }
            return v
        }
    }

    /// The sub-mapping under `key`, read against its own keys.
    func section(_ key: String, allowed: [String], elsewhere: [String] = []) throws -> YAMLSection? {
        guard let node = values[key] else { return nil }
        return try YAMLSection(node, file: file, name: dotted(key), allowed: allowed, elsewhere: elsewhere)
    }
}
