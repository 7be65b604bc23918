import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

/// The cut drops credentials that enough cheaper interchangeable ones beat; these catalogues are
/// built so that a dropped credential would still be needed, and check that planning on what the
/// cut read (with no second, uncut plan behind it) gives the plan of every candidate.
@Suite struct CutExactnessTests {
    static func store(_ catalogue: Catalogue) throws -> (CatalogueStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-exact-\(UUID()).sqlite").path
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(catalogue)
        return (store, path)
    }

    /// Interchangeable 10-ECTS electives in `competency`, without prerequisites: sure dominators.
    static func electives(_ count: Int, competency: String, cost: Double) -> [Credential] {
        (0..<count).map { index in
            Credential(id: "cheap-\(competency)-\(index)", title: "Elective \(index)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: cost, competencies: [competency])
        }
    }

    /// Plans `request` on the cut candidates alone: a cut that left out a needed credential gives
    /// another plan or none (this does not fall back to every candidate as the command does).
    static func planOnCut(_ store: CatalogueStore, _ request: PlanRequest) throws -> (plan: Plan, load: CandidateLoad) {
        let load = try store.candidateCatalogue(for: request)
        let plan = try #require(try Planner(catalogue: load.catalogue).plan(request).plan)
        return (plan, load)
    }

    static func planUncut(_ store: CatalogueStore, _ request: PlanRequest) throws -> Plan {
        let uncut = try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
        return try #require(try Planner(catalogue: uncut).plan(request).plan)
    }

    /// Withdrawn credentials (retired ones the service leaves out) can be taken by no plan, so
    /// they must not count as dominators: with the cheap electives withdrawn, the dear ones the
    /// plan then needs are read.
    @Test func withdrawnCredentialsDominateNothing() throws {
        let cheap = Self.electives(12, competency: "wound-care", cost: 100)
        let dear = (0..<3).map { index in
            Credential(id: "dear-\(index)", title: "Dear \(index)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: 500 + Double(index), competencies: ["wound-care"])
        }
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.credits(30, CredentialFilter(competencies: ["wound-care"]))))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: cheap + dear, qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost])
        request.withdrawn = Set(cheap.dropFirst().map(\.id))
        let (plan, load) = try Self.planOnCut(store, request)
        #expect(load.cut != nil)
        #expect(Set(plan.taken) == ["cheap-wound-care-0", "dear-0", "dear-1"])
        #expect(plan.objectiveValues == (try Self.planUncut(store, request)).objectiveValues)
    }

    /// The dear elective is beaten by many cheaper ones at its level, so the cut leaves it
    /// unread; but the required capstone names it as its prerequisite, so every plan takes it.
    /// The prerequisite closure of what the cut read must bring it back.
    @Test func aCutCredentialThatIsAPrerequisiteIsReadBack() throws {
        let dear = Credential(id: "dear-elective", title: "Dear elective", provider: "uni", kind: .module, ects: 10, eqf: 7, cost: 900,
                              competencies: ["wound-care"])
        let capstone = Credential(id: "capstone", title: "Capstone", provider: "uni", kind: .module, ects: 10, eqf: 7, cost: 100,
                                  competencies: ["leadership"], prerequisites: .credential(dear.id))
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.allOf([
                RequirementNode(.credential(capstone.id)),
                RequirementNode(.credits(20, CredentialFilter(competencies: ["wound-care"]))),
            ])))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: [dear, capstone] + Self.electives(12, competency: "wound-care", cost: 200), qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }

        for objectives in [[Objective.cost], [.workload]] {
            let request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: objectives)
            let (plan, load) = try Self.planOnCut(store, request)
            #expect(load.cut != nil)
            // The cut did leave electives unread: otherwise this test would show nothing.
            #expect(load.catalogue.credentials.count < catalogue.credentials.count, "read \(load.catalogue.credentials.count)")
            #expect(load.catalogue.credential(dear.id) != nil)
            #expect(plan.taken.contains(dear.id) && plan.taken.contains(capstone.id))
            let uncut = try Self.planUncut(store, request)
            #expect(plan.taken == uncut.taken)
            #expect(plan.objectiveValues == uncut.objectiveValues)
        }
    }

    /// A kept elective needs a prerequisite that is itself a dear member of a large group: both are read.
    @Test func aKeptCredentialsPrerequisiteInACutGroupIsRead() throws {
        let base = Credential(id: "base-course", title: "Base", provider: "uni", kind: .module, ects: 10, eqf: 7, cost: 950,
                              competencies: ["wound-care"])
        // The cheapest way to the leaf: 50 for the bundle of 20 ECTS, but only with the dear base first.
        let advanced = Credential(id: "advanced", title: "Advanced", provider: "uni", kind: .module, ects: 20, eqf: 7, cost: 50,
                                  competencies: ["wound-care"], prerequisites: .credential(base.id))
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.credits(30, CredentialFilter(competencies: ["wound-care"]))))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: [base, advanced] + Self.electives(12, competency: "wound-care", cost: 400), qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost])
        let (plan, load) = try Self.planOnCut(store, request)
        #expect(load.catalogue.credentials.count < catalogue.credentials.count, "read \(load.catalogue.credentials.count)")
        let uncut = try Self.planUncut(store, request)
        // 950 + 50 = 1000 for 30 ECTS beats three electives (1200) and base plus one elective is not enough.
        #expect(uncut.taken == ["advanced", "base-course"])
        #expect(plan.taken == uncut.taken)
        #expect(plan.objectiveValues == uncut.objectiveValues)
    }

    /// With a schedule only credentials of the same runs are compared: dear electives that run
    /// faster than the many cheap ones (13 weeks against 30) are read, and the earliest plan
    /// takes them; a dated elective is read even though it runs as long as the cheap ones and
    /// costs more; the cheap ones beyond what a plan could take are still left unread.
    @Test func aScheduleComparesOnlyCredentialsOfTheSameRuns() throws {
        let cheap = (0..<12).map { index in
            Credential(id: "slow-\(index)", title: "Slow \(index)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: 100, weeks: 30, competencies: ["wound-care"])
        }
        let fast = (0..<3).map { index in
            Credential(id: "fast-\(index)", title: "Fast \(index)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: 500 + Double(index), competencies: ["wound-care"])
        }
        var dated = Credential(id: "dated", title: "Dated", provider: "uni", kind: .module, ects: 10, eqf: 7,
                               cost: 900, weeks: 30, competencies: ["wound-care"])
        dated.offerings = [Offering(id: "spring", start: Day("2027-01-04")!, weeks: 30)]
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.credits(30, CredentialFilter(competencies: ["wound-care"]))))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: cheap + fast + [dated], qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }

        for objectives in [[Objective.duration, .cost], [.cost]] {
            var request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: objectives)
            request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20)
            let (plan, load) = try Self.planOnCut(store, request)
            #expect(load.cut?.comparesRuns == true)
            #expect(load.kept < load.examined, "kept \(load.kept) of \(load.examined)")
            #expect(fast.allSatisfy { load.catalogue.credential($0.id) != nil })
            #expect(load.catalogue.credential(dated.id) != nil)
            let uncut = try Self.planUncut(store, request)
            #expect(plan.taken == uncut.taken, "\(objectives)")
            #expect(plan.objectiveValues == uncut.objectiveValues, "\(objectives)")
            if objectives.first == .duration { #expect(plan.taken.filter { $0.hasPrefix("fast") }.count >= 2, "\(plan.taken)") }
        }
        // Without a schedule the same catalogue is compared on fee alone: the fast electives are not read.
        let (_, load) = try Self.planOnCut(store, PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost]))
        #expect(load.cut?.comparesRuns == false)
        #expect(fast.allSatisfy { load.catalogue.credential($0.id) == nil })
    }

    /// A filter the store's conditions cannot say exactly (here a course-code pattern) is read
    /// wider than it is: every credential seems to pass it. Grouped on that wider reading, the
    /// dear `NURS` elective the code leaf needs would share a group with the many cheap electives
    /// and be cut; so such a tree is cut on the learner's limits only.
    @Test func aFilterTheStoreCannotSayIsNotCompared() throws {
        let nursing = Credential(id: "nurs-101", title: "Nursing elective", provider: "uni", kind: .module, ects: 10, eqf: 7, cost: 900,
                                 competencies: ["wound-care"])
        let nursingLong = Credential(id: "nurs-201", title: "Long nursing elective", provider: "uni", kind: .module, ects: 20, eqf: 7,
                                     cost: 3000, competencies: ["wound-care"])
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.allOf([
                RequirementNode(.credits(10, CredentialFilter(codes: ["nurs-*"]))),
                RequirementNode(.credits(20, CredentialFilter(competencies: ["wound-care"]))),
            ])))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: [nursing, nursingLong] + Self.electives(12, competency: "wound-care", cost: 100), qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost])
        let (plan, load) = try Self.planOnCut(store, request)
        #expect(load.catalogue.credential(nursing.id) != nil)
        let uncut = try Self.planUncut(store, request)
        #expect(uncut.taken.contains(nursing.id))
        #expect(plan.taken == uncut.taken)
        #expect(plan.objectiveValues == uncut.objectiveValues)
    }

    /// A `count` leaf accepts credentials the `credits` leaves do not; the cut must read them too.
    @Test func whatACountLeafAcceptsIsRead() throws {
        let skills = (0..<3).map { index in
            Credential(id: "skill-\(index)", title: "Skill \(index)", provider: "uni", kind: .skill, ects: nil, hours: 8, eqf: 5,
                       cost: 30, competencies: ["hand-hygiene"])
        }
        let qualification = Qualification(
            id: "profcert", title: "Professional certificate", provider: "uni", eqf: 6, ects: 10,
            requires: RequirementNode(.allOf([
                RequirementNode(.count(2, CredentialFilter(competencies: ["hand-hygiene"]))),
                RequirementNode(.credits(10, CredentialFilter(competencies: ["wound-care"]))),
            ])))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: skills + Self.electives(8, competency: "wound-care", cost: 300), qualifications: [qualification])
        let (store, path) = try Self.store(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let request = PlanRequest(target: "profcert", learner: LearnerProfile(), objectives: [.cost])
        let (plan, load) = try Self.planOnCut(store, request)
        #expect(load.cut != nil)
        for skill in skills { #expect(load.catalogue.credential(skill.id) != nil) }
        let uncut = try Self.planUncut(store, request)
        #expect(plan.taken == uncut.taken)
        #expect(plan.objectiveValues == uncut.objectiveValues)
    }
}
