import Testing
@testable import MILP

/// A model without integer columns is solved by the simplex alone, and says what each column
/// would cost to bring in: the planner's start is looked for among the columns that cost nothing.
@Suite struct LinearProgramTests {
    /// min 2x + 3y + 4z with x + y + z ≥ 1: x takes the row, whose dual is then 2, so y would
    /// cost 3 − 2 = 1 per unit and z 4 − 2 = 2; x, in the basis, costs nothing to raise.
    @Test(arguments: [true, false]) func reducedCostsAreTheObjectiveLessWhatTheRowsPay(presolve: Bool) throws {
        var model = Model()
        let x = model.addVariable("x", .continuous, lowerBound: 0)
        let y = model.addVariable("y", .continuous, lowerBound: 0)
        let z = model.addVariable("z", .continuous, lowerBound: 0)
        model.add(x + y + z >= 1, name: "cover")
        model.minimize(2 * x + 3 * y + 4 * z)
        let solution = try model.solve(SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue! - 2) < 1e-9)
        #expect(abs(solution[x] - 1) < 1e-9)
        #expect(abs(solution.reducedCost(of: x)!) < 1e-9)
        #expect(abs(solution.reducedCost(of: y)! - 1) < 1e-9)
        #expect(abs(solution.reducedCost(of: z)! - 2) < 1e-9)
    }

    /// On random covering programs, with and without the presolver, every reduced cost agrees
    /// with where its column sits: zero strictly between the bounds, not negative at the lower
    /// bound, not positive at the upper (else moving it would lower the minimum). And both
    /// solves reach the same optimum.
    @Test func reducedCostsAreConsistentWithOptimality() throws {
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<40 {
            var model = Model()
            let count = Int.random(in: 3...9, using: &generator)
            let columns = (0..<count).map { model.addVariable("x\($0)", .continuous, lowerBound: 0, upperBound: 1) }
            for row in 0..<Int.random(in: 1...4, using: &generator) {
                let weights = columns.map { _ in Double(Int.random(in: 0...5, using: &generator)) }
                let total = weights.reduce(0, +)
                guard total > 0 else { continue }
                model.add(LinearExpression(terms: zip(weights, columns)) >= (total / 3).rounded(), name: "row\(row)")
            }
            model.minimize(LinearExpression(terms: columns.map { (Double(Int.random(in: 1...20, using: &generator)), $0) }))
            let solutions = try [true, false].map { try model.solve(SolveOptions(presolve: $0)) }
            #expect(solutions[0].status == solutions[1].status)
            guard let first = solutions[0].objectiveValue, let second = solutions[1].objectiveValue else { continue }
            #expect(abs(first - second) < 1e-7)
            for solution in solutions {
                #expect(solution.reducedCosts.count == count)
                for column in columns {
                    let value = solution[column], cost = solution.reducedCost(of: column)!
                    if value > 1e-7 && value < 1 - 1e-7 { #expect(abs(cost) < 1e-7) }
                    if value <= 1e-7 { #expect(cost > -1e-7) }
                    if value >= 1 - 1e-7 { #expect(cost < 1e-7) }
                }
            }
        }
    }

    @Test(arguments: [true, false]) func infeasibleAndUnboundedProgramsSaySo(presolve: Bool) throws {
        var closed = Model()
        let x = closed.addVariable("x", .continuous, lowerBound: 0, upperBound: 1)
        closed.add(LinearExpression(x) >= 2, name: "beyond")
        closed.minimize(LinearExpression(x))
        let infeasible = try closed.solve(SolveOptions(presolve: presolve))
        #expect(infeasible.status == .infeasible && infeasible.values.isEmpty && infeasible.reducedCosts.isEmpty)

        var open = Model()
        let y = open.addVariable("y", .continuous, lowerBound: 0)
        let z = open.addVariable("z", .continuous, lowerBound: 0)
        open.add(y - z <= 1, name: "apart")
        open.maximize(y + z)
        #expect(try open.solve(SolveOptions(presolve: presolve)).status == .unbounded)
    }

    /// Branch and cut leaves no reduced costs; its relaxation, solved as a program of its own, does.
    @Test func onlyALinearProgramGivesReducedCosts() throws {
        var model = Model()
        let take = model.addBinary("take")
        let other = model.addBinary("other")
        model.add(3 * take + 2 * other >= 2, name: "credits")
        model.minimize(5 * take + 4 * other)
        let integer = try model.solve()
        #expect(integer.status == .optimal && integer.reducedCosts.isEmpty && integer.reducedCost(of: take) == nil)
        let relaxed = try model.linearRelaxation().solve()
        // The relaxation takes 2/3 of `take` (5/3 < 4): the row's dual is 5/3, so `other` costs 4 − 10/3.
        #expect(abs(relaxed.objectiveValue! - 10.0 / 3) < 1e-9)
        #expect(abs(relaxed.reducedCost(of: other)! - (4 - 10.0 / 3)) < 1e-9)
    }
}
