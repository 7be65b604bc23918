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

    /// The ids of the credentials the tree's leaves accept that the cut keeps, in id order, and
    /// how many were looked at: the SQLite store's query (`cutCandidateIDs` in
    /// CandidateCutQueries.swift) in PostgreSQL's terms. One query per leaf, each leaving out
    /// what earlier leaves took; the server groups the rows by (leaves, caps, ECTS), counts for
    /// each the sure dominators before it in (measure, id) order with a window, and sends back
    /// only rows with fewer than their group's D plus one (a margin for the rounding of SQL's
    /// arithmetic), which are then judged here exactly, as on SQLite. So both backends keep the
    /// same ids, and what is read depends on the tree's thresholds, not on the catalogue's size.
    static func cutCandidateIDs(_ cut: CandidateCut, settings: Settings, _ connection: PostgresConnection) async throws -> (kept: [String], examined: Int) {
        // Masks of more than 62 leaves or caps would not fit: such a tree is read without the dominance part.
        let measure = cut.leaves.count <= 62 && cut.caps.count <= 62 ? cut.measure : nil
        var rated: [(String, Double)] = [(settings.baseCurrency, 1)]
        for (code, rate) in settings.exchangeRates.sorted(by: { $0.key < $1.key }) where code != settings.baseCurrency { rated.append((code, rate)) }
        let namedIDs = StoredRecords.lookupable(cut.namedIDs).sorted()
        let heldIDs = StoredRecords.lookupable(cut.unavailableIDs).sorted()
        let constraints = cut.constraints
        var incomparable: Int64 = 0
        for (position, leaf) in cut.leaves.enumerated() where !leaf.comparable { incomparable |= Int64(1) << Int64(position) }

        var kept: [String] = []
        var examined = 0
        var judge = CutRowJudge(cut)
        for position in cut.leaves.indices {
            // Each query numbers its own parameters: every part is written with the same binds.
            var binds = Binds()
            // The rows of this leaf that no earlier leaf accepts and the learner may take.
            var conditions = [acceptingCondition(cut.leaves[position].filter, needingCredits: cut.leaves[position].needsCredits, binds: &binds)]
            for earlier in cut.leaves[..<position] {
                let condition = acceptingCondition(earlier.filter, needingCredits: earlier.needsCredits, binds: &binds)
                conditions.append("NOT COALESCE((\(condition)), false)")
            }
            // What the learner may take, as Eligibility judges it from these columns.
            if let modes = constraints.modes { conditions.append(#"c."mode" = ANY("# + binds.add(modes.map(\.rawValue)) + ")") }
            if let languages = constraints.languages {
                // Per row through the primary key, as on SQLite (CandidateCutQueries.swift).
                conditions.append(#"EXISTS (SELECT 1 FROM "credentialLanguage" l WHERE l."credentialId" = c."id" AND l."language" = ANY("#
                                  + binds.add(StoredRecords.lookupable(languages)) + "))")
            }
            if constraints.accreditedOnly { conditions.append(#"COALESCE(c."accredited", p."accredited", false)"#) }
            let excluded = StoredRecords.lookupable(constraints.excludeProviders)
            if !excluded.isEmpty { conditions.append(#"NOT (c."providerId" = ANY("# + binds.add(excluded) + "))") }
            conditions.append(#"NOT (c."id" = ANY("# + binds.add(heldIDs) + "))")
            conditions.append(#"COALESCE(c."currency", "# + binds.add(settings.baseCurrency) + ") = ANY(" + binds.add(rated.map(\.0)) + ")")
            let accepted = #"FROM "credential" c LEFT JOIN "provider" p ON p."id" = c."providerId" WHERE "# + conditions.joined(separator: " AND ")

            guard let measure else {
                // Learner limits only: every row is kept.
                let ids = try await connection.strings(#"SELECT c."id" "# + accepted, binds)
                kept += ids
                examined += ids.count
                continue
            }
            let value: String
            switch measure {
            case .cost:
                let base = binds.add(settings.baseCurrency)
                var cases = ""
                for (code, rate) in rated { cases += " WHEN \(binds.add(code)) THEN \(binds.add(rate))" }
                value = #"c."cost" * (CASE COALESCE(c."currency", "# + base + ")" + cases + " END)"
            case .hours: value = #"COALESCE(c."hours", c."ects" * "# + binds.add(cut.hoursPerECTS) + ")"
            }
            func mask(_ filters: [CredentialFilter]) -> String {
                guard !filters.isEmpty else { return "0::int8" }
                return filters.enumerated().map { bit, filter in
                    "(CASE WHEN \(acceptingCondition(filter, binds: &binds)) THEN \(Int64(1) << Int64(bit)) ELSE 0 END)::int8"
                }.joined(separator: " | ")
            }
            let leafMask = mask(cut.leaves.map(\.filter))
            let capMask = mask(cut.caps)
            let named = binds.add(namedIDs)
            // With a schedule, groups share their runs too, as on SQLite: the learning hours and
            // self-paced weeks; one with dated offerings is kept and dominates nothing.
            let runs: (columns: String, selfPaced: String, partition: String)
            if let hoursPerWeek = cut.scheduleHoursPerWeek {
                let hours = #"COALESCE(c."hours"::float8, c."ects"::float8 * "# + binds.add(cut.hoursPerECTS) + ")"
                // ⌈hours / weekly hours − 1e-9⌉ as ScheduleSettings.selfPacedWeeks reckons it.
                let needed = "ceil(\(hours) / \(binds.add(hoursPerWeek)) - 1e-9::float8)"
                runs = (columns: #", "# + hours + #" AS "runHours", LEAST(GREATEST(COALESCE(c."weeks", 1)::float8, "# + needed
                            + ", 1::float8), \(CandidateCut.longestRunWeeks)::float8) AS \"runWeeks\", c.\"offerings\" IS NOT NULL AS dated",
                        selfPaced: #" AND c."offerings" IS NULL"#, partition: #", "runHours", "runWeeks""#)
            } else {
                runs = (columns: ", false AS dated", selfPaced: "", partition: "")
            }
            // D of each row's group plus one, for the filter only.
            var bound = "1"
            for (bit, leaf) in cut.leaves.enumerated() where leaf.comparable {
                bound += " + ((leaves >> \(bit)) & 1) * ceil(\(binds.add(leaf.minimum))::float8 / ects)"
            }
            if cut.remainingTotal > 0 { bound += " + ceil(\(binds.add(cut.remainingTotal))::float8 / ects)" }
            let sql = """
                SELECT id, ects, leaves, named OR dated, measured IS NULL, "dominatorsBefore", "isFirst", "groupSize" FROM (
                    SELECT id, ects, measured, leaves, named, dated,
                        COALESCE(SUM(dominates) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS "dominatorsBefore",
                        (ROW_NUMBER() OVER w) = 1 AS "isFirst",
                        COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "groupSize"
                    FROM (
                        SELECT c."id" AS id, c."ects"::float8 AS ects, (\(value))::float8 AS measured, \(leafMask) AS leaves, \(capMask) AS caps\(runs.columns),
                            (c."prerequisites" IS NULL AND c."excludes" IS NULL\(runs.selfPaced)
                                AND NOT EXISTS (SELECT 1 FROM "referencedCredential" r WHERE r."id" = c."id"))::int AS dominates,
                            c."id" = ANY(\(named)) AS named
                        \(accepted)) AS rows
                    WINDOW w AS (PARTITION BY leaves, caps, ects\(runs.partition) ORDER BY measured NULLS FIRST, id COLLATE "C")) AS ranked
                WHERE "isFirst" OR named OR dated OR measured IS NULL OR ects IS NULL OR ects <= 0 OR (leaves & \(incomparable)::int8) != 0
                    OR "dominatorsBefore" < \(bound)
                """
            for row in try await connection.rows(sql, binds) {
                // `alwaysKept`: named by a `credential` leaf, or dated under a schedule.
                let (id, ects, leaves, alwaysKept, unmeasured, before, first, size) =
                    try row.decode((String, Double?, Int64, Bool, Bool, Int64, Bool, Int64).self)
                if first { examined += Int(size) }
                guard let ects, !alwaysKept, !unmeasured else {
                    kept.append(id)
                    continue
                }
                if judge.keeps(leaves: leaves, ects: ects, dominatorsBefore: Int(before)) { kept.append(id) }
            }
        }
        return (Array(Set(kept)).sorted(), examined)
    }
}
