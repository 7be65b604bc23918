import MILP

extension Planner {
    /// The fewest whole hours a week, above the learner's, with which the target has a plan
    /// while every other limit holds (budget, total hours, deadline, modes, languages, ...),
    /// and that plan: `nil` without a schedule, or when even ``largestWeeklyHours`` is not enough.
    ///
    /// Weekly hours are not a coefficient the model could minimise: they decide which
    /// offerings fit a week and how long a self-paced run lasts. So each candidate figure is
    /// tried on the model it builds. More hours a week only loosen those (an offering that fits
    /// a week still fits, a self-paced run gets no longer, a week's capacity grows), so the
    /// figures are searched by bisection between the learner's (no plan) and the largest
    /// (a plan): at the answer H there is a plan, and at H − 1 there is none.
    func weeklyHoursRelaxation(_ request: PlanRequest, qualification: Qualification) throws -> Relaxation? {
        guard let settings = request.schedule else { return nil }
        func hasPlan(_ hours: Int) throws -> Bool? {
            var changed = request
            changed.schedule?.hoursPerWeek = Double(hours)
            return try isSchedulable(changed, qualification: qualification)
        }
        // Whole hours above the learner's: `low` has no plan, `high` has one.
        var low = Int(settings.hoursPerWeek.rounded(.down))
        var high = Self.largestWeeklyHours
        guard low < high, try hasPlan(high) == true else { return nil }
        while high - low > 1 {
            let middle = (low + high) / 2
            // A solve that ran out of time proves nothing: no figure is given rather than a wrong one.
            guard let found = try hasPlan(middle) else { return nil }
            if found { high = middle } else { low = middle }
        }
        var relaxed = request
        relaxed.schedule?.hoursPerWeek = Double(high)
        guard case .planned(let plan) = try attempt(relaxed, qualification: qualification) else { return nil }
        return Relaxation(
            limits: ["hoursPerWeek"],
            changes: [.hoursPerWeek(from: settings.hoursPerWeek, to: Double(high), completes: plan.completes)],
            value: Double(high), admitted: [], completion: plan.completes,
            planCost: plan.totals.cost, currency: catalogue.baseCurrency, cheapest: false)
    }

    /// The most hours a week a relaxation proposes: every hour of a week.
    static let largestWeeklyHours = 168

    /// Whether the request has a plan at all (`nil` when the solver stopped before knowing):
    /// the model with no objective, which the solver leaves at its first feasible point.
    func isSchedulable(_ request: PlanRequest, qualification: Qualification) throws -> Bool? {
        guard reachabilityDiagnosis(request, qualification: qualification) == nil else { return false }
        // The request's objectives stay: pruning keeps a plan optimal for them, so a plan whenever there is one.
        let formulation = Formulation(catalogue: catalogue, request: request, qualification: qualification)
        if formulation.stopped { return nil }
        if formulation.structurallyInfeasible { return false }
        var model = formulation.model
        model.minimize(LinearExpression())
        switch try model.solve(request.solverOptions).status {
        case .optimal, .feasible, .unbounded: return true
        case .infeasible: return false
        case .timeLimit: return nil
        }
    }
}
