import Foundation
@testable import StackPlanCore

/// Builders that keep hand-made test catalogues short and readable.
enum Fixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var bundledCatalogue: URL { repository.appendingPathComponent("data/catalogue.json") }
    static func bundledLearner(_ name: String) -> URL { repository.appendingPathComponent("data/learners/\(name).json") }

    static let provider = Provider(id: "p", name: "Provider", country: "IE", accredited: true)
    static let today = Day("2026-11-23")!

    static func credential(
        _ id: String, ects: Double = 5, cost: Double = 100, eqf: Int = 7, hours: Double? = nil,
        competencies: [String] = [], mode: DeliveryMode = .online, languages: [String] = ["en"],
        prerequisites: Prerequisite? = nil, excludes: [String] = [], accredited: Bool? = nil, provider: String = "p"
    ) -> Credential {
        Credential(
            id: id, title: "Course \(id)", provider: provider, kind: .module, ects: ects, hours: hours, eqf: eqf, cost: cost,
            mode: mode, languages: languages, accredited: accredited, competencies: competencies,
            prerequisites: prerequisites, excludes: excludes)
    }

    static func qualification(
        id: String = "q", ects: Double = 0, rules: QualificationRules = QualificationRules(), _ requires: RequirementNode.Rule
    ) -> Qualification {
        Qualification(id: id, title: "Award \(id)", provider: "p", eqf: 7, ects: ects, rules: rules, requires: RequirementNode(requires))
    }

    static func catalogue(_ credentials: [Credential], _ qualifications: [Qualification], providers: [Provider] = [provider]) -> Catalogue {
        Catalogue(providers: providers, credentials: credentials, qualifications: qualifications)
    }

    static func request(
        _ target: String = "q", held: [HeldCredential] = [], constraints: LearnerConstraints = LearnerConstraints(),
        objectives: [Objective] = [.cost]
    ) -> PlanRequest {
        PlanRequest(target: target, learner: LearnerProfile(held: held, today: today), constraints: constraints, objectives: objectives, today: today)
    }
}

extension RequirementNode {
    static func credential(_ id: String) -> RequirementNode { RequirementNode(.credential(id)) }
    static func credits(_ minimum: Double, _ filter: CredentialFilter = CredentialFilter()) -> RequirementNode {
        RequirementNode(.credits(minimum, filter))
    }
}

extension PlanOutcome {
    var diagnosis: Diagnosis? {
        if case .infeasible(let diagnosis) = self { return diagnosis }
        return nil
    }
}

/// The same random cases on every run.
typealias SeededGenerator = SplitMix64

extension RequirementNode.Rule {
    static func credits(_ minimum: Double) -> RequirementNode.Rule { .credits(minimum, CredentialFilter()) }
}
