/// One `data_` block of a CIF file: its single tag–value pairs and its loops, with the line of
/// every value (tags are lower-cased; CIF tags are case-insensitive).
///
/// Tokens are whitespace-separated words, `'quoted'` or `"quoted"` strings (a quote closes
/// only before whitespace) and `;` text fields (from a line starting with `;` to the next such
/// line); `#` starts a comment outside a string.
struct CIFBlock {
    struct Value { var text: String; var line: Int }
    struct Loop {
        var tags: [String]
        var rows: [[Value]]
        /// The line of `loop_`.
        var line: Int
    }
    var name: String
    var values: [String: Value] = [:]
    var loops: [Loop] = []

    var hasAtomSites: Bool {
        loops.contains { $0.tags.contains("_atom_site_fract_x") || $0.tags.contains("_atom_site_cartn_x") }
    }

    /// A CIF number: `3.61`, `-0.25`, `1e-3`, with an optional uncertainty `3.6149(2)`; nil for
    /// `?`, `.` and text.
    static func number(_ text: String) -> Double? {
        let core = text.firstIndex(of: "(").map { String(text[..<$0]) } ?? text
        return Double(core)
    }

    /// The blocks of `text`, in file order.
    static func blocks(of text: String, file: String) throws -> [CIFBlock] {
        let tokens = try tokenize(text, file: file)
        var blocks: [CIFBlock] = []
        var k = 0
        func fail(_ line: Int, _ message: String) -> StructureFileError { StructureFileError(file: file, line: line, message: message) }
        while k < tokens.count {
            let token = tokens[k]
            let lower = token.text.lowercased()
            if !token.quoted, lower.hasPrefix("data_") {
                blocks.append(CIFBlock(name: String(token.text.dropFirst(5))))
                k += 1
                continue
            }
            guard !blocks.isEmpty else { throw fail(token.line, "expected 'data_' before '\(token.text)'") }
            if !token.quoted, lower == "loop_" {
                var tags: [String] = []
                k += 1
                while k < tokens.count, !tokens[k].quoted, tokens[k].text.hasPrefix("_") {
                    tags.append(tokens[k].text.lowercased()); k += 1
                }
                guard !tags.isEmpty else { throw fail(token.line, "loop_ without tags") }
                var values: [Value] = []
                while k < tokens.count, tokens[k].quoted || !isKeyword(tokens[k].text) {
                    values.append(Value(text: tokens[k].text, line: tokens[k].line)); k += 1
                }
                guard values.count % tags.count == 0 else {
                    throw fail(token.line, "loop_ with \(tags.count) tags has \(values.count) values, not a multiple of \(tags.count)")
                }
                let rows = stride(from: 0, to: values.count, by: tags.count).map { Array(values[$0..<($0 + tags.count)]) }
                blocks[blocks.count - 1].loops.append(Loop(tags: tags, rows: rows, line: token.line))
                continue
            }
            guard !token.quoted, token.text.hasPrefix("_") else {
                throw fail(token.line, "expected a tag (_name), loop_ or data_, got '\(token.text)'")
            }
            guard k + 1 < tokens.count, tokens[k + 1].quoted || !isKeyword(tokens[k + 1].text) else {
                throw fail(token.line, "\(token.text) has no value")
            }
            blocks[blocks.count - 1].values[lower] = Value(text: tokens[k + 1].text, line: tokens[k + 1].line)
            k += 2
        }
        return blocks
    }

    /// Tags, `loop_`, `data_`, `save_`, `global_` and `stop_` end a run of values.
    private static func isKeyword(_ text: String) -> Bool {
        let lower = text.lowercased()
        return text.hasPrefix("_") || lower == "loop_" || lower.hasPrefix("data_") || lower.hasPrefix("save_")
            || lower == "global_" || lower == "stop_"
    }

    struct Token { var text: String; var line: Int; var quoted: Bool }

    private static func tokenize(_ text: String, file: String) throws -> [Token] {
        var tokens: [Token] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var n = 0
        while n < lines.count {
            let line = lines[n]
            if line.hasPrefix(";") {
                // Text field: up to a line that starts with ';'.
                var body = [String(line.dropFirst())]
                let start = n + 1
                n += 1
                while n < lines.count, !lines[n].hasPrefix(";") { body.append(String(lines[n])); n += 1 }
                guard n < lines.count else { throw StructureFileError(file: file, line: start, message: "text field (;) is not closed") }
                tokens.append(Token(text: body.joined(separator: "\n"), line: start, quoted: true))
                n += 1
                continue
            }
            let chars = Array(line)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c.isWhitespace { i += 1; continue }
                if c == "#" { break }
                if c == "'" || c == "\"" {
                    var j = i + 1
                    while j < chars.count, !(chars[j] == c && (j + 1 == chars.count || chars[j + 1].isWhitespace)) { j += 1 }
                    guard j < chars.count else {
                        throw StructureFileError(file: file, line: n + 1, message: "string starting with \(c) is not closed")
                    }
                    tokens.append(Token(text: String(chars[(i + 1)..<j]), line: n + 1, quoted: true))
                    i = j + 1
                    continue
                }
                var j = i
                while j < chars.count, !chars[j].isWhitespace { j += 1 }
                tokens.append(Token(text: String(chars[i..<j]), line: n + 1, quoted: false))
                i = j
            }
            n += 1
        }
        return tokens
    }
}

/// A crystallographic symmetry operation x' = R x + t on fractional coordinates, read from its
/// CIF form, e.g. `-y+1/2, x-y, z+0.25`.
struct SymmetryOperation {
    var rotation: [[Double]]
    var translation: SIMD3<Double>

    static let identity = SymmetryOperation(rotation: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], translation: .zero)

    init(rotation: [[Double]], translation: SIMD3<Double>) {
        self.rotation = rotation; self.translation = translation
    }

    /// Parses three comma-separated components of ±x, ±y, ±z terms (with optional integer
    /// factors, `2x`) and constants (`1/2`, `0.25`); nil when malformed.
    init?(_ text: String) {
        let parts = text.lowercased().filter { !$0.isWhitespace }.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var rotation = [[Double]](repeating: [0, 0, 0], count: 3)
        var translation = SIMD3<Double>.zero
        for (row, part) in parts.enumerated() {
            guard !part.isEmpty else { return nil }
            // Split into signed terms: "-x+1/2" → ["-x", "+1/2"].
            var terms: [Substring] = []
            var start = part.startIndex
            for i in part.indices where i > part.startIndex && (part[i] == "+" || part[i] == "-") {
                terms.append(part[start..<i]); start = i
            }
            terms.append(part[start...])
            for var term in terms {
                var sign = 1.0
                if term.first == "+" { term = term.dropFirst() } else if term.first == "-" { sign = -1; term = term.dropFirst() }
                if let axis = term.last.flatMap({ "xyz".firstIndex(of: $0) }) {
                    let column = "xyz".distance(from: "xyz".startIndex, to: axis)
                    var factor = String(term.dropLast())
                    if factor.hasSuffix("*") { factor.removeLast() }
                    guard let f = factor.isEmpty ? 1 : Double(factor) else { return nil }
                    rotation[row][column] += sign * f
                } else if let slash = term.firstIndex(of: "/") {
                    guard let a = Double(term[..<slash]), let b = Double(term[term.index(after: slash)...]), b != 0 else { return nil }
                    translation[row] += sign * a / b
                } else {
                    guard let a = Double(term) else { return nil }
                    translation[row] += sign * a
                }
            }
        }
        self.init(rotation: rotation, translation: translation)
    }

    /// ((R p) + (t mod 1)) mod 1, as ASE computes the orbit of a site.
    func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        var q = SIMD3<Double>.zero
        for i in 0..<3 {
            let t = translation[i] - (translation[i]).rounded(.down)
            let x = rotation[i][0] * p.x + rotation[i][1] * p.y + rotation[i][2] * p.z + t
            q[i] = x - x.rounded(.down)
        }
        return q
    }

    /// Whether two fractional positions are the same site modulo lattice translations
    /// (every component within 10⁻³ after removing whole cells, ASE's `symprec`).
    static func coincide(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Bool {
        let d = a - b
        return (0..<3).allSatisfy { abs(d[$0] - d[$0].rounded(.toNearestOrEven)) < 1e-3 }
    }
}
