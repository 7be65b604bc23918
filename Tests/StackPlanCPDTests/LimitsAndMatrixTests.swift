import Foundation
import MILP
import StackPlanCore
import Testing
@testable import StackPlanCPD

@Suite struct CPDLimitsTests {
    typealias F = CPDFixture

    func issues(_ record: String) -> [String] {
        do {
            _ = try PractitionerRecordDocument.read(Data(record.utf8), file: "r.json")
            return []
        } catch let invalid as InvalidDocument {
            return invalid.errors.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func aRecordDatedInYearZeroIsRefusedWithTheRange() {
        let found = issues(#"{"cycleEnds": "9999-12-31", "activities": [{"title": "x", "date": "0000-01-01", "hours": 2}]}"#)
        #expect(found.contains { $0.contains("$.cycleEnds") && $0.contains("must be a date from 1900-01-01 to 2200-12-31, found 9999-12-31") })
        #expect(found.contains { $0.contains("$.activities[0].date") && $0.contains("must be a date from 1900-01-01 to 2200-12-31, found 0000-01-01") })
    }

    @Test func everyNumberOfARecordHasARange() {
        let found = issues("""
            {"cycleEnds": "2025-12-31", "budget": 1e300, "maxHours": -1, "previousCycle": {"points": 1e18},
             "declarations": {"practice-hours": 1e300},
             "activities": [{"title": "x", "date": "2025-01-01", "hours": 1e-300, "ects": 1e5, "points": 1e12},
                            {"title": "y", "date": "2025-01-01", "hours": 20000}]}
            """)
        for (path, text) in [
            ("$.budget", "must lie in 0–1000000000, found 1e+300"), ("$.maxHours", "must lie in 0–1000000, found -1"),
            ("$.previousCycle.points", "found 1e+18"), ("$.declarations.practice-hours", "found 1e+300"),
            ("$.activities[0].ects", "at most 360"), ("$.activities[0].points", "found 1000000000000"),
            ("$.activities[1].hours", "must lie more than 0 and at most 10000, found 20000"),
        ] {
            #expect(found.contains { $0.contains(path) && $0.contains(text) }, "\(path): \(found)")
        }
        // 1e-300 hours is more than 0: within range, as a tiny figure.
        #expect(!found.contains { $0.contains("$.activities[0].hours") })
    }

    @Test func csvBatchFiguresAndDatesAreRangeChecked() throws {
        let text = """
            practitioner,cycle_ends,previous_points,title,date,hours,category
            alice,0000-12-31,1e300,x,2025-02-01,1e300,a

            """
        let path = try F.temporaryFile("ranges.csv", text)
        let batch = CPDBatch(checker: CPDChecker(scheme: BatchTests.scheme, catalogue: F.catalogue([])), asOf: F.day("2026-01-01"))
        var results: [BatchResult] = []
        _ = try batch.run(try LineReader(path: path), format: .csv) { results.append($0) }
        let errors = try #require(results.first?.errors)
        #expect(errors.contains("line 2, column cycle_ends: must lie in 1900-01-01–2200-12-31, found 0000-12-31"))
        #expect(errors.contains("line 2, column previous_points: must lie in 0–1000000, found 1e+300"))
        #expect(errors.contains { $0.hasPrefix("line 2, column hours: must lie more than 0 and at most 10000") })
    }

    @Test func schemeFiguresOutOfRangeAreRefusedWithTheirPaths() throws {
        var json = try String(contentsOf: F.bundledSchemes, encoding: .utf8)
        json = json.replacingOccurrences(of: "\"months\": 36,\n        \"endsAt\"", with: "\"months\": 100000,\n        \"endsAt\"")
        json = json.replacingOccurrences(of: "\"effective\": \"2016-04-01\"", with: "\"effective\": \"0000-04-01\"")
        #expect(json.contains("100000") && json.contains("0000-04-01"))
        let error = #expect(throws: InvalidDocument.self) { try CPDSchemeBook.read(Data(json.utf8)) }
        let messages = error?.errors.map(\.description) ?? []
        #expect(messages.contains { $0.contains("cycle.months") && $0.contains("must lie in 1–120, found 100000") }, "\(messages)")
        #expect(messages.contains { $0.contains("effective") && $0.contains("found 0000-04-01") }, "\(messages)")
    }

    /// `cpd plan --hours-per-week 1e-300` crashed converting the weeks a course would take to a whole number.
    @Test func aTinyWeeklyPaceCannotCrashThePlan() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(10))])
        let catalogue = F.catalogue([F.credential("c", points: 10, hours: 20, weeks: nil)])
        let checker = CPDChecker(scheme: scheme, catalogue: catalogue)
        let remediation = CPDRemediation(checker: checker, solveOptions: SolveOptions(timeLimit: 10), hoursPerWeek: 1e-300)
        let outcome = try remediation.plan(F.record([]), asOf: F.day("2025-01-02"))
        // A course of 20 hours at 1e-300 hours a week cannot finish within the cycle.
        let impossible = if case .impossible = outcome { true } else { false }
        #expect(impossible, "\(outcome)")
        #expect(CPDLimits.problem(1e-300, in: CPDLimits.hoursPerWeek) == "must lie in 0.1–168, found 1e-300")
    }

    @Test func everyErrorDeclaresItsKind() {
        #expect(ErrorKind.of(CPDRecordError(path: "$.cycleEnds", message: "x")) == .invalidInput)
        #expect(ErrorKind.of(BatchInputError(line: 1, message: "x")) == .invalidInput)
        #expect(ErrorKind.of(RemediationError.inconsistentPlan(["a"])) == .internalFault)
        #expect(ErrorKind.of(StreamError.cannotOpen(path: "x", reason: "y")) == .ioFailure)
        #expect(ErrorKind.of(CSVReader.SyntaxError(line: 1, column: 1, message: "x")) == .invalidInput)
        let syntax = #expect(throws: JSONSyntaxError.self) { try JSON.parse(Data("[".utf8)) }
        #expect(syntax.map(ErrorKind.of) == .invalidInput)
    }
}

@Suite struct CoverageMatrixTests {
    typealias F = CPDFixture

    @Test func everyBundledSchemeIsCoveredOnItsDefaultDay() throws {
        let book = try F.schemeBook()
        let catalogue = try F.catalogue()
        let today = F.day("2026-12-01")
        let ecm = try #require(book.scheme("ECM-2023"))
        // ECM-2023 sets the rules up to 2025-12-31: today lies past them.
        #expect(ecm.coverageDay(near: today) == F.day("2025-12-31"))
        let coverages = try book.schemes.map { scheme in
            try CPDCoverage(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: scheme.coverageDay(near: today),
                            solveOptions: SolveOptions(timeLimit: 20))
        }
        let matrix = CPDCoverageMatrix(coverages)
        let text = matrix.text(baseCurrency: catalogue.baseCurrency)
        #expect(text.hasPrefix("catalogue coverage of \(book.schemes.count) schemes"))
        for scheme in book.schemes { #expect(text.contains("\n  \(scheme.id) "), "\(scheme.id)") }
        #expect(!text.contains("()"))
        let listed: [JSON]? = if case .array(let entries)? = matrix.json.objectFields["schemes"] { entries } else { nil }
        let schemes = try #require(listed)
        #expect(schemes.count == book.schemes.count)
        // A scheme whose requirements ask for nothing says so instead of "0 offerings ()".
        let nothingAsked = try #require(coverages.first { $0.cheapestPlan?.taken.isEmpty == true })
        let single = nothingAsked.text(baseCurrency: "EUR")
        #expect(single.contains("ask for nothing: an empty record already meets them"))
        #expect(!single.contains("0 offerings ()"))
    }

    @Test func accreditedOnlyLeavesOutOfferingsThatAreNotAccredited() throws {
        let providers = [
            Provider(id: "p", name: "P", country: "IE", accredited: true), Provider(id: "q", name: "Q", country: "UK", accredited: false),
        ]
        let scheme = F.scheme(rules: [F.rule("total", .total(10))])
        let catalogue = F.catalogue([
            F.credential("cheap", points: 10, cost: 50, provider: "q"), F.credential("dear", points: 10, cost: 500, provider: "p"),
        ], providers: providers)
        let checker = CPDChecker(scheme: scheme, catalogue: catalogue)
        let all = try CPDCoverage(checker: checker, asOf: F.day("2025-03-01"))
        let accredited = try CPDCoverage(checker: checker, asOf: F.day("2025-03-01"), accreditedOnly: true)
        #expect(all.categories[0].offerings.map(\.credential) == ["cheap", "dear"])
        #expect(all.cheapestPlan?.taken.map(\.credential) == ["cheap"])
        #expect(accredited.categories[0].offerings.map(\.credential) == ["dear"])
        #expect(accredited.cheapestPlan?.taken.map(\.credential) == ["dear"])
        #expect(accredited.excluded.map(\.credential) == ["cheap"])
        #expect(accredited.text(baseCurrency: "EUR").contains("accredited offerings only"))
        #expect(accredited.json.objectFields["accreditedOnly"] == .bool(true))
    }
}
