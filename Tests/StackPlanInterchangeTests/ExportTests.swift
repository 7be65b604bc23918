import Foundation
import StackPlanCore
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
        guard case .planned(let plan) = outcome else { throw PlanningError.invalidRequest("no plan for Sofia's diploma") }
        return PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
    }

    static let taken = ["esep-ipc-sim", "esep-supervisao", "ucp-ipc-outbreak", "ucp-research"]

    @Test func jsonAddsDetailsToThePlanReport() throws {
        let export = try sofiasDiploma()
        guard case .object(let fields) = export.json, case .object(let report) = export.report.json else {
            Issue.record("not objects")
            return
        }
        // A superset of `plan --json`.
        for (key, value) in report { #expect(fields[key] == value, "\(key)") }
        #expect(fields["format"] == .string("stackplan-plan/1"))
        #expect(fields["credentials"] == .array(Self.taken.map(JSON.string)))
        guard case .array(let take)? = fields["take"], case .object(let simulation)? = take.first else {
            Issue.record("no credentials to take")
            return
        }
        #expect(take.count == 4)
        #expect(simulation["id"] == .string("esep-ipc-sim"))
        #expect(simulation["costInBaseCurrency"] == .number(300))
        #expect(simulation["learningHours"] == .number(125))
        #expect(simulation["countsToward"] == .array([.object([
            "path": .string("requires.allOf[3]"), "requirement": .string("Option credits (10 ECTS, EQF 6+)"),
        ])]))
        guard case .array(let held)? = fields["held"] else { return }
        #expect(held.count == 4)
        #expect(held.allSatisfy { if case .object(let entry) = $0 { entry["counts"] == .bool(true) } else { false } })
        guard case .object(let totals)? = fields["totals"] else { return }
        #expect(totals["cost"] == .number(2200) && totals["hours"] == .number(750) && totals["countedEcts"] == .number(60))
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
    }

    @Test func markdownExplainsHeldCredentialsThatDoNotCount() throws {
        let (outcome, request, catalogue) = try plan(try Support.bundledLearner("aoife"), target: "tcd-pgcert-dementia", objectives: [.cost])
        guard case .planned(let plan) = outcome else {
            Issue.record("no plan for Aoife")
            return
        }
        let page = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request)).markdown
        #expect(page.contains("Does not count:"))
        #expect(page.contains("- **Clinical Supervision (NU6622, Professional Credit Award)** (`galway-nu6622`): earned 2019-06-14, more than 5 years before 2026-11-23"))
        #expect(page.contains("(`held[3]`): matches no requirement of tcd-pgcert-dementia"))
    }

    @Test func markdownWhenNoPlanExists() throws {
        let (outcome, request, catalogue) = try plan(try Support.bundledLearner("sofia"), target: "ucp-msc-ipc")
        guard case .infeasible(let diagnosis) = outcome else {
            Issue.record("Sofia's master's was expected to be out of reach")
            return
        }
        let page = PlanExport.markdown(diagnosis: diagnosis, request: request, catalogue: catalogue)
        #expect(page.hasPrefix("# No route yet: "))
        #expect(page.contains("No plan reaches this award: \(diagnosis.summary)."))
        #expect(page.contains("## The limits applied\n"))
        #expect(page.contains("- Learning hours: at most 900\n"))
    }

    @Test func importedWalletCredentialsReachThePlanner() throws {
        var aoife = try Support.bundledLearner("aoife")
        let wallet = try Support.readSample("elm3-edc-microcredential-annex1-unsigned.jsonld")
        let imported = LearnerImport(credentials: wallet, catalogue: try Support.bundledCatalogue(), merging: aoife)
        aoife = imported.profile
        #expect(aoife.held.count == 5)
        let (outcome, _, _) = try plan(aoife, target: "tcd-pgcert-dementia", objectives: [.cost])
        guard case .planned(let plan) = outcome else {
            Issue.record("no plan")
            return
        }
        #expect(plan.unusedHeld.contains {
            $0.id == "held[4]" && $0.title == "Digital micro-credential creation"
                && $0.reason == "matches no requirement of tcd-pgcert-dementia"
        })
    }
}
