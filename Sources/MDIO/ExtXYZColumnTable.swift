import MDCore

/// The atom lines of one frame, parsed column group by column group as `Properties` declares,
/// then turned into an `ExtXYZFrame` (`species`/`Z`, `pos`, `masses`, `momenta`, `forces` are
/// taken out; every other group becomes an `ExtXYZArray`).
struct ExtXYZColumnTable {
    let properties: ExtXYZProperties
    let atomCount: Int
    private(set) var columns: [ExtXYZArray.Values]

    init(properties: ExtXYZProperties, atomCount: Int) {
        self.properties = properties
        self.atomCount = atomCount
        columns = properties.properties.map { p in
            switch p.type {
            case "R": .real([])
            case "I": .integer([])
            case "L": .logical([])
            default: .string([])
            }
        }
    }

    /// Parses one atom line; the message names the column and its property.
    mutating func append(line: String) throws(ExtXYZValueError) {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count == properties.columnCount else {
            throw ExtXYZValueError("atom line has \(fields.count) columns but Properties=\(properties.text) declares \(properties.columnCount)")
        }
        var column = 0
        for (g, p) in properties.properties.enumerated() {
            for _ in 0..<p.width {
                let text = String(fields[column])
                column += 1
                let where_ = "in column \(column) (\(p.name))"
                switch columns[g] {
                case .real(var v):
                    guard let x = Double(text) else { throw ExtXYZValueError("bad real number '\(text)' \(where_)") }
                    v.append(x); columns[g] = .real(v)
                case .integer(var v):
                    guard let x = Int(text) else { throw ExtXYZValueError("bad integer '\(text)' \(where_)") }
                    v.append(x); columns[g] = .integer(v)
                case .logical(var v):
                    guard let x = ["T": true, "F": false, "True": true, "False": false][text] else {
                        throw ExtXYZValueError("bad logical '\(text)' \(where_) (expected T or F)")
                    }
                    v.append(x); columns[g] = .logical(v)
                case .string(var v):
                    v.append(text); columns[g] = .string(v)
                }
            }
        }
    }

    /// The frame: structure from the special columns and the header, the rest as arrays.
    func frame(header: ExtXYZReader.Header) throws -> ExtXYZFrame {
        var numbers: [Int]?
        var symbols: [String]?
        var positions: [SIMD3<Double>]?
        var masses: [Double]?
        var momenta: [SIMD3<Double>]?
        var forces: [SIMD3<Double>]?
        var arrays: [ExtXYZArray] = []
        for (p, values) in zip(properties.properties, columns) {
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
        return ExtXYZFrame(system: system, hasVelocities: momenta != nil, info: header.info, arrays: arrays,
                           energy: header.energy, forces: forces, stress: header.stress)
    }

    static func vectors(_ flat: [Double]) -> [SIMD3<Double>] {
        stride(from: 0, to: flat.count, by: 3).map { SIMD3(flat[$0], flat[$0 + 1], flat[$0 + 2]) }
    }
}
