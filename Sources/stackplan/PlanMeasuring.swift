import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanStore

/// Options of `plan` for measuring it: figures for the benchmark, and switches that turn off
/// one optimisation each, to show what it buys (docs/performance.md).
struct PlanMeasuring: ParsableArguments {
    @Flag(help: "Print one JSON line of figures on standard error: load and plan times, candidates and the model's size before and after pruning.")
    var stats = false

    @Flag(help: ArgumentHelp("Build the model without pruning dominated candidates (for measuring).", visibility: .hidden))
    var noPrune = false

    @Flag(help: ArgumentHelp("Load the whole stored catalogue instead of the candidates (for measuring).", visibility: .hidden))
    var wholeCatalogue = false

    @Flag(help: ArgumentHelp("Solve a schedule with the plain time-indexed model instead of branch and check (for measuring).", visibility: .hidden))
    var timeIndexedSchedule = false

    @Flag(help: ArgumentHelp("Read every candidate instead of cutting those the learner may not take or enough others beat (for measuring and checking).", visibility: .hidden))
    var noCut = false

    func adjusted(_ request: PlanRequest) -> PlanRequest {
        var request = request
        if noPrune { request.pruneDominated = false }
        if timeIndexedSchedule { request.timeIndexedSchedule = true }
        return request
    }

    func load(_ store: CatalogueStore, for request: PlanRequest) throws -> CandidateLoad {
        if wholeCatalogue { return CandidateLoad(catalogue: try store.catalogue(), cut: nil, examined: 0, kept: 0) }
        if noCut { return try loadUncut(store, for: request) }
        return try store.candidateCatalogue(for: request)
    }

    /// Every candidate of the request, uncut: for a request the cut does not cover.
    func loadUncut(_ store: CatalogueStore, for request: PlanRequest) throws -> CandidateLoad {
        let catalogue = try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
        return CandidateLoad(catalogue: catalogue, cut: nil, examined: 0, kept: 0)
    }

    /// Prints the figures when asked; building the models again for their sizes happens after
    /// the timed part.
    func report(planner: Planner, request: PlanRequest, outcome: PlanOutcome, load: CandidateLoad, replanned: Bool, started: Date, loaded: Date, planned: Date) throws {
        guard stats else { return }
        let statistics = try planner.modelStatistics(for: request)
        func size(_ size: Plan.ModelSize) -> JSON {
            .object(["rows": .number(Double(size.rows)), "columns": .number(Double(size.columns)),
                     "integerColumns": .number(Double(size.integerColumns)), "nonZeros": .number(Double(size.nonZeros))])
        }
        let status: String = switch outcome {
        case .planned(let plan): plan.status.rawValue
        case .infeasible: "infeasible"
        case .stopped(let status): status.rawValue
        }
        let figures: JSON = .object([
            "status": .string(status),
            "catalogueCredentials": .number(Double(planner.catalogue.credentials.count)),
            "loadSeconds": .number((loaded.timeIntervalSince(started) * 1000).rounded() / 1000),
            "planSeconds": .number((planned.timeIntervalSince(loaded) * 1000).rounded() / 1000),
            "cut": .bool(load.cut != nil),
            "replannedUncut": .bool(replanned),
            "examinedByCut": .number(Double(load.examined)),
            "keptByCut": .number(Double(load.kept)),
            "candidates": .number(Double(statistics.candidates)),
            "unprunedCandidates": .number(Double(statistics.unprunedCandidates)),
            "model": size(statistics.size),
            "unprunedModel": size(statistics.unprunedSize),
        ])
        printError(figures.compactText)
    }
}
