import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanRendering
import StackPlanStore

struct FrontierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "List every plan not beaten on both completion date and cost, earliest first.",
        discussion: "Needs a schedule: the learner's hours per week (profile \"hoursPerWeek\" or --hours-per-week). --objective is ignored: the frontier trades duration against cost.")

    @OptionGroup var planning: PlanArguments

    @Option(parsing: .unconditional, help: "Most plans to list (1 to 1,000; default 20).", transform: FlagRanges.plans.count)
    var limit: Int = 20

    @Flag(help: "Print the plans as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        func everyCandidate(_ request: PlanRequest) throws -> Catalogue {
            try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
        }
        // Only what planning toward the target can use, less what the store's cut proves no point
        // needs (CandidateCut, made for finishing first, then cheapest: every point is such a
        // plan under a budget, and a cheaper credential of the same runs keeps any budget). A cut
        // that does not cover the learner's limits (an hours limit) reads every candidate.
        let (request, catalogue) = try reportingErrors {
            let request = try planning.request()
            var staged = request
            staged.objectives = [.duration, .cost]
            let load = try store.candidateCatalogue(for: staged)
            return (request, load.cut?.coversLimits ?? true ? load.catalogue : try everyCandidate(request))
        }
        try reportingErrors {
            let frontier = try Planner(catalogue: catalogue).frontier(request, limit: limit)
            let plans = frontier.plans
            guard !plans.isEmpty else {
                func stopped() throws -> Never {
                    if json { printJSON(.object(["plans": .array([]), "end": .string(Frontier.End.timeLimit.rawValue)])) }
                    printError("no plan found within the time limit of \(planning.timeLimit) s; try a longer --time-limit")
                    throw Exit.solverStopped
                }
                if frontier.end == .timeLimit { try stopped() }
                // No plan at all: the ordinary diagnosis says why, on every candidate (it names what the cut left out).
                // A diagnosis that runs out of time says so, as `plan` does, rather than nothing.
                guard case .infeasible(let diagnosis) = try Planner(catalogue: try everyCandidate(request)).plan(request) else { try stopped() }
                if json { printJSON(diagnosis.json) } else { print(diagnosis.text) }
                throw Exit.noPlan
            }
            if json {
                printJSON(.object([
                    "plans": .array(plans.map { PlanReport(plan: $0, catalogue: catalogue, request: request).json }),
                    "changes": .array(zip(plans, plans.dropFirst()).map { .string(changes(from: $0, to: $1)) }),
                    "end": .string(frontier.end.rawValue),
                ]))
                return
            }
            let currency = catalogue.baseCurrency
            print("\(plans.count) plan\(plans.count == 1 ? "" : "s") for \(plans[0].qualification.title) (\(plans[0].qualification.id)), earliest first; each later plan finishes later and costs less")
            var rows = [["#", "completes", "days", "cost \(currency)", "hours", "credentials", "change from the plan before"]]
            for (index, plan) in plans.enumerated() {
                let days = plan.completes.map { String($0.ordinal - request.schedule!.start.ordinal + 1) } ?? "-"
                rows.append([
                    String(index + 1), plan.completes?.description ?? "-", days, formatNumber((plan.totals.cost * 100).rounded() / 100),
                    formatNumber(plan.totals.hours), String(plan.taken.count),
                    (index == 0 ? "earliest possible" : changes(from: plans[index - 1], to: plan))
                        + (plan.status == .optimal ? "" : " (not proven the earliest for its cost)"),
                ])
            }
            table(rows, rightAligned: [0, 2, 3, 4, 5]).forEach { print($0) }
            switch frontier.end {
            case .complete: break
            case .limit: print("Stopped at --limit \(limit): plans that finish later for less may follow.")
            case .timeLimit: print("Stopped at the time limit of \(planning.timeLimit) s: plans that finish later for less may exist; try a longer --time-limit.")
            }
        }
    }

    /// Each run by its taking: a repeated credential's runs in date order as `c`, `c[2]`, ….
    static func runsByTaking(_ runs: [ScheduleOption]) -> [String: ScheduleOption] {
        var result: [String: ScheduleOption] = [:]
        for run in runs.sorted(by: { $0.start < $1.start }) {
            var time = 1
            while result[time == 1 ? run.credential : Plan.takingID(run.credential, time)] != nil { time += 1 }
            result[time == 1 ? run.credential : Plan.takingID(run.credential, time)] = run
        }
        return result
    }

    /// What one plan does differently from the one before: credentials and runs swapped.
    func changes(from earlier: Plan, to later: Plan) -> String {
        let before = Self.runsByTaking(earlier.schedule ?? [])
        let after = Self.runsByTaking(later.schedule ?? [])
        var parts: [String] = []
        for id in after.keys.sorted() where before[id] == nil { parts.append("+\(id)") }
        for id in before.keys.sorted() where after[id] == nil { parts.append("−\(id)") }
        for id in after.keys.sorted() {
            if let old = before[id], let new = after[id], old.start != new.start { parts.append("\(id) \(old.start)→\(new.start)") }
        }
        let saving = earlier.totals.cost - later.totals.cost
        parts.append("saves \(formatNumber((saving * 100).rounded() / 100))")
        return parts.joined(separator: ", ")
    }
}
