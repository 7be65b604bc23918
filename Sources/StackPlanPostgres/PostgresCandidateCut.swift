import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// A plan request's candidates cut as ``CandidateCut`` allows, read with the same queries as the
/// SQLite store's (CandidateCutQueries.swift in StackPlanStore): one query per `credits` leaf
/// over the planning columns, the side tables and `referencedCredential` (migration v7).
extension PostgresStore {
    /// The candidates of `request`, cut as ``CandidateCut`` allows; with no cut possible, the
    /// same as ``candidateCatalogue(target:held:)``. As on SQLite, a caller plans again on the
    /// uncut candidates when the plan needs what the cut left out (``CandidateCut/Uncovered``).
    public func candidateCatalogue(for request: PlanRequest) throws -> CandidateLoad {
        let held = request.learner.held.compactMap(\.catalogueID)
        let target = request.target
        return try read { connection in
            let settings = try await Settings.read(connection)
            let qualifications = try await Self.qualificationClosure(of: target, settings: settings, connection)
            var named = Set(held)
            var leafIDs: Set<String> = []
            for qualification in qualifications.values { StoredRecords.collectCredentialLeafIDs(qualification.requires, into: &leafIDs) }
            named.formUnion(leafIDs)
            // The tree's forced ECTS come from the credentials its `credential` leaves name.
            var binds = Binds()
            let mark = binds.add(StoredRecords.lookupable(leafIDs).sorted())
            let namedCredentials = try await Self.credentialRows(where: #"c."id" = ANY("# + mark + ")", binds, connection)
            let partial = Catalogue(
                baseCurrency: settings.baseCurrency, exchangeRates: settings.exchangeRates, providers: [],
                credentials: namedCredentials, qualifications: Array(qualifications.values))
            var credentials = LoadedCredentials()
            guard let cut = CandidateCut(request: request, catalogue: partial) else {
                for qualification in qualifications.values {
                    try await Self.collectAcceptedCredentials(qualification.requires, into: &credentials, named: &named, connection)
                }
                let catalogue = try await Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications,
                                                                  settings: settings, connection)
                return CandidateLoad(catalogue: catalogue, cut: nil, examined: 0, kept: 0)
            }
            let (kept, examined) = try await Self.cutCandidateIDs(cut, settings: settings, connection)
            var keptBinds = Binds()
            let keptMark = keptBinds.add(kept)
            for credential in try await Self.credentialRows(where: #"c."id" = ANY("# + keptMark + ")", keptBinds, connection) {
                credentials.add(credential)
            }
            let catalogue = try await Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications,
                                                              settings: settings, connection)
            return CandidateLoad(catalogue: catalogue, cut: cut, examined: examined, kept: kept.count)
        }
    }

    /// The ids of the credentials `credits` leaves accept that the cut keeps, in id order, and
    /// how many were looked at: the SQLite store's query (`cutCandidateIDs`) in PostgreSQL's
    /// terms, with the same groups and the same tie-break, so that both keep the same ids.
    static func cutCandidateIDs(_ cut: CandidateCut, settings: Settings, _ connection: PostgresConnection) async throws -> (kept: [String], examined: Int) {
        // Masks of more than 62 leaves or caps would not fit: such a tree is read without the dominance part.
        let measure = cut.leaves.count <= 62 && cut.caps.count <= 62 ? cut.measure : nil
        var rated: [(String, Double)] = [(settings.baseCurrency, 1)]
        for (code, rate) in settings.exchangeRates.sorted(by: { $0.key < $1.key }) where code != settings.baseCurrency { rated.append((code, rate)) }
        let namedIDs = StoredRecords.lookupable(cut.namedIDs).sorted()
        let heldIDs = StoredRecords.lookupable(cut.heldIDs).sorted()
        let constraints = cut.constraints

        struct Group: Hashable { var leaves: Int64; var caps: Int64; var ects: Double }
        struct Member { var value: Double; var id: Int; var dominates: Bool; var cuttable: Bool }
        var groups: [Group: [Member]] = [:]
        var ids: [String] = []
        var keptAlways: [Int] = []
        for position in cut.leaves.indices {
            // Each query numbers its own parameters: every part is written with the same binds.
            var binds = Binds()
            let value: String
            switch measure {
            case .cost:
                let base = binds.add(settings.baseCurrency)
                var cases = ""
                for (code, rate) in rated { cases += " WHEN \(binds.add(code)) THEN \(binds.add(rate))" }
                value = #"c."cost" * (CASE COALESCE(c."currency", "# + base + ")" + cases + " END)"
            case .hours: value = #"COALESCE(c."hours", c."ects" * "# + binds.add(cut.hoursPerECTS) + ")"
            case nil: value = "0.0::float8"
            }
            func mask(_ filters: [CredentialFilter]) -> String {
                guard !filters.isEmpty, measure != nil else { return "0::int8" }
                var parts: [String] = []
                for (bit, filter) in filters.enumerated() {
                    let condition = acceptingCondition(filter, binds: &binds)
                    parts.append("(CASE WHEN \(condition) THEN \(Int64(1) << Int64(bit)) ELSE 0 END)::int8")
                }
                return parts.joined(separator: " | ")
            }
            let leafMask = mask(cut.leaves.map(\.filter))
            let capMask = mask(cut.caps)
            let named = binds.add(namedIDs)
            var conditions = [acceptingCondition(cut.leaves[position].filter, binds: &binds)]
            for earlier in cut.leaves[..<position] {
                let condition = acceptingCondition(earlier.filter, binds: &binds)
                conditions.append("NOT COALESCE((\(condition)), false)")
            }
            // What the learner may take, as Eligibility judges it from these columns.
            if let modes = constraints.modes { conditions.append(#"c."mode" = ANY("# + binds.add(modes.map(\.rawValue)) + ")") }
            if let languages = constraints.languages {
                conditions.append(#"c."id" IN (SELECT "credentialId" FROM "credentialLanguage" WHERE "language" = ANY("#
                                  + binds.add(StoredRecords.lookupable(languages)) + "))")
            }
            if constraints.accreditedOnly { conditions.append(#"COALESCE(c."accredited", p."accredited", false)"#) }
            let excluded = StoredRecords.lookupable(constraints.excludeProviders)
            if !excluded.isEmpty { conditions.append(#"NOT (c."providerId" = ANY("# + binds.add(excluded) + "))") }
            conditions.append(#"NOT (c."id" = ANY("# + binds.add(heldIDs) + "))")
            conditions.append(#"COALESCE(c."currency", "# + binds.add(settings.baseCurrency) + ") = ANY(" + binds.add(rated.map(\.0)) + ")")
            let sql = """
                SELECT c."id", c."ects", \(value), \(leafMask), \(capMask),
                    c."prerequisites" IS NULL AND c."excludes" IS NULL,
                    EXISTS (SELECT 1 FROM "referencedCredential" r WHERE r."id" = c."id"),
                    c."id" = ANY(\(named))
                FROM "credential" c LEFT JOIN "provider" p ON p."id" = c."providerId"
                WHERE \(conditions.joined(separator: " AND "))
                """
            for row in try await connection.rows(sql, binds) {
                let (id, ects, measured, leaves, caps, bare, referenced, isNamed) =
                    try row.decode((String, Double?, Double?, Int64, Int64, Bool, Bool, Bool).self)
                let index = ids.count
                ids.append(id)
                guard measure != nil, !isNamed, let ects, let measured else {
                    keptAlways.append(index)
                    continue
                }
                groups[Group(leaves: leaves, caps: caps, ects: ects), default: []]
                    .append(Member(value: measured, id: index, dominates: bare && !referenced, cuttable: !referenced))
            }
        }
        var kept = keptAlways
        for (group, members) in groups {
            let leaves = (0..<cut.leaves.count).filter { group.leaves & (Int64(1) << Int64($0)) != 0 }
            let needed = cut.dominatorsNeeded(leaves: leaves, ects: group.ects)
            let dominators = members.filter(\.dominates).map(\.value).sorted()
            // As on SQLite: the last of the first `needed` sure dominators in (measure, id) order;
            // anything cuttable after it is beaten by all of them.
            guard needed <= Double(dominators.count) else {
                kept += members.map(\.id)
                continue
            }
            guard needed >= 1 else {
                kept += members.filter { !$0.cuttable }.map(\.id)
                continue
            }
            let threshold = dominators[Int(needed) - 1]
            let before = dominators.prefix { $0 < threshold }.count
            let tied = members.filter { $0.dominates && $0.value == threshold }.map { ids[$0.id] }.sorted()
            let lastID = tied[Int(needed) - 1 - before]
            for member in members
            where member.value < threshold || (member.value == threshold && ids[member.id] <= lastID) || !member.cuttable {
                kept.append(member.id)
            }
        }
        return (kept.map { ids[$0] }.sorted(), ids.count)
    }
}
