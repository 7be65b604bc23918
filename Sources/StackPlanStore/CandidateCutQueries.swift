import Foundation
import GRDB
import StackPlanCore

/// A plan request's candidates as read from the store, with what reading them skipped.
public struct CandidateLoad: Sendable {
    /// The sub-catalogue to plan on (``CatalogueStore/candidateCatalogue(target:held:)``'s,
    /// less what ``cut`` left unread).
    public var catalogue: Catalogue
    /// The cut the catalogue was read with; `nil` when it holds every candidate.
    public var cut: CandidateCut?
    /// Credentials the cut's queries looked at: accepted by a `credits` leaf and open to the
    /// learner; of a leaf read in measure order (SQLite, ``MeasureOrder``), those read before
    /// the reading stopped.
    public var examined: Int
    /// Of those, the ones read in full (the rest are in no optimal plan).
    public var kept: Int

    public init(catalogue: Catalogue, cut: CandidateCut?, examined: Int, kept: Int) {
        self.catalogue = catalogue
        self.cut = cut
        self.examined = examined
        self.kept = kept
    }
}

extension CatalogueStore {
    /// The candidates of `request`, cut as ``CandidateCut`` allows: credentials the learner may
    /// not take, and credentials enough others beat at the same ECTS, are never read. With no
    /// cut possible (see ``CandidateCut/init(request:catalogue:)``, or a database not yet
    /// migrated to hold the references a cut needs), the same as ``candidateCatalogue(target:held:)``.
    ///
    /// A plan on the cut catalogue equals the plan on the whole one for the request the cut was
    /// made for; a caller plans again on ``candidateCatalogue(target:held:)`` when the request
    /// has no plan (its diagnosis names credentials the cut left out) or the cut does not
    /// cover its limits (``CandidateCut/coversLimits``).
    public func candidateCatalogue(for request: PlanRequest) throws -> CandidateLoad {
        let held = request.learner.held.compactMap(\.catalogueID)
        return try read { db in
            var qualifications: [String: Qualification] = [:]
            var pending = [request.target]
            while let id = pending.popLast() {
                guard qualifications[id] == nil else { continue }
                for qualification in try Self.catalogue(qualifications: try Self.documents("qualification", ids: [id], db), db).qualifications {
                    qualifications[id] = qualification
                    pending += Self.qualificationReferences(qualification.requires)
                }
            }
            var named = Set(held)
            var leafIDs: Set<String> = []
            for qualification in qualifications.values { Self.credentialLeafIDs(qualification.requires, into: &leafIDs) }
            named.formUnion(leafIDs)

            let hasReferences = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'referencedCredential')") ?? false
            var cut: CandidateCut?
            if hasReferences {
                // The tree's forced ECTS come from the credentials its `credential` leaves name.
                let lookup = StoredText.lookupable(leafIDs)
                var namedCredentials: [Credential] = []
                var start = 0
                while start < lookup.count {
                    let chunk = Array(lookup[start..<min(start + 500, lookup.count)])
                    namedCredentials += try Self.credentialRows(where: "c.id IN (\(Self.marks(chunk.count)))", StatementArguments(chunk), db)
                    start += 500
                }
                let settings = try Self.catalogue(db)
                let partial = Catalogue(
                    baseCurrency: settings.baseCurrency, exchangeRates: settings.exchangeRates, providers: [],
                    credentials: namedCredentials, qualifications: Array(qualifications.values))
                cut = CandidateCut(request: request, catalogue: partial)
            }
            var credentials = LoadedCredentials()
            guard let cut else {
                for qualification in qualifications.values {
                    try Self.collectAcceptedCredentials(qualification.requires, into: &credentials, named: &named, db)
                }
                let catalogue = try Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications, db)
                return CandidateLoad(catalogue: catalogue, cut: nil, examined: 0, kept: 0)
            }
            let (kept, examined) = try Self.cutCandidateIDs(cut, db)
            var start = 0
            while start < kept.count {
                let chunk = Array(kept[start..<min(start + 500, kept.count)])
                for credential in try Self.credentialRows(where: "c.id IN (\(Self.marks(chunk.count)))", StatementArguments(chunk), db) {
                    credentials.add(credential)
                }
                start += 500
            }
            let catalogue = try Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications, db)
            return CandidateLoad(catalogue: catalogue, cut: cut, examined: examined, kept: kept.count)
        }
    }

    /// Ids named by `credential` leaves.
    static func credentialLeafIDs(_ node: RequirementNode, into ids: inout Set<String>) {
        var pending = [node]
        while let node = pending.popLast() {
            if case .credential(let id) = node.rule { ids.insert(id) }
            pending += node.children
        }
    }

    /// The ids of the credentials the tree's leaves accept that the cut keeps, in id order, and
    /// how many were looked at. One query per leaf, each leaving out what earlier leaves took,
    /// over the columns of the covering planning index and the side tables. SQLite groups the
    /// rows and counts, for each, the sure dominators before it in (measure, id) order with a
    /// window; only rows with fewer than their group's D (plus one, a margin for the rounding of
    /// SQL's arithmetic) come back, and are then judged here exactly. So what comes back, and
    /// what is read in full, depends on the tree's thresholds, not on the catalogue's size.
    /// A leaf whose groups are known in advance is read in measure order instead and only up to
    /// where the cut begins (``MeasureOrder``), when the database has its indexes and the
    /// request no schedule; it keeps the same rows.
    static func cutCandidateIDs(_ cut: CandidateCut, _ db: Database) throws -> (kept: [String], examined: Int) {
        let leafConditions = cut.leaves.map { acceptingCondition($0.filter, needingCredits: $0.needsCredits) }
        let capConditions = cut.caps.map { acceptingCondition($0) }
        // Masks of more than 62 leaves or caps would not fit: such a tree is read without the dominance part.
        let measure = leafConditions.count <= 62 && capConditions.count <= 62 ? cut.measure : nil
        let settings = try catalogue(db)
        // Currencies a fee can be reckoned in: the base and those with a rate.
        let rated = [settings.baseCurrency] + settings.exchangeRates.keys.sorted().filter { $0 != settings.baseCurrency }

        // What the learner may take, as Eligibility judges it from these columns. The ordered
        // reading (MeasureOrder) tests the mode and languages on the copies held by the `table`
        // it reads first, in the index entry; the window reads the languages' side table.
        func learnerCondition(filtersOn table: String?) -> (sql: String, arguments: StatementArguments) {
            var learner: [String] = []
            var learnerArguments = StatementArguments()
            let constraints = cut.constraints
            if let modes = constraints.modes {
                learner.append("\(table ?? "c").mode IN (\(marks(modes.count)))")
                learnerArguments += StatementArguments(modes.map(\.rawValue))
            }
            if let languages = constraints.languages, let table {
                let test = MeasureOrder.teachesOneOf(languages, table: table)
                learner.append(test.sql)
                learnerArguments += test.arguments
            } else if let languages = constraints.languages {
                let keys = StoredText.lookupable(languages)
                // Tested on each row the leaf reads, through the side table's primary key: as a list
                // of every credential taught in the language (438,766 for English at a million
                // credentials) SQLite built it again for each leaf's query (0.92 s against 0.36 s).
                learner.append("EXISTS (SELECT 1 FROM credentialLanguage l WHERE l.credentialId = c.id AND l.language IN (\(marks(keys.count))))")
                learnerArguments += StatementArguments(keys)
            }
            if constraints.accreditedOnly { learner.append("COALESCE(c.accredited, p.accredited, 0) = 1") }
            let excluded = StoredText.lookupable(constraints.excludeProviders)
            if !excluded.isEmpty {
                learner.append("c.providerId NOT IN (\(marks(excluded.count)))")
                learnerArguments += StatementArguments(excluded)
            }
            let held = StoredText.lookupable(cut.unavailableIDs)
            learner.append("c.id NOT IN (\(marks(held.count)))")
            learnerArguments += StatementArguments(held)
            learner.append("COALESCE(c.currency, ?) IN (\(marks(rated.count)))")
            learnerArguments += [settings.baseCurrency]
            learnerArguments += StatementArguments(rated)
            return (learner.joined(separator: " AND "), learnerArguments)
        }
        let learner = learnerCondition(filtersOn: nil)

        /// The rows of the leaf at `position` that no earlier leaf accepts and the learner may take.
        func leafRows(_ position: Int, selecting columns: String, _ columnArguments: StatementArguments) -> (String, StatementArguments) {
            var sql = "SELECT \(columns) FROM credential c LEFT JOIN provider p ON p.id = c.providerId WHERE \(leafConditions[position].0)"
            var arguments = columnArguments
            arguments += leafConditions[position].1
            for earlier in leafConditions[..<position] {
                sql += " AND NOT COALESCE(\(earlier.0), 0)"
                arguments += earlier.1
            }
            sql += " AND \(learner.sql)"
            arguments += learner.arguments
            return (sql, arguments)
        }

        guard let measure else {
            // Learner limits only: every row is kept.
            var kept: [String] = []
            for position in leafConditions.indices {
                let (sql, arguments) = leafRows(position, selecting: "c.id", [])
                kept += try String.fetchAll(db, sql: sql, arguments: arguments)
            }
            return (Array(Set(kept)).sorted(), kept.count)
        }

        func mask(_ conditions: [(String, StatementArguments)]) -> (String, StatementArguments) {
            guard !conditions.isEmpty else { return ("0", []) }
            var arguments = StatementArguments()
            let parts = conditions.enumerated().map { position, condition in
                arguments += condition.1
                return "(CASE WHEN \(condition.0) THEN \(Int64(1) << Int64(position)) ELSE 0 END)"
            }
            return (parts.joined(separator: " | "), arguments)
        }
        let value: (String, StatementArguments)
        switch measure {
        case .cost: value = MeasureOrder.feeInBase(of: "c", settings)
        case .hours: value = (MeasureOrder.hours(of: "c"), [cut.hoursPerECTS])
        }
        let (leafMask, leafMaskArguments) = mask(leafConditions)
        let (capMask, capMaskArguments) = mask(capConditions)
        let namedIDs = StoredText.lookupable(cut.namedIDs)

        // D of each row's group plus one, in SQL, for the filter only: ⌈x / ects⌉ of a positive x
        // as the integer part of the quotient plus one when it has a fraction.
        var bound = "1"
        var boundArguments = StatementArguments()
        func addCeiling(of numerator: Double, times factor: String) {
            bound += " + \(factor)(CAST(? / ects AS INTEGER) + (? / ects > CAST(? / ects AS INTEGER)))"
            boundArguments += [numerator, numerator, numerator]
        }
        var incomparable: Int64 = 0
        for (position, leaf) in cut.leaves.enumerated() {
            if leaf.comparable {
                addCeiling(of: leaf.minimum, times: "((leaves >> \(position)) & 1) * ")
            } else {
                incomparable |= Int64(1) << Int64(position)
            }
        }
        if cut.remainingTotal > 0 { addCeiling(of: cut.remainingTotal, times: "") }

        // With a schedule, groups share their runs too: the learning hours and self-paced weeks
        // (CandidateCut.comparesRuns); one with dated offerings is kept and dominates nothing.
        // (The offerings column is outside the covering index: only schedules pay for reading it.)
        let runs: (columns: String, arguments: StatementArguments, selfPaced: String, partition: String)
        if let hoursPerWeek = cut.scheduleHoursPerWeek {
            let hours = MeasureOrder.hours(of: "c")
            // ⌈hours / weekly hours − 1e-9⌉ as ScheduleSettings.selfPacedWeeks reckons it; the
            // integer part plus one when there is a fraction, for the non-negative quotient.
            let quotient = "(\(hours) / ? - 1e-9)"
            let needed = "(CAST(\(quotient) AS INTEGER) + (\(quotient) > CAST(\(quotient) AS INTEGER)))"
            var arguments = StatementArguments([cut.hoursPerECTS])
            for _ in 0..<3 { arguments += [cut.hoursPerECTS, hoursPerWeek] }
            runs = (columns: ", \(hours) AS runHours, MIN(MAX(COALESCE(c.weeks, 1), \(needed), 1), \(CandidateCut.longestRunWeeks)) AS runWeeks, c.offerings IS NOT NULL AS dated",
                    arguments: arguments, selfPaced: " AND c.offerings IS NULL", partition: ", runHours, runWeeks")
        } else {
            runs = (columns: ", 0 AS dated", arguments: StatementArguments(), selfPaced: "", partition: "")
        }
        var kept: [String] = []
        var examined = 0
        var judge = CutRowJudge(cut)
        var ordered: MeasureOrder?
        if !cut.comparesRuns, try MeasureOrder.available(db) {
            let rowLeaves = cut.leaves.map { acceptingCondition($0.filter, needingCredits: $0.needsCredits, testedPerRow: true) }
            let (rowCapMask, rowCapMaskArguments) = mask(cut.caps.map { acceptingCondition($0, testedPerRow: true) })
            // The stored fee is the expression's value (MeasureOrder.feeInBase) and is in the
            // measure index, which then covers the row: the table's rows, with their documents,
            // are never visited.
            let storedValue: (String, StatementArguments) = measure == .cost ? ("c.fee", []) : value
            // A row of the leaf at position n is accepted by it and by no earlier leaf (its query
            // tests that): its mask is n's bit and the later leaves' tests only, which spares a
            // competency lookup per earlier leaf and row.
            let columns = rowLeaves.indices.map { position in
                let later = rowLeaves.enumerated().filter { $0.offset > position }.map { leaf in
                    (sql: "(CASE WHEN \(leaf.element.0) THEN \(Int64(1) << Int64(leaf.offset)) ELSE 0 END)", arguments: leaf.element.1)
                }
                var arguments = storedValue.1
                for leaf in later { arguments += leaf.arguments }
                arguments += rowCapMaskArguments
                arguments += StatementArguments(namedIDs)
                let leafMask = ([String(Int64(1) << Int64(position))] + later.map(\.sql)).joined(separator: " | ")
                return (sql: """
                    c.id, \(storedValue.0), \(leafMask), \(rowCapMask),
                        (c.prerequisites IS NULL AND c.excludes IS NULL AND NOT EXISTS (SELECT 1 FROM referencedCredential r WHERE r.id = c.id)),
                        c.id IN (\(marks(namedIDs.count)))
                    """, arguments: arguments)
            }
            ordered = MeasureOrder(
                cut: cut, columns: columns, learner: learnerCondition(filtersOn: "c"), learnerThroughSideTable: learnerCondition(filtersOn: "k"))
        }
        for position in leafConditions.indices {
            if let ordered, let read = try ordered.keptRows(ofLeaf: position, judge: &judge, db) {
                kept += read.kept
                examined += read.examined
                continue
            }
            var columnArguments = value.1
            columnArguments += leafMaskArguments
            columnArguments += capMaskArguments
            columnArguments += runs.arguments
            columnArguments += StatementArguments(namedIDs)
            let (rows, rowArguments) = leafRows(position, selecting: """
                c.id AS id, c.ects AS ects, \(value.0) AS measured, \(leafMask) AS leaves, \(capMask) AS caps\(runs.columns),
                    (c.prerequisites IS NULL AND c.excludes IS NULL\(runs.selfPaced) AND c.id NOT IN (SELECT id FROM referencedCredential)) AS dominates,
                    c.id IN (\(marks(namedIDs.count))) AS named
                """, columnArguments)
            let sql = """
                SELECT id, ects, leaves, named OR dated, measured IS NULL, dominatorsBefore, isFirst, groupSize FROM (
                    SELECT id, ects, measured, leaves, named, dated,
                        COALESCE(SUM(dominates) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS dominatorsBefore,
                        (ROW_NUMBER() OVER w) = 1 AS isFirst,
                        COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS groupSize
                    FROM (\(rows))
                    WINDOW w AS (PARTITION BY leaves, caps, ects\(runs.partition) ORDER BY measured, id))
                WHERE isFirst OR named OR dated OR measured IS NULL OR ects IS NULL OR ects <= 0 OR (leaves & \(incomparable)) != 0
                    OR dominatorsBefore < \(bound)
                """
            var arguments = rowArguments
            arguments += boundArguments
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let first: Bool = try row.decode(atIndex: 6)
                if first {
                    let size: Int = try row.decode(atIndex: 7)
                    examined += size
                }
                let id: String = try row.decode(atIndex: 0)
                let ects: Double? = try row.decode(atIndex: 1)
                // Named by a `credential` leaf, or dated under a schedule: never cut.
                let alwaysKept: Bool = try row.decode(atIndex: 3), unmeasured: Bool = try row.decode(atIndex: 4)
                guard let ects, !alwaysKept, !unmeasured else {
                    kept.append(id)
                    continue
                }
                let leaves: Int64 = try row.decode(atIndex: 2)
                let before: Int = try row.decode(atIndex: 5)
                if judge.keeps(leaves: leaves, ects: ects, dominatorsBefore: before) { kept.append(id) }
            }
        }
        return (kept.sorted(), examined)
    }
}

/// How both stores judge a row the cut's query sends back with its count of sure dominators
/// before it: kept unless that count reaches D, the dominators the row's leaves and ECTS need
/// (``CandidateCut/dominatorsNeeded(leaves:ects:)``), remembered per (leaves, ECTS).
public struct CutRowJudge {
    private let cut: CandidateCut
    private var needed: [Int64: [Double: Double]] = [:]

    public init(_ cut: CandidateCut) { self.cut = cut }

    /// Whether the row stays: with fewer sure dominators before it than D, nothing proves it
    /// out of every optimal plan. `leaves` is the mask of the leaves accepting it.
    public mutating func keeps(leaves: Int64, ects: Double, dominatorsBefore: Int) -> Bool {
        let dominators: Double
        if let known = needed[leaves]?[ects] {
            dominators = known
        } else {
            dominators = cut.dominatorsNeeded(leaves: cut.leaves.indices.filter { leaves & (Int64(1) << Int64($0)) != 0 }, ects: ects)
            needed[leaves, default: [:]][ects] = dominators
        }
        return Double(dominatorsBefore) < dominators
    }
}
