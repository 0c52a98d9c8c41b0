import Testing
import MDIO
@testable import MDSimulation

@Suite struct StatsPlotTests {
    let md = """
    # step time_fs epot_eV ekin_eV etot_eV temperature_K conserved_eV
    0 0.0 -10.0 0.5 -9.5 300.0 -9.5
    10 5.0 -10.2 0.7 -9.5 420.0 -9.5
    20 10.0 -10.1 0.6 -9.5 360.0 -9.49
    """

    @Test func parsesHeaderAndRows() throws {
        let t = try StatsTable(text: md, name: "md.log")
        #expect(t.columns.count == 7)
        #expect(t.rows.count == 3)
        #expect(t.column("temperature_K") == [300, 420, 360])
        #expect(t.column("pressure_GPa") == nil)
    }

    @Test func repeatedHeaderAfterRestartIsSkipped() throws {
        let text = md + "\n# step time_fs epot_eV ekin_eV etot_eV temperature_K conserved_eV\n30 15.0 -10 0.5 -9.5 300 -9.5\n"
        #expect(try StatsTable(text: text, name: "x").rows.count == 4)
    }

    @Test func badRowsNameFileAndLine() {
        #expect(throws: StatsTableError.badRow(file: "s.log", line: 3, reason: "'abc' is not a number")) {
            try StatsTable(text: "# step epot_eV\n0 1\n1 abc\n", name: "s.log")
        }
        #expect(throws: StatsTableError.missingHeader(file: "s.log")) { try StatsTable(text: "0 1\n", name: "s.log") }
        #expect(throws: StatsTableError.badRow(file: "s.log", line: 2, reason: "1 values for 2 columns")) {
            try StatsTable(text: "# step epot_eV\n0\n", name: "s.log")
        }
    }

    @Test func svgHasOnePanelPerQuantity() throws {
        let plot = try StatsPlot(table: try StatsTable(text: md, name: "md.log"), title: "water")
        #expect(plot.panels.map(\.label) == ["energy (eV)", "temperature (K)"])
        #expect(plot.x == [0, 0.005, 0.01])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)   // 3 energies + T
        #expect(svg.contains("temperature (K)"))
    }

    @Test func relaxationLogPlotsAgainstStep() throws {
        let t = try StatsTable(text: "# step epot_eV fmax_eV_per_A\n0 -3 1.0\n1 -3.2 0.1\n", name: "r.log")
        let plot = try StatsPlot(table: t, title: "relax")
        #expect(plot.xLabel == "step")
        #expect(plot.panels.map(\.label) == ["energy (eV)", "max force (eV/Å)"])
    }

    let nvt = """
          step time_fs epot_eV ekin_eV etot_eV temperature_K conserved_eV target_temperature_K
             0     0.0   -10.0     0.5    -9.5         300.0         -9.5                300.0
            10     5.0   -10.2     0.7    -9.5         420.0         -9.5                300.0
            20    10.0   -10.1     0.6    -9.5         360.0        -9.49                300.0
    """

    /// The x of every `<text>` element whose content is `name`.
    func textX(_ svg: String, _ name: String) -> [Double] {
        svg.components(separatedBy: "<text ").dropFirst().compactMap { element in
            guard element.contains(">\(name)</text>"), let r = element.range(of: "x=\"") else { return nil }
            return Double(element[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// Legends sit right of the panels, never over the curves; the target temperature is a
    /// dashed line with its own legend entry.
    @Test func legendsAreOutsideThePanelsAndTheTargetIsDrawn() throws {
        let plot = try StatsPlot(table: try StatsTable(text: nvt, name: "nvt.log"), title: "water")
        let svg = plot.svg(width: 760)
        let panelRight = try #require(svg.components(separatedBy: "<rect x=\"").dropFirst().compactMap { r -> Double? in
            guard let x = Double(r.prefix { $0 != "\"" }), let w = r.range(of: "width=\"") else { return nil }
            return Double(r[w.upperBound...].prefix { $0 != "\"" }).map { x + $0 }
        }.first)
        for name in ["potential", "total", "conserved", "T", "target"] {
            let xs = textX(svg, name)
            #expect(!xs.isEmpty && xs.allSatisfy { $0 > panelRight }, "legend '\(name)' at \(xs), panel ends at \(panelRight)")
        }
        #expect(plot.panels[1].series.map(\.name) == ["T", "target"])
        #expect(svg.contains("stroke-dasharray"))
    }

    /// The largest force of a relaxation falls by decades: a logarithmic axis with decade ticks.
    @Test func maxForceIsOnALogAxis() throws {
        let t = try StatsTable(text: "step epot_eV fmax_eV_per_A\n0 -3 2.0\n1 -3.2 0.1\n2 -3.25 0.004\n", name: "r.log")
        let plot = try StatsPlot(table: t, title: "relax")
        #expect(plot.panels[1].logScale)
        let svg = plot.svg()
        for decade in ["0.001", "0.01", "0.1", "1", "10"] { #expect(!textX(svg, decade).isEmpty, "no tick \(decade)") }
    }

    @Test func defaultTitleNamesTheRun() throws {
        let md = try StatsTable(text: nvt, name: "nvt.log")
        #expect(StatsPlot.defaultTitle(statsPath: "/runs/water-nvt/out/stats.log", table: md)
                == "water-nvt/out: MD, 0.01 ps (3 lines), target 300 K")
        let relax = try StatsTable(text: "step epot_eV fmax_eV_per_A\n0 -3 1.0\n7 -3.2 0.01\n", name: "r.log")
        #expect(StatsPlot.defaultTitle(statsPath: "/runs/cu/relax.log", table: relax) == "cu/relax.log: relaxation, 7 steps")
    }

    @Test func ticksAreRound() {
        let unit = StatsPlot.ticks(0, 1)
        #expect(unit.count == 6)
        for (k, t) in unit.enumerated() { #expect(abs(t - 0.2 * Double(k)) < 1e-12) }
        #expect(StatsPlot.ticks(-3, 7).allSatisfy { $0.truncatingRemainder(dividingBy: 2) == 0 })
    }

    @Test func progressLine() {
        let s = ProgressReporter.Snapshot(step: 500, totalSteps: 1000, timeFs: 250, temperatureK: 301.2,
                                          potentialEnergyEV: -12.5)
        let line = ProgressReporter.format(s, elapsed: 10, stepsDone: 500, simulatedFs: 250)
        // 250 fs in 10 s = 2.16 ns/day; 500 steps left at 50 steps/s = 10 s.
        #expect(line.contains("2.16 ns/day"))
        #expect(line.contains("ETA 10s"))
        #expect(line.contains("T 301.2 K"))
        #expect(ProgressReporter.formatDuration(3725) == "1h02m")
    }
}
