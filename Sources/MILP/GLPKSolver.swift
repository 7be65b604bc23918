import CGLPK
import Foundation

/// Solves a ``Model``: the seam between the models this package builds and the program that
/// solves them. ``GLPKSolver`` is the one in use; a service that solves on several threads,
/// or another solver, goes behind the same protocol.
///
/// ``Model/solve(_:)`` checks the model and the options, and applies the deadline, before it
/// hands a model to ``SolveOptions/solver``: an implementation receives only valid models and a
/// time limit already cut to what the deadline leaves.
public protocol Solver: Sendable {
    /// Solves `model` within `options`' limits.
    func solve(_ model: Model, options: SolveOptions) throws -> Solution
}

/// GLPK's branch and cut. Each solve creates, solves and frees its problem on the calling
/// thread; with GLPK built to keep its environment per thread (see ``GLPKSolver/solvesInParallel``)
/// solves on different threads run at once, otherwise one at a time.
public struct GLPKSolver: Solver {
    /// The GLPK solver.
    public init() {}

    /// Whether this GLPK keeps its working environment in thread-local storage, so that
    /// problems on different threads are independent: Debian's GLPK 5.0 does
    /// (`glp_config("TLS")` is `_Thread_local`). A build without it shares one environment,
    /// and StackPlan then serialises every GLPK call.
    public static let solvesInParallel: Bool = glp_config("TLS") != nil

    /// Solves `model` with GLPK's branch and cut (see ``Model/solve(_:)``).
    public func solve(_ model: Model, options: SolveOptions) throws -> Solution {
        try model.solveWithGLPK(options)
    }
}

/// Serialises GLPK calls when GLPK has one environment for the whole process.
private let glpkLock = NSLock()

/// Runs `body`, which creates, uses and frees GLPK problems on this thread only: at once beside
/// other threads' when GLPK's environment is per thread, else under the process-wide lock.
private func withGLPK<T>(_ body: () throws -> T) rethrows -> T {
    if GLPKSolver.solvesInParallel { return try freeingEnvironment(body) }
    glpkLock.lock()
    defer { glpkLock.unlock() }
    return try freeingEnvironment(body)
}

/// Runs `body` and then frees GLPK's environment, when no outer GLPK work on this thread still
/// needs it. GLPK allocates an environment (buffers and memory pool, some kilobytes) on a
/// thread's first call and keeps it until `glp_free_env`, even past the thread's end: a service
/// that solves each request on a thread of its own would otherwise keep one per request ever
/// answered. Every problem is freed inside `body`, so nothing is left to need it.
private func freeingEnvironment<T>(_ body: () throws -> T) rethrows -> T {
    let key = "StackPlan.GLPKDepth"
    let thread = Thread.current.threadDictionary
    let depth = (thread[key] as? Int) ?? 0
    thread[key] = depth + 1
    defer {
        thread[key] = depth
        if depth == 0 { glp_free_env() }
    }
    return try body()
}

/// GLPK prints to standard output; its progress goes to standard error instead, so that
/// a program's own output (JSON, say) stays clean.
private func writeToStandardError(_ info: UnsafeMutableRawPointer?, _ text: UnsafePointer<CChar>?) -> Int32 {
    if let text { FileHandle.standardError.write(Data(bytes: text, count: strlen(text))) }
    return 1
}

/// Receives GLPK's branch-and-bound callbacks: remembers the best bound proven, and stops the
/// search at the node limit or the deadline.
private final class BoundTracker {
    var bestBound: Double?
    /// When every solution's objective is a multiple of this step (see ``Model/objectiveStep``).
    var step: Double?
    var minimizing = true
    /// Set when the search stopped because no solution better by a whole step can exist.
    var provenByStep = false
    var nodeLimit: Int?
    var deadline: Deadline?
    /// Set when the search stopped at the node limit.
    var reachedNodeLimit = false
    var progress: (@Sendable (SolveProgress) -> Void)?
}

/// Tells the tracker's listener the best solution and bound so far.
private func reportProgress(_ tree: OpaquePointer, _ tracker: BoundTracker) {
    guard let progress = tracker.progress else { return }
    var active: Int32 = 0, current: Int32 = 0, total: Int32 = 0
    glp_ios_tree_size(tree, &active, &current, &total)
    let problem = glp_ios_get_prob(tree)
    let incumbent = glp_mip_status(problem) == GLP_FEAS ? glp_mip_obj_val(problem) : nil
    progress(SolveProgress(bestObjective: incumbent, bound: tracker.bestBound, nodes: Int(total)))
}

private func trackBound(_ tree: OpaquePointer?, _ info: UnsafeMutableRawPointer?) {
    guard let tree, let info else { return }
    let tracker = Unmanaged<BoundTracker>.fromOpaque(info).takeUnretainedValue()
    if let limit = tracker.nodeLimit, glp_ios_reason(tree) == GLP_ISELECT {
        // Nodes created so far: the same count at the same point on every run.
        var active: Int32 = 0, current: Int32 = 0, total: Int32 = 0
        glp_ios_tree_size(tree, &active, &current, &total)
        if Int(total) > limit {
            tracker.reachedNodeLimit = true
            glp_ios_terminate(tree)
            return
        }
    }
    // GLPK's own time limit does not cover cut generation; the deadline does, between callbacks.
    if let deadline = tracker.deadline, deadline.hasPassed {
        glp_ios_terminate(tree)
        return
    }
    let node = glp_ios_best_node(tree)
    guard node != 0 else { return }
    let bound = glp_ios_node_bound(tree, node)
    // A node whose relaxation is not solved yet carries GLPK's stand-in for infinity.
    guard abs(bound) < 1e100 else { return }
    tracker.bestBound = bound
    reportProgress(tree, tracker)
    // Branch and bound proves optimality only when the bound reaches the incumbent; with an
    // objective that moves in steps, a bound within one step of it is already proof, and the
    // often long search between the two (symmetric alternatives) can stop.
    let problem = glp_ios_get_prob(tree)
    guard let step = tracker.step, glp_ios_reason(tree) != GLP_IBRANCH, glp_mip_status(problem) == GLP_FEAS else { return }
    let incumbent = glp_mip_obj_val(problem)
    let margin = 1e-6 * max(1, abs(incumbent))
    let proven = tracker.minimizing ? bound > incumbent - step + margin : bound < incumbent + step - margin
    if proven {
        tracker.provenByStep = true
        glp_ios_terminate(tree)
    }
}

extension Model {
    /// Solves the model with `options.solver` (GLPK's branch and cut unless replaced).
    ///
    /// Throws ``ModelError/invalidModel(_:)`` instead of handing GLPK anything it would abort on.
    /// Once `options.deadline` has passed, returns ``SolveStatus/timeLimit`` without solving;
    /// before, the solver's time limit is the smaller of `options.timeLimit` and the time left.
    public func solve(_ options: SolveOptions = SolveOptions()) throws -> Solution {
        let found = problems() + options.problems()
        guard found.isEmpty else { throw ModelError.invalidModel(found) }
        if variables.isEmpty { return solveWithoutVariables() }
        var limited = options
        if let deadline = options.deadline {
            if deadline.hasPassed { return Solution(status: .timeLimit, objectiveValue: nil, bestBound: nil, values: []) }
            // GLPK counts whole milliseconds: never hand it less than one.
            limited.timeLimit = deadline.limiting(options.timeLimit).map { max(0.001, $0) }
        }
        return try options.solver.solve(self, options: limited)
    }

    /// The GLPK implementation of ``solve(_:)``, for a model and options already checked.
    func solveWithGLPK(_ options: SolveOptions) throws -> Solution {
        try withGLPK {
            let found = try solveWithGLPKOnThisThread(options, integralityTolerance: nil)
            // GLPK takes an integer column within 1e-5 of a whole number as whole. With large
            // coefficients that is not a hair: a binary at 0.99999 beside a fee of 1,000 leaves
            // a cent of a budget row unaccounted for, and the plan the rounded point describes
            // breaks the row (a frontier's next point must save a cent). Such a point is solved
            // again with a tolerance a million times finer, which GLPK meets by branching further,
            // and without the MIP presolver, which rounds implied bounds of integer columns with
            // the same tolerance.
            guard found.status.hasSolution, numberOfIntegerVariables > 0, !found.values.isEmpty, feasiblePoint(found.values) == nil else {
                return found
            }
            var strict = options
            strict.presolve = false
            let exact = try solveWithGLPKOnThisThread(strict, integralityTolerance: 1e-11)
            return exact.status.hasSolution || !found.status.hasSolution ? exact : found
        }
    }

    private func solveWithGLPKOnThisThread(_ options: SolveOptions, integralityTolerance: Double?) throws -> Solution {
        glp_term_out(options.verbose ? GLP_ON : GLP_OFF)
        glp_term_hook({ info, text in writeToStandardError(info, text) }, nil)
        let problem = makeGLPKProblem()
        defer { glp_delete_prob(problem) }
        if numberOfIntegerVariables == 0 { return try solveLinearProgram(problem, options) }

        var parameters = glp_iocp()
        glp_init_iocp(&parameters)
        parameters.msg_lev = options.verbose ? GLP_MSG_ON : GLP_MSG_OFF
        parameters.mip_gap = options.relativeGap
        if let integralityTolerance { parameters.tol_int = integralityTolerance }
        // Mixed-integer rounding cuts close most of the gap that credit sums (knapsack covers)
        // leave in the LP relaxation: on generated catalogues, thousands of nodes become tens.
        parameters.mir_cuts = GLP_ON
        if let limit = options.timeLimit { parameters.tm_lim = Int32((limit * 1000).rounded(.up)) }
        // GLPK's MIP presolver knows no time limit, and on models with millions of non-zeros it
        // runs for minutes. Without it, branch and cut needs the LP relaxation solved first.
        let started = Date()
        if presolves(options) {
            parameters.presolve = GLP_ON
        } else {
            parameters.presolve = GLP_OFF
            var simplex = simplexParameters(options)
            glp_scale_prob(problem, GLP_SF_AUTO)
            glp_adv_basis(problem, 0)
            let code = glp_simplex(problem, &simplex)
            let relaxation = glp_get_status(problem)
            guard code == 0, relaxation == GLP_OPT else {
                let status: SolveStatus = code == GLP_ETMLIM || code == GLP_EITLIM ? .timeLimit
                    : relaxation == GLP_NOFEAS ? .infeasible : relaxation == GLP_UNBND ? .unbounded : .timeLimit
                guard code == 0 || code == GLP_ETMLIM || code == GLP_EITLIM else { throw ModelError.solverFailed(code: code) }
                return Solution(status: status, objectiveValue: nil, bestBound: nil, values: [], reachedWorkLimit: code == GLP_EITLIM)
            }
            if let limit = options.timeLimit {
                let left = max(0.001, limit - Date().timeIntervalSince(started))
                parameters.tm_lim = Int32((left * 1000).rounded(.up))
            }
        }
        let tracker = BoundTracker()
        tracker.step = objectiveStep
        tracker.minimizing = sense == .minimize
        tracker.nodeLimit = options.nodeLimit
        tracker.deadline = options.deadline
        tracker.progress = options.progress
        parameters.cb_func = { tree, info in trackBound(tree, info) }
        let code = withExtendedLifetime(tracker) { () -> Int32 in
            parameters.cb_info = Unmanaged.passUnretained(tracker).toOpaque()
            return glp_intopt(problem, &parameters)
        }

        let status: SolveStatus
        switch code {
        case 0:
            switch glp_mip_status(problem) {
            case GLP_OPT: status = .optimal
            case GLP_FEAS: status = .feasible
            case GLP_NOFEAS: status = .infeasible
            default: status = .timeLimit
            }
        case GLP_ENOPFS: status = .infeasible
        case GLP_ENODFS: status = .unbounded
        case GLP_ESTOP where tracker.provenByStep && glp_mip_status(problem) == GLP_FEAS:
            status = .optimal
        case GLP_ETMLIM, GLP_EMIPGAP, GLP_ESTOP:
            status = glp_mip_status(problem) == GLP_FEAS || glp_mip_status(problem) == GLP_OPT ? .feasible : .timeLimit
        default:
            throw ModelError.solverFailed(code: code)
        }
        let reachedWorkLimit = tracker.reachedNodeLimit && status != .optimal
        guard status.hasSolution else {
            // A bound proven before the time ran out still tells a caller with its own solution how good that is.
            return Solution(
                status: status, objectiveValue: nil, bestBound: status == .timeLimit ? tracker.bestBound : nil, values: [],
                reachedWorkLimit: reachedWorkLimit)
        }
        let values = (1...variables.count).map { glp_mip_col_val(problem, Int32($0)) }
        let objectiveValue = glp_mip_obj_val(problem)
        return Solution(
            status: status, objectiveValue: objectiveValue,
            bestBound: status == .optimal ? objectiveValue : tracker.bestBound, values: values,
            reachedWorkLimit: reachedWorkLimit)
    }

    /// A model without integer columns is a linear program: GLPK's simplex solves it alone, and
    /// leaves each column's reduced cost beside the optimum (branch and cut would leave only the
    /// values). The presolver runs under the same rule as for a mixed-integer model.
    private func solveLinearProgram(_ problem: OpaquePointer, _ options: SolveOptions) throws -> Solution {
        var simplex = simplexParameters(options)
        if presolves(options) {
            simplex.presolve = GLP_ON
        } else {
            glp_scale_prob(problem, GLP_SF_AUTO)
            glp_adv_basis(problem, 0)
        }
        let code = glp_simplex(problem, &simplex)
        let status: SolveStatus
        switch code {
        case 0:
            switch glp_get_status(problem) {
            case GLP_OPT: status = .optimal
            case GLP_NOFEAS: status = .infeasible
            case GLP_UNBND: status = .unbounded
            default: status = .timeLimit
            }
        // The presolver proves these without a basis.
        case GLP_ENOPFS: status = .infeasible
        case GLP_ENODFS: status = .unbounded
        case GLP_ETMLIM, GLP_EITLIM: status = .timeLimit
        default: throw ModelError.solverFailed(code: code)
        }
        guard status == .optimal else {
            return Solution(status: status, objectiveValue: nil, bestBound: nil, values: [], reachedWorkLimit: code == GLP_EITLIM)
        }
        let columns = 1...Int32(variables.count)
        var solution = Solution(
            status: .optimal, objectiveValue: glp_get_obj_val(problem), bestBound: glp_get_obj_val(problem),
            values: columns.map { glp_get_col_prim(problem, $0) })
        solution.reducedCosts = columns.map { glp_get_col_dual(problem, $0) }
        return solution
    }

    /// Whether GLPK's presolver runs first: as asked, else on models of up to
    /// ``SolveOptions/presolveNonZeroLimit`` non-zeros.
    private func presolves(_ options: SolveOptions) -> Bool {
        options.presolve ?? (numberOfNonZeros <= SolveOptions.presolveNonZeroLimit)
    }

    /// The simplex's parameters for `options`: its messages, time limit and iteration limit.
    private func simplexParameters(_ options: SolveOptions) -> glp_smcp {
        var simplex = glp_smcp()
        glp_init_smcp(&simplex)
        simplex.msg_lev = options.verbose ? GLP_MSG_ON : GLP_MSG_OFF
        if let limit = options.timeLimit { simplex.tm_lim = Int32((limit * 1000).rounded(.up)) }
        if let limit = options.iterationLimit { simplex.it_lim = Int32(limit) }
        return simplex
    }

    /// Solves the model, knowing one feasible point: the answer is never worse than `start`,
    /// even when the time runs out before GLPK finds a solution of its own.
    ///
    /// GLPK cannot take a starting solution through its presolver, so the start becomes a
    /// cutoff instead: GLPK searches only for solutions better than the start by the
    /// objective's step (or by a hair when it has none). If it proves there are none, the
    /// start is optimal; if it stops without one, the start stands, with the bound GLPK proved.
    /// A `start` that breaks a bound or a row (checked here, never by GLPK) is ignored.
    public func solve(_ options: SolveOptions = SolveOptions(), startingFrom start: [Double]?) throws -> Solution {
        try solve(options, fromFeasiblePoint: start.flatMap(feasiblePoint))
    }

    /// The same, from a point ``feasiblePoint(_:)`` has already checked (checking a large model twice costs).
    func solve(_ options: SolveOptions, fromFeasiblePoint point: [Double]?) throws -> Solution {
        guard let point else { return try solve(options) }
        let value = objective.value(at: point)
        if objective.isConstant { return Solution(status: .optimal, objectiveValue: value, bestBound: value, values: point) }
        let improvement = objectiveStep ?? max(1e-6, 1e-9 * abs(value))
        var better = self
        better.add(
            sense == .minimize ? objective <= value - improvement : objective >= value + improvement,
            name: "better_than_start")
        let found = try better.solve(options)
        switch found.status {
        case .optimal, .feasible, .unbounded:
            return found
        case .infeasible:
            return Solution(status: .optimal, objectiveValue: value, bestBound: value, values: point)
        case .timeLimit:
            let bound = found.bestBound.map { sense == .minimize ? min($0, value) : max($0, value) }
            return Solution(status: .feasible, objectiveValue: value, bestBound: bound, values: point)
        }
    }

    /// `values` with integer columns rounded, if they then keep every bound and row.
    func feasiblePoint(_ values: [Double]) -> [Double]? {
        guard values.count == variables.count else { return nil }
        let point = zip(variables, values).map { info, value in info.kind == .continuous ? value : value.rounded() }
        return isFeasible(point) ? point : nil
    }

    /// The step every value of the objective moves in, when there is one: all its variables
    /// integer and all its coefficients whole multiples of 1, 0.5, 0.1, 0.05 or 0.01 (fees in
    /// cents, hours in whole numbers). `nil` otherwise.
    var objectiveStep: Double? {
        let terms = objective.sortedTerms
        guard !terms.isEmpty, terms.allSatisfy({ variables[$0.variable.index].kind != .continuous }) else { return nil }
        return [1, 0.5, 0.1, 0.05, 0.01].first { step in
            terms.allSatisfy { term in
                let multiple = term.coefficient / step
                return abs(multiple - multiple.rounded()) <= 1e-9 * max(1, abs(multiple))
            }
        }
    }

    /// Writes the model in CPLEX LP format, which GLPK, CPLEX, Gurobi, HiGHS and SCIP all read.
    public func writeLP(to path: String) throws {
        let found = problems()
        guard found.isEmpty else { throw ModelError.invalidModel(found) }
        try withGLPK {
            glp_term_out(GLP_OFF)
            let problem = makeGLPKProblem()
            defer { glp_delete_prob(problem) }
            guard glp_write_lp(problem, nil, path) == 0 else { throw ModelError.cannotWrite(path: path) }
        }
    }

    /// With no variables, every constraint is a constant comparison and the objective a constant.
    private func solveWithoutVariables() -> Solution {
        let feasible = rows.allSatisfy { $0.constraint.isSatisfied(by: []) }
        return Solution(
            status: feasible ? .optimal : .infeasible,
            objectiveValue: feasible ? objective.constant : nil,
            bestBound: feasible ? objective.constant : nil, values: [])
    }

    private func makeGLPKProblem() -> OpaquePointer {
        let problem = glp_create_prob()!
        glp_set_prob_name(problem, LPName.sanitized(name))
        glp_set_obj_dir(problem, sense == .minimize ? GLP_MIN : GLP_MAX)

        glp_add_cols(problem, Int32(variables.count))
        var usedNames = Set<String>()
        for (offset, info) in variables.enumerated() {
            let column = Int32(offset + 1)
            glp_set_col_name(problem, column, LPName.unique(info.name, index: offset, used: &usedNames))
            glp_set_col_kind(problem, column, info.kind == .continuous ? GLP_CV : GLP_IV)
            let (type, lower, upper) = LPName.boundType(info.lowerBound, info.upperBound)
            glp_set_col_bnds(problem, column, type, lower, upper)
        }
        for (variable, coefficient) in objective.sortedTerms {
            glp_set_obj_coef(problem, Int32(variable.index + 1), coefficient)
        }
        glp_set_obj_coef(problem, 0, objective.constant)

        if !rows.isEmpty { glp_add_rows(problem, Int32(rows.count)) }
        usedNames.removeAll()
        for (offset, row) in rows.enumerated() {
            let index = Int32(offset + 1)
            glp_set_row_name(problem, index, LPName.unique(row.name, index: offset, used: &usedNames))
            let rhs = row.constraint.rightHandSide
            switch row.constraint.relation {
            case .lessOrEqual: glp_set_row_bnds(problem, index, GLP_UP, 0, rhs)
            case .greaterOrEqual: glp_set_row_bnds(problem, index, GLP_LO, rhs, 0)
            case .equal: glp_set_row_bnds(problem, index, GLP_FX, rhs, rhs)
            }
            let terms = row.constraint.expression.sortedTerms
            // GLPK's arrays are 1-based: element 0 is ignored.
            var columns: [Int32] = [0] + terms.map { Int32($0.variable.index + 1) }
            var coefficients: [Double] = [0] + terms.map(\.coefficient)
            glp_set_mat_row(problem, index, Int32(terms.count), &columns, &coefficients)
        }
        return problem
    }
}

/// Names and bounds as GLPK and the CPLEX LP format accept them.
enum LPName {
    /// LP names are at most 255 characters, start with a letter and use a restricted alphabet.
    static func sanitized(_ raw: String) -> String {
        // Names are nearly always ASCII: mapping bytes is far cheaper than CharacterSet, and a
        // model has a name for every row and column. Same rules as below.
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = raw.utf8.map { byte -> UInt8 in
                let letter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) && byte & 0xC0 == 0x40
                let digit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                return letter || digit || "_.()[]".utf8.contains(byte) ? byte : UInt8(ascii: "_")
            }
            if bytes.isEmpty || !((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0] | 0x20) && bytes[0] & 0xC0 == 0x40) {
                bytes = Array("v_".utf8) + bytes
            }
            return String(decoding: bytes.prefix(200), as: UTF8.self)
        }
        var result = String(raw.unicodeScalars.map { scalar -> Character in
            let allowed = (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "_.()[]".unicodeScalars.contains(scalar)
            return allowed ? Character(scalar) : "_"
        })
        if result.isEmpty || !(result.first!.isLetter) { result = "v_" + result }
        return String(result.prefix(200))
    }

    static func unique(_ raw: String, index: Int, used: inout Set<String>) -> String {
        var name = sanitized(raw)
        if used.contains(name) { name = String(name.prefix(190)) + "_\(index + 1)" }
        used.insert(name)
        return name
    }

    static func boundType(_ lower: Double?, _ upper: Double?) -> (Int32, Double, Double) {
        switch (lower, upper) {
        case (nil, nil): return (GLP_FR, 0, 0)
        case (let lower?, nil): return (GLP_LO, lower, 0)
        case (nil, let upper?): return (GLP_UP, 0, upper)
        case (let lower?, let upper?): return lower == upper ? (GLP_FX, lower, upper) : (GLP_DB, lower, upper)
        }
    }
}
