
extension AnyIntegrator {
    /// The thermostat's target temperature T₀ in K (nil for NVE), logged as
    /// `target_temperature_K` and drawn by `macemd plot`.
    public var targetTemperature: Double? {
        switch self {
        case .nve: nil
        case .langevin(let x): x.temperature
        case .csvr(let x): x.temperature
        case .noseHoover(let x): x.temperature
        case .berendsen(let x): x.temperature
        case .cellRescaling(let x): x.temperature
        case .berendsenPressure(let x): x.thermostat.temperature
        case .mtk(let x): x.temperature
        case .mtkCell(let x): x.temperature
        }
    }
}
