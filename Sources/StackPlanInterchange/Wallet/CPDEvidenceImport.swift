import StackPlanCore
import StackPlanCPD
import StackPlanVerification

/// Turns wallet credentials (an EU professional-training certificate, a medical training
/// accreditation, any credential the wallet reader reads) into activities of a practitioner's
/// CPD record, each carrying its evidence: where it was read, what it states that the record has
/// no field for (issuer, accrediting bodies, credits in systems other than ECTS) and what checking
/// its proof found. A credential that gives no completion date cannot be dated in a cycle and
/// is reported, not added.
public struct CPDEvidenceImport: Sendable {
    /// How the imported activities are classified in the record.
    public struct Options: Sendable {
        /// The scheme category of every imported activity (`accredited-ce`); `nil` leaves it to the scheme's default.
        public var category: String?
        /// The activity type (`planned`, `course`).
        public var type: String?
        /// Take the activity's points from the credit points whose framework names this text
        /// (`EACCME`, a framework URI), for schemes that count credits rather than hours.
        public var pointsFrom: String?

        public init(category: String? = nil, type: String? = nil, pointsFrom: String? = nil) {
            self.category = category
            self.type = type
            self.pointsFrom = pointsFrom
        }
    }

    public struct Entry: Sendable {
        public var credential: WalletCredential
        /// The activity added to the record; `nil` when the credential cannot become one.
        public var activity: CPDActivity?
        /// Its index in the record's activities.
        public var position: Int?
        /// Why it was not added.
        public var missing: [String]
        public var notes: [String]
    }

    public private(set) var record: PractitionerRecord
    public private(set) var entries: [Entry] = []

    public init(credentials: [WalletCredential], into existing: PractitionerRecord = PractitionerRecord(), options: Options = Options()) {
        var record = existing
        for wallet in credentials {
            var notes: [String] = []
            var missing: [String] = []
            let date = wallet.completed ?? wallet.earned
            if wallet.completed == nil, wallet.earned != nil {
                notes.append("no end date of the training: dated by its date of issue")
            }
            if date == nil { missing.append("a date of completion or issue") }
            if wallet.title == nil { missing.append("a title") }
            let hours = wallet.hours.flatMap { CPDLimits.activityHours.contains($0) && $0 > 0 ? $0 : nil }
            let ects = wallet.ects.flatMap { CPDLimits.activityECTS.contains($0) && $0 > 0 ? $0 : nil }
            var points: Double?
            if let wanted = options.pointsFrom {
                let key = normalised(wanted)
                let matching = wallet.otherCredits.filter { credits in
                    if let framework = credits.framework, identifierKey(framework) == identifierKey(wanted) { return true }
                    guard let unit = credits.unit, !key.isEmpty else { return false }
                    return " \(normalised(unit)) ".contains(" \(key) ")
                }
                if let first = matching.first, CPDLimits.activityPoints.contains(first.value) {
                    points = first.value
                    notes.append("points \(formatted(first.value)) from \(first.path) (\(first.unit ?? ""))")
                } else {
                    notes.append("no credit points in a framework naming \"\(wanted)\"; the scheme converts its hours")
                }
            }
            if hours == nil && ects == nil && points == nil { missing.append("learning hours, ECTS or credit points") }
            guard missing.isEmpty, let date, let title = wallet.title else {
                entries.append(Entry(credential: wallet, activity: nil, position: nil, missing: missing, notes: notes))
                continue
            }
            let evidence = CPDEvidence(
                result: wallet.verification.map { CPDEvidence.Result(rawValue: $0.outcome.rawValue)! },
                reasons: Self.reasons(wallet.verification), document: Self.evidence(wallet))
            let activity = CPDActivity(.free(title: title), date: date, hours: hours, ects: hours == nil ? ects : nil, points: points,
                                       category: options.category, type: options.type, evidence: evidence)
            record.activities.append(activity)
            entries.append(Entry(credential: wallet, activity: activity, position: record.activities.count - 1, missing: [], notes: notes))
        }
        self.record = record
    }

    static func reasons(_ verification: CredentialVerification?) -> [String] {
        guard let verification, !verification.isVerified else { return [] }
        if case .array(let why)? = verification.json.objectFields["why"] {
            return why.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
        return []
    }

    /// The activity's `evidence` entry, as docs/cpd.md describes it.
    static func evidence(_ wallet: WalletCredential) -> JSON {
        var fields: [String: JSON] = ["format": .string(wallet.format.rawValue), "path": .string(wallet.path)]
        fields["file"] = wallet.file.map(JSON.string)
        fields["credential"] = wallet.credentialID.map(JSON.string)
        fields["issuer"] = wallet.issuer.map(JSON.string)
        if !wallet.accreditedBy.isEmpty { fields["accreditedBy"] = .array(wallet.accreditedBy.map(JSON.string)) }
        fields["eqf"] = wallet.eqf.map { .number(Double($0)) }
        fields["issued"] = wallet.earned.map { .string($0.description) }
        if !wallet.otherCredits.isEmpty || wallet.ects != nil {
            var credits: [JSON] = wallet.ects.map { [.object(["value": .number($0), "unit": .string("ECTS")])] } ?? []
            credits += wallet.otherCredits.map { credit in
                var entry: [String: JSON] = ["value": .number(credit.value), "at": .string(credit.path)]
                entry["unit"] = credit.unit.map(JSON.string)
                entry["framework"] = credit.framework.map(JSON.string)
                return .object(entry)
            }
            fields["credits"] = .array(credits)
        }
        fields["verification"] = wallet.verification?.json ?? .object(["result": .string("unverifiable"), "why": .array([.string("not checked")])])
        return .object(fields)
    }

    // MARK: Report

    /// What became an activity, and what could not, with each item's verification.
    public var report: String {
        var lines = ["Read \(entries.count) credential\(entries.count == 1 ? "" : "s")."]
        let added = entries.filter { $0.activity != nil }
        let refused = entries.filter { $0.activity == nil }
        if !added.isEmpty {
            lines.append("")
            lines.append("Activities added to the record (\(added.count))")
            for entry in added {
                guard let activity = entry.activity else { continue }
                var facts = [activity.date.description]
                if let hours = activity.hours { facts.append("\(formatted(hours)) h") }
                if let ects = activity.ects { facts.append("\(formatted(ects)) ECTS") }
                if let points = activity.points { facts.append("\(formatted(points)) points") }
                if let category = activity.category { facts.append("category \(category)") }
                lines.append("  activities[\(entry.position ?? 0)]  \(activity.label): " + facts.joined(separator: ", "))
                lines.append("      from \(entry.credential.location)")
                if !entry.credential.otherCredits.isEmpty {
                    lines.append("      credits stated: " + entry.credential.otherCredits.map { "\(formatted($0.value)) \($0.unit ?? "(unit not stated)")" }.joined(separator: "; "))
                }
                if !entry.credential.accreditedBy.isEmpty { lines.append("      accredited by: " + entry.credential.accreditedBy.joined(separator: "; ")) }
                lines.append("      " + LearnerImport.verificationLine(entry.credential))
                for note in entry.notes { lines.append("      note: \(note)") }
            }
        }
        if !refused.isEmpty {
            lines.append("")
            lines.append("Not added (\(refused.count))")
            for entry in refused {
                lines.append("  \(entry.credential.title ?? "(untitled)"): missing " + entry.missing.joined(separator: "; "))
                lines.append("      from \(entry.credential.location)")
                lines.append("      " + LearnerImport.verificationLine(entry.credential))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON: one item per credential read.
    public var reportJSON: JSON {
        .object(["items": .array(entries.map { entry in
            var fields: [String: JSON] = ["path": .string(entry.credential.path), "format": .string(entry.credential.format.rawValue)]
            fields["file"] = entry.credential.file.map(JSON.string)
            fields["title"] = entry.credential.title.map(JSON.string)
            if let position = entry.position {
                fields["outcome"] = .string("added")
                fields["record"] = .string("activities[\(position)]")
            } else {
                fields["outcome"] = .string("not-added")
                fields["missing"] = .array(entry.missing.map(JSON.string))
            }
            fields["verification"] = entry.credential.verification?.json ?? .object(["result": .string("not-checked")])
            if !entry.notes.isEmpty { fields["notes"] = .array(entry.notes.map(JSON.string)) }
            return .object(fields)
        })])
    }
}
