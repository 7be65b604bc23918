import Foundation
import Synchronization
import Testing
@testable import MILP

@Suite struct ParallelSolveTests {
    /// Debian's GLPK keeps its environment per thread: solves then run at once.
    @Test func thisGLPKSolvesInParallel() {
        #expect(GLPKSolver.solvesInParallel)
    }

    /// Many random programs solved on four threads at once, each program several times, give
    /// exactly the answers they give one at a time: no solve sees another's problem or limits.
    @Test func parallelSolvesEqualTheirSequentialAnswers() throws {
        var generator = SeededGenerator(seed: 2026)
        let models = (0..<60).map { _ in randomBinaryProgram(using: &generator, variables: 6...14) }
        let sequential = try models.map { try $0.solve(SolveOptions(presolve: false)) }
        let parallel = Mutex<[Int: [Solution]]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: models.count * 4) { iteration in
            let index = iteration % models.count
            do {
                let solution = try models[index].solve(SolveOptions(presolve: iteration % 2 == 0 ? false : nil))
                parallel.withLock { $0[index, default: []].append(solution) }
            } catch {
                failures.withLock { $0.append("model \(index): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let found = parallel.withLock { $0 }
        for (index, expected) in sequential.enumerated() {
            let answers = try #require(found[index])
            #expect(answers.count == 4)
            for answer in answers {
                #expect(answer.status == expected.status, "model \(index)")
                if let value = expected.objectiveValue {
                    #expect(abs((answer.objectiveValue ?? .nan) - value) < 1e-7, "model \(index)")
                    #expect(models[index].isFeasible(answer.values))
                }
            }
        }
    }
}
