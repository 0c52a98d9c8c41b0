import Foundation
import MDIO

/// Draws a stats log as an SVG figure: stacked panels sharing the x axis, each panel's legend
/// to the right of it (never over the curves).
///
/// For MD logs the x axis is time (ps) and the panels are energies (potential, total,
/// conserved; eV), temperature (K, with the thermostat's target dashed when the log has
/// `target_temperature_K`) and, when present, pressure (GPa). For relaxation logs the x axis
/// is the step and the panels are the potential energy and the largest force, on a
/// logarithmic axis (it falls by orders of magnitude).
public struct StatsPlot {
    /// One panel: a y-axis label and the named series drawn in it.
    public struct Panel {
        public var label: String
        public var series: [(name: String, values: [Double])]
        /// Logarithmic y axis (positive values only).
        public var logScale = false
        /// Series drawn dashed (reference lines such as a target), by name.
        public var dashed: Set<String> = []
    }

    public var xLabel: String
    public var x: [Double]
    public var panels: [Panel]
    public var title: String

    /// Chooses panels from the columns present in `table`.
    public init(table: StatsTable, title: String) throws {
        self.title = title
        if let timeFs = table.column("time_fs") {
            xLabel = "time (ps)"
            x = timeFs.map { $0 / 1000 }
        } else if let step = table.column("step") {
            xLabel = "step"
            x = step
        } else {
            throw StatsPlotError.noXColumn
        }
        var panels: [Panel] = []
        let energyNames = [("epot_eV", "potential"), ("etot_eV", "total"), ("conserved_eV", "conserved")]
        let energies = energyNames.compactMap { key, name in table.column(key).map { (name, $0) } }
        if !energies.isEmpty { panels.append(Panel(label: "energy (eV)", series: energies)) }
        if let t = table.column("temperature_K") {
            var panel = Panel(label: "temperature (K)", series: [("T", t)])
            if let target = table.column("target_temperature_K") {
                panel.series.append(("target", target))
                panel.dashed = ["target"]
            }
            panels.append(panel)
        }
        if let p = table.column("pressure_GPa") { panels.append(Panel(label: "pressure (GPa)", series: [("p", p)])) }
        if let f = table.column("fmax_eV_per_A") {
            panels.append(Panel(label: "max force (eV/Å)", series: [("fmax", f)], logScale: f.contains { $0 > 0 }))
        }
        if let v = table.column("volume_A3"), table.column("time_fs") == nil {
            panels.append(Panel(label: "volume (Å³)", series: [("V", v)]))
        }
        guard !panels.isEmpty else { throw StatsPlotError.nothingToPlot(columns: table.columns) }
        guard !x.isEmpty else { throw StatsPlotError.noRows }
        self.panels = panels
    }

    /// The SVG document.
    public func svg(width: Double = 760, panelHeight: Double = 190) -> String {
        let left = 80.0, top = 40.0, gap = 30.0, bottom = 50.0
        let hasLegend = panels.contains { $0.series.count > 1 }
        let right = hasLegend ? 110.0 : 20.0   // the legends' column, right of the panels
        let height = top + Double(panels.count) * (panelHeight + gap) - gap + bottom
        let plotWidth = width - left - right
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title))</text>\n
        """
        let (xMin, xMax) = StatsPlot.range(x)
        let xTicks = StatsPlot.ticks(xMin, xMax)
        for (k, panel) in panels.enumerated() {
            let y0 = top + Double(k) * (panelHeight + gap)
            let axis = YAxis(panel)
            func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotWidth }
            func py(_ v: Double) -> Double { y0 + panelHeight - axis.fraction(v) * panelHeight }
            out += "<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(plotWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#444\"/>\n"
            for t in axis.ticks {
                out += "<line x1=\"\(left - 4)\" x2=\"\(left + plotWidth)\" y1=\"\(py(t))\" y2=\"\(py(t))\" stroke=\"#ddd\"/>"
                let text = axis.logScale ? String(format: "%g", t) : StatsPlot.label(t)   // 0.0001, 1e-05
                out += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(text)</text>\n"
            }
            for t in xTicks {
                out += "<line x1=\"\(px(t))\" x2=\"\(px(t))\" y1=\"\(y0)\" y2=\"\(y0 + panelHeight + 4)\" stroke=\"#eee\"/>\n"
                if k == panels.count - 1 {
                    out += "<text x=\"\(px(t))\" y=\"\(y0 + panelHeight + 18)\" text-anchor=\"middle\">\(StatsPlot.label(t))</text>\n"
                }
            }
            out += "<text transform=\"translate(16,\(y0 + panelHeight / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(panel.label))</text>\n"
            for (s, series) in panel.series.enumerated() {
                let color = colors[s % colors.count]
                let dash = panel.dashed.contains(series.name) ? " stroke-dasharray=\"6 4\"" : ""
                let points = zip(x, series.values).filter { axis.contains($0.1) }
                    .map { String(format: "%.2f,%.2f", px($0.0), py($0.1)) }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.3\"\(dash) points=\"\(points)\"/>\n"
                if panel.series.count > 1 {
                    let lx = left + plotWidth + 12, ly = y0 + 16 + Double(s) * 16
                    out += "<line x1=\"\(lx)\" x2=\"\(lx + 18)\" y1=\"\(ly - 4)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
                    out += "<text x=\"\(lx + 24)\" y=\"\(ly)\">\(escape(series.name))</text>\n"
                }
            }
        }
        out += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n</svg>\n"
        return out
    }

    /// A panel's y axis: linear over the padded data range, or logarithmic over whole decades.
    struct YAxis {
        let logScale: Bool
        let low: Double, high: Double   // in log10 units for a log axis
        let ticks: [Double]

        init(_ panel: Panel) {
            let values = panel.series.flatMap(\.values).filter(\.isFinite)
            logScale = panel.logScale
            if logScale {
                let logs = values.filter { $0 > 0 }.map(log10)
                low = floor(logs.min() ?? 0)
                high = max(low + 1, ceil(logs.max() ?? 1))
                ticks = stride(from: low, through: high, by: 1).map { pow(10, $0) }
            } else {
                (low, high) = StatsPlot.range(values)
                ticks = StatsPlot.ticks(low, high)
            }
        }

        /// Whether `v` can be drawn (finite, and positive on a log axis).
        func contains(_ v: Double) -> Bool { v.isFinite && (!logScale || v > 0) }

        /// Height of `v` in the panel, 0 at the bottom and 1 at the top.
        func fraction(_ v: Double) -> Double {
            ((logScale ? log10(v) : v) - low) / (high - low)
        }
    }

    /// The default title: the run's directory (with its parent when it is the usual `out`, e.g.
    /// `water-nvt/out`; with the file name when that is not `stats.log`) and what the log holds:
    /// `water-nvt/out: MD, 2 ps (4001 lines), target 300 K` or `cu-relax/out: relaxation, 77 steps`.
    public static func defaultTitle(statsPath: String, table: StatsTable) -> String {
        let url = URL(fileURLWithPath: statsPath).standardizedFileURL
        let directory = url.deletingLastPathComponent()
        var name = directory.lastPathComponent
        if name == "out" || name == "output" {
            name = directory.deletingLastPathComponent().lastPathComponent + "/" + name
        }
        if url.lastPathComponent != "stats.log" { name += "/" + url.lastPathComponent }
        if let time = table.column("time_fs"), let first = time.first, let last = time.last {
            var title = "\(name): MD, \(label((last - first) / 1000)) ps (\(time.count) lines)"
            if let target = table.column("target_temperature_K")?.last, target.isFinite {
                title += ", target \(label(target)) K"
            }
            return title
        }
        if let steps = table.column("step")?.last {
            return "\(name): relaxation, \(Int(steps)) steps"
        }
        return name
    }

    /// Data range padded by 5 %, never empty.
    static func range(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return (0, 1) }
        if hi - lo < 1e-12 * max(1, abs(hi)) { lo -= 0.5 * max(1e-6, abs(lo) * 1e-3); hi = lo + max(1e-6, abs(lo) * 2e-3) }
        let pad = 0.05 * (hi - lo)
        return (lo - pad, hi + pad)
    }

    /// About five round tick values (1, 2 or 5 × 10^k apart) inside [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = ceil(lo / step) * step
        var result: [Double] = []
        while t <= hi && result.count < 20 { result.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return result
    }

    static func label(_ v: Double) -> String {
        let a = abs(v)
        if a != 0 && (a >= 1e5 || a < 1e-3) { return String(format: "%.2e", v) }
        return String(format: "%g", (v * 1e6).rounded() / 1e6)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Problems turning a stats log into a plot.
public enum StatsPlotError: Error, Equatable, CustomStringConvertible {
    case noXColumn
    case noRows
    case nothingToPlot(columns: [String])

    public var description: String {
        switch self {
        case .noXColumn: return "the stats log has neither a time_fs nor a step column"
        case .noRows: return "the stats log has no data rows"
        case .nothingToPlot(let c): return "no plottable columns (energies, temperature, pressure, fmax) among: \(c.joined(separator: " "))"
        }
    }
}
