/// The `Properties=name:TYPE:width:...` declaration of the per-atom columns of a frame.
/// TYPE is `R` (real), `I` (integer), `S` (string) or `L` (logical: T/F/True/False).
/// Without a `Properties` key a frame has `species:S:1:pos:R:3`.
struct ExtXYZProperties: Equatable {
    struct Property: Equatable {
        var name: String
        var type: Character
        var width: Int
    }

    var properties: [Property]

    /// The default of plain XYZ files.
    static let plain = ExtXYZProperties(properties: [
        Property(name: "species", type: "S", width: 1), Property(name: "pos", type: "R", width: 3),
    ])

    init(properties: [Property]) { self.properties = properties }

    /// Parses `species:S:1:pos:R:3`; the message says what is wrong.
    init(parsing text: String) throws(ExtXYZValueError) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count % 3 == 0, !fields.isEmpty else {
            throw ExtXYZValueError("Properties '\(text)' is not a list of name:TYPE:width triples")
        }
        var list: [Property] = []
        for k in stride(from: 0, to: fields.count, by: 3) {
            let (name, type, width) = (fields[k], fields[k + 1], fields[k + 2])
            guard !name.isEmpty else { throw ExtXYZValueError("Properties '\(text)' has an empty name") }
            guard type.count == 1, let t = type.first, "RISL".contains(t) else {
                throw ExtXYZValueError("Properties: '\(name)' has type '\(type)'; expected R, I, S or L")
            }
            guard let w = Int(width), w >= 1 else {
                throw ExtXYZValueError("Properties: '\(name)' has width '\(width)'; expected a positive integer")
            }
            if list.contains(where: { $0.name == name }) {
                throw ExtXYZValueError("Properties: '\(name)' appears twice")
            }
            list.append(Property(name: name, type: t, width: w))
        }
        properties = list
    }

    /// The number of whitespace-separated columns of each atom line.
    var columnCount: Int { properties.reduce(0) { $0 + $1.width } }

    /// `species:S:1:pos:R:3`.
    var text: String { properties.map { "\($0.name):\($0.type):\($0.width)" }.joined(separator: ":") }
}
