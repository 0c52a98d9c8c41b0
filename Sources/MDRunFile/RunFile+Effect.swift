/// Which keys have an effect in a run: a key given where it changes nothing is an error, so
/// that a run never silently does something other than what the file asks.
extension RunFile {
    /// Why `key` has no effect in this run (task, ensemble, cell relaxation), or nil when it has one.
    public func noEffectReason(_ key: RunFileKey) -> String? {
        func taskReason(_ needed: Task) -> String? {
            task == needed ? nil : "has no effect with task: \(task.rawValue) (it applies to task: \(needed.rawValue))"
        }
        switch key.scope {
        case .always:
            return nil
        case .task(let needed):
            return taskReason(needed)
        case .ensembleKey:
            if let reason = taskReason(.md) { return reason }
            guard !md.ensemble.keys.contains(key) else { return nil }
            let readers = EnsembleDefinition.all.filter { $0.keys.contains(key) }.map(\.name)
            var reason = "has no effect with ensemble \(md.ensemble.name) (it is read by \(readers.joined(separator: ", ")))"
            if let hint = key.noEffectHint { reason += "; \(hint)" }
            return reason
        case .randomSeed:
            if let reason = taskReason(.md) { return reason }
            let drawsRandomNumbers = md.ensemble.isStochastic || md.ensemble.isThermostatted || md.initialTemperatureK != nil
            return drawsRandomNumbers ? nil
                : "has no effect: ensemble \(md.ensemble.name) draws no random numbers and md.initial_temperature_K is not set"
        case .cellRelaxation:
            if !relax.cell { return "has no effect without 'cell: true' in relax" }
            return taskReason(.relax)
        }
    }

    /// The keys the file gave that have no effect in this run, with the reason, in schema order.
    public func ineffectiveKeys() -> [(key: RunFileKey, reason: String)] {
        RunFileSchema.keys.compactMap { key in
            guard gave(key), let reason = noEffectReason(key) else { return nil }
            return (key, reason)
        }
    }

    /// Throws for the first key (or whole section) with no effect, naming the others.
    static func rejectIneffectiveKeys(_ run: RunFile, sections: [YAMLSection], top: YAMLSection) throws {
        let ineffective = run.ineffectiveKeys()
        guard let first = ineffective.first else { return }
        let section = sections.first { $0.name == first.key.section.rawValue } ?? top
        // A whole md: or relax: block for the other task is one mistake, reported as such.
        if let task = Task(rawValue: first.key.section.rawValue), task != run.task {
            let keys = ineffective.filter { $0.key.section == first.key.section }.map(\.key.dotted)
            throw RunFileError(file: top.file, line: top.line(of: task.rawValue), key: task.rawValue,
                               message: "\(task.rawValue): the \(task.rawValue) section has no effect with task: "
                                   + "\(run.task.rawValue) (it sets \(keys.joined(separator: ", "))); remove it or set task: \(task.rawValue)")
        }
        var message = "\(first.key.dotted): \(first.reason)"
        if ineffective.count > 1 {
            message += " (also without effect: \(ineffective.dropFirst().map(\.key.dotted).joined(separator: ", ")))"
        }
        throw RunFileError(file: top.file, line: section.line(of: first.key.name), key: first.key.dotted, message: message)
    }

    /// Warnings for values that are valid but probably not meant.
    static func plausibilityWarnings(_ run: RunFile, sections: [YAMLSection]) -> [RunFileError] {
        var warnings: [RunFileError] = []
        let timestep = RunFileSchema.MD.timestep.key
        if run.task == .md, run.gave(timestep), run.md.timestepFs < implausibleTimestepFs,
           let md = sections.first(where: { $0.name == "md" }) {
            warnings.append(md.error(timestep.name, "\(run.md.timestepFs) fs is an unusually small time step; "
                + "timestep_fs is in femtoseconds (\(run.md.timestepFs) ps would be \(run.md.timestepFs * 1000) fs)"))
        }
        return warnings
    }
}
