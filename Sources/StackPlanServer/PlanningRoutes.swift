import Foundation
import Hummingbird
import MILP
import StackPlanCore
import StackPlanStore
import StackPlanInterchange
import StackPlanRendering

/// The learner's and advisor's tools: each route answers what its command prints with `--json`,
/// through the same core calls (docs/api.md).
struct PlanningRoutes {
    let service: ServiceContext

    func register(in table: RouteTable) {
        table.add(.post, "/api/v1/plans") { request, context in
            let input = try await read(request)
            try input.check()
            let planRequest = try input.request()
            let report = try await service.solve(for: context) { catalogue, offering in try Self.plan(try offering.apply(planRequest), in: catalogue) }
            return JSONResponse.ok(report)
        }
        table.add(.post, "/api/v1/exports/plan") { request, context in try await exportPlan(request, context) }
        table.add(.post, "/api/v1/frontier") { request, context in
            let input = try await read(request, extra: ["limit"])
            let limit = PlanInput.integer(input.reader, "limit", in: 1...1000) ?? 20
            try input.check()
            let asked = try input.request()
            return JSONResponse.ok(try await service.solve(for: context) { source, offering in
                let planRequest = try offering.apply(asked)
                let catalogue = try Self.planningCatalogue(for: planRequest, in: source)
                let planner = Planner(catalogue: catalogue)
                let frontier = try planner.frontier(planRequest, limit: limit)
                guard !frontier.plans.isEmpty else {
                    throw Self.noPlan(frontier.end == .timeLimit ? .stopped(.timeLimit) : try planner.plan(planRequest))
                }
                return .object([
                    "plans": .array(frontier.plans.map { PlanReport(plan: $0, catalogue: catalogue, request: planRequest).json }),
                    "end": .string(frontier.end.rawValue),
                ])
            })
        }
        table.add(.post, "/api/v1/alternatives") { request, context in
            let input = try await read(request, extra: ["k", "minDifference"])
            let count = PlanInput.integer(input.reader, "k", in: 1...1000) ?? 5
            let minDifference = PlanInput.integer(input.reader, "minDifference", in: 1...1000) ?? 1
            try input.check()
            let asked = try input.request()
            return JSONResponse.ok(try await service.solve(for: context) { source, offering in
                let planRequest = try offering.apply(asked)
                let catalogue = try Self.planningCatalogue(for: planRequest, in: source)
                let result = try Planner(catalogue: catalogue).alternatives(planRequest, count: count, minDifference: minDifference)
                guard !result.plans.isEmpty else { throw Self.noPlan(result.outcome) }
                return .object(["plans": .array(result.plans.map { PlanReport(plan: $0, catalogue: catalogue, request: planRequest).json })])
            })
        }
        table.add(.post, "/api/v1/compare") { request, context in try await compare(request, context) }
        table.add(.post, "/api/v1/explain") { request, context in
            let input = try await read(request, extra: ["plan"])
            let saved = input.reader.fields["plan"].flatMap { $0 == .null ? nil : $0 }
            if let saved, case .object = saved {} else if saved != nil {
                input.log.error("$.plan", "must be a plan as POST /api/v1/plans answers it, found \(saved!.typeName)")
            }
            try input.check()
            let asked = try input.request()
            return JSONResponse.ok(try await service.solve(for: context) { source, offering in
                let catalogue = try source.catalogue()
                // A saved plan is explained as it was made; a new one is planned on what is offered.
                let planRequest = saved == nil ? try offering.apply(asked) : asked
                let explained: Plan
                if let saved {
                    do {
                        explained = try PlanDocument.read(saved.serialized(pretty: false), catalogue: catalogue, request: planRequest)
                    } catch let document as InvalidDocument {
                        throw InvalidDocument(issues: document.issues.map { issue in
                            var moved = issue
                            moved.path = "$.plan" + issue.path.dropFirst()
                            return moved
                        })
                    }
                } else {
                    let outcome = try Planner(catalogue: catalogue).plan(planRequest)
                    guard case .planned(let found) = outcome else { throw Self.noPlan(outcome) }
                    explained = found
                }
                return PlanExplanation(plan: explained, catalogue: catalogue, request: planRequest).json
            })
        }
        table.add(.post, "/api/v1/whatif") { request, context in try await whatIf(request, context) }
        table.add(.post, "/api/v1/nearest") { request, context in try await nearest(request, context) }
        table.add(.get, "/api/v1/qualifications/{id}/graph.svg") { request, context in try await graph(request, context) }
    }

    /// The body, read as a planning request with a route's own members.
    private func read(_ request: Request, extra: Set<String> = [], severalTargets: Bool = false, needsTarget: Bool = true) async throws -> PlanInput {
        let json = try await RequestReading.jsonObject(request, limits: service.limits)
        return try PlanInput.read(json, limits: service.limits, extraFields: extra, severalTargets: severalTargets, needsTarget: needsTarget)
    }

    /// The plan report, as `stackplan plan --json` prints it, planned on the candidates as `plan` does
    /// (the whole catalogue when exceptions may name any credential).
    static func plan(_ request: PlanRequest, in source: any CatalogueSource) throws -> JSON {
        let (plan, catalogue) = try planned(request, in: source)
        return PlanReport(plan: plan, catalogue: catalogue, request: request).json
    }

    static func planned(_ request: PlanRequest, in source: any CatalogueSource) throws -> (Plan, Catalogue) {
        // Every candidate, not the cut `stackplan plan` reads: measured through the service
        // (bench-postgres, 100k, learner 1, `cost,workload`), the cut's query and the plan on
        // what it keeps took 0.27 s on SQLite and 0.51 s on PostgreSQL against 0.11 s and 0.22 s
        // for the candidates read at once; two objectives leave the cut only the learner's limits.
        let catalogue = try planningCatalogue(for: request, in: source)
        let outcome = try Planner(catalogue: catalogue).plan(request)
        guard case .planned(let plan) = outcome else { throw noPlan(outcome) }
        return (plan, catalogue)
    }

    /// What a request is planned on: the candidates toward its target (what its rules accept,
    /// the held credentials and the prerequisites of all these), which give the same plans as the
    /// whole catalogue, or the whole catalogue when exceptions may name any credential. Plans,
    /// frontiers and alternatives read this much; at 100,000 credentials the whole catalogue is
    /// seconds of reading and parsing.
    static func planningCatalogue(for request: PlanRequest, in source: any CatalogueSource) throws -> Catalogue {
        request.exceptions.isEmpty
            ? try source.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
            : try source.catalogue()
    }

    /// The answer for an outcome without a plan: 422 with the diagnosis, or 503 when the solver stopped.
    static func noPlan(_ outcome: PlanOutcome) -> APIProblem {
        switch outcome {
        case .infeasible(let diagnosis):
            return APIProblem(.unprocessableContent, type: "no-plan", title: "No plan exists", detail: diagnosis.summary.text,
                              extensions: ["diagnosis": diagnosis.json])
        case .stopped(let status):
            return APIProblem(.serviceUnavailable, type: "solver-stopped", title: "Solver stopped",
                              detail: "no plan found within the time limit (status: \(status.rawValue)); try a longer \"timeLimit\"",
                              extensions: ["solverStatus": .string(status.rawValue)],
                              headers: [.retryAfter: String(APIProblem.retryAfterSeconds)])
        case .planned:
            return APIProblem(.internalServerError, type: "internal-fault", title: "Internal fault", detail: "a plan was reported as missing")
        }
    }

    /// `stackplan export plan`: JSON, CSV or Markdown.
    func exportPlan(_ request: Request, _ context: APIContext) async throws -> Response {
        var query = QueryReader(request, known: ["format"])
        enum Format: String, CaseIterable { case json, csv, markdown }
        let format = query.enumeration("format", Format.self) ?? .markdown
        try query.check()
        let input = try await read(request)
        try input.check()
        let asked = try input.request()
        let export = try await service.solve(for: context) { source, offering -> PlanExportContent in
            let planRequest = try offering.apply(asked)
            let catalogue = try source.catalogue()
            switch try Planner(catalogue: catalogue).plan(planRequest) {
            case .planned(let plan):
                let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: planRequest))
                switch format {
                case .json: return PlanExportContent(data: export.json.serialized(pretty: true) + Data("\n".utf8), contentType: "application/json")
                case .csv: return PlanExportContent(data: Data(export.csv.utf8), contentType: "text/csv; charset=utf-8")
                case .markdown: return PlanExportContent(data: Data(export.markdown.utf8), contentType: "text/markdown; charset=utf-8")
                }
            case let outcome:
                throw Self.noPlan(outcome)
            }
        }
        return JSONResponse.data(export.data, contentType: export.contentType)
    }

    struct PlanExportContent: Sendable {
        var data: Data
        var contentType: String
    }

    /// `stackplan compare` with several targets and objective lists; `by` and `k` as its flags.
    func compare(_ request: Request, _ context: APIContext) async throws -> Response {
        let input = try await read(request, extra: ["by", "k", "minDifference"], severalTargets: true)
        var lists: [[Objective]] = []
        for (index, value) in (input.reader.array("by") ?? []).enumerated() {
            let names: [String]
            switch value {
            case .string(let text): names = [text]
            case .array(let items): names = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            default:
                input.log.error("$.by[\(index)]", "must be an objective list such as \"duration,cost\", found \(value.typeName)")
                continue
            }
            do { lists.append(try Objective.list(names.joined(separator: ","))) } catch {
                input.log.error("$.by[\(index)]", String(describing: error))
            }
        }
        let count = PlanInput.integer(input.reader, "k", in: 1...1000)
        let minDifference = PlanInput.integer(input.reader, "minDifference", in: 1...1000) ?? 1
        if lists.isEmpty && count == nil && input.targets.count < 2 && !input.log.issues.contains(where: { $0.path.hasPrefix("$.targets") }) {
            input.log.error("$", "give plans to compare: several \"targets\", objective lists in \"by\", or \"k\" alternatives")
        }
        try input.check()
        let asked = try input.targets.map { try input.request(target: $0) }
        let objectiveLists = lists
        return JSONResponse.ok(try await service.solve(for: context) { source, offering in
            let requests = try asked.map(offering.apply)
            let catalogue = try source.catalogue()
            let planner = Planner(catalogue: catalogue)
            let several = requests.count > 1
            var columns: [PlanComparison.Column] = []
            var firstFailure: PlanOutcome?
            for request in requests {
                let prefix = several ? request.target + " " : ""
                let staged: [[Objective]?] = objectiveLists.isEmpty && count == nil && several ? [nil] : objectiveLists.map(Optional.some)
                for objectives in staged {
                    var planned = request
                    if let objectives {
                        planned.objectives = objectives
                        if objectives.contains(.duration) && planned.schedule == nil {
                            throw APIProblem.invalidInput(path: "$.by", "\(objectives.map(\.rawValue).joined(separator: ",")) needs a schedule: give the learner's hours per week (\"hoursPerWeek\")")
                        }
                    }
                    let outcome = try planner.plan(planned)
                    if case .planned(let found) = outcome {
                        let label = objectives.map { prefix + $0.map(\.rawValue).joined(separator: ",") } ?? request.target
                        columns.append(PlanComparison.Column(label: label, plan: found, request: planned))
                    } else {
                        firstFailure = firstFailure ?? outcome
                    }
                }
                if let count {
                    let result = try planner.alternatives(request, count: count, minDifference: minDifference)
                    if result.plans.isEmpty { firstFailure = firstFailure ?? result.outcome }
                    for (index, found) in result.plans.enumerated() {
                        columns.append(PlanComparison.Column(label: "\(prefix)#\(index + 1)", plan: found, request: request))
                    }
                }
            }
            guard !columns.isEmpty else { throw Self.noPlan(firstFailure ?? .stopped(.timeLimit)) }
            return PlanComparison(columns, catalogue: catalogue).json
        })
    }

    /// `stackplan whatif`: the limits in the body, `assumeHeld` and `without` change the scenario only.
    func whatIf(_ request: Request, _ context: APIContext) async throws -> Response {
        let input = try await read(request, extra: ["assumeHeld", "without"])
        let assumeHeld = input.reader.strings("assumeHeld") ?? []
        let without = input.reader.strings("without") ?? []
        try input.check()
        let scenario = try input.request()
        // The body's limits make the scenario; the baseline is the profile as it stands.
        let asked = try scenario.asTheProfileGivesIt()
        return JSONResponse.ok(try await service.solve(for: context) { source, offering in
            let baseline = try offering.apply(asked)
            let catalogue = try source.catalogue()
            let result = try Planner(catalogue: catalogue).whatIf(
                baseline,
                WhatIfScenario(assumeHeld: assumeHeld, without: without, constraints: scenario.constraints, schedule: scenario.schedule))
            return result.json(baselineRequest: baseline, catalogue: catalogue)
        })
    }

    /// `stackplan nearest`: every qualification ranked by what remains to reach it.
    func nearest(_ request: Request, _ context: APIContext) async throws -> Response {
        let input = try await read(request, extra: ["by", "minEqf", "maxEqf", "kinds"], needsTarget: false)
        let measure = input.reader.enumeration("by", NearestMeasure.self) ?? .cost
        let minEQF = PlanInput.integer(input.reader, "minEqf", in: 1...8)
        let maxEQF = PlanInput.integer(input.reader, "maxEqf", in: 1...8)
        if let minEQF, let maxEQF, minEQF > maxEQF { input.log.error("$.minEqf", "\(minEQF) is above \"maxEqf\" \(maxEQF)") }
        var kinds: [CredentialKind] = []
        for (index, name) in (input.reader.strings("kinds") ?? []).enumerated() {
            if let kind = CredentialKind(rawValue: name) { kinds.append(kind) } else {
                input.log.error("$.kinds[\(index)]", "must be one of \(CredentialKind.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(name)\"")
            }
        }
        if input.reader.has("target") { input.log.error("$.target", "nearest ranks every qualification: leave out \"target\"") }
        if input.reader.has("objectives") { input.log.error("$.objectives", "nearest ranks by \"by\" (cost, ects or duration), not by objectives") }
        try input.check()
        var template = try input.request(target: "")
        template.objectives = measure == .duration ? [.duration] : [.cost]
        template.schedule = try ScheduleSettings.needed(
            by: input.learner, objectives: template.objectives, deadline: template.constraints.deadline, start: input.start,
            hoursPerWeek: input.hoursPerWeek, today: template.today)
        let filter = NearestFilter(minEQF: minEQF, maxEQF: maxEQF, kinds: kinds.isEmpty ? nil : kinds)
        let frozen = template
        return JSONResponse.ok(try await service.solve(for: context) { source, offering in
            let catalogue = try source.catalogue()
            var template = frozen
            template.withdrawn.formUnion(offering.unofferedCredentials)
            if let cancellation = offering.cancellation { template.solverOptions.deadline = cancellation.deadline(seconds: frozen.solverOptions.timeLimit) }
            var ranking = try Planner(catalogue: catalogue).nearest(template, by: measure, filter: filter)
            // Retired qualifications are ranked no more: only the offered ones are targets.
            ranking.entries.removeAll { offering.retiredQualifications.contains($0.qualification.id) }
            return ranking.json
        })
    }

    /// `stackplan graph --format svg`: the qualification's stack graph, as SVG through Graphviz's
    /// `dot`, or as DOT when Graphviz is not installed.
    func graph(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id")
        var query = QueryReader(request, known: ["all"])
        let all = query.bool("all")
        try query.check()
        let drawing = try await service.solve { source -> PlanExportContent in
            let catalogue = try source.catalogue()
            guard let qualification = catalogue.qualification(id) else {
                throw APIProblem.notFound("the catalogue has no qualification \"\(id)\"")
            }
            let dot = StackGraph(qualification: qualification, catalogue: catalogue, matchLimit: all ? nil : 5).dot
            if let svg = try GraphvizRenderer.svg(dot) { return PlanExportContent(data: svg, contentType: "image/svg+xml") }
            return PlanExportContent(data: Data(dot.utf8), contentType: "text/vnd.graphviz; charset=utf-8")
        }
        return JSONResponse.data(drawing.data, contentType: drawing.contentType)
    }
}

