import MILP

/// Logic-based Benders decomposition (branch and check) of a scheduled plan, as
/// docs/formulation.md §3.9 writes it out.
///
/// The master is the plan's model with the bounds form of the calendar: the credentials, the
/// prerequisite pairs that serve, and a completion C bounded from below by rows every schedule
/// keeps. Each master solution's set is then scheduled exactly (``ScheduleCheck``). A set whose
/// earliest schedule ends later than the master's C (or later than an earlier stage allows)
/// gets a cut: whenever it is chosen again, with its pairs, C is at least that completion. Since
/// a superset's schedules restrict to the set's, the cut holds for every plan containing the
/// set; the master therefore stays a relaxation, and its optimum, once its set checks, is the
/// stage's optimum. Stages run in turn as in ``Model/minimizeLexicographically``, the cuts kept
/// from one to the next, each stage starting from the plan the last one found.
struct ScheduleBranchAndCheck {
    let formulation: Formulation
    let calendar: ScheduleModel
    let check: ScheduleCheck
    let options: SolveOptions

    /// A plan found so far: the master's values with C set to its schedule's completion.
    struct Checked {
        var point: [Double]
        var selection: Selection
        var runs: [String: ScheduleOption]
    }

    /// The credentials and the prerequisite pairs that serve, read from master values.
    struct Selection: Equatable {
        var taken: [String]
        var order: [Pair]
        /// Corequisites that serve: `before` starts before `after` ends.
        var alongside: [Pair] = []
        struct Pair: Equatable {
            var before: String
            var after: String
            var variable: Variable
        }
    }

    struct Outcome {
        var result: LexicographicSolution
        /// The schedule of the final plan, in the order of its credentials.
        var schedule: [ScheduleOption]?
        /// The master as it ended, cuts included.
        var model: Model
        /// The cuts of the checks, those given included: true of every plan of the same model
        /// under any further rows (a frontier's budgets), so another solve may start with them.
        var cuts: [Model.Row]
    }

    init(formulation: Formulation, calendar: ScheduleModel, request: PlanRequest, catalogue: Catalogue) {
        self.formulation = formulation
        self.calendar = calendar
        self.options = request.solverOptions
        let settings = calendar.settings
        self.check = ScheduleCheck(settings: settings) { id, end in
            // A further taking (`c[2]`) runs as its credential does.
            guard let credential = catalogue.credential(Plan.credentialID(ofTaking: id)) else { return [] }
            return Formulation.calendarRuns(of: credential, catalogue: catalogue, request: request, settings: settings, until: end)
        }
    }

    func selection(_ values: [Double]) -> Selection {
        let taken = formulation.columns.filter { values[$0.take.index] > 0.5 }.map(\.id)
        let chosen = Set(taken)
        let order = calendar.precedences.filter { values[$0.variable.index] > 0.5 && chosen.contains($0.owner) && chosen.contains($0.prerequisite) }
            .map { Selection.Pair(before: $0.prerequisite, after: $0.owner, variable: $0.variable) }
        let alongside = calendar.alongside.filter { values[$0.variable.index] > 0.5 && chosen.contains($0.owner) && chosen.contains($0.corequisite) }
            .map { Selection.Pair(before: $0.corequisite, after: $0.owner, variable: $0.variable) }
        return Selection(taken: taken, order: order, alongside: alongside)
    }

    /// Minimises `stages` in order; `durationStages` marks those that minimise C. `cuts` are
    /// rows an earlier solve of the same master found (``Outcome/cuts``).
    ///
    /// `relaxedOptimum`, when given, is the takings (column ids) of a plan optimal for the first
    /// stage in a relaxation of every scheduled plan (the plan without a calendar, whose
    /// objective is not the duration): its value bounds the stage from below. If the master
    /// takes exactly that set and the set has a schedule within the limit, it is the first
    /// stage's optimum, and the master need not search for it.
    func minimize(_ stages: [LinearExpression], durationStages: Set<Int>, cuts given: [Model.Row] = [], relaxedOptimum: [String]? = nil) throws -> Outcome {
        var master = formulation.model
        for cut in given { master.add(cut.constraint, name: cut.name) }
        let completion = calendar.completion
        var incumbent: Checked?
        var solved: [Solution] = []
        var cuts = given
        // A plan's schedule must end within this many days: the horizon, then each duration stage's optimum.
        var limit = Int(calendar.horizonDays)
        func outcome(_ final: Solution) -> Outcome {
            let schedule = incumbent.map { checked in checked.selection.taken.compactMap { checked.runs[$0] } }
            return Outcome(
                result: LexicographicSolution(final: final, stages: solved, objectives: stages),
                schedule: final.status.hasSolution ? schedule : nil, model: master, cuts: cuts)
        }
        for (position, objective) in stages.enumerated() {
            master.minimize(objective)
            let isDuration = durationStages.contains(position)
            var stage: Solution?
            // The relaxation's optimum, as the master's point taking just its set, tried before any search.
            var proposed = position == 0 && !isDuration ? try relaxedOptimum.flatMap { try point(taking: $0, in: master) } : nil
            while stage == nil {
                let fromRelaxation = proposed != nil
                // The plan found so far (a cutoff: GLPK looks only for better ones).
                let found = try proposed ?? master.solve(options, startingFrom: incumbent?.point)
                proposed = nil
                guard found.status.hasSolution else {
                    guard let incumbent else { return outcome(found) }
                    // The time ran out: the plan found so far stands, with what the master proved.
                    let value = objective.value(at: incumbent.point)
                    stage = Solution(status: .feasible, objectiveValue: value, bestBound: found.bestBound.map { min($0, value) }, values: incumbent.point)
                    solved.append(stage!)
                    return outcome(stage!)
                }
                let chosen = selection(found.values)
                if let checked = incumbent, chosen == checked.selection,
                   found.values[completion.index] >= checked.point[completion.index] - 0.5 {
                    // The master could not beat the plan already checked (it returned the start).
                    stage = Solution(status: found.status, objectiveValue: objective.value(at: checked.point), bestBound: found.bestBound, values: checked.point)
                    break
                }
                let masterCompletion = Int(found.values[completion.index].rounded())
                let order = chosen.order.map { (before: $0.before, after: $0.after) }
                let lower = calendar.completionBound(of: chosen.taken, order: order)
                let alongside = chosen.alongside.map { (corequisite: $0.before, owner: $0.after) }
                switch try check.earliest(chosen.taken, order: order, alongside: alongside, lowerBound: max(lower, 0), limit: limit, options: options) {
                case .stopped:
                    guard let incumbent else { return outcome(Solution(status: .timeLimit, objectiveValue: nil, bestBound: nil, values: [])) }
                    let value = objective.value(at: incumbent.point)
                    stage = Solution(status: .feasible, objectiveValue: value, bestBound: found.bestBound.map { min($0, value) }, values: incumbent.point)
                    solved.append(stage!)
                    return outcome(stage!)
                case .impossible:
                    cuts.append(addCut(to: &master, chosen, completion: limit + 1))
                case .scheduled(let runs, let days, let proven):
                    // The plan as a master point: C its real completion, K the fewest weeks the rows allow.
                    var point = found.values
                    point[completion.index] = Double(days)
                    if let weeks = calendar.weeksStudied { point[weeks.index] = Double(calendar.leastWeeks(of: chosen.taken)) }
                    let checked = Checked(point: point, selection: chosen, runs: runs)
                    let value = objective.value(at: point)
                    if fromRelaxation {
                        // A relaxation's optimum that is a plan: optimal for this stage.
                        incumbent = checked
                        stage = Solution(status: .optimal, objectiveValue: value, bestBound: value, values: point)
                        break
                    }
                    if !isDuration || days <= masterCompletion {
                        // The master's optimum is a plan: optimal for this stage (as far as the master proved).
                        incumbent = checked
                        stage = Solution(status: found.status, objectiveValue: value, bestBound: found.bestBound, values: point)
                        break
                    }
                    if incumbent == nil || value < objective.value(at: incumbent!.point) - 1e-9 { incumbent = checked }
                    guard proven else {
                        // Only a schedule, not the earliest: no cut can be proven; the best plan stands.
                        let best = objective.value(at: incumbent!.point)
                        stage = Solution(status: .feasible, objectiveValue: best, bestBound: found.bestBound.map { min($0, best) }, values: incumbent!.point)
                        solved.append(stage!)
                        return outcome(stage!)
                    }
                    cuts.append(addCut(to: &master, chosen, completion: days))
                }
            }
            guard let reached = stage, let value = reached.objectiveValue else { break }
            solved.append(reached)
            if isDuration { limit = min(limit, Int(value.rounded())) }
            if position < stages.count - 1 {
                let slack = max(1e-6, 1e-9 * abs(value))
                master.add(objective <= value + slack, name: "stage\(position + 1)")
            }
        }
        return outcome(solved.last ?? Solution(status: .timeLimit, objectiveValue: nil, bestBound: nil, values: []))
    }

    /// The master's best point that takes exactly the columns `taken` (ids), for the objective
    /// being minimised; `nil` when the master has none (a row of its own, such as an
    /// alternative's cut, excludes that set). With every take column fixed, GLPK's presolver
    /// leaves little to decide.
    private func point(taking taken: [String], in master: Model) throws -> Solution? {
        let chosen = Set(taken)
        guard chosen.allSatisfy({ formulation.take[$0] != nil }) else { return nil }
        var fixed: [Variable: Double] = [:]
        for column in formulation.columns { fixed[column.take] = chosen.contains(column.id) ? 1 : 0 }
        var presolved = options
        presolved.presolve = true
        let solved = try master.fixing(fixed).solve(presolved)
        return solved.status.hasSolution ? solved : nil
    }

    /// C ≥ `completion` whenever every credential of the set and every pair of its order are chosen; returns the row.
    private func addCut(to master: inout Model, _ chosen: Selection, completion days: Int) -> Model.Row {
        let value = Double(days)
        var row = LinearExpression(calendar.completion)
        for id in chosen.taken { if let take = formulation.take[id] { row.add(-value, take) } }
        for pair in chosen.order + chosen.alongside { row.add(-value, pair.variable) }
        let size = Double(chosen.taken.count + chosen.order.count + chosen.alongside.count)
        master.add(row >= value * (1 - size), name: "check[\(master.rows.count)]")
        return master.rows[master.rows.count - 1]
    }
}
