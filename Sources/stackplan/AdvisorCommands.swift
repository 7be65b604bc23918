import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanRendering

/// Advisors' exceptions given on the command line, added to the profile's for the target.
struct ExceptionArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Waive the requirement at this path (as `stackplan show` prints it), e.g. requires.allOf[2] (repeatable).", valueName: "path"))
    var waive: [String] = []

    @Option(help: ArgumentHelp("Accept credential NEW (or held item held[N]) wherever the requirements ask for OLD (repeatable).", valueName: "old=new"))
    var substitute: [String] = []

    @Option(name: .customLong("apply"), help: ArgumentHelp("Count held item HELD (held[N] or a held credential's id) toward the leaf at PATH, whatever its filter (repeatable).", valueName: "held=path"))
    var applyByHand: [String] = []

    @Option(help: "The advisor's reason, recorded with the command line's exceptions.")
    var exceptionNote: String?

    func validate() throws {
        for (flag, values) in [("--substitute", substitute), ("--apply", applyByHand)] {
            for value in values where split(value) == nil {
                throw ValidationError("\(flag) takes two parts joined by '=', such as \(flag == "--substitute" ? "tcd-nu7812=ucc-dementia" : "held[3]=requires.allOf[1]"), not \(value)")
            }
        }
    }

    private func split(_ value: String) -> (String, String)? {
        let parts = value.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (parts[0], parts[1])
    }

    var exceptions: [AdvisorException] {
        waive.map { AdvisorException(.waive(path: $0), note: exceptionNote, origin: "--waive \($0)") }
            + substitute.compactMap { value in split(value).map { AdvisorException(.substitute(old: $0.0, new: $0.1), note: exceptionNote, origin: "--substitute \(value)") } }
            + applyByHand.compactMap { value in split(value).map { AdvisorException(.apply(item: $0.0, path: $0.1), note: exceptionNote, origin: "--apply \(value)") } }
    }

    func add(to request: inout PlanRequest) { request.addedExceptions += exceptions }
}

/// Prints a plan outcome that is not a plan, with the exit code it calls for.
private func reportNoPlan(_ outcome: PlanOutcome, json: Bool, timeLimit: Double) throws -> Never {
    switch outcome {
    case .infeasible(let diagnosis):
        if json { printJSON(diagnosis.json) } else { print(diagnosis.text) }
        throw Exit.noPlan
    case .stopped(let status):
        if json { printJSON(.object(["status": .string(status.rawValue)])) }
        printError("no plan found within the time limit of \(timeLimit) s (status: \(status.rawValue)); try a longer --time-limit")
        throw Exit.solverStopped
    case .planned:
        fatalError("reportNoPlan called with a plan")
    }
}

private func describe(_ plan: Plan, currency: String) -> String {
    var text = "\(format(plan.totals.cost, money: true)) \(currency), \(formatNumber(plan.totals.hours)) h, \(plural(plan.taken.count, "credential"))"
    if let completes = plan.completes { text += ", completes \(completes)" }
    return text
}

private func format(_ value: Double, money: Bool) -> String { formatMoney(value) }

// MARK: alternatives

struct AlternativesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alternatives",
        abstract: "List the k best plans in objective order, each leaving out credentials of every earlier plan.",
        discussion: "Every later plan leaves out at least --min-difference credentials of each earlier plan, so none is an earlier plan plus a spare course.")

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Option(name: .customLong("k"), parsing: .unconditional, help: "How many plans to list (1 to 1,000; default 5).", transform: FlagRanges.plans.count)
    var count: Int = 5

    @Option(parsing: .unconditional, help: "Credentials of every earlier plan that each later plan must leave out (1 to 1,000; default 1).",
            transform: FlagRanges.plans.count)
    var minDifference: Int = 1

    @Flag(help: "Print {\"plans\": [...]}, each plan as `plan --json` prints it.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var request = try planning.request()
            exceptions.add(to: &request)
            let catalogue = try store.catalogue()
            let result = try Planner(catalogue: catalogue).alternatives(request, count: count, minDifference: minDifference)
            guard let best = result.plans.first else { try reportNoPlan(result.outcome, json: json, timeLimit: planning.timeLimit) }
            if json {
                printJSON(.object(["plans": .array(result.plans.map { PlanReport(plan: $0, catalogue: catalogue, request: request).json })]))
                return
            }
            let currency = catalogue.baseCurrency
            print("\(plural(result.plans.count, "plan")) for \(best.qualification.title) (\(best.qualification.id)), best first; "
                + "each leaves out at least \(plural(minDifference, "credential")) of every earlier plan")
            // The objective values get a column of their own unless cost alone is minimised.
            let objectiveColumn = request.objectives != [.cost]
            var rows = [["#"] + (objectiveColumn ? ["minimising"] : []) + ["cost \(currency)", "hours", "credentials", "change from #1"]]
            for (index, plan) in result.plans.enumerated() {
                let objectives = zip(plan.objectives, plan.objectiveValues).map { objective, value in
                    "\(objective.rawValue) \(objective == .cost ? format(value, money: true) : formatNumber(rounded(value)))"
                }.joined(separator: ", ")
                rows.append([String(index + 1)] + (objectiveColumn ? [objectives] : []) + [
                    format(plan.totals.cost, money: true), formatNumber(plan.totals.hours), plan.taken.joined(separator: " "),
                    index == 0 ? "the optimum" : PlanDifference(from: best, to: plan).text(currency: currency),
                ])
            }
            table(rows, rightAligned: objectiveColumn ? [0, 2, 3] : [0, 1, 2]).forEach { print($0) }
            switch result.end {
            case .complete: break
            case .exhausted:
                if result.plans.count < count { print("No further plan leaves out \(plural(minDifference, "credential")) of every plan above.") }
            case .stopped(let status):
                print("The search for plan \(result.plans.count + 1) stopped at the time limit (\(status.rawValue)).")
            }
        }
    }
}

private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

// MARK: compare

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show plans side by side: figures, EQF mix, providers, modes, completion, and where each credential counts.",
        discussion: """
            The plans come from saved plan files (--plan), from several objective lists (--by), or from the k best alternatives (--k), \
            in that order; sources combine. With several --target, each target is planned (by --by and --k when given, else once), \
            so plans toward different qualifications stand side by side; saved plans may be for any qualification.
            """)

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Option(help: ArgumentHelp("A plan saved with `plan --json` (repeatable).", valueName: "file"))
    var plan: [String] = []

    @Option(help: ArgumentHelp("Plan once with these objectives, e.g. cost or duration,cost (repeatable).", valueName: "objectives"))
    var by: [String] = []

    @Option(name: .customLong("k"), parsing: .unconditional, help: "Also compare the k best alternatives for --objective (1 to 1,000).",
            transform: FlagRanges.plans.count)
    var count: Int?

    @Option(parsing: .unconditional, help: "For --k: credentials of every earlier plan each later plan leaves out (1 to 1,000; default 1).",
            transform: FlagRanges.plans.count)
    var minDifference: Int = 1

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if plan.isEmpty && by.isEmpty && count == nil && planning.targets.count < 2 {
            throw ValidationError("give plans to compare: --plan FILE, --by OBJECTIVES, --k N or several --target")
        }
        if let count, count < 1 { throw ValidationError("--k must be at least 1") }
        for list in by {
            do { _ = try Objective.list(list) } catch { throw ValidationError("--by \(list): \(error)") }
        }
    }

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var requests = try planning.requests()
            for index in requests.indices { exceptions.add(to: &requests[index]) }
            let several = requests.count > 1
            let catalogue = try store.catalogue()
            let planner = Planner(catalogue: catalogue)
            var columns: [PlanComparison.Column] = []
            for file in plan {
                let data = try readFile(file)
                // A saved plan is checked against its own qualification, which may be any of the catalogue's.
                var request = requests[0]
                if case .string(let target)? = (try? JSON.parse(data))?.objectFields["target"] { request.target = target }
                let saved = try PlanDocument.read(data, file: file, catalogue: catalogue, request: request)
                let violations = PlanChecker(catalogue: catalogue, request: request).violations(of: saved)
                if !violations.isEmpty { printError("warning: \(file) no longer passes every rule: \(violations.joined(separator: "; "))") }
                columns.append(PlanComparison.Column(label: URL(fileURLWithPath: file).lastPathComponent, plan: saved, request: request))
            }
            var firstFailure: PlanOutcome?
            for request in requests {
                let prefix = several ? request.target + " " : ""
                // With several targets and no other source, each target is planned once.
                let lists = by.isEmpty && count == nil && several ? [nil] : by.map(Optional.some)
                for list in lists {
                    var staged = request
                    if let list { staged.objectives = try Objective.list(list) }
                    if let list, staged.objectives.contains(.duration) && staged.schedule == nil {
                        throw PlanningError.invalidRequest("--by \(list) needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
                    }
                    let outcome = try planner.plan(staged)
                    let label = list.map { prefix + $0 } ?? request.target
                    if case .planned(let found) = outcome {
                        columns.append(PlanComparison.Column(label: label, plan: found, request: staged))
                    } else {
                        printError(list.map { "no plan minimising \($0)" + (several ? " toward \(request.target)" : "") } ?? "no plan toward \(request.target)")
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
            guard !columns.isEmpty else { try reportNoPlan(firstFailure!, json: json, timeLimit: planning.timeLimit) }
            let comparison = PlanComparison(columns, catalogue: catalogue)
            if json { printJSON(comparison.json) } else { print(comparison.text) }
        }
    }
}

// MARK: explain

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a plan: what meets each requirement and by what margin, why each credential is in it, why held ones count or not.",
        discussion: "Without --plan, the optimal plan is found and explained. With --plan, a plan saved with `plan --json` is explained and re-checked against the current catalogue and profile; exit code 1 if it no longer passes every rule.")

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Option(help: ArgumentHelp("A plan saved with `plan --json`, to explain instead of planning anew.", valueName: "file"))
    var plan: String?

    @Flag(help: "Print the explanation as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var request = try planning.request()
            exceptions.add(to: &request)
            let catalogue = try store.catalogue()
            let explained: Plan
            if let plan {
                explained = try PlanDocument.read(try readFile(plan), file: plan, catalogue: catalogue, request: request)
            } else {
                let outcome = try Planner(catalogue: catalogue).plan(request)
                guard case .planned(let found) = outcome else { try reportNoPlan(outcome, json: json, timeLimit: planning.timeLimit) }
                explained = found
            }
            let explanation = PlanExplanation(plan: explained, catalogue: catalogue, request: request)
            if json { printJSON(explanation.json) } else { print(explanation.text) }
            if !explanation.violations.isEmpty { throw Exit.noPlan }
        }
    }
}

// MARK: whatif

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Plan a changed situation beside the profile's own, and show the difference.",
        discussion: """
            The baseline is the profile as it stands. The scenario adds --assume-held, --without and every limit flag \
            (--budget, --max-hours, --deadline, --mode, --language, --accredited-only, --exclude-provider), \
            --hours-per-week and --start: those apply to the scenario only. Objectives, --today, hours per ECTS and \
            solver options apply to both (and a calendar the scenario needs, when the profile gives no weekly hours).
            """)

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Option(help: ArgumentHelp("Assume the learner holds this catalogue credential, earned today (repeatable).", valueName: "id"))
    var assumeHeld: [String] = []

    @Option(help: ArgumentHelp("Treat this credential as not offered, or CREDENTIAL@OFFERING as one cancelled offering (repeatable).", valueName: "id"))
    var without: [String] = []

    @Flag(help: "Print {\"baseline\", \"scenario\", \"difference\"} as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var scenario = try planning.request()
            exceptions.add(to: &scenario)
            // The flags make the scenario; the baseline is the profile as it stands.
            let baseline = try scenario.asTheProfileGivesIt()
            let catalogue = try store.catalogue()
            let result = try Planner(catalogue: catalogue).whatIf(
                baseline, WhatIfScenario(assumeHeld: assumeHeld, without: without, constraints: scenario.constraints, schedule: scenario.schedule))
            if json {
                printJSON(result.json(baselineRequest: baseline, catalogue: catalogue))
                if case .planned = result.scenario { return }
                throw Exit.noPlan
            }
            let currency = catalogue.baseCurrency
            var changes = assumeHeld.map { "holding \($0)" } + without.map { "without \($0)" }
            let before = baseline.constraints, after = scenario.constraints
            if before.budget != after.budget { changes.append("budget \(after.budget.map { formatNumber($0) } ?? "none")") }
            if before.maxHours != after.maxHours { changes.append("max hours \(after.maxHours.map { formatNumber($0) } ?? "none")") }
            if before.deadline != after.deadline { changes.append("deadline \(after.deadline?.description ?? "none")") }
            if before.languages != after.languages { changes.append("languages \(after.languages?.joined(separator: ", ") ?? "any")") }
            if before.modes != after.modes { changes.append("modes \(after.modes?.map(\.rawValue).joined(separator: ", ") ?? "any")") }
            if before.accreditedOnly != after.accreditedOnly { changes.append("accredited only") }
            if before.excludeProviders != after.excludeProviders { changes.append("excluding \(after.excludeProviders.joined(separator: ", "))") }
            if baseline.schedule?.hoursPerWeek != scenario.schedule?.hoursPerWeek {
                changes.append("\(scenario.schedule.map { formatNumber($0.hoursPerWeek) } ?? "no") hours a week")
            }
            if let start = scenario.schedule?.start, baseline.schedule.map({ $0.start != start }) ?? false { changes.append("starting \(start)") }
            print("What if: \(changes.isEmpty ? "nothing changes" : changes.joined(separator: "; "))")
            for (name, outcome) in [("baseline", result.baseline), ("scenario", result.scenario)] {
                switch outcome {
                case .planned(let plan): print("  \(name): \(describe(plan, currency: currency)): \(plan.taken.joined(separator: " "))")
                case .infeasible(let diagnosis): print("  \(name): no plan: \(diagnosis.summary.text)")
                case .stopped(let status): print("  \(name): stopped at the time limit (\(status.rawValue))")
                }
            }
            if let difference = result.difference { print("  difference: \(difference.text(currency: currency))") }
            print("")
            switch result.scenario {
            case .planned(let plan): print(PlanReport(plan: plan, catalogue: result.scenarioCatalogue, request: result.scenarioRequest).text)
            case .infeasible(let diagnosis):
                print(diagnosis.text)
                throw Exit.noPlan
            case .stopped: throw Exit.solverStopped
            }
        }
    }
}

// MARK: nearest

struct NearestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearest",
        abstract: "Rank every qualification by what remains to reach it: fees, ECTS to take, or time.",
        discussion: """
            Unreachable qualifications come last with the reason. Cheap bounds (the reachability test, and under a budget or hour \
            limit the linear relaxation) rule out hopeless ones without solving their MILP; the output says how many. \
            Qualifications below the highest EQF level the learner holds are ranked after the others; --min-eqf and --max-eqf \
            leave levels out, --kind limits the credentials plans may use, and --mode, --language and --deadline limit plans as for `plan`.
            """)

    @Option(help: "Learner profile (JSON).")
    var learner: String

    @Option(help: "What to rank by: cost (fees still to pay), ects (ECTS still to take) or duration (days to completion; needs hours per week).")
    var by: Measure = .cost

    enum Measure: String, ExpressibleByArgument, CaseIterable { case cost, ects, duration }

    @Option(parsing: .unconditional, help: "Most the plan may cost (replaces the profile's; 0 to 1,000,000,000).", transform: FlagRanges.money.number)
    var budget: Double?

    @Option(parsing: .unconditional, help: "Most learning hours the plan may need (replaces the profile's; 0 to 1,000,000).", transform: FlagRanges.hours.number)
    var maxHours: Double?

    @Option(help: "Rank qualifications at this EQF level or above only.")
    var minEqf: Int?

    @Option(help: "Rank qualifications at this EQF level or below only.")
    var maxEqf: Int?

    @Option(help: "A kind of credential plans may use: skill, module, programme, qualification (repeat for several; default: any).")
    var kind: [CredentialKind] = []

    @Option(help: "A mode you can attend: online, blended, in-person (repeat for several; replaces the profile's).")
    var mode: [DeliveryMode] = []

    @Option(help: "A language you study in, ISO 639-1 (repeat for several; replaces the profile's).")
    var language: [String] = []

    @Option(help: ArgumentHelp("Finish every credential by this day; needs hours per week.", valueName: "YYYY-MM-DD"))
    var deadline: Day?

    @OptionGroup var calendar: CalendarArguments
    private var today: Day? { calendar.today }
    private var start: Day? { calendar.start }
    private var hoursPerWeek: Double? { calendar.hoursPerWeek }
    private var hoursPerEcts: Double { calendar.hoursPerEcts }

    @Option(parsing: .unconditional, help: "Solver time limit in seconds, per qualification and objective (more than 0, at most 86,400; default 60).",
            transform: FlagRanges.timeLimit.number)
    var timeLimit: Double = 60

    @Flag(help: "Print the ranking as JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        for (flag, value) in [("--min-eqf", minEqf), ("--max-eqf", maxEqf)] {
            if let value, !(1...8).contains(value) { throw ValidationError("\(flag) must be an EQF level from 1 to 8, not \(value)") }
        }
        try checkDays([("--deadline", deadline)])
        if let minEqf, let maxEqf, minEqf > maxEqf { throw ValidationError("--min-eqf \(minEqf) is above --max-eqf \(maxEqf)") }
        for language in language where !language.isLanguageCode {
            throw ValidationError("--language takes two-letter ISO 639-1 codes such as en, not \(language)")
        }
    }

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            let profile = try LearnerDocument.read(try readFile(learner), file: learner)
            var constraints = profile.constraints
            if let budget { constraints.budget = budget }
            if let maxHours { constraints.maxHours = maxHours }
            if !mode.isEmpty { constraints.modes = mode }
            if !language.isEmpty { constraints.languages = language }
            if let deadline { constraints.deadline = deadline }
            let filter = NearestFilter(minEQF: minEqf, maxEQF: maxEqf, kinds: kind.isEmpty ? nil : kind)
            let measure = NearestMeasure(rawValue: by.rawValue)!
            var request = PlanRequest(
                target: "", learner: profile, constraints: constraints, objectives: measure == .duration ? [.duration] : [.cost],
                hoursPerECTS: hoursPerEcts, today: today, solverOptions: SolveOptions(timeLimit: timeLimit))
            request.schedule = try ScheduleSettings.needed(
                by: profile, objectives: request.objectives, deadline: constraints.deadline, start: start,
                hoursPerWeek: hoursPerWeek, today: request.today)
            let catalogue = try store.catalogue()
            let ranking = try Planner(catalogue: catalogue).nearest(request, by: measure, filter: filter)
            let currency = catalogue.baseCurrency
            if json {
                printJSON(ranking.json)
                return
            }
            let unit = switch measure {
            case .cost: "cost \(currency)"
            case .ects: "ECTS to take"
            case .duration: "days"
            }
            print("Qualifications for \(profile.name ?? profile.id ?? learner), nearest first by \(measure.rawValue)")
            // Ranked by cost, the value column would repeat the cost column.
            let valueColumn = measure != .cost
            var rows = [["#", "qualification", "EQF"] + (valueColumn ? [unit] : []) + ["cost \(currency)", "hours", "to take", "completes"]]
            let reached = ranking.entries.filter { $0.plan != nil }
            for (index, entry) in reached.enumerated() {
                guard let plan = entry.plan else { continue }
                rows.append([String(index + 1), entry.qualification.id, String(entry.qualification.eqf)]
                    + (valueColumn ? [formatNumber(rounded(entry.value ?? 0))] : [])
                    + [format(plan.totals.cost, money: true), formatNumber(plan.totals.hours), String(plan.taken.count), plan.completes?.description ?? "-"])
            }
            table(rows, rightAligned: valueColumn ? [0, 2, 3, 4, 5, 6] : [0, 2, 3, 4, 5]).forEach { print($0) }
            if let level = ranking.learnerLevel, reached.contains(where: \.belowLearnerLevel) {
                print("Ranked after the others: below EQF \(level), the highest level you hold (--min-eqf \(level) leaves them out).")
            }
            if !ranking.leftOut.isEmpty {
                print("Left out by level: \(ranking.leftOut.joined(separator: ", ")).")
            }
            let unreachable = ranking.entries.filter { $0.plan == nil }
            if !unreachable.isEmpty {
                print("")
                print("Out of reach")
                for entry in unreachable {
                    let how = switch entry.decision {
                    case .reachability: "reachability test, no MILP"
                    case .linearBound: "linear bound, no MILP"
                    case .solver: "solved"
                    case .stopped: "time limit"
                    case .invalid, .planned: "invalid exceptions"
                    }
                    print("  \(entry.qualification.id) [\(how)]: \(entry.reason?.text ?? "")")
                }
            }
            print("")
            print("\(plural(ranking.entries.count, "qualification")): \(ranking.solved) planned with a MILP, \(ranking.avoided) decided by cheap bounds without one.")
        }
    }
}

// MARK: graph

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a qualification's stack graph (credentials, requirements, prerequisites, overlaps) as Graphviz DOT or SVG.",
        discussion: "With --plan (a plan saved with `plan --json`) or --learner (the optimal plan is found), the plan is highlighted. SVG needs Graphviz's `dot` on the PATH.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, svg }

    @Option(help: "Id of the qualification to draw.")
    var target: String

    @Option(help: ArgumentHelp("A plan saved with `plan --json`, to highlight.", valueName: "file"))
    var plan: String?

    @Option(help: ArgumentHelp("Learner profile: its exceptions are drawn, and without --plan its optimal plan is highlighted.", valueName: "file"))
    var learner: String?

    @Option(help: ArgumentHelp("What the highlighted plan minimises when it is planned here (see `plan --objective`).", valueName: "objectives"))
    var objective: ObjectiveList = .cost

    @Option(help: ArgumentHelp("Write to this file instead of standard output; a name ending in .svg asks for SVG.", valueName: "file"))
    var output: String?

    @Option(help: "dot or svg (default: svg for an --output ending in .svg, else dot).")
    var format: Format?

    @Flag(help: "Draw every credential that fits each credits requirement (default: the 5 cheapest, plus the plan's).")
    var all = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            let catalogue = try store.catalogue()
            guard let qualification = catalogue.qualification(target) else { throw PlanningError.unknownTarget(target) }
            let profile = try learner.map { try LearnerDocument.read(try readFile($0), file: $0) } ?? LearnerProfile()
            var request = PlanRequest(target: target, learner: profile, objectives: objective.objectives)
            request.schedule = try ScheduleSettings.needed(
                by: profile, objectives: request.objectives, deadline: request.constraints.deadline, today: request.today)
            var highlighted: Plan?
            if let plan {
                highlighted = try PlanDocument.read(try readFile(plan), file: plan, catalogue: catalogue, request: request)
            } else if learner != nil {
                switch try Planner(catalogue: catalogue).plan(request) {
                case .planned(let found): highlighted = found
                case .infeasible(let diagnosis): printError("no plan to highlight: \(diagnosis.summary.text)")
                case .stopped(let status): printError("no plan to highlight: the solver stopped (\(status.rawValue))")
                }
            }
            let dot = StackGraph(qualification: qualification, catalogue: catalogue, plan: highlighted, exceptions: request.exceptions,
                                 matchLimit: all ? nil : 5).dot
            let wanted = format ?? (output?.lowercased().hasSuffix(".svg") == true ? .svg : .dot)
            var data = Data(dot.utf8)
            if wanted == .svg { data = try renderSVG(dot) }
            try writeOutput(data, to: output)
            if let output {
                printError("\(wanted == .svg ? "SVG" : "DOT") written to \(output)")
            }
        }
    }

    /// Runs Graphviz's `dot -Tsvg`, found on the PATH.
    func renderSVG(_ dot: String) throws -> Data {
        guard let svg = try GraphvizRenderer.svg(dot) else {
            printError("error: SVG needs Graphviz's `dot`, which is not on the PATH (install the graphviz package, or ask for --format dot)")
            throw Exit.invalidInput
        }
        return svg
    }
}

