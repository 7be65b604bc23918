import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

@Suite struct DiagnosisAdvisorTests {
    typealias F = Fixture

    /// 20 ECTS of research methods at EQF 7+: the English online courses give 15, a German one
    /// 10 more, and an EQF 6 course does not fit at all.
    func researchCatalogue() -> Catalogue {
        let research = ["research-methods"]
        return F.catalogue(
            [F.credential("r10", ects: 10, cost: 100, competencies: research),
             F.credential("r5", ects: 5, cost: 50, competencies: research),
             F.credential("r-de", ects: 10, cost: 300, competencies: research, languages: ["de"]),
             F.credential("r-eqf6", ects: 10, cost: 10, eqf: 6, competencies: research)],
            [F.qualification(ects: 20, .allOf([.credits(20, CredentialFilter(competencies: research, minEQF: 7))]))])
    }

    @Test func shortfallOfABuiltInfeasibleCase() throws {
        let outcome = try Planner(catalogue: researchCatalogue()).plan(F.request(constraints: LearnerConstraints(languages: ["en"])))
        let diagnosis = try #require(outcome.diagnosis)
        #expect(diagnosis.cause == .learnerLimits)
        let leaf = try #require(diagnosis.shortfalls.first { $0.path == "requires.allOf[0]" })
        #expect(leaf.kind == .credits)
        #expect(leaf.amount == 5)
        #expect(leaf.catalogueECTS == 25)
        #expect(leaf.allowedECTS == 15)
        // The figures behind the words, as values.
        #expect(leaf.needed == 20 && leaf.heldECTS == 0 && leaf.limits == [.languages(["en"])])
        #expect(leaf.filter == CredentialFilter(competencies: ["research-methods"], minEQF: 7))
        #expect(leaf.text.hasPrefix("5 ECTS in research-methods, at EQF 7+ are missing (20 needed): the catalogue offers 25 ECTS that fit, 15 of them within your limits (languages en)"))
        let total = try #require(diagnosis.shortfalls.first { $0.path == "ects" })
        #expect(total.amount == 5)
        // Adding German admits r-de: r10 + r-de is the cheapest way to 20.
        let relaxation = try #require(diagnosis.relaxations.first)
        #expect(diagnosis.relaxations.count == 1)
        #expect(relaxation.limits == ["languages"] && relaxation.admitted == ["de"] && relaxation.planCost == 400 && relaxation.cheapest)
        #expect(relaxation.changes == [.addLanguages(["de"])])
        #expect(diagnosis.text.contains("add the language de"))
        let json = diagnosis.json.objectFields
        #expect(json["shortfalls"].map { if case .array(let items) = $0 { items.count } else { 0 } } == 2)
    }

    @Test func budgetRelaxationNamesTheBudgetNeeded() throws {
        let outcome = try Planner(catalogue: researchCatalogue()).plan(F.request(constraints: LearnerConstraints(budget: 120)))
        let diagnosis = try #require(outcome.diagnosis)
        #expect(diagnosis.cause == .budgetOrHours)
        // Within 120: r10 + r5 (150) is out of reach, r10 alone gives 10 of the 20.
        #expect(diagnosis.shortfalls.first { $0.path == "requires.allOf[0]" }?.amount == 10)
        let budget = try #require(diagnosis.relaxations.first { $0.limits == ["budget"] })
        #expect(budget.value == 400)
        #expect(budget.changes == [.budget(from: 120, to: 400, currency: "EUR")])
        #expect(budget.change == "raise the budget from 120 to 400 EUR (+280)")
        #expect(diagnosis.summary == .limits([.budget(cheapest: 400, budget: 120, currency: "EUR")]))
    }

    @Test func cheapestRelaxationAmongSeveral() throws {
        // Either a German online course (500) or an English in-person one (300) meets the leaf.
        let catalogue = F.catalogue(
            [F.credential("german", cost: 500, languages: ["de"]), F.credential("campus", cost: 300, mode: .inPerson)],
            [F.qualification(.anyOf([.credential("german"), .credential("campus")]))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(
            F.request(constraints: LearnerConstraints(modes: [.online], languages: ["en"]))).diagnosis)
        #expect(diagnosis.relaxations.map(\.limits) == [["languages"], ["modes"]])
        #expect(diagnosis.relaxations.map(\.planCost) == [500, 300])
        #expect(diagnosis.relaxations.filter(\.cheapest).map(\.limits) == [["modes"]])
        #expect(diagnosis.relaxations[1].admitted == ["in-person"])
        // The waived credential leaf says why it cannot be had.
        #expect(diagnosis.shortfalls.contains { $0.kind == .credential && $0.text.contains("not in your") })
        let outOfLimits: [UnmetReason] = [
            .notOffered(credential: "german", .language(taught: ["de"], allowed: ["en"])), .notOffered(credential: "campus", .mode(.inPerson, allowed: [.online])),
        ]
        let credentialReasons = diagnosis.shortfalls.filter { $0.kind == .credential }.compactMap(\.reason)
        #expect(!credentialReasons.isEmpty && credentialReasons.allSatisfy(outOfLimits.contains))
    }

    @Test func limitsThatMustBeRelaxedTogether() throws {
        let catalogue = F.catalogue([F.credential("z", cost: 200, mode: .inPerson, languages: ["de"])], [F.qualification(.credential("z"))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(
            F.request(constraints: LearnerConstraints(modes: [.online], languages: ["en"], accreditedOnly: false))).diagnosis)
        #expect(diagnosis.relaxations.count == 1)
        #expect(diagnosis.relaxations[0].limits == ["languages", "modes"])
        #expect(diagnosis.relaxations[0].changes == [.addLanguages(["de"]), .addModes(["in-person"])])
        #expect(diagnosis.relaxations[0].change == "add the language de, and add the mode in-person")
    }

    @Test func catalogueGapsNeedNoRelaxation() throws {
        let catalogue = F.catalogue(
            [F.credential("r", ects: 5, competencies: ["research-methods"])],
            [F.qualification(ects: 10, .allOf([.credits(10, CredentialFilter(competencies: ["research-methods"]))]))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(F.request(constraints: LearnerConstraints(budget: 1000))).diagnosis)
        #expect(diagnosis.cause == .catalogue)
        #expect(diagnosis.summary == .beyondCatalogue(qualification: "q"))
        #expect(diagnosis.unmet.map(\.reason) == [
            .partsUnmet, .creditsOutOfReach(available: 5, needed: 10, matching: 1), .totalOutOfReach(available: 5, needed: 10),
        ])
        #expect(diagnosis.text.contains("at most 5 of the 10 ECTS can be found (1 matching credential)"))
        #expect(diagnosis.relaxations.isEmpty)
        #expect(diagnosis.shortfalls.first?.amount == 5)
    }

    @Test func bundledLanguageDiagnosis() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("aoife")))
        var request = PlanRequest(target: "tcd-pgcert-dementia", learner: profile)
        request.constraints.languages = ["fi"]
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request).diagnosis)
        #expect(diagnosis.shortfalls.filter { $0.kind == .credential }.count == 3)
        #expect(diagnosis.relaxations.first { $0.cheapest }?.admitted == ["en"])
        #expect(diagnosis.relaxations.first { $0.cheapest }?.planCost == 3555)
    }
}

@Suite struct MoneyFormattingTests {
    @Test func feesBeyondIntsRangePrintWithoutTrapping() {
        #expect(format(money: 2709.9999999) == "2710")
        #expect(format(money: 3184.5) == "3184.50")
        // 1e19 is past Int.max: converting it to Int would trap.
        #expect(format(money: 1e19) == "10000000000000000000")
        #expect(format(money: -1e19) == "-10000000000000000000")
        #expect(format(money: 1e308).count == 309)
        #expect(format(money: .nan) == "nan")
    }

    @Test func aHugeFeeIsDiagnosedAndRenderedWithoutTrapping() throws {
        let catalogue = Fixture.catalogue([Fixture.credential("gold", cost: 1e12)], [Fixture.qualification(.credential("gold"))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(Fixture.request(constraints: LearnerConstraints(budget: 100))).diagnosis)
        #expect(diagnosis.summary == .limits([.budget(cheapest: 1e12, budget: 100, currency: "EUR")]))
        #expect(diagnosis.text.contains("the cheapest plan costs 1000000000000 EUR, over the budget of 100 EUR"))
        // Beyond what planning accepts, the fee is refused as bad input before any model is built.
        let beyond = Fixture.catalogue([Fixture.credential("gold", cost: 1e19)], [Fixture.qualification(.credential("gold"))])
        let refused = #expect(throws: PlanningError.self) { try Planner(catalogue: beyond).plan(Fixture.request()) }
        #expect(refused?.kind == .invalidInput)
    }
}

@Suite struct WhatIfTests {
    typealias F = Fixture

    func catalogue() -> Catalogue {
        F.catalogue(
            [F.credential("a", cost: 100), F.credential("b", cost: 200), F.credential("c", cost: 300)],
            [F.qualification(.allOf([.credential("a"), RequirementNode(.anyOf([.credential("b"), .credential("c")]))]))])
    }

    @Test func withdrawingTheCheaperOptionCostsTheDifference() throws {
        let result = try Planner(catalogue: catalogue()).whatIf(F.request(), WhatIfScenario(without: ["b"]))
        let difference = try #require(result.difference)
        #expect(difference.cost == 100)
        #expect(difference.added == ["c"] && difference.removed == ["b"])
        #expect(difference.text(currency: "EUR") == "cost +100 EUR; +c, −b")
        #expect(result.scenario.plan?.taken == ["a", "c"])
    }

    @Test func assumingACredentialHeldSavesItsFee() throws {
        let result = try Planner(catalogue: catalogue()).whatIf(F.request(), WhatIfScenario(assumeHeld: ["a"]))
        let difference = try #require(result.difference)
        #expect(difference.cost == -100 && difference.hours == -125)
        #expect(difference.removed == ["a"] && difference.heldNowCounting == ["a"])
    }

    @Test func aSmallerBudgetLeavesNoPlan() throws {
        let result = try Planner(catalogue: catalogue()).whatIf(F.request(), WhatIfScenario(constraints: LearnerConstraints(budget: 250)))
        #expect(result.baseline.plan?.totals.cost == 300)
        #expect(result.scenario.diagnosis?.cheapestCost == 300)
        #expect(result.difference == nil)
    }

    @Test func cancelledOfferingMovesTheCompletion() throws {
        var m = F.credential("m", ects: 4, cost: 500)
        m.offerings = [Offering(id: "spring", start: Day("2027-01-11")!, weeks: 6), Offering(id: "autumn", start: Day("2027-09-06")!, weeks: 6)]
        let catalogue = F.catalogue([m], [F.qualification(.credential("m"))])
        var request = F.request(objectives: [.duration])
        request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20)
        let result = try Planner(catalogue: catalogue).whatIf(request, WhatIfScenario(without: ["m@spring"]))
        #expect(result.baseline.plan?.completes == Day("2027-02-21"))
        #expect(result.scenario.plan?.completes == Day("2027-10-17"))
        #expect(result.difference?.completionDays == Day("2027-10-17")!.ordinal - Day("2027-02-21")!.ordinal)
        #expect(result.difference?.cost == 0)
    }

    @Test func unknownIdsAreErrorsNamingTheFlag() throws {
        let planner = Planner(catalogue: catalogue())
        #expect { try planner.whatIf(F.request(), WhatIfScenario(assumeHeld: ["nope"])) } throws: { "\($0)".contains("--assume-held nope") }
        #expect { try planner.whatIf(F.request(held: [.catalogue("a")]), WhatIfScenario(assumeHeld: ["a"])) } throws: { "\($0)".contains("holds it already") }
        #expect { try planner.whatIf(F.request(), WhatIfScenario(without: ["b@spring"])) } throws: { "\($0)".contains("b has no offering \"spring\"") }
        // An empty id, alone or before an offering (found by fuzzing the API), is an unknown id, not a crash.
        #expect { try planner.whatIf(F.request(), WhatIfScenario(without: [""])) } throws: { "\($0)".contains("no credential \"\"") }
        #expect { try planner.whatIf(F.request(), WhatIfScenario(without: ["@spring"])) } throws: { "\($0)".contains("no credential \"\"") }
    }

    @Test func bundledWhatIfForAoife() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("aoife")))
        let result = try Planner(catalogue: catalogue).whatIf(PlanRequest(target: "tcd-pgcert-dementia", learner: profile), WhatIfScenario(assumeHeld: ["tcd-nu7812"]))
        #expect(result.difference?.cost == -1185)
        #expect(result.difference?.removed == ["tcd-nu7812"])
    }
}

@Suite struct ExceptionTests {
    typealias F = Fixture

    func checks(_ plan: Plan, _ catalogue: Catalogue, _ request: PlanRequest) -> [String] {
        PlanChecker(catalogue: catalogue, request: request).violations(of: plan)
    }

    func with(_ request: PlanRequest, _ exceptions: AdvisorException...) -> PlanRequest {
        var changed = request
        changed.addedExceptions += exceptions
        return changed
    }

    @Test func waivedRequirementCountsAsMet() throws {
        let catalogue = F.catalogue(
            [F.credential("a", cost: 100), F.credential("b", cost: 900)],
            [F.qualification(.allOf([.credential("a"), .credential("b")]))])
        let request = with(F.request(), AdvisorException(.waive(path: "requires.allOf[1]"), note: "clinical experience", origin: "--waive requires.allOf[1]"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["a"])
        #expect(checks(plan, catalogue, request).isEmpty)
        // The checker accepts exactly what the exception allows: without it the plan fails.
        #expect(checks(plan, catalogue, F.request()).contains { $0.contains("not met") })
        let report = PlanReport(plan: plan, catalogue: catalogue, request: request)
        #expect(report.text.contains("requires.allOf[1] waived (--waive requires.allOf[1]): clinical experience"))
        #expect(report.requirements.first { $0.path == "requires.allOf[1]" }?.waived == true)
    }

    @Test func substituteIsAcceptedWhereTheOriginalWasAsked() throws {
        let catalogue = F.catalogue(
            [F.credential("old", cost: 900), F.credential("new", cost: 100), F.credential("x", cost: 50)],
            [F.qualification(.allOf([.credential("old"), .credential("x")]))])
        let request = with(F.request(), AdvisorException(.substitute(old: "old", new: "new"), origin: "--substitute old=new"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["new", "x"])
        #expect(plan.applications["new"] == ["requires.allOf[0]"])
        #expect(checks(plan, catalogue, request).isEmpty)
        #expect(checks(plan, catalogue, F.request()).contains { $0.contains("asks for old") })
        #expect(request.exceptionUse(in: plan, catalogue: catalogue).map(\.used) == [true])
    }

    @Test func substituteDoesNotCountALeafTwice() throws {
        // Old and new both applied to one leaf must not pass as two met children of "at least 2".
        let catalogue = F.catalogue(
            [F.credential("old", cost: 100), F.credential("new", cost: 100), F.credential("other", cost: 1000)],
            [F.qualification(.atLeast(2, [.credential("old"), .credential("other")]))])
        let request = with(F.request(), AdvisorException(.substitute(old: "old", new: "new"), origin: "--substitute old=new"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.totals.cost == 1100)
        #expect(checks(plan, catalogue, request).isEmpty)
    }

    @Test func aCredentialLeafTakesOneItemEvenWithASubstitute() throws {
        // Both would count toward the 10 ECTS total if the leaf took two; it takes one, so "c" is needed.
        let catalogue = F.catalogue(
            [F.credential("old", cost: 100), F.credential("new", cost: 100), F.credential("c", cost: 500)],
            [F.qualification(ects: 10, .anyOf([.credential("old"), .credential("c")]))])
        let request = with(F.request(), AdvisorException(.substitute(old: "old", new: "new"), origin: "--substitute old=new"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.totals.cost == 600)
        var doubled = plan
        doubled.taken = ["new", "old"]
        doubled.applications = ["new": ["requires.anyOf[0]"], "old": ["requires.anyOf[0]"]]
        doubled.totals.cost = 200
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: doubled).contains { $0.contains("asks for one credential but 2") })
    }

    @Test func externalHeldItemSubstitutesByPosition() throws {
        let catalogue = F.catalogue([F.credential("old", cost: 700)], [F.qualification(.credential("old"))])
        let external = ExternalCredential(title: "Equivalent course abroad", ects: 5, eqf: 7)
        let request = with(F.request(held: [HeldCredential(.external(external), earned: F.today)]),
                           AdvisorException(.substitute(old: "old", new: "held[0]"), origin: "--substitute old=held[0]"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken.isEmpty && plan.applications["held[0]"] == ["requires"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
    }

    @Test func heldItemAppliedByHandCountsWhateverItsFilterAndAge() throws {
        let catalogue = F.catalogue(
            [F.credential("y5", ects: 5, cost: 400, competencies: ["y"])],
            [F.qualification(ects: 5, rules: QualificationRules(priorWithinYears: 2), .allOf([.credits(5, CredentialFilter(competencies: ["y"]))]))])
        let external = ExternalCredential(title: "Old course on x", ects: 5, eqf: 7, competencies: ["x"])
        let base = F.request(held: [HeldCredential(.external(external), earned: Day("2015-05-01"))])
        #expect(try Planner(catalogue: catalogue).plan(base).plan?.taken == ["y5"])
        let request = with(base, AdvisorException(.apply(item: "held[0]", path: "requires.allOf[0]"), origin: "--apply held[0]=requires.allOf[0]"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken.isEmpty && plan.heldApplied == ["held[0]"])
        #expect(checks(plan, catalogue, request).isEmpty)
        let without = checks(plan, catalogue, base)
        #expect(without.contains { $0.contains("does not match its filter") } && without.contains { $0.contains("not earned within") })
        // A plan that drops the hand application breaks the exception.
        var dropped = plan
        dropped.applications = [:]
        #expect(checks(dropped, catalogue, request).contains { $0.contains("must count toward requires.allOf[0] by exception") })
    }

    @Test func handApplicationNamesAHeldCatalogueCredentialByPosition() throws {
        let catalogue = F.catalogue(
            [F.credential("h", ects: 5, competencies: ["x"]), F.credential("y5", ects: 5, cost: 400, competencies: ["y"])],
            [F.qualification(.allOf([.credits(5, CredentialFilter(competencies: ["y"]))]))])
        let request = with(F.request(held: [.catalogue("h", earned: F.today)]), AdvisorException(.apply(item: "held[0]", path: "requires.allOf[0]"), origin: "--apply"))
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.heldApplied == ["h"] && plan.taken.isEmpty)
    }

    @Test func invalidExceptionsAreErrorsWithThePath() throws {
        let catalogue = F.catalogue([F.credential("a"), F.credential("b")], [F.qualification(.allOf([.credential("a"), RequirementNode(.anyOf([.credential("b")]))]))])
        let request = with(
            F.request(),
            AdvisorException(.waive(path: "requires.allOf[7]"), origin: "--waive requires.allOf[7]"),
            AdvisorException(.substitute(old: "zzz", new: "a"), origin: "--substitute zzz=a"),
            AdvisorException(.apply(item: "held[2]", path: "requires.allOf[1]"), origin: "--apply held[2]=requires.allOf[1]"))
        #expect {
            try Planner(catalogue: catalogue).plan(request)
        } throws: { error in
            guard case PlanningError.invalidLearner(let document) = error else { return false }
            let messages = document.issues.map(\.description)
            return messages.count == 4
                && messages[0] == "--waive requires.allOf[7]: q has no requirement at requires.allOf[7] (`stackplan show q` lists its paths)"
                && messages[1].contains("no requirement of q asks for zzz")
                && messages[2].contains("held[2] is not held")
                && messages[3].contains("requires.allOf[1] is not a credential or credits requirement")
        }
    }

    @Test func profileExceptionsReadWriteAndApplyToTheirQualificationOnly() throws {
        let text = """
            {"today": "2026-11-23", "held": [{"title": "Ward course", "ects": 5, "eqf": 6, "competencies": ["x"], "earned": "2026-01-01"}],
             "exceptions": [
               {"qualification": "q", "waive": "requires.allOf[1]", "note": "approved by the programme board"},
               {"qualification": "q", "substitute": "a", "with": "a2"},
               {"qualification": "other", "apply": "held[0]", "to": "requires"}
             ]}
            """
        let profile = try LearnerDocument.read(Data(text.utf8))
        #expect(profile.exceptions.count == 3)
        #expect(profile.exceptions[0].origin == "$.exceptions[0]" && profile.exceptions[0].note == "approved by the programme board")
        let reread = try LearnerDocument.read(LearnerDocument.json(profile).serialized())
        #expect(reread.exceptions == profile.exceptions)
        let catalogue = F.catalogue(
            [F.credential("a", cost: 500), F.credential("a2", cost: 100), F.credential("b", cost: 900)],
            [F.qualification(.allOf([.credential("a"), .credential("b")]))])
        let request = PlanRequest(target: "q", learner: profile, today: F.today)
        #expect(request.exceptions.count == 2)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["a2"])
        let json = PlanReport(plan: plan, catalogue: catalogue, request: request).json.objectFields
        guard case .array(let exceptions)? = json["exceptions"] else { Issue.record("no exceptions in the JSON"); return }
        #expect(exceptions.count == 2)
        #expect(exceptions[0].objectFields["origin"] == .string("$.exceptions[0]"))
    }

    @Test func malformedProfileExceptionsAreReported() throws {
        let text = #"{"exceptions": [{"waive": "requires"}, {"qualification": "q", "waive": "requires", "apply": "held[0]"}, {"qualification": "q"}]}"#
        #expect {
            try LearnerDocument.read(Data(text.utf8), file: "p.json")
        } throws: { error in
            guard let document = error as? InvalidDocument else { return false }
            let paths = document.issues.map(\.path)
            return paths == ["$.exceptions[0].qualification", "$.exceptions[1]", "$.exceptions[2]"]
        }
    }
}

@Suite struct ExplainCompareTests {
    typealias F = Fixture

    @Test func marginsOfEveryKindOfRequirement() throws {
        let catalogue = F.catalogue(
            [F.credential("h1", ects: 6, competencies: ["x"]), F.credential("h2", ects: 6, competencies: ["x"]),
             F.credential("alt1"), F.credential("alt2"), F.credential("old", competencies: ["z"]),
             F.credential("buy", ects: 5, cost: 100, competencies: ["y"], accredited: false)],
            [F.qualification(ects: 20, rules: QualificationRules(priorWithinYears: 3), .allOf([
                .credits(10, CredentialFilter(competencies: ["x"])),
                RequirementNode(.anyOf([.credential("alt1"), .credential("alt2")])),
                .credits(5, CredentialFilter(competencies: ["y"])),
                RequirementNode(.maxCredits(8, CredentialFilter(accredited: false))),
            ]))])
        let held: [HeldCredential] = [
            .catalogue("h1", earned: Day("2026-01-01")), .catalogue("h2", earned: Day("2026-02-01")),
            .catalogue("alt1", earned: Day("2026-03-01")), .catalogue("alt2", earned: Day("2026-04-01")),
            .catalogue("old", earned: Day("2010-01-01")),
        ]
        let request = F.request(held: held)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        let explanation = PlanExplanation(plan: plan, catalogue: catalogue, request: request)
        #expect(explanation.violations.isEmpty)
        let byPath = Dictionary(uniqueKeysWithValues: explanation.requirements.map { ($0.path, $0) })
        #expect(byPath["requires.allOf[0]"]?.surplus == 2)
        #expect(byPath["requires.allOf[0]"]?.margin == .credits(counted: 12, minimum: 10, parts: [.init(id: "h1", ects: 6), .init(id: "h2", ects: 6)]))
        #expect(byPath["requires.allOf[0]"]?.margin.text == "12 of 10 ECTS (h1 6 + h2 6): 2 over the minimum")
        let alternatives = try #require(byPath["requires.allOf[1]"])
        #expect(alternatives.status == .met && alternatives.surplus != nil)
        #expect(byPath["requires.allOf[2]"]?.margin.text == "5 of 5 ECTS (buy 5): exactly the minimum")
        #expect(byPath["requires.allOf[3]"]?.margin == .cap(counted: 5, maximum: 8))
        #expect(byPath["requires.allOf[3]"]?.margin.text == "5 of at most 8 ECTS: 3 to spare")
        #expect(plan.unusedHeld.first { $0.id == "old" }?.reason == .tooOld(earned: Day("2010-01-01")!, withinYears: 3, today: Day("2026-11-23")!))
        #expect(explanation.text.contains("– old does not count: earned 2010-01-01, more than 3 years before 2026-11-23"))
        #expect(explanation.text.contains("Check: the plan passes every rule"))
        #expect(explanation.roles.map(\.role) == [.countsToward(["requires.allOf[2]"])])
        #expect(explanation.roles.map(\.role.text) == ["counts toward requires.allOf[2]"])
    }

    @Test func savedPlanRoundTripsAndIsRechecked() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("sofia")))
        let request = PlanRequest(target: "ucp-pgdip-ipc", learner: profile, objectives: [.cost, .workload])
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        let saved = PlanReport(plan: plan, catalogue: catalogue, request: request).json.serialized()
        let read = try PlanDocument.read(saved, catalogue: catalogue, request: request)
        #expect(read.taken == plan.taken && read.applications == plan.applications && read.heldApplied == plan.heldApplied)
        #expect(read.objectives == [.cost, .workload] && read.objectiveValues == plan.objectiveValues)
        #expect(PlanExplanation(plan: read, catalogue: catalogue, request: request).violations.isEmpty)
        // A plan edited by hand (one credential dropped) fails the check, and says why.
        var edited = try JSON.parse(saved).objectFields
        edited["credentials"] = .array(plan.taken.dropFirst().map(JSON.string))
        let tampered = try PlanDocument.read(JSON.object(edited).serialized(), catalogue: catalogue, request: request)
        #expect(!PlanExplanation(plan: tampered, catalogue: catalogue, request: request).violations.isEmpty)
        // A plan for another qualification is refused with its path.
        var other = request
        other.target = "ucp-msc-ipc"
        #expect { try PlanDocument.read(saved, file: "sofia.json", catalogue: catalogue, request: other) } throws: { error in
            (error as? InvalidDocument)?.issues.first?.path == "$.target"
        }
    }

    @Test func scheduledPlanRoundTrips() throws {
        var m = F.credential("m", ects: 4, cost: 500)
        m.offerings = [Offering(id: "spring", start: Day("2027-01-11")!, weeks: 6, cost: 450)]
        let catalogue = F.catalogue([m, F.credential("s", ects: 4, cost: 50)], [F.qualification(.allOf([.credential("m"), .credential("s")]))])
        var request = F.request(objectives: [.duration])
        request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        let read = try PlanDocument.read(PlanReport(plan: plan, catalogue: catalogue, request: request).json.serialized(), catalogue: catalogue, request: request)
        #expect(read.schedule == plan.schedule && read.completes == plan.completes && read.startGridWeeks == plan.startGridWeeks)
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: read).isEmpty)
    }

    @Test func comparisonSummarisesEachPlan() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 100, eqf: 6, mode: .online, provider: "p"),
             F.credential("b", ects: 10, cost: 300, eqf: 7, mode: .blended, provider: "p2")],
            [F.qualification(.anyOf([.credential("a"), .credential("b")]))],
            providers: [F.provider, Provider(id: "p2", name: "Other", country: "PT", accredited: true)])
        let result = try Planner(catalogue: catalogue).alternatives(F.request(), count: 2)
        let comparison = PlanComparison(result.plans.enumerated().map { .init(label: "#\($0 + 1)", plan: $1, request: F.request()) }, catalogue: catalogue)
        let first = comparison.summary(of: result.plans[0]), second = comparison.summary(of: result.plans[1])
        #expect(first.eqfMix == [6: 5] && first.providers == ["p"] && first.modes == ["online": 1])
        #expect(second.eqfMix == [7: 10] && second.providers == ["p2"] && second.modes == ["blended": 1] && second.cost == 300)
        #expect(comparison.text.contains("300 (+200)"))
        #expect(comparison.text.contains("#2: cost +200 EUR, hours +125, ECTS taken +5; +b, −a"))
        guard case .array(let plans)? = comparison.json.objectFields["plans"] else { throw PlanningError.invalidRequest("no plans") }
        #expect(plans.count == 2)
        #expect(plans[1].objectFields["differenceFromFirst"]?.objectFields["cost"] == .number(200))
        #expect(comparison.sharesOneTarget)
        #expect(comparison.role(of: "b", in: result.plans[1]) == .countsToward(["requires.anyOf[1]"]))
    }

    @Test func plansTowardDifferentQualificationsSideBySide() throws {
        let catalogue = F.catalogue(
            [F.credential("a", cost: 100), F.credential("b", cost: 300), F.credential("c", cost: 50)],
            [F.qualification(id: "q1", .allOf([.credential("a"), .credential("c")])),
             F.qualification(id: "q2", .allOf([.credential("b"), .credential("c")]))])
        let planner = Planner(catalogue: catalogue)
        let columns = try ["q1", "q2"].map { target in
            let request = F.request(target)
            return PlanComparison.Column(label: target, plan: try #require(try planner.plan(request).plan), request: request)
        }
        let comparison = PlanComparison(columns, catalogue: catalogue)
        #expect(!comparison.sharesOneTarget)
        #expect(comparison.targets.map(\.id) == ["q1", "q2"])
        #expect(comparison.rowIDs == ["a", "c", "b"])
        #expect(comparison.role(of: "c", in: columns[1].plan) == .countsToward(["requires.allOf[1]"]))
        let text = comparison.text
        #expect(text.hasPrefix("2 plans toward 2 qualifications, side by side\n\n  q1: Award q1\n  q2: Award q2\n"))
        #expect(text.contains("qualification   q1"))
        #expect(text.contains("q2: cost +200 EUR; +b, −a"))
        #expect(comparison.json.objectFields["targets"] == .array([.string("q1"), .string("q2")]))
    }
}

@Suite struct NearestTests {
    typealias F = Fixture

    @Test func rankingWithBoundsThatSkipTheSolver() throws {
        let catalogue = F.catalogue(
            [F.credential("cheap", cost: 100), F.credential("mid", cost: 300), F.credential("german", cost: 50, languages: ["de"]),
             F.credential("dear1", cost: 600), F.credential("dear2", cost: 600)],
            [F.qualification(id: "q-mid", .credential("mid")), F.qualification(id: "q-cheap", .credential("cheap")),
             F.qualification(id: "q-german", .credential("german")),
             F.qualification(id: "q-dear", .allOf([.credential("dear1"), .credential("dear2")]))])
        let request = F.request(constraints: LearnerConstraints(budget: 1000, languages: ["en"]))
        let ranking = try Planner(catalogue: catalogue).nearest(request, by: .cost)
        #expect(ranking.entries.map(\.qualification.id) == ["q-cheap", "q-mid", "q-dear", "q-german"])
        #expect(ranking.entries.map(\.value) == [100, 300, nil, nil])
        #expect(ranking.entries[2].decision == .linearBound)
        #expect(ranking.entries[2].reason == .costBound(atLeast: 1200, budget: 1000, currency: "EUR"))
        #expect(ranking.entries[2].reason?.text.contains("at least 1200 EUR") == true)
        #expect(ranking.entries[3].decision == .reachability)
        #expect(ranking.solved == 2 && ranking.avoided == 2)
        // By ECTS still to take, every reachable one needs 5.
        let byECTS = try Planner(catalogue: catalogue).nearest(request, by: .ects)
        #expect(byECTS.entries.prefix(2).map(\.value) == [5, 5])
        #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).nearest(request, by: .duration) }
    }

    /// A cheap EQF 4 certificate and a dearer EQF 7 award, for a learner who holds an EQF 6 degree.
    func levelsCatalogue() -> (Catalogue, PlanRequest) {
        var certificate = F.qualification(id: "q-cert", .credential("basic"))
        certificate.eqf = 4
        var skill = F.credential("basic", cost: 50, eqf: 4)
        skill.kind = .skill
        let catalogue = F.catalogue(
            [skill, F.credential("advanced", cost: 900), F.credential("degree", eqf: 6)],
            [certificate, F.qualification(id: "q-msc", .credential("advanced"))])
        return (catalogue, F.request(held: [.catalogue("degree", earned: F.today)]))
    }

    @Test func awardsBelowTheLearnersLevelRankAfterTheOthers() throws {
        let (catalogue, request) = levelsCatalogue()
        let ranking = try Planner(catalogue: catalogue).nearest(request, by: .cost)
        #expect(ranking.learnerLevel == 6)
        // The EQF 4 certificate is cheaper, but below the degree the learner holds.
        #expect(ranking.entries.map(\.qualification.id) == ["q-msc", "q-cert"])
        #expect(ranking.entries.map(\.belowLearnerLevel) == [false, true])
        #expect(ranking.entries.allSatisfy { $0.plan != nil })
    }

    @Test func levelsAndKindsLimitTheRanking() throws {
        let (catalogue, request) = levelsCatalogue()
        let atLeastFive = try Planner(catalogue: catalogue).nearest(request, by: .cost, filter: NearestFilter(minEQF: 5))
        #expect(atLeastFive.entries.map(\.qualification.id) == ["q-msc"])
        #expect(atLeastFive.leftOut == ["q-cert"])
        let atMostFour = try Planner(catalogue: catalogue).nearest(request, by: .cost, filter: NearestFilter(maxEQF: 4))
        #expect(atMostFour.entries.map(\.qualification.id) == ["q-cert"] && atMostFour.leftOut == ["q-msc"])
        // Modules only: the certificate's one skill credential is not offered to the plans.
        let modules = try Planner(catalogue: catalogue).nearest(request, by: .cost, filter: NearestFilter(kinds: [.module]))
        let certificate = try #require(modules.entries.first { $0.qualification.id == "q-cert" })
        #expect(certificate.plan == nil && certificate.decision == .reachability)
        guard case .noPlan(let diagnosis)? = certificate.reason else { throw PlanningError.invalidRequest("no diagnosis for q-cert") }
        #expect(diagnosis.unmet.first?.reason == .notOffered(credential: "basic", .kindNotAllowed(.skill, allowed: [.module])))
        #expect(certificate.reason?.text.hasSuffix("basic is a skill credential, not among the kinds asked for (module)") == true)
    }

    @Test func learnerModesLimitThePlansRanked() throws {
        let (catalogue, request) = levelsCatalogue()
        var limited = request
        limited.constraints.modes = [.inPerson]
        let ranking = try Planner(catalogue: catalogue).nearest(limited, by: .cost)
        #expect(ranking.entries.allSatisfy { $0.plan == nil })
        #expect(ranking.entries.allSatisfy { if case .noPlan? = $0.reason { true } else { false } })
    }

    @Test func bundledNearestForSofia() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("sofia")))
        let ranking = try Planner(catalogue: catalogue).nearest(PlanRequest(target: "", learner: profile), by: .cost)
        #expect(ranking.entries.count == catalogue.qualifications.count)
        let reached = ranking.entries.filter { $0.plan != nil }
        // At her level by value, then the EQF 4 certificate below it.
        let atLevel = reached.filter { !$0.belowLearnerLevel }
        #expect(atLevel.map(\.value!) == atLevel.map(\.value!).sorted())
        #expect(reached.drop { !$0.belowLearnerLevel }.allSatisfy { $0.belowLearnerLevel })
        #expect(reached.last?.qualification.id == "tvi-hwt-cert")
        // Her four held modules make up the Católica certificate: nothing left to pay or take.
        let certificate = try #require(reached.first { $0.qualification.id == "ucp-pgcert-ipc" })
        #expect(certificate.value == 0 && certificate.plan?.taken.isEmpty == true)
        #expect(ranking.avoided > 0)
        #expect(ranking.entries.drop { $0.plan != nil }.allSatisfy { $0.plan == nil && $0.reason != nil })
    }
}

@Suite struct StackGraphTests {
    typealias F = Fixture

    func graph() throws -> (String, Plan) {
        let catalogue = F.catalogue(
            [F.credential("base", cost: 100), F.credential("adv", cost: 200, prerequisites: .credential("base"), excludes: ["alt"]),
             F.credential("alt", cost: 900), F.credential("free \"quoted\"", cost: 10, competencies: ["x"])],
            [F.qualification(.allOf([RequirementNode(.anyOf([.credential("adv"), .credential("alt")])), .credits(5, CredentialFilter(competencies: ["x"]))]))])
        let plan = try #require(try Planner(catalogue: catalogue).plan(F.request()).plan)
        return (StackGraph(qualification: catalogue.qualifications[0], catalogue: catalogue, plan: plan).dot, plan)
    }

    @Test func dotHasEveryPartAndHighlightsThePlan() throws {
        let (dot, plan) = try graph()
        #expect(plan.taken == ["adv", "base", "free \"quoted\""])
        #expect(dot.hasPrefix("digraph \"stack_q\" {") && dot.hasSuffix("}\n"))
        #expect(dot.contains("\"c:adv\" [shape=ellipse, label=\"adv\\nCourse adv\\n5 ECTS · 200 EUR\", style=filled, fillcolor=\"#b7e1a1\", penwidth=2];"))
        #expect(dot.contains("\"c:alt\" [shape=ellipse, label=\"alt\\nCourse alt\\n5 ECTS · 900 EUR\"];"))
        #expect(dot.contains("\"c:base\" -> \"c:adv\" [style=dashed, label=\"prerequisite\", color=\"#1b5e20\", penwidth=2];"))
        #expect(dot.contains("\"c:adv\" -> \"c:alt\" [dir=none, style=dotted, color=\"#c62828\", label=\"overlaps\"];"))
        #expect(dot.contains("\"c:adv\" -> \"n:requires.allOf[0].anyOf[0]\" [color=\"#1b5e20\", penwidth=2.5];"))
        #expect(dot.contains("\"c:alt\" -> \"n:requires.allOf[0].anyOf[1]\" [color=gray60];"))
        #expect(dot.contains("\"n:requires\" -> \"q:q\";"))
        // Quotes inside ids are escaped, so the document stays one well-formed graph.
        #expect(dot.contains("\"c:free \\\"quoted\\\"\""))
        let unescapedQuotes = dot.replacingOccurrences(of: "\\\"", with: "").filter { $0 == "\"" }.count
        #expect(unescapedQuotes % 2 == 0)
    }

    @Test func waivedNodesAndLongListsAreDrawnAsSuch() throws {
        let credentials = (0..<9).map { F.credential("m\($0)", cost: Double(100 + $0), competencies: ["x"]) }
        let catalogue = F.catalogue(credentials, [F.qualification(.allOf([.credits(5, CredentialFilter(competencies: ["x"])), .credential("m8")]))])
        let dot = StackGraph(qualification: catalogue.qualifications[0], catalogue: catalogue,
                             exceptions: [AdvisorException(.waive(path: "requires.allOf[1]"), origin: "--waive")]).dot
        #expect(dot.contains("waived by exception"))
        #expect(dot.contains("+ 4 more that fit (20 ECTS)"))
        #expect(!dot.contains("\"c:m8\" -> \"n:requires.allOf[1]\""))
        let all = StackGraph(qualification: catalogue.qualifications[0], catalogue: catalogue, matchLimit: nil).dot
        #expect(!all.contains("more that fit") && all.contains("\"c:m7\" -> \"n:requires.allOf[0]\""))
    }

    static let dotExecutable = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.isExecutableFile)

    @Test(.enabled(if: dotExecutable != nil, "Graphviz is not installed"))
    func graphvizRendersTheBundledGraph() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("sofia")))
        let request = PlanRequest(target: "ucp-pgdip-ipc", learner: profile)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        let dot = StackGraph(qualification: catalogue.qualification("ucp-pgdip-ipc")!, catalogue: catalogue, plan: plan).dot
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID()).dot")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(dot.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.dotExecutable!)
        process.arguments = ["-Tsvg", input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // Graphviz writes hyphens in text as &#45;.
        #expect(svg.contains("<svg") && svg.contains("esep&#45;ipc&#45;sim"))
    }
}
