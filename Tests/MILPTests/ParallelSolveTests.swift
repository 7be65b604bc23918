import Foundation
import Synchronization
import Testing
import CGLPK
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

/// GLPK keeps a per-thread environment until `glp_free_env`; the service solves each request on
/// a thread of its own, so a solve that left it behind would leak a few kilobytes per request.
@Suite struct GLPKEnvironmentTests {
    /// `glp_free_env` answers 1 when the calling thread has no environment to free.
    static func solveOnANewThread(_ work: @escaping @Sendable () throws -> Void) throws -> Int32 {
        let result = Mutex<Result<Int32, Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.withLock { $0 = Result { try work(); return glp_free_env() } }
            finished.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        finished.wait()
        return try #require(result.withLock { $0 }).get()
    }

    @Test func aSolveLeavesNoEnvironmentOnItsThread() throws {
        var generator = SeededGenerator(seed: 7)
        let model = randomBinaryProgram(using: &generator, variables: 8...8)
        #expect(try Self.solveOnANewThread { _ = try model.solve() } == 1)
        // Nor does writing the model as an LP file.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("glpk-env-\(UUID().uuidString).lp").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.solveOnANewThread { try model.writeLP(to: path) } == 1)
    }

    /// The check above can fail: GLPK used directly, without freeing, leaves one behind.
    @Test func glpkLeftAloneKeepsItsEnvironment() throws {
        #expect(try Self.solveOnANewThread { glp_term_out(GLP_OFF) } == 0)
    }
}
