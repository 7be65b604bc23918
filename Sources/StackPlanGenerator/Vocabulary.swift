/// The fixed word lists a synthetic catalogue draws on: fields of health care with their
/// competencies, countries with their languages and currencies, and kinds of provider.
enum Vocabulary {
    struct Field {
        var name: String
        /// For qualification ids.
        var slug: String
        /// Most common first: the generator draws them with Zipf-like weights.
        var competencies: [String]
    }

    static let fields: [Field] = [
        Field(name: "Infection Prevention", slug: "infection", competencies: ["infection-prevention", "antimicrobial-stewardship", "outbreak-management", "surveillance", "sterilisation", "hand-hygiene"]),
        Field(name: "Care of Older People", slug: "older-people", competencies: ["dementia-care", "gerontology", "frailty", "falls-prevention", "delirium-care", "continence-care"]),
        Field(name: "Palliative Care", slug: "palliative", competencies: ["palliative-care", "pain-management", "end-of-life-care", "symptom-control", "advance-care-planning", "bereavement-support"]),
        Field(name: "Wound Care", slug: "wound", competencies: ["wound-care", "tissue-viability", "pressure-injury-prevention", "diabetic-foot-care", "stoma-care", "burns-care"]),
        Field(name: "Medicines", slug: "medicines", competencies: ["pharmacology", "prescribing", "medication-safety", "vaccination", "iv-therapy", "clinical-pharmacy"]),
        Field(name: "Mental Health", slug: "mental-health", competencies: ["mental-health", "crisis-intervention", "addiction-care", "suicide-prevention", "child-mental-health", "psychotherapy-skills"]),
        Field(name: "Acute Care", slug: "acute", competencies: ["critical-care", "emergency-care", "resuscitation", "sepsis-management", "perioperative-care", "trauma-care"]),
        Field(name: "Long-term Conditions", slug: "long-term", competencies: ["diabetes-care", "cardiac-care", "respiratory-care", "stroke-care", "oncology-nursing", "renal-care"]),
        Field(name: "Maternal and Child Health", slug: "maternal-child", competencies: ["midwifery", "paediatrics", "neonatal-care", "child-protection", "lactation-support", "perinatal-mental-health"]),
        Field(name: "Digital Health", slug: "digital", competencies: ["digital-health", "data-protection", "telehealth", "health-informatics", "assistive-technology", "health-data-analytics"]),
        Field(name: "Leadership and Quality", slug: "leadership", competencies: ["leadership", "patient-safety", "quality-improvement", "health-management", "clinical-governance", "change-management"]),
        Field(name: "Research and Education", slug: "research", competencies: ["research-methods", "evidence-based-practice", "clinical-education", "ethics", "simulation-teaching", "health-law"]),
        Field(name: "Community and Public Health", slug: "public-health", competencies: ["public-health", "health-promotion", "community-nursing", "nutrition", "occupational-health", "social-care"]),
    ]

    struct Country {
        var code: String
        var language: String
        var currency: String
        /// Relative number of providers.
        var weight: Double
    }

    static let countries: [Country] = [
        Country(code: "DE", language: "de", currency: "EUR", weight: 14),
        Country(code: "FR", language: "fr", currency: "EUR", weight: 12),
        Country(code: "IT", language: "it", currency: "EUR", weight: 10),
        Country(code: "ES", language: "es", currency: "EUR", weight: 10),
        Country(code: "PL", language: "pl", currency: "PLN", weight: 8),
        Country(code: "NL", language: "nl", currency: "EUR", weight: 6),
        Country(code: "UK", language: "en", currency: "GBP", weight: 6),
        Country(code: "BE", language: "nl", currency: "EUR", weight: 4),
        Country(code: "PT", language: "pt", currency: "EUR", weight: 4),
        Country(code: "SE", language: "sv", currency: "SEK", weight: 4),
        Country(code: "CZ", language: "cs", currency: "CZK", weight: 4),
        Country(code: "AT", language: "de", currency: "EUR", weight: 3),
        Country(code: "DK", language: "da", currency: "DKK", weight: 3),
        Country(code: "FI", language: "fi", currency: "EUR", weight: 3),
        Country(code: "IE", language: "en", currency: "EUR", weight: 3),
        Country(code: "NO", language: "nb", currency: "NOK", weight: 2),
        Country(code: "MT", language: "en", currency: "EUR", weight: 1),
    ]

    /// Euros per unit, fixed and rounded: a synthetic catalogue needs plausible rates, not today's.
    static let exchangeRates: [String: Double] = [
        "GBP": 1.17, "PLN": 0.23, "SEK": 0.087, "CZK": 0.04, "DKK": 0.134, "NOK": 0.086,
    ]

    enum ProviderType: String, CaseIterable {
        case university = "uni", appliedSciences = "uas", professionalBody = "prof", hospital = "hosp", platform = "online"

        var label: String {
            switch self {
            case .university: "University"
            case .appliedSciences: "University of Applied Sciences"
            case .professionalBody: "Professional Nursing Council"
            case .hospital: "Hospital Training Academy"
            case .platform: "HealthSkills Online"
            }
        }

        /// Share of providers of this type.
        var weight: Double {
            switch self {
            case .university: 25
            case .appliedSciences: 20
            case .professionalBody: 15
            case .hospital: 20
            case .platform: 20
            }
        }

        /// Fee per ECTS in euros, before a provider's own factor.
        var pricePerECTS: ClosedRange<Double> {
            switch self {
            case .university: 70...150
            case .appliedSciences: 45...100
            case .professionalBody: 35...90
            case .hospital: 20...60
            case .platform: 6...30
            }
        }

        var accreditedShare: Double {
            switch self {
            case .university, .appliedSciences: 1
            case .professionalBody: 0.7
            case .hospital: 0.4
            case .platform: 0.1
            }
        }

        /// EQF levels with weights.
        var levels: [(Int, Double)] {
            switch self {
            case .university: [(6, 25), (7, 55), (8, 20)]
            case .appliedSciences: [(5, 15), (6, 50), (7, 35)]
            case .professionalBody: [(5, 30), (6, 40), (7, 30)]
            case .hospital: [(4, 30), (5, 40), (6, 30)]
            case .platform: [(4, 40), (5, 35), (6, 25)]
            }
        }

        var modes: [(String, Double)] {
            switch self {
            case .university, .appliedSciences: [("online", 35), ("blended", 35), ("in-person", 30)]
            case .professionalBody: [("online", 50), ("blended", 30), ("in-person", 20)]
            case .hospital: [("online", 10), ("blended", 30), ("in-person", 60)]
            case .platform: [("online", 95), ("blended", 5)]
            }
        }

        /// Kinds with weights: skills are short, programmes long.
        var kinds: [(String, Double)] {
            switch self {
            case .university: [("skill", 10), ("module", 60), ("programme", 30)]
            case .appliedSciences: [("skill", 15), ("module", 65), ("programme", 20)]
            case .professionalBody: [("skill", 35), ("module", 55), ("programme", 10)]
            case .hospital: [("skill", 50), ("module", 45), ("programme", 5)]
            case .platform: [("skill", 70), ("module", 30)]
            }
        }
    }

    /// ECTS by kind, with weights: mostly 1–15, with a tail of long programmes up to 59.
    static func ects(kind: String) -> [(Double, Double)] {
        switch kind {
        case "skill": [(1, 30), (2, 30), (3, 20), (4, 10), (5, 10)]
        case "module": [(3, 10), (4, 8), (5, 30), (6, 8), (7.5, 12), (10, 20), (12, 4), (15, 8)]
        default: [(10, 20), (15, 25), (20, 20), (25, 8), (30, 15), (40, 5), (45, 4), (59, 3)]
        }
    }

    static let levelWords: [Int: [String]] = [
        4: ["Introduction to", "Basics of", "Getting Started with"],
        5: ["Essentials of", "Practical", "Certificate in"],
        6: ["Foundations of", "Applied", "Principles of"],
        7: ["Advanced", "Specialist", "Leading"],
        8: ["Doctoral Seminar in", "Research Frontiers in", "Expert Practice in"],
    ]

    static let titleEndings = ["", " in Practice", ": Assessment and Management", " for Nurses", " in the Community", " in Hospital Care", ": Evidence and Practice"]

    static func topic(_ competency: String) -> String {
        competency.split(separator: "-").enumerated().map { index, word in
            let text = String(word)
            if text == "iv" { return "IV" }
            return index == 0 ? text.prefix(1).uppercased() + text.dropFirst() : text
        }.joined(separator: " ")
    }
}
