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
    /// Credentials the cut's query looked at: accepted by a `credits` leaf and open to the learner.
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

    /// The ids of the credentials `credits` leaves accept that the cut keeps, in id order, and
    /// how many were looked at. One query per leaf, each leaving out what earlier leaves took,
    /// over the columns of the covering planning index and the side tables.
    static func cutCandidateIDs(_ cut: CandidateCut, _ db: Database) throws -> (kept: [String], examined: Int) {
        typealias Arguments = [(any DatabaseValueConvertible)?]
        let leafConditions = cut.leaves.map { acceptingCondition($0.filter) }
        let capConditions = cut.caps.map { acceptingCondition($0) }
        // Masks of more than 62 leaves or caps would not fit: such a tree is read without the dominance part.
        let measure = leafConditions.count <= 62 && capConditions.count <= 62 ? cut.measure : nil
        let settings = try catalogue(db)
        var rated: [(String, Double)] = [(settings.baseCurrency, 1)]
        for (code, rate) in settings.exchangeRates.sorted(by: { $0.key < $1.key }) where code != settings.baseCurrency { rated.append((code, rate)) }

        func mask(_ conditions: [(String, StatementArguments)]) -> (String, StatementArguments) {
            guard !conditions.isEmpty, measure != nil else { return ("0", []) }
            var arguments = StatementArguments()
            let parts = conditions.enumerated().map { position, condition in
                arguments += condition.1
                return "(CASE WHEN \(condition.0) THEN \(Int64(1) << Int64(position)) ELSE 0 END)"
            }
            return (parts.joined(separator: " | "), arguments)
        }
        let value: (String, StatementArguments)
        switch measure {
        case .cost:
            var arguments: StatementArguments = [settings.baseCurrency]
            var cases = ""
            for (code, rate) in rated {
                cases += " WHEN ? THEN ?"
                arguments += [code, rate]
            }
            value = ("c.cost * (CASE COALESCE(c.currency, ?)\(cases) END)", arguments)
        case .hours: value = ("COALESCE(c.hours, c.ects * ?)", [cut.hoursPerECTS])
        case nil: value = ("0.0", [])
        }
        let (leafMask, leafMaskArguments) = mask(leafConditions)
        let (capMask, capMaskArguments) = mask(capConditions)
        let namedIDs = StoredText.lookupable(cut.namedIDs)

        // What the learner may take, as Eligibility judges it from these columns.
        var learner: [String] = []
        var learnerArguments = StatementArguments()
        let constraints = cut.constraints
        if let modes = constraints.modes {
            learner.append("c.mode IN (\(marks(modes.count)))")
            learnerArguments += StatementArguments(modes.map(\.rawValue))
        }
        if let languages = constraints.languages {
            let keys = StoredText.lookupable(languages)
            learner.append("c.id IN (SELECT credentialId FROM credentialLanguage WHERE language IN (\(marks(keys.count))))")
            learnerArguments += StatementArguments(keys)
        }
        if constraints.accreditedOnly { learner.append("COALESCE(c.accredited, p.accredited, 0) = 1") }
        let excluded = StoredText.lookupable(constraints.excludeProviders)
        if !excluded.isEmpty {
            learner.append("c.providerId NOT IN (\(marks(excluded.count)))")
            learnerArguments += StatementArguments(excluded)
        }
        let held = StoredText.lookupable(cut.heldIDs)
        learner.append("c.id NOT IN (\(marks(held.count)))")
        learnerArguments += StatementArguments(held)
        learner.append("COALESCE(c.currency, ?) IN (\(marks(rated.count)))")
        learnerArguments += [settings.baseCurrency]
        learnerArguments += StatementArguments(rated.map(\.0))

        struct Group: Hashable { var leaves: Int64; var caps: Int64; var ects: Double }
        struct Member { var value: Double; var id: Int; var dominates: Bool; var cuttable: Bool }
        var groups: [Group: [Member]] = [:]
        var ids: [String] = []
        var keptAlways: [Int] = []
        for (position, leaf) in leafConditions.enumerated() {
            var sql = """
                SELECT c.id, c.ects, \(value.0), \(leafMask), \(capMask),
                    c.prerequisites IS NULL AND c.excludes IS NULL, c.id IN (SELECT id FROM referencedCredential),
                    c.id IN (\(marks(namedIDs.count)))
                FROM credential c LEFT JOIN provider p ON p.id = c.providerId
                WHERE \(leaf.0)
                """
            var arguments = value.1
            arguments += leafMaskArguments
            arguments += capMaskArguments
            arguments += StatementArguments(namedIDs)
            arguments += leaf.1
            for earlier in leafConditions[..<position] {
                sql += " AND NOT COALESCE(\(earlier.0), 0)"
                arguments += earlier.1
            }
            for condition in learner { sql += " AND \(condition)" }
            arguments += learnerArguments
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let index = ids.count
                ids.append(try row.decode(atIndex: 0))
                let isNamed: Bool = try row.decode(atIndex: 7)
                let ects: Double? = try row.decode(atIndex: 1), measured: Double? = try row.decode(atIndex: 2)
                guard measure != nil, !isNamed, let ects, let measured else {
                    keptAlways.append(index)
                    continue
                }
                let bare: Bool = try row.decode(atIndex: 5), referenced: Bool = try row.decode(atIndex: 6)
                let group = Group(leaves: try row.decode(atIndex: 3), caps: try row.decode(atIndex: 4), ects: ects)
                groups[group, default: []].append(Member(value: measured, id: index, dominates: bare && !referenced, cuttable: !referenced))
            }
        }
        var kept = keptAlways
        for (group, members) in groups {
            let leaves = (0..<leafConditions.count).filter { group.leaves & (Int64(1) << Int64($0)) != 0 }
            let needed = cut.dominatorsNeeded(leaves: leaves, ects: group.ects)
            let dominators = members.filter(\.dominates).map(\.value).sorted()
            // The last of the first `needed` sure dominators in (measure, id) order: anything cuttable
            // after it is beaten by all of them (strictly in the measure, or equal and earlier in id
            // order, the tie-break's). Fees are round numbers, so ties at the threshold are many.
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
