import ArgumentParser
import MDRunFile

/// `macemd keys`: every run-file key with its type, unit, default, where it acts and meaning.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print every run-file key (type, unit, default, where it has an effect, meaning) as a Markdown table.")

    func run() throws {
        print(RunFileSchema.markdownTable(), terminator: "")
    }
}
