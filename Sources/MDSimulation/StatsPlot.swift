import Foundation

/// Draws a stats log as an SVG figure: stacked panels sharing the x axis.
///
/// For MD logs the x axis is time (ps) and the panels are energies (potential, total,
/// conserved; eV), temperature (K) and, when present, pressure (GPa). For relaxation logs
/// the x axis is the step and the panels are the potential energy and the largest force.
public struct StatsPlot {
    /// One panel: a y-axis label and the named series drawn in it.
    public struct Panel {
        public var label: String
        public var series: [(name: String, values: [Double])]
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
        if let t = table.column("temperature_K") { panels.append(Panel(label: "temperature (K)", series: [("T", t)])) }
        if let p = table.column("pressure_GPa") { panels.append(Panel(label: "pressure (GPa)", series: [("p", p)])) }
        if let f = table.column("fmax_eV_per_A") { panels.append(Panel(label: "max force (eV/Å)", series: [("fmax", f)])) }
        if let v = table.column("volume_A3"), table.column("time_fs") == nil {
            panels.append(Panel(label: "volume (Å³)", series: [("V", v)]))
        }
        guard !panels.isEmpty else { throw StatsPlotError.nothingToPlot(columns: table.columns) }
        guard !x.isEmpty else { throw StatsPlotError.noRows }
        self.panels = panels
    }

    /// The SVG document.
    public func svg(width: Double = 720, panelHeight: Double = 190) -> String {
        let left = 80.0, right = 20.0, top = 40.0, gap = 30.0, bottom = 50.0
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
            let all = panel.series.flatMap(\.values).filter(\.isFinite)
            let (yMin, yMax) = StatsPlot.range(all)
            func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotWidth }
            func py(_ v: Double) -> Double { y0 + panelHeight - (v - yMin) / (yMax - yMin) * panelHeight }
            out += "<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(plotWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#444\"/>\n"
            for t in StatsPlot.ticks(yMin, yMax) {
                out += "<line x1=\"\(left - 4)\" x2=\"\(left + plotWidth)\" y1=\"\(py(t))\" y2=\"\(py(t))\" stroke=\"#ddd\"/>"
                out += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(StatsPlot.label(t))</text>\n"
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
                let points = zip(x, series.values).filter { $0.1.isFinite }
                    .map { String(format: "%.2f,%.2f", px($0.0), py($0.1)) }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.3\" points=\"\(points)\"/>\n"
                if panel.series.count > 1 {
                    let lx = left + plotWidth - 110, ly = y0 + 16 + Double(s) * 16
                    out += "<line x1=\"\(lx)\" x2=\"\(lx + 18)\" y1=\"\(ly - 4)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                    out += "<text x=\"\(lx + 24)\" y=\"\(ly)\">\(escape(series.name))</text>\n"
                }
            }
        }
        out += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n</svg>\n"
        return out
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
