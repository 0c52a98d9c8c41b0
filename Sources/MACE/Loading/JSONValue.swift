import Foundation

/// A parsed JSON value of the model configuration with typed, throwing accessors whose errors
/// name the key path (e.g. "config.layers[1].correlation").
struct JSONNode {
    let value: Any?
    let path: String

    init(_ value: Any?, path: String) {
        self.value = value
        self.path = path
    }

    init(parsing text: String, path: String) throws {
        guard let data = text.data(using: .utf8),
              let v = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw MACEError.invalidModel("\(path) is not valid JSON")
        }
        self.init(v, path: path)
    }

    subscript(key: String) -> JSONNode { JSONNode((value as? [String: Any])?[key], path: "\(path).\(key)") }

    var isNull: Bool { value == nil || value is NSNull }
    var exists: Bool { !isNull }

    func fail(_ what: String) -> MACEError { .invalidModel("\(path): expected \(what)") }

    func string() throws -> String { guard let s = value as? String else { throw fail("a string") }; return s }
    func double() throws -> Double {
        guard let n = value as? NSNumber, !(value is Bool) || true else { throw fail("a number") }
        return n.doubleValue
    }
    func int() throws -> Int {
        guard let n = value as? NSNumber else { throw fail("an integer") }
        return n.intValue
    }
    func bool() throws -> Bool { guard let b = value as? Bool else { throw fail("a boolean") }; return b }
    func array() throws -> [JSONNode] {
        guard let a = value as? [Any] else { throw fail("an array") }
        return a.enumerated().map { JSONNode($0.element, path: "\(path)[\($0.offset)]") }
    }
    func doubles() throws -> [Double] { try array().map { try $0.double() } }
    func ints() throws -> [Int] { try array().map { try $0.int() } }
    func keys() throws -> [String] {
        guard let d = value as? [String: Any] else { throw fail("an object") }
        return d.keys.sorted()
    }

    /// Irreps from an entry {"str": ..., "list": [[mul, l, p], ...]}.
    func irreps() throws -> Irreps {
        let list = try self["list"].array()
        return Irreps(try list.map { entry in
            let v = try entry.ints()
            guard v.count == 3, v[0] >= 0, v[1] >= 0, abs(v[2]) == 1 else { throw entry.fail("[mul, l, parity]") }
            return (v[0], Irrep(l: v[1], parity: v[2]))
        })
    }
}
