import Foundation
import Testing
@testable import MILP

@Suite struct MILPTests {
    /// A binary at 0.999995 is whole by GLPK's default tolerance (1e-5), but beside a fee of
    /// 1,000 its rounding breaks the row by half a cent: the only plans within the row leave it
    /// out. (A frontier's budget at 100,000 credentials met this: a plan a cent
    /// over its budget.)
    @Test func anAlmostWholeColumnThatBreaksARowWhenRoundedIsSolvedAgain() throws {
        var model = Model()
        let take = model.addBinary("take")
        let other = model.addBinary("other")
        model.add(1_000 * take <= 999.995, name: "budget")
        model.maximize(1_000 * take + other)
        let solution = try model.solve()
        #expect(solution.status == .optimal)
        #expect(solution.isSet(other) && !solution.isSet(take))
        #expect(model.isFeasible(solution.values.map { $0.rounded() }))
    }

    @Test func knapsackReachesKnownOptimum() throws {
        // Items (value, weight): the best load under weight 10 is the first, second and fourth, worth 25.
        let items: [(value: Double, weight: Double)] = [(10, 5), (7, 3), (5, 4), (8, 2)]
        var model = Model(name: "knapsack")
        let take = items.indices.map { model.addBinary("take\($0)") }
        model.add(LinearExpression(terms: zip(items.map(\.weight), take)) <= 10)
        model.maximize(LinearExpression(terms: zip(items.map(\.value), take)))
        let solution = try model.solve()
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue! - 25) < 1e-9)
        #expect(take.map { solution.isSet($0) } == [true, true, false, true])
        #expect(solution.gap == 0)
        #expect(model.isFeasible(solution.values))
    }

    @Test func continuousAndIntegerVariablesMix() throws {
        var model = Model()
        let x = model.addVariable("x", .integer, lowerBound: 0, upperBound: 10)
        let y = model.addVariable("y", .continuous, lowerBound: 0)
        model.add(2 * x + y >= 7.5)
        model.add(x - y <= 1)
        model.minimize(3 * x + 2 * y)
        let solution = try model.solve()
        #expect(solution.status == .optimal)
        // The optimum, found by trying every integer x with its cheapest y.
        let best = (0...10).map { x -> Double in
            let y = max(7.5 - 2 * Double(x), Double(x) - 1, 0)
            return 3 * Double(x) + 2 * y
        }.min()!
        #expect(abs(solution.objectiveValue! - best) < 1e-7)
    }

    @Test func infeasibleModelSaysSo() throws {
        var model = Model()
        let x = model.addBinary("x")
        let y = model.addBinary("y")
        model.add(x + y >= 3)
        model.minimize(LinearExpression(x))
        #expect(try model.solve().status == .infeasible)
    }

    @Test func unboundedModelSaysSo() throws {
        var model = Model()
        let x = model.addVariable("x", .integer, lowerBound: 0)
        let y = model.addVariable("y", .continuous, lowerBound: 0)
        model.add(LinearExpression(x) - LinearExpression(y) <= 3)
        model.maximize(x + y)
        #expect(try model.solve().status == .unbounded)
    }

    @Test func badNumbersAreRejectedBeforeGLPKSeesThem() {
        var model = Model()
        let x = model.addVariable("x", .continuous, lowerBound: 5, upperBound: 1)
        model.add(Double.nan * x <= 1, name: "broken")
        model.add(LinearExpression(x) <= .infinity, name: "endless")
        model.minimize(LinearExpression(x))
        #expect(throws: ModelError.self) { try model.solve() }
        let problems = model.problems()
        #expect(problems.contains(.emptyDomain(variable: "x", lower: 5, upper: 1)))
        #expect(problems.contains(.nonFiniteCoefficient(variable: "x", place: "constraint broken")))
        #expect(problems.contains(.nonFiniteRightHandSide(constraint: "endless")))
    }

    @Test func variableFromAnotherModelIsRejected() {
        var big = Model()
        _ = big.addBinary("a")
        let foreign = big.addBinary("b")
        var small = Model()
        _ = small.addBinary("only")
        small.add(LinearExpression(foreign) <= 1)
        #expect(throws: ModelError.self) { try small.solve() }
    }

    @Test func badSolverOptionsAreRejected() {
        var model = Model()
        _ = model.addBinary("x")
        #expect(throws: ModelError.self) { try model.solve(SolveOptions(timeLimit: -1)) }
        #expect(throws: ModelError.self) { try model.solve(SolveOptions(relativeGap: .nan)) }
    }

    @Test func modelWithoutVariablesIsJudgedOnItsConstants() throws {
        var feasible = Model()
        feasible.add(LinearExpression(constant: 1) <= 2)
        feasible.minimize(LinearExpression(constant: 4))
        let solution = try feasible.solve()
        #expect(solution.status == .optimal && solution.objectiveValue == 4)
        var infeasible = Model()
        infeasible.add(LinearExpression(constant: 3) <= 2)
        #expect(try infeasible.solve().status == .infeasible)
    }

    @Test func lexicographicStagesBreakTiesInOrder() throws {
        // Three ways to cover a need of 2 units; cost ties between a and b+c, hours decide.
        var model = Model()
        let a = model.addBinary("a"), b = model.addBinary("b"), c = model.addBinary("c")
        model.add(2 * a + b + c >= 2)
        let cost = 4 * a + 2 * b + 2 * c
        let hours = 10 * a + 3 * b + 3 * c
        let result = try model.minimizeLexicographically([cost, hours])
        #expect(result.status == .optimal)
        #expect(result.values == [4, 6])
        #expect(!result.final.isSet(a) && result.final.isSet(b) && result.final.isSet(c))
        let reversed = try model.minimizeLexicographically([hours, cost])
        #expect(reversed.values == [6, 4])
    }

    @Test func writesCPLEXLPFormat() throws {
        var model = Model(name: "tiny model")
        let x = model.addBinary("take ucd-ipc")
        let y = model.addVariable("9lives", .integer, lowerBound: 0, upperBound: 4)
        model.add(x + y >= 1, name: "need one")
        model.minimize(3 * x + 2 * y)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID()).lp").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.writeLP(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("Minimize"))
        #expect(text.contains("Subject To"))
        #expect(text.contains("take_ucd_ipc"))
        #expect(text.contains("need_one"))
        #expect(text.contains("Generals") || text.contains("Binaries"))
    }

    @Test func agreesWithEnumerationOnRandomBinaryPrograms() throws {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<40 {
            let count = Int.random(in: 2...9, using: &generator)
            var model = Model()
            let variables = (0..<count).map { model.addBinary("x\($0)") }
            var constraints: [([Double], Double, Bool)] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let weights = (0..<count).map { _ in Double(Int.random(in: -3...6, using: &generator)) }
                let rhs = Double(Int.random(in: 0...8, using: &generator))
                let atMost = Bool.random(using: &generator)
                constraints.append((weights, rhs, atMost))
                let lhs = LinearExpression(terms: zip(weights, variables))
                model.add(atMost ? lhs <= rhs : lhs >= rhs)
            }
            let costs = (0..<count).map { _ in Double(Int.random(in: -5...9, using: &generator)) }
            model.minimize(LinearExpression(terms: zip(costs, variables)))

            var best: Double?
            for mask in 0..<(1 << count) {
                let values = (0..<count).map { Double((mask >> $0) & 1) }
                let ok = constraints.allSatisfy { weights, rhs, atMost in
                    let lhs = zip(weights, values).reduce(0) { $0 + $1.0 * $1.1 }
                    return atMost ? lhs <= rhs : lhs >= rhs
                }
                if ok {
                    let value = zip(costs, values).reduce(0) { $0 + $1.0 * $1.1 }
                    best = min(best ?? value, value)
                }
            }
            let solution = try model.solve()
            if let best {
                #expect(solution.status == .optimal)
                #expect(abs(solution.objectiveValue! - best) < 1e-7)
                #expect(model.isFeasible(solution.values))
            } else {
                #expect(solution.status == .infeasible)
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so random cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ObjectiveStepTests {
    @Test func stepIsFoundOnlyWhenEveryValueMovesInIt() {
        var model = Model()
        let x = model.addBinary("x"), y = model.addBinary("y")
        let z = model.addVariable("z", .continuous, lowerBound: 0, upperBound: 1)
        model.minimize(3 * x + 4 * y)
        #expect(model.objectiveStep == 1)
        model.minimize(2.5 * x + 4 * y)
        #expect(model.objectiveStep == 0.5)
        model.minimize(1234.57 * x + 0.01 * y)
        #expect(model.objectiveStep == 0.01)
        model.minimize(1.0 / 3 * x + y)
        #expect(model.objectiveStep == nil)
        model.minimize(x + z)
        #expect(model.objectiveStep == nil)
    }

    /// A cover with many equivalent answers, where the bound creeps toward the optimum: the
    /// step proves it early, and the answer is still the optimum.
    @Test func stoppingByStepKeepsTheOptimum() throws {
        var model = Model()
        let sizes = (0..<40).map { 1 + $0 % 7 }
        let items = sizes.indices.map { model.addBinary("x\($0)") }
        model.add(LinearExpression(terms: zip(sizes, items).map { (Double($0), $1) }) >= 61, name: "cover")
        model.minimize(LinearExpression(terms: zip(sizes, items).map { (Double($0 * 25 + $0 % 3), $1) }))
        let solution = try model.solve()
        #expect(solution.status == .optimal)
        // Brute force over how many of each size: the cheapest cover of 61.
        var best = Double.infinity
        func search(_ size: Int, _ covered: Int, _ cost: Double) {
            if covered >= 61 { best = min(best, cost); return }
            guard size <= 7 else { return }
            let costs = sizes.indices.filter { sizes[$0] == size }.map { Double(sizes[$0] * 25 + sizes[$0] % 3) }.sorted()
            var total = cost
            search(size + 1, covered, cost)
            for (count, price) in costs.enumerated() {
                total += price
                search(size + 1, covered + size * (count + 1), total)
            }
        }
        search(1, 0, 0)
        #expect(abs(solution.objectiveValue! - best) < 1e-6)
    }
}
