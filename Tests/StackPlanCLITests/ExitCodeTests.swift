import Foundation
import StackPlanCore
import Testing
@testable import stackplan

/// One table from the kind of an error to the exit code, and every command's codes as a user sees them.
@Suite(.serialized) final class ExitCodeTests {
    let cli: CLIHarness

    init() throws {
        cli = try CLIHarness()
        try cli.importBundledCatalogue()
    }

    // MARK: the mapping

    @Test func everyKindHasItsDocumentedCode() {
        let expected: [ErrorKind: Int32] = [
            .noPlan: 1, .invalidInput: 2, .solverStopped: 3, .notFound: 4, .conflict: 2,
            .damagedData: 65, .internalFault: 70, .ioFailure: 74, .busy: 75,
        ]
        for kind in ErrorKind.allCases { #expect(Exit.code(for: kind).rawValue == expected[kind], "\(kind)") }
        #expect(Exit.usage.rawValue == 64)
    }

    struct Unclassified: Error {}

    @Test func anErrorOfNoKindIsAnInternalFault() {
        #expect(throws: Exit.internalError) { try reportingErrors { throw Unclassified() } }
        #expect(throws: Exit.code(for: .ioFailure)) { try reportingErrors { throw CommandFailure(.ioFailure, "disk full") } }
        #expect(throws: Exit.code(for: .notFound)) { try reportingErrors { throw PlanningError.unknownTarget("x") } }
    }

    @Test func theHelpTextStatesEveryCode() throws {
        let help = try cli.run(["--help"])
        #expect(help.status == 0)
        for code in ["0 success", "1 no plan", "2 invalid input", "3 the solver", "4 unknown id", "64 wrong", "65 a stored file",
                     "70 internal", "74 reading or writing", "75 the database is busy"] {
            #expect(help.output.replacingOccurrences(of: "\n", with: " ").contains(code), "\(code)")
        }
        let version = try cli.run(["--version"])
        #expect(version.status == 0 && version.output == StackPlan.version + "\n")
    }

    // MARK: numbers on the command line

    @Test func negativeAndHugeNumbersAreRefusedNamingTheFlag() throws {
        let plan = ["plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json"]
        let refused: [([String], String)] = [
            (plan + ["--budget", "-1"], "--budget"),
            (plan + ["--max-hours", "-5"], "--max-hours"),
            (plan + ["--hours-per-week", "-1"], "--hours-per-week"),
            (plan + ["--hours-per-week", "169"], "--hours-per-week"),
            (plan + ["--hours-per-ects", "1e308"], "--hours-per-ects"),
            (plan + ["--time-limit", "1e300"], "--time-limit"),
            (plan + ["--time-limit", "-0.5"], "--time-limit"),
            (plan + ["--gap", "1"], "--gap"),
            (plan + ["--budget", "nan"], "--budget"),
            (["alternatives", "--k", "0"] + plan.dropFirst(), "--k"),
            (["alternatives", "--min-difference", "-2"] + plan.dropFirst(), "--min-difference"),
            (["frontier", "--limit", "-1"] + plan.dropFirst(), "--limit"),
            (["nearest", "--learner", "data/learners/sofia.json", "--budget", "-1"], "--budget"),
            (["cpd", "plan", "data/cpd-records/nmc-nurse.json", "--hours-per-week", "-3"], "--hours-per-week"),
            (["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--count", "-5"], "--count"),
            (["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--malformed", "2"], "--malformed"),
            (["lint", "--hours-per-ects", "0"], "--hours-per-ects"),
            (["generate", "--credentials", "-100"], "--credentials"),
            (["generate", "--credentials", "40", "--seed", "-1"], "--seed"),
            (["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--seed", "1.5"], "--seed"),
        ]
        for (arguments, flag) in refused {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.error)")
            #expect(result.error.contains(flag) && result.error.contains("out of range"), "\(arguments): \(result.error)")
            #expect(!result.error.contains("Missing value"), "\(arguments)")
        }
        // Not a number at all is a usage error.
        #expect(try cli.run(plan + ["--budget", "lots"]).status == 64)
        // In range, negative-looking parsing does not change what works.
        #expect(try cli.run(plan + ["--budget", "5000", "--gap", "0.01"]).status == 0)
    }

    @Test func datesAndObjectivesAreCheckedWhereTheyAreParsed() throws {
        let plan = ["plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json"]
        let badDate = try cli.run(plan + ["--deadline", "2027-02-30"])
        #expect(badDate.status == 64 && badDate.error.contains("--deadline"))
        // A real date outside the calendar StackPlan plans in is bad input, named with its range.
        let yearZero = try cli.run(plan + ["--start", "0000-01-01"])
        #expect(yearZero.status == 2 && yearZero.error.contains("--start must lie in 1900-01-01–2200-12-31"), "\(yearZero.error)")
        let badObjective = try cli.run(plan + ["--objective", "cost,speed"])
        #expect(badObjective.status == 64 && badObjective.error.contains("--objective"))
        #expect(try cli.run(plan + ["--objective", "workload,cost", "--start", "2026-01-05"]).status == 0)
    }

    /// A folder where the database file should be: invalid input, named, for commands that
    /// write and commands that read (SQLite alone reports a disk error).
    @Test func aFolderGivenAsTheDatabaseIsRefusedByName() throws {
        let folder = cli.directory.path
        for arguments in [["import", "data/catalogue.json", "--db", folder], ["list", "credentials", "--db", folder]] {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.error)")
            #expect(result.error.contains("the database \(folder) is a folder"), "\(arguments): \(result.error)")
        }
    }

    @Test func everyCommandNameStillWorksInItsGroup() throws {
        for command in ["import", "validate", "list", "show", "export", "learner", "plan", "frontier", "nearest", "alternatives",
                        "compare", "explain", "whatif", "graph", "cpd", "lint", "generate"] {
            let help = try cli.run([command, "--help"])
            #expect(help.status == 0, "\(command)")
            #expect(help.output.contains("USAGE: stackplan \(command)"), "\(command)")
        }
    }

    // MARK: plan --no-schedule

    @Test func noScheduleIgnoresTheProfilesWeeklyHours() throws {
        let plan = ["plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--json"]
        let scheduled = try cli.run(plan)
        #expect(scheduled.status == 0, "\(scheduled.error)")
        let withSchedule = try #require(try JSONSerialization.jsonObject(with: Data(scheduled.output.utf8)) as? [String: Any])
        #expect(withSchedule["schedule"] != nil)
        let unscheduled = try cli.run(plan + ["--no-schedule"])
        #expect(unscheduled.status == 0, "\(unscheduled.error)")
        let without = try #require(try JSONSerialization.jsonObject(with: Data(unscheduled.output.utf8)) as? [String: Any])
        #expect(without["schedule"] == nil || without["schedule"] is NSNull)
        #expect(without["completes"] == nil || without["completes"] is NSNull)
        let contradictory = try cli.run(plan + ["--no-schedule", "--hours-per-week", "10"])
        #expect(contradictory.status == 2 && contradictory.error.contains("--no-schedule"))
        #expect(try cli.run(plan + ["--no-schedule", "--objective", "duration"]).status == 2)
    }

    // MARK: each command's exit codes

    @Test func cpdExitCodes() throws {
        let compliant = try cli.write("compliant.json", """
        {"id": "NMC-9", "scheme": "NMC", "cycleEnds": "2027-03-31", "asOf": "2026-11-23",
         "declarations": {"practice-hours": 1380, "reflective-accounts": 5, "practice-feedback": 5, "reflective-discussion": 1, "confirmation": 1},
         "activities": [
          {"title": "Study day", "date": "2024-06-12", "hours": 20, "category": "participatory"},
          {"title": "Reading", "date": "2025-06-12", "hours": 20, "category": "individual"}]}
        """)
        let broken = try cli.write("broken.json", #"{"id": "X", "scheme": "NMC", "activities": [{"date": "2025-13-01"}]}"#)
        #expect(try cli.run(["cpd", "check", compliant]).status == 0)
        #expect(try cli.run(["cpd", "check", "data/cpd-records/nmc-nurse.json"]).status == 1)
        #expect(try cli.run(["cpd", "check", broken]).status == 2)
        #expect(try cli.run(["cpd", "check", cli.path("missing.json")]).status == 2)
        #expect(try cli.run(["cpd", "check", "data/cpd-records/nmc-nurse.json", "--scheme", "NOPE"]).status == 4)
        #expect(try cli.run(["cpd", "check", "data/cpd-records/nmc-nurse.json", "--schemes", cli.path("none.json")]).status == 2)
        #expect(try cli.run(["cpd", "check"]).status == 64)
        let batch = try cli.run(["cpd", "check", "--batch", "data/cpd-records/nmc-batch.csv", "--scheme", "NMC"])
        #expect(batch.status == 2)  // the sample batch holds invalid records on purpose
        // Progress is for terminals: through a pipe, standard error carries the summary only.
        #expect(!batch.error.contains("\r") && !batch.error.contains("\u{1B}"))
        #expect(try cli.run(["cpd", "plan", "data/cpd-records/nmc-nurse.json"]).status == 0)
        #expect(try cli.run(["cpd", "plan", "data/cpd-records/nmc-nurse.json", "--budget", "0"]).status == 1)
        #expect(try cli.run(["cpd", "plan", broken]).status == 2)
        #expect(try cli.run(["cpd", "coverage", "--scheme", "NMC"]).status == 0)
        #expect(try cli.run(["cpd", "coverage", "--scheme", "NOPE"]).status == 4)
        #expect(try cli.run(["cpd", "schemes"]).status == 0)
        #expect(try cli.run(["cpd", "schemes", "NOPE"]).status == 4)
        let generated = try cli.run(["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--count", "5"])
        #expect(generated.status == 0 && generated.output.split(separator: "\n").count == 5)
        #expect(try cli.run(["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-02-30"]).status == 64)
    }

    @Test func exportExitCodes() throws {
        let plan = ["export", "plan", "--learner", "data/learners/sofia.json"]
        #expect(try cli.run(["export", "catalogue"]).status == 0)
        #expect(try cli.run(["export", "catalogue", "--format", "csv"]).status == 0)
        #expect(try cli.run(plan + ["--target", "ucp-pgdip-ipc"]).status == 0)
        let noPlan = try cli.run(plan + ["--target", "ucp-msc-ipc", "--format", "json"])
        #expect(noPlan.status == 1)
        #expect(try cli.run(plan + ["--target", "no-such-award"]).status == 4)
        #expect(try cli.run(plan + ["--target", "ucp-pgdip-ipc", "--format", "pdf"]).status == 64)
        #expect(try cli.run(["export", "catalogue", "--db", cli.path("none.sqlite")]).status == 2)
    }

    @Test func learnerExitCodes() throws {
        let sample = "Tests/StackPlanInterchangeTests/Samples/ob3-validator-complete.json"
        let imported = try cli.run(["learner", "import", sample])
        #expect(imported.status == 0, "\(imported.error)")
        let notJSON = try cli.write("wallet.json", "{ not json")
        let refused = try cli.run(["learner", "import", sample, notJSON, "--output", cli.path("profile.json")])
        #expect(refused.status == 2)
        #expect(!FileManager.default.fileExists(atPath: cli.path("profile.json")))
        #expect(try cli.run(["learner", "import", cli.path("missing.json")]).status == 2)
        #expect(try cli.run(["learner", "import", sample, "--merge", notJSON]).status == 2)
        #expect(try cli.run(["learner", "import"]).status == 64)
    }

    @Test func nearestExitCodes() throws {
        let ranked = try cli.run(["nearest", "--learner", "data/learners/sofia.json"])
        #expect(ranked.status == 0, "\(ranked.error)")
        #expect(try cli.run(["nearest", "--learner", cli.path("missing.json")]).status == 2)
        let badProfile = try cli.write("bad.json", #"{"held": [{"credential": 5}]}"#)
        #expect(try cli.run(["nearest", "--learner", badProfile]).status == 2)
        #expect(try cli.run(["nearest", "--learner", "data/learners/sofia.json", "--by", "beauty"]).status == 64)
        #expect(try cli.run(["nearest"]).status == 64)
    }

    @Test func whatifExitCodes() throws {
        let whatif = ["whatif", "--learner", "data/learners/sofia.json"]
        #expect(try cli.run(whatif + ["--target", "ucp-msc-ipc", "--max-hours", "2000"]).status == 0)
        #expect(try cli.run(whatif + ["--target", "ucp-msc-ipc"]).status == 1)
        #expect(try cli.run(whatif + ["--target", "no-such-award"]).status == 4)
        #expect(try cli.run(whatif + ["--target", "ucp-msc-ipc", "--budget", "-1"]).status == 2)
        #expect(try cli.run(["whatif", "--target", "ucp-msc-ipc"]).status == 64)
    }
}
