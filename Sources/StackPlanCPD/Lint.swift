import StackPlanCore

/// Each credential against the mandatory information elements of the Council Recommendation of
/// 16 June 2022 on a European approach to micro-credentials for lifelong learning and employability
/// (Annex I, learner identification aside), and against the size typology of skill credentials,
/// modules and short programmes.
public struct MicroCredentialLint: Sendable {
    /// A mandatory element of Annex I, and where a catalogue states it.
    public enum Element: String, Sendable, CaseIterable {
        case title
        case awardingBody = "awarding-body"
        case country
        case dateOfIssuing = "date-of-issuing"
        case learningOutcomes = "learning-outcomes"
        case workload
        case level
        case assessment
        case participation
        case qualityAssurance = "quality-assurance"

        public var label: String {
            switch self {
            case .title: "title of the micro-credential"
            case .awardingBody: "awarding body"
            case .country: "country/region of the issuer"
            case .dateOfIssuing: "date of issuing"
            case .learningOutcomes: "learning outcomes"
            case .workload: "notional workload (in ECTS, wherever possible)"
            case .level: "level (EQF/NQF)"
            case .assessment: "type of assessment"
            case .participation: "form of participation"
            case .qualityAssurance: "type of quality assurance"
            }
        }

        /// The catalogue field that carries it.
        public var field: String {
            switch self {
            case .title: "title"
            case .awardingBody: "provider (its name)"
            case .country: "provider (its country)"
            case .dateOfIssuing: "none: each issued credential's date (held[].earned, a record's activity date)"
            case .learningOutcomes: "learningOutcomes"
            case .workload: "ects (hours when no ECTS)"
            case .level: "eqf"
            case .assessment: "assessment"
            case .participation: "mode"
            case .qualityAssurance: "qualityAssurance"
            }
        }
    }

    public enum Severity: String, Sendable { case missing, warning }

    public struct Finding: Sendable, Equatable {
        public var credential: String
        public var element: String
        public var severity: Severity
        public var message: String
    }

    public struct ProviderReport: Sendable {
        public var provider: String
        public var name: String
        public var credentials: Int
        /// Credentials that state every mandatory element a catalogue can state.
        public var complete: Int
        public var missingByElement: [Element: Int]
        public var warnings: Int
        public var findings: [Finding]
    }

    /// The typology's learning hours by kind: skill about 4–12, module 25–150, short programme 150–1500.
    public static let typicalHours: [CredentialKind: ClosedRange<Double>] = [.skill: 4...12, .module: 25...150, .programme: 150...1500]
    public static let microCredentialECTS: ClosedRange<Double> = 1...59

    public let catalogue: Catalogue
    public let hoursPerECTS: Double
    public let providers: [ProviderReport]

    public init(catalogue: Catalogue, hoursPerECTS: Double = 25, provider: String? = nil) {
        self.catalogue = catalogue
        self.hoursPerECTS = hoursPerECTS
        let credentials = catalogue.credentials.filter { provider == nil || $0.provider == provider }
        let ids = Array(Set(credentials.map(\.provider))).sorted()
        providers = ids.map { id in
            let own = credentials.filter { $0.provider == id }
            let findings = own.flatMap { Self.findings(for: $0, in: catalogue, hoursPerECTS: hoursPerECTS) }
            var missing: [Element: Int] = [:]
            for finding in findings where finding.severity == .missing {
                if let element = Element(rawValue: finding.element) { missing[element, default: 0] += 1 }
            }
            let incomplete = Set(findings.filter { $0.severity == .missing }.map(\.credential))
            return ProviderReport(
                provider: id, name: catalogue.provider(id)?.name ?? id, credentials: own.count, complete: own.count - incomplete.count,
                missingByElement: missing, warnings: findings.count { $0.severity == .warning }, findings: findings)
        }
    }

    public var findings: [Finding] { providers.flatMap(\.findings) }
    public var hasMissingElements: Bool { findings.contains { $0.severity == .missing } }

    static func blank(_ text: String?) -> Bool { text?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true }

    public static func findings(for credential: Credential, in catalogue: Catalogue, hoursPerECTS: Double) -> [Finding] {
        var found: [Finding] = []
        func add(_ element: String, _ severity: Severity, _ message: String) {
            found.append(Finding(credential: credential.id, element: element, severity: severity, message: message))
        }
        func missing(_ element: Element, _ message: String) { add(element.rawValue, .missing, message) }
        if blank(credential.title) { missing(.title, "no title") }
        let provider = catalogue.provider(credential.provider)
        if provider == nil || blank(provider?.name) { missing(.awardingBody, "no awarding body: provider \"\(credential.provider)\" is unknown or unnamed") }
        if provider == nil || blank(provider?.country) { missing(.country, "no country or region of the awarding body") }
        if credential.learningOutcomes.allSatisfy({ blank($0) }) { missing(.learningOutcomes, "no learning outcomes") }
        if credential.ects == nil {
            if credential.kind == .skill {
                add(Element.workload.rawValue, .warning, "workload stated in hours only (\(formatAmount(credential.hours ?? 0)) h): the Recommendation asks for ECTS wherever possible")
            } else if credential.hours != nil {
                add(Element.workload.rawValue, .warning, "workload stated in hours only (\(formatAmount(credential.hours!)) h): a \(credential.kind.rawValue) can state ECTS")
            } else {
                missing(.workload, "no notional workload")
            }
        }
        if !(1...8).contains(credential.eqf) { missing(.level, "no EQF level in 1–8 (found \(credential.eqf))") }
        if blank(credential.assessment) { missing(.assessment, "no type of assessment") }
        if blank(credential.qualityAssurance) {
            missing(.qualityAssurance, catalogue.isAccredited(credential)
                    ? "no type of quality assurance (the accredited flag says that there is some, not which)"
                    : "no type of quality assurance")
        }
        // Form of participation is the required `mode`, and the date of issuing belongs to each award, so neither can be missing here.
        if let range = typicalHours[credential.kind] {
            let hours = credential.learningHours(hoursPerECTS: hoursPerECTS)
            if !range.contains(hours) {
                let band = typicalHours.first { $0.value.contains(hours) }?.key
                add("typology", .warning, "\(formatAmount(hours)) learning hours lie outside \(formatAmount(range.lowerBound))–\(formatAmount(range.upperBound)) h for a \(credential.kind.rawValue)"
                    + (band.map { ": the typology would call it a \($0.rawValue)" } ?? (hours < 4 ? ": shorter than any micro-credential type" : hours > 1500 ? ": longer than a short programme" : ": between the typology's bands")))
            }
            if let ects = credential.ects, !microCredentialECTS.contains(ects) {
                add("typology", .warning, "\(formatAmount(ects)) ECTS lie outside the 1–59 ECTS of a micro-credential")
            }
        }
        return found
    }
}

extension MicroCredentialLint {
    public var text: String {
        var lines: [String] = []
        let total = providers.reduce(0) { $0 + $1.credentials }
        let complete = providers.reduce(0) { $0 + $1.complete }
        lines.append("\(total) credential\(total == 1 ? "" : "s") checked against the mandatory elements of the 2022 Council Recommendation on micro-credentials: \(complete) complete")
        lines.append("")
        let elements: [Element] = [.learningOutcomes, .assessment, .qualityAssurance, .title, .awardingBody, .country, .workload, .level]
        var rows = [["provider", "credentials", "complete"] + elements.map(\.rawValue) + ["warnings"]]
        for report in providers {
            rows.append([report.provider, String(report.credentials), String(report.complete)]
                + elements.map { report.missingByElement[$0].map(String.init) ?? "-" } + [report.warnings == 0 ? "-" : String(report.warnings)])
        }
        lines += table(rows, rightAligned: Set(1..<(rows[0].count)))
        lines.append("  (figures: credentials missing the element; warnings: workload in hours only, sizes outside the typology)")
        lines.append("")
        lines.append("form of participation: every credential states it (mode is required)")
        lines.append("date of issuing: not part of an offering; StackPlan records it per award (held[].earned, a record's activity date)")
        for report in providers where !report.findings.isEmpty {
            lines.append("")
            lines.append("\(report.provider) (\(report.name))")
            let byCredential = Dictionary(grouping: report.findings, by: \.credential)
            for id in byCredential.keys.sorted() {
                let items = byCredential[id]!
                let missing = items.filter { $0.severity == .missing }.map(\.element)
                var parts: [String] = []
                if !missing.isEmpty { parts.append("missing " + missing.joined(separator: ", ")) }
                parts += items.filter { $0.severity == .warning }.map(\.message)
                lines.append("  \(id): \(parts.joined(separator: "; "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        .object([
            "recommendation": .string("Council Recommendation of 16 June 2022 on a European approach to micro-credentials for lifelong learning and employability (2022/C 243/02), Annex I"),
            "elements": .array(Element.allCases.map { .object(["id": .string($0.rawValue), "label": .string($0.label), "field": .string($0.field)]) }),
            "providers": .array(providers.map { report in
                .object([
                    "provider": .string(report.provider), "name": .string(report.name),
                    "credentials": .number(Double(report.credentials)), "complete": .number(Double(report.complete)),
                    "missing": .object(Dictionary(uniqueKeysWithValues: report.missingByElement.map { ($0.key.rawValue, JSON.number(Double($0.value))) })),
                    "warnings": .number(Double(report.warnings)),
                    "findings": .array(report.findings.map { finding in
                        .object(["credential": .string(finding.credential), "element": .string(finding.element),
                                 "severity": .string(finding.severity.rawValue), "message": .string(finding.message)])
                    }),
                ])
            }),
        ])
    }
}
