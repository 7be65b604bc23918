import Foundation
import Testing
@testable import MILP

/// A clock that moves only when told: deadlines tested without waiting or timing.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0

    var now: Double { lock.withLock { seconds } }
    func advance(by step: Double) { lock.withLock { seconds += step } }
    var clock: Deadline.Clock { Deadline.Clock { [self] in now } }
}

/// Solves with GLPK, and records the time limit each solve was given, moving the clock on by
/// `step` seconds per solve, as if each took that long.
final class RecordingSolver: Solver, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double?] = []
    let clock: ManualClock
    let step: Double

    init(clock: ManualClock, step: Double) {
        self.clock = clock
        self.step = step
    }

    var limits: [Double?] { lock.withLock { recorded } }

    func solve(_ model: Model, options: SolveOptions) throws -> Solution {
        lock.withLock { recorded.append(options.timeLimit) }
        defer { clock.advance(by: step) }
        return try GLPKSolver().solve(model, options: options)
    }
}

@Suite struct DeadlineTests {
    /// Three binaries, two of them needed; three different objectives to stage.
    func threeChoices() -> (Model, [LinearExpression]) {
        var model = Model(name: "choices")
        let x = (0..<3).map { model.addBinary("x\($0)") }
        model.add(LinearExpression.sum(x) >= 2)
        return (model, [3 * x[0] + 1 * x[1] + 2 * x[2], 1 * x[0] + 3 * x[1] + 1 * x[2], LinearExpression(x[2])])
    }

    @Test func anExpiredDeadlineStopsBeforeSolving() throws {
        let clock = ManualClock()
        let solver = RecordingSolver(clock: clock, step: 0)
        var (model, objectives) = threeChoices()
        model.minimize(objectives[0])
        var options = SolveOptions(timeLimit: 60, deadline: Deadline(seconds: 0, clock: clock.clock))
        options.solver = solver
        let solution = try model.solve(options)
        #expect(solution.status == .timeLimit)
        #expect(solution.values.isEmpty)
        #expect(solver.limits.isEmpty)
        let staged = try model.minimizeLexicographically(objectives, options: options)
        #expect(staged.status == .timeLimit)
        #expect(solver.limits.isEmpty)
    }

    @Test func eachStageGetsTheTimeLeft() throws {
        let clock = ManualClock()
        let solver = RecordingSolver(clock: clock, step: 3)
        let (model, objectives) = threeChoices()
        var options = SolveOptions(timeLimit: 60, deadline: Deadline(seconds: 10, clock: clock.clock))
        options.solver = solver
        let result = try model.minimizeLexicographically(objectives, options: options)
        #expect(result.status == .optimal)
        #expect(solver.limits == [10, 7, 4])
    }

    @Test func aShortTimeLimitStillHoldsWithinTheDeadline() throws {
        let clock = ManualClock()
        let solver = RecordingSolver(clock: clock, step: 1)
        let (model, objectives) = threeChoices()
        var options = SolveOptions(timeLimit: 2, deadline: Deadline(seconds: 100, clock: clock.clock))
        options.solver = solver
        _ = try model.minimizeLexicographically(objectives, options: options)
        #expect(solver.limits == [2, 2, 2])
    }

    @Test func aDeadlinePassingBetweenStagesKeepsTheEarlierAnswer() throws {
        let clock = ManualClock()
        // The first stage "takes" 5 s of a 4 s deadline: the second is never solved.
        let solver = RecordingSolver(clock: clock, step: 5)
        let (model, objectives) = threeChoices()
        var options = SolveOptions(timeLimit: 60, deadline: Deadline(seconds: 4, clock: clock.clock))
        options.solver = solver
        let result = try model.minimizeLexicographically(objectives, options: options)
        #expect(solver.limits == [4])
        // The later stages keep the first stage's solution, unproven.
        #expect(result.stages.map(\.status) == [.optimal, .feasible, .feasible])
        #expect(result.status == .feasible)
        #expect(result.values.first == 3)
    }

    @Test func deadlineArithmetic() {
        let clock = ManualClock()
        let deadline = Deadline(seconds: 10, clock: clock.clock)
        #expect(deadline.remainingSeconds == 10 && !deadline.hasPassed)
        #expect(deadline.limiting(nil) == 10 && deadline.limiting(3) == 3 && deadline.limiting(30) == 10)
        clock.advance(by: 12)
        #expect(deadline.remainingSeconds == 0 && deadline.hasPassed)
        #expect(Deadline.never.remainingSeconds == nil && !Deadline.never.hasPassed && Deadline.never.limiting(5) == 5)
    }

    /// A market-split instance (Cornuéjols and Dawande): two equations over 24 binaries with
    /// coefficients from a fixed generator, right-hand sides half the row sums. Its relaxation
    /// is easy, the program hard: branch and bound needs many nodes.
    func parity() -> Model {
        var model = Model(name: "market_split")
        let x = (0..<24).map { model.addBinary("x\($0)") }
        var generator = UInt64(12345)
        for row in 0..<2 {
            let coefficients = x.map { _ -> Double in
                generator = generator &* 6364136223846793005 &+ 1442695040888963407
                return Double((generator >> 33) % 100)
            }
            model.add(LinearExpression(terms: zip(coefficients, x)) == (coefficients.reduce(0, +) / 2).rounded(.down), name: "split\(row)")
        }
        model.minimize(LinearExpression.sum(x))
        return model
    }

    @Test func aNodeLimitStopsTheSameWayEveryTime() throws {
        let options = SolveOptions(presolve: false, nodeLimit: 5)
        let first = try parity().solve(options)
        let second = try parity().solve(options)
        #expect(first.reachedWorkLimit && second.reachedWorkLimit)
        #expect(first.status != .optimal && first.status == second.status)
        #expect(first.objectiveValue == second.objectiveValue && first.bestBound == second.bestBound)
        #expect(first.values == second.values)
        // Without the limit the same model is not stopped by one.
        let unlimited = try parity().solve(SolveOptions(presolve: false))
        #expect(unlimited.status != .timeLimit && !unlimited.reachedWorkLimit)
    }

    @Test func workLimitsOutOfRangeAreRefused() {
        var model = Model()
        let x = model.addBinary("x")
        model.minimize(LinearExpression(x))
        #expect(throws: ModelError.self) { try model.solve(SolveOptions(nodeLimit: 0)) }
        #expect(throws: ModelError.self) { try model.solve(SolveOptions(iterationLimit: -1)) }
    }

    @Test func integerValuesSaturateInsteadOfTrapping() {
        let solution = Solution(status: .optimal, objectiveValue: 0, bestBound: 0, values: [1e300, -1e300, .nan, 4.4])
        #expect(solution.integerValue(Variable(index: 0)) == 9_007_199_254_740_992)
        #expect(solution.integerValue(Variable(index: 1)) == -9_007_199_254_740_992)
        #expect(solution.integerValue(Variable(index: 2)) == 0)
        #expect(solution.integerValue(Variable(index: 3)) == 4)
    }
}

@Suite struct ExpressionTests {
    @Test func termsStayInVariableOrderHoweverTheyAreAdded() {
        var model = Model()
        let x = (0..<5).map { model.addVariable("x\($0)") }
        var expression = LinearExpression()
        for index in [3, 0, 4, 1, 3, 2] { expression.add(Double(index + 1), x[index]) }
        #expect(expression.sortedTerms.map(\.variable) == [x[0], x[1], x[2], x[3], x[4]])
        #expect(expression.sortedTerms.map(\.coefficient) == [1, 2, 3, 8, 5])
        expression.add(-8, x[3])
        #expect(expression.sortedTerms.map(\.variable) == [x[0], x[1], x[2], x[4]])
        #expect(expression.numberOfTerms == 4)
    }

    @Test func everyMixOfOperandsBuildsTheSameRows() {
        var model = Model()
        let x = model.addVariable("x"), y = model.addVariable("y")
        let values = [2.0, 3.0]
        let e = LinearExpression(y)
        // Each pair is one row written two ways; both must hold or fail alike at (2, 3).
        let pairs: [(Constraint, Constraint)] = [
            (x >= e, e <= x), (x == e, e == x), (x * 2 <= 4, 4 >= 2 * x), (5 == x + y, x + y == 5),
            (1 + x <= y, x - y <= -1), (x - 1 >= 1, 1 <= x - 1.0), (e / 3 <= 1, 1 >= e * (1.0 / 3)),
            (-x + y >= 1, 1 <= y - x), (x >= y, y <= x), (2 - x == 0, 0 == 2 - x), (3 - y <= 0, x + 1 <= y),
        ]
        for (first, second) in pairs {
            #expect(first.isSatisfied(by: values) == second.isSatisfied(by: values))
        }
        var sum = LinearExpression(x)
        sum += y
        sum += 2
        sum -= x
        sum -= 1
        #expect(sum.value(at: values) == 4)
        #expect((-x).value(at: values) == -2)
    }
}
