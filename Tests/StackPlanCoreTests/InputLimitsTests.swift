import Foundation
import Testing
@testable import StackPlanCore

/// Depth, ranges and identifiers: input that once crashed the program or slipped through.
@Suite struct InputLimitsTests {
    typealias F = Fixture

    /// A one-provider catalogue document around the given credentials and qualifications.
    func document(credentials: [JSON], qualifications: [JSON] = [], rates: [String: JSON]? = nil) -> JSON {
        var root: [String: JSON] = [
            "format": .string("stackplan/1"),
            "providers": .array([.object(["id": .string("p"), "name": .string("P"), "country": .string("IE")])]),
            "credentials": .array(credentials), "qualifications": .array(qualifications),
        ]
        root["exchangeRates"] = rates.map(JSON.object)
        return .object(root)
    }

    func credential(_ id: String, _ extra: [String: JSON] = [:]) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(id), "title": .string("Course \(id)"), "provider": .string("p"), "kind": .string("module"),
            "ects": .number(5), "eqf": .number(7), "mode": .string("online"), "languages": .array([.string("en")]),
        ]
        fields.merge(extra) { _, new in new }
        return .object(fields)
    }

    func qualification(_ id: String = "q", requires: JSON, _ extra: [String: JSON] = [:]) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(id), "title": .string("Award"), "provider": .string("p"), "eqf": .number(7), "ects": .number(0),
            "requires": requires,
        ]
        fields.merge(extra) { _, new in new }
        return .object(fields)
    }

    /// Every error of the document: what `stackplan validate` lists.
    func errors(_ json: JSON) -> [ValidationIssue] {
        CatalogueDocument.problems(in: json).filter { $0.severity == .error }
    }

    func has(_ issues: [ValidationIssue], _ path: String, _ fragment: String) -> Bool {
        issues.contains { $0.path == path && $0.message.contains(fragment) }
    }

    // MARK: Depth

    @Test func tenThousandLongPrerequisiteChainValidatesWithoutRecursion() throws {
        let length = 10_000
        var credentials = [credential("c0")]
        for index in 1..<length {
            credentials.append(credential("c\(index)", ["prerequisites": .object(["credential": .string("c\(index - 1)")])]))
        }
        let chain = document(credentials: credentials)
        #expect(errors(chain).isEmpty)
        let catalogue = try CatalogueDocument.read(chain)
        #expect(PrerequisiteGraph(catalogue: catalogue).closure(of: ["c\(length - 1)"]).count == length)

        // Closing the chain into a ring makes one cycle through all ten thousand.
        credentials[0] = credential("c0", ["prerequisites": .object(["credential": .string("c\(length - 1)")])])
        let ring = errors(document(credentials: credentials))
        #expect(ring.count == 1)
        #expect(ring.first?.path == "$.credentials[0].prerequisites")
        #expect(ring.first?.message.hasPrefix("prerequisite cycle of 10000 credentials: c0 → c9999 → c9998 → ") == true, "\(ring)")
        #expect(ring.first?.message.hasSuffix(" → c2 → c1 → c0") == true)
    }

    @Test func tenThousandLongLadderOfQualificationsValidatesWithoutRecursion() {
        let length = 10_000
        var qualifications = [qualification("q0", requires: .object(["credential": .string("a")]))]
        for index in 1..<length {
            qualifications.append(qualification("q\(index)", requires: .object(["qualification": .string("q\(index - 1)")])))
        }
        #expect(errors(document(credentials: [credential("a")], qualifications: qualifications)).isEmpty)
        qualifications[0] = qualification("q0", requires: .object(["qualification": .string("q\(length - 1)")]))
        let ring = errors(document(credentials: [credential("a")], qualifications: qualifications))
        #expect(ring.count == 1)
        #expect(has(ring, "$.qualifications[0].requires", "qualifications require each other in a cycle of 10000: q0 → q9999 → q9998"), "\(ring)")
    }

    /// `{"allOf": [{"allOf": [… {"credential": "a"} …]}]}`, `levels` nodes deep.
    func nestedRequirement(levels: Int) -> JSON {
        var node = JSON.object(["credential": .string("a")])
        for _ in 1..<levels { node = .object(["allOf": .array([node])]) }
        return node
    }

    @Test func requirementTreeAtTheLimitIsReadValidatedAndPlanned() throws {
        let json = document(credentials: [credential("a")], qualifications: [qualification(requires: nestedRequirement(levels: InputLimits.nestingDepth))])
        #expect(errors(json).isEmpty)
        let catalogue = try CatalogueDocument.read(json)
        let plan = try #require(try Planner(catalogue: catalogue).plan(F.request()).plan)
        #expect(plan.taken == ["a"])
    }

    /// Issue 11: a tree 400 deep is valid JSON; it is refused by a named limit, not called invalid JSON nor crashing.
    @Test func requirementTreeFourHundredDeepIsRefusedByItsLimit() {
        let json = document(credentials: [credential("a")], qualifications: [qualification(requires: nestedRequirement(levels: 400))])
        let found = errors(json)
        #expect(found.count == 1)
        #expect(found.first?.message == "nests requirement nodes more than 100 levels deep, the most a catalogue may")
    }

    @Test func requirementTreeDeeperThanTheLimitIsRefusedByName() throws {
        let levels = InputLimits.nestingDepth + 1
        let json = document(credentials: [credential("a")], qualifications: [qualification(requires: nestedRequirement(levels: levels))])
        let found = errors(json)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("more than \(InputLimits.nestingDepth) levels deep") == true)
        #expect(found.first?.path.hasPrefix("$.qualifications[0].requires.allOf[0].allOf[0]") == true)
        #expect(throws: InvalidDocument.self) { try CatalogueDocument.read(json) }

        // A tree built in code, never read from a document, is held to the same limit.
        var node = RequirementNode.credential("a")
        for _ in 1..<levels { node = RequirementNode(.allOf([node])) }
        let built = F.catalogue([F.credential("a")], [Qualification(id: "q", title: "Q", provider: "p", eqf: 7, ects: 0, requires: node)])
        #expect(CatalogueValidator.issues(in: built).contains { $0.message.contains("levels deep") })
    }

    @Test func prerequisiteExpressionDeeperThanTheLimitIsRefusedByName() {
        var expression = JSON.object(["credential": .string("a")])
        for _ in 1...InputLimits.nestingDepth { expression = .object(["anyOf": .array([expression])]) }
        let found = errors(document(credentials: [credential("a"), credential("b", ["prerequisites": expression])]))
        #expect(found.count == 1)
        #expect(found.first?.message.contains("nests prerequisite expressions more than \(InputLimits.nestingDepth) levels deep") == true)
    }

    // MARK: Ranges

    @Test func hugeFeesAndRatesAreInputErrorsWithTheirPaths() throws {
        let json = document(credentials: [
            credential("a", ["cost": .number(1e308)]),
            credential("b", ["offerings": .array([.object(["start": .string("2027-01-11"), "cost": .number(1e308)])])]),
            credential("c", ["cost": .number(-1)]),
        ], rates: ["GBP": .number(1e308), "USD": .number(0)])
        let found = errors(json)
        #expect(has(found, "$.credentials[0].cost", "must lie in 0–1000000000, found 1e+308"), "\(found)")
        #expect(has(found, "$.credentials[1].offerings[0].cost", "must lie in 0–1000000000"))
        #expect(has(found, "$.credentials[2].cost", "found -1"))
        #expect(has(found, "$.exchangeRates.GBP", "must lie in 1e-06–1000000, found 1e+308"))
        #expect(has(found, "$.exchangeRates.USD", "found 0"))
        let error = try #require(throws: InvalidDocument.self) { try CatalogueDocument.read(json) }
        #expect(ErrorKind.of(error) == .invalidInput)
    }

    @Test func aFeeConvertedToTheBaseCurrencyMustStayInRange() throws {
        // Each figure is in range; their product is not.
        let json = document(credentials: [credential("a", ["cost": .number(1e9), "currency": .string("GBP")])], rates: ["GBP": .number(1e6)])
        let found = errors(json)
        #expect(found.count == 1)
        #expect(has(found, "$.credentials[0].cost", "is 1000000000000000 EUR at the exchange rate, above the 1000000000 a fee may be"), "\(found)")
        // Refused as it is read, not only by validation.
        #expect(throws: InvalidDocument.self) { try CatalogueDocument.read(json) }
        // A rate that only the stored catalogue gives is judged where the two meet.
        let stored = Catalogue(exchangeRates: ["GBP": 1e6])
        let alone = document(credentials: [credential("a", ["cost": .number(1e9), "currency": .string("GBP")])])
        #expect(CatalogueValidator.issues(in: try #require(try? CatalogueDocument.read(alone)), resolvingAgainst: stored)
            .contains { $0.path == "$.credentials[0].cost" })
    }

    @Test func workloadsCountsAndLevelsHaveRanges() {
        let json = document(credentials: [
            credential("a", ["hours": .number(1e308), "ects": .number(1e308), "weeks": .number(1e12), "eqf": .number(1e12)]),
            credential("b", ["offerings": .array([.object(["start": .string("0001-01-01"), "weeks": .number(0), "seats": .number(-1)])])]),
            credential("c", ["prerequisites": .object(["atLeast": .number(1e12), "of": .array([.object(["credential": .string("a")])])])]),
        ], qualifications: [qualification(requires: .object(["allOf": .array([
            .object(["credits": .number(1e308)]),
            .object(["maxCredits": .number(1e308), "where": .object(["minEqf": .number(99)])]),
            .object(["atLeast": .number(1e300), "of": .array([.object(["credential": .string("a")])])]),
        ])]), ["ects": .number(1e308), "rules": .object(["maxPriorEcts": .number(-5), "priorWithinYears": .number(1e308)])])])
        let found = errors(json)
        #expect(has(found, "$.credentials[0].hours", "must be more than 0 and at most 20000, found 1e+308"), "\(found)")
        #expect(has(found, "$.credentials[0].ects", "must lie in 0–360"))
        #expect(has(found, "$.credentials[0].weeks", "must lie in 1–520, found 1000000000000"))
        #expect(has(found, "$.credentials[0].eqf", "must be an EQF level 1–8"))
        #expect(has(found, "$.credentials[1].offerings[0].start", "must be a date from 1900-01-01 to 2200-12-31, found 0001-01-01"))
        #expect(has(found, "$.credentials[1].offerings[0].weeks", "must lie in 1–520, found 0"))
        #expect(has(found, "$.credentials[1].offerings[0].seats", "must lie in 0–1000000, found -1"))
        #expect(has(found, "$.credentials[2].prerequisites.atLeast", "must lie in 1–100000"))
        #expect(has(found, "$.qualifications[0].ects", "must lie in 0–360"))
        #expect(has(found, "$.qualifications[0].rules.maxPriorEcts", "must lie in 0–360, found -5"))
        #expect(has(found, "$.qualifications[0].rules.priorWithinYears", "must be more than 0 and at most 100"))
        #expect(has(found, "$.qualifications[0].requires.allOf[0].credits", "must lie in 0–360"))
        #expect(has(found, "$.qualifications[0].requires.allOf[1].maxCredits", "must lie in 0–360"))
        #expect(has(found, "$.qualifications[0].requires.allOf[1].where.minEqf", "EQF level 1–8"))
        #expect(has(found, "$.qualifications[0].requires.allOf[2].atLeast", "must be a whole number"))
    }

    /// A number out of range stops reading, but the refusal still lists every other problem,
    /// judged against the records the document may refer to.
    @Test func aRefusedDocumentListsEveryProblem() throws {
        let json = document(credentials: [
            credential("a", ["eqf": .number(9), "prerequisites": .object(["credential": .string("b")])]),
            credential("b", ["prerequisites": .object(["credential": .string("a")])]),
            credential("c", ["excludes": .array([.string("stored")])]),
        ])
        let alone = try #require(throws: InvalidDocument.self) { try CatalogueDocument.read(json) }
        #expect(Set(alone.errors.map(\.path)) == ["$.credentials[0].eqf", "$.credentials[0].prerequisites", "$.credentials[2].excludes[0]"])
        let stored = F.catalogue([F.credential("stored")], [])
        let resolved = try #require(throws: InvalidDocument.self) { try CatalogueDocument.read(json, resolvingAgainst: stored) }
        #expect(Set(resolved.errors.map(\.path)) == ["$.credentials[0].eqf", "$.credentials[0].prerequisites"])
    }

    @Test func cpdPointsHaveARange() {
        let entry = JSON.object(["scheme": .string("NMC"), "category": .string("participatory"), "points": .number(1e308)])
        let found = errors(document(credentials: [credential("a", ["cpd": .array([entry])])]))
        #expect(has(found, "$.credentials[0].cpd[0].points", "must lie in 0–20000"), "\(found)")
    }

    @Test func learnerNumbersAndDatesHaveRanges() {
        let profile = #"""
        {"budget": 1e19, "maxHours": 1e308, "hoursPerWeek": 1e-300, "today": "9999-01-01",
         "held": [{"title": "Huge", "ects": 1e308, "eqf": 7}, {"title": "Long", "hours": 1e308, "eqf": 7}]}
        """#
        let error = #expect(throws: InvalidDocument.self) { try LearnerDocument.read(Data(profile.utf8)) }
        let issues = error?.issues ?? []
        #expect(has(issues, "$.budget", "must lie in 0–1000000000000, found 1e+19"), "\(issues)")
        #expect(has(issues, "$.maxHours", "must lie in 0–1000000"))
        #expect(has(issues, "$.hoursPerWeek", "must lie in 0.5–168, found 1e-300"))
        #expect(has(issues, "$.today", "must be a date from 1900-01-01 to 2200-12-31"))
        #expect(has(issues, "$.held[0].ects", "must lie in 0–360"))
        #expect(has(issues, "$.held[1].hours", "must be more than 0 and at most 20000"))
    }

    /// Issue 12, item 3: a prior degree is held whole; the qualification's caps decide what counts.
    @Test func externalHeldItemsCarryWholeAwards() throws {
        let degree = #"{"held": [{"title": "BSc (Hons) Nursing", "ects": 240, "eqf": 6, "earned": "2015-06-30"}]}"#
        let profile = try LearnerDocument.read(Data(degree.utf8))
        let held = try #require(profile.held.first)
        let ects: Double? = if case .external(let external) = held.source { external.ects } else { nil }
        #expect(ects == 240)
        let tooMuch = #"{"held": [{"title": "Too much", "ects": 361, "eqf": 6}]}"#
        let error = #expect(throws: InvalidDocument.self) { try LearnerDocument.read(Data(tooMuch.utf8)) }
        #expect(error?.issues.contains { $0.path == "$.held[0].ects" && $0.message == "must lie in 0–360, found 361" } == true)
    }

    @Test func savedPlanFiguresCannotTrap() throws {
        let catalogue = F.catalogue([F.credential("a")], [F.qualification(.credential("a"))])
        let saved = #"{"target": "q", "credentials": ["a"], "appliedAll": {"a": "requires"}, "totals": {"cost": 1e308, "hours": 1, "ects": 5, "countedEcts": 5}, "model": {"rows": 1e300}}"#
        let error = #expect(throws: InvalidDocument.self) {
            try PlanDocument.read(Data(saved.utf8), catalogue: catalogue, request: F.request())
        }
        #expect(error?.issues.contains { $0.path == "$.totals.cost" } == true)
    }

    // MARK: Identifiers

    @Test func identifiersFollowOneRule() {
        #expect(InputLimits.isIdentifier("tcd-nu7812"))
        #expect(InputLimits.isIdentifier("urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002"))
        #expect(InputLimits.isIdentifier("https://example.edu/achievements/degree#v2"))
        #expect(InputLimits.isIdentifier("nurse@example.ie"))
        #expect(!InputLimits.isIdentifier(""))
        #expect(!InputLimits.isIdentifier("tcd-nu7812\u{0}x"))
        #expect(!InputLimits.isIdentifier("two words"))
        #expect(!InputLimits.isIdentifier("line\nbreak"))
        #expect(!InputLimits.isIdentifier("held[0]"))
        #expect(!InputLimits.isIdentifier("é"))
        #expect(InputLimits.isIdentifier(String(repeating: "a", count: 200)))
        #expect(!InputLimits.isIdentifier(String(repeating: "a", count: 201)))
    }

    @Test func anIdWithANulCharacterIsRefusedWithItsPath() throws {
        let json = document(credentials: [
            credential("tcd-nu7812\u{0}x"),
            credential("b", ["excludes": .array([.string("a\u{7}")]), "competencies": .array([.string("wound care")]),
                             "prerequisites": .object(["credential": .string("x\ny")])]),
        ], qualifications: [qualification(requires: .object(["credits": .number(5), "where": .object(["ids": .string("a\u{0}")])]))])
        let found = errors(json)
        #expect(has(found, "$.credentials[0].id", #"found "tcd-nu7812\u0000x""#), "\(found)")
        #expect(found.first { $0.path == "$.credentials[0].id" }?.record == #"credential "tcd-nu7812\u0000x""#)
        #expect(has(found, "$.credentials[1].excludes[0]", #"found "a\u0007""#))
        #expect(has(found, "$.credentials[1].competencies[0]", "must be an identifier"))
        #expect(has(found, "$.credentials[1].prerequisites.credential", #"found "x\u000Ay""#))
        #expect(has(found, "$.qualifications[0].requires.where.ids", "must be an identifier"))
        #expect(throws: InvalidDocument.self) { try CatalogueDocument.read(json) }
    }

    @Test func learnerReferencesAreIdentifiersToo() {
        let profile = #"""
        {"id": "me\u0000", "held": [{"credential": "tcd-nu7812\u0000x"}], "excludeProviders": ["a b"],
         "exceptions": [{"qualification": "q", "substitute": "a", "with": "held[0]"}, {"qualification": "q", "apply": "x\ty", "to": "requires"}]}
        """#
        let error = #expect(throws: InvalidDocument.self) { try LearnerDocument.read(Data(profile.utf8)) }
        let paths = Set(error?.issues.map(\.path) ?? [])
        #expect(paths == ["$.id", "$.held[0].credential", "$.excludeProviders[0]", "$.exceptions[1].apply"], "\(paths)")
    }

    /// Bad strings are quoted with their control characters escaped: no message is cut short by a NUL or broken by a line break.
    @Test func messagesNeverCarryControlCharacters() {
        let json = document(credentials: [
            credential("a\u{0}", ["mode": .string("by\npost"), "kind": .string("mod\u{0}ule"), "languages": .array([.string("e\u{1}")]),
                                  "place": .object(["country": .string("I\nE")])]),
        ], rates: ["G\u{0}P": .number(1), "X\nY": .number(0)])
        #expect(errors(json).contains { $0.path == #"$.exchangeRates["X\u000AY"]"# })
        let profile = #"{"modes": ["tele\u0000port"], "languages": ["e\u0001"], "today": "20\u000026-01-01"}"#
        var issues = errors(json)
        issues += (#expect(throws: InvalidDocument.self) { try LearnerDocument.read(Data(profile.utf8)) })?.issues ?? []
        #expect(issues.count >= 8, "\(issues)")
        for issue in issues {
            #expect(!issue.description.unicodeScalars.contains { $0.value < 0x20 }, "\(issue.description.debugDescription)")
        }
    }

    @Test func codeBuiltCataloguesAreHeldToTheSameRules() {
        var bad = F.credential("a\u{0}", cost: 1e308)
        bad.offerings = [Offering(start: Day(year: 2500, month: 1, day: 1)!, seats: -3)]
        let issues = CatalogueValidator.issues(in: F.catalogue([bad], []))
        #expect(has(issues, "$.credentials[0].id", "must be an identifier"))
        #expect(has(issues, "$.credentials[0].cost", "must lie in 0–1000000000"))
        #expect(has(issues, "$.credentials[0].offerings[0].start", "must be a date from 1900-01-01"))
        #expect(has(issues, "$.credentials[0].offerings[0].seats", "must lie in 0–1000000"))
    }
}
