import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// The k best plans against enumeration: every feasible set of credentials, in objective order,
/// picked greedily under the same rule (leave out at least N credentials of every earlier pick).
@Suite struct AlternativesTests {
    typealias F = Fixture

    /// Distinct powers of two as prices make every set's cost unique, so the k best sets
    /// themselves (not only their costs) are well defined and must match exactly.
    @Test(arguments: 0..<4)
    func kBestSetsMatchEnumerationWithUniqueCosts(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(7000 + batch))
        var picked = 0, feasible = 0, several = 0
        // Random instances are often infeasible; draw until ten have a plan.
        for _ in 0..<80 where feasible < 10 {
            var instance = RandomInstance(using: &generator, extended: false)
            var catalogue = instance.catalogue
            for (index, credential) in instance.catalogue.credentials.enumerated() {
                var priced = credential
                priced.cost = Double(1 << index)
                catalogue.upsert(priced)
            }
            instance.catalogue = catalogue
            instance.request.objectives = [.cost]
            let minDifference = Int.random(in: 1...2, using: &generator)
            let expected = enumerate(instance, count: 4, minDifference: minDifference)
            if !expected.isEmpty { feasible += 1 }
            let result = try Planner(catalogue: instance.catalogue).alternatives(instance.request, count: 4, minDifference: minDifference)
            #expect(result.plans.map { Set($0.taken) } == expected.map(\.members), "N=\(minDifference)\n\(instance)")
            #expect(result.plans.map { $0.objectiveValues[0] } == expected.map(\.value))
            check(result.plans, instance: instance, minDifference: minDifference)
            picked += expected.count
            if expected.count > 1 { several += 1 }
        }
        // Most instances have several alternatives: the comparison is not about empty lists.
        #expect(feasible == 10 && several >= 3, "\(feasible) feasible instances, \(several) with several plans, \(picked) plans")
    }

    /// With the random instances' own prices (and objectives) several sets may tie; the
    /// sequence of objective values is then what is well defined, up to the first tied pick,
    /// after which the two may go on from different (equally good) sets.
    @Test(arguments: 0..<4)
    func kBestValuesMatchEnumeration(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(8000 + batch))
        var compared = 0, feasible = 0, several = 0
        for _ in 0..<160 where feasible < 20 {
            let instance = RandomInstance(using: &generator, extended: false)
            let expected = enumerate(instance, count: 5, minDifference: 1)
            if !expected.isEmpty { feasible += 1 }
            let result = try Planner(catalogue: instance.catalogue).alternatives(instance.request, count: 5, minDifference: 1)
            let comparable = (expected.firstIndex(where: \.tied).map { $0 + 1 }) ?? expected.count
            let planned = result.plans.map { $0.objectiveValues[0] }
            #expect(Array(planned.prefix(comparable)).count == min(comparable, expected.count), "\(planned) vs \(expected.map(\.value))\n\(instance)")
            for (value, pick) in zip(planned.prefix(comparable), expected.prefix(comparable)) {
                #expect(abs(value - pick.value) < 1e-6, "\(planned) vs \(expected.map(\.value))\n\(instance)")
            }
            if comparable == expected.count { #expect(planned.count == expected.count, "\(planned) vs \(expected.map(\.value))\n\(instance)") }
            check(result.plans, instance: instance, minDifference: 1)
            compared += min(comparable, expected.count)
            if min(comparable, expected.count) > 1 { several += 1 }
        }
        #expect(feasible == 20 && several >= 3, "\(feasible) feasible instances, \(several) with several values compared, \(compared) values")
    }

    func check(_ plans: [Plan], instance: RandomInstance, minDifference: Int) {
        for (index, plan) in plans.enumerated() {
            #expect(PlanChecker(catalogue: instance.catalogue, request: instance.request).violations(of: plan).isEmpty)
            for earlier in plans.prefix(index) {
                #expect(Set(earlier.taken).subtracting(plan.taken).count >= minDifference)
            }
            if index > 0 { #expect(plan.objectiveValues[0] >= plans[index - 1].objectiveValues[0] - 1e-6) }
        }
    }

    struct Pick {
        var value: Double
        var members: Set<String>
        /// Another eligible feasible set had the same value and size when this one was picked.
        var tied: Bool
    }

    /// Every set of offered credentials in (value, size) order; one pass picks each feasible set
    /// that leaves out enough of every earlier pick (a set ruled out stays ruled out).
    func enumerate(_ instance: RandomInstance, count: Int, minDifference: Int) -> [Pick] {
        let heldIDs = Set(instance.request.learner.held.compactMap(\.catalogueID))
        let limits = instance.request.constraints
        let options = instance.catalogue.credentials.filter { credential in
            !heldIDs.contains(credential.id) && (limits.modes?.contains(credential.mode) ?? true)
                && (!limits.accreditedOnly || instance.catalogue.isAccredited(credential))
        }
        var subsets: [(value: Double, members: Set<String>)] = []
        for mask in 0..<(1 << options.count) {
            let members = options.indices.filter { mask >> $0 & 1 == 1 }.map { options[$0] }
            subsets.append((members.reduce(0) { $0 + instance.value($1) }, Set(members.map(\.id))))
        }
        subsets.sort { ($0.value, $0.members.count) < ($1.value, $1.members.count) }
        var picks: [Pick] = []
        func eligible(_ members: Set<String>) -> Bool {
            picks.allSatisfy { $0.members.subtracting(members).count >= minDifference }
        }
        var position = 0
        while position < subsets.count && picks.count < count {
            let candidate = subsets[position]
            position += 1
            guard eligible(candidate.members), instance.isFeasible(candidate.members) else { continue }
            let tied = subsets[position...].prefix { abs($0.value - candidate.value) < 1e-9 && $0.members.count == candidate.members.count }
                .contains { eligible($0.members) && instance.isFeasible($0.members) }
            picks.append(Pick(value: candidate.value, members: candidate.members, tied: tied))
        }
        return picks
    }

    // MARK: Known answers

    @Test func laterPlansAreRealChoicesNotTheOptimumPlusASpare() throws {
        // Any two of a (100), b (200), c (400) meet "at least 2"; {a,b,c} must never appear.
        let catalogue = F.catalogue(
            [F.credential("a", cost: 100), F.credential("b", cost: 200), F.credential("c", cost: 400)],
            [F.qualification(.atLeast(2, [.credential("a"), .credential("b"), .credential("c")]))])
        let result = try Planner(catalogue: catalogue).alternatives(F.request(), count: 5)
        #expect(result.plans.map(\.taken) == [["a", "b"], ["a", "c"], ["b", "c"]])
        #expect(result.plans.map { $0.totals.cost } == [300, 500, 600])
        #expect(result.end == .exhausted)
        // Leaving out two of every earlier plan: after {a,b}, nothing of size 2 qualifies.
        let strict = try Planner(catalogue: catalogue).alternatives(F.request(), count: 5, minDifference: 2)
        #expect(strict.plans.map(\.taken) == [["a", "b"]])
    }

    @Test func noPlanGivesTheDiagnosis() throws {
        let catalogue = F.catalogue([F.credential("a", cost: 900)], [F.qualification(.credential("a"))])
        let result = try Planner(catalogue: catalogue).alternatives(F.request(constraints: LearnerConstraints(budget: 100)), count: 3)
        #expect(result.plans.isEmpty)
        #expect(result.outcome.diagnosis?.cause == .budgetOrHours)
        #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).alternatives(F.request(), count: 0) }
    }

    @Test func bundledAlternativesForSofia() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("sofia")))
        let request = PlanRequest(target: "ucp-pgdip-ipc", learner: profile)
        let result = try Planner(catalogue: catalogue).alternatives(request, count: 4)
        #expect(result.plans.map { $0.totals.cost } == [2200, 2350, 2350, 2400])
        #expect(result.plans[0].taken == ["esep-ipc-sim", "esep-supervisao", "ucp-ipc-outbreak", "ucp-research"])
        for plan in result.plans { #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty) }
    }
}
