/// The per-frame `key=value` pairs of an extended XYZ comment line, in file order
/// (except `Lattice`, `Properties`, `pbc`, `energy` and `stress`, which `StructureRecord` holds).
public struct ExtXYZInfo: Equatable, Sendable, Sequence {
    /// One key and its value.
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: ExtXYZValue
        public init(key: String, value: ExtXYZValue) { self.key = key; self.value = value }
    }

    /// The entries in order; keys are unique.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Builds the info from pairs; a later pair with the same key replaces the earlier value.
    public init(_ pairs: [(String, ExtXYZValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The value for `key`; setting `nil` removes the key, setting a new key appends it.
    public subscript(key: String) -> ExtXYZValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// The keys in order.
    public var keys: [String] { entries.map(\.key) }

    public var count: Int { entries.count }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
