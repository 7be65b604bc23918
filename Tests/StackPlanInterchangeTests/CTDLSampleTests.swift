import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

/// `import --format ctdl` on CTDL documents published by Credential Engine (Samples/README.md):
/// what they let StackPlan map, and everything else reported by JSON path.
@Suite struct CTDLSampleTests {
    /// The provider the learning programme's organization (described in another file) stands in for.
    static let existing = Catalogue(exchangeRates: ["USD": 0.9], providers: [Provider(id: "p", name: "Example Organization", country: "US", accredited: true)], credentials: [], qualifications: [])
    static let defaults = CTDLCatalogue.Defaults(eqf: 4, mode: .online, provider: "p")

    static func rejection(_ data: Data, defaults: CTDLCatalogue.Defaults = CTDLCatalogue.Defaults()) throws -> [ValidationIssue] {
        let error = try #require(throws: InvalidDocument.self) {
            try CTDLCatalogue(data, file: "sample.json", defaults: defaults, resolvingAgainst: existing)
        }
        return error.issues
    }

    /// The published pathway: its course components stand for no credential (no `proxyFor`)
    /// and the pathway has no name, provider or level, so nothing maps; each is named by path.
    @Test func thePublishedPathwayIsReportedByPath() throws {
        let issues = try Self.rejection(try Support.sample("ctdl-pathway-conditions.json"))
        func reported(_ path: String, _ fragment: String) -> Bool { issues.contains { $0.path == path && $0.message.contains(fragment) } }
        #expect(reported(#"$["@graph"][4]"#, "stands for no credential (proxyFor)"), "\(issues)")
        #expect(reported(#"$["@graph"][0]"#, "some component cannot be mapped"), "\(issues)")
        // The pathway's own fields, reported beside its components'.
        #expect(reported(#"$["@graph"][0]["name"]"#, "is missing"), "\(issues)")
        #expect(reported(#"$["@graph"][0]"#, "names no organization"), "\(issues)")
        #expect(reported(#"$["@graph"][0]"#, "states no level"), "\(issues)")
        #expect(reported("$", "holds no credential, learning opportunity or pathway"))
    }

    /// The published learning programme and its three courses carry no credit value: each is
    /// left out, with every reason at once, and what the programme says that StackPlan does not
    /// read (its parts, its requirements in words) is named.
    @Test func thePublishedLearningProgrammeIsReportedByPath() throws {
        let issues = try Self.rejection(try Support.sample("ctdl-learning-program-trimmed.json"), defaults: Self.defaults)
        func reported(_ path: String, _ fragment: String) -> Bool { issues.contains { $0.path == path && $0.message.contains(fragment) } }
        for index in 0...3 { #expect(reported(#"$["@graph"][\#(index)]"#, "has no credit value"), "\(index): \(issues)") }
        #expect(reported(#"$["@graph"][0]"#, "it is marked isNonCredit"), "\(issues)")
        #expect(reported(#"$["@graph"][0]["ceterms:hasPart"]"#, "does not read as requirements"), "\(issues)")
        #expect(reported(#"$["@graph"][0]["ceterms:requires"]"#, "requirements of a learning opportunity are not read"), "\(issues)")
        // Without the defaults, each course also names the organization (described in another file) and its level.
        let bare = try Self.rejection(try Support.sample("ctdl-learning-program-trimmed.json"))
        #expect(bare.contains { $0.path == #"$["@graph"][1]"# && $0.message.contains("names no organization") }, "\(bare)")
        #expect(bare.contains { $0.path == #"$["@graph"][1]"# && $0.message.contains("has no credit value") }, "\(bare)")
    }

    /// With a credit value stated for each course (the one thing the published file lacks), the
    /// courses map: their fees in US dollars (written "US Dollar"), their prerequisites from the
    /// entry conditions' target learning opportunities; the conditions in words are reported.
    @Test func withCreditValuesTheCoursesMapWithFeesAndPrerequisites() throws {
        var root = try JSON.parse(try Support.sample("ctdl-learning-program-trimmed.json"))
        guard case .object(var document) = root, case .array(var graph)? = document["@graph"] else { Issue.record("no @graph"); return }
        for index in 1...3 {
            guard case .object(var course) = graph[index] else { continue }
            course["ceterms:creditValue"] = .array([.object([
                "@type": .string("ceterms:ValueProfile"), "schema:value": .number(Double(index) * 10),
                "ceterms:creditUnitType": .array([.string("creditUnit:ClockHour")]),
            ])])
            graph[index] = .object(course)
        }
        document["@graph"] = .array(graph)
        root = .object(document)
        let read = try CTDLCatalogue(root.serialized(), file: "sample.json", defaults: Self.defaults, resolvingAgainst: Self.existing)
        let catalogue = read.catalogue
        #expect(catalogue.credentials.map(\.id) == ["ce-2626fa9d-48d0-4097-b876-56dec861e630", "ce-9eb5105c-c5a5-4cf5-b6e8-e228400b9f34", "ce-cb070f9b-ed23-411e-babe-23341393bce7"])
        let first = try #require(catalogue.credential("ce-9eb5105c-c5a5-4cf5-b6e8-e228400b9f34"))
        #expect(first.title == "Personal Growth Mastery" && first.hours == 10 && first.cost == 995 && first.currency == "USD" && first.mode == .online)
        let second = try #require(catalogue.credential("ce-cb070f9b-ed23-411e-babe-23341393bce7"))
        #expect(second.prerequisites == .credential("ce-9eb5105c-c5a5-4cf5-b6e8-e228400b9f34"))
        let third = try #require(catalogue.credential("ce-2626fa9d-48d0-4097-b876-56dec861e630"))
        #expect(third.prerequisites == .allOf([.credential("ce-9eb5105c-c5a5-4cf5-b6e8-e228400b9f34"), .credential("ce-cb070f9b-ed23-411e-babe-23341393bce7")]))
        #expect(third.cost == 1995 && third.currency == "USD")
        // The entry conditions in words, reported where they are; the programme left out.
        for index in 1...3 {
            #expect(read.unmapped.contains { $0.path == #"$["@graph"][\#(index)]["ceterms:entryCondition"][0]["ceterms:condition"]"# && $0.message.contains("cannot check") }, "\(read.unmapped)")
        }
        #expect(catalogue.credential("ce-bada0d68-f026-441d-80c1-cdabace4e525") == nil)
    }

    @Test func currencyNamesAreReadAsTheirCodes() {
        #expect(CTDLCatalogue.currencyCode("US Dollar") == "USD")
        #expect(CTDLCatalogue.currencyCode(" euro ") == "EUR")
        #expect(CTDLCatalogue.currencyCode("EUR") == "EUR")
        #expect(CTDLCatalogue.currencyCode("Dollars") == nil)
        #expect(CTDLCatalogue.currencyCode("eur") == nil)
    }
}
