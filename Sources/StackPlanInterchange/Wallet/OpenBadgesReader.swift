import StackPlanCore

/// 1EdTech formats: Open Badges 3.0 `OpenBadgeCredential`/`AchievementCredential`, and the
/// Comprehensive Learner Record 2.0 `ClrCredential` that bundles them.
extension WalletParser {
    func readOpenBadge(_ node: Located, envelope: Envelope, format: WalletCredential.Format) {
        guard let subjects = node["credentialSubject"] else {
            error("\(node.path).credentialSubject", "is required: it holds the achievement awarded")
            return
        }
        for subject in subjects.items {
            guard subject.isObject else {
                error(subject.path, "must be an object, found \(subject.value.typeName)")
                continue
            }
            guard let achievements = subject["achievement"] else {
                error("\(subject.path).achievement", "is required: an achievement credential names its achievement here")
                continue
            }
            for achievement in achievements.items {
                readAchievement(achievement, subject: subject, envelope: envelope, format: format)
            }
        }
    }

    /// One achievement. `subject` is the learner's side (credits earned), absent for an
    /// achievement a CLR lists without a credential of its own.
    func readAchievement(_ achievement: Located, subject: Located?, envelope: Envelope, format: WalletCredential.Format) {
        guard achievement.isObject else {
            error(achievement.path, "must be an Achievement object, found \(achievement.value.typeName)")
            return
        }
        var credential = newCredential(format: format, path: achievement.path, envelope: envelope)
        credential.title = achievement["name"]?.text ?? envelope.name
        if let creator = organisationName(achievement["creator"]) { credential.issuer = creator }
        credential.achievementID = achievement["id"]?.string
        if let id = credential.achievementID { credential.identifiers.appendOnce(id) }

        let alignments = (achievement["alignment"]?.items ?? []).filter(\.isObject)
        var creditsAreECTS = false
        for alignment in alignments {
            if let url = alignment["targetUrl"]?.string { credential.identifiers.appendOnce(url) }
            if isECTSAlignment(alignment) {
                creditsAreECTS = true
            } else if let level = eqfAlignment(alignment) {
                credential.eqf = eqfLevel(level)
            } else if let name = alignment["targetName"]?.text {
                credential.learningOutcomes.appendOnce(name)
            }
        }
        if let id = envelope.id { credential.identifiers.appendOnce(id) }

        // Open Badges names no unit for credits. They are ECTS only when the achievement says so
        // by an alignment to ECTS; otherwise they are reported, never counted.
        let earned = subject?["creditsEarned"].flatMap { node in amount(node, what: "creditsEarned").map { (node, $0) } }
        let available = achievement["creditsAvailable"].flatMap { node in amount(node, what: "creditsAvailable").map { (node, $0) } }
        if creditsAreECTS, let chosen = earned ?? available {
            let (node, value) = chosen
            credential.ects = value
            credential.notes.append("\(node.path) read as ECTS: the achievement is aligned to the ECTS framework")
            if let offered = available, earned != nil, offered.1 != value {
                credential.notes.append("the achievement offers \(formatted(offered.1)) ECTS (\(offered.0.path)); the \(formatted(value)) earned are used")
            }
        } else {
            for (node, value) in [earned, available].compactMap({ $0 }) {
                credential.otherCredits.append(.init(value: value, unit: nil, path: node.path))
            }
        }
        readEdubadgesExtension(achievement, into: &credential)
        for tag in achievement["tag"]?.items ?? [] {
            if let text = tag.text { credential.skills.appendOnce(text) }
        }
        if let type = achievement["achievementType"]?.text { credential.notes.append("achievement type: \(type)") }
        found.append(credential)
    }

    func isECTSAlignment(_ alignment: Located) -> Bool {
        if let url = alignment["targetUrl"]?.string, sameURI(url, Self.ectsConcept) { return true }
        return ["targetFramework", "targetName", "targetCode"].contains { key in
            guard let text = alignment[key]?.text else { return false }
            let words = normalised(text)
            return words.split(separator: " ").contains("ects") || words.contains("european credit transfer")
        }
    }

    /// The node naming an EQF level, when the alignment points into the EQF.
    func eqfAlignment(_ alignment: Located) -> Located? {
        for key in ["targetUrl", "targetCode"] {
            if let node = alignment[key], let text = node.string,
               text.lowercased().replacingOccurrences(of: "https://", with: "http://").hasPrefix(Self.eqfConceptPrefix) {
                return node
            }
        }
        // Edubadges marks an EQF alignment by its type (`ext:EQF`), with the level as its code.
        if normalised(alignment["targetType"]?.text ?? "").hasSuffix("eqf") { return alignment["targetCode"] ?? alignment["targetName"] }
        let framework = normalised(alignment["targetFramework"]?.text ?? "")
        if framework == "eqf" || framework.contains("european qualifications framework") {
            return alignment["targetCode"] ?? alignment["targetName"]
        }
        return nil
    }

    /// A CLR: each credential it bundles, then each achievement it lists that none of those
    /// credentials awards, with the associations between achievements as notes.
    func readCLR(_ node: Located, envelope: Envelope) {
        guard let subject = node["credentialSubject"] else {
            error("\(node.path).credentialSubject", "is required: it holds the learner's record")
            return
        }
        guard subject.isObject else {
            error(subject.path, "must be an object, found \(subject.value.typeName)")
            return
        }
        let start = found.count
        if let bundled = subject["verifiableCredential"] { readValue(bundled, format: .clr) }
        // Achievements found by id through dictionaries, not searches: a record of n achievements reads in time linear in n.
        func indexesByAchievement() -> [String: [Int]] {
            var indexes: [String: [Int]] = [:]
            for index in found.indices.dropFirst(start) {
                if let id = found[index].achievementID { indexes[id, default: []].append(index) }
            }
            return indexes
        }
        let awarded = indexesByAchievement()
        for achievement in subject["achievement"]?.items ?? [] {
            if let id = achievement["id"]?.string, let indexes = awarded[id], awards(titled: achievement["name"]?.text, among: indexes) {
                for index in indexes {
                    found[index].notes.appendOnce("also listed among the record's achievements at \(achievement.path)")
                }
                continue
            }
            let before = found.count
            readAchievement(achievement, subject: nil, envelope: envelope, format: .clr)
            if found.count > before {
                found[before].notes.append("listed in the record without a credential of its own: only the record's issuer vouches for it")
            }
        }
        separateSharedIDs(from: start)
        let titles = Dictionary(found[start...].compactMap { item in item.achievementID.map { ($0, item.title ?? $0) } }, uniquingKeysWith: { first, _ in first })
        let byAchievement = indexesByAchievement()
        for association in subject["association"]?.items ?? [] {
            guard let source = association["sourceId"]?.string, let target = association["targetId"]?.string else {
                error(association.path, "an association needs \"sourceId\" and \"targetId\"")
                continue
            }
            let kind = association["associationType"]?.text ?? "associated with"
            for index in byAchievement[source] ?? [] {
                found[index].notes.append("\(kind) \(titles[target] ?? target) (\(association.path))")
            }
            if target != source {
                for index in byAchievement[target] ?? [] {
                    found[index].notes.append("\(titles[source] ?? source) \(kind) this achievement (\(association.path))")
                }
            }
        }
        if found.count == start {
            error(subject.path, "holds no credential or achievement to import")
        }
    }
}
