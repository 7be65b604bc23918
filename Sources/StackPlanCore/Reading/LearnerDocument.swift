import Foundation

/// Reads learner profiles, described in docs/data-format.md.
public enum LearnerDocument {
    static let profileFields: Set<String> = [
        "id", "name", "held", "budget", "maxHours", "modes", "languages", "accreditedOnly", "excludeProviders", "today",
        "start", "hoursPerWeek", "deadline", "exceptions", "verifiedOnly", "places", "goals",
    ]
    static let heldFields: Set<String> = [
        "credential", "title", "ects", "hours", "eqf", "competencies", "provider", "kind", "accredited", "earned",
        "code", "isced", "escoSkills", "grade", "gradeScale",
    ]

    public static func read(_ data: Data, file: String? = nil) throws -> LearnerProfile {
        let log = IssueLog()
        let json = try CatalogueDocument.parseJSON(data, file: file)
        let profile = parse(json, log: log)
        if let profile, !log.issues.contains(where: { $0.severity == .error }) { return profile }
        throw InvalidDocument(file: file, issues: log.issues)
    }

    static func parse(_ json: JSON, log: IssueLog) -> LearnerProfile? {
        guard let root = ObjectReader(json, path: "$", log: log) else { return nil }
        var held: [HeldCredential] = []
        for (index, value) in (root.array("held") ?? []).enumerated() {
            if let item = readHeld(value, path: "$.held[\(index)]", log: log) { held.append(item) }
        }
        var modes: [DeliveryMode]?
        if let names = root.strings("modes") {
            modes = names.compactMap { name in
                let mode = DeliveryMode(rawValue: name)
                if mode == nil { log.error("$.modes", "\(name.quotedForMessage) is not a mode (online, blended, in-person)") }
                return mode
            }
        }
        let languages = root.strings("languages")
        for (index, language) in (languages ?? []).enumerated() where !language.isLanguageCode {
            log.error("$.languages[\(index)]", "must be a two-letter ISO 639-1 code such as \"en\", found \(language.quotedForMessage)")
        }
        let constraints = LearnerConstraints(
            budget: root.number("budget", within: InputLimits.budget), maxHours: root.number("maxHours", within: InputLimits.maxHours),
            modes: modes, languages: languages, accreditedOnly: root.bool("accreditedOnly") ?? false,
            excludeProviders: root.identifiers("excludeProviders") ?? [], deadline: root.day("deadline"),
            places: readPlaces(root, log: log))
        var constraintsWithVerification = constraints
        constraintsWithVerification.verifiedOnly = root.bool("verifiedOnly") ?? false
        var profile = LearnerProfile(
            id: root.identifier("id"), name: root.string("name"), held: held, constraints: constraintsWithVerification, today: root.day("today"))
        profile.start = root.day("start")
        profile.hoursPerWeek = root.number("hoursPerWeek", within: InputLimits.hoursPerWeek)
        if let start = profile.start, let deadline = constraints.deadline, deadline < start {
            log.error("$.deadline", "is \(deadline), before the start \(start)")
        }
        profile.exceptions = (root.array("exceptions") ?? []).enumerated().compactMap { index, value in
            readException(value, path: "$.exceptions[\(index)]", log: log)
        }
        let goals = root.identifiers("goals") ?? []
        for (index, goal) in goals.enumerated() where goals[..<index].contains(goal) {
            log.error("$.goals[\(index)]", "repeats the goal \(goal.quotedForMessage)")
        }
        profile.goals = goals
        profile.extra = root.extra(known: profileFields)
        return profile
    }

    /// `places`: the localities where the learner can attend in person, at least one.
    static func readPlaces(_ root: ObjectReader, log: IssueLog) -> [Locality]? {
        guard let items = root.array("places") else { return nil }
        if items.isEmpty {
            log.error(root.at("places"), "must list at least one country or city; leave it out to study anywhere")
            return nil
        }
        let localities = items.enumerated().map { index, value in
            CatalogueDocument.readLocality(value, path: "\(root.at("places"))[\(index)]", record: nil, log: log)
        }
        return localities.contains { $0 == nil } ? nil : localities.compactMap { $0 }
    }

    static func readHeld(_ value: JSON, path: String, log: IssueLog) -> HeldCredential? {
        guard let reader = ObjectReader(value, path: path, log: log) else { return nil }
        let earned = reader.day("earned")
        var item: HeldCredential?
        if reader.has("credential") {
            if let id = reader.identifier("credential", required: true) { item = .catalogue(id, earned: earned) }
        } else if reader.has("title") {
            let title = reader.string("title", required: true)
            // Whole prior awards count here (a 240-ECTS degree); the qualification's caps decide how much of it counts.
            let ects = reader.number("ects", within: InputLimits.ects)
            let hours = reader.number("hours", within: InputLimits.hours)
            let eqf = reader.integer("eqf", within: InputLimits.eqfLevels, meaning: "an EQF level", required: true)
            if !reader.has("ects") && !reader.has("hours") { log.error(path, "an external held credential needs \"ects\" or \"hours\"") }
            if let title, let eqf, ects != nil || hours != nil {
                var external = ExternalCredential(
                    title: title, ects: ects, hours: hours, eqf: eqf, competencies: reader.identifiers("competencies") ?? [],
                    provider: reader.identifier("provider"), kind: reader.enumeration("kind", CredentialKind.self),
                    accredited: reader.bool("accredited") ?? false)
                CatalogueDocument.readClassification(reader) { external.code = $0; external.isced = $1; external.escoSkills = $2 }
                item = HeldCredential(.external(external), earned: earned)
            }
        } else {
            log.error(path, "needs \"credential\" (a catalogue id) or \"title\" (an external credential)")
        }
        item?.grade = CatalogueDocument.readHeldGrade(reader)
        item?.extra = reader.extra(known: heldFields)
        return item
    }

    public static func json(_ profile: LearnerProfile) -> JSON {
        var fields = profile.extra
        fields["id"] = profile.id.map(JSON.string)
        fields["name"] = profile.name.map(JSON.string)
        fields["held"] = .array(profile.held.map(json))
        let constraints = profile.constraints
        fields["budget"] = constraints.budget.map(JSON.number)
        fields["maxHours"] = constraints.maxHours.map(JSON.number)
        fields["modes"] = constraints.modes.map { .array($0.map { .string($0.rawValue) }) }
        fields["languages"] = constraints.languages.map { .array($0.map(JSON.string)) }
        if constraints.accreditedOnly { fields["accreditedOnly"] = .bool(true) }
        if constraints.verifiedOnly { fields["verifiedOnly"] = .bool(true) }
        if !constraints.excludeProviders.isEmpty { fields["excludeProviders"] = .array(constraints.excludeProviders.map(JSON.string)) }
        fields["today"] = profile.today.map { .string($0.description) }
        fields["start"] = profile.start.map { .string($0.description) }
        fields["hoursPerWeek"] = profile.hoursPerWeek.map(JSON.number)
        fields["deadline"] = constraints.deadline.map { .string($0.description) }
        fields["places"] = constraints.places.map { .array($0.map(CatalogueDocument.json)) }
        if !profile.exceptions.isEmpty { fields["exceptions"] = .array(profile.exceptions.map(json)) }
        if !profile.goals.isEmpty { fields["goals"] = .array(profile.goals.map(JSON.string)) }
        return .object(fields)
    }

    public static func json(_ held: HeldCredential) -> JSON {
        var fields = held.extra
        switch held.source {
        case .catalogue(let id): fields["credential"] = .string(id)
        case .external(let external):
            fields["title"] = .string(external.title)
            fields["ects"] = external.ects.map(JSON.number)
            fields["hours"] = external.hours.map(JSON.number)
            fields["eqf"] = .number(Double(external.eqf))
            if !external.competencies.isEmpty { fields["competencies"] = .array(external.competencies.map(JSON.string)) }
            fields["code"] = external.code.map(JSON.string)
            if !external.isced.isEmpty { fields["isced"] = .array(external.isced.map(JSON.string)) }
            if !external.escoSkills.isEmpty { fields["escoSkills"] = .array(external.escoSkills.map(JSON.string)) }
            fields["provider"] = external.provider.map(JSON.string)
            fields["kind"] = external.kind.map { .string($0.rawValue) }
            if external.accredited { fields["accredited"] = .bool(true) }
        }
        fields["earned"] = held.earned.map { .string($0.description) }
        if let grade = held.grade {
            fields["grade"] = .string(grade.text)
            fields["gradeScale"] = .string(grade.scale)
        }
        return .object(fields)
    }
}

extension LearnerDocument {
    /// Problems of a readable profile that only the catalogue reveals: unknown held credentials and providers.
    public static func problems(_ profile: LearnerProfile, in catalogue: Catalogue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for (index, held) in profile.held.enumerated() {
            guard let id = held.catalogueID, catalogue.credential(id) == nil else { continue }
            issues.append(ValidationIssue(path: "$.held[\(index)].credential", message: catalogue.qualification(id) != nil
                ? "\(id.quotedForMessage) is a qualification: list the credentials it was awarded for, or describe it as an external credential"
                : "refers to credential \(id.quotedForMessage), which the catalogue does not have"))
        }
        for (index, provider) in profile.constraints.excludeProviders.enumerated() where catalogue.provider(provider) == nil {
            issues.append(ValidationIssue(path: "$.excludeProviders[\(index)]", message: "the catalogue has no provider \(provider.quotedForMessage)", severity: .warning))
        }
        return issues
    }
}

extension LearnerDocument {
    static let exceptionFields: Set<String> = ["qualification", "waive", "substitute", "with", "apply", "to", "note"]

    /// One of `{"waive": PATH}`, `{"substitute": OLD, "with": NEW}`, `{"apply": HELD, "to": PATH}`,
    /// each with the `qualification` it belongs to and an optional `note`. A profile must name
    /// the qualification; a request that plans toward one target may leave it to default to that
    /// (`qualificationRequired: false`).
    package static func readException(_ value: JSON, path: String, log: IssueLog, qualificationRequired: Bool = true) -> AdvisorException? {
        guard let reader = ObjectReader(value, path: path, log: log) else { return nil }
        let qualification = reader.identifier("qualification", required: qualificationRequired)
        let shapes = ["waive", "substitute", "apply"].filter(reader.has)
        guard shapes.count == 1 else {
            log.error(path, shapes.isEmpty
                ? "needs one of \"waive\" (a requirement path), \"substitute\" with \"with\", or \"apply\" with \"to\""
                : "has \(shapes.map { "\"\($0)\"" }.joined(separator: " and ")): give one exception per entry")
            return nil
        }
        let rule: AdvisorException.Rule?
        switch shapes[0] {
        case "waive":
            rule = reader.string("waive", required: true).map { .waive(path: $0) }
        case "substitute":
            let old = reader.identifier("substitute", required: true), new = heldReference(reader, "with")
            rule = old.flatMap { old in new.map { .substitute(old: old, new: $0) } }
        default:
            let item = heldReference(reader, "apply"), target = reader.string("to", required: true)
            rule = item.flatMap { item in target.map { .apply(item: item, path: $0) } }
        }
        guard let rule, qualification != nil || !qualificationRequired else { return nil }
        var exception = AdvisorException(rule, qualification: qualification, note: reader.string("note"), origin: path)
        exception.extra = reader.extra(known: exceptionFields)
        return exception
    }

    /// A catalogue id, or `held[N]` naming an external held item by its position.
    static func heldReference(_ reader: ObjectReader, _ key: String) -> String? {
        guard let text = reader.string(key, required: true) else { return nil }
        if InputLimits.isIdentifier(text) || isHeldPosition(text) { return text }
        reader.log.error(reader.at(key), "must be a credential id (\(InputLimits.identifierRule)) or held[N], found \(text.quotedForMessage)", record: reader.record)
        return nil
    }

    static func isHeldPosition(_ text: String) -> Bool {
        guard text.hasPrefix("held["), text.hasSuffix("]") else { return false }
        let digits = text.dropFirst(5).dropLast()
        return (1...9).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func json(_ exception: AdvisorException) -> JSON {
        var fields = exception.extra
        fields["qualification"] = exception.qualification.map(JSON.string)
        switch exception.rule {
        case .waive(let path): fields["waive"] = .string(path)
        case .substitute(let old, let new):
            fields["substitute"] = .string(old)
            fields["with"] = .string(new)
        case .apply(let item, let path):
            fields["apply"] = .string(item)
            fields["to"] = .string(path)
        }
        fields["note"] = exception.note.map(JSON.string)
        return .object(fields)
    }
}
