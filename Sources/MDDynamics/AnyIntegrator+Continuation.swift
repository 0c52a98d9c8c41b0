extension AnyIntegrator {
    /// How a continued run relates to the integrator it continues.
    public enum Continuation: Equatable, Sendable {
        /// Same ensemble: thermostat variables and random stream carried over (identical
        /// parameters give a bit-identical continuation).
        case carriedOver
        /// A different ensemble (or Nosé–Hoover chain length): the thermostat starts afresh.
        case startedAfresh
    }

    /// The integrator for `ensemble` and `timeStep` (fs) that continues this one: same ensemble
    /// kind → its thermostat state and random stream are kept with the new parameters;
    /// otherwise a new integrator seeded with `seed`.
    public func continuing(as ensemble: Ensemble, timeStep: Double, seed: UInt64) throws -> (AnyIntegrator, Continuation) {
        let fresh = try AnyIntegrator(ensemble: ensemble, timeStep: timeStep, seed: seed)
        switch (self, fresh) {
        case (.nve, .nve):
            return (fresh, .carriedOver)
        case (.langevin(let old), .langevin(var new)):
            new.adoptState(of: old)
            return (.langevin(new), .carriedOver)
        case (.csvr(let old), .csvr(var new)):
            new.adoptState(of: old)
            return (.csvr(new), .carriedOver)
        case (.noseHoover(let old), .noseHoover(var new)):
            let kept = new.adoptState(of: old)
            return (.noseHoover(new), kept ? .carriedOver : .startedAfresh)
        case (.berendsen(let old), .berendsen(var new)):
            new.adoptState(of: old)
            return (.berendsen(new), .carriedOver)
        case (.cellRescaling(let old), .cellRescaling(var new)):
            let kept = new.adoptState(of: old)
            return kept ? (.cellRescaling(new), .carriedOver) : (fresh, .startedAfresh)
        case (.berendsenPressure(let old), .berendsenPressure(var new)):
            new.adoptState(of: old)
            return (.berendsenPressure(new), .carriedOver)
        case (.mtk(let old), .mtk(var new)):
            let kept = new.adoptState(of: old)
            return kept ? (.mtk(new), .carriedOver) : (fresh, .startedAfresh)
        case (.mtkCell(let old), .mtkCell(var new)):
            let kept = new.adoptState(of: old)
            return kept ? (.mtkCell(new), .carriedOver) : (fresh, .startedAfresh)
        default:
            return (fresh, .startedAfresh)
        }
    }
}
