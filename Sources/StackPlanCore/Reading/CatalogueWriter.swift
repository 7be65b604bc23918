import Foundation

extension CatalogueDocument {
    /// The catalogue as a `stackplan/1` document; reading it back gives an equal catalogue.
    public static func json(_ catalogue: Catalogue) -> JSON {
        var root: [String: JSON] = [
            "format": .string(Catalogue.formatName),
            "baseCurrency": .string(catalogue.baseCurrency),
            "providers": .array(catalogue.providers.map(json)),
            "credentials": .array(catalogue.credentials.map(json)),
            "qualifications": .array(catalogue.qualifications.map(json)),
        ]
        if !catalogue.exchangeRates.isEmpty { root["exchangeRates"] = .object(catalogue.exchangeRates.mapValues(JSON.number)) }
        return .object(root)
    }

    public static func data(_ catalogue: Catalogue, pretty: Bool = true) -> Data { json(catalogue).serialized(pretty: pretty) }

    public static func json(_ provider: Provider) -> JSON {
        var fields = provider.extra
        fields["id"] = .string(provider.id)
        fields["name"] = .string(provider.name)
        fields["country"] = .string(provider.country)
        fields["accredited"] = .bool(provider.accredited)
        fields["url"] = provider.url.map(JSON.string)
        fields["source"] = provider.source.map(JSON.string)
        return .object(fields)
    }

    public static func json(_ credential: Credential) -> JSON {
        var fields = credential.extra
        fields["id"] = .string(credential.id)
        fields["title"] = .string(credential.title)
        fields["provider"] = .string(credential.provider)
        fields["kind"] = .string(credential.kind.rawValue)
        fields["ects"] = credential.ects.map(JSON.number)
        fields["hours"] = credential.hours.map(JSON.number)
        fields["eqf"] = .number(Double(credential.eqf))
        fields["cost"] = .number(credential.cost)
        fields["currency"] = credential.currency.map(JSON.string)
        fields["weeks"] = credential.weeks.map { .number(Double($0)) }
        fields["mode"] = .string(credential.mode.rawValue)
        fields["place"] = credential.place.map(json)
        fields["languages"] = .array(credential.languages.map(JSON.string))
        fields["accredited"] = credential.accredited.map(JSON.bool)
        if !credential.competencies.isEmpty { fields["competencies"] = .array(credential.competencies.map(JSON.string)) }
        fields["code"] = credential.code.map(JSON.string)
        if !credential.isced.isEmpty { fields["isced"] = .array(credential.isced.map(JSON.string)) }
        if !credential.escoSkills.isEmpty { fields["escoSkills"] = .array(credential.escoSkills.map(JSON.string)) }
        fields["prerequisites"] = credential.prerequisites.map(json)
        if !credential.excludes.isEmpty { fields["excludes"] = .array(credential.excludes.map(JSON.string)) }
        fields["repeatable"] = credential.repeatable.map { .number(Double($0)) }
        if !credential.learningOutcomes.isEmpty { fields["learningOutcomes"] = .array(credential.learningOutcomes.map(JSON.string)) }
        fields["assessment"] = credential.assessment.map(JSON.string)
        fields["qualityAssurance"] = credential.qualityAssurance.map(JSON.string)
        fields["source"] = credential.source.map(JSON.string)
        if credential.invented { fields["invented"] = .bool(true) }
        if !credential.cpd.isEmpty { fields["cpd"] = .array(credential.cpd.map(json)) }
        if !credential.offerings.isEmpty { fields["offerings"] = .array(credential.offerings.map(json)) }
        return .object(fields)
    }

    public static func json(_ offering: Offering) -> JSON {
        var fields: [String: JSON] = ["start": .string(offering.start.description)]
        fields["id"] = offering.id.map(JSON.string)
        fields["weeks"] = offering.weeks.map { .number(Double($0)) }
        fields["cost"] = offering.cost.map(JSON.number)
        fields["seats"] = offering.seats.map { .number(Double($0)) }
        fields["place"] = offering.place.map(json)
        return .object(fields)
    }

    public static func json(_ prerequisite: Prerequisite) -> JSON {
        switch prerequisite {
        case .credential(let id): .object(["credential": .string(id)])
        case .corequisite(let id): .object(["credential": .string(id), "corequisite": .bool(true)])
        case .allOf(let children): .object(["allOf": .array(children.map(json))])
        case .anyOf(let children): .object(["anyOf": .array(children.map(json))])
        case .atLeast(let count, let children): .object(["atLeast": .number(Double(count)), "of": .array(children.map(json))])
        }
    }

    public static func json(_ qualification: Qualification) -> JSON {
        var fields = qualification.extra
        fields["id"] = .string(qualification.id)
        fields["title"] = .string(qualification.title)
        fields["provider"] = .string(qualification.provider)
        fields["eqf"] = .number(Double(qualification.eqf))
        fields["ects"] = .number(qualification.ects)
        var rules: [String: JSON] = [:]
        rules["maxPriorEcts"] = qualification.rules.maxPriorECTS.map(JSON.number)
        rules["priorWithinYears"] = qualification.rules.priorWithinYears.map(JSON.number)
        rules["sharedCounting"] = .bool(qualification.rules.sharedCounting)
        rules["meanGrade"] = qualification.rules.meanGrade.map(json)
        fields["rules"] = .object(rules)
        fields["requires"] = json(qualification.requires)
        fields["source"] = qualification.source.map(JSON.string)
        if qualification.invented { fields["invented"] = .bool(true) }
        return .object(fields)
    }

    public static func json(_ node: RequirementNode) -> JSON {
        var fields: [String: JSON]
        switch node.rule {
        case .credential(let id): fields = ["credential": .string(id)]
        case .qualification(let id): fields = ["qualification": .string(id)]
        case .allOf(let children): fields = ["allOf": .array(children.map(json))]
        case .anyOf(let children): fields = ["anyOf": .array(children.map(json))]
        case .atLeast(let count, let children): fields = ["atLeast": .number(Double(count)), "of": .array(children.map(json))]
        case .credits(let minimum, let filter): fields = ["credits": .number(minimum), "where": json(filter)]
        case .count(let minimum, let filter): fields = ["count": .number(Double(minimum)), "where": json(filter)]
        case .maxCredits(let maximum, let filter): fields = ["maxCredits": .number(maximum), "where": json(filter)]
        }
        fields["label"] = node.label.map(JSON.string)
        fields["scope"] = node.scope.map(JSON.string)
        if let distinct = node.distinct {
            var rule: [String: JSON] = ["by": .string(distinct.by.rawValue)]
            rule["atLeast"] = distinct.atLeast.map { .number(Double($0)) }
            rule["atMostEach"] = distinct.atMostEach.map { .number(Double($0)) }
            fields["distinct"] = .object(rule)
        }
        if node.capReach != .qualification { fields["within"] = .string(node.capReach.rawValue) }
        fields["meanGrade"] = node.meanGrade.map(json)
        return .object(fields)
    }

    /// A grade threshold as catalogues write it: `{"scale": "us-letter", "grade": "B-"}`.
    public static func json(_ grade: Grade) -> JSON {
        .object(["scale": .string(grade.scale), "grade": .string(grade.text)])
    }

    public static func json(_ filter: CredentialFilter) -> JSON {
        var fields: [String: JSON] = [:]
        fields["ids"] = filter.ids.map { .array($0.map(JSON.string)) }
        fields["competency"] = filter.competencies.map { .array($0.map(JSON.string)) }
        fields["minEqf"] = filter.minEQF.map { .number(Double($0)) }
        fields["maxEqf"] = filter.maxEQF.map { .number(Double($0)) }
        fields["kind"] = filter.kinds.map { .array($0.map { .string($0.rawValue) }) }
        fields["provider"] = filter.providers.map { .array($0.map(JSON.string)) }
        fields["accredited"] = filter.accredited.map(JSON.bool)
        fields["code"] = filter.codes.map { .array($0.map(JSON.string)) }
        fields["codeRange"] = filter.codeRanges.map { .array($0.map { range in
            .object(["prefix": .string(range.prefix), "from": .number(Double(range.from)), "to": .number(Double(range.to))])
        }) }
        fields["minEcts"] = filter.minECTS.map(JSON.number)
        fields["maxEcts"] = filter.maxECTS.map(JSON.number)
        fields["isced"] = filter.isced.map { .array($0.map(JSON.string)) }
        fields["escoSkill"] = filter.escoSkills.map { .array($0.map(JSON.string)) }
        fields["allOf"] = filter.allOf.map { .array($0.map(json)) }
        fields["anyOf"] = filter.anyOf.map { .array($0.map(json)) }
        // `not` holds one filter; several negated filters are written as not(anyOf(…)).
        if let negated = filter.notAnyOf {
            fields["not"] = negated.count == 1 ? json(negated[0]) : json(CredentialFilter(anyOf: negated))
        }
        fields["minGrade"] = filter.minGrade.map(json)
        return .object(fields)
    }
}
