import Foundation
import Testing
@testable import StackPlanCore

/// Issue 12, item 11: where a course is held, and where a learner can attend.
@Suite struct PlaceTests {
    typealias F = Fixture
    static let providers = [
        Provider(id: "ucc", name: "University College Cork", country: "IE", accredited: true),
        Provider(id: "uwe", name: "UWE Bristol", country: "UK", accredited: true),
    ]
    static let cork = Locality(country: "IE", city: "Cork")
    static let bristol = Locality(country: "UK", city: "Bristol")

    func catalogueJSON(_ credentials: String) -> Data {
        Data("""
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [\(credentials)]}
        """.utf8)
    }

    func credentialJSON(_ id: String, _ extra: String) -> String {
        #"{"id": "\#(id)", "title": "T", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "blended", "languages": ["en"]\#(extra)}"#
    }

    @Test func placesAreReadWrittenAndReadBack() throws {
        let data = catalogueJSON([
            credentialJSON("a", #", "place": {"country": "IE", "city": "Cork"}, "offerings": [{"start": "2027-01-11", "place": "online"}, {"start": "2027-09-13", "place": {"country": "UK", "city": "Bristol"}}]"#),
            credentialJSON("b", #", "place": "online""#),
        ].joined(separator: ","))
        let catalogue = try CatalogueDocument.read(data)
        let a = try #require(catalogue.credential("a"))
        #expect(a.place == .at(Self.cork))
        #expect(a.offerings.map(\.place) == [.online, .at(Self.bristol)])
        #expect(catalogue.credential("b")?.place == .online)
        #expect(try CatalogueDocument.read(CatalogueDocument.data(catalogue)) == catalogue)
    }

    @Test func badPlacesAreReportedWithTheirPaths() {
        let data = catalogueJSON([
            credentialJSON("a", #", "place": "Cork""#),
            credentialJSON("b", #", "place": {"country": "Ireland"}"#),
            credentialJSON("c", #", "place": {"country": "IE", "city": "", "town": "x"}"#),
            credentialJSON("d", #", "offerings": [{"start": "2027-01-11", "place": {"city": "Cork"}}]"#),
            credentialJSON("e", #", "place": 7"#),
        ].joined(separator: ","))
        let issues = CatalogueDocument.problems(in: data).filter { $0.severity == .error }
        func has(_ path: String, _ fragment: String) -> Bool { issues.contains { $0.path == path && $0.message.contains(fragment) } }
        #expect(has("$.credentials[0].place", #"must be "online" or {"country": CODE, "city": NAME}, found "Cork""#), "\(issues)")
        #expect(has("$.credentials[1].place.country", "two-letter country code"))
        #expect(has("$.credentials[2].place.city", "must be a city's name of 1–100 characters"))
        #expect(has("$.credentials[2].place.town", "is not a field of a place"))
        #expect(has("$.credentials[3].offerings[0].place.country", "is required"))
        #expect(has("$.credentials[4].place", "found a number"))
    }

    @Test func learnerPlacesAreReadAndWritten() throws {
        let profile = try LearnerDocument.read(Data(#"{"places": [{"country": "IE"}, {"country": "UK", "city": "London"}]}"#.utf8))
        #expect(profile.constraints.places == [Locality(country: "IE"), Locality(country: "UK", city: "London")])
        #expect(try LearnerDocument.read(LearnerDocument.json(profile).serialized(pretty: false)) == profile)

        let error = #expect(throws: InvalidDocument.self) {
            try LearnerDocument.read(Data(#"{"places": [], "held": []}"#.utf8))
        }
        #expect(error?.issues.map(\.path) == ["$.places"])
        let online = #expect(throws: InvalidDocument.self) { try LearnerDocument.read(Data(#"{"places": ["online"]}"#.utf8)) }
        #expect(online?.issues.map(\.path) == ["$.places[0]"])
    }

    @Test func localitiesMatchByCountryThenCity() {
        #expect(Locality(country: "IE").contains(Self.cork))
        #expect(Locality(country: "IE", city: "cork").contains(Self.cork))
        #expect(!Locality(country: "IE", city: "Dublin").contains(Self.cork))
        #expect(!Self.cork.contains(Locality(country: "IE")))
        #expect(Locality(country: "GB").contains(Self.bristol))
        #expect(!Locality(country: "IE").contains(Self.bristol))
    }

    /// A nurse in Cork: a cheaper in-person course in Bristol, a dearer one in Cork, and an
    /// online course from Bristol.
    func nurseCatalogue() -> Catalogue {
        var bristol = F.credential("uwe-ipc", ects: 10, cost: 500, mode: .inPerson, provider: "uwe")
        bristol.place = .at(Self.bristol)
        var cork = F.credential("ucc-ipc", ects: 10, cost: 900, mode: .inPerson, provider: "ucc")
        cork.place = .at(Self.cork)
        let online = F.credential("uwe-online", ects: 5, cost: 300, mode: .online, provider: "uwe")
        let requires = RequirementNode.Rule.allOf([
            RequirementNode(.anyOf([.credential("uwe-ipc"), .credential("ucc-ipc")])), .credential("uwe-online"),
        ])
        return Catalogue(providers: Self.providers, credentials: [bristol, cork, online], qualifications: [F.qualification(requires)])
    }

    @Test func aNurseLimitedToIrelandIsPlannedNoCourseInBristol() throws {
        let catalogue = nurseCatalogue()
        let anywhere = try #require(try Planner(catalogue: catalogue).plan(F.request()).plan)
        #expect(anywhere.taken == ["uwe-ipc", "uwe-online"])

        let request = F.request(constraints: LearnerConstraints(places: [Locality(country: "IE")]))
        let inIreland = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        // Online study is never limited by place, whoever runs it.
        #expect(inIreland.taken == ["ucc-ipc", "uwe-online"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: inIreland).isEmpty)

        // Limited to Dublin, nothing in-person is left: the learner's own limits stand in the way.
        let dublin = F.request(constraints: LearnerConstraints(places: [Locality(country: "IE", city: "Dublin")]))
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(dublin).diagnosis)
        #expect(diagnosis.cause == .learnerLimits)
    }

    @Test func withoutAStatedPlaceACourseIsHeldInItsProvidersCountry() throws {
        var catalogue = nurseCatalogue()
        var bristol = try #require(catalogue.credential("uwe-ipc"))
        bristol.place = nil
        catalogue.upsert(bristol)
        #expect(catalogue.place(of: bristol) == .at(Locality(country: "UK")))
        #expect(!catalogue.canAttendSomeRun(of: bristol, within: [Locality(country: "IE")]))
        #expect(catalogue.canAttendSomeRun(of: bristol, within: [Locality(country: "GB")]))
    }

    @Test func aScheduleTakesTheRunTheLearnerCanAttend() throws {
        var course = F.credential("ipc", ects: 4, cost: 400, mode: .blended, provider: "uwe")
        course.offerings = [
            Offering(id: "bristol", start: Day("2027-01-11")!, weeks: 4, place: .at(Self.bristol)),
            Offering(id: "cork", start: Day("2027-03-01")!, weeks: 4, place: .at(Self.cork)),
        ]
        let catalogue = Catalogue(providers: Self.providers, credentials: [course], qualifications: [F.qualification(.credential("ipc"))])
        func firstRun(_ places: [Locality]?) throws -> Int? {
            var request = F.request(constraints: LearnerConstraints(places: places), objectives: [.duration])
            request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 40)
            let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
            return plan.schedule?.first?.offering
        }
        #expect(try firstRun(nil) == 0)
        #expect(try firstRun([Locality(country: "IE")]) == 1)

        // The checker, which judges plans without the model, refuses the Bristol run for a learner limited to Ireland.
        var anywhere = F.request(objectives: [.duration])
        anywhere.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 40)
        let bristolPlan = try #require(try Planner(catalogue: catalogue).plan(anywhere).plan)
        var limited = anywhere
        limited.constraints.places = [Locality(country: "IE")]
        #expect(PlanChecker(catalogue: catalogue, request: anywhere).violations(of: bristolPlan).isEmpty)
        #expect(PlanChecker(catalogue: catalogue, request: limited).violations(of: bristolPlan) == ["ipc runs outside the learner's places"])
    }
}
