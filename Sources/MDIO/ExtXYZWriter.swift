import MDCore

/// Writes frames to an extended XYZ file in the layout ASE writes and reads back:
///
///     4
///     Lattice="4.05 0.0 0.0 0.0 4.05 0.0 0.0 0.0 4.05" Properties=species:S:1:pos:R:3:forces:R:3 energy=-13.5 stress="…9 numbers…" pbc="T T T"
///     Al       0.01686632       0.07036361      -0.07270122      -0.01689522      -0.22057260      -0.25398049
///
/// Columns: `species`, `pos` (Å), then `masses` (amu; only when they differ from the element
/// masses), `momenta` (amu·Å/t₀, when the frame has velocities), `forces` (eV/Å), then the
/// frame's extra arrays. Each frame is flushed after it is written, so a killed run leaves
/// every finished frame in the file.
public final class ExtXYZWriter {
    /// The path as given.
    public var path: String { file.path }
    /// Digits after the decimal point of real columns (ASE writes 8).
    public let fractionDigits: Int
    private let file: TextOutputFile

    /// Opens `path` in `mode` (`.createNew` refuses to touch an existing file; `.append` continues it).
    /// - Parameter fractionDigits: decimals of real per-atom columns (positions, forces, …), default 8.
    public init(path: String, mode: OutputMode = .createNew, fractionDigits: Int = 8) throws {
        file = try TextOutputFile(path: path, mode: mode)
        self.fractionDigits = max(1, min(fractionDigits, 17))
    }

    /// Writes all frames to `path` (a new file unless `mode` says otherwise) and closes it.
    public static func write(_ frames: [StructureRecord], to path: String, mode: OutputMode = .createNew) throws {
        let writer = try ExtXYZWriter(path: path, mode: mode)
        for frame in frames { try writer.write(frame) }
        try writer.close()
    }

    /// Appends one frame and flushes it.
    public func write(_ frame: StructureRecord) throws {
        let n = frame.system.count
        let columns = try perAtomColumns(frame)
        let realFormat = Array("%\(fractionDigits + 8).\(fractionDigits)f".utf8CString)
        let intFormat = Array("%8ld".utf8CString)
        let symbols = frame.system.symbols.map { $0.padding(to: 2) }
        let perLine = 3 + columns.reduce(0) { $0 + $1.width }
        var text = TextBuffer(reservingCapacity: 256 + n * (4 + perLine * (fractionDigits + 9)))
        text.append("\(n)\n")
        text.append(try commentLine(frame) + "\n")
        let space: UInt8 = 32
        for i in 0..<n {
            text.append(symbols[i])
            let x = frame.system.positions[i]
            for c in 0..<3 { text.append(byte: space); text.append(x[c], format: realFormat) }
            for column in columns {
                for c in 0..<column.width {
                    let k = i * column.width + c
                    text.append(byte: space)
                    switch column.values {
                    case .real(let v): text.append(v[k], format: realFormat)
                    case .integer(let v): text.append(v[k], format: intFormat)
                    case .logical(let v): text.append(v[k] ? " T" : " F")
                    case .string(let v): text.append(v[k])
                    }
                }
            }
            text.append(byte: 10)
        }
        try file.write(bytes: text.bytes)
        try file.flush()
    }

    /// Flushes and closes the file.
    public func close() throws { try file.close() }

    func commentLine(_ frame: StructureRecord) throws -> String {
        var parts: [String] = []
        let cell = frame.system.cell
        if cell.vectors != .zero {
            parts.append(ExtXYZCommentLine.pair("Lattice", ExtXYZValue.matrix(cell.vectors.transposed).unquotedText))
        }
        let columns = try perAtomColumns(frame)
        let properties = [("species", "S", 1), ("pos", "R", 3)].map { "\($0.0):\($0.1):\($0.2)" }
            + columns.map { "\($0.name):\($0.values.typeLetter):\($0.width)" }
        parts.append("Properties=" + properties.joined(separator: ":"))
        for entry in frame.info {
            let reserved: Set<String> = ["Lattice", "Properties", "pbc", "energy", "stress"]
            guard !reserved.contains(entry.key) else {
                throw error("info key '\(entry.key)' is reserved; set the frame's \(entry.key) instead")
            }
            guard ExtXYZCommentLine.isValidKey(entry.key) else { throw error("info key '\(entry.key)' is not a valid key") }
            let text = entry.value.unquotedText
            guard !text.contains(where: { $0 == "\n" || $0 == "\r" }) else {
                throw error("info value of '\(entry.key)' contains a line break")
            }
            parts.append(ExtXYZCommentLine.pair(entry.key, text))
        }
        if let energy = frame.energy { parts.append(ExtXYZCommentLine.pair("energy", ExtXYZValue.double(energy).unquotedText)) }
        if let stress = frame.stress { parts.append(ExtXYZCommentLine.pair("stress", ExtXYZValue.matrix(stress).unquotedText)) }
        parts.append(ExtXYZCommentLine.pair("pbc", ExtXYZValue.boolArray(cell.pbc.asArray).unquotedText))
        return parts.joined(separator: " ")
    }

    /// The columns after species and pos, checked against the atom count.
    func perAtomColumns(_ frame: StructureRecord) throws -> [ExtXYZArray] {
        let system = frame.system
        let n = system.count
        var columns: [ExtXYZArray] = []
        let defaultMasses = system.atomicNumbers.map { (try? Element(atomicNumber: $0).mass) ?? 0 }
        if system.masses != defaultMasses {
            columns.append(ExtXYZArray(name: "masses", width: 1, values: .real(system.masses)))
        }
        if frame.hasVelocities {
            // p = m v t₀: amu·Å/fs → amu·Å per ASE time unit.
            let p = (0..<n).flatMap { i -> [Double] in
                let v = system.masses[i] * Units.naturalTimeInFemtoseconds * system.velocities[i]
                return [v.x, v.y, v.z]
            }
            columns.append(ExtXYZArray(name: "momenta", width: 3, values: .real(p)))
        }
        if let forces = frame.forces {
            guard forces.count == n else { throw error("frame has \(n) atoms but \(forces.count) forces") }
            columns.append(ExtXYZArray(name: "forces", width: 3, values: .real(forces.flatMap { [$0.x, $0.y, $0.z] })))
        }
        let reserved: Set<String> = ["species", "pos", "Z", "masses", "momenta", "forces"]
        for array in frame.arrays {
            guard !reserved.contains(array.name) else { throw error("extra array name '\(array.name)' is reserved") }
            guard ExtXYZCommentLine.isValidKey(array.name) else { throw error("extra array name '\(array.name)' is not a valid name") }
            guard array.width >= 1, array.values.count == n * array.width else {
                throw error("extra array '\(array.name)' has \(array.values.count) values, expected \(n) atoms × \(array.width)")
            }
            if case .string(let s) = array.values, s.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
                throw error("extra array '\(array.name)' has an empty string or one with whitespace")
            }
            columns.append(array)
        }
        return columns
    }

    private func error(_ message: String) -> StructureFileError { StructureFileError(file: path, line: nil, message: message) }
}

extension String {
    /// The string left-aligned in `width` characters (not truncated).
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
