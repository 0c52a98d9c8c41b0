/// A run-file key with the Swift type and default of its value: the single declaration that
/// ``RunFile``'s properties take their defaults from and the parser reads with.
public struct Setting<Value: Sendable>: Sendable {
    /// The key (name, type, unit, range, scope, doc).
    public let key: RunFileKey
    /// The value when the key is absent.
    public let defaultValue: Value

    /// Declares a key; README shows `defaultValue` unless `shownDefault` says otherwise.
    init(_ section: RunFileKey.Section, _ name: String, _ type: RunFileKey.ValueType, unit: String = "",
         default defaultValue: Value, shownDefault: String? = nil, scope: RunFileKey.Scope, doc: String,
         noEffectHint: String? = nil) {
        self.defaultValue = defaultValue
        key = RunFileKey(section, name, type, unit: unit,
                         default: shownDefault ?? Self.show(defaultValue), scope: scope, doc: doc,
                         noEffectHint: noEffectHint)
    }

    /// The default as README writes it.
    private static func show(_ value: Value) -> String {
        switch value {
        case let x as Double: return RunFileKey.ValueType.short(x)
        case let x as Int: return String(x)
        case let x as Bool: return x ? "`true`" : "`false`"
        case let x as String: return "`\(x)`"
        case let x as any RawRepresentable: return "`\(x.rawValue)`"
        case let x as EnsembleDefinition: return "`\(x.name)`"
        case let x as [Int]: return x.isEmpty ? "`[]`" : "\(x)"
        case let x as [Double]: return Set(x.prefix(3)).count == 1 && x.dropFirst(3).allSatisfy { $0 == 0 }
            ? RunFileKey.ValueType.short(x[0]) : "\(x)"
        default: return "none"
        }
    }
}
