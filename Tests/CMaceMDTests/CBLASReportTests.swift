import Foundation
import MACE
import Testing
@testable import CMaceMD

/// `macemd_blas()` names the OpenBLAS kernels the library's matrix products run on.
@Suite struct CBLASReportTests {
    @Test func blasLineNamesTheKernelsInUse() throws {
        let line = String(cString: macemd_blas())
        let library = try OpenBLASLibrary.shared()
        #expect(line == library.summary)
        #expect(line.hasPrefix("OpenBLAS kernels: \(library.core) ("), "\(line)")
    }
}
