import Testing
@testable import MILP

/// A few binaries under a few random rows (some infeasible), minimising a random cost.
func randomBinaryProgram(using generator: inout SeededGenerator, variables: ClosedRange<Int>) -> Model {
    let count = Int.random(in: variables, using: &generator)
    var model = Model()
    let columns = (0..<count).map { model.addBinary("x\($0)") }
    for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let weights = (0..<count).map { _ in Double(Int.random(in: -3...6, using: &generator)) }
        let lhs = LinearExpression(terms: zip(weights, columns))
        let rhs = Double(Int.random(in: 0...8, using: &generator))
        model.add(Bool.random(using: &generator) ? lhs <= rhs : lhs >= rhs)
    }
    model.minimize(LinearExpression(terms: columns.map { (Double(Int.random(in: -5...9, using: &generator)), $0) }))
    return model
}

/// Solving from a known feasible point: never worse than the point, still the true optimum,
/// and a point that breaks the model is ignored rather than trusted.
@Suite struct StartingPointTests {
    /// Random binary programs, each solved from every feasible point: the optimum found by
    /// enumeration every time, whatever the start.
    @Test func everyFeasibleStartLeadsToTheOptimum() throws {
        var generator = SeededGenerator(seed: 77)
        var startsTried = 0
        for _ in 0..<25 {
            let model = randomBinaryProgram(using: &generator, variables: 2...7)
            let count = model.variables.count
            let points = (0..<(1 << count)).map { mask in (0..<count).map { Double((mask >> $0) & 1) } }.filter { model.isFeasible($0) }
            guard let best = points.map({ model.objective.value(at: $0) }).min() else { continue }
            for point in points {
                let solution = try model.solve(startingFrom: point)
                #expect(solution.status == .optimal)
                #expect(abs(solution.objectiveValue! - best) < 1e-7)
                #expect(model.isFeasible(solution.values))
                startsTried += 1
            }
        }
        #expect(startsTried > 100)
    }

    @Test func anOptimalStartIsKeptAsTheAnswer() throws {
        // Two equally good answers: the start is one of them, and nothing beats it.
        var model = Model()
        let x = model.addBinary("x"), y = model.addBinary("y")
        model.add(x + y >= 1)
        model.minimize(x + y)
        let solution = try model.solve(startingFrom: [0, 1])
        #expect(solution.status == .optimal && solution.values == [0, 1] && solution.gap == 0)
    }

    @Test func aStartThatBreaksTheModelIsIgnored() throws {
        var model = Model()
        let x = model.addBinary("x"), y = model.addBinary("y")
        model.add(x + y >= 1)
        model.minimize(2 * x + 3 * y)
        for broken in [[0.0, 0.0], [0.5, 1.0], [1.0], [2.0, 0.0]] {
            let solution = try model.solve(startingFrom: broken)
            #expect(solution.status == .optimal && solution.objectiveValue == 2 && solution.values == [1, 0])
        }
    }

    @Test func nearlyWholeValuesAreRounded() throws {
        var model = Model()
        let x = model.addVariable("x", .integer, lowerBound: 0, upperBound: 5)
        model.add(LinearExpression(x) >= 2)
        model.minimize(LinearExpression(x))
        let solution = try model.solve(startingFrom: [2.0000000001])
        #expect(solution.status == .optimal && solution.values == [2])
    }

    @Test func lexicographicStagesStartFromTheStart() throws {
        // Stage 1 ties between (1,0,1) and (0,1,1); stage 2 prefers the first. A start at the
        // second must not keep stage 2 from moving on.
        var model = Model()
        let a = model.addBinary("a"), b = model.addBinary("b"), c = model.addBinary("c")
        model.add(a + b >= 1)
        model.add(LinearExpression(c) >= 1)
        let result = try model.minimizeLexicographically([a + b + c, LinearExpression(b)], start: [0, 1, 1])
        #expect(result.status == .optimal)
        #expect(result.final.values == [1, 0, 1])
    }

    @Test func fixingLeavesTheRestToDecide() throws {
        var model = Model()
        let x = model.addBinary("x"), y = model.addBinary("y"), z = model.addBinary("z")
        model.add(x + y + z >= 2)
        model.minimize(3 * x + LinearExpression(y) + 2 * z)
        let fixed = model.fixing([y: 0])
        let solution = try fixed.solve()
        #expect(solution.values == [1, 0, 1] && solution.objectiveValue == 5)
        #expect(try model.solve().objectiveValue == 3)
    }
}

/// Without GLPK's presolver (as on models too large for it), branch and cut starts from our
/// own LP solve: the same optima, infeasibility and unboundedness.
@Suite struct WithoutPresolveTests {
    @Test func agreesWithThePresolvedSolve() throws {
        var generator = SeededGenerator(seed: 91)
        for _ in 0..<30 {
            let model = randomBinaryProgram(using: &generator, variables: 2...8)
            let presolved = try model.solve(SolveOptions(presolve: true))
            let plain = try model.solve(SolveOptions(presolve: false))
            #expect(presolved.status == plain.status)
            if let a = presolved.objectiveValue, let b = plain.objectiveValue { #expect(abs(a - b) < 1e-7) }
            if plain.status.hasSolution { #expect(model.isFeasible(plain.values)) }
        }
    }

    @Test func unboundedAndInfeasibleRelaxationsSaySo() throws {
        var open = Model()
        let x = open.addVariable("x", .integer, lowerBound: 0)
        open.maximize(LinearExpression(x))
        #expect(try open.solve(SolveOptions(presolve: false)).status == .unbounded)
        var closed = Model()
        let y = closed.addBinary("y")
        closed.add(LinearExpression(y) >= 2)
        closed.minimize(LinearExpression(y))
        #expect(try closed.solve(SolveOptions(presolve: false)).status == .infeasible)
    }
}

/// Bounds proven outside GLPK (by a relaxation) stand in for weaker or missing ones of its own.
@Suite struct KnownBoundTests {
    @Test func aKnownBoundWithinOneStepProvesOptimality() {
        let found = Solution(status: .feasible, objectiveValue: 10, bestBound: 7, values: [])
        let proven = found.withLowerBound(9.5, step: 1)
        #expect(proven.status == .optimal && proven.gap == 0)
        let closer = found.withLowerBound(8, step: nil)
        #expect(closer.status == .feasible && closer.bestBound == 8 && abs(closer.gap! - 0.2) < 1e-12)
        // A weaker known bound changes nothing.
        #expect(found.withLowerBound(5, step: 1).bestBound == 7)
    }

    @Test func aKnownBoundGivesAStoppedSolveItsBound() {
        let stopped = Solution(status: .timeLimit, objectiveValue: nil, bestBound: nil, values: [])
        #expect(stopped.withLowerBound(4, step: nil).bestBound == 4)
        #expect(stopped.withLowerBound(4, step: nil).status == .timeLimit)
    }

    @Test func trueBoundsLeaveTheOptimumAlone() throws {
        var model = Model()
        let x = model.addBinary("x"), y = model.addBinary("y")
        model.add(x + y >= 1)
        let result = try model.minimizeLexicographically([2 * x + 2 * y, LinearExpression(x)], lowerBounds: [2, nil])
        #expect(result.status == .optimal && result.final.values == [0, 1] && result.gap == 0)
    }
}
