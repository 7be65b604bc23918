import Foundation
import StackPlanCore

/// A catalogue read from Credential Engine CTDL JSON-LD (`stackplan import --format ctdl`):
/// credentials and learning opportunities with their credit values, credit units and levels;
/// credentials' `requires` condition profiles and pathways (destination component, component
/// conditions) as qualifications. What cannot be mapped is reported by its JSON path and left
/// out, never guessed (docs/interchange.md, "CTDL").
///
/// The reader works on the JSON as written: a document with `@graph`, an array of resources, or
/// one resource; keys with or without the `ceterms:`/`schema:` prefixes, `@id`/`id`, `@type`/`type`.
/// It builds the catalogue's own JSON document and hands it to ``CatalogueDocument``, so the
/// result obeys every rule of the native format.
public struct CTDLCatalogue: Sendable {
    /// What a CTDL document does not say and the person importing states instead.
    public struct Defaults: Sendable, Equatable {
        /// EQF level for resources whose level CTDL does not give.
        public var eqf: Int?
        /// Country of providers whose address gives none (ISO 3166-1 alpha-2).
        public var country: String?
        /// Delivery of resources that state no `deliveryType`.
        public var mode: DeliveryMode?
        /// ECTS per unit, for credit units without a fixed conversion: `SemesterHour` → 2.
        public var creditRates: [String: Double] = [:]
        /// The provider of resources that name none, by id.
        public var provider: String?

        public init(eqf: Int? = nil, country: String? = nil, mode: DeliveryMode? = nil, creditRates: [String: Double] = [:], provider: String? = nil) {
            self.eqf = eqf
            self.country = country
            self.mode = mode
            self.creditRates = creditRates
            self.provider = provider
        }
    }

    public private(set) var catalogue: Catalogue
    /// Everything the reader could not map, each at its JSON path in the CTDL document (warnings).
    public private(set) var unmapped: [ValidationIssue] = []

    /// A resource of the graph with where it is in the document.
    struct Resource {
        var id: String
        var types: [String]
        var fields: [String: JSON]
        var path: String

        func value(_ key: String) -> JSON? { CTDLCatalogue.field(fields, key) }
        func at(_ key: String) -> String { CTDLCatalogue.path(path, CTDLCatalogue.writtenKey(fields, key)) }
        func isA(_ names: Set<String>) -> Bool { types.contains { names.contains($0) } }
    }

    static let credentialTypes: Set<String> = [
        "Credential", "Certificate", "Certification", "Badge", "DigitalBadge", "OpenBadge", "MicroCredential", "Diploma",
        "Degree", "AssociateDegree", "BachelorDegree", "MasterDegree", "DoctoralDegree", "ProfessionalDegree", "ResearchDoctorate",
        "GeneralEducationDevelopment", "ApprenticeshipCertificate", "JourneymanCertificate", "MasterCertificate", "License",
        "QualityAssuranceCredential", "SecondarySchoolDiploma", "ProfessionalDoctorate", "BasicTechnicalCertificate",
        "CertificateOfCompletion", "CertificateOfParticipation", "AcademicCertificate",
    ]
    static let learningTypes: Set<String> = ["Course", "LearningOpportunityProfile", "LearningOpportunity", "LearningProgram", "AssessmentProfile"]
    static let organizationTypes: Set<String> = ["CredentialOrganization", "QACredentialOrganization", "Organization"]
    static let componentTypes: Set<String> = [
        "PathwayComponent", "BasicComponent", "CocurricularComponent", "CompetencyComponent", "CourseComponent",
        "CredentialComponent", "ExtracurricularComponent", "JobComponent", "WorkExperienceComponent", "AssessmentComponent",
        "SelectionComponent", "MultiComponent",
    ]

    /// Reads a CTDL document. Throws ``InvalidDocument`` when it is no JSON, holds no resource
    /// StackPlan can map, or what it maps breaks the catalogue's rules.
    public init(_ data: Data, file: String? = nil, defaults: Defaults = Defaults(), resolvingAgainst existing: Catalogue? = nil) throws {
        let root: JSON
        do {
            root = try JSON.parse(data)
        } catch {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "$", message: "is not JSON: \(error)")])
        }
        var reader = Reader(defaults: defaults)
        reader.collect(root)
        let document = reader.document()
        unmapped = reader.issues
        if reader.mapped == 0 {
            throw InvalidDocument(file: file, issues: reader.issues + [ValidationIssue(path: "$", message: "holds no credential, learning opportunity or pathway StackPlan can import")])
        }
        do {
            catalogue = try CatalogueDocument.read(document.serialized(), file: file, resolvingAgainst: existing)
        } catch let invalid as InvalidDocument {
            throw InvalidDocument(file: file, issues: reader.issues + invalid.issues)
        }
    }

    // MARK: Keys and paths

    /// A field by its CTDL name, written with or without its prefix.
    static func field(_ fields: [String: JSON], _ key: String) -> JSON? {
        for written in [key, "ceterms:" + key, "schema:" + key, "ceasn:" + key] { if let value = fields[written], value != .null { return value } }
        return nil
    }

    static func writtenKey(_ fields: [String: JSON], _ key: String) -> String {
        ["ceterms:" + key, "schema:" + key, "ceasn:" + key].first { fields[$0] != nil } ?? key
    }

    /// `$["@graph"][3]["ceterms:creditValue"]`: bracket notation, as CTDL keys hold `@` and `:`.
    static func path(_ base: String, _ key: String) -> String { "\(base)[\"\(key)\"]" }

    /// The last part of a CTDL term (`creditUnit:SemesterHour` → `SemesterHour`, a URL's last segment).
    static func term(_ text: String) -> String {
        let afterSlash = text.split(separator: "/").last.map(String.init) ?? text
        return afterSlash.split(separator: ":").last.map(String.init) ?? afterSlash
    }

    static func list(_ value: JSON?) -> [JSON] {
        switch value {
        case .array(let items)?: items
        case nil, .null?: []
        case let single?: [single]
        }
    }

    /// A language map's text (`{"en-US": "…"}`), English first, else the first language in key order; or a plain string.
    static func text(_ value: JSON?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .object(let map)?:
            let key = map.keys.sorted().first { $0.lowercased().hasPrefix("en") || $0.lowercased().hasPrefix("@en") } ?? map.keys.sorted().first
            return key.flatMap { key in
                switch map[key] {
                case .string(let text)?: text
                case .array(let items)?: items.compactMap { if case .string(let text) = $0 { text } else { nil } }.first
                default: nil
                }
            }
        default: return nil
        }
    }

    /// An ISO 4217 code, as written or from the currency's English name as ISO 4217 lists it
    /// (registry documents write `"US Dollar"`); `nil` for anything else.
    static func currencyCode(_ written: String) -> String? {
        let trimmed = written.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 3, trimmed == trimmed.uppercased(), trimmed.allSatisfy(\.isLetter) { return trimmed }
        let names = [
            "us dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "canadian dollar": "CAD", "australian dollar": "AUD",
            "new zealand dollar": "NZD", "swiss franc": "CHF", "yen": "JPY", "indian rupee": "INR",
        ]
        return names[trimmed.lowercased()]
    }

    /// A reference's IRI: a string, or an object's `@id`.
    static func reference(_ value: JSON) -> String? {
        switch value {
        case .string(let id): id
        case .object(let fields): (fields["@id"] ?? fields["id"]).flatMap { if case .string(let id) = $0 { id } else { nil } }
        default: nil
        }
    }

    // MARK: Mapping

    struct Reader {
        let defaults: Defaults
        var resources: [String: Resource] = [:]
        var order: [String] = []
        var issues: [ValidationIssue] = []
        var providers: [String: JSON] = [:]
        var credentials: [String: JSON] = [:]
        var qualifications: [String: JSON] = [:]
        /// CTDL IRI → the id the imported record has.
        var ids: [String: String] = [:]
        var mapped: Int { credentials.count + qualifications.count }

        init(defaults: Defaults) { self.defaults = defaults }

        mutating func note(_ path: String, _ message: String) {
            issues.append(ValidationIssue(path: path, message: message, severity: .warning))
        }

        /// Every resource of the document, with its path: the `@graph`, an array, or the one object.
        mutating func collect(_ root: JSON) {
            var nodes: [(JSON, String)] = []
            if case .object(let fields) = root, let graph = fields["@graph"] {
                nodes = CTDLCatalogue.list(graph).enumerated().map { ($1, "$[\"@graph\"][\($0)]") }
            } else if case .array(let items) = root {
                nodes = items.enumerated().map { ($1, "$[\($0)]") }
            } else {
                nodes = [(root, "$")]
            }
            for (node, path) in nodes {
                guard case .object(let fields) = node else { note(path, "is not a resource (an object); left out"); continue }
                guard let id = CTDLCatalogue.reference(node) else { note(path, "has no @id; left out"); continue }
                let types = CTDLCatalogue.list(fields["@type"] ?? fields["type"]).compactMap { if case .string(let type) = $0 { CTDLCatalogue.term(type) } else { nil } }
                if resources[id] == nil { order.append(id) }
                resources[id] = Resource(id: id, types: types, fields: fields, path: path)
            }
        }

        /// The imported id of a resource: its CTID when it has one, else its IRI (both fit StackPlan's identifiers).
        func importedID(_ resource: Resource) -> String? {
            if case .string(let ctid)? = resource.value("ctid"), InputLimits.isIdentifier(ctid) { return ctid }
            return InputLimits.isIdentifier(resource.id) ? resource.id : nil
        }

        mutating func document() -> JSON {
            // Organizations first, then credentials and learning opportunities, then what requires them.
            for id in order { if let resource = resources[id], resource.isA(CTDLCatalogue.organizationTypes) { mapProvider(resource) } }
            var withRequirements: [Resource] = []
            for id in order {
                guard let resource = resources[id] else { continue }
                if resource.isA(CTDLCatalogue.credentialTypes) && !CTDLCatalogue.list(resource.value("requires")).isEmpty {
                    withRequirements.append(resource)
                } else if resource.isA(CTDLCatalogue.credentialTypes) || resource.isA(CTDLCatalogue.learningTypes) {
                    mapCredential(resource)
                }
            }
            for resource in withRequirements { mapRequiringCredential(resource) }
            for id in order { if let resource = resources[id], resource.isA(["Pathway"]) { mapPathway(resource) } }
            for id in order {
                guard let resource = resources[id] else { continue }
                let known = CTDLCatalogue.credentialTypes.union(CTDLCatalogue.learningTypes).union(CTDLCatalogue.organizationTypes)
                    .union(CTDLCatalogue.componentTypes).union(["Pathway", "ComponentCondition", "ConditionProfile", "ValueProfile"])
                if !resource.isA(known) { note(resource.path, "is a \(resource.types.joined(separator: ", ")), which StackPlan does not import; left out") }
            }
            return .object([
                "format": .string(Catalogue.formatName),
                "providers": .array(providers.keys.sorted().compactMap { providers[$0] }),
                "credentials": .array(credentials.keys.sorted().compactMap { credentials[$0] }),
                "qualifications": .array(qualifications.keys.sorted().compactMap { qualifications[$0] }),
            ])
        }

        // MARK: Providers

        mutating func mapProvider(_ resource: Resource) {
            guard let id = importedID(resource) else { note(resource.path, "its @id is not an identifier StackPlan can keep; left out"); return }
            guard let name = CTDLCatalogue.text(resource.value("name")) else { note(resource.at("name"), "is missing: an organization needs a name; left out"); return }
            var country: String?
            for (index, address) in CTDLCatalogue.list(resource.value("address")).enumerated() {
                if case .string(let code)? = CTDLCatalogue.field(address.objectFields, "addressCountry"), code.count == 2 {
                    country = code.uppercased()
                    break
                } else if CTDLCatalogue.field(address.objectFields, "addressCountry") != nil {
                    note("\(resource.at("address"))[\(index)]", "its addressCountry is not a two-letter ISO 3166-1 code")
                }
            }
            guard let country = country ?? defaults.country else {
                note(resource.path, "organization \(name.quotedForMessage) states no country (ceterms:address with a two-letter addressCountry); give --ctdl-country; left out")
                return
            }
            ids[resource.id] = id
            var fields: [String: JSON] = ["id": .string(id), "name": .string(name), "country": .string(country)]
            if case .string(let page)? = resource.value("subjectWebpage") { fields["url"] = .string(page) }
            fields["source"] = .string(resource.id)
            providers[id] = .object(fields)
        }

        /// The provider of a resource: the first `ownedBy` or `offeredBy` organization imported.
        mutating func provider(of resource: Resource) -> String? {
            for key in ["ownedBy", "offeredBy"] {
                for reference in CTDLCatalogue.list(resource.value(key)).compactMap(CTDLCatalogue.reference) {
                    if let id = ids[reference], providers[id] != nil { return id }
                }
            }
            if let provider = defaults.provider { return provider }
            note(resource.path, "names no organization of the document (ownedBy, offeredBy) with a name and country; give --ctdl-provider; left out")
            return nil
        }

        // MARK: Credentials

        /// Credits in ECTS, or learning hours, from `creditValue`; `nil` (reported) when no value maps.
        mutating func credits(_ value: JSON?, at path: String) -> (ects: Double?, hours: Double?)? {
            for (index, profile) in CTDLCatalogue.list(value).enumerated() {
                let fields = profile.objectFields
                let here = "\(path)[\(index)]"
                guard case .number(let amount)? = CTDLCatalogue.field(fields, "value") else {
                    note(here, CTDLCatalogue.field(fields, "minValue") != nil ? "gives a range of credits (minValue–maxValue), not one value; not mapped" : "has no numeric value; not mapped")
                    continue
                }
                let units = CTDLCatalogue.list(CTDLCatalogue.field(fields, "creditUnitType") ?? CTDLCatalogue.field(fields, "unitText")).compactMap { unit -> String? in
                    if case .string(let text) = unit { return CTDLCatalogue.term(text) }
                    if case .string(let node)? = CTDLCatalogue.field(unit.objectFields, "targetNode") { return CTDLCatalogue.term(node) }
                    return nil
                }
                guard let unit = units.first else { note(here, "names no credit unit (creditUnitType); not mapped"); continue }
                let lowered = unit.lowercased()
                if lowered.contains("ects") || lowered == "europeancredittransfersystem" { return (amount, nil) }
                if lowered == "clockhour" { return (nil, amount) }
                // IACET's definition: one CEU is ten contact hours of participation.
                if lowered == "continuingeducationunit" { return (nil, amount * 10) }
                if let rate = defaults.creditRates[unit] ?? defaults.creditRates.first(where: { $0.key.lowercased() == lowered })?.value {
                    return (amount * rate, nil)
                }
                note(here, "credits in \(unit) have no fixed ECTS value; give --credit-rate \(unit)=ECTS; not mapped")
            }
            return nil
        }

        /// The EQF level: the Bologna cycles for degrees (associate 5, bachelor 6, master 7,
        /// doctoral 8), by type or audience or credit level; else the default; else `nil`, reported.
        mutating func level(of resource: Resource) -> Int? {
            let byName: [(String, Int)] = [("associate", 5), ("bachelor", 6), ("master", 7), ("doctoral", 8), ("doctorate", 8)]
            var names = resource.types
            for key in ["audienceLevelType", "creditLevelType"] {
                for value in CTDLCatalogue.list(resource.value(key)) {
                    if case .string(let text) = value { names.append(CTDLCatalogue.term(text)) }
                    if case .string(let node)? = CTDLCatalogue.field(value.objectFields, "targetNode") { names.append(CTDLCatalogue.term(node)) }
                }
            }
            for name in names {
                if let level = byName.first(where: { name.lowercased().contains($0.0) })?.1 { return level }
            }
            if let eqf = defaults.eqf { return eqf }
            note(resource.path, "states no level StackPlan can read as an EQF level (a degree type, or audienceLevelType of a degree cycle); give --ctdl-eqf; left out")
            return nil
        }

        mutating func mode(of resource: Resource) -> DeliveryMode? {
            var modes: Set<DeliveryMode> = []
            for value in CTDLCatalogue.list(resource.value("deliveryType")) {
                let node: String? = if case .string(let text) = value { text } else if case .string(let node)? = CTDLCatalogue.field(value.objectFields, "targetNode") { node } else { nil }
                switch node.map(CTDLCatalogue.term)?.lowercased() {
                case "onlineonly"?, "online"?: modes.insert(.online)
                case "inperson"?, "inpersononly"?: modes.insert(.inPerson)
                case "blendeddelivery"?, "blended"?: modes.insert(.blended)
                default: note(resource.at("deliveryType"), "\(node ?? "a value") is not a delivery type StackPlan knows (OnlineOnly, InPerson, BlendedDelivery)")
                }
            }
            if modes.count == 1 { return modes.first }
            if modes.count > 1 { return .blended }
            if let mode = defaults.mode { return mode }
            note(resource.path, "states no deliveryType; give --ctdl-mode; left out")
            return nil
        }

        /// The fields every imported record shares: id, title, provider, EQF level, source.
        /// Every missing field is reported, not only the first: a document from a registry often
        /// lacks several, and one import should name them all.
        mutating func basics(_ resource: Resource) -> [String: JSON]? {
            let id = importedID(resource)
            if id == nil { note(resource.path, "its @id is not an identifier StackPlan can keep (\(InputLimits.identifierRule)); left out") }
            let title = CTDLCatalogue.text(resource.value("name"))
            if title == nil { note(resource.at("name"), "is missing; left out") }
            let provider = provider(of: resource)
            let eqf = level(of: resource)
            guard let id, let title, let provider, let eqf else { return nil }
            ids[resource.id] = id
            return ["id": .string(id), "title": .string(title), "provider": .string(provider), "eqf": .number(Double(eqf)), "source": .string(resource.id)]
        }

        mutating func mapCredential(_ resource: Resource) {
            if resource.isA(CTDLCatalogue.learningTypes) { noteProgrammeStructure(resource) }
            let basics = basics(resource)
            let credit = credits(resource.value("creditValue"), at: resource.at("creditValue"))
            if credit == nil {
                let nonCredit = resource.value("isNonCredit") == .bool(true) ? " (it is marked isNonCredit)" : ""
                note(resource.path, "has no credit value StackPlan can read (ECTS, clock hours, CEUs, or a unit given --credit-rate)\(nonCredit); left out")
            }
            let mode = mode(of: resource)
            guard var fields = basics, let credit, let mode else { ids[resource.id] = nil; return }
            let kind: CredentialKind = resource.isA(["LearningProgram"]) ? .programme
                : resource.isA(CTDLCatalogue.learningTypes) ? .module
                : resource.types.contains { $0.hasSuffix("Degree") || $0.hasSuffix("Doctorate") } ? .qualification : .module
            fields["kind"] = .string(kind.rawValue)
            fields["ects"] = credit.ects.map(JSON.number)
            fields["hours"] = credit.hours.map(JSON.number)
            fields["mode"] = .string(mode.rawValue)
            let languages = CTDLCatalogue.list(resource.value("inLanguage")).compactMap { value -> JSON? in
                guard case .string(let tag) = value, let primary = tag.split(separator: "-").first, primary.count == 2 else { return nil }
                return .string(primary.lowercased())
            }
            if languages.isEmpty { note(resource.at("inLanguage"), "gives no language; English is not assumed: the record is left out") ; ids[resource.id] = nil; return }
            fields["languages"] = .array(Array(Set(languages.compactMap { if case .string(let code) = $0 { code } else { nil } })).sorted().map(JSON.string))
            let costs = CTDLCatalogue.list(resource.value("estimatedCost"))
            if costs.count == 1, case .number(let price)? = CTDLCatalogue.field(costs[0].objectFields, "price") {
                if case .string(let written)? = CTDLCatalogue.field(costs[0].objectFields, "currency"), let currency = CTDLCatalogue.currencyCode(written) {
                    fields["cost"] = .number(price)
                    fields["currency"] = .string(currency)
                } else {
                    note("\(resource.at("estimatedCost"))[0]", "its currency is not an ISO 4217 code; the cost is not mapped")
                }
            } else if costs.count > 1 {
                note(resource.at("estimatedCost"), "lists \(costs.count) cost profiles; which one a learner pays is not said, so no cost is mapped")
            }
            if case .string(let code)? = resource.value("codedNotation"), InputLimits.isCode(code) { fields["code"] = .string(code) }
            // Prerequisites: entry conditions and `prerequisite` references to imported resources.
            var needed: [JSON] = []
            for key in ["prerequisite", "entryCondition", "corequisite"] {
                for (index, condition) in CTDLCatalogue.list(resource.value(key)).enumerated() {
                    // Statements in words ("high-school mathematics") are for people to judge.
                    if CTDLCatalogue.field(condition.objectFields, "condition") != nil {
                        note(CTDLCatalogue.path("\(resource.at(key))[\(index)]", CTDLCatalogue.writtenKey(condition.objectFields, "condition")),
                             "states conditions in words, which StackPlan cannot check; not mapped")
                    }
                    let targets = targetReferences(condition)
                    if targets.isEmpty && CTDLCatalogue.reference(condition) == nil {
                        note("\(resource.at(key))[\(index)]", "states no target credential, course or assessment; not mapped")
                    }
                    for reference in targets.isEmpty ? [CTDLCatalogue.reference(condition)].compactMap({ $0 }) : targets {
                        if let resolved = resources[reference].flatMap(importedID) {
                            needed.append(key == "corequisite"
                                ? .object(["credential": .string(resolved), "corequisite": .bool(true)])
                                : .object(["credential": .string(resolved)]))
                        } else {
                            note("\(resource.at(key))[\(index)]", "names \(reference), which the document does not describe; not mapped")
                        }
                    }
                }
            }
            if !needed.isEmpty { fields["prerequisites"] = needed.count == 1 ? needed[0] : .object(["allOf": .array(needed)]) }
            credentials[fields["id"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? resource.id] = .object(fields)
        }

        /// A learning programme's parts (`hasPart`) and its own `requires` are not read as
        /// requirements: only credentials' condition profiles and pathways become qualifications.
        mutating func noteProgrammeStructure(_ resource: Resource) {
            if resource.value("hasPart") != nil {
                note(resource.at("hasPart"), "lists the programme's parts, which StackPlan does not read as requirements (describe them with a credential's requires or a pathway); not mapped")
            }
            if resource.value("requires") != nil {
                note(resource.at("requires"), "requirements of a learning opportunity are not read (only a credential's requires become a qualification); not mapped")
            }
        }

        func targetReferences(_ condition: JSON) -> [String] {
            let fields = condition.objectFields
            return ["targetCredential", "targetLearningOpportunity", "targetAssessment", "targetComponent"]
                .flatMap { CTDLCatalogue.list(CTDLCatalogue.field(fields, $0)).compactMap(CTDLCatalogue.reference) }
        }

        // MARK: Qualifications from condition profiles

        mutating func mapRequiringCredential(_ resource: Resource) {
            guard var fields = basics(resource) else { return }
            var parts: [JSON] = []
            for (index, condition) in CTDLCatalogue.list(resource.value("requires")).enumerated() {
                guard let node = conditionNode(condition, at: "\(resource.at("requires"))[\(index)]") else {
                    note(resource.path, "a requirement cannot be mapped; the qualification is left out rather than imported with fewer rules")
                    ids[resource.id] = nil
                    return
                }
                parts.append(node)
            }
            let total = credits(resource.value("creditValue"), at: resource.at("creditValue"))
            fields["ects"] = .number(total?.ects ?? 0)
            fields["requires"] = parts.count == 1 ? parts[0] : .object(["allOf": .array(parts)])
            qualifications[fields["id"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? resource.id] = .object(fields)
        }

        /// A condition profile as a requirement node: its targets all required (or `creditValue`
        /// credits among them), alternatives as any-of; `nil` when something it asks cannot be mapped.
        mutating func conditionNode(_ condition: JSON, at path: String, depth: Int = 1) -> JSON? {
            guard depth <= InputLimits.nestingDepth else { note(path, "nests conditions more than \(InputLimits.nestingDepth) deep"); return nil }
            let fields = condition.objectFields
            var leaves: [JSON] = []
            var unresolved = false
            for reference in targetReferences(condition) {
                if let id = resources[reference].flatMap({ ids[$0.id] }), credentials[id] != nil {
                    leaves.append(.object(["credential": .string(id)]))
                } else {
                    note(path, "names \(reference), which is not a credential or course imported from this document")
                    unresolved = true
                }
            }
            if unresolved { return nil }
            for key in ["condition", "minimumAge", "experience", "yearsOfExperience", "weight", "targetCompetency"] where CTDLCatalogue.field(fields, key) != nil {
                note(CTDLCatalogue.path(path, CTDLCatalogue.writtenKey(fields, key)), "is a condition StackPlan cannot check; not mapped")
            }
            var node: JSON?
            if let value = CTDLCatalogue.field(fields, "creditValue") {
                guard let credit = credits(value, at: CTDLCatalogue.path(path, CTDLCatalogue.writtenKey(fields, "creditValue"))), let ects = credit.ects else { return nil }
                let ids = leaves.compactMap { $0.objectFields["credential"] }
                node = .object(["credits": .number(ects), "where": ids.isEmpty ? .object([:]) : .object(["ids": .array(ids)])])
            } else if !leaves.isEmpty {
                node = leaves.count == 1 ? leaves[0] : .object(["allOf": .array(leaves)])
            }
            let alternatives = CTDLCatalogue.list(CTDLCatalogue.field(fields, "alternativeCondition"))
            if !alternatives.isEmpty {
                var options: [JSON] = node.map { [$0] } ?? []
                for (index, alternative) in alternatives.enumerated() {
                    guard let option = conditionNode(alternative, at: "\(CTDLCatalogue.path(path, CTDLCatalogue.writtenKey(fields, "alternativeCondition")))[\(index)]", depth: depth + 1) else { return nil }
                    options.append(option)
                }
                node = .object(["anyOf": .array(options)])
            }
            if node == nil { note(path, "asks for nothing StackPlan can map (no target, credit value or alternative)") }
            if let label = CTDLCatalogue.text(CTDLCatalogue.field(fields, "name")), case .object(var object)? = node {
                object["label"] = .string(label)
                node = .object(object)
            }
            return node
        }

        // MARK: Pathways

        mutating func mapPathway(_ resource: Resource) {
            guard let destination = resource.value("hasDestinationComponent").flatMap({ CTDLCatalogue.list($0).first }).flatMap(CTDLCatalogue.reference),
                  let component = resources[destination] else {
                note(resource.at("hasDestinationComponent"), "names no destination component of this document; the pathway is left out")
                return
            }
            // The components first, so that what they lack is reported even when the pathway's own fields are missing too.
            var visiting: Set<String> = []
            let tree = componentNode(component, destination: true, visiting: &visiting, depth: 1)
            if tree == nil { note(resource.path, "some component cannot be mapped; the pathway is left out rather than imported with fewer rules") }
            guard var fields = basics(resource), let tree else {
                ids[resource.id] = nil
                return
            }
            fields["ects"] = .number(0)
            fields["requires"] = tree
            qualifications[fields["id"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? resource.id] = .object(fields)
        }

        /// A component as a requirement node: the credential it stands for (`proxyFor`, unless it
        /// is the destination), all of its conditions, or, without conditions, all of its children.
        mutating func componentNode(_ component: Resource, destination: Bool, visiting: inout Set<String>, depth: Int) -> JSON? {
            guard depth <= InputLimits.nestingDepth, visiting.insert(component.id).inserted else {
                note(component.path, "is reached again through its own conditions (a cycle) or nests too deep")
                return nil
            }
            defer { visiting.remove(component.id) }
            var parts: [JSON] = []
            if !destination {
                if let proxy = component.value("proxyFor").flatMap(CTDLCatalogue.reference) {
                    guard let id = resources[proxy].flatMap({ ids[$0.id] }), credentials[id] != nil else {
                        note(component.at("proxyFor"), "names \(proxy), which is not a credential or course imported from this document")
                        return nil
                    }
                    parts.append(.object(["credential": .string(id)]))
                } else if let credit = component.value("creditValue") {
                    // A component that stands for no resource but states credits: so many credits from anywhere.
                    guard let value = credits(credit, at: component.at("creditValue")), let ects = value.ects else { return nil }
                    parts.append(.object(["credits": .number(ects), "where": .object([:]), "label": .string(CTDLCatalogue.text(component.value("name")) ?? component.id)]))
                } else if CTDLCatalogue.list(component.value("hasCondition")).isEmpty && CTDLCatalogue.list(component.value("hasChild")).isEmpty {
                    note(component.path, "stands for no credential (proxyFor) and states no credit value; StackPlan cannot tell what completes it")
                    return nil
                }
            }
            let conditions = CTDLCatalogue.list(component.value("hasCondition"))
            for (index, condition) in conditions.enumerated() {
                guard let node = componentCondition(condition, at: "\(component.at("hasCondition"))[\(index)]", visiting: &visiting, depth: depth + 1) else { return nil }
                parts.append(node)
            }
            if conditions.isEmpty {
                for child in CTDLCatalogue.list(component.value("hasChild")).compactMap(CTDLCatalogue.reference) {
                    guard let resource = resources[child] else { note(component.at("hasChild"), "names \(child), which the document does not describe"); return nil }
                    guard let node = componentNode(resource, destination: false, visiting: &visiting, depth: depth + 1) else { return nil }
                    parts.append(node)
                }
            }
            guard !parts.isEmpty else { note(component.path, "asks for nothing StackPlan can map"); return nil }
            return parts.count == 1 ? parts[0] : .object(["allOf": .array(parts)])
        }

        /// A component condition: at least `requiredNumber` of its target components (also the
        /// older `leftOperand: reqNum` with `rightOperand`), or its nested conditions joined by
        /// `logicalOperator` (AND, OR); credit-sum constraints are credits over the targets' credentials.
        mutating func componentCondition(_ condition: JSON, at path: String, visiting: inout Set<String>, depth: Int) -> JSON? {
            guard depth <= InputLimits.nestingDepth else { note(path, "nests conditions more than \(InputLimits.nestingDepth) deep"); return nil }
            // A condition may be written inline or be a resource of the graph.
            var fields = condition.objectFields
            if fields.isEmpty, let reference = CTDLCatalogue.reference(condition), let resource = resources[reference] { fields = resource.fields }
            let key = { (name: String) in CTDLCatalogue.path(path, CTDLCatalogue.writtenKey(fields, name)) }
            var targets: [JSON] = []
            var credentialIDs: [JSON] = []
            for reference in CTDLCatalogue.list(CTDLCatalogue.field(fields, "targetComponent")).compactMap(CTDLCatalogue.reference) {
                guard let resource = resources[reference] else { note(key("targetComponent"), "names \(reference), which the document does not describe"); return nil }
                guard let node = componentNode(resource, destination: false, visiting: &visiting, depth: depth + 1) else { return nil }
                targets.append(node)
                if case .string(let id)? = node.objectFields["credential"] { credentialIDs.append(.string(id)) }
            }
            var parts: [JSON] = []
            var required: Int?
            if case .number(let number)? = CTDLCatalogue.field(fields, "requiredNumber") { required = Int(exactly: number) }
            if case .string(let left)? = CTDLCatalogue.field(fields, "leftOperand"), left.lowercased() == "reqnum",
               case .number(let number)? = CTDLCatalogue.field(fields, "rightOperand") {
                required = Int(exactly: number)
            }
            if !targets.isEmpty {
                let count = required ?? targets.count
                guard (1...targets.count).contains(count) else {
                    note(key("requiredNumber"), "asks for \(count) of \(targets.count) components, which can never be met")
                    return nil
                }
                parts.append(count == targets.count ? (targets.count == 1 ? targets[0] : .object(["allOf": .array(targets)]))
                    : count == 1 ? .object(["anyOf": .array(targets)]) : .object(["atLeast": .number(Double(count)), "of": .array(targets)]))
            }
            for (index, constraint) in CTDLCatalogue.list(CTDLCatalogue.field(fields, "hasConstraint")).enumerated() {
                guard let node = creditConstraint(constraint, among: credentialIDs, at: "\(key("hasConstraint"))[\(index)]") else { return nil }
                parts.append(node)
            }
            let nested = CTDLCatalogue.list(CTDLCatalogue.field(fields, "hasCondition"))
            if !nested.isEmpty {
                var options: [JSON] = []
                for (index, inner) in nested.enumerated() {
                    guard let node = componentCondition(inner, at: "\(key("hasCondition"))[\(index)]", visiting: &visiting, depth: depth + 1) else { return nil }
                    options.append(node)
                }
                let operatorName = (CTDLCatalogue.field(fields, "logicalOperator") ?? CTDLCatalogue.field(fields, "logicalOperand")).flatMap { if case .string(let text) = $0 { CTDLCatalogue.term(text).lowercased() } else { nil } }
                switch operatorName {
                case "or"?: parts.append(.object(["anyOf": .array(options)]))
                case "and"?, nil: parts.append(contentsOf: options)
                case let other?:
                    note(key("logicalOperator"), "\(other) is not AND or OR")
                    return nil
                }
            }
            guard !parts.isEmpty else { note(path, "asks for nothing StackPlan can map (no target components, constraints or conditions)"); return nil }
            var node = parts.count == 1 ? parts[0] : JSON.object(["allOf": .array(parts)])
            if let label = CTDLCatalogue.text(CTDLCatalogue.field(fields, "name") ?? CTDLCatalogue.field(fields, "description")), case .object(var object) = node {
                object["label"] = .string(label)
                node = .object(object)
            }
            return node
        }

        /// A constraint `creditValue ≥ N` (left operand naming credit value, a comparator of at
        /// least, a number right operand, in ECTS or a unit with a rate) over the targets' credentials.
        mutating func creditConstraint(_ constraint: JSON, among ids: [JSON], at path: String) -> JSON? {
            let fields = constraint.objectFields
            let left = CTDLCatalogue.list(CTDLCatalogue.field(fields, "leftOperand") ?? CTDLCatalogue.field(fields, "leftSource")).compactMap { if case .string(let text) = $0 { CTDLCatalogue.term(text).lowercased() } else { nil } }
            let comparator = (CTDLCatalogue.field(fields, "comparator")).flatMap { value -> String? in
                if case .string(let text) = value { return CTDLCatalogue.term(text).lowercased() }
                if case .string(let node)? = CTDLCatalogue.field(value.objectFields, "targetNode") { return CTDLCatalogue.term(node).lowercased() }
                return nil
            }
            guard left.contains(where: { $0.contains("creditvalue") }) else {
                note(path, "constrains \(left.first ?? "something") other than credit value (a level, a grade); not mapped")
                return nil
            }
            guard let comparator, ["greaterthanorequal", "greaterthanorequalto", ">=", "greaterthan"].contains(comparator) else {
                note(path, "compares with \(comparator ?? "no comparator"); only \"at least\" credit sums are mapped")
                return nil
            }
            guard let right = CTDLCatalogue.field(fields, "rightOperand") ?? CTDLCatalogue.field(fields, "rightValue") else { note(path, "has no right operand"); return nil }
            let amount: Double?
            switch right {
            case .number(let number): amount = credits(.object(["schema:value": .number(number), "ceterms:creditUnitType": CTDLCatalogue.field(fields, "creditUnitType") ?? .null]), at: path)?.ects
            case .array, .object: amount = credits(right, at: path)?.ects
            default: amount = nil
            }
            guard let amount else { note(path, "its credit amount cannot be read in ECTS"); return nil }
            return .object(["credits": .number(amount), "where": ids.isEmpty ? .object([:]) : .object(["ids": .array(ids)])])
        }
    }
}
