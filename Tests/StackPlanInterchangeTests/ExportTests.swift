import Foundation
import StackPlanCore
import StackPlanRendering
import StackPlanStore
import Testing
@testable import StackPlanInterchange

@Suite struct CatalogueExportTests {
    @Test func exportedCatalogueImportsBackEqual() throws {
        let first = try CatalogueStore(path: Support.temporaryPath(".sqlite"))
        try first.importCatalogue(try Support.bundledCatalogue())
        let stored = try first.catalogue()
        let exported = CatalogueDocument.data(stored)

        let second = try CatalogueStore(path: Support.temporaryPath(".sqlite"))
        try second.importCatalogue(try CatalogueDocument.read(exported, file: "export.json"))
        let reimported = try second.catalogue()
        #expect(reimported == stored)
        #expect(CatalogueDocument.data(reimported) == exported)
        // Nothing of the bundled document is lost on the way, whatever the order.
        let bundled = try Support.bundledCatalogue()
        for credential in bundled.credentials { #expect(reimported.credential(credential.id) == credential) }
        for qualification in bundled.qualifications { #expect(reimported.qualification(qualification.id) == qualification) }
        for provider in bundled.providers { #expect(reimported.provider(provider.id) == provider) }
        #expect(reimported.exchangeRates == bundled.exchangeRates && reimported.baseCurrency == bundled.baseCurrency)
    }
}

@Suite struct PlanExportTests {
    func plan(_ learner: LearnerProfile, target: String, objectives: [Objective] = [.cost, .workload]) throws -> (PlanOutcome, PlanRequest, Catalogue) {
        let catalogue = try Support.bundledCatalogue()
        let request = PlanRequest(target: target, learner: learner, objectives: objectives)
        return (try Planner(catalogue: catalogue).plan(request), request, catalogue)
    }

    func sofiasDiploma() throws -> PlanExport {
        let (outcome, request, catalogue) = try plan(try Support.bundledLearner("sofia"), target: "ucp-pgdip-ipc")
        let plan = try #require(outcome.plan, "no plan for Sofia's diploma")
        return PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
    }

    /// Sofia's diploma on her calendar (22 h a week from 2027-01-04), with a deadline.
    func sofiasScheduledDiploma(exceptions: [AdvisorException] = []) throws -> PlanExport {
        let catalogue = try Support.bundledCatalogue()
        var request = PlanRequest(target: "ucp-pgdip-ipc", learner: try Support.bundledLearner("sofia"), objectives: [.cost])
        request.constraints.deadline = Day("2029-12-31")
        request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 22)
        request.addedExceptions = exceptions
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan, "no scheduled plan for Sofia's diploma")
        return PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
    }

    static let taken = ["esep-ipc-sim", "esep-supervisao", "ucp-ipc-outbreak", "ucp-research"]

    @Test func jsonAddsDetailsToThePlanReport() throws {
        let export = try sofiasDiploma()
        guard case .object(let fields) = export.json else { throw Failure("the export is not an object") }
        let report = export.report.json.objectFields
        // A superset of `plan --json`.
        for (key, value) in report { #expect(fields[key] == value, "\(key)") }
        #expect(fields["format"] == .string("stackplan-plan/1"))
        #expect(fields["credentials"] == .array(Self.taken.map(JSON.string)))
        guard case .array(let take)? = fields["take"] else { throw Failure("no credentials to take") }
        let simulation = try #require(take.first).objectFields
        #expect(take.count == 4)
        #expect(simulation["id"] == .string("esep-ipc-sim"))
        #expect(simulation["costInBaseCurrency"] == .number(300))
        #expect(simulation["learningHours"] == .number(125))
        #expect(simulation["countsToward"] == .array([.object([
            "path": .string("requires.allOf[3]"), "requirement": .string("Option credits (10 ECTS, EQF 6+)"),
        ])]))
        guard case .array(let held)? = fields["held"] else { throw Failure("no held credentials") }
        #expect(held.count == 4)
        #expect(held.allSatisfy { $0.objectFields["counts"] == .bool(true) })
        let totals = try #require(fields["totals"]).objectFields
        #expect(totals["cost"] == .number(2200) && totals["hours"] == .number(750) && totals["countedEcts"] == .number(60))
        // Without a schedule the calendar's limits are given as null, not left out.
        let limits = try #require(fields["limits"]).objectFields
        #expect(limits["hoursPerWeek"] == .null && limits["start"] == .null && limits["deadline"] == .null)
    }

    @Test func jsonAndMarkdownGiveTheCalendarLimits() throws {
        let export = try sofiasScheduledDiploma()
        let limits = try #require(export.json.objectFields["limits"]).objectFields
        #expect(limits["hoursPerWeek"] == .number(22))
        #expect(limits["start"] == .string("2027-01-04"))
        #expect(limits["deadline"] == .string("2029-12-31"))
        let page = export.markdown
        #expect(page.contains("- Weekly hours: 22 h a week, starting 2027-01-04\n"))
        let completes = try #require(export.report.plan.completes)
        #expect(page.contains("- Deadline: 2029-12-31 (the plan completes \(completes))\n"))
    }

    @Test func csvGivesEachCredentialsDates() throws {
        let export = try sofiasScheduledDiploma()
        let records = try CSVReader.parse(export.csv).map { $0.fields.map(\.text) }
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(PlanExport.csvColumns, $0)) }
        let runs = try #require(export.report.plan.schedule)
        for row in rows where row["role"] == "take" {
            let run = try #require(runs.first { $0.credential == row["id"] })
            #expect(row["start"] == run.start.description)
            #expect(row["end"] == run.end.adding(days: -1).description)
        }
        let total = try #require(rows.last)
        #expect(total["role"] == "total")
        #expect(total["start"] == runs.map(\.start).min()?.description)
        #expect(total["end"] == export.report.plan.completes?.description)
        // Held rows have no run.
        #expect(rows.filter { $0["role"] == "held-counts" }.allSatisfy { $0["start"] == "" && $0["end"] == "" })
    }

    /// A repeatable credential taken three times has a row per taking, each with its own run.
    @Test func csvHasARowPerTakingOfARepeatedCredential() throws {
        var topics = Credential(id: "topics", title: "Topics", provider: "p", kind: .module, ects: 5, eqf: 7, cost: 100, competencies: ["x"])
        topics.repeatable = 3
        let block = Credential(id: "block", title: "Block", provider: "p", kind: .module, ects: 15, eqf: 7, cost: 500, competencies: ["x"])
        let qualification = Qualification(id: "q", title: "Certificate", provider: "p", eqf: 7, ects: 15,
                                          requires: RequirementNode(.credits(15, CredentialFilter(ids: ["topics", "block"]))))
        let catalogue = Catalogue(providers: [Provider(id: "p", name: "P", country: "IE", accredited: true)],
                                  credentials: [topics, block], qualifications: [qualification])
        var request = PlanRequest(target: "q", learner: LearnerProfile(), objectives: [.cost])
        request.schedule = ScheduleSettings(start: try #require(Day("2027-01-04")), hoursPerWeek: 40)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.repeats == ["topics": 3])
        let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
        let records = try CSVReader.parse(export.csv).map { $0.fields.map(\.text) }
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(PlanExport.csvColumns, $0)) }.filter { $0["role"] == "take" }
        #expect(rows.map { $0["id"] } == ["topics", "topics[2]", "topics[3]"])
        let starts = rows.compactMap { $0["start"] }
        #expect(Set(starts).count == 3 && !starts.contains(""), "\(starts) \((plan.schedule ?? []).map { "\($0.credential) \($0.start)" })")
        #expect(rows.allSatisfy { $0["cost"] == "100" || $0["cost"] == "100.00" }, "\(rows)")
    }

    @Test func exceptionsAppearInEveryExport() throws {
        let waiver = AdvisorException(.waive(path: "requires.allOf[2]"), note: "research done at work", origin: "--waive requires.allOf[2]")
        let export = try sofiasScheduledDiploma(exceptions: [waiver])
        #expect(!export.report.plan.taken.contains("ucp-research"))
        guard case .array(let exceptions)? = export.json.objectFields["exceptions"] else { throw Failure("no exceptions in the JSON") }
        let first = try #require(exceptions.first).objectFields
        #expect(first["origin"] == .string("--waive requires.allOf[2]") && first["used"] == .bool(true))
        #expect(export.markdown.contains("## Exceptions to the rules\n\n- requires.allOf[2] waived (`--waive requires.allOf[2]`): research done at work\n"))
    }

    @Test func csvHasOneRowPerCredentialAndATotal() throws {
        let records = try CSVReader.parse(try sofiasDiploma().csv).map { $0.fields.map(\.text) }
        #expect(records.first == PlanExport.csvColumns)
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(PlanExport.csvColumns, $0)) }
        #expect(rows.map { $0["role"]! } == Array(repeating: "take", count: 4) + Array(repeating: "held-counts", count: 4) + ["total"])
        #expect(rows.prefix(4).map { $0["id"]! } == Self.taken)
        let research = rows[3]
        #expect(research["cost"] == "800" && research["currency"] == "EUR" && research["hours"] == "250" && research["ects"] == "10")
        #expect(research["countsToward"] == "requires.allOf[2]: Métodos de investigação")
        #expect(research["start"] == "" && research["end"] == "")
        #expect(rows[4]["id"] == "ucp-ipc-fund" && rows[4]["earned"] == "2024-02-15")
        let total = rows[8]
        #expect(total["cost"] == "2200" && total["hours"] == "750" && total["ects"] == "30")
        #expect(total["title"] == "4 to take; 60 of 60 ECTS counted")
    }

    @Test func markdownPageForTheLearner() throws {
        let page = try sofiasDiploma().markdown
        #expect(page.hasPrefix("# Study plan: Diploma de Pós-Graduação em Prevenção e Controlo de Infeção\n"))
        #expect(page.contains("**For:** Sofia, hospital nurse (Lisbon) · **Prepared:** 2026-11-23"))
        #expect(page.contains("with the lowest fees (2200 EUR), then the fewest learning hours (750 h). No other plan does better: this is proven optimal."))
        #expect(page.contains("| Fees | 2200 EUR |"))
        #expect(page.contains("| ECTS counted toward the award | 60 of 60 needed |"))
        #expect(page.contains("| Prior learning counted | 4 of 4 held credentials |"))
        for id in Self.taken { #expect(page.contains("(`\(id)`)")) }
        #expect(page.contains("| Métodos de investigação |"))
        #expect(page.contains("- ✓ Certificate plus diploma year: all of 5\n"))
        #expect(page.contains("  - ✓ Option credits (10 ECTS, EQF 6+): 10 ECTS in infection-prevention or antimicrobial-stewardship or patient-safety or leadership, at EQF 6+ — 10 ECTS from esep-ipc-sim, esep-supervisao\n"))
        #expect(page.contains("      - ✓ Fundamentos de PCI (ucp-ipc-fund)\n"))
        #expect(page.contains("- Budget: 6000 EUR (the plan uses 2200)"))
        #expect(page.contains("- Learning hours: at most 900 (the plan needs 750)"))
        #expect(page.contains("- Weekly hours: not given (no schedule)\n"))
        #expect(page.contains("- Deadline: none given\n"))
    }

    @Test func markdownExplainsHeldCredentialsThatDoNotCount() throws {
        let (outcome, request, catalogue) = try plan(try Support.bundledLearner("aoife"), target: "tcd-pgcert-dementia", objectives: [.cost])
        let plan = try #require(outcome.plan, "no plan for Aoife")
        let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
        let page = export.markdown
        #expect(page.contains("Does not count:"))
        #expect(page.contains("- **Clinical Supervision (NU6622, Professional Credit Award)** (`galway-nu6622`): earned 2019-06-14, more than 5 years before 2026-11-23"))
        #expect(page.contains("(`held[3]`): matches no requirement of tcd-pgcert-dementia"))
        // The JSON carries the reason's code and figures beside its words.
        guard case .array(let held)? = export.json.objectFields["held"] else { throw Failure("no held credentials") }
        let old = try #require(held.first { $0.objectFields["id"] == .string("galway-nu6622") }).objectFields
        #expect(old["code"] == .string("tooOld"))
        #expect(old["details"]?.objectFields["earned"] == .string("2019-06-14"))
        #expect(old["details"]?.objectFields["withinYears"] == .number(5))
    }

    @Test func markdownWhenNoPlanExists() throws {
        let catalogue = try Support.bundledCatalogue()
        var request = PlanRequest(target: "ucp-msc-ipc", learner: try Support.bundledLearner("sofia"))
        request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 22)
        guard case .infeasible(let found) = try Planner(catalogue: catalogue).plan(request) else {
            throw Failure("Sofia's master's was expected to be out of reach")
        }
        let diagnosis = found
        let page = PlanExport.markdown(diagnosis: diagnosis, request: request, catalogue: catalogue)
        #expect(page.hasPrefix("# No route yet: "))
        #expect(page.contains("No plan reaches this award: \(diagnosis.summary.text)."))
        #expect(page.contains("## The limits applied\n"))
        #expect(page.contains("- Learning hours: at most 900\n"))
        // The weekly hours are given with their value, not only named.
        #expect(page.contains("- Weekly hours: 22 h a week, starting 2027-01-04\n"))
    }

    /// The largest fee planning accepts (10^12) exports in full; a larger one is refused before
    /// planning as bad input, never trapping in the formatting of its figures.
    @Test func hugeFeesExportWithoutTrapping() throws {
        var catalogue = try Support.bundledCatalogue()
        var credential = try #require(catalogue.credential("ucp-research"))
        credential.cost = 1e12
        catalogue.upsert(credential)
        var request = PlanRequest(target: "ucp-pgdip-ipc", learner: try Support.bundledLearner("sofia"), objectives: [.workload])
        request.constraints.budget = nil
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
        #expect(export.markdown.contains("1000000000000"))
        #expect(export.csv.contains("1000000000000"))

        credential.cost = 1e19
        catalogue.upsert(credential)
        let refused = #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(request) }
        #expect(refused?.kind == .invalidInput)
    }

    @Test func importedWalletCredentialsReachThePlanner() throws {
        var aoife = try Support.bundledLearner("aoife")
        let wallet = try Support.readSample("elm3-edc-microcredential-annex1-unsigned.jsonld")
        let imported = LearnerImport(credentials: wallet, catalogue: try Support.bundledCatalogue(), merging: aoife)
        aoife = imported.profile
        #expect(aoife.held.count == 5)
        let (outcome, _, _) = try plan(aoife, target: "tcd-pgcert-dementia", objectives: [.cost])
        let plan = try #require(outcome.plan, "no plan")
        #expect(plan.unusedHeld.contains {
            $0.id == "held[4]" && $0.title == "Digital micro-credential creation"
                && $0.reason == .matchesNoRequirement(qualification: "tcd-pgcert-dementia")
        })
    }
}

/// A test's precondition that did not hold, with what was missing.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
