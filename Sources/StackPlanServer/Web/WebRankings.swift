import Foundation
import Hummingbird
import StackPlanCore

/// The planning page's target picker ranks every qualification nearest first: one solve per
/// qualification, too slow to run on every load of the page (and on every re-plan as its form
/// changes). A ranking is kept under what it was computed from, so that it is reused only while
/// that is unchanged:
/// - the learner's profile and the limits in force (held credentials, budget, hours, dates,
///   modes, languages), whether from the profile or the form;
/// - the day it is for (a held credential's age, a start "today");
/// - the catalogue's version: the fingerprint of its content and its retired records, so that an
///   editor's change, a retirement or a command-line import is a new key.
final class NearestRankingCache: @unchecked Sendable {
    /// One qualification as the picker offers it.
    struct Target: Sendable, Equatable {
        var id: String
        var title: String
        var reachable: Bool
        /// What remains to pay, when reachable.
        var cost: Double?
    }

    private let lock = NSLock()
    private var entries: [String: [Target]] = [:]
    /// Keys, least recently used first.
    private var order: [String] = []
    private var computed = 0
    /// Rankings kept; each is a few kilobytes.
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = max(1, capacity) }

    /// How many rankings have been computed (not found here) since the service started.
    var computations: Int { lock.withLock { computed } }

    func ranking(for key: String) -> [Target]? {
        lock.withLock {
            guard let found = entries[key] else { return nil }
            touch(key)
            return found
        }
    }

    func store(_ ranking: [Target], for key: String) {
        lock.withLock {
            entries[key] = ranking
            touch(key)
            while order.count > capacity { entries[order.removeFirst()] = nil }
        }
    }

    func countComputation() { lock.withLock { computed += 1 } }

    private func touch(_ key: String) {
        order.removeAll { $0 == key }
        order.append(key)
    }
}

extension WebPages {
    /// What a ranking is computed from, as text: the learner with the limits in force (the
    /// profile's, or the form's in their place), the day, the calendar and the exceptions. The
    /// same inputs, however the form spelt them (a limit left blank or given as the profile has
    /// it), make the same key; the learner's name and the profile's id do not count.
    static func rankingKey(_ request: PlanRequest) -> String {
        var learner = request.learner
        learner.id = nil
        learner.name = nil
        learner.constraints = request.constraints
        learner.today = request.today
        learner.start = request.schedule?.start
        learner.hoursPerWeek = request.schedule?.hoursPerWeek
        learner.exceptions = request.exceptions
        learner.goals = []
        let schedule = request.schedule.map { "\($0.maxHorizonWeeks) \($0.weeklySelfPacedStarts) \($0.laterSelfPacedStarts)" } ?? "no calendar"
        return LearnerDocument.json(learner).compactText + "\n" + schedule + "\n" + WebFormat.number(request.hoursPerECTS)
            + "\n" + request.withdrawn.sorted().joined(separator: ",")
    }

    /// The qualifications the learner may aim at, nearest (cheapest to finish) first, from the
    /// cache when the profile, the limits, the day and the catalogue are as they were. Retired
    /// qualifications are left out and retired credentials are offered to none of the plans,
    /// as the API's `POST /api/v1/nearest` does.
    func nearestTargets(_ input: PlanInput, context: APIContext) async throws -> [NearestRankingCache.Target] {
        var template = try input.request(target: "")
        template.objectives = [.cost]
        template.schedule = try? ScheduleSettings.needed(
            by: input.learner, objectives: template.objectives, deadline: template.constraints.deadline, start: input.start,
            hoursPerWeek: input.hoursPerWeek, today: template.today)
        let records = records
        let version = try await service.reads.run { try records.catalogueVersion() }
        let key = Self.rankingKey(template) + "\n" + version
        if let cached = rankings.ranking(for: key) { return cached }
        let frozen = template
        let (targets, versionAfter) = try await service.solve(for: context) { source, offering -> ([NearestRankingCache.Target], String) in
            var template = frozen
            template.withdrawn.formUnion(offering.unofferedCredentials)
            if let cancellation = offering.cancellation { template.solverOptions.deadline = cancellation.deadline(seconds: frozen.solverOptions.timeLimit) }
            let json = try Planner(catalogue: try source.catalogue()).nearest(template, by: .cost).json
            let targets = (json["qualifications"]?.arrayValue ?? []).compactMap { entry -> NearestRankingCache.Target? in
                guard let id = entry["id"]?.stringValue, !offering.retiredQualifications.contains(id) else { return nil }
                return NearestRankingCache.Target(id: id, title: entry["title"]?.stringValue ?? id, reachable: entry["reachable"] == .bool(true),
                                                  cost: entry["cost"]?.numberValue)
            }
            // Read again after the solves: a catalogue edited meanwhile must not be cached under the old version.
            return (targets, try records.catalogueVersion())
        }
        rankings.countComputation()
        if versionAfter == version { rankings.store(targets, for: key) }
        return targets
    }
}
