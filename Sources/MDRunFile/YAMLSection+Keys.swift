/// Typed reads of declared keys: the key's type decides the accessor, its range and unit
/// the checks and messages.
extension YAMLSection {
    /// The value of a number key, checked against the key's range.
    func read(_ setting: Setting<Double>) throws -> Double? { try number(setting.key) }

    /// The value of an optional number key.
    func read(_ setting: Setting<Double?>) throws -> Double? { try number(setting.key) }

    /// The value of an integer key, checked against the key's range.
    func read(_ setting: Setting<Int>) throws -> Int? {
        guard case let .integer(range) = setting.key.type else { preconditionFailure("\(setting.key) is not an integer key") }
        return try int(setting.key.name, range)
    }

    /// The value of a flag key.
    func read(_ setting: Setting<Bool>) throws -> Bool? { try bool(setting.key.name) }

    /// The value of a choice key as its Swift type.
    func read<E: RawRepresentable & CaseIterable & Sendable>(_ setting: Setting<E>) throws -> E? where E.RawValue == String {
        try choice(setting.key.name, E.self)
    }

    /// A list of atom indices.
    func read(_ setting: Setting<[Int]>) throws -> [Int]? { try intList(setting.key.name, 0...Int.max) }

    /// A list of flags.
    func read(_ setting: Setting<[Bool]?>) throws -> [Bool]? {
        guard case let .flags(count, meaning) = setting.key.type else { preconditionFailure("\(setting.key) is not a flag list") }
        return try flags(setting.key.name, count: count, meaning: meaning)
    }

    /// A number or six Voigt components.
    func read(_ setting: Setting<[Double]>) throws -> [Double]? {
        guard case let .numberOrVoigt(range) = setting.key.type else { preconditionFailure("\(setting.key) is not a Voigt key") }
        return try numberOrVoigt(setting.key.name, unit: setting.key.unit, range)
    }

    /// A text value.
    func read(_ setting: Setting<String?>) throws -> String? { try string(setting.key.name) }

    /// A text value with a default.
    func read(_ setting: Setting<String>) throws -> String? { try string(setting.key.name) }

    private func number(_ key: RunFileKey) throws -> Double? {
        guard case let .number(range, openLower) = key.type else { preconditionFailure("\(key) is not a number key") }
        return try double(key.name, unit: key.unit, range, openLower: openLower)
    }
}
