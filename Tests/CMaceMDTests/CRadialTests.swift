import Foundation
import Testing
import MDCore
@testable import CMaceMD

/// `macemd_load_radial`: the fast radial mode through the C API, exact when not asked for.
@Suite struct CRadialTests {
    func load(_ radial: String?) -> (status: Int32, model: OpaquePointer?, message: String) {
        var model: OpaquePointer?
        var buffer = [CChar](repeating: 0, count: 512)
        let status = buffer.withUnsafeMutableBufferPointer {
            macemd_load_radial(CModel.path("copper"), "float64", nil, radial, &model, $0.baseAddress!, 512)
        }
        return (status, model, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    @Test func radialModeIsChosenAtLoad() throws {
        for (name, mode) in [(nil, RadialMode.exact), ("", .exact), ("exact", .exact), ("spline", .spline)] {
            let r = load(name)
            #expect(r.status == CStatus.ok, "\(r.message)")
            let handle = try ModelHandle.from(r.model)
            #expect(handle.potential.radialMode == mode, "radial \(name ?? "NULL")")
            macemd_free(r.model)
        }
        var model: OpaquePointer?
        #expect(macemd_load(CModel.path("copper"), nil, nil, &model, nil, 0) == CStatus.ok)
        #expect(try ModelHandle.from(model).potential.radialMode == .exact, "macemd_load is exact")
        macemd_free(model)
    }

    @Test func unknownRadialModeIsNamed() {
        let r = load("quintic")
        #expect(r.status == CStatus.error && r.model == nil)
        #expect(r.message.contains("quintic"), "\(r.message)")
    }
}
