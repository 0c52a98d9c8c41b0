import MDCore

/// The atom lines of one frame, parsed column group by column group as `Properties` declares,
/// then turned into an `StructureRecord` (`species`/`Z`, `pos`, `masses`, `momenta`, `forces` are
/// taken out; every other group becomes an `ExtXYZArray`).
struct ExtXYZColumnTable {
    let properties: ExtXYZProperties
    let atomCount: Int
    /// One column group's values while reading; only the array of its type is used. (Kept as
    /// separate arrays, not as `ExtXYZArray.Values`, so that appending never copies.)
    struct Buffer {
        var type: Character
        var reals: [Double] = []
        var integers: [Int] = []
        var strings: [String] = []
        var logicals: [Bool] = []

        var values: ExtXYZArray.Values {
            switch type {
            case "R": .real(reals)
            case "I": .integer(integers)
            case "L": .logical(logicals)
            default: .string(strings)
            }
        }
    }

    private(set) var buffers: [Buffer]

    init(properties: ExtXYZProperties, atomCount: Int) {
        self.properties = properties
        self.atomCount = atomCount
        buffers = properties.properties.map { p in
            var b = Buffer(type: p.type)
            let n = atomCount * p.width
            switch p.type {
            case "R": b.reals.reserveCapacity(n)
            case "I": b.integers.reserveCapacity(n)
            case "L": b.logicals.reserveCapacity(n)
            default: b.strings.reserveCapacity(n)
            }
            return b
        }
    }

    /// Parses one atom line; the message names the column and its property.
    mutating func append(line: String) throws(ExtXYZValueError) {
        let fields = Self.fields(line)
        guard fields.count == properties.columnCount else {
            throw ExtXYZValueError("atom line has \(fields.count) columns but Properties=\(properties.text) declares \(properties.columnCount)")
        }
        var column = 0
        for (g, p) in properties.properties.enumerated() {
            for _ in 0..<p.width {
                let text = fields[column]
                column += 1
                let where_ = { "in column \(column) (\(p.name))" }
                switch p.type {
                case "R":
                    guard let x = Double(text) else { throw ExtXYZValueError("bad real number '\(text)' \(where_())") }
                    buffers[g].reals.append(x)
                case "I":
                    guard let x = Int(text) else { throw ExtXYZValueError("bad integer '\(text)' \(where_())") }
                    buffers[g].integers.append(x)
                case "L":
                    guard let x = Self.logical(text) else {
                        throw ExtXYZValueError("bad logical '\(text)' \(where_()) (expected T or F)")
                    }
                    buffers[g].logicals.append(x)
                default:
                    buffers[g].strings.append(String(text))
                }
            }
        }
    }

    /// The frame: structure from the special columns and the header, the rest as arrays.
    func frame(header: ExtXYZReader.Header) throws -> StructureRecord {
        var numbers: [Int]?
        var symbols: [String]?
        var positions: [SIMD3<Double>]?
        var masses: [Double]?
        var momenta: [SIMD3<Double>]?
        var forces: [SIMD3<Double>]?
        var arrays: [ExtXYZArray] = []
        for (p, values) in zip(properties.properties, buffers.map(\.values)) {
            switch (p.name, values, p.width) {
            case ("species", .string(let s), 1): symbols = s
            case ("Z", .integer(let z), 1): numbers = z
            case ("pos", .real(let x), 3): positions = Self.vectors(x)
            case ("masses", .real(let m), 1): masses = m
            case ("momenta", .real(let x), 3): momenta = Self.vectors(x)
            case ("forces", .real(let x), 3): forces = Self.vectors(x)
            case ("species", _, _), ("Z", _, _), ("pos", _, _), ("masses", _, _), ("momenta", _, _), ("forces", _, _):
                let expected = ["species": "S:1", "Z": "I:1", "pos": "R:3", "masses": "R:1", "momenta": "R:3", "forces": "R:3"][p.name] ?? ""
                throw ExtXYZValueError("Properties declares \(p.name):\(p.type):\(p.width); expected \(p.name):\(expected)")
            default:
                arrays.append(ExtXYZArray(name: p.name, width: p.width, values: values))
            }
        }
        guard let positions else { throw ExtXYZValueError("Properties=\(properties.text) has no pos:R:3 column") }
        if numbers == nil {
            guard let symbols else { throw ExtXYZValueError("Properties=\(properties.text) has no species:S:1 or Z:I:1 column") }
            numbers = try symbols.enumerated().map { i, s throws(ExtXYZValueError) in
                do { return try Element(symbol: s).atomicNumber } catch { throw ExtXYZValueError("unknown element '\(s)'", atom: i) }
            }
        }
        let z = numbers ?? []
        let elementMasses = try z.enumerated().map { i, n throws(ExtXYZValueError) in
            do { return try Element(atomicNumber: n).mass } catch { throw ExtXYZValueError("unknown atomic number \(n) in column Z", atom: i) }
        }
        let m = masses ?? elementMasses
        var velocities: [SIMD3<Double>]?
        if let momenta {
            // v [Å/fs] = p / (m t₀), p in amu·Å per ASE time unit t₀ = naturalTimeInFemtoseconds fs.
            velocities = zip(momenta, m).map { $0 / ($1 * Units.naturalTimeInFemtoseconds) }
        }
        let pbc = header.pbc ?? (header.lattice == nil ? Periodicity.none : Periodicity.all)
        let cell = Cell(vectors: header.lattice ?? .zero, pbc: pbc)
        let system: AtomicSystem
        do {
            system = try AtomicSystem(atomicNumbers: z, positions: positions, cell: cell, masses: m, velocities: velocities)
        } catch let error as StructureError {
            switch error {
            case .nonFiniteCoordinate(let atom, _), .nonPositiveMass(let atom, _): throw ExtXYZValueError("\(error)", atom: atom)
            default: throw ExtXYZValueError("\(error)")
            }
        } catch {
            throw ExtXYZValueError("\(error)")
        }
        return StructureRecord(system: system, hasVelocities: momenta != nil, info: header.info, arrays: arrays,
                           energy: header.energy, forces: forces, stress: header.stress)
    }

    /// The whitespace-separated fields of a line (space, tab, CR), split on the UTF-8 bytes,
    /// which is much faster than splitting on Characters.
    static func fields(_ line: String) -> [Substring] {
        var out: [Substring] = []
        let bytes = line.utf8
        var start: String.Index?
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            let blank = b == 32 || b == 9 || b == 13 || b == 11 || b == 12
            if blank {
                if let s = start { out.append(line[s..<i]); start = nil }
            } else if start == nil {
                start = i
            }
            i = bytes.index(after: i)
        }
        if let s = start { out.append(line[s..<bytes.endIndex]) }
        return out
    }

    static func logical(_ text: Substring) -> Bool? {
        switch text {
        case "T", "True": true
        case "F", "False": false
        default: nil
        }
    }

    static func vectors(_ flat: [Double]) -> [SIMD3<Double>] {
        stride(from: 0, to: flat.count, by: 3).map { SIMD3(flat[$0], flat[$0 + 1], flat[$0 + 2]) }
    }
}
