import ArgumentParser
import Foundation
import MDSimulation

/// `macemd plot STATS -o FILE.svg`
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot a stats log (energies, temperature, pressure or max force) as SVG.")

    @Argument(help: "A stats log written by `macemd run`.")
    var stats: String

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    @Option(help: "Figure title (default: the stats file name).")
    var title: String?

    func run() throws {
        do {
            guard output.lowercased().hasSuffix(".svg") else {
                throw ValidationError("only SVG output is supported: give -o FILE.svg")
            }
            let url = URL(fileURLWithPath: stats)
            let plot = try StatsPlot(table: try StatsTable(contentsOf: url), title: title ?? url.lastPathComponent)
            try Data(plot.svg().utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            print("wrote \(output)")
        } catch {
            failAndExit(error)
        }
    }
}
