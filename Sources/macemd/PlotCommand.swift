import ArgumentParser
import Foundation
import MDIO
import MDSimulation

/// `macemd plot STATS -o FILE.svg [--title T] [--overwrite]`
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot a stats log (energies, temperature, pressure or max force) as SVG.")

    @Argument(help: "A stats log written by `macemd run`.")
    var stats: String

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    @Option(help: "Figure title (default: the run's directory and what the log holds).")
    var title: String?

    @Flag(help: "Replace the SVG file if it exists.")
    var overwrite = false

    func run() throws {
        do {
            guard output.lowercased().hasSuffix(".svg") else {
                throw ValidationError("only SVG output is supported: give -o FILE.svg")
            }
            try ExistingOutput.check(output, overwrite: overwrite)
            let table = try StatsTable(contentsOf: URL(fileURLWithPath: stats))
            let plot = try StatsPlot(table: table, title: title ?? StatsPlot.defaultTitle(statsPath: stats, table: table))
            try Data(plot.svg().utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            print("wrote \(output)")
        } catch {
            failAndExit(error)
        }
    }
}
