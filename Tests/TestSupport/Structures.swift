import MDCore

/// fcc argon: `repeats`³ conventional cells of edge `latticeConstant` (Å), 4·repeats³ atoms.
public func fccArgon(repeats: Int, latticeConstant: Double = 5.26) throws -> AtomicSystem {
    try Crystal.fcc(atomicNumber: 18, latticeConstant: latticeConstant, repeats: repeats)
}
