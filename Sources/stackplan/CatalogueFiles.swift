import Foundation
import StackPlanCore
import StackPlanInterchange
import StackPlanStore

/// Catalogue files by their extension: `.csv` in the layout of docs/csv-format.md, anything else
/// as a `stackplan/1` JSON document. Keeps each CSV's reader so that problems the store finds,
/// reported by JSON path, can be moved back to the CSV's lines and columns.
struct CatalogueFiles {
    private var sheets: [String: CatalogueCSV] = [:]

    static func isCSV(_ file: String) -> Bool { file.lowercased().hasSuffix(".csv") }

    /// `before` is what the file may refer to: the stored catalogue with the documents read before it.
    mutating func read(_ file: String, before: @autoclosure () throws -> Catalogue) throws -> (catalogue: Catalogue, file: String?) {
        let data = try readFile(file)
        guard Self.isCSV(file) else { return (try CatalogueDocument.read(data, file: file, resolvingAgainst: try before()), file) }
        let context = try before()
        let sheet = try CatalogueCSV(data, file: file, baseCurrency: context.baseCurrency, resolvingAgainst: context)
        sheets[file] = sheet
        return (sheet.catalogue, file)
    }

    func locate(_ invalid: InvalidDocument) -> InvalidDocument {
        guard let file = invalid.file, let sheet = sheets[file] else { return invalid }
        return sheet.locate(invalid)
    }
}
