import Foundation
import Testing
@testable import MACE

/// Builds safetensors bytes for a header JSON string and raw data.
func safetensorsBytes(header: String, data: [UInt8]) -> Data {
    var bytes = [UInt8]()
    let h = Array(header.utf8)
    var n = UInt64(h.count)
    for _ in 0..<8 { bytes.append(UInt8(n & 0xff)); n >>= 8 }
    return Data(bytes + h + data)
}

@Test func safetensorsReadsF64AndF32() throws {
    var data = [UInt8]()
    for v in [1.5, -2.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }
    withUnsafeBytes(of: Float(0.25).bitPattern.littleEndian) { data += $0 }
    let header = #"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[],"data_offsets":[16,20]},"__metadata__":{"k":"v"}}"#
    let file = try SafetensorsFile(data: safetensorsBytes(header: header, data: data), source: "x.safetensors")
    #expect(try file.tensor("a").values == [1.5, -2.0])
    #expect(try file.tensor("b").values == [0.25])
    #expect(try file.tensor("b").shape == [])
    #expect(file.metadata["k"] == "v")
}

@Test func safetensorsRejectsTruncatedFile() {
    let header = #"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#
    let bad = safetensorsBytes(header: header, data: [0, 0, 0, 0])
    #expect {
        try SafetensorsFile(data: bad, source: "model.safetensors")
    } throws: { error in
        "\(error)".contains("model.safetensors") && "\(error)".contains("truncated")
    }
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(data: Data([1, 2, 3]), source: "tiny") }
}

@Test func safetensorsRejectsMissingTensor() throws {
    let file = try SafetensorsFile(data: safetensorsBytes(header: "{}", data: []), source: "empty.safetensors")
    #expect(throws: SafetensorsError.self) { try file.tensor("nope") }
}
