import StackPlanCore

/// European Digital Credentials: the European Learning Model 3 as Europass issues it, and ELM-based
/// profiles (such as the EAA rulebook's medical training accreditation) that put a qualification
/// under `authorizationClaims.limitQualification`.
extension WalletParser {
    func readEuropass(_ node: Located, envelope: Envelope) {
        guard let subjects = node["credentialSubject"] else {
            error("\(node.path).credentialSubject", "is required: it holds what the learner achieved")
            return
        }
        for subject in subjects.items {
            guard subject.isObject else {
                error(subject.path, "must be an object, found \(subject.value.typeName)")
                continue
            }
            // ELM 3 names the claims `hasClaim`; earlier Europass JSON used `achievements` or `learningAchievement`.
            let claims = ["hasClaim", "achievements", "learningAchievement"].flatMap { subject[$0]?.items ?? [] }
            let authorisations = subject["authorizationClaims"]?.items ?? []
            if claims.isEmpty && authorisations.isEmpty {
                error("\(subject.path).hasClaim", "is required: a European Digital Credential states its learning achievements here")
            }
            for claim in claims {
                readEuropassClaim(claim, envelope: envelope, levelFallback: nil)
            }
            for authorisation in authorisations {
                guard let qualification = authorisation["limitQualification"] else {
                    error("\(authorisation.path).limitQualification", "is required: it names the qualification the accreditation covers")
                    continue
                }
                let count = found.count
                readEuropassClaim(qualification, envelope: envelope, levelFallback: authorisation["report"]?["eqfLevel"])
                // The accreditation profile names the bodies that accredit the training.
                if found.count > count {
                    for agent in authorisation["accreditingAgent"]?.items ?? [] {
                        if let name = agent["name"]?.text ?? organisationName(agent) { found[found.count - 1].accreditedBy.appendOnce(name) }
                    }
                }
            }
        }
    }

    /// One claim (a learning achievement, activity, assessment or entitlement) with the
    /// specification it was awarded against.
    func readEuropassClaim(_ claim: Located, envelope: Envelope, levelFallback: Located?) {
        guard claim.isObject else {
            error(claim.path, "must be a claim object, found \(claim.value.typeName)")
            return
        }
        var credential = newCredential(format: .europass, path: claim.path, envelope: envelope)
        let specifications = claim["specifiedBy"]?.items ?? []
        // A claim without a specification object (the accreditation profile's qualification) states its facts itself.
        let specification = specifications.first { $0.isObject } ?? claim
        let separate = specification.path != claim.path
        if let reference = specifications.first?.string {
            credential.identifiers.appendOnce(reference)
            credential.notes.append("the specification is only referenced (\(reference)), so its credits, level and hours are not in the document")
        }
        if specifications.count > 1 {
            credential.notes.append("\(specifications.count) specifications at \(claim.path).specifiedBy; the first is read")
        }

        for type in claim.types where type != "LearningAchievement" {
            credential.notes.append("a \(type) claim, not a LearningAchievement")
        }
        credential.title = claim["title"]?.text ?? specification["title"]?.text ?? claim["name"]?.text
        credential.achievementID = (specification["id"] ?? specification["@id"])?.string ?? claim["id"]?.string
        // `urn:epass:…` ids only link the parts of one document together, so they identify nothing to match.
        for node in [specification["id"], specification["@id"], claim["id"]].compactMap({ $0 }) {
            if let id = node.string, !id.lowercased().hasPrefix("urn:epass:") { credential.identifiers.appendOnce(id) }
        }
        for identifier in specification["identifier"]?.items ?? [] {
            if let notation = identifier["notation"]?.text ?? identifier.string { credential.identifiers.appendOnce(notation) }
        }
        if let id = envelope.id { credential.identifiers.appendOnce(id) }

        // What was awarded to the learner (`creditReceived`) comes before what the specification offers.
        var creditPoints = claim["creditReceived"]?.items ?? []
        creditPoints += specification["creditPoint"]?.items ?? []
        if separate { creditPoints += claim["creditPoint"]?.items ?? [] }
        for point in creditPoints { readCreditPoint(point, into: &credential) }

        if let level = specification["eqfLevel"] ?? claim["eqfLevel"] ?? levelFallback {
            credential.eqf = eqfLevel(level)
        }
        if let volume = specification["volumeOfLearning"] ?? claim["volumeOfLearning"] {
            credential.hours = learningHours(volume, notes: &credential.notes)
        }
        var outcomes = specification["learningOutcome"]?.items ?? []
        if separate { outcomes += claim["learningOutcome"]?.items ?? [] }
        for outcome in outcomes {
            if let title = outcome["title"]?.text { credential.learningOutcomes.appendOnce(title) }
            for skill in (outcome["relatedESCOSkill"]?.items ?? []) + (outcome["relatedSkill"]?.items ?? []) {
                if let label = skill["prefLabel"]?.text { credential.skills.appendOnce(label) }
            }
        }
        if let end = claim["trainingDuration"]?["endDate"] ?? specification["trainingDuration"]?["endDate"] {
            credential.completed = date(end)
        }
        if let awarding = claim["awardedBy"]?.items.first {
            if let body = awarding["awardingBody"]?.items.first, let name = organisationName(body) { credential.issuer = name }
            if let awarded = awarding["awardingDate"], let day = date(awarded) { credential.earned = day }
        }
        let parts = (claim["hasPart"]?.items ?? []).compactMap { $0["title"]?.text }
        if !parts.isEmpty {
            credential.notes.append("has \(parts.count) part\(parts.count == 1 ? "" : "s") not imported separately: \(parts.joined(separator: "; "))")
        }
        found.append(credential)
    }

    func readCreditPoint(_ point: Located, into credential: inout WalletCredential) {
        guard point.isObject else {
            error(point.path, "must be a CreditPoint object with \"framework\" and \"point\", found \(point.value.typeName)")
            return
        }
        guard let figure = point["point"] else {
            error("\(point.path).point", "is required: the number of credits")
            return
        }
        guard let value = amount(figure, what: "a credit point") else { return }
        let framework = point["framework"]
        if let framework, isECTS(framework) {
            if let ects = credential.ects {
                if ects != value {
                    credential.notes.append("a second ECTS figure, \(formatted(value)) at \(figure.path), differs from \(formatted(ects)); the first is used")
                }
            } else {
                credential.ects = value
            }
        } else {
            credential.otherCredits.append(.init(value: value, unit: frameworkName(framework), path: figure.path,
                                                 framework: (framework?["id"] ?? framework?["@id"])?.string))
        }
    }
}
