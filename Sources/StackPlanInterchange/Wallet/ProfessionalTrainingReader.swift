import StackPlanCore

/// The EU professional-training certificate of the EAA rulebook (the DC4EU pilot's
/// `ProfessionalTrainingCredential`, JSON schema `trainingCert/0.0.1`): one qualification under
/// `credentialSubject.qualification`, with its EQF level, the training's dates, its volume of
/// learning and credit points in systems other than ECTS (Spanish CME credits, UEMS-EACCME
/// credits), and the issuer's accreditations.
extension WalletParser {
    /// A credential that does not name the type but has the profile's `qualification` claim.
    func looksLikeProfessionalTraining(_ node: Located) -> Bool {
        (node["credentialSubject"]?.items ?? []).contains { subject in
            guard let qualification = subject["qualification"], qualification.isObject else { return false }
            return qualification["trainingAwarded"] != nil || qualification["trainingDuration"] != nil || qualification["creditPoint"] != nil
        }
    }

    func readProfessionalTraining(_ node: Located, envelope: Envelope) {
        guard let subjects = node["credentialSubject"] else {
            error("\(node.path).credentialSubject", "is required: it holds the qualification the training led to")
            return
        }
        // The profile names its issuer under `name` as a language map, as other profiles name `legalName`.
        let issuerName = organisationName(node["issuer"])
        let accreditations = (node["issuer"]?["accreditation"]?.items ?? []).compactMap { $0["accreditationBody"]?.text }
        for subject in subjects.items {
            guard let qualification = subject["qualification"] else {
                error("\(subject.path).qualification", "is required: a professional training certificate states its qualification here")
                continue
            }
            guard qualification.isObject else {
                error(qualification.path, "must be an object, found \(qualification.value.typeName)")
                continue
            }
            var credential = newCredential(format: .professionalTraining, path: qualification.path, envelope: envelope)
            credential.issuer = issuerName ?? credential.issuer
            credential.accreditedBy = accreditations
            // The training awarded names what was done; the title, the programme it belongs to.
            let title = qualification["title"]?.text
            let awarded = qualification["trainingAwarded"]?.text
            credential.title = awarded ?? title
            if let title, let awarded, normalised(title) != normalised(awarded) {
                credential.notes.append("the training \"\(awarded)\" is part of the programme \"\(title)\"")
            }
            if let id = qualification["id"]?.string { credential.identifiers.appendOnce(id) }
            if let id = envelope.id { credential.identifiers.appendOnce(id) }
            credential.achievementID = qualification["id"]?.string
            if let level = qualification["level"]?["eqfLevel"] ?? qualification["eqfLevel"] { credential.eqf = eqfLevel(level) }
            if let volume = qualification["volumeOfLearning"] { credential.hours = learningHours(volume, notes: &credential.notes) }
            for point in qualification["creditPoint"]?.items ?? [] { readCreditPoint(point, into: &credential) }
            if let end = qualification["trainingDuration"]?["endDate"] { credential.completed = date(end) }
            for outcome in qualification["learningOutcomes"]?.items ?? [] {
                // Placeholder descriptions ("...") say nothing.
                if let text = outcome["description"]?.text, text.contains(where: \.isLetter) { credential.learningOutcomes.appendOnce(text) }
            }
            found.append(credential)
        }
    }
}
