import StackPlanCore

/// Turns wallet credentials into a learner profile: each one becomes a catalogue credential the
/// learner holds, an external held credential, or (when it lacks what planning needs) a
/// `pending` entry naming what is missing. Nothing read is dropped; every outcome is in ``entries``.
public struct LearnerImport: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// Held as this catalogue credential.
            case matched(credential: String, how: String)
            /// Held as an external credential described by the document.
            case external(ExternalCredential)
            /// Kept under `pending`: the planner cannot use it until these are supplied.
            case pending(missing: [String])
            /// The profile already holds it (`held[N]` or `pending[N]`).
            case duplicate(of: String)
        }

        public var credential: WalletCredential
        public var outcome: Outcome
        /// Its index in the profile's `held` (matched, external) or `pending` list.
        public var position: Int?
        public var notes: [String]
    }

    public private(set) var profile: LearnerProfile
    public private(set) var entries: [Entry] = []

    static let noDate = "no date of award: it will not count where a qualification limits how old prior learning may be"
    static let noECTS = "no ECTS: it adds nothing to credit requirements (learning hours are not turned into ECTS)"
    static let noCompetency = "none of its skills or outcomes is a competency the catalogue uses, so requirements that filter by competency will not accept it"

    public init(credentials: [WalletCredential], catalogue: Catalogue, merging existing: LearnerProfile? = nil) {
        let matcher = CatalogueMatcher(catalogue: catalogue)
        let competencies = Set(catalogue.credentials.flatMap(\.competencies))
        var profile = existing ?? LearnerProfile()
        var pending: [JSON] = []
        if case .array(let earlier)? = profile.extra["pending"] { pending = earlier }
        // Indexes of what the profile holds, kept up to date, so that each credential is placed
        // in constant time: with searches through the profile, importing a record of n
        // achievements took time growing with n².
        var heldByCatalogueID: [String: Int] = [:]
        var heldByExternalTitle: [String: [Int]] = [:]
        func indexHeld(_ index: Int) {
            switch profile.held[index].source {
            case .catalogue(let id): if heldByCatalogueID[id] == nil { heldByCatalogueID[id] = index }
            case .external(let external): heldByExternalTitle[normalised(external.title), default: []].append(index)
            }
        }
        profile.held.indices.forEach(indexHeld)
        var pendingByText: [String: Int] = [:]
        for (index, entry) in pending.enumerated() where pendingByText[entry.compactText] == nil { pendingByText[entry.compactText] = index }

        for wallet in credentials {
            var notes = wallet.notes
            let match = matcher.match(wallet)
            if let id = match.credentialID {
                if let index = heldByCatalogueID[id] {
                    if profile.held[index].earned == nil, let earned = wallet.earned {
                        profile.held[index].earned = earned
                        notes.append("its date of award, \(earned), was added to held[\(index)]")
                    }
                    if let note = Self.upgradeVerification(of: &profile.held[index], with: wallet, index: index) { notes.append(note) }
                    entries.append(Entry(credential: wallet, outcome: .duplicate(of: "held[\(index)] (\(id))"), position: index, notes: notes))
                    continue
                }
                if let credential = catalogue.credential(id) {
                    if let ects = wallet.ects, ects != credential.credits {
                        notes.append("the document states \(formatted(ects)) ECTS, the catalogue \(formatted(credential.credits)); the catalogue's figure counts")
                    }
                    if let eqf = wallet.eqf, eqf != credential.eqf {
                        notes.append("the document states EQF \(eqf), the catalogue \(credential.eqf); the catalogue's level counts")
                    }
                }
                if wallet.earned == nil { notes.append(Self.noDate) }
                var held = HeldCredential.catalogue(id, earned: wallet.earned)
                held.extra["evidence"] = Self.evidence(wallet)
                held.extra["verification"] = wallet.verification?.json
                profile.held.append(held)
                indexHeld(profile.held.count - 1)
                entries.append(Entry(credential: wallet, outcome: .matched(credential: id, how: match.explanation),
                                     position: profile.held.count - 1, notes: notes))
                continue
            }
            if case .none(let reason?) = match { notes.append(reason) }

            let missing = Self.missing(wallet)
            let tags = Self.competencyTags(wallet, known: competencies)
            if !wallet.otherCredits.isEmpty {
                notes.append("credits not counted as ECTS: " + wallet.otherCredits.map(\.description).joined(separator: "; "))
            }
            if missing.isEmpty, let title = wallet.title, let eqf = wallet.eqf {
                let external = ExternalCredential(
                    title: title, ects: wallet.ects, hours: wallet.hours, eqf: eqf, competencies: tags,
                    provider: matcher.provider(named: wallet.issuer)?.id)
                let sameTitle = heldByExternalTitle[normalised(external.title)] ?? []
                if let index = sameTitle.first(where: { profile.held[$0].earned == wallet.earned }) {
                    entries.append(Entry(credential: wallet, outcome: .duplicate(of: "held[\(index)] (\(title))"), position: index, notes: notes))
                    continue
                }
                if wallet.earned == nil { notes.append(Self.noDate) }
                if wallet.ects == nil { notes.append(Self.noECTS) }
                if tags.isEmpty { notes.append(Self.noCompetency) }
                var held = HeldCredential(.external(external), earned: wallet.earned)
                held.extra = Self.described(wallet)
                profile.held.append(held)
                indexHeld(profile.held.count - 1)
                entries.append(Entry(credential: wallet, outcome: .external(external), position: profile.held.count - 1, notes: notes))
            } else {
                var fields = Self.described(wallet)
                fields["title"] = wallet.title.map(JSON.string)
                fields["ects"] = wallet.ects.map(JSON.number)
                fields["hours"] = wallet.hours.map(JSON.number)
                fields["eqf"] = wallet.eqf.map { .number(Double($0)) }
                if !tags.isEmpty { fields["competencies"] = .array(tags.map(JSON.string)) }
                fields["earned"] = wallet.earned.map { .string($0.description) }
                fields["missing"] = .array(missing.map(JSON.string))
                let entry = JSON.object(fields)
                let text = entry.compactText
                if let index = pendingByText[text] {
                    entries.append(Entry(credential: wallet, outcome: .duplicate(of: "pending[\(index)]"), position: index, notes: notes))
                    continue
                }
                pendingByText[text] = pending.count
                pending.append(entry)
                entries.append(Entry(credential: wallet, outcome: .pending(missing: missing), position: pending.count - 1, notes: notes))
            }
        }
        if !pending.isEmpty { profile.extra["pending"] = .array(pending) }
        self.profile = profile
    }

    /// What an external held credential needs (the profile format's rules) and the document lacks.
    static func missing(_ wallet: WalletCredential) -> [String] {
        var missing: [String] = []
        if wallet.title == nil { missing.append("a title") }
        if wallet.eqf == nil { missing.append("an EQF level") }
        if wallet.ects == nil && wallet.hours == nil {
            missing.append(wallet.otherCredits.isEmpty ? "ECTS or learning hours" : "ECTS or learning hours (the credits it states are not ECTS)")
        }
        if let ects = wallet.ects, !InputLimits.ects.contains(ects) { missing.append("ECTS within \(InputLimits.ects) (it states \(formatted(ects)))") }
        if let hours = wallet.hours, !InputLimits.hours.contains(hours) { missing.append("learning hours \(InputLimits.hours) (it states \(formatted(hours)))") }
        return missing
    }

    /// Skill and outcome labels that, written as tags (`infection prevention` → `infection-prevention`),
    /// are competencies the catalogue's requirements can filter on.
    static func competencyTags(_ wallet: WalletCredential, known: Set<String>) -> [String] {
        var tags: [String] = []
        for label in wallet.skills + wallet.learningOutcomes {
            let tag = normalised(label).replacingOccurrences(of: " ", with: "-")
            if known.contains(tag) { tags.appendOnce(tag) }
        }
        return tags
    }

    static func evidence(_ wallet: WalletCredential) -> JSON {
        var fields: [String: JSON] = ["format": .string(wallet.format.rawValue), "path": .string(wallet.path)]
        fields["file"] = wallet.file.map(JSON.string)
        fields["credential"] = wallet.credentialID.map(JSON.string)
        return .object(fields)
    }

    /// The facts the profile format has no field for, kept beside the item for the advisor.
    static func described(_ wallet: WalletCredential) -> [String: JSON] {
        var fields: [String: JSON] = ["evidence": evidence(wallet)]
        fields["verification"] = wallet.verification?.json
        fields["issuer"] = wallet.issuer.map(JSON.string)
        if !wallet.learningOutcomes.isEmpty { fields["learningOutcomes"] = .array(wallet.learningOutcomes.map(JSON.string)) }
        if !wallet.skills.isEmpty { fields["skills"] = .array(wallet.skills.map(JSON.string)) }
        if !wallet.otherCredits.isEmpty {
            fields["otherCredits"] = .array(wallet.otherCredits.map { credits in
                var entry: [String: JSON] = ["value": .number(credits.value), "at": .string(credits.path)]
                entry["unit"] = credits.unit.map(JSON.string)
                return .object(entry)
            })
        }
        return fields
    }

    // MARK: Report

    /// What was matched, what became external, what is pending and why, for people.
    public var report: String {
        let files = Set(entries.compactMap(\.credential.file))
        var lines = ["Read \(count(entries.count, "credential")) from \(count(files.count, "file"))."]
        func section(_ title: String, _ selected: [Entry], describe: (Entry) -> String) {
            guard !selected.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(selected.count))")
            for entry in selected {
                lines.append("  " + describe(entry))
                lines.append("      from \(entry.credential.location)")
                lines.append("      " + Self.verificationLine(entry.credential))
                for note in entry.notes { lines.append("      note: \(note)") }
            }
        }
        section("Matched to catalogue credentials", entries.filter { if case .matched = $0.outcome { true } else { false } }) { entry in
            guard case .matched(let id, let how) = entry.outcome else { return "" }
            return "held[\(entry.position ?? 0)]  \(id)  \(entry.credential.title ?? "(untitled)"), \(how)"
                + (entry.credential.earned.map { ", earned \($0)" } ?? "")
        }
        section("External held credentials", entries.filter { if case .external = $0.outcome { true } else { false } }) { entry in
            guard case .external(let external) = entry.outcome else { return "" }
            var facts = [external.ects.map { "\(formatted($0)) ECTS" } ?? "no ECTS", "EQF \(external.eqf)"]
            if let hours = external.hours { facts.append("\(formatted(hours)) h") }
            facts.append(entry.credential.earned.map { "earned \($0)" } ?? "no date")
            return "held[\(entry.position ?? 0)]  \(external.title)\(entry.credential.issuer.map { " (\($0))" } ?? ""): "
                + facts.joined(separator: ", ")
        }
        section("Not usable for planning yet, kept under \"pending\"", entries.filter { if case .pending = $0.outcome { true } else { false } }) { entry in
            guard case .pending(let missing) = entry.outcome else { return "" }
            return "pending[\(entry.position ?? 0)]  \(entry.credential.title ?? "(untitled)")\(entry.credential.issuer.map { " (\($0))" } ?? ""): "
                + "missing " + missing.joined(separator: "; ")
        }
        section("Already in the profile", entries.filter { if case .duplicate = $0.outcome { true } else { false } }) { entry in
            guard case .duplicate(let existing) = entry.outcome else { return "" }
            return "\(entry.credential.title ?? "(untitled)"): already \(existing)"
        }
        return lines.joined(separator: "\n")
    }

    private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
