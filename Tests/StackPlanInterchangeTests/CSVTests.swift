import Foundation
import StackPlanCore
import StackPlanStore
import Testing
@testable import StackPlanInterchange

@Suite struct CSVReaderTests {
    func texts(_ csv: String) throws -> [[String]] { try CSVReader.parse(csv).map { $0.fields.map(\.text) } }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let csv = "id,title,notes\r\na,\"Care, wounds\",\"say \"\"hi\"\"\"\r\nb,\"two\nlines\",\r\n"
        #expect(try texts(csv) == [["id", "title", "notes"], ["a", "Care, wounds", "say \"hi\""], ["b", "two\nlines", ""]])
    }

    @Test func fieldsKnowTheirLineAndColumn() throws {
        let records = try CSVReader.parse("\u{FEFF}a,b\n\"x\ny\",z\nlast,one")
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[0].fields[0].text == "a")
        #expect(records[1].fields[1] == CSVReader.Field(text: "z", line: 3, column: 2))
        #expect(records[2].fields.map(\.text) == ["last", "one"])
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(throws: CSVReader.SyntaxError(line: 2, column: 2, message: "a quoted field is never closed (its closing quote is missing)")) {
            try CSVReader.parse("a,b\nc,\"open\nmore")
        }
        #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.parse("a,b\"c\n") }
        let afterClosingQuote = #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.parse("a,b\n\"x\"y,z\n") }
        #expect(afterClosingQuote?.line == 2 && afterClosingQuote?.column == 1)
    }

    @Test func writtenLinesReadBack() throws {
        let fields = ["plain", "with, comma", "with \"quote\"", "two\r\nlines", " padded ", ""]
        #expect(try texts(CSVReader.line(fields) + "\r\n") == [fields])
    }
}

@Suite struct CatalogueCSVTests {
    static let header = "id,title,provider,providerName,providerCountry,providerAccredited,kind,ects,hours,eqf,cost,currency,mode,languages,competencies,prerequisites,identifiers,# notes"

    func sheet(_ rows: [String]) -> Data { Data(([Self.header] + rows).joined(separator: "\n").utf8) }

    func problems(_ data: Data) -> [ValidationIssue] {
        do {
            _ = try CatalogueCSV(data, file: "sheet.csv")
            return []
        } catch let invalid as InvalidDocument {
            return invalid.issues
        } catch {
            return [ValidationIssue(path: "?", message: "\(error)")]
        }
    }

    @Test func rowsBecomeCredentialsAndProviders() throws {
        let data = sheet([
            "nw-wound,\"Wound care, advanced\",nw,Northwind College,IE,yes,module,5,,7,450,,online,en;ga,wound-care; tissue-viability,,https://nw.example/wound,internal note",
            "nw-leg,Leg ulcer management,nw,,,,module,2.5,60,7,200,GBP,blended,en,wound-care,nw-wound,,",
            "nw-cap,Capstone,nw,Northwind College,IE,true,module,10,,7,900,,online,en,,\"{\"\"anyOf\"\": [{\"\"credential\"\": \"\"nw-wound\"\"}, {\"\"credential\"\": \"\"nw-leg\"\"}]}\",,",
        ])
        let catalogue = try CatalogueCSV(data, file: "sheet.csv", baseCurrency: "EUR").catalogue
        #expect(catalogue.providers == [Provider(id: "nw", name: "Northwind College", country: "IE", accredited: true)])
        #expect(catalogue.credentials.map(\.id) == ["nw-wound", "nw-leg", "nw-cap"])
        let wound = try #require(catalogue.credential("nw-wound"))
        #expect(wound.title == "Wound care, advanced")
        #expect(wound.ects == 5 && wound.hours == nil && wound.eqf == 7 && wound.cost == 450 && wound.currency == nil)
        #expect(wound.languages == ["en", "ga"])
        #expect(wound.competencies == ["wound-care", "tissue-viability"])
        #expect(CatalogueMatcher.identifiers(of: wound) == ["https://nw.example/wound"])
        let leg = try #require(catalogue.credential("nw-leg"))
        #expect(leg.ects == 2.5 && leg.hours == 60 && leg.currency == "GBP" && leg.mode == .blended)
        #expect(leg.prerequisites == .credential("nw-wound"))
        #expect(catalogue.credential("nw-cap")?.prerequisites == .anyOf([.credential("nw-wound"), .credential("nw-leg")]))
    }

    @Test func cellErrorsNameLineAndColumn() {
        let issues = problems(sheet([
            "a,A,nw,Northwind,IE,,module,five,,7,0,,online,en,,,,",
            "b,B,nw,Northwind,IE,maybe,module,5,,7,\"1,200\",,online,en,,,,",
        ]))
        #expect(issues.map(\.path) == ["line 2, column 8 (ects)", "line 3, column 6 (providerAccredited)", "line 3, column 11 (cost)"])
        #expect(issues[0].message == "\"five\" is not a number")
        #expect(issues[2].message.contains("write decimals with a point"))
    }

    @Test func documentRulesAreReportedAtTheirCells() {
        // Rules of the JSON format (a kind it does not know, a missing mode, a non-integer EQF) come back as cells.
        let issues = problems(sheet([
            "a,A,nw,Northwind,IE,,course,5,,7,0,,online,en,,,,",
            "b,B,nw,Northwind,IE,,module,5,,6.5,0,,,en,,,,",
        ]))
        #expect(issues.map(\.path) == ["line 2, column 7 (kind)", "line 3, column 10 (eqf)", "line 3, column 13 (mode)"])
        #expect(issues.allSatisfy { $0.path.hasPrefix("line") })
    }

    @Test func unreadableCellsAndBrokenRulesAreReportedTogether() {
        let issues = problems(sheet(["a,A,nw,Northwind,IE,,course,five,,7,0,,online,en,,,,"]))
        #expect(issues.map(\.path) == ["line 2, column 7 (kind)", "line 2, column 8 (ects)"])
    }

    @Test func givenTheStoredCatalogueEveryProblemComesInOneRound() throws {
        let data = sheet(["a,A,tcd,,,,module,75,,9,\"1,200\",,online,en,,tcd-nu0000,,"])
        do {
            _ = try CatalogueCSV(data, file: "sheet.csv", resolvingAgainst: try Support.bundledCatalogue())
            Issue.record("accepted")
        } catch let invalid as InvalidDocument {
            #expect(invalid.errors.map(\.path) == [
                "line 2, column 8 (ects)", "line 2, column 10 (eqf)", "line 2, column 11 (cost)", "line 2, column 16 (prerequisites)",
            ])
        }
    }

    @Test func lineBreaksInsideTextCellsBecomeSpaces() throws {
        let catalogue = try CatalogueCSV(sheet(["a,\"Pressure injuries:\n  prevention\",nw,Northwind,IE,,skill,,8,6,0,,online,en,,,,"])).catalogue
        #expect(catalogue.credential("a")?.title == "Pressure injuries: prevention")
    }

    @Test func headerProblems() {
        #expect(problems(Data("id,title,provider,eqf,mode,languages\na,A,p,7,online,en\n".utf8)).map(\.path) == ["line 1", "line 1"])
        let unknown = problems(Data("id,title,provider,kind,ECTS,Level,eqf,mode,languages\n".utf8))
        #expect(unknown.map(\.path) == ["line 1, column 6 (Level)"])
        let missing = problems(Data("id,title,provider,eqf,mode,languages\n".utf8))
        #expect(missing.map(\.message) == [
            "has no \"kind\" column; every credential needs id, title, provider, kind, eqf, mode, languages",
            "has neither an \"ects\" nor an \"hours\" column; every credential needs one of them",
        ])
        #expect(problems(Data()).map(\.path) == ["line 1"])
    }

    @Test func rowsWithTooManyFieldsAndDisagreeingProviders() {
        let issues = problems(sheet([
            "a,A,nw,Northwind,IE,,module,5,,7,0,,online,en,,,,",
            "b,Care, wounds,nw,,,,module,5,,7,0,,online,en,,,,",
            "c,C,nw,Northwind College,IE,,module,5,,7,0,,online,en,,,,",
        ]))
        #expect(issues.map(\.path) == ["line 3", "line 4, column 4 (providerName)"])
        #expect(issues[1].message == "describes provider \"nw\" differently from line 2")
    }

    @Test func badRowLeavesTheDatabaseUnchanged() throws {
        let path = Support.temporaryPath(".sqlite")
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try Support.bundledCatalogue())
        let before = try store.catalogue()
        // Two good rows (one new, one replacing a stored credential) and one whose prerequisite does not exist.
        let data = Data(([Self.header] + [
            "nw-wound,Wound care,nw,Northwind College,IE,yes,module,5,,7,450,,online,en,wound-care,,,",
            "tcd-nu7812,Renamed,tcd,,,,programme,10,,7,1185,,online,en,dementia-care,,,",
            "nw-bad,Broken,nw,,,,module,5,,7,0,,online,en,,tcd-nu0000,,",
        ]).joined(separator: "\n").utf8)
        let csv = try CatalogueCSV(data, file: "update.csv", baseCurrency: before.baseCurrency)
        do {
            try store.importCatalogue(csv.catalogue, file: "update.csv")
            Issue.record("the bad row was imported")
        } catch let invalid as InvalidDocument {
            let located = csv.locate(invalid)
            #expect(located.errors.map(\.path) == ["line 4, column 16 (prerequisites)"])
            #expect(located.description.contains("update.csv: line 4, column 16 (prerequisites) (credential \"nw-bad\"): refers to credential \"tcd-nu0000\""))
        }
        #expect(try store.catalogue() == before)
        #expect(try store.catalogue().credential("nw-wound") == nil)
    }

    @Test func foreignCurrencyNeedsARateFromTheDatabase() throws {
        let data = sheet(["a,A,nw,Northwind,IE,,module,5,,7,100,GBP,online,en,,,,"])
        let alone = CatalogueCSV.problems(in: data, file: "sheet.csv")
        #expect(alone.map(\.path) == ["line 2, column 12 (currency)"])
        #expect(alone.first?.message == "\"GBP\" has no exchange rate to EUR; a CSV file cannot hold rates: import a JSON catalogue with \"exchangeRates\" first")
        #expect(CatalogueCSV.problems(in: data, file: "sheet.csv", resolvingAgainst: try Support.bundledCatalogue()).isEmpty)
    }

    @Test func duplicateRowsCiteEachOthersLines() throws {
        let csv = try CatalogueCSV(sheet([
            "a,A,nw,Northwind,IE,,module,5,,7,0,,online,en,,,,",
            "a,Again,nw,,,,module,5,,7,0,,online,en,,,,",
        ]), file: "sheet.csv")
        let issues = CatalogueValidator.issues(in: csv.catalogue).map(csv.locate)
        #expect(issues.map(\.path) == ["line 3, column 1 (id)"])
        #expect(issues.first?.message == "duplicates the id of line 2")
    }

    @Test func bundledCredentialsRoundTripThroughCSV() throws {
        let bundled = try Support.bundledCatalogue()
        let (text, omitted) = CatalogueCSV.write(bundled)
        #expect(omitted == ["15 qualifications (requirement trees need JSON)", "exchange rates (GBP)"])
        let read = try CatalogueCSV(Data(text.utf8), file: "export.csv", baseCurrency: bundled.baseCurrency).catalogue
        #expect(read.credentials == bundled.credentials)
        #expect(Set(read.providers.map(\.id)) == Set(bundled.providers.map(\.id)))
        for provider in read.providers { #expect(provider == bundled.provider(provider.id)) }
    }
}
