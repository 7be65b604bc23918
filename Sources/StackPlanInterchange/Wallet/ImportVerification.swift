import StackPlanCore
import StackPlanVerification

extension LearnerImport {
    /// The report line saying what checking the credential found.
    static func verificationLine(_ credential: WalletCredential) -> String {
        "verification: " + (credential.verification?.summary ?? "not checked")
    }

    /// Counts of verified, unverifiable and failed items, in that order, for the report's summary.
    public var verificationCounts: [CredentialVerification.Outcome: Int] {
        var counts: [CredentialVerification.Outcome: Int] = [:]
        for entry in entries {
            guard let outcome = entry.credential.verification?.outcome else { continue }
            counts[outcome, default: 0] += 1
        }
        return counts
    }

    /// The report as JSON (`learner import --json`): one entry per credential read, with its
    /// outcome, its place in the profile, and its verification.
    public var reportJSON: JSON {
        let items: [JSON] = entries.map { entry in
            var fields: [String: JSON] = ["path": .string(entry.credential.path), "format": .string(entry.credential.format.rawValue)]
            fields["file"] = entry.credential.file.map(JSON.string)
            fields["credential"] = entry.credential.credentialID.map(JSON.string)
            fields["title"] = entry.credential.title.map(JSON.string)
            switch entry.outcome {
            case .matched(let id, let how):
                fields["outcome"] = .string("matched")
                fields["catalogueCredential"] = .string(id)
                fields["match"] = .string(how)
                fields["profile"] = entry.position.map { .string("held[\($0)]") }
            case .external:
                fields["outcome"] = .string("external")
                fields["profile"] = entry.position.map { .string("held[\($0)]") }
            case .pending(let missing):
                fields["outcome"] = .string("pending")
                fields["missing"] = .array(missing.map(JSON.string))
                fields["profile"] = entry.position.map { .string("pending[\($0)]") }
            case .duplicate(let existing):
                fields["outcome"] = .string("already-held")
                fields["profile"] = .string(existing)
            }
            fields["verification"] = entry.credential.verification?.json ?? .object(["result": .string("not-checked")])
            if !entry.notes.isEmpty { fields["notes"] = .array(entry.notes.map(JSON.string)) }
            return .object(fields)
        }
        var summary: [String: JSON] = [:]
        for outcome in CredentialVerification.Outcome.allCases {
            summary[outcome.rawValue] = .number(Double(verificationCounts[outcome] ?? 0))
        }
        return .object(["items": .array(items), "verification": .object(summary)])
    }
}

extension LearnerImport {
    /// A held credential imported again with a verified proof takes that verification, so that a
    /// signed copy of something first imported unsigned counts under `verifiedOnly`.
    static func upgradeVerification(of held: inout HeldCredential, with wallet: WalletCredential, index: Int) -> String? {
        guard let verification = wallet.verification, verification.isVerified, !held.isVerified else { return nil }
        held.extra["verification"] = verification.json
        held.extra["evidence"] = evidence(wallet)
        return "its verified proof now stands for held[\(index)], whose earlier evidence was not verified"
    }
}
