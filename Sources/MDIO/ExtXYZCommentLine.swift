/// The comment (second) line of an extended XYZ frame as a list of `key=value` pairs.
///
/// Grammar (libextxyz and ASE's `key_val_str_to_dict`): pairs are separated by whitespace;
/// a value may be wrapped in `"..."`, `'...'`, `{...}` or `[...]` to hold spaces; a backslash
/// takes the next character literally (`\"` is a quote inside a quoted value); whitespace around
/// `=` is allowed; a key without `=` is a bare key meaning `T`.
enum ExtXYZCommentLine {
    /// The raw pairs (key, unquoted value text), in order; bare keys get the value `T`.
    static func split(_ line: String) -> [(key: String, value: String)] {
        let closing: [Character: Character] = ["\"": "\"", "'": "'", "{": "}", "[": "]"]
        // Each pair is a list of fields: the key, then the value (more fields if '=' repeats).
        var pairs: [[String]] = [[""]]
        var delimiter: Character?
        var escaped = false
        for ch in line.trimmingWhitespace() {
            if escaped {
                pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1].append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if let d = delimiter {
                if ch == d { delimiter = nil } else { pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1].append(ch) }
            } else if let d = closing[ch] {
                delimiter = d
            } else if ch.isWhitespace {
                if pairs[pairs.count - 1].last?.isEmpty ?? true { continue }
                pairs.append([""])
            } else if ch == "=" {
                // `key = value`: a pair that has only just started belongs to the previous key.
                if pairs.count > 1, pairs[pairs.count - 1] == [""] { pairs.removeLast() }
                pairs[pairs.count - 1].append("")
            } else {
                pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1].append(ch)
            }
        }
        return pairs.compactMap { fields in
            guard !(fields.count == 1 && fields[0].isEmpty) else { return nil }
            if fields.count == 1 { return (fields[0], "T") }
            return (fields[0], fields.dropFirst().joined(separator: "="))
        }
    }

    /// `key=value` with the value quoted when it holds characters the grammar would split on;
    /// backslashes and double quotes inside are escaped.
    static func pair(_ key: String, _ value: String) -> String {
        "\(key)=\(quoted(value))"
    }

    static func quoted(_ value: String) -> String {
        let special: Set<Character> = [" ", "\t", "\"", "'", "{", "}", "[", "]", "=", ",", "\\"]
        guard value.isEmpty || value.contains(where: { special.contains($0) }) else { return value }
        var out = "\""
        for ch in value {
            if ch == "\\" || ch == "\"" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }

    /// Whether `key` can be written unquoted and read back as the same key.
    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.first, first.isLetter || first == "_" else { return false }
        return key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, CR).
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
