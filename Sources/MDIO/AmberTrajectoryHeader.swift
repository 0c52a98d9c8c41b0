import CNetCDF
import MDCore

extension AmberTrajectoryWriter {
    /// Global attributes the AMBER convention defines; metadata never replaces them.
    static let reservedAttributes: Set = ["Conventions", "ConventionVersion", "program", "programVersion", "title", "application"]

    /// Defines dimensions, variables and attributes of a new file, writes the labels and atom
    /// types, leaves define mode and syncs. Returns the variable ids by name.
    static func defineHeader(_ file: NetCDFFile, atomicNumbers: [Int], cell: Bool, origin: Bool = false,
                             velocities: Bool, forces: Bool, programVersion: String,
                             attributes: [String: String] = [:]) throws -> [String: Int32] {
        try file.putAttribute("Conventions", "AMBER")
        try file.putAttribute("ConventionVersion", "1.0")
        try file.putAttribute("program", "MaceMD")
        try file.putAttribute("programVersion", programVersion)
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) where !Self.reservedAttributes.contains(name) {
            try file.putAttribute(name, value)
        }
        let frame = try file.defineDimension("frame", length: Int(NC_UNLIMITED))
        let spatial = try file.defineDimension("spatial", length: 3)
        let atom = try file.defineDimension("atom", length: atomicNumbers.count)
        let cellSpatial = try file.defineDimension("cell_spatial", length: 3)
        let cellAngular = try file.defineDimension("cell_angular", length: 3)
        let label = try file.defineDimension("label", length: 5)

        var ids: [String: Int32] = [:]
        ids["spatial"] = try file.defineVariable("spatial", type: nc_type(NC_CHAR), dimensions: [spatial])
        ids["cell_spatial"] = try file.defineVariable("cell_spatial", type: nc_type(NC_CHAR), dimensions: [cellSpatial])
        ids["cell_angular"] = try file.defineVariable("cell_angular", type: nc_type(NC_CHAR), dimensions: [cellAngular, label])
        let time = try file.defineVariable("time", type: nc_type(NC_FLOAT), dimensions: [frame])
        try file.putAttribute("units", "picosecond", variable: time)
        ids["time"] = time
        let coordinates = try file.defineVariable("coordinates", type: nc_type(NC_FLOAT), dimensions: [frame, atom, spatial])
        try file.putAttribute("units", "angstrom", variable: coordinates)
        ids["coordinates"] = coordinates
        if cell {
            let lengths = try file.defineVariable("cell_lengths", type: nc_type(NC_DOUBLE), dimensions: [frame, cellSpatial])
            try file.putAttribute("units", "angstrom", variable: lengths)
            ids["cell_lengths"] = lengths
            let angles = try file.defineVariable("cell_angles", type: nc_type(NC_DOUBLE), dimensions: [frame, cellAngular])
            try file.putAttribute("units", "degree", variable: angles)
            ids["cell_angles"] = angles
            if origin {
                // Not part of the AMBER convention; ASE's NetCDFTrajectory and OVITO read it.
                let corner = try file.defineVariable("cell_origin", type: nc_type(NC_DOUBLE), dimensions: [frame, cellSpatial])
                try file.putAttribute("units", "angstrom", variable: corner)
                ids["cell_origin"] = corner
            }
        }
        if velocities {
            let v = try file.defineVariable("velocities", type: nc_type(NC_FLOAT), dimensions: [frame, atom, spatial])
            try file.putAttribute("units", "angstrom/picosecond", variable: v)
            ids["velocities"] = v
        }
        if forces {
            let f = try file.defineVariable("forces", type: nc_type(NC_FLOAT), dimensions: [frame, atom, spatial])
            try file.putAttribute("units", "kilocalorie/mole/angstrom", variable: f)
            ids["forces"] = f
        }
        let types = try file.defineVariable("atom_types", type: nc_type(NC_INT), dimensions: [atom])
        try file.putAttribute("long_name", "atomic number", variable: types)
        ids["atom_types"] = types
        try file.endDefine()

        let (spatialLabels, cellSpatialLabels, cellAngularLabels) = (ids["spatial"] ?? -1, ids["cell_spatial"] ?? -1, ids["cell_angular"] ?? -1)
        try file.put(spatialLabels, "spatial", start: [0], count: [3], text: "xyz")
        try file.put(cellSpatialLabels, "cell_spatial", start: [0], count: [3], text: "abc")
        try file.put(cellAngularLabels, "cell_angular", start: [0, 0], count: [3, 5], text: "alphabeta gamma")
        if !atomicNumbers.isEmpty {
            try file.put(types, "atom_types", start: [0], count: [atomicNumbers.count], ints: atomicNumbers.map { Int32($0) })
        }
        try file.sync()
        return ids
    }

    /// Checks that an existing file is an AMBER trajectory of the same atoms; returns its frame count.
    static func checkExisting(_ file: NetCDFFile, atomicNumbers: [Int], ids: [String: Int32]) throws -> Int {
        guard try file.textAttribute("Conventions")?.split(separator: ",").contains(where: { $0.trimmingWhitespace() == "AMBER" }) == true else {
            throw file.failure("append", "not an AMBER trajectory (no Conventions=\"AMBER\" attribute)")
        }
        let atoms = try file.dimensionLength("atom")
        guard atoms == atomicNumbers.count else {
            throw file.failure("append", "the file has \(atoms) atoms but the system has \(atomicNumbers.count)")
        }
        if atoms > 0, let types = ids["atom_types"] {
            let stored = try file.getInts(types, "atom_types", start: [0], count: [atoms])
            guard stored.map(Int.init) == atomicNumbers else {
                throw file.failure("append", "the file's atom_types (atomic numbers) differ from the system's")
            }
        }
        return try file.dimensionLength("frame")
    }
}
