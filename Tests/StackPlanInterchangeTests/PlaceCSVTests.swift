import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

/// Places in CSV catalogues: a `place` column, and a sixth part of each offering.
@Suite struct PlaceCSVTests {
    static let header = "id,title,provider,providerName,providerCountry,kind,ects,eqf,mode,languages,place,offerings"

    func sheet(_ rows: [String]) -> Data { Data(([Self.header] + rows).joined(separator: "\n").utf8) }

    @Test func placesAreReadFromCellsAndWrittenBack() throws {
        let data = sheet([
            "uwe-ipc,IPC,uwe,UWE Bristol,UK,module,10,7,blended,en,UK/Bristol,2027-01-11|4|||bristol;2027-03-01|4|||cork|IE/Cork",
            "uwe-web,Web,uwe,,,module,5,7,online,en,online,",
            "uwe-any,Any,uwe,,,module,5,7,in-person,en,UK,",
        ])
        let catalogue = try CatalogueCSV(data, file: "sheet.csv").catalogue
        let ipc = try #require(catalogue.credential("uwe-ipc"))
        #expect(ipc.place == .at(Locality(country: "UK", city: "Bristol")))
        #expect(ipc.offerings.map(\.place) == [nil, .at(Locality(country: "IE", city: "Cork"))])
        #expect(catalogue.credential("uwe-web")?.place == .online)
        #expect(catalogue.credential("uwe-any")?.place == .at(Locality(country: "UK")))

        let written = CatalogueCSV.write(catalogue)
        #expect(written.omitted.isEmpty, "\(written.omitted)")
        #expect(written.text.contains("2027-01-11|4|||bristol;2027-03-01|4|||cork|IE/Cork"))
        let again = try CatalogueCSV(Data(written.text.utf8), file: "again.csv").catalogue
        #expect(again == catalogue)
    }

    @Test func aBadPlaceCellIsReportedAtItsCell() {
        let data = sheet(["a,A,uwe,UWE Bristol,UK,module,10,7,blended,en,Bristol,"])
        let error = #expect(throws: InvalidDocument.self) { try CatalogueCSV(data, file: "sheet.csv") }
        let issue = error?.issues.first
        #expect(issue?.path.hasPrefix("line 2, column 11 (place)") == true, "\(String(describing: error))")
        #expect(issue?.message.contains("two-letter country code") == true)
    }
}
