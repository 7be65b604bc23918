import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanCPD
import StackPlanInterchange
import StackPlanVerification

/// `cpd import`: wallet credentials become activities of a CPD record, each with its evidence
/// and the result of checking its proof, so that `cpd check` can count only verified evidence.
struct CPDImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add wallet credentials (EU professional-training certificates and the other wallet formats) to a CPD record as evidenced activities.",
        discussion: """
            Each credential's proof, issuer key, validity dates and status are checked offline, as learner import \
            checks them; the activity keeps the result under "evidence". Without --output the record goes to standard \
            output and the report to standard error. All or nothing: a malformed file stops the import and nothing is written.
            """)

    @Argument(help: "Wallet credential files: JSON, JSON-LD or compact JWS/JWT.")
    var files: [String]

    @Option(help: "Add to this practitioner's record (default: a new record).")
    var record: String?

    @Option(help: "Write the record to this file (default: standard output).")
    var output: String?

    @Option(help: "The scheme category of the imported activities (default: the scheme's default category).")
    var category: String?

    @Option(help: "The activity type of the imported activities (planned, course, …).")
    var type: String?

    @Option(help: ArgumentHelp("Take points from the credit points whose framework names this text (EACCME, a framework URI).", valueName: "FRAMEWORK"))
    var pointsFrom: String?

    @Option(help: "Trust list of issuers and their keys (JSON), for DIDs and URLs that cannot be resolved offline.")
    var trustList: String?

    @Option(help: "A status list credential file to check credentialStatus against (repeat for several).")
    var statusList: [String] = []

    @Option(help: "The day validity dates are judged on (YYYY-MM-DD); default: today.")
    var today: Day?

    @Flag(help: "Print the report as JSON, each item with its verification.")
    var json = false

    func validate() throws { try checkDays([("--today", today)]) }

    func run() throws {
        try reportingErrors {
            let verifier = CredentialVerifier(
                today: today ?? CredentialVerifier.currentDay,
                trustList: try trustList.map { try TrustList.read(try readFile($0), file: $0) } ?? TrustList(),
                statusLists: try statusList.map { try StatusList.read(try readFile($0), file: $0) })
            var credentials: [WalletCredential] = []
            var failures: [InvalidDocument] = []
            for file in files {
                do {
                    credentials += try WalletReader.read(try readFile(file), file: file, verifier: verifier)
                } catch let invalid as InvalidDocument {
                    failures.append(invalid)
                }
            }
            if !failures.isEmpty {
                failures.forEach { printError($0.description) }
                printError("nothing written: \(plural(failures.count, "file")) could not be read")
                throw Exit.invalidInput
            }
            let existing = try record.map { try PractitionerRecordDocument.read(try readFile($0), file: $0) } ?? PractitionerRecord()
            let result = CPDEvidenceImport(
                credentials: credentials, into: existing, options: .init(category: category, type: type, pointsFrom: pointsFrom))
            let data = PractitionerRecordDocument.json(result.record).serialized(pretty: true) + Data("\n".utf8)
            // The record must read back as written; a failure here is a defect, not bad input.
            do {
                _ = try PractitionerRecordDocument.read(data)
            } catch let invalid as InvalidDocument {
                printError("internal error: the record does not read back:\n\(invalid)")
                throw Exit.internalError
            }
            let added = result.entries.count { $0.activity != nil }
            func activities(_ count: Int) -> String { "\(count) activit\(count == 1 ? "y" : "ies")" }
            let summary = "Record: \(activities(added)) added, \(activities(result.record.activities.count)) in all"
                + (output.map { "; written to \($0)" } ?? "")
            let report = json ? String(decoding: result.reportJSON.serialized(pretty: true), as: UTF8.self) : result.report + "\n\n" + summary
            if output == nil { printError(report) } else { print(report) }
            try writeOutput(data, to: output)
        }
    }
}
