import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanInterchange
import StackPlanVerification

struct LearnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learner", abstract: "Build learner profiles from the credentials in learners' wallets.",
        subcommands: [LearnerImportCommand.self])
}

struct LearnerImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read wallet credentials (Europass EDC, EU professional-training certificates, Open Badges 3.0, CLR 2.0; JSON or JWT) into a learner profile.",
        discussion: """
            Each credential is matched to a catalogue credential by identifier, or by title and provider; \
            otherwise it becomes an external held credential, or, when it lacks an EQF level or ECTS and hours, \
            a "pending" entry naming what is missing. Without --output the profile goes to standard output \
            and the report to standard error. All or nothing: a malformed file stops the import and nothing is written.
            """)

    @Argument(help: "Wallet credential files: JSON, JSON-LD or compact JWS/JWT.")
    var files: [String]

    @Option(help: "Write the learner profile to this file (default: standard output).")
    var output: String?

    @Option(help: "Start from this learner profile, keeping its held credentials, limits and pending entries.")
    var merge: String?

    @Option(help: "Trust list of issuers and their keys (JSON), for DIDs and URLs that cannot be resolved offline.")
    var trustList: String?

    @Option(help: "A status list credential file to check credentialStatus against (repeat for several).")
    var statusList: [String] = []

    @Option(help: "The day validity dates are judged on (YYYY-MM-DD); default: today.")
    var today: Day?

    @Flag(help: "Print the report as JSON, each item with its verification.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws { try checkDays([("--today", today)]) }

    func run() throws {
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        try reportingErrors {
            let verifier = CredentialVerifier(
                today: today ?? CredentialVerifier.currentDay,
                trustList: try trustList.map { try TrustList.read(try readFile($0), file: $0) } ?? TrustList(),
                statusLists: try statusList.map { try StatusList.read(try readFile($0), file: $0) })
            var credentials: [WalletCredential] = []
            var failures: [InvalidDocument] = []
            let progress = ProgressReporter.forStandardError(unit: "files", total: files.count)
            for file in files {
                do {
                    credentials += try WalletReader.read(try readFile(file), file: file, verifier: verifier)
                } catch let invalid as InvalidDocument {
                    failures.append(invalid)
                }
                progress?.advance()
            }
            progress?.finish()
            if !failures.isEmpty {
                failures.forEach { printError($0.description) }
                printError("nothing written: \(plural(failures.count, "file")) could not be read")
                throw Exit.invalidInput
            }
            let existing = try merge.map { try LearnerDocument.read(try readFile($0), file: $0) }
            let result = LearnerImport(credentials: credentials, catalogue: catalogue, merging: existing)
            let data = LearnerDocument.json(result.profile).serialized(pretty: true) + Data("\n".utf8)
            // The profile must read back as written; a failure here is a defect, not bad input.
            do {
                _ = try LearnerDocument.read(data)
            } catch let invalid as InvalidDocument {
                printError("internal error: the imported profile does not read back:\n\(invalid)")
                throw Exit.internalError
            }
            let pending = if case .array(let entries)? = result.profile.extra["pending"] { entries.count } else { 0 }
            let counts = result.verificationCounts
            let summary = "Profile: \(plural(result.profile.held.count, "held credential")), \(pending) pending"
                + (output.map { "; written to \($0)" } ?? "")
                + "\nVerification: " + CredentialVerification.Outcome.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            let report = json ? String(decoding: result.reportJSON.serialized(pretty: true), as: UTF8.self) : result.report + "\n\n" + summary
            if output == nil {
                printError(report)
            } else {
                print(report)
            }
            try writeOutput(data, to: output)
        }
    }
}
