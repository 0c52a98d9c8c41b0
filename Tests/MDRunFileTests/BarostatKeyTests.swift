import Foundation
import MDCore
import MDDynamics
import Testing
import TestSupport
@testable import MDRunFile

/// The barostat keys of `npt-crescale`, `npt-mtk` and `npt-berendsen`: values, defaults and the errors of
/// combinations the barostat cannot honour.
@Suite struct BarostatKeyTests {
    func parse(_ md: String) throws -> RunFile {
        let dir = try TestFiles.scratchDirectory()
        try "1\n\nH 0 0 0\n".write(to: dir.appendingPathComponent("water.xyz"), atomically: true, encoding: .utf8)
        return try RunFile.parse(yaml: "structure: water.xyz\nmd:\n" + md, file: "run.yaml", baseDirectory: dir.path)
    }

    func message(_ md: String) -> String {
        do { _ = try parse(md); return "no error" } catch { return "\(error)" }
    }

    @Test func defaultsAndConversions() throws {
        let run = try parse("  ensemble: npt-crescale\n")
        guard case let .cellRescaling(temperature, thermostat, barostat) = run.md.integratorEnsemble else {
            Issue.record("not C-rescale: \(run.md.integratorEnsemble)"); return
        }
        #expect(temperature == 300 && thermostat == .csvr(timeConstant: 100))
        #expect(barostat.timeConstant == 1000 && barostat.coupling == .isotropic && barostat.targetPressure == .zero)
        #expect(abs(barostat.compressibility * 10 / Units.gigapascalPerEVPerCubicAngstrom - 1) < 1e-12)   // 10 GPa
    }

    @Test func frictionChoosesLangevinAndVoigtTargetsAreTensors() throws {
        let run = try parse("  ensemble: npt-crescale\n  friction_per_ps: 2\n  pressure_GPa: [1, 2, 3, 0.4, 0.5, 0.6]\n"
                            + "  pressure_coupling: triclinic\n")
        guard case let .cellRescaling(_, thermostat, barostat) = run.md.integratorEnsemble else {
            Issue.record("not C-rescale"); return
        }
        #expect(thermostat == .langevin(friction: 2))
        let gpa = Units.gigapascalPerEVPerCubicAngstrom
        let p = barostat.targetPressure
        #expect(abs(p[0, 0] * gpa - 1) < 1e-12 && abs(p[2, 2] * gpa - 3) < 1e-12)
        #expect(abs(p[1, 2] * gpa - 0.4) < 1e-12 && abs(p[0, 2] * gpa - 0.5) < 1e-12 && abs(p[0, 1] * gpa - 0.6) < 1e-12)
        #expect(p[1, 0] == p[0, 1])
        let hydrostatic = try parse("  ensemble: npt-berendsen\n  pressure_GPa: 2\n").md.barostat.targetPressure
        #expect(abs(hydrostatic[1, 1] * gpa - 2) < 1e-12 && hydrostatic[0, 1] == 0)
    }

    /// `npt-mtk` runs the isotropic MTK barostat by default and the flexible-cell one for
    /// anisotropic or triclinic coupling, with the target tensor, mask and barostat period.
    @Test func mtkCouplingChoosesTheBarostat() throws {
        guard case let .mtk(_, _, _, pressure, barostatTime) = try parse("  ensemble: npt-mtk\n  pressure_GPa: 2\n").md.integratorEnsemble else {
            Issue.record("not isotropic MTK"); return
        }
        #expect(abs(pressure * Units.gigapascalPerEVPerCubicAngstrom - 2) < 1e-12 && barostatTime == 1000)
        let run = try parse("  ensemble: npt-mtk\n  pressure_GPa: [1, 2, 3, 0, 0, 0.6]\n  pressure_coupling: triclinic\n"
                            + "  cell_mask: [1, 1, 0, 0, 0, 1]\n  barostat_time_fs: 300\n  nose_hoover_chain: 4\n")
        guard case let .mtkCell(_, _, chainLength, barostat) = run.md.integratorEnsemble else {
            Issue.record("not flexible-cell MTK: \(run.md.integratorEnsemble)"); return
        }
        #expect(chainLength == 4 && barostat.timeConstant == 300 && barostat.coupling == .triclinic)
        #expect(barostat.mask == [true, true, false, false, false, true])
        #expect(abs(barostat.targetPressure[0, 1] * Units.gigapascalPerEVPerCubicAngstrom - 0.6) < 1e-12)
    }

    /// `pressure_coupling: semi-isotropic` reaches every barostat (MTK through the flexible-cell one),
    /// and the combinations it cannot honour name their key.
    @Test func semiIsotropicCouplingForEveryBarostat() throws {
        for ensemble in ["npt-crescale", "npt-berendsen", "npt-mtk"] {
            let run = try parse("  ensemble: \(ensemble)\n  pressure_GPa: [0.1, 0.1, 0.5, 0, 0, 0]\n"
                                + "  pressure_coupling: semi-isotropic\n")
            let barostat: BarostatParameters
            switch run.md.integratorEnsemble {
            case .cellRescaling(_, _, let b), .berendsenPressure(_, _, let b), .mtkCell(_, _, _, let b): barostat = b
            default: Issue.record("\(ensemble): \(run.md.integratorEnsemble)"); continue
            }
            #expect(barostat.coupling == .semiIsotropic && barostat.mask == [true, true, true, false, false, false])
            #expect(abs(barostat.targetPressure[2, 2] * Units.gigapascalPerEVPerCubicAngstrom - 0.5) < 1e-12)
        }
        #expect(message("  ensemble: npt-crescale\n  pressure_coupling: semi-isotropic\n  cell_mask: [1, 0, 1, 0, 0, 0]\n")
                == "run.yaml:5: md.cell_mask: semi-isotropic coupling scales x and y together: give xx and yy the same flag "
                + "(md.pressure_coupling: semi-isotropic)")
        #expect(message("  ensemble: npt-mtk\n  pressure_coupling: semi-isotropic\n  pressure_GPa: [0.1, 0.2, 0.5, 0, 0, 0]\n")
                == "run.yaml:5: md.pressure_GPa: semi-isotropic coupling needs the same target for xx and yy; use "
                + "anisotropic coupling (md.pressure_coupling: semi-isotropic)")
        #expect(message("  ensemble: npt-berendsen\n  pressure_coupling: semiisotropic\n").hasPrefix(
            "run.yaml:4: md.pressure_coupling:"))
    }

    @Test func combinationsTheBarostatCannotHonourAreErrors() {
        #expect(message("  ensemble: npt-crescale\n  friction_per_ps: 2\n  thermostat_time_fs: 50\n")
                == "run.yaml:4: md.friction_per_ps: give either friction_per_ps (Langevin) or thermostat_time_fs (CSVR, "
                + "the default) for npt-crescale, not both")
        #expect(message("  ensemble: npt-crescale\n  cell_mask: [1, 1, 0, 0, 0, 0]\n").hasPrefix(
            "run.yaml:4: md.cell_mask: isotropic coupling scales the whole cell"))
        #expect(message("  ensemble: npt-crescale\n  pressure_coupling: anisotropic\n  cell_mask: [1, 1, 1, 0, 0, 1]\n")
            .hasPrefix("run.yaml:5: md.cell_mask: anisotropic coupling cannot change the strain component xy"))
        #expect(message("  ensemble: npt-crescale\n  pressure_GPa: [1, 1, 2, 0, 0, 0]\n").hasPrefix(
            "run.yaml:4: md.pressure_GPa: isotropic coupling needs a hydrostatic target pressure"))
        #expect(message("  ensemble: npt-crescale\n  pressure_GPa: [1, 1, 2]\n")
                == "run.yaml:4: md.pressure_GPa: expected a number in GPa or a list of six (xx, yy, zz, yz, xz, xy), got a list of 3")
        #expect(message("  ensemble: nvt-csvr\n  pressure_GPa: 1\n").hasPrefix(
            "run.yaml:4: md.pressure_GPa: has no effect with ensemble nvt-csvr (it is read by npt-crescale, npt-mtk, npt-berendsen)"))
        #expect(message("  ensemble: npt-mtk\n  pressure_GPa: [1, 1, 2, 0, 0, 0]\n").hasPrefix(
            "run.yaml:4: md.pressure_GPa: isotropic coupling needs a hydrostatic target pressure"))
        #expect(message("  ensemble: npt-mtk\n  pressure_coupling: anisotropic\n  cell_mask: [1, 1, 1, 0, 0, 1]\n")
            .hasPrefix("run.yaml:5: md.cell_mask: anisotropic coupling cannot change the strain component xy"))
        #expect(message("  ensemble: npt-mtk\n  bulk_modulus_GPa: 2\n").hasPrefix(
            "run.yaml:4: md.bulk_modulus_GPa: has no effect with ensemble npt-mtk"))
        #expect(message("  ensemble: npt-berendsen\n  friction_per_ps: 1\n").hasPrefix(
            "run.yaml:4: md.friction_per_ps: has no effect with ensemble npt-berendsen"))
    }
}
