import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

/// Issue 17's requirement constructs, one by one: free-elective pools and counting scopes.
/// The random comparison with enumeration (BruteForceTests) draws them too.
@Suite struct RequirementLanguageTests {
    typealias F = Fixture

    func plan(_ catalogue: Catalogue, _ request: PlanRequest) throws -> Plan {
        let outcome = try Planner(catalogue: catalogue).plan(request)
        let plan = try #require(outcome.plan, "expected a plan, got \(outcome)")
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        return plan
    }

    func readCatalogue(_ text: String) throws -> Catalogue { try CatalogueDocument.read(Data(text.utf8)) }

    func qualificationJSON(_ requires: String, rules: String = "{}", ects: Double = 0) -> String {
        """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [{"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": \(ects), "rules": \(rules), "requires": \(requires)}]}
        """
    }

    // MARK: 1. Free-elective pools

    @Test func freeElectivePoolIsReadAndValidated() throws {
        let catalogue = try readCatalogue(qualificationJSON(#"{"allOf": [{"credential": "a"}, {"credits": 0, "where": {"competency": "nursing"}}]}"#))
        #expect(catalogue.qualifications[0].requires.children[1].rule == .credits(0, CredentialFilter(competencies: ["nursing"])))
        #expect(CatalogueValidator(catalogue).run().filter { $0.severity == .error }.isEmpty)
    }

    @Test func freeElectivePoolLetsWhatItAcceptsCountTowardTheTotal() throws {
        // 10 ECTS in all: the core gives 5; only a nursing credential may make up the rest,
        // so the cheaper art course (which fits no rule) never does.
        let credentials = [F.credential("core", ects: 5, cost: 100), F.credential("nursing", ects: 5, cost: 300, competencies: ["nursing"]),
                           F.credential("art", ects: 5, cost: 50, competencies: ["art"])]
        let withPool = F.catalogue(credentials, [F.qualification(ects: 10, .allOf([
            .credential("core"), .credits(0, CredentialFilter(competencies: ["nursing"]))]))])
        let result = try plan(withPool, F.request())
        #expect(result.taken == ["core", "nursing"])
        #expect(result.applications["nursing"] == ["requires.allOf[1]"])
        #expect(result.objectiveValues == [400])
        // Without the pool nothing but the core can count: no plan reaches 10 ECTS.
        let withoutPool = F.catalogue(credentials, [F.qualification(ects: 10, .allOf([.credential("core")]))])
        #expect(try Planner(catalogue: withoutPool).plan(F.request()).plan == nil)
    }

    @Test func emptyFreeElectivePoolIsMetAndSaysSo() throws {
        let catalogue = F.catalogue([F.credential("core", ects: 5, cost: 100)], [F.qualification(ects: 5, .allOf([
            .credential("core"), RequirementNode(.credits(0, CredentialFilter(competencies: ["nursing"])), label: "Electives")]))])
        let request = F.request()
        let result = try plan(catalogue, request)
        #expect(result.taken == ["core"])
        let explanation = PlanExplanation(plan: result, catalogue: catalogue, request: request)
        let pool = try #require(explanation.requirements.first { $0.path == "requires.allOf[1]" })
        #expect(pool.status == .met)
        #expect(pool.margin.text == "0 ECTS count as free electives")
        #expect(PlanReport(plan: result, catalogue: catalogue, request: request).text.contains("✓ requires.allOf[1]  Electives: free electives in nursing"))
    }

    // MARK: 2. Counting scopes

    /// A major (scope "major") asks for 10 ECTS of x; the degree's own rules for 10 ECTS of anything.
    func majorAndDegree(majorScope: String?) -> Catalogue {
        let credentials = [F.credential("x1", ects: 5, cost: 100, competencies: ["x"]), F.credential("x2", ects: 5, cost: 100, competencies: ["x"]),
                           F.credential("g1", ects: 5, cost: 100), F.credential("g2", ects: 5, cost: 100)]
        let major = RequirementNode(.allOf([.credits(10, CredentialFilter(competencies: ["x"]))]), label: "Major", scope: majorScope)
        return F.catalogue(credentials, [F.qualification(.allOf([major, .credits(10)]))])
    }

    @Test func aCredentialCountsOnceInEachScope() throws {
        let scoped = try plan(majorAndDegree(majorScope: "major"), F.request())
        #expect(scoped.taken == ["x1", "x2"])
        #expect(scoped.applications["x1"]?.sorted() == ["requires.allOf[0].allOf[0]", "requires.allOf[1]"])
        // One scope for the whole qualification (the default): four distinct credentials.
        let single = try plan(majorAndDegree(majorScope: nil), F.request())
        #expect(single.objectiveValues == [400])
    }

    @Test func aCredentialNeverCountsTwiceInsideOneScope() throws {
        // The older sharedCounting lets "both" meet both leaves of the major; a scope does not.
        let credentials = [F.credential("both", ects: 5, cost: 100, competencies: ["x", "y"]),
                           F.credential("x", ects: 5, cost: 150, competencies: ["x"]), F.credential("y", ects: 5, cost: 150, competencies: ["y"])]
        let major = RequirementNode(.allOf([.credits(5, CredentialFilter(competencies: ["x"])), .credits(5, CredentialFilter(competencies: ["y"]))]), scope: "major")
        let scoped = try plan(F.catalogue(credentials, [F.qualification(.allOf([major, .credits(5)]))]), F.request())
        #expect(scoped.objectiveValues == [250])
        let shared = try plan(F.catalogue(credentials, [F.qualification(rules: QualificationRules(sharedCounting: true), .allOf([major, .credits(5)]))]), F.request())
        #expect(shared.objectiveValues == [100])
        #expect(shared.applications["both"]?.count == 3)
    }

    @Test func checkerRefusesTwoLeavesOfOneScope() throws {
        let catalogue = majorAndDegree(majorScope: "major")
        let request = F.request()
        var result = try plan(catalogue, request)
        // x1 in the degree's pool twice over is fine for the scope check only if the paths differ in scope.
        result.applications["x1"] = ["requires.allOf[0].allOf[0]", "requires.allOf[1]"]
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: result).isEmpty)
        let sameScope = majorAndDegree(majorScope: nil)
        let problems = PlanChecker(catalogue: sameScope, request: request).violations(of: result)
        #expect(problems.contains { $0.contains("twice within one counting scope") }, "\(problems)")
    }

    @Test func scopeIsReadWrittenAndShown() throws {
        let catalogue = try readCatalogue(qualificationJSON(#"{"allOf": [{"allOf": [{"credential": "a"}], "scope": "major", "label": "Major"}, {"credits": 5}]}"#))
        #expect(catalogue.qualifications[0].requires.children[0].scope == "major")
        let written = CatalogueDocument.json(catalogue.qualifications[0])
        #expect(String(decoding: written.serialized(pretty: false), as: UTF8.self).contains(#""scope":"major""#))
        let request = F.request()
        let result = try plan(catalogue, request)
        #expect(result.applications["a"]?.count == 2)
        let report = PlanReport(plan: result, catalogue: catalogue, request: request)
        #expect(report.text.contains("✓ requires.allOf[0]  Major: all of 1 [counting scope major]"), "\(report.text)")
        let lines = try #require(report.json.objectFields["requirements"].flatMap { value -> [JSON]? in
            if case .array(let lines) = value { return lines }
            return nil
        })
        #expect(lines.first { $0.objectFields["path"] == .string("requires.allOf[0]") }?.objectFields["scope"] == .string("major"))
    }

    @Test func badScopesAreReportedByPath() throws {
        let issues = CatalogueDocument.problems(in: Data(qualificationJSON(#"{"allOf": [{"credential": "a", "scope": "my major"}]}"#).utf8))
        #expect(issues.contains { $0.path == "$.qualifications[0].requires.allOf[0].scope" && $0.message.contains("must be an identifier") }, "\(issues)")
        let shared = CatalogueDocument.problems(in: Data(qualificationJSON(#"{"allOf": [{"credential": "a", "scope": "major"}]}"#, rules: #"{"sharedCounting": true}"#).utf8))
        #expect(shared.contains { $0.path == "$.qualifications[0].rules.sharedCounting" && $0.severity == .warning })
    }

    @Test func handApplicationsMayUseEachScopeOnce() throws {
        let catalogue = majorAndDegree(majorScope: "major")
        var learner = LearnerProfile(held: [HeldCredential(.external(ExternalCredential(title: "Old", ects: 10, eqf: 7)), earned: F.today)], today: F.today)
        learner.exceptions = [
            AdvisorException(.apply(item: "held[0]", path: "requires.allOf[0].allOf[0]"), qualification: "q", origin: "--apply"),
            AdvisorException(.apply(item: "held[0]", path: "requires.allOf[1]"), qualification: "q", origin: "--apply"),
        ]
        let request = PlanRequest(target: "q", learner: learner, objectives: [.cost], today: F.today)
        let result = try plan(catalogue, request)
        #expect(result.taken.isEmpty)
        let clashing = majorAndDegree(majorScope: nil)
        #expect(throws: PlanningError.self) { try Planner(catalogue: clashing).plan(request) }
    }

    // MARK: 4. Counts, distinct values and caps on one part

    @Test func countLeafAsksForCredentialsWhateverTheirCredits() throws {
        // "At least 3 courses in x": two 10-ECTS courses are not enough, three 1-ECTS ones are.
        var skill = F.credential("s1", ects: 1, cost: 10, competencies: ["x"])
        skill.ects = nil
        skill.hours = 8
        let credentials = [F.credential("big1", ects: 10, cost: 5, competencies: ["x"]), F.credential("big2", ects: 10, cost: 5, competencies: ["x"]),
                           skill, F.credential("s2", ects: 1, cost: 10, competencies: ["x"]), F.credential("s3", ects: 1, cost: 10, competencies: ["x"])]
        let catalogue = F.catalogue(credentials, [F.qualification(.count(3, CredentialFilter(competencies: ["x"])))])
        let request = F.request()
        let result = try plan(catalogue, request)
        #expect(result.taken.count == 3)
        #expect(result.objectiveValues == [20])
        let explanation = PlanExplanation(plan: result, catalogue: catalogue, request: request)
        #expect(explanation.requirements[0].margin == .count(counted: 3, minimum: 3, items: result.taken.sorted()))
        #expect(PlanReport(plan: result, catalogue: catalogue, request: request).text.contains("✓ requires  at least 3 credentials in x — 3 credentials"))
    }

    func byProvider(_ rule: DistinctRule) -> Catalogue {
        let providers = ["p", "q", "r"].map { Provider(id: $0, name: $0, country: "IE") }
        let credentials = [F.credential("p1", cost: 10, provider: "p"), F.credential("p2", cost: 10, provider: "p"), F.credential("p3", cost: 10, provider: "p"),
                           F.credential("q1", cost: 50, provider: "q"), F.credential("r1", cost: 90, provider: "r")]
        var leaf = RequirementNode(.credits(15, CredentialFilter()))
        leaf.distinct = rule
        return F.catalogue(credentials, [F.qualification(.allOf([leaf]))], providers: providers)
    }

    @Test func distinctRulesSpreadTheCredentialsApplied() throws {
        // Cheapest is three from p; "from at least 3 providers" needs p, q and r.
        let spread = try plan(byProvider(DistinctRule(by: .provider, atLeast: 3)), F.request())
        #expect(spread.taken == ["p1", "q1", "r1"])
        // "At most 2 from one provider": two from p and the cheaper other.
        let capped = try plan(byProvider(DistinctRule(by: .provider, atMostEach: 2)), F.request())
        #expect(capped.taken == ["p1", "p2", "q1"])
        let request = F.request()
        let explanation = PlanExplanation(plan: capped, catalogue: byProvider(DistinctRule(by: .provider, atMostEach: 2)), request: request)
        let leaf = try #require(explanation.requirements.first { $0.path == "requires.allOf[0]" })
        #expect(leaf.spread?.largestShare == 2 && leaf.spread?.values == 2)
        #expect(leaf.spread?.text == "2 different providers; at most 2 from one provider (2 allowed)")
        // The checker reads the rule itself: three from p are refused.
        var wrong = capped
        wrong.taken = ["p1", "p2", "p3"]
        wrong.applications = ["p1": ["requires.allOf[0]"], "p2": ["requires.allOf[0]"], "p3": ["requires.allOf[0]"]]
        wrong.totals.cost = 30
        let problems = PlanChecker(catalogue: byProvider(DistinctRule(by: .provider, atMostEach: 2)), request: request).violations(of: wrong)
        #expect(problems.contains { $0.contains("more than 2") }, "\(problems)")
    }

    @Test func subjectsAreTheLettersOfACode() {
        var credential = F.credential("x")
        credential.code = "biol 3120"
        let item = CountableItem(credential: credential, in: F.catalogue([credential], []), hoursPerECTS: 25)
        #expect(DistinctRule(by: .subject, atLeast: 1).values(of: item) == ["BIOL"])
        credential.code = "3120"
        #expect(DistinctRule(by: .subject, atLeast: 1).values(of: CountableItem(credential: credential, in: F.catalogue([credential], []), hoursPerECTS: 25)).isEmpty)
    }

    @Test func capOnOnePartLimitsOnlyWhatIsAppliedThere() throws {
        // The major takes 10 ECTS with at most 5 from provider q; the degree's own pool is not capped.
        let providers = ["p", "q"].map { Provider(id: $0, name: $0, country: "IE") }
        let credentials = [F.credential("q1", cost: 10, provider: "q"), F.credential("q2", cost: 10, provider: "q"),
                           F.credential("p1", cost: 100, provider: "p"), F.credential("p2", cost: 100, provider: "p")]
        var cap = RequirementNode(.maxCredits(5, CredentialFilter(providers: ["q"])))
        cap.capReach = .parent
        let major = RequirementNode(.allOf([.credits(10), cap]), label: "Major")
        let catalogue = F.catalogue(credentials, [F.qualification(ects: 20, .allOf([major, .credits(10)]))], providers: providers)
        let result = try plan(catalogue, F.request())
        #expect(result.objectiveValues == [220])
        #expect(result.applications["q1"]?.count == 1 && result.applications["q2"]?.count == 1)
        // The same cap on the whole qualification allows only one q credential anywhere.
        var everywhere = cap
        everywhere.capReach = .qualification
        let whole = F.catalogue(credentials, [F.qualification(ects: 20, .allOf([RequirementNode(.allOf([.credits(10), everywhere])), .credits(10)]))], providers: providers)
        #expect(try Planner(catalogue: whole).plan(F.request()).plan == nil)
    }

    @Test func countsDistinctAndReachAreReadAndValidated() throws {
        let text = #"{"allOf": [{"count": 2, "where": {"minEqf": 6}, "distinct": {"by": "provider", "atLeast": 1, "atMostEach": 1}}, {"allOf": [{"credits": 5}, {"maxCredits": 5, "within": "parent"}]}]}"#
        let catalogue = try readCatalogue(qualificationJSON(text))
        let children = catalogue.qualifications[0].requires.children
        #expect(children[0].rule == .count(2, CredentialFilter(minEQF: 6)))
        #expect(children[0].distinct == DistinctRule(by: .provider, atLeast: 1, atMostEach: 1))
        #expect(children[1].children[1].capReach == .parent)
        #expect(try CatalogueDocument.read(CatalogueDocument.data(catalogue)) == catalogue)
        let issues = CatalogueDocument.problems(in: Data(qualificationJSON(
            #"{"allOf": [{"count": 0}, {"credits": 5, "distinct": {"by": "colour"}}, {"credential": "a", "distinct": {"by": "provider", "atLeast": 1}}, {"credits": 5, "within": "parent"}, {"maxCredits": 5, "within": "planet"}]}"#).utf8))
        func has(_ path: String, _ fragment: String) -> Bool { issues.contains { $0.path == path && $0.message.contains(fragment) } }
        #expect(has("$.qualifications[0].requires.allOf[0].count", "must lie in 1–100000"), "\(issues)")
        #expect(has("$.qualifications[0].requires.allOf[1].distinct.by", "\"colour\""))
        #expect(has("$.qualifications[0].requires.allOf[1].distinct", "needs \"atLeast\""))
        #expect(has("$.qualifications[0].requires.allOf[2].distinct", "credits and count leaves only"))
        #expect(has("$.qualifications[0].requires.allOf[3].within", "maxCredits caps only"))
        #expect(has("$.qualifications[0].requires.allOf[4].within", "\"planet\""))
    }

    @Test func unreachableCountsAndSpreadsAreDiagnosedWithTheirFigures() throws {
        // Two courses in x, three asked for; two providers, three asked for.
        let providers = ["p", "q"].map { Provider(id: $0, name: $0, country: "IE") }
        let credentials = [F.credential("a", competencies: ["x"], provider: "p"), F.credential("b", competencies: ["x"], provider: "q")]
        var spread = RequirementNode(.credits(5))
        spread.distinct = DistinctRule(by: .provider, atLeast: 3)
        let catalogue = F.catalogue(credentials, [F.qualification(.allOf([RequirementNode(.count(3, CredentialFilter(competencies: ["x"]))), spread]))], providers: providers)
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(F.request()).diagnosis)
        let reasons = Dictionary(uniqueKeysWithValues: diagnosis.unmet.map { ($0.path, $0.reason) })
        #expect(reasons["requires.allOf[0]"] == .countOutOfReach(available: 2, needed: 3))
        #expect(reasons["requires.allOf[1]"] == .tooFewValues(field: .provider, available: 2, needed: 3))
        #expect(UnmetReason.tooFewValues(field: .provider, available: 2, needed: 3).text == "the credentials it accepts show only 2 different providers, 3 needed")
        #expect(UnmetReason.countOutOfReach(available: 2, needed: 3).text == "only 2 matching credentials can be had, 3 needed")
    }
}
